import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { findPersonById } from '../db/queries/people.js';
import { planObligations, type PlanToday } from '../db/queries/plans.js';
import { findPaper, listPapersByAuthor, reviewPaper, revisePaper, submitPaper } from '../db/queries/papers.js';
import type { AppContext } from '../src/context.js';
import { leaderAccess } from '../src/domain/ranking.js';
import { paperSelfReview } from '../src/domain/reviewers.js';
import {
  canReview,
  canRevise,
  paperChecklist,
  paperObligationsFor,
  paperOnTime,
  parsePaperForm,
  parsePaperReviewForm,
  paperReviewVerdict,
  type Paper,
} from '../src/domain/papers.js';
import type { Person } from '../src/domain/types.js';
import { publishHome, publishLeadersHomes } from '../src/flows/home.js';
import { t, type MessageKey } from '../src/i18n/index.js';
import {
  actionValue,
  callerOf,
  ephemeral,
  formErrors,
  modalAnswer,
  shownIn,
  type Caller,
} from '../src/slack/caller.js';
import { submitterOf } from '../src/slack/openings.js';
import { localeFor } from '../src/slack/locale.js';
import { escape } from '../src/ui/limits.js';
import { modalOpener, type ViewSink } from '../src/slack/modal-opener.js';
import type { Router } from '../src/slack/router.js';
import {
  PAPER_ACTIONS,
  PAPER_CALLBACK_ID,
  PAPER_REVIEW_CALLBACK_ID,
  paperKindLabel,
  paperModal,
  paperReviewedMessage,
  paperReviewModal,
  paperStatusBlocks,
} from '../src/ui/paper.js';

/** What the paper modal carries; checked again on submission because it comes back from the client. */
const PaperMetadataSchema = z.object({
  planId: z.number().int().positive(),
  paperId: z.number().int().positive().optional(),
});
/** The review modal carries the paper and the version the leader read. */
const ReviewMetadataSchema = z.object({
  paperId: z.number().int().positive(),
  // Absent from a modal opened before papers had versions: such a review is stale, and reopened.
  v: z.number().int().positive().optional(),
});
/** A button's value naming a paper. */
const PaperIdSchema = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number);

/** `/paper`, `/paper status`, `/paper help` (and their Chinese). */
const PaperTextSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((s) => (s === '' ? 'open' : s === 'status' || s === '状态' ? 'status' : 'help'));

async function paperItemsFor(ctx: AppContext, { plan, today }: PlanToday, person: Person) {
  const [obligations, papers] = await Promise.all([
    planObligations(ctx.db, plan),
    listPapersByAuthor(ctx.db, person.id, plan.id),
  ]);
  return { obligations, papers, items: paperChecklist({ obligations, rank: person.rank, papers, today }) };
}

/**
 * Opens the paper modal for the caller: new, or revising one of their papers. trigger_id lives
 * 3 s, hence the opener (a loading modal first when the database is slow).
 */
async function openPaperModal(
  ctx: AppContext,
  client: WebClient,
  caller: Caller<Person>,
  args: { triggerId: string; revising?: Paper; opener?: ViewSink },
): Promise<void> {
  const opener = args.opener ?? modalOpener(client, args.triggerId);
  const found = await caller.today();
  if (!found) {
    const tell = shownIn(opener, 'paper.modal.close', modalAnswer(client, args.triggerId, 'paper.modal.close'));
    return void (await tell(caller.t('common.no_plan'), caller.locale));
  }
  const { items } = await paperItemsFor(ctx, found, caller.person);
  const metadata = { planId: found.plan.id, ...(args.revising ? { paperId: args.revising.id } : {}) };
  await opener.show(
    paperModal({
      locale: caller.locale,
      items,
      privateMetadata: JSON.stringify(metadata),
      ...(args.revising ? { revising: args.revising } : {}),
    }),
  );
}

/** A leader asked to review a paper they wrote or co-wrote: refused, saying who reviews it. */
function refuseOwnPaper(leader: Caller<Person>, self: 'author' | 'coauthor', paper: Paper): Promise<void> {
  return self === 'author'
    ? leader.refuse('own paper', leader.t('paper.review.own'), { paperId: paper.id })
    : leader.refuse('co-author of the paper', leader.t('paper.review.coauthor'), { paperId: paper.id });
}

export function register(router: Router, ctx: AppContext): void {
  router.command('/paper', async ({ command, ack, client, respond }) => {
    await ack();
    const mode = PaperTextSchema.parse(command.text ?? '');
    const opener = mode === 'open' ? modalOpener(client, command.trigger_id) : null;
    const say = ephemeral(respond);
    const caller = await callerOf(ctx, client, command.user_id, {
      action: 'command./paper',
      answer: opener ? shownIn(opener, 'paper.modal.close', say) : say,
    });
    const member = await caller.require();
    if (!member) return;
    if (mode === 'help') return member.say(member.t('paper.help'));
    if (mode === 'status') {
      const found = await member.today();
      if (!found) return member.say(member.t('common.no_plan'));
      const { items, papers } = await paperItemsFor(ctx, found, member.person);
      await respond({
        response_type: 'ephemeral',
        text: member.t('paper.status.header'),
        blocks: paperStatusBlocks({ locale: member.locale, items, papers, withButtons: false }),
      });
      return;
    }
    await openPaperModal(ctx, client, member, { triggerId: command.trigger_id, ...(opener ? { opener } : {}) });
  });

  router.action(PAPER_ACTIONS.open, async ({ ack, body, client }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `action.${PAPER_ACTIONS.open}`,
      // Answers to buttons go in a modal: the Home tab has no response_url.
      answer: modalAnswer(client, body.trigger_id, 'paper.modal.close'),
    });
    const member = await caller.require();
    if (!member) return;
    await openPaperModal(ctx, client, member, { triggerId: body.trigger_id });
  });

  router.action(PAPER_ACTIONS.revise, async ({ ack, body, client, action }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const value = actionValue(action);
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `action.${PAPER_ACTIONS.revise}`,
      answer: modalAnswer(client, body.trigger_id, 'paper.modal.close'),
      details: { value: value.slice(0, 40) },
    });
    const id = PaperIdSchema.safeParse(value);
    const paper = id.success ? await findPaper(ctx.db, id.data) : null;
    const author = await caller.require({
      may: (p) => paper !== null && paper.authorId === p.id,
      reason: 'not the author of this paper or no such paper',
    });
    if (!author || !paper) return;
    if (!canRevise(paper)) return author.say(author.t('paper.revise.not_allowed'));
    await openPaperModal(ctx, client, author, { triggerId: body.trigger_id, revising: paper });
  });

  router.action(PAPER_ACTIONS.reviewOpen, async ({ ack, body, client, action }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const value = actionValue(action);
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `action.${PAPER_ACTIONS.reviewOpen}`,
      answer: modalAnswer(client, body.trigger_id, 'paper.modal.close'),
    });
    const leader = await caller.require({
      may: leaderAccess.act,
      refusal: 'paper.review.not_leader',
      reason: 'not a leader',
    });
    if (!leader) return;
    const id = PaperIdSchema.safeParse(value);
    const paper = id.success ? await findPaper(ctx.db, id.data) : null;
    if (!paper) return leader.say(leader.t('paper.not_found'));
    const self = paperSelfReview(leader.person, paper);
    if (self) return refuseOwnPaper(leader, self, paper);
    if (!canReview(paper))
      return leader.say(
        leader.t('paper.review.already', { status: leader.t(`paper.status.${paper.status}` as MessageKey) }),
      );
    const author = await findPersonById(ctx.db, paper.authorId);
    await client.views.open({
      trigger_id: body.trigger_id,
      view: paperReviewModal({
        locale: leader.locale,
        paper,
        authorName: author?.name ?? '?',
        privateMetadata: JSON.stringify({ paperId: paper.id, v: paper.version }),
      }),
    });
  });

  router.view(PAPER_CALLBACK_ID, async (args) => {
    const { ack, view, client } = args;
    const submitted = await submitterOf(ctx, args, PaperMetadataSchema, 'kind');
    if (!submitted) return;
    const { caller: member, meta, state } = submitted;
    const { person, locale, slackUserId } = member;
    const found = await member.today();
    if (!found || found.plan.id !== meta.planId) return member.say(member.t('common.no_plan'));
    const { plan } = found;
    const form = parsePaperForm(state, slackUserId);
    if (!form.ok) return ack(formErrors(locale, form.errors));
    const now = ctx.clock.now();
    const obligations = await planObligations(ctx.db, plan);
    const onTime = paperOnTime({
      obligations,
      rank: person.rank,
      kind: form.value.kind,
      at: now,
      timezone: plan.timezone,
    });
    const content = { ...form.value, onTime };
    const metaArgs = { actor: slackUserId, now };
    let saved: { paper: Paper; fresh: boolean; revised: boolean };
    if (meta.paperId !== undefined) {
      const result = await revisePaper(
        ctx.db,
        { ...content, paperId: meta.paperId, authorId: person.id, submissionKey: view.id },
        metaArgs,
      );
      if (result.outcome === 'not_found' || result.outcome === 'not_author')
        return member.refuse('revising a paper that is not theirs', member.t('common.forbidden'), {
          paperId: meta.paperId,
        });
      if (result.outcome === 'locked') return member.say(member.t('paper.revise.not_allowed'));
      saved = { paper: result.paper, fresh: result.outcome === 'revised', revised: true };
    } else {
      const result = await submitPaper(
        ctx.db,
        { ...content, planId: plan.id, authorId: person.id, submissionKey: view.id },
        metaArgs,
      );
      saved = { paper: result.paper, fresh: result.created, revised: false };
    }
    await ack();
    // A retried delivery stored nothing, and says nothing twice.
    if (!saved.fresh) return;
    const ob = paperObligationsFor(obligations, person.rank).find((o) => o.paperKinds.includes(saved.paper.kind));
    const when = !ob
      ? t(locale, 'paper.when.voluntary')
      : onTime
        ? t(locale, 'paper.when.on_time')
        : t(locale, 'paper.when.late', { due: ob.due });
    await client.chat.postMessage({
      channel: slackUserId,
      text: t(locale, saved.revised ? 'paper.saved.revised' : 'paper.saved', {
        kind: paperKindLabel(saved.paper.kind, locale),
        title: escape(saved.paper.title),
        when,
      }),
    });
    await publishHome(ctx, client, slackUserId);
    await publishLeadersHomes(ctx, client);
  });

  router.view(PAPER_REVIEW_CALLBACK_ID, async (args) => {
    const { ack, client } = args;
    const submitted = await submitterOf(ctx, args, ReviewMetadataSchema, 'decision', {
      may: leaderAccess.act,
      refusal: 'paper.review.not_leader',
      reason: 'not a leader',
    });
    if (!submitted) return;
    const { caller: leader, meta, state } = submitted;
    const form = parsePaperReviewForm(state);
    if (!form.ok) return ack(formErrors(leader.locale, form.errors));
    const before = await findPaper(ctx.db, meta.paperId);
    if (!before) return leader.say(leader.t('paper.not_found'));
    const self = paperSelfReview(leader.person, before);
    if (self) return refuseOwnPaper(leader, self, before);
    const review = { leaderId: leader.person.id, decision: form.value.decision, version: meta.v ?? 0 };
    const verdict = paperReviewVerdict(before, review);
    if (verdict === 'duplicate') return ack();
    const paper =
      verdict === 'apply'
        ? await reviewPaper(
            ctx.db,
            { paperId: before.id, reviewerId: review.leaderId, ...form.value, version: review.version },
            { actor: leader.slackUserId, now: ctx.clock.now() },
          )
        : null;
    if (!paper) {
      // Another leader was quicker, or the author revised the paper meanwhile.
      const now = (await findPaper(ctx.db, before.id)) ?? before;
      const again = verdict === 'apply' ? paperReviewVerdict(now, review) : verdict;
      if (again === 'duplicate') return ack();
      return leader.say(
        again === 'stale'
          ? leader.t('paper.review.stale')
          : again === 'withdrawn'
            ? leader.t('paper.review.withdrawn')
            : leader.t('paper.review.already', { status: leader.t(`paper.status.${now.status}` as MessageKey) }),
      );
    }
    await ack();
    const author = await findPersonById(ctx.db, paper.authorId);
    if (author) {
      const authorLocale = await localeFor(ctx, client, author.slackUserId, author);
      const dm = paperReviewedMessage({ locale: authorLocale, paper, leaderName: leader.person.name });
      await client.chat.postMessage({ channel: author.slackUserId, text: dm.text, blocks: dm.blocks });
      await publishHome(ctx, client, author.slackUserId);
    }
    await publishLeadersHomes(ctx, client);
  });
}
