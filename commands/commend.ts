import type { BlockAction, RespondFn, SlackViewMiddlewareArgs } from '@slack/bolt';
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
  type NominationView,
} from '../db/queries/commendations.js';
import { findPersonBySlackId, listAdmins } from '../db/queries/people.js';
import type { PlanToday } from '../db/queries/plans.js';
import { findProject, listProjects } from '../db/queries/projects.js';
import { loadRankingData } from '../db/queries/rankings.js';
import type { AppContext } from '../src/context.js';
import { drainOutbox, type MessagePayload } from '../src/delivery/outbox.js';
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
import { ViewStateSchema, type FieldErrors } from '../src/domain/report-form.js';
import { isOnTime } from '../src/domain/time.js';
import type { Branch, Person } from '../src/domain/types.js';
import { ephemeralReply, linkedDue, modalReply, showModal } from '../src/flows/projects.js';
import { pick, t, type MessageKey } from '../src/i18n/index.js';
import {
  actionValue,
  callerOf,
  errorUnder,
  formErrors,
  noAnswer,
  parseJson,
  type Caller,
} from '../src/slack/caller.js';
import { notifyPerson } from '../src/slack/notify.js';
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
  type Posts,
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

interface CommendToday {
  found: PlanToday;
  rules: CommendationRules;
}

async function commendToday(caller: Caller): Promise<CommendToday | null> {
  const found = await caller.today();
  if (!found) {
    await caller.say(caller.t('common.no_plan'));
    return null;
  }
  const rules = found.plan.settings.commendations;
  if (!rules) {
    await caller.say(caller.t('commend.no_section', { year: found.plan.year }));
    return null;
  }
  return { found, rules };
}

async function refuseForm(
  caller: Caller,
  ack: SlackViewMiddlewareArgs['ack'],
  errors: FieldErrors,
  reason: string,
): Promise<void> {
  await caller.answering(noAnswer).refuse(reason, '', { fields: Object.keys(errors) });
  await ack(formErrors(caller.locale, errors));
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

/** The rows that post a summary and its thread once (a key each, the replies after their parent). */
function postRows(key: string, channel: string, posts: Posts) {
  return [
    {
      job: 'projects',
      key,
      recipient: channel,
      payload: { kind: 'message', text: posts.main.text, blocks: posts.main.blocks } satisfies MessagePayload,
    },
    ...posts.thread.map((m, i) => ({
      job: 'projects',
      key: `${key}:thread:${i + 1}`,
      recipient: channel,
      payload: { kind: 'message', text: m.text, blocks: m.blocks, threadOf: key } satisfies MessagePayload,
    })),
  ];
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

  router.action<BlockAction>(COMMEND_ACTIONS.nominate, async ({ ack, body, action, client }) => {
    await ack();
    const value = actionValue(action);
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `action.${COMMEND_ACTIONS.nominate}`,
      answer: modalReply(client, body, 'commend.modal.close'),
      details: { value: value.slice(0, 80) },
    });
    const parsed = CategoryValue.safeParse(parseJson(value));
    const secretary = await caller.require({
      may: (p) => p.secretaryOf.length > 0,
      refusal: 'commend.forbidden.secretary',
    });
    if (!secretary) return;
    const ct = await commendToday(secretary);
    if (!ct) return;
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
    await showModal(
      client,
      body,
      nominateModal({
        locale: secretary.locale,
        round,
        category,
        branches: branches.map((b) => ({ id: b.id, name: b.name })),
        branchName: one?.name ?? null,
        notes,
        projects: projects.map((p) => ({ id: p.id, title: p.title })),
        revising: null,
        privateMetadata: JSON.stringify({
          p: ct.found.plan.id,
          r: round.code,
          c: category.code,
          ...(one ? { b: one.id } : {}),
        }),
      }),
    );
  });

  router.action<BlockAction>(COMMEND_ACTIONS.revise, async ({ ack, body, action, client }) => {
    await ack();
    const value = actionValue(action);
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `action.${COMMEND_ACTIONS.revise}`,
      answer: modalReply(client, body, 'commend.modal.close'),
      details: { value: value.slice(0, 40) },
    });
    const id = IdValue.safeParse(value);
    const n = id.success ? await findNomination(ctx.db, id.data) : null;
    const secretary = await caller.require({
      may: (p) => n !== null && p.secretaryOf.includes(n.branchId),
      reason: n ? 'not the secretary of the nominating branch' : 'no such nomination',
    });
    if (!secretary || !n) return;
    const ct = await commendToday(secretary);
    if (!ct) return;
    const round = findRound(ct.rules, n.round);
    const category = round ? findCategory(round, n.category) : undefined;
    if (!round || !category || n.planId !== ct.found.plan.id) return secretary.say(secretary.t('commend.gone'));
    if (n.status !== 'returned') return secretary.say(secretary.t('commend.refused.not_returned'));
    const [view] = await listNominations(ctx.db, ct.found.plan.id, { ids: [n.id] });
    await showModal(
      client,
      body,
      nominateModal({
        locale: secretary.locale,
        round,
        category,
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
        privateMetadata: JSON.stringify({
          p: ct.found.plan.id,
          r: round.code,
          c: category.code,
          b: n.branchId,
          n: n.id,
        }),
      }),
    );
  });

  router.action<BlockAction>(COMMEND_ACTIONS.withdraw, async ({ ack, body, action, client, respond }) => {
    await ack();
    const value = actionValue(action);
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `action.${COMMEND_ACTIONS.withdraw}`,
      answer: body.response_url ? ephemeralReply(respond) : modalReply(client, body, 'commend.modal.close'),
      details: { value: value.slice(0, 40) },
    });
    const id = IdValue.safeParse(value);
    const n = id.success ? await findNomination(ctx.db, id.data) : null;
    const secretary = await caller.require({
      may: (p) => n !== null && p.secretaryOf.includes(n.branchId),
      reason: n ? 'not the secretary of the nominating branch' : 'no such nomination',
    });
    if (!secretary || !n) return;
    const result = await changeOwnNomination(
      ctx.db,
      { id: n.id, kind: 'withdraw' },
      { actor: secretary.slackUserId, now: ctx.clock.now() },
    );
    await secretary.say(
      result.outcome === 'done'
        ? secretary.t('commend.withdrawn', { number: nominationNumber(n.id) })
        : result.outcome === 'publicity_started'
          ? secretary.t('commend.refused.publicity_started')
          : secretary.t('commend.refused.not_withdrawable'),
    );
  });

  router.action<BlockAction>(COMMEND_ACTIONS.review, async ({ ack, body, action, client }) => {
    await ack();
    const value = actionValue(action);
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `action.${COMMEND_ACTIONS.review}`,
      answer: modalReply(client, body, 'commend.modal.close'),
      details: { value: value.slice(0, 40) },
    });
    const leader = await caller.require({ may: isLeader, refusal: 'commend.forbidden.leaders' });
    if (!leader) return;
    const ct = await commendToday(leader);
    if (!ct) return;
    const id = IdValue.safeParse(value);
    const [n] = id.success ? await listNominations(ctx.db, ct.found.plan.id, { ids: [id.data] }) : [];
    const round = n ? findRound(ct.rules, n.round) : undefined;
    const category = round && n ? findCategory(round, n.category) : undefined;
    if (!n || !round || !category) return leader.say(leader.t('commend.gone'));
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
  });

  router.action<BlockAction>(COMMEND_ACTIONS.list, async ({ ack, body, action, client, respond }) => {
    await ack();
    const value = actionValue(action);
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `action.${COMMEND_ACTIONS.list}`,
      answer: body.response_url ? ephemeralReply(respond) : modalReply(client, body, 'commend.modal.close'),
      details: { value: value.slice(0, 40) },
    });
    const leader = await caller.require({ may: isLeader, refusal: 'commend.forbidden.leaders' });
    if (!leader) return;
    const ct = await commendToday(leader);
    if (!ct) return;
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
  });

  for (const actionId of [COMMEND_ACTIONS.publicity, COMMEND_ACTIONS.announce]) {
    router.action<BlockAction>(actionId, async ({ ack, body, action, client }) => {
      await ack();
      const value = actionValue(action);
      const caller = await callerOf(ctx, client, body.user.id, {
        action: `action.${actionId}`,
        answer: modalReply(client, body, 'commend.modal.close'),
        details: { value: value.slice(0, 40) },
      });
      const admin = await caller.require({ may: isAdmin, refusal: 'commend.forbidden.admins' });
      if (!admin) return;
      const ct = await commendToday(admin);
      if (!ct) return;
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
    });
  }

  router.action<BlockAction>(COMMEND_ACTIONS.object, async ({ ack, body, action, client }) => {
    await ack();
    const value = actionValue(action);
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `action.${COMMEND_ACTIONS.object}`,
      answer: modalReply(client, body, 'commend.modal.close'),
      details: { value: value.slice(0, 80) },
    });
    const person = await caller.require();
    if (!person) return;
    const ct = await commendToday(person);
    if (!ct) return;
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
  });

  router.action<BlockAction>(COMMEND_ACTIONS.objection, async ({ ack, body, action, client }) => {
    await ack();
    const value = actionValue(action);
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `action.${COMMEND_ACTIONS.objection}`,
      answer: modalReply(client, body, 'commend.modal.close'),
      details: { value: value.slice(0, 40) },
    });
    const admin = await caller.require({ may: isAdmin, refusal: 'commend.forbidden.admins' });
    if (!admin) return;
    const ct = await commendToday(admin);
    if (!ct) return;
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
  });

  // The modals' submissions.

  router.view(COMMEND_VIEWS.nominate, async ({ ack, body, view, client }) => {
    const meta = NominateMeta.safeParse(parseJson(view.private_metadata));
    const state = ViewStateSchema.safeParse(view.state.values);
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `view.${COMMEND_VIEWS.nominate}`,
      answer: errorUnder(ack, COMMEND_BLOCKS.citation),
      details: { metadata: view.private_metadata.slice(0, 200) },
    });
    const secretary = await caller.require({
      may: (p) =>
        meta.success && p.secretaryOf.length > 0 && (meta.data.b === undefined || p.secretaryOf.includes(meta.data.b)),
      reason: meta.success ? 'not the secretary of the nominating branch' : 'malformed payload',
      refusal: 'commend.forbidden.secretary',
    });
    if (!secretary || !meta.success) return;
    if (!state.success) return secretary.refuse('malformed payload', secretary.t('common.forbidden'));
    const ct = await commendToday(secretary);
    if (!ct) return;
    const { plan, today } = ct.found;
    const round = findRound(ct.rules, meta.data.r);
    const category = round ? findCategory(round, meta.data.c) : undefined;
    if (plan.id !== meta.data.p || !round || !category)
      return secretary.refuse('plan changed', secretary.t('commend.gone'));
    const revising = meta.data.n !== undefined;
    const form = parseNominationForm(state.data, category.nominee, { revising });
    if (!form.ok) return refuseForm(secretary, ack, form.errors, 'invalid nomination');
    const branchId = meta.data.b ?? form.value.branchId;
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
      const n = await findNomination(ctx.db, meta.data.n!);
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
    const { obligationId, due } = await linkedDue(ctx, plan, branch.id, round.obligation, round.nominations_due);
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
        report:
          obligationId === null
            ? null
            : {
                obligationId,
                heldOn: today,
                summary: t(ctx.config.defaultLocale, 'commend.report.nominated', {
                  round: pick(round.title, ctx.config.defaultLocale),
                  category: pick(category.title, ctx.config.defaultLocale),
                }),
                links: form.value.evidenceLink ? [form.value.evidenceLink] : [],
                onTime: isOnTime(now, due, plan.timezone),
              },
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

  router.view(COMMEND_VIEWS.review, async ({ ack, body, view, client }) => {
    const meta = NominationMeta.safeParse(parseJson(view.private_metadata));
    const state = ViewStateSchema.safeParse(view.state.values);
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `view.${COMMEND_VIEWS.review}`,
      answer: errorUnder(ack, COMMEND_BLOCKS.decision),
      details: { metadata: view.private_metadata.slice(0, 200) },
    });
    const leader = await caller.require({ may: isLeader, refusal: 'commend.forbidden.leaders' });
    if (!leader) return;
    if (!meta.success || !state.success) return leader.refuse('malformed payload', leader.t('common.forbidden'));
    const ct = await commendToday(leader);
    if (!ct) return;
    const n = await findNomination(ctx.db, meta.data.n);
    const round = n ? findRound(ct.rules, n.round) : undefined;
    const category = round && n ? findCategory(round, n.category) : undefined;
    if (!n || !round || !category || n.planId !== ct.found.plan.id) return leader.say(leader.t('commend.gone'));
    const form = parseCommendReviewForm(state.data);
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
      { actor: leader.slackUserId, now: ctx.clock.now() },
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
                  params: { quota: r.quota, category: t(leader.locale, `common.category.${r.category}` as MessageKey) },
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
  });

  router.view(COMMEND_VIEWS.publicity, async ({ ack, body, view, client }) => {
    const meta = RoundMeta.safeParse(parseJson(view.private_metadata));
    const state = ViewStateSchema.safeParse(view.state.values);
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `view.${COMMEND_VIEWS.publicity}`,
      answer: errorUnder(ack, COMMEND_BLOCKS.channel),
      details: { metadata: view.private_metadata.slice(0, 200) },
    });
    const admin = await caller.require({ may: isAdmin, refusal: 'commend.forbidden.admins' });
    if (!admin) return;
    if (!meta.success || !state.success) return admin.refuse('malformed payload', admin.t('common.forbidden'));
    const ct = await commendToday(admin);
    if (!ct) return;
    const round = findRound(ct.rules, meta.data.r);
    const { plan, today } = ct.found;
    if (!round || plan.id !== meta.data.p) return admin.refuse('plan changed', admin.t('commend.gone'));
    const form = parseCommendChannelForm(state.data);
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
      { actor: admin.slackUserId, now: ctx.clock.now() },
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
  });

  router.view(COMMEND_VIEWS.object, async ({ ack, body, view, client }) => {
    const meta = PartValue.safeParse(parseJson(view.private_metadata));
    const state = ViewStateSchema.safeParse(view.state.values);
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `view.${COMMEND_VIEWS.object}`,
      answer: errorUnder(ack, COMMEND_BLOCKS.text),
      details: { metadata: view.private_metadata.slice(0, 200) },
    });
    const person = await caller.require();
    if (!person) return;
    if (!meta.success || !state.success) return person.refuse('malformed payload', person.t('common.forbidden'));
    const ct = await commendToday(person);
    if (!ct) return;
    const round = findRound(ct.rules, meta.data.r);
    if (!round) return person.refuse('unknown round', person.t('commend.gone'));
    const options = await partOptions(ctx, ct, round, meta.data.p);
    const form = parseObjectionForm(
      state.data,
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
      { actor: person.slackUserId, now: ctx.clock.now() },
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
  });

  router.view(COMMEND_VIEWS.objection, async ({ ack, body, view, client }) => {
    const meta = ObjectionMeta.safeParse(parseJson(view.private_metadata));
    const state = ViewStateSchema.safeParse(view.state.values);
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `view.${COMMEND_VIEWS.objection}`,
      answer: errorUnder(ack, COMMEND_BLOCKS.reason),
      details: { metadata: view.private_metadata.slice(0, 200) },
    });
    const admin = await caller.require({ may: isAdmin, refusal: 'commend.forbidden.admins' });
    if (!admin) return;
    if (!meta.success || !state.success) return admin.refuse('malformed payload', admin.t('common.forbidden'));
    const objection = await findObjection(ctx.db, meta.data.o);
    if (!objection) return admin.say(admin.t('commend.gone'));
    const form = parseObjectionDecisionForm(state.data);
    if (!form.ok) return refuseForm(admin, ack, form.errors, 'objection decided without a reason');
    const result = await decideObjection(
      ctx.db,
      {
        objectionId: objection.id,
        decision: form.value.decision,
        reason: form.value.reason,
        personId: admin.person.id,
      },
      { actor: admin.slackUserId, now: ctx.clock.now() },
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

  router.view(COMMEND_VIEWS.announce, async ({ ack, body, view, client }) => {
    const meta = RoundMeta.safeParse(parseJson(view.private_metadata));
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `view.${COMMEND_VIEWS.announce}`,
      // The modal has no field to show an error under: the answer replaces it.
      answer: (text, locale) =>
        ack({ response_action: 'update', view: messageModal('Pacesetter', text, t(locale, 'commend.modal.close')) }),
      details: { metadata: view.private_metadata.slice(0, 200) },
    });
    const admin = await caller.require({ may: isAdmin, refusal: 'commend.forbidden.admins' });
    if (!admin) return;
    if (!meta.success) return admin.refuse('malformed payload', admin.t('common.forbidden'));
    const ct = await commendToday(admin);
    if (!ct) return;
    const round = findRound(ct.rules, meta.data.r);
    const { plan, today } = ct.found;
    if (!round || plan.id !== meta.data.p) return admin.refuse('plan changed', admin.t('commend.gone'));
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
      { actor: admin.slackUserId, now: ctx.clock.now() },
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
