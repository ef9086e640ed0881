import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { findPersonById, findPersonBySlackId } from '../db/queries/people.js';
import { findActivePlan, listObligations, type Plan } from '../db/queries/plans.js';
import { findPaper, listPapersByAuthor, reviewPaper, revisePaper, submitPaper } from '../db/queries/papers.js';
import type { AppContext } from '../src/context.js';
import { ViewStateSchema } from '../src/domain/report-form.js';
import {
  canReview,
  canRevise,
  paperChecklist,
  paperObligationsFor,
  paperOnTime,
  parsePaperForm,
  parsePaperReviewForm,
  type Paper,
} from '../src/domain/papers.js';
import { localDateOf } from '../src/domain/time.js';
import type { Person } from '../src/domain/types.js';
import { t, type Locale, type MessageKey } from '../src/i18n/index.js';
import { recordRefusal } from '../src/slack/access.js';
import { publishHome, publishLeadersHomes } from '../src/slack/home.js';
import { localeFor } from '../src/slack/locale.js';
import { modalOpener } from '../src/slack/modal-opener.js';
import type { Router } from '../src/slack/router.js';
import { messageModal } from '../src/ui/limits.js';
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
const ReviewMetadataSchema = z.object({ paperId: z.number().int().positive() });
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

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function currentPlan(ctx: AppContext): Promise<Plan | null> {
  return findActivePlan(ctx.db, ctx.clock.now().toISOString().slice(0, 10));
}

async function paperItemsFor(ctx: AppContext, plan: Plan, person: Person) {
  const [obligations, papers] = await Promise.all([
    listObligations(ctx.db, plan.id),
    listPapersByAuthor(ctx.db, person.id, plan.id),
  ]);
  const today = localDateOf(ctx.clock.now(), plan.timezone);
  return { obligations, papers, items: paperChecklist({ obligations, rank: person.rank, papers, today }) };
}

/** A message in a modal, for answers to buttons (the Home tab has no response_url). */
async function tellInModal(
  client: WebClient,
  triggerId: string,
  locale: Locale,
  key: MessageKey,
  params: Record<string, string> = {},
) {
  await client.views.open({
    trigger_id: triggerId,
    view: messageModal('Pacesetter', t(locale, key, params), t(locale, 'paper.modal.close')),
  });
}

/**
 * Opens the paper modal for `person`: new, or revising one of their papers. Exported for the App
 * Home. trigger_id lives 3 s, hence the opener (a loading modal first when the database is slow).
 */
export async function openPaperModal(
  ctx: AppContext,
  client: WebClient,
  args: {
    triggerId: string;
    person: Person;
    locale: Locale;
    revising?: Paper;
    opener?: ReturnType<typeof modalOpener>;
  },
): Promise<void> {
  const opener = args.opener ?? modalOpener(client, args.triggerId);
  const plan = await currentPlan(ctx);
  if (!plan) {
    if (
      !(await opener.abandon(
        messageModal('Pacesetter', t(args.locale, 'common.no_plan'), t(args.locale, 'paper.modal.close')),
      ))
    ) {
      await client.views.open({
        trigger_id: args.triggerId,
        view: messageModal('Pacesetter', t(args.locale, 'common.no_plan'), t(args.locale, 'paper.modal.close')),
      });
    }
    return;
  }
  const { items } = await paperItemsFor(ctx, plan, args.person);
  const metadata = { planId: plan.id, ...(args.revising ? { paperId: args.revising.id } : {}) };
  await opener.show(
    paperModal({
      locale: args.locale,
      items,
      privateMetadata: JSON.stringify(metadata),
      ...(args.revising ? { revising: args.revising } : {}),
    }),
  );
}

export function register(router: Router, ctx: AppContext): void {
  router.command('/paper', async ({ command, ack, client, respond }) => {
    await ack();
    const mode = PaperTextSchema.parse(command.text ?? '');
    const opener = mode === 'open' ? modalOpener(client, command.trigger_id) : null;
    const say = (text: string) => respond({ response_type: 'ephemeral', text });
    const person = await findPersonBySlackId(ctx.db, command.user_id);
    const locale = await localeFor(ctx, client, command.user_id, person);
    if (!person) {
      const text = t(locale, 'common.not_in_roster');
      if (!(await opener?.abandon(messageModal('Pacesetter', text, t(locale, 'paper.modal.close'))))) await say(text);
      return;
    }
    if (mode === 'help') {
      await say(t(locale, 'paper.help'));
      return;
    }
    if (mode === 'status') {
      const plan = await currentPlan(ctx);
      if (!plan) {
        await say(t(locale, 'common.no_plan'));
        return;
      }
      const { items, papers } = await paperItemsFor(ctx, plan, person);
      await respond({
        response_type: 'ephemeral',
        text: t(locale, 'paper.status.header'),
        blocks: paperStatusBlocks({ locale, items, papers, withButtons: false }),
      });
      return;
    }
    await openPaperModal(ctx, client, { triggerId: command.trigger_id, person, locale, ...(opener ? { opener } : {}) });
  });

  router.action(PAPER_ACTIONS.open, async ({ ack, body, client }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const person = await findPersonBySlackId(ctx.db, body.user.id);
    const locale = await localeFor(ctx, client, body.user.id, person);
    if (!person) {
      await tellInModal(client, body.trigger_id, locale, 'common.not_in_roster');
      return;
    }
    await openPaperModal(ctx, client, { triggerId: body.trigger_id, person, locale });
  });

  router.action(PAPER_ACTIONS.revise, async ({ ack, body, client, action }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const userId = body.user.id;
    const person = await findPersonBySlackId(ctx.db, userId);
    const locale = await localeFor(ctx, client, userId, person);
    const id = PaperIdSchema.safeParse('value' in action ? action.value : undefined);
    const paper = id.success ? await findPaper(ctx.db, id.data) : null;
    if (!person || !paper || paper.authorId !== person.id) {
      await recordRefusal(ctx, {
        actor: userId,
        action: `action.${PAPER_ACTIONS.revise}`,
        reason: person ? 'not the author of this paper or no such paper' : 'not in the roster',
        details: { value: 'value' in action ? String(action.value).slice(0, 40) : null },
      });
      await tellInModal(client, body.trigger_id, locale, person ? 'common.forbidden' : 'common.not_in_roster');
      return;
    }
    if (!canRevise(paper)) {
      await tellInModal(client, body.trigger_id, locale, 'paper.revise.not_allowed');
      return;
    }
    await openPaperModal(ctx, client, { triggerId: body.trigger_id, person, locale, revising: paper });
  });

  router.action(PAPER_ACTIONS.reviewOpen, async ({ ack, body, client, action }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const userId = body.user.id;
    const person = await findPersonBySlackId(ctx.db, userId);
    const locale = await localeFor(ctx, client, userId, person);
    if (!person || !person.roles.includes('leader')) {
      await recordRefusal(ctx, { actor: userId, action: `action.${PAPER_ACTIONS.reviewOpen}`, reason: 'not a leader' });
      await tellInModal(client, body.trigger_id, locale, person ? 'paper.review.not_leader' : 'common.not_in_roster');
      return;
    }
    const id = PaperIdSchema.safeParse('value' in action ? action.value : undefined);
    const paper = id.success ? await findPaper(ctx.db, id.data) : null;
    if (!paper) {
      await tellInModal(client, body.trigger_id, locale, 'paper.not_found');
      return;
    }
    if (paper.authorId === person.id) {
      await recordRefusal(ctx, {
        actor: userId,
        action: `action.${PAPER_ACTIONS.reviewOpen}`,
        reason: 'own paper',
        details: { paperId: paper.id },
      });
      await tellInModal(client, body.trigger_id, locale, 'paper.review.own');
      return;
    }
    if (!canReview(paper)) {
      await tellInModal(client, body.trigger_id, locale, 'paper.review.already', {
        status: t(locale, `paper.status.${paper.status}` as MessageKey),
      });
      return;
    }
    const author = await findPersonById(ctx.db, paper.authorId);
    await client.views.open({
      trigger_id: body.trigger_id,
      view: paperReviewModal({
        locale,
        paper,
        authorName: author?.name ?? '?',
        coauthorNames: paper.coauthors.map((u) => `<@${u}>`),
        privateMetadata: JSON.stringify({ paperId: paper.id }),
      }),
    });
  });

  router.view(PAPER_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const person = await findPersonBySlackId(ctx.db, userId);
    const locale = await localeFor(ctx, client, userId, person);
    const meta = PaperMetadataSchema.safeParse(safeJson(view.private_metadata));
    const state = ViewStateSchema.safeParse(view.state.values);
    if (!person || !meta.success || !state.success) {
      await recordRefusal(ctx, {
        actor: userId,
        action: `view.${PAPER_CALLBACK_ID}`,
        reason: person ? 'malformed payload' : 'not in the roster',
        details: { metadata: view.private_metadata.slice(0, 200) },
      });
      await ack({
        response_action: 'errors',
        errors: { kind: t(locale, person ? 'common.forbidden' : 'common.not_in_roster') },
      });
      return;
    }
    const plan = await currentPlan(ctx);
    if (!plan || plan.id !== meta.data.planId) {
      await ack({ response_action: 'errors', errors: { kind: t(locale, 'common.no_plan') } });
      return;
    }
    const form = parsePaperForm(state.data, userId);
    if (!form.ok) {
      await ack({
        response_action: 'errors',
        errors: Object.fromEntries(
          Object.entries(form.errors).map(([block, e]) => [block, t(locale, e.key, e.params)]),
        ),
      });
      return;
    }
    const now = ctx.clock.now();
    const obligations = await listObligations(ctx.db, plan.id);
    const onTime = paperOnTime({
      obligations,
      rank: person.rank,
      kind: form.value.kind,
      at: now,
      timezone: plan.timezone,
    });
    const content = { ...form.value, onTime };
    const metaArgs = { actor: userId, now };
    let saved: { paper: Paper; fresh: boolean; revised: boolean };
    if (meta.data.paperId !== undefined) {
      const result = await revisePaper(
        ctx.db,
        { ...content, paperId: meta.data.paperId, authorId: person.id, submissionKey: view.id },
        metaArgs,
      );
      if (result.outcome === 'not_found' || result.outcome === 'not_author') {
        await recordRefusal(ctx, {
          actor: userId,
          action: `view.${PAPER_CALLBACK_ID}`,
          reason: 'revising a paper that is not theirs',
          details: { paperId: meta.data.paperId },
        });
        await ack({ response_action: 'errors', errors: { kind: t(locale, 'common.forbidden') } });
        return;
      }
      if (result.outcome === 'locked') {
        await ack({ response_action: 'errors', errors: { kind: t(locale, 'paper.revise.not_allowed') } });
        return;
      }
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
      channel: userId,
      text: t(locale, saved.revised ? 'paper.saved.revised' : 'paper.saved', {
        kind: paperKindLabel(saved.paper.kind, locale),
        title: saved.paper.title,
        when,
      }),
    });
    await publishHome(ctx, client, userId);
    await publishLeadersHomes(ctx, client);
  });

  router.view(PAPER_REVIEW_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const person = await findPersonBySlackId(ctx.db, userId);
    const locale = await localeFor(ctx, client, userId, person);
    const meta = ReviewMetadataSchema.safeParse(safeJson(view.private_metadata));
    const state = ViewStateSchema.safeParse(view.state.values);
    if (!person || !person.roles.includes('leader') || !meta.success || !state.success) {
      await recordRefusal(ctx, {
        actor: userId,
        action: `view.${PAPER_REVIEW_CALLBACK_ID}`,
        reason: 'not a leader or malformed payload',
        details: { metadata: view.private_metadata.slice(0, 200) },
      });
      await ack({
        response_action: 'errors',
        errors: { decision: t(locale, person ? 'paper.review.not_leader' : 'common.not_in_roster') },
      });
      return;
    }
    const form = parsePaperReviewForm(state.data);
    if (!form.ok) {
      await ack({
        response_action: 'errors',
        errors: Object.fromEntries(
          Object.entries(form.errors).map(([block, e]) => [block, t(locale, e.key, e.params)]),
        ),
      });
      return;
    }
    const before = await findPaper(ctx.db, meta.data.paperId);
    if (!before) {
      await ack({ response_action: 'errors', errors: { decision: t(locale, 'paper.not_found') } });
      return;
    }
    if (before.authorId === person.id) {
      await recordRefusal(ctx, {
        actor: userId,
        action: `view.${PAPER_REVIEW_CALLBACK_ID}`,
        reason: 'own paper',
        details: { paperId: before.id },
      });
      await ack({ response_action: 'errors', errors: { decision: t(locale, 'paper.review.own') } });
      return;
    }
    const paper = await reviewPaper(
      ctx.db,
      { paperId: before.id, reviewerId: person.id, decision: form.value.decision, comment: form.value.comment },
      { actor: userId, now: ctx.clock.now() },
    );
    if (!paper) {
      await ack({
        response_action: 'errors',
        errors: {
          decision: t(locale, 'paper.review.already', {
            status: t(locale, `paper.status.${before.status}` as MessageKey),
          }),
        },
      });
      return;
    }
    await ack();
    const author = await findPersonById(ctx.db, paper.authorId);
    if (author) {
      const authorLocale = await localeFor(ctx, client, author.slackUserId, author);
      const dm = paperReviewedMessage({ locale: authorLocale, paper, leaderName: person.name });
      await client.chat.postMessage({ channel: author.slackUserId, text: dm.text, blocks: dm.blocks });
      await publishHome(ctx, client, author.slackUserId);
    }
    await publishLeadersHomes(ctx, client);
  });
}
