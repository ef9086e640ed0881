import type { BlockAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { approvedExtensions } from '../db/queries/extensions.js';
import { findBranchById, findPersonById, findPersonBySlackId } from '../db/queries/people.js';
import { findActivePlan, listObligations } from '../db/queries/plans.js';
import { findReportById, reviewReport } from '../db/queries/reports.js';
import type { AppContext } from '../src/context.js';
import { ViewStateSchema } from '../src/domain/report-form.js';
import { IdValueSchema, parseJson, parseReviewForm, reviewVerdict } from '../src/domain/reporting.js';
import type { Person, Report } from '../src/domain/types.js';
import { pick, t, type Locale } from '../src/i18n/index.js';
import { recordRefusal } from '../src/slack/access.js';
import { publishHome } from '../src/slack/home.js';
import { localeFor } from '../src/slack/locale.js';
import { notifyPerson } from '../src/slack/notify.js';
import type { Router } from '../src/slack/router.js';
import { escape } from '../src/ui/limits.js';
import { messageModal } from '../src/ui/limits.js';
import {
  REVIEW_ACTIONS,
  REVIEW_CALLBACK_ID,
  reviewedBlocks,
  reviewedModal,
  reviewModal,
  type ReportCardInput,
} from '../src/ui/review.js';
import { localDateTime } from '../src/ui/time.js';
import { actionReply } from './report.js';

/** The review modal carries the report and the version the leader read. */
const ReviewMetadataSchema = z.object({ r: z.number().int().positive(), v: z.number().int().positive() }).strict();

export function isLeader(person: Person | null): person is Person {
  return person !== null && person.roles.includes('leader');
}

/** Everything the card shows, read fresh: the task, the branch, the author and the due date that applies. */
async function cardFor(ctx: AppContext, report: Report): Promise<ReportCardInput | null> {
  const plan = await findActivePlan(ctx.db, ctx.clock.now().toISOString().slice(0, 10));
  const [obligations, branch, author] = await Promise.all([
    plan ? listObligations(ctx.db, plan.id) : Promise.resolve([]),
    findBranchById(ctx.db, report.branchId),
    findPersonById(ctx.db, report.submittedBy),
  ]);
  const obligation = obligations.find((o) => o.id === report.obligationId);
  if (!plan || !obligation || !branch) return null;
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
 * Opens a report for review. Other screens (/progress, the App Home) call this from their own
 * `report_review_open` button; only a leader gets the form, anyone else is refused and logged.
 */
export async function openReviewModal(
  ctx: AppContext,
  client: WebClient,
  triggerId: string,
  reportId: number,
  leader: Person | null,
): Promise<void> {
  const slackUserId = leader?.slackUserId ?? '';
  const locale = await localeFor(ctx, client, slackUserId, leader);
  const close = t(locale, 'review.modal.close');
  if (!isLeader(leader)) {
    await recordRefusal(ctx, {
      actor: slackUserId || 'unknown',
      action: `action.${REVIEW_ACTIONS.open}`,
      reason: 'not a leader',
      details: { reportId },
    });
    await client.views.open({
      trigger_id: triggerId,
      view: messageModal('Pacesetter', t(locale, 'review.not_leader'), close),
    });
    return;
  }
  const report = await findReportById(ctx.db, reportId);
  const card = report ? await cardFor(ctx, report) : null;
  if (!report || !card) {
    await client.views.open({
      trigger_id: triggerId,
      view: messageModal('Pacesetter', t(locale, 'report.refused.gone'), close),
    });
    return;
  }
  const view =
    report.status === 'submitted'
      ? reviewModal(locale, card, JSON.stringify({ r: report.id, v: report.version }))
      : reviewedModal(locale, card, await reviewedNote(ctx, locale, report));
  await client.views.open({ trigger_id: triggerId, view });
}

export function register(router: Router, ctx: AppContext): void {
  router.action<BlockAction>(REVIEW_ACTIONS.open, async ({ ack, body, action, client, respond }) => {
    await ack();
    const userId = body.user.id;
    const person = await findPersonBySlackId(ctx.db, userId);
    const id = IdValueSchema.safeParse('value' in action ? action.value : '');
    if (!person) {
      const locale = await localeFor(ctx, client, userId, null);
      return actionReply(client, body, respond)(t(locale, 'common.not_in_roster'));
    }
    if (!id.success) {
      const locale = await localeFor(ctx, client, userId, person);
      await recordRefusal(ctx, {
        actor: userId,
        action: `action.${REVIEW_ACTIONS.open}`,
        reason: 'malformed report id',
        details: { value: String('value' in action ? action.value : '').slice(0, 40) },
      });
      return actionReply(client, body, respond)(t(locale, 'common.forbidden'));
    }
    await openReviewModal(ctx, client, body.trigger_id, id.data, person);
  });

  router.view(REVIEW_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const person = await findPersonBySlackId(ctx.db, userId);
    const locale = await localeFor(ctx, client, userId, person);
    const meta = ReviewMetadataSchema.safeParse(parseJson(view.private_metadata));
    const state = ViewStateSchema.safeParse(view.state.values);
    if (!isLeader(person) || !meta.success || !state.success) {
      await recordRefusal(ctx, {
        actor: userId,
        action: 'view.report_review',
        reason: isLeader(person) ? 'malformed payload' : 'not a leader',
        details: { metadata: view.private_metadata.slice(0, 200) },
      });
      await ack({
        response_action: 'errors',
        errors: { decision: t(locale, isLeader(person) ? 'common.forbidden' : 'review.not_leader') },
      });
      return;
    }
    const form = parseReviewForm(state.data);
    if (!form.ok) {
      await ack({
        response_action: 'errors',
        errors: Object.fromEntries(
          Object.entries(form.errors).map(([block, e]) => [block, t(locale, e.key, e.params)]),
        ),
      });
      return;
    }
    const report = await findReportById(ctx.db, meta.data.r);
    if (!report) {
      await ack({ response_action: 'errors', errors: { decision: t(locale, 'report.refused.gone') } });
      return;
    }
    const verdict = reviewVerdict(report, { leaderId: person.id, decision: form.value.decision, version: meta.data.v });
    if (verdict === 'duplicate') {
      await ack();
      return;
    }
    const reviewed =
      verdict === 'apply'
        ? await reviewReport(
            ctx.db,
            {
              reportId: report.id,
              version: meta.data.v,
              leaderId: person.id,
              decision: form.value.decision,
              comment: form.value.comment,
            },
            { actor: userId, now: ctx.clock.now() },
          )
        : null;
    if (!reviewed) {
      // Someone else was quicker, or the secretary changed or withdrew the report meanwhile.
      const now = (await findReportById(ctx.db, report.id)) ?? report;
      const again =
        verdict === 'apply'
          ? reviewVerdict(now, { leaderId: person.id, decision: form.value.decision, version: meta.data.v })
          : verdict;
      const text =
        again === 'withdrawn'
          ? t(locale, 'review.error.withdrawn')
          : again === 'stale'
            ? t(locale, 'review.error.stale')
            : t(locale, 'review.error.already', {
                leader: (now.reviewedBy ? (await findPersonById(ctx.db, now.reviewedBy))?.name : null) ?? '—',
                status: t(locale, `review.status.${now.status}`),
              });
      await ack({ response_action: 'errors', errors: { decision: text } });
      return;
    }
    await ack();
    const card = await cardFor(ctx, reviewed);
    if (card) {
      await notifyPerson(ctx, client, reviewed.submittedBy, (l) => {
        const params = {
          leader: escape(person.name),
          code: card.obligation.code,
          title: escape(pick(card.obligation.title, l)),
          branch: escape(card.branchName),
        };
        const text = t(l, form.value.decision === 'accept' ? 'review.accepted.dm' : 'review.returned.dm', params);
        return {
          text,
          blocks: reviewedBlocks(l, {
            text,
            comment: form.value.comment,
            decision: form.value.decision,
            reportId: reviewed.id,
          }),
        };
      });
    }
    const author = await findPersonById(ctx.db, reviewed.submittedBy);
    if (author) await publishHome(ctx, client, author.slackUserId);
    await publishHome(ctx, client, userId);
  });
}
