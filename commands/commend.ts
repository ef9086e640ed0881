import type { AllMiddlewareArgs, BlockAction, RespondFn, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import {
  announceRound,
  changeOwnNomination,
  decideObjection,
  findNomination,
  findObjection,
  findPublicity,
  listNominations,
  listPublicity,
  nominate,
  openObjections,
  raiseObjection,
  reviewNomination,
  startPublicity,
  type Nomination,
  type NominationView,
} from '../db/queries/commendations.js';
import { findPersonBySlackId, listAdmins } from '../db/queries/people.js';
import type { PlanToday } from '../db/queries/plans.js';
import { findProject, listProjects } from '../db/queries/projects.js';
import { loadRankingData } from '../db/queries/rankings.js';
import type { AppContext } from '../src/context.js';
import { drainOutbox } from '../src/delivery/outbox.js';
import { createWorkCalendar } from '../src/domain/calendar.js';
import {
  COMMEND_BLOCKS,
  parseCommendChannelForm,
  parseCommendReviewForm,
  parseCommendText,
  parseNominationForm,
  parseObjectionDecisionForm,
  parseObjectionForm,
} from '../src/domain/commendation-forms.js';
import {
  eligibilityRefusal,
  findCategory,
  findRound,
  minStage,
  nominationQuotaRefusal,
  nominationsOpen,
  publicityPeriod,
  reviewAllowed,
  roundAppliesTo,
  roundPhase,
  shortlistRefusal,
  type AwardCategory,
  type CommendationRules,
  type NominationRefusal,
  type NomineeFacts,
  type Round,
} from '../src/domain/commendations.js';
import { overdueBranches } from '../src/domain/notice.js';
import { reached } from '../src/domain/projects.js';
import type { Branch, Person } from '../src/domain/types.js';
import { commendToday, type CommendToday } from '../src/flows/commendations.js';
import { ephemeralReply, linkedDue, linkedReport, modalReply, postRows, showModal } from '../src/flows/projects.js';
import { pick, t, type MessageKey } from '../src/i18n/index.js';
import { callerOf, noAnswer, parseJson, type Access, type Caller } from '../src/slack/caller.js';
import { notifyPerson } from '../src/slack/notify.js';
import { actedBy, pressOf, refuseForm, submissionOf, submitterOf, type Submitted } from '../src/slack/openings.js';
import type { Router } from '../src/slack/router.js';
import { escape, messageModal } from '../src/ui/limits.js';
import {
  announceModal,
  announcementPosts,
  COMMEND_ACTIONS,
  COMMEND_VIEWS,
  commendReviewModal,
  leaderRoundsBlocks,
  nominateModal,
  nominationNumber,
  NOMINEES_PER_REPLY,
  objectionDecisionModal,
  objectionModal,
  postedOrder,
  publicityModal,
  publicityPosts,
  refusalText,
  reviewPageBlocks,
  secretaryRoundsBlocks,
  type LeaderRound,
  type SecretaryRound,
} from '../src/ui/commendations.js';

const Code = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,23}$/);
const Id = z.number().int().positive();
const IdValue = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number)
  .pipe(Id);
const CategoryValue = z.object({ r: Code, c: Code }).strict();
const PartValue = z.object({ r: Code, p: z.number().int().min(1).max(1000) }).strict();
const NominateMeta = z.object({ p: Id, r: Code, c: Code, b: Id.optional(), n: Id.optional() }).strict();
const NominationMeta = z.object({ n: Id }).strict();
const RoundMeta = z.object({ p: Id, r: Code }).strict();
const ObjectionMeta = z.object({ o: Id }).strict();

const isLeader = (p: Person) => p.roles.includes('leader');
const isAdmin = (p: Person) => p.roles.includes('admin');

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
type ViewArgs = Parameters<Parameters<Router['view']>[1]>[0];

interface PressOptions {
  /** How many characters of the button's value go with a refusal. */
  keep?: number;
  /** Answered under the message the button came from, when it has one; else in a modal. */
  inPlace?: boolean;
}

/** A commendations button's first lines: acked at once, the value it carries and who pressed it. */
async function pressed(ctx: AppContext, args: ActionArgs, actionId: string, opts: PressOptions) {
  const { ack, body, action, client, respond } = args;
  await ack();
  return pressOf(
    ctx,
    client,
    { body, action, actionId },
    opts.inPlace && body.response_url ? ephemeralReply(respond) : modalReply(client, body, 'commend.modal.close'),
    opts.keep,
  );
}

interface CommendPress {
  caller: Caller<Person>;
  ct: CommendToday;
  value: string;
  body: BlockAction;
}

/**
 * A commendations button: the presser must be in the roster and pass `access`, and the plan in force
 * must have its commendations section. `inPlace`: answered under the message it came from, when it has one.
 */
function commendButton(
  router: Router,
  ctx: AppContext,
  actionId: string,
  access: Access,
  run: (s: CommendPress, args: ActionArgs) => Promise<void>,
  opts: PressOptions = {},
): void {
  router.action<BlockAction>(actionId, async (args) => {
    const { value, caller } = await pressed(ctx, args, actionId, opts);
    const person = await caller.require(access);
    if (!person) return;
    const ct = await commendToday(person);
    if (!ct) return;
    await run({ caller: person, ct, value, body: args.body }, args);
  });
}

/**
 * A nomination button of the presser's own branch (revise, withdraw): it runs with the nomination
 * and its secretary; anyone else is refused.
 */
function ownNominationButton(
  router: Router,
  ctx: AppContext,
  actionId: string,
  run: (own: { secretary: Caller<Person>; n: Nomination }, args: ActionArgs) => Promise<void>,
  opts: PressOptions = {},
): void {
  router.action<BlockAction>(actionId, async (args) => {
    const { value, caller } = await pressed(ctx, args, actionId, opts);
    const id = IdValue.safeParse(value);
    const n = id.success ? await findNomination(ctx.db, id.data) : null;
    const secretary = await caller.require({
      may: (p) => n !== null && p.secretaryOf.includes(n.branchId),
      reason: n ? 'not the secretary of the nominating branch' : 'no such nomination',
    });
    if (secretary && n) await run({ secretary, n }, args);
  });
}

/**
 * A commendations submission acting on the plan in force: the submitter must be in the roster and
 * pass `access`, and the plan must still have its commendations section; a modal whose metadata
 * or values are not its own is refused and audited.
 */
function commendView<M>(
  router: Router,
  ctx: AppContext,
  viewId: string,
  Meta: z.ZodType<M>,
  errorBlock: string,
  access: Access,
  run: (s: Submitted<M> & { ct: CommendToday }, args: ViewArgs) => Promise<void>,
): void {
  router.view(viewId, async (args) => {
    const submitted = await submitterOf(ctx, args, Meta, errorBlock, access);
    if (!submitted) return;
    const ct = await commendToday(submitted.caller);
    if (!ct) return;
    await run({ ...submitted, ct }, args);
  });
}

/** The round a modal names, when the plan it was opened under is still the one in force. */
function roundInForce(ct: CommendToday, meta: { p: number; r: string }): Round | null {
  const round = findRound(ct.rules, meta.r);
  return round && ct.found.plan.id === meta.p ? round : null;
}

/**
 * The nomination modal for a round's category, new or revising, over where the button was pressed;
 * its metadata names the plan, the round and the category, and `extra` (the branch, the nomination).
 */
function showNominate(
  client: WebClient,
  body: BlockAction,
  secretary: Caller<Person>,
  of: { planId: number; round: Round; category: AwardCategory; extra: { b?: number; n?: number } },
  shown: Omit<Parameters<typeof nominateModal>[0], 'locale' | 'round' | 'category' | 'privateMetadata'>,
) {
  return showModal(
    client,
    body,
    nominateModal({
      locale: secretary.locale,
      round: of.round,
      category: of.category,
      ...shown,
      privateMetadata: JSON.stringify({ p: of.planId, r: of.round.code, c: of.category.code, ...of.extra }),
    }),
  );
}

/** The round and category a nomination names, when the plan in force still has both. */
function roundOf(rules: CommendationRules, n: { round: string; category: string } | undefined | null) {
  const round = n ? findRound(rules, n.round) : undefined;
  const category = round && n ? findCategory(round, n.category) : undefined;
  return round && category ? { round, category } : null;
}

/** The branch's overdue tasks today (a branch nominee's eligibility), counted as the notices count them. */
async function overdueOf(ctx: AppContext, found: PlanToday, branch: Branch): Promise<number> {
  const data = await loadRankingData(ctx.db, found.plan);
  const of = overdueBranches({ ...data, branches: [branch], today: found.today }, 1);
  return of[0]?.tasks.length ?? 0;
}

/** Nominations of a round that count against a branch's quota in a category. */
function madeIn(nominations: readonly NominationView[], branchId: number, category: string): number {
  return nominations.filter((n) => n.branchId === branchId && n.category === category && n.status !== 'withdrawn')
    .length;
}

async function secretaryRounds(ctx: AppContext, caller: Caller<Person>, ct: CommendToday): Promise<SecretaryRound[]> {
  const { found, rules } = ct;
  const out: SecretaryRound[] = [];
  for (const round of rules.rounds) {
    const branches = caller.branches.filter((b) => roundAppliesTo(round, b.category));
    if (branches.length === 0) continue;
    const [nominations, publicity] = await Promise.all([
      listNominations(ctx.db, found.plan.id, { round: round.code, branchIds: branches.map((b) => b.id) }),
      findPublicity(ctx.db, found.plan.id, round.code),
    ]);
    const phase = roundPhase(round, found.today, publicity);
    const due = await Promise.all(
      branches.map((b) => linkedDue(ctx, found.plan, b.id, round.obligation, round.nominations_due)),
    );
    const closed = branches.every((_, i) =>
      nominationsOpen(round, found.today, due[i]!.extendedTo, publicity !== null),
    );
    out.push({
      round,
      phase,
      categories: round.categories.map((category) => {
        const made = branches.reduce((n, b) => n + madeIn(nominations, b.id, category.code), 0);
        const room = branches.some((b) => madeIn(nominations, b.id, category.code) < category.quota.per_branch);
        return { category, made, open: !closed && room };
      }),
      nominations: nominations.filter((n) => n.status !== 'withdrawn'),
      closedReason: closed
        ? refusalText(
            caller.locale,
            nominationsOpen(round, found.today, null, publicity !== null) ?? { key: 'publicity_started' },
          )
        : null,
    });
  }
  return out;
}

async function leaderRounds(ctx: AppContext, caller: Caller<Person>, ct: CommendToday): Promise<LeaderRound[]> {
  const { found, rules } = ct;
  const [objections, publicities] = await Promise.all([
    openObjections(ctx.db, found.plan.id),
    listPublicity(ctx.db, found.plan.id),
  ]);
  const out: LeaderRound[] = [];
  for (const round of rules.rounds) {
    const nominations = await listNominations(ctx.db, found.plan.id, { round: round.code });
    const publicity = publicities.find((p) => p.round === round.code) ?? null;
    const byId = new Map(nominations.map((n) => [n.id, n]));
    out.push({
      round,
      phase: roundPhase(round, found.today, publicity),
      byCategory: round.categories.map((category) => {
        const counts: LeaderRound['byCategory'][number]['counts'] = {};
        for (const n of nominations) if (n.category === category.code) counts[n.status] = (counts[n.status] ?? 0) + 1;
        return { category, counts };
      }),
      publicity: publicity ? { from: publicity.startsOn, to: publicity.endsOn, channelId: publicity.channelId } : null,
      openObjections: objections
        .filter((o) => o.round === round.code && byId.has(o.nominationId))
        .map((o) => ({ id: o.id, nominee: byId.get(o.nominationId)!, text: o.text })),
      isAdmin: isAdmin(caller.person),
      isLeader: isLeader(caller.person),
    });
  }
  return out;
}

function reviewPage(
  nominations: readonly NominationView[],
  locale: Caller['locale'],
  round: Round,
  category: string | null,
  page: number,
): KnownBlock[] {
  const shown = nominations.filter((n) => n.status !== 'withdrawn' && (category === null || n.category === category));
  return reviewPageBlocks({ locale, round, category, page, nominations: postedOrder(round, shown) });
}

/**
 * What may be said of a nomination before it is stored: the round and category exist, the branch
 * nominates in the round, nominations are open for it, its quota has room, and the nominee is
 * eligible. Null when it may be stored (the transaction checks the quota and duplicates again).
 */
async function nominationCheck(
  ctx: AppContext,
  ct: CommendToday,
  round: Round,
  category: AwardCategory,
  branch: Branch,
  nominee: NomineeFacts | null,
): Promise<NominationRefusal | null> {
  const { found } = ct;
  if (!roundAppliesTo(round, branch.category)) return { key: 'not_applicable' };
  const [publicity, nominations, due] = await Promise.all([
    findPublicity(ctx.db, found.plan.id, round.code),
    listNominations(ctx.db, found.plan.id, { round: round.code, branchIds: [branch.id] }),
    linkedDue(ctx, found.plan, branch.id, round.obligation, round.nominations_due),
  ]);
  const open = nominationsOpen(round, found.today, due.extendedTo, publicity !== null);
  if (open) return open;
  const quota = nominationQuotaRefusal(category, madeIn(nominations, branch.id, category.code));
  if (quota) return quota;
  return nominee ? eligibilityRefusal(category, branch.id, nominee) : null;
}

async function answerList(
  respond: RespondFn,
  client: WebClient,
  body: BlockAction,
  text: string,
  blocks: KnownBlock[],
) {
  if (body.response_url) await respond({ response_type: 'ephemeral', replace_original: false, text, blocks });
  else await client.chat.postMessage({ channel: body.user.id, text, blocks });
}

export function register(router: Router, ctx: AppContext): void {
  router.command('/commend', async ({ command, ack, client, respond }) => {
    await ack();
    const request = parseCommendText(command.text);
    const caller = await callerOf(ctx, client, command.user_id, {
      action: `command./commend ${request.kind}`,
      answer: ephemeralReply(respond),
      details: { text: (command.text ?? '').slice(0, 100) },
    });
    if (request.kind === 'help')
      return caller.say(caller.person ? caller.t('commend.help') : caller.t('common.not_in_roster'));
    const person = await caller.require(
      request.kind === 'review' ? { may: isLeader, refusal: 'commend.forbidden.leaders' } : {},
    );
    if (!person) return;
    const ct = await commendToday(person);
    if (!ct) return;
    const { locale } = person;
    if (request.kind === 'review') {
      const round = request.round ? findRound(ct.rules, request.round.toUpperCase()) : ct.rules.rounds[0];
      if (!round)
        return person.say(person.t('commend.unknown_round', { codes: ct.rules.rounds.map((r) => r.code).join(', ') }));
      const category = request.category ? (findCategory(round, request.category.toUpperCase())?.code ?? null) : null;
      if (request.category && !category)
        return person.say(
          person.t('commend.unknown_category', { codes: round.categories.map((c) => c.code).join(', ') }),
        );
      const nominations = await listNominations(ctx.db, ct.found.plan.id, { round: round.code });
      await respond({
        response_type: 'ephemeral',
        text: person.t('commend.list.text'),
        blocks: reviewPage(nominations, locale, round, category, request.page),
      });
      return;
    }
    const blocks: KnownBlock[] = [];
    if (person.branches.length > 0)
      blocks.push(...secretaryRoundsBlocks(locale, await secretaryRounds(ctx, person, ct)));
    if (isLeader(person.person) || isAdmin(person.person))
      blocks.push(...leaderRoundsBlocks(locale, await leaderRounds(ctx, person, ct)));
    if (blocks.length === 0) return person.say(person.t('commend.mine.none'));
    await respond({ response_type: 'ephemeral', text: person.t('commend.mine.text'), blocks: blocks.slice(0, 50) });
  });

  commendButton(
    router,
    ctx,
    COMMEND_ACTIONS.nominate,
    { may: (p) => p.secretaryOf.length > 0, refusal: 'commend.forbidden.secretary' },
    async ({ caller: secretary, ct, value, body }, { client }) => {
      const parsed = CategoryValue.safeParse(parseJson(value));
      const round = parsed.success ? findRound(ct.rules, parsed.data.r) : undefined;
      const category = round && parsed.success ? findCategory(round, parsed.data.c) : undefined;
      if (!round || !category) return secretary.refuse('unknown round or category', secretary.t('commend.gone'));
      const branches = secretary.branches.filter((b) => roundAppliesTo(round, b.category));
      if (branches.length === 0)
        return secretary.refuse('round not for this branch', secretary.t('commend.refused.not_applicable'));
      const one = branches.length === 1 ? branches[0]! : null;
      const notes: string[] = [];
      if (one) {
        const refusal = await nominationCheck(ctx, ct, round, category, one, null);
        if (refusal)
          return secretary.refuse(`nomination refused: ${refusal.key}`, refusalText(secretary.locale, refusal));
        if (category.nominee === 'branch') {
          const overdue = await overdueOf(ctx, ct.found, one);
          const max = category.eligibility.max_overdue;
          notes.push(secretary.t('commend.nominate.branch_overdue', { overdue, max: max ?? '∞' }));
        }
      }
      const projects =
        category.nominee === 'project'
          ? (await listProjects(ctx.db, ct.found.plan.id, { branchIds: branches.map((b) => b.id) })).filter((p) =>
              reached(p.stage, minStage(category)),
            )
          : [];
      await showNominate(
        client,
        body,
        secretary,
        { planId: ct.found.plan.id, round, category, extra: one ? { b: one.id } : {} },
        {
          branches: branches.map((b) => ({ id: b.id, name: b.name })),
          branchName: one?.name ?? null,
          notes,
          projects: projects.map((p) => ({ id: p.id, title: p.title })),
          revising: null,
        },
      );
    },
    { keep: 80 },
  );

  ownNominationButton(router, ctx, COMMEND_ACTIONS.revise, async ({ secretary, n }, { body, client }) => {
    const ct = await commendToday(secretary);
    if (!ct) return;
    const rc = roundOf(ct.rules, n);
    if (!rc || n.planId !== ct.found.plan.id) return secretary.say(secretary.t('commend.gone'));
    const { round, category } = rc;
    if (n.status !== 'returned') return secretary.say(secretary.t('commend.refused.not_returned'));
    const [view] = await listNominations(ctx.db, ct.found.plan.id, { ids: [n.id] });
    await showNominate(
      client,
      body,
      secretary,
      { planId: ct.found.plan.id, round, category, extra: { b: n.branchId, n: n.id } },
      {
        branches: [],
        branchName: view?.branchName ?? '—',
        notes: [],
        projects: [],
        revising: {
          citation: n.citation,
          evidenceLink: n.evidenceLink,
          nominee: view?.nomineeName ?? '—',
          comment: n.reviewComment,
        },
      },
    );
  });

  ownNominationButton(
    router,
    ctx,
    COMMEND_ACTIONS.withdraw,
    async ({ secretary, n }) => {
      const result = await changeOwnNomination(ctx.db, { id: n.id, kind: 'withdraw' }, actedBy(ctx, secretary));
      await secretary.say(
        result.outcome === 'done'
          ? secretary.t('commend.withdrawn', { number: nominationNumber(n.id) })
          : result.outcome === 'publicity_started'
            ? secretary.t('commend.refused.publicity_started')
            : secretary.t('commend.refused.not_withdrawable'),
      );
    },
    { inPlace: true },
  );

  commendButton(
    router,
    ctx,
    COMMEND_ACTIONS.review,
    { may: isLeader, refusal: 'commend.forbidden.leaders' },
    async ({ caller: leader, ct, value, body }, { client }) => {
      const id = IdValue.safeParse(value);
      const [n] = id.success ? await listNominations(ctx.db, ct.found.plan.id, { ids: [id.data] }) : [];
      const rc = roundOf(ct.rules, n);
      if (!n || !rc) return leader.say(leader.t('commend.gone'));
      const { round, category } = rc;
      if (await findPublicity(ctx.db, ct.found.plan.id, round.code))
        return leader.say(leader.t('commend.refused.publicity_started'));
      const shortlisted = (await listNominations(ctx.db, ct.found.plan.id, { round: round.code })).filter(
        (x) => x.category === n.category && x.status === 'shortlisted',
      ).length;
      await showModal(
        client,
        body,
        commendReviewModal({
          locale: leader.locale,
          round,
          nomination: n,
          shortlisted,
          quota: category.quota.total ?? null,
          privateMetadata: JSON.stringify({ n: n.id }),
        }),
      );
    },
  );

  commendButton(
    router,
    ctx,
    COMMEND_ACTIONS.list,
    { may: isLeader, refusal: 'commend.forbidden.leaders' },
    async ({ caller: leader, ct, value, body }, { client, respond }) => {
      const round = findRound(ct.rules, value);
      if (!round) return leader.say(leader.t('commend.gone'));
      const nominations = await listNominations(ctx.db, ct.found.plan.id, { round: round.code });
      await answerList(
        respond,
        client,
        body,
        leader.t('commend.list.text'),
        reviewPage(nominations, leader.locale, round, null, 1),
      );
    },
    { inPlace: true },
  );

  for (const actionId of [COMMEND_ACTIONS.publicity, COMMEND_ACTIONS.announce]) {
    commendButton(
      router,
      ctx,
      actionId,
      { may: isAdmin, refusal: 'commend.forbidden.admins' },
      async ({ caller: admin, ct, value, body }, { client }) => {
        const round = findRound(ct.rules, value);
        if (!round) return admin.refuse('unknown round', admin.t('commend.gone'));
        const { plan, today } = ct.found;
        const [nominations, publicity] = await Promise.all([
          listNominations(ctx.db, plan.id, { round: round.code }),
          findPublicity(ctx.db, plan.id, round.code),
        ]);
        const count = (status: string) =>
          round.categories.map((c) => ({
            category: c.code,
            count: nominations.filter((n) => n.category === c.code && n.status === status).length,
          }));
        const meta = JSON.stringify({ p: plan.id, r: round.code });
        if (actionId === COMMEND_ACTIONS.publicity) {
          if (publicity) return admin.say(admin.t('commend.refused.publicity_started'));
          const period = publicityPeriod(createWorkCalendar(plan.settings.calendar), today, round.publicity_days);
          await showModal(
            client,
            body,
            publicityModal({
              locale: admin.locale,
              round,
              counts: count('shortlisted'),
              ...period,
              privateMetadata: meta,
            }),
          );
          return;
        }
        const open = nominations.reduce((n, x) => n + x.objections.open, 0);
        const blocker = !publicity
          ? admin.t('commend.announce.not_started')
          : publicity.announcedAt
            ? admin.t('commend.announce.already')
            : today <= publicity.endsOn
              ? admin.t('commend.announce.running', { to: publicity.endsOn })
              : open > 0
                ? admin.t('commend.announce.objections', { open })
                : null;
        await showModal(
          client,
          body,
          announceModal({
            locale: admin.locale,
            round,
            counts: count('shortlisted'),
            struck: nominations.filter((n) => n.status === 'struck').length,
            open,
            ready: blocker === null,
            blocker,
            privateMetadata: meta,
          }),
        );
      },
    );
  }

  commendButton(
    router,
    ctx,
    COMMEND_ACTIONS.object,
    {},
    async ({ caller: person, ct, value, body }, { client }) => {
      const part = PartValue.safeParse(parseJson(value));
      const round = part.success ? findRound(ct.rules, part.data.r) : undefined;
      if (!part.success || !round) return person.refuse('unknown publicity part', person.t('commend.gone'));
      const publicity = await findPublicity(ctx.db, ct.found.plan.id, round.code);
      const today = ct.found.today;
      if (!publicity || publicity.announcedAt || today < publicity.startsOn || today > publicity.endsOn)
        return person.refuse('objection outside the publicity period', person.t('commend.refused.objection_closed'));
      const options = await partOptions(ctx, ct, round, part.data.p);
      if (options.length === 0) return person.say(person.t('commend.gone'));
      await showModal(
        client,
        body,
        objectionModal({
          locale: person.locale,
          round,
          options,
          privateMetadata: JSON.stringify({ r: round.code, p: part.data.p }),
        }),
      );
    },
    { keep: 80 },
  );

  commendButton(
    router,
    ctx,
    COMMEND_ACTIONS.objection,
    { may: isAdmin, refusal: 'commend.forbidden.admins' },
    async ({ caller: admin, ct, value, body }, { client }) => {
      const id = IdValue.safeParse(value);
      const objection = id.success ? await findObjection(ctx.db, id.data) : null;
      const round = objection ? findRound(ct.rules, objection.round) : undefined;
      if (!objection || !round || objection.planId !== ct.found.plan.id) return admin.say(admin.t('commend.gone'));
      if (objection.status !== 'open') return admin.say(admin.t('commend.objection.decided'));
      const [nominee] = await listNominations(ctx.db, ct.found.plan.id, { ids: [objection.nominationId] });
      if (!nominee) return admin.say(admin.t('commend.gone'));
      await showModal(
        client,
        body,
        objectionDecisionModal({
          locale: admin.locale,
          round,
          nominee,
          objection: {
            text: objection.text,
            raisedByName: objection.raisedByName,
            raisedAt: objection.raisedAt.slice(0, 10),
          },
          privateMetadata: JSON.stringify({ o: objection.id }),
        }),
      );
    },
  );

  // The modals' submissions.

  router.view(COMMEND_VIEWS.nominate, async (args) => {
    const { ack, view, client } = args;
    const submitted = await submitterOf(ctx, args, NominateMeta, COMMEND_BLOCKS.citation, (meta) => ({
      may: (p) => meta !== null && p.secretaryOf.length > 0 && (meta.b === undefined || p.secretaryOf.includes(meta.b)),
      reason: meta ? 'not the secretary of the nominating branch' : 'malformed payload',
      refusal: 'commend.forbidden.secretary',
    }));
    if (!submitted) return;
    const { caller: secretary, meta, state } = submitted;
    const ct = await commendToday(secretary);
    if (!ct) return;
    const { plan, today } = ct.found;
    const round = roundInForce(ct, meta);
    const category = round ? findCategory(round, meta.c) : undefined;
    if (!round || !category) return secretary.refuse('plan changed', secretary.t('commend.gone'));
    const revising = meta.n !== undefined;
    const form = parseNominationForm(state, category.nominee, { revising });
    if (!form.ok) return refuseForm(secretary, ack, form.errors, 'invalid nomination');
    const branchId = meta.b ?? form.value.branchId;
    const branch = secretary.branches.find((b) => b.id === branchId);
    if (!branch)
      return refuseForm(
        secretary,
        ack,
        { [COMMEND_BLOCKS.branch]: { key: 'commend.error.branch' } },
        'not the secretary of the nominating branch',
      );
    const now = ctx.clock.now();
    const metaArgs = { actor: secretary.slackUserId, now };
    if (revising) {
      const n = await findNomination(ctx.db, meta.n!);
      if (!n || n.branchId !== branch.id)
        return secretary.refuse('revising a nomination of another branch', secretary.t('common.forbidden'));
      const open = nominationsOpen(
        round,
        today,
        (await linkedDue(ctx, plan, branch.id, round.obligation, round.nominations_due)).extendedTo,
        false,
      );
      if (open) return secretary.refuse(`revision refused: ${open.key}`, refusalText(secretary.locale, open));
      const result = await changeOwnNomination(
        ctx.db,
        { id: n.id, kind: 'revise', citation: form.value.citation, evidenceLink: form.value.evidenceLink },
        metaArgs,
      );
      if (result.outcome !== 'done') return secretary.say(secretary.t('commend.refused.not_returned'));
      await ack();
      await notifyPerson(ctx, client, secretary.person, (l) => ({
        text: t(l, 'commend.revised', { number: nominationNumber(n.id) }),
      }));
      return;
    }
    // The nominee, as eligibility needs to know them.
    let nominee: NomineeFacts;
    let nomineeId: number;
    let errorBlock: string = COMMEND_BLOCKS.citation;
    if (category.nominee === 'branch') {
      nominee = { kind: 'branch', branchId: branch.id, overdue: await overdueOf(ctx, ct.found, branch) };
      nomineeId = branch.id;
    } else if (category.nominee === 'person') {
      const person = await findPersonBySlackId(ctx.db, form.value.slackUserId!);
      nominee = {
        kind: 'person',
        personId: person?.id ?? null,
        branchId: person?.branchId ?? null,
        rank: person?.rank ?? null,
        active: person?.active ?? false,
      };
      nomineeId = person?.id ?? 0;
      errorBlock = COMMEND_BLOCKS.person;
    } else {
      const project = await findProject(ctx.db, form.value.projectId!);
      if (!project || project.planId !== plan.id)
        return refuseForm(
          secretary,
          ack,
          { [COMMEND_BLOCKS.project]: { key: 'commend.error.project' } },
          'no such project',
        );
      nominee = { kind: 'project', projectId: project.id, branchId: project.branchId, stage: project.stage };
      nomineeId = project.id;
      errorBlock = COMMEND_BLOCKS.project;
    }
    const refusal = await nominationCheck(ctx, ct, round, category, branch, nominee);
    if (refusal) {
      const block =
        refusal.key === 'closed' || refusal.key === 'quota' || refusal.key === 'publicity_started'
          ? COMMEND_BLOCKS.citation
          : errorBlock;
      await secretary.answering(noAnswer).refuse(`nomination refused: ${refusal.key}`, '', { nominee: nomineeId });
      return ack({ response_action: 'errors', errors: { [block]: refusalText(secretary.locale, refusal) } });
    }
    const linked = await linkedDue(ctx, plan, branch.id, round.obligation, round.nominations_due);
    const result = await nominate(
      ctx.db,
      {
        planId: plan.id,
        round: round.code,
        category: category.code,
        branchId: branch.id,
        nominee: { kind: category.nominee, id: nomineeId },
        citation: form.value.citation,
        evidenceLink: form.value.evidenceLink,
        personId: secretary.person.id,
        perBranch: category.quota.per_branch,
        submissionKey: view.id,
        report: linkedReport(linked, plan, now, {
          heldOn: today,
          summary: t(ctx.config.defaultLocale, 'commend.report.nominated', {
            round: pick(round.title, ctx.config.defaultLocale),
            category: pick(category.title, ctx.config.defaultLocale),
          }),
          links: form.value.evidenceLink ? [form.value.evidenceLink] : [],
        }),
      },
      metaArgs,
    );
    if (result.outcome !== 'nominated' && result.outcome !== 'duplicate_submission') {
      const r: NominationRefusal =
        result.outcome === 'quota'
          ? { key: 'quota', quota: result.quota }
          : result.outcome === 'duplicate_nominee'
            ? { key: 'duplicate' }
            : { key: 'publicity_started' };
      await secretary.answering(noAnswer).refuse(`nomination refused: ${r.key}`, '', { nominee: nomineeId });
      return ack({
        response_action: 'errors',
        errors: { [r.key === 'duplicate' ? errorBlock : COMMEND_BLOCKS.citation]: refusalText(secretary.locale, r) },
      });
    }
    await ack();
    if (result.outcome === 'duplicate_submission') return;
    await notifyPerson(ctx, client, secretary.person, (l) => ({
      text: t(l, 'commend.nominated', {
        number: nominationNumber(result.nomination.id),
        round: pick(round.title, l),
        category: pick(category.title, l),
      }),
    }));
  });

  commendView(
    router,
    ctx,
    COMMEND_VIEWS.review,
    NominationMeta,
    COMMEND_BLOCKS.decision,
    { may: isLeader, refusal: 'commend.forbidden.leaders' },
    async ({ caller: leader, meta, state, ct }, { ack, client }) => {
      const n = await findNomination(ctx.db, meta.n);
      const rc = roundOf(ct.rules, n);
      if (!n || !rc || n.planId !== ct.found.plan.id) return leader.say(leader.t('commend.gone'));
      const { category } = rc;
      const form = parseCommendReviewForm(state);
      if (!form.ok) return refuseForm(leader, ack, form.errors, 'invalid review');
      const { decision, comment } = form.value;
      const result = await reviewNomination(
        ctx.db,
        {
          id: n.id,
          decision,
          comment,
          personId: leader.person.id,
          allowed: (status) => reviewAllowed(status, decision),
          fits: (shortlisted, branchCategory) => shortlistRefusal(category, shortlisted, branchCategory),
        },
        actedBy(ctx, leader),
      );
      if (result.outcome === 'shortlist') {
        const r = result.refusal;
        return refuseForm(
          leader,
          ack,
          {
            [COMMEND_BLOCKS.decision]:
              r.key === 'total'
                ? { key: 'commend.error.shortlist_total', params: { quota: r.quota } }
                : {
                    key: 'commend.error.shortlist_category',
                    params: {
                      quota: r.quota,
                      category: t(leader.locale, `common.category.${r.category}` as MessageKey),
                    },
                  },
          },
          `shortlist over quota: ${r.key}`,
        );
      }
      if (result.outcome === 'publicity_started') return leader.say(leader.t('commend.refused.publicity_started'));
      if (result.outcome === 'stale')
        return leader.say(
          leader.t('commend.refused.decided', {
            status: result.status ? t(leader.locale, `commend.status.${result.status}` as MessageKey) : '—',
          }),
        );
      await ack();
      if (decision === 'return' || decision === 'accept') {
        await notifyPerson(ctx, client, n.nominatedBy, (l) => ({
          text: t(l, decision === 'return' ? 'commend.returned.dm' : 'commend.accepted.dm', {
            number: nominationNumber(n.id),
            category: pick(category.title, l),
            leader: escape(leader.person.name),
            comment: escape(comment ?? ''),
          }),
        }));
      }
    },
  );

  commendView(
    router,
    ctx,
    COMMEND_VIEWS.publicity,
    RoundMeta,
    COMMEND_BLOCKS.channel,
    { may: isAdmin, refusal: 'commend.forbidden.admins' },
    async ({ caller: admin, meta, state, ct }, { ack, client }) => {
      const round = roundInForce(ct, meta);
      if (!round) return admin.refuse('plan changed', admin.t('commend.gone'));
      const { plan, today } = ct.found;
      const form = parseCommendChannelForm(state);
      if (!form.ok) return refuseForm(admin, ack, form.errors, 'no channel');
      const period = publicityPeriod(createWorkCalendar(plan.settings.calendar), today, round.publicity_days);
      const channel = form.value.channelId;
      const locale = ctx.config.defaultLocale;
      const result = await startPublicity(
        ctx.db,
        {
          planId: plan.id,
          round: round.code,
          channelId: channel,
          startsOn: period.from,
          endsOn: period.to,
          personId: admin.person.id,
          render: (shortlist) =>
            postRows(
              `commend-publicity:${plan.id}:${round.code}`,
              channel,
              publicityPosts(locale, round, shortlist, period),
            ),
        },
        actedBy(ctx, admin),
      );
      if (result.outcome === 'empty') return admin.say(admin.t('commend.publicity.empty'));
      await ack();
      if (result.outcome === 'already') return;
      if (ctx.outbox) await drainOutbox(ctx);
      await notifyPerson(ctx, client, admin.person, (l) => ({
        text: t(l, 'commend.publicity.started', {
          count: result.count,
          from: period.from,
          to: period.to,
          channel: `<#${channel}>`,
        }),
      }));
    },
  );

  commendView(
    router,
    ctx,
    COMMEND_VIEWS.object,
    PartValue,
    COMMEND_BLOCKS.text,
    {},
    async ({ caller: person, meta, state, ct }, { ack, view, client }) => {
      const round = findRound(ct.rules, meta.r);
      if (!round) return person.refuse('unknown round', person.t('commend.gone'));
      const options = await partOptions(ctx, ct, round, meta.p);
      const form = parseObjectionForm(
        state,
        options.map((o) => o.id),
      );
      if (!form.ok) return refuseForm(person, ack, form.errors, 'invalid objection');
      const result = await raiseObjection(
        ctx.db,
        {
          nominationId: form.value.nominationId,
          personId: person.person.id,
          text: form.value.text,
          today: ct.found.today,
          submissionKey: view.id,
        },
        actedBy(ctx, person),
      );
      if (result.outcome === 'closed')
        return person.refuse('objection outside the publicity period', person.t('commend.refused.objection_closed'));
      if (result.outcome === 'not_shortlisted') return person.say(person.t('commend.gone'));
      await ack();
      if (result.outcome === 'duplicate') return;
      const nominee = options.find((o) => o.id === form.value.nominationId)!;
      await notifyPerson(ctx, client, person.person, (l) => ({
        text: t(l, 'commend.objected', { number: nominationNumber(nominee.id) }),
      }));
      for (const admin of await listAdmins(ctx.db)) {
        await notifyPerson(ctx, client, admin, (l) => {
          const text = t(l, 'commend.objection.admins', {
            number: nominationNumber(nominee.id),
            name: escape(nominee.nomineeName),
          });
          return {
            text,
            blocks: [
              {
                type: 'section',
                text: { type: 'mrkdwn', text },
                accessory: {
                  type: 'button',
                  action_id: COMMEND_ACTIONS.objection,
                  value: String(result.objectionId),
                  text: { type: 'plain_text', text: t(l, 'commend.button.decide') },
                },
              },
            ],
          };
        });
      }
    },
  );

  // Deciding an objection needs no plan in force: the objection names all it decides.
  router.view(COMMEND_VIEWS.objection, async (args) => {
    const { ack, client } = args;
    const submitted = await submitterOf(ctx, args, ObjectionMeta, COMMEND_BLOCKS.reason, {
      may: isAdmin,
      refusal: 'commend.forbidden.admins',
    });
    if (!submitted) return;
    const { caller: admin, meta, state } = submitted;
    const objection = await findObjection(ctx.db, meta.o);
    if (!objection) return admin.say(admin.t('commend.gone'));
    const form = parseObjectionDecisionForm(state);
    if (!form.ok) return refuseForm(admin, ack, form.errors, 'objection decided without a reason');
    const result = await decideObjection(
      ctx.db,
      {
        objectionId: objection.id,
        decision: form.value.decision,
        reason: form.value.reason,
        personId: admin.person.id,
      },
      actedBy(ctx, admin),
    );
    if (result.outcome === 'stale') return admin.say(admin.t('commend.objection.decided'));
    await ack();
    await notifyPerson(ctx, client, objection.raisedBy, (l) => ({
      text: t(l, form.value.decision === 'uphold' ? 'commend.objection.upheld_dm' : 'commend.objection.dismissed_dm', {
        number: nominationNumber(objection.nominationId),
        reason: escape(form.value.reason),
      }),
    }));
  });

  router.view(COMMEND_VIEWS.announce, async (args) => {
    const { ack, client } = args;
    const { caller, meta } = await submissionOf(
      ctx,
      args,
      RoundMeta,
      // The modal has no field to show an error under: the answer replaces it.
      (text, locale) =>
        ack({ response_action: 'update', view: messageModal('Pacesetter', text, t(locale, 'commend.modal.close')) }),
    );
    const admin = await caller.require({ may: isAdmin, refusal: 'commend.forbidden.admins' });
    if (!admin) return;
    if (!meta) return admin.refuse('malformed payload', admin.t('common.forbidden'));
    const ct = await commendToday(admin);
    if (!ct) return;
    const round = roundInForce(ct, meta);
    if (!round) return admin.refuse('plan changed', admin.t('commend.gone'));
    const { plan, today } = ct.found;
    const locale = ctx.config.defaultLocale;
    const result = await announceRound(
      ctx.db,
      {
        planId: plan.id,
        round: round.code,
        today,
        personId: admin.person.id,
        render: (awarded, channel) =>
          postRows(`commend-final:${plan.id}:${round.code}`, channel, announcementPosts(locale, round, awarded)),
      },
      actedBy(ctx, admin),
    );
    switch (result.outcome) {
      case 'not_started':
        return admin.refuse('announce before publicity', admin.t('commend.announce.not_started'));
      case 'publicity_running':
        return admin.refuse('announce during publicity', admin.t('commend.announce.running', { to: result.endsOn }));
      case 'objections_open':
        return admin.refuse(
          'announce with objections open',
          admin.t('commend.announce.objections', { open: result.open }),
        );
      case 'already':
        return ack();
      case 'announced':
        await ack();
        if (ctx.outbox) await drainOutbox(ctx);
        await notifyPerson(ctx, client, admin.person, (l) => ({
          text: t(l, 'commend.announced', { round: pick(round.title, l), count: result.awarded }),
        }));
    }
  });
}

/** The nominees one thread reply of the publicity lists (its objection button's options), still on the list. */
async function partOptions(ctx: AppContext, ct: CommendToday, round: Round, part: number): Promise<NominationView[]> {
  const all = await listNominations(ctx.db, ct.found.plan.id, { round: round.code });
  // The order and the parts of the posted list: the shortlist as it was, struck nominees included.
  const posted = postedOrder(
    round,
    all.filter((n) => n.status === 'shortlisted' || n.status === 'struck'),
  );
  return posted
    .slice((part - 1) * NOMINEES_PER_REPLY, part * NOMINEES_PER_REPLY)
    .filter((n) => n.status === 'shortlisted');
}
