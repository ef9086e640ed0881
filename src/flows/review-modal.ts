import type { WebClient } from '@slack/web-api';
import { approvedExtensions } from '../../db/queries/extensions.js';
import { findBranchById, findPersonById } from '../../db/queries/people.js';
import { planObligations, type PlanToday } from '../../db/queries/plans.js';
import { findReportById } from '../../db/queries/reports.js';
import type { AppContext } from '../context.js';
import { leaderAccess } from '../domain/ranking.js';
import { branchSelfReview } from '../domain/reviewers.js';
import type { Report } from '../domain/types.js';
import { t, type Locale } from '../i18n/index.js';
import { modalAnswer, type Caller } from '../slack/caller.js';
import { escape } from '../ui/limits.js';
import { reviewedModal, reviewModal, type ReportCardInput } from '../ui/review.js';
import { localDateTime } from '../ui/time.js';

/** Everything a report's card shows, read fresh: the task, the branch, the author and the due date that applies. */
export async function reportCard(
  ctx: AppContext,
  found: PlanToday | null,
  report: Report,
): Promise<ReportCardInput | null> {
  if (!found) return null;
  const { plan } = found;
  const [obligations, branch, author] = await Promise.all([
    planObligations(ctx.db, plan),
    findBranchById(ctx.db, report.branchId),
    findPersonById(ctx.db, report.submittedBy),
  ]);
  const obligation = obligations.find((o) => o.id === report.obligationId);
  if (!obligation || !branch) return null;
  const extended = (await approvedExtensions(ctx.db, plan.id, [branch.id])).get(branch.id)?.get(obligation.id);
  return {
    report,
    obligation,
    branchName: branch.name,
    authorName: author?.name ?? '—',
    due: extended ?? obligation.due,
    originalDue: obligation.due,
    submittedLocal: localDateTime(report.submittedAt, plan.timezone),
  };
}

async function reviewedNote(ctx: AppContext, locale: Locale, report: Report): Promise<string> {
  if (report.status === 'withdrawn') return t(locale, 'review.error.withdrawn');
  const leader = report.reviewedBy ? await findPersonById(ctx.db, report.reviewedBy) : null;
  return t(locale, 'review.reviewed_by', {
    leader: escape(leader?.name ?? '—'),
    status: t(locale, `review.status.${report.status}`),
  });
}

/**
 * Opens a report for review, from any screen's Review button (a leader's DM, /progress, the App
 * Home): a leader gets the form, or the card with who reviewed it; anyone else is refused in a
 * modal, and the attempt logged.
 */
export async function openReviewModal(
  ctx: AppContext,
  client: WebClient,
  triggerId: string,
  reportId: number,
  asker: Caller,
): Promise<void> {
  const caller = asker.answering(modalAnswer(client, triggerId, 'review.modal.close'));
  const leader = await caller.require({ may: leaderAccess.act, refusal: 'review.not_leader', reason: 'not a leader' });
  if (!leader) return;
  const report = await findReportById(ctx.db, reportId);
  const card = report ? await reportCard(ctx, await leader.today(), report) : null;
  if (!report || !card) return leader.say(leader.t('report.refused.gone'));
  const self =
    report.status === 'submitted'
      ? branchSelfReview(leader.person, { branchId: report.branchId, by: report.submittedBy })
      : null;
  if (self)
    return leader.refuse(
      `reviewing a report of their own (${self})`,
      leader.t(`review.self.${self}`, { branch: escape(card.branchName) }),
      { reportId: report.id },
    );
  const view =
    report.status === 'submitted'
      ? reviewModal(leader.locale, card, JSON.stringify({ r: report.id, v: report.version }))
      : reviewedModal(leader.locale, card, await reviewedNote(ctx, leader.locale, report));
  await client.views.open({ trigger_id: triggerId, view });
}
