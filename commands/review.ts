import type { BlockAction } from '@slack/bolt';
import { z } from 'zod';
import { findBranchById, findPersonById } from '../db/queries/people.js';
import { findReportById, reviewReport } from '../db/queries/reports.js';
import type { AppContext } from '../src/context.js';
import { leaderAccess } from '../src/domain/ranking.js';
import { IdValueSchema, parseReviewForm, reviewVerdict } from '../src/domain/reporting.js';
import { branchSelfReview } from '../src/domain/reviewers.js';
import { publishHome } from '../src/flows/home.js';
import { openReviewModal, reportCard } from '../src/flows/review-modal.js';
import { pick, t } from '../src/i18n/index.js';
import { actionValue, buttonReply, callerOf, formErrors } from '../src/slack/caller.js';
import { submitterOf } from '../src/slack/openings.js';
import { notifyPerson } from '../src/slack/notify.js';
import type { Router } from '../src/slack/router.js';
import { escape } from '../src/ui/limits.js';
import { REVIEW_ACTIONS, REVIEW_CALLBACK_ID, reviewedBlocks } from '../src/ui/review.js';

/** The review modal carries the report and the version the leader read. */
const ReviewMetadataSchema = z.object({ r: z.number().int().positive(), v: z.number().int().positive() }).strict();

export function register(router: Router, ctx: AppContext): void {
  router.action<BlockAction>(REVIEW_ACTIONS.open, async ({ ack, body, action, client, respond }) => {
    await ack();
    const value = actionValue(action);
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `action.${REVIEW_ACTIONS.open}`,
      answer: buttonReply(client, body, respond),
      details: { value: value.slice(0, 40) },
    });
    const id = IdValueSchema.safeParse(value);
    if (!(await caller.require())) return;
    if (!id.success) return caller.refuse('malformed report id', caller.t('common.forbidden'));
    await openReviewModal(ctx, client, body.trigger_id, id.data, caller);
  });

  router.view(REVIEW_CALLBACK_ID, async (args) => {
    const { ack, client } = args;
    const submitted = await submitterOf(ctx, args, ReviewMetadataSchema, 'decision', {
      may: leaderAccess.act,
      refusal: 'review.not_leader',
      reason: 'not a leader',
    });
    if (!submitted) return;
    const { caller: leader, meta, state } = submitted;
    const { person, locale } = leader;
    const form = parseReviewForm(state);
    if (!form.ok) return ack(formErrors(locale, form.errors));
    const report = await findReportById(ctx.db, meta.r);
    if (!report) return leader.say(leader.t('report.refused.gone'));
    const self = branchSelfReview(person, { branchId: report.branchId, by: report.submittedBy });
    if (self) {
      const branch = escape((await findBranchById(ctx.db, report.branchId))?.name ?? '—');
      return leader.refuse(`reviewing a report of their own (${self})`, leader.t(`review.self.${self}`, { branch }), {
        reportId: report.id,
      });
    }
    const verdict = reviewVerdict(report, { leaderId: person.id, decision: form.value.decision, version: meta.v });
    if (verdict === 'duplicate') return ack();
    const reviewed =
      verdict === 'apply'
        ? await reviewReport(
            ctx.db,
            {
              reportId: report.id,
              version: meta.v,
              leaderId: person.id,
              decision: form.value.decision,
              comment: form.value.comment,
            },
            { actor: leader.slackUserId, now: ctx.clock.now() },
          )
        : null;
    if (!reviewed) {
      // Someone else was quicker, or the secretary changed or withdrew the report meanwhile.
      const now = (await findReportById(ctx.db, report.id)) ?? report;
      const again =
        verdict === 'apply'
          ? reviewVerdict(now, { leaderId: person.id, decision: form.value.decision, version: meta.v })
          : verdict;
      return leader.say(
        again === 'withdrawn'
          ? leader.t('review.error.withdrawn')
          : again === 'stale'
            ? leader.t('review.error.stale')
            : leader.t('review.error.already', {
                leader: escape((now.reviewedBy ? (await findPersonById(ctx.db, now.reviewedBy))?.name : null) ?? '—'),
                status: leader.t(`review.status.${now.status}`),
              }),
      );
    }
    await ack();
    const card = await reportCard(ctx, await leader.today(), reviewed);
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
    await publishHome(ctx, client, leader.slackUserId);
  });
}
