import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { audit } from '../db/queries/audit.js';
import {
  commitmentRates,
  commitmentsOfBranches,
  commitmentsOfPerson,
  confirmFulfilment,
  editCommitment,
  findCommitment,
  makeCommitment,
  ratesFor,
  reopenCommitments,
  reportFulfilment,
  withdrawCommitment,
  type Commitment,
  type ListedCommitment,
} from '../db/queries/commitments.js';
import { findBranchByCodeOrName, findBranchById, findPersonById, findPersonBySlackId } from '../db/queries/people.js';
import type { PlanToday } from '../db/queries/plans.js';
import type { AppContext } from '../src/context.js';
import { addDays } from '../src/domain/calendar.js';
import {
  canConfirm,
  canEditCommitments,
  canReportFulfilment,
  fulfilmentOpen,
  mayConfirm,
  mustCommit,
  parseCommitmentForm,
  parseConfirmForm,
  parseFulfilmentForm,
  type CommitmentRules,
} from '../src/domain/commitments.js';
import { fieldOf } from '../src/domain/report-form.js';
import { isValidLocalDate } from '../src/domain/time.js';
import type { Person } from '../src/domain/types.js';
import { commitmentWindow, confirmationQueue, mineInput } from '../src/flows/commitments.js';
import { publishHome } from '../src/flows/home.js';
import { pressOf, submissionOf, submitterOf } from '../src/slack/openings.js';
import type { FieldErrors } from '../src/domain/report-form.js';
import { buttonReply, callerOf, ephemeral, formErrors, modalAnswer, type Caller } from '../src/slack/caller.js';
import { localeFor } from '../src/slack/locale.js';
import type { Router } from '../src/slack/router.js';
import {
  branchListBlocks,
  COMMITMENT_ACTIONS,
  COMMITMENT_VIEWS,
  commitmentModal,
  confirmationModal,
  fulfilmentModal,
  mineBlocks,
  outcomeLabel,
  queueBlocks,
  type BranchList,
} from '../src/ui/commitments.js';
import { escape } from '../src/ui/limits.js';
import { t, type MessageKey } from '../src/i18n/index.js';

/** `/commit`, `/commit list [branch]`, `/commit queue`, `/commit reopen <@U…> [date]`, `/commit help` (and Chinese). */
const CommitTextSchema = z
  .string()
  .trim()
  .transform((s) => {
    const [word = '', ...rest] = s.split(/\s+/).filter((w) => w !== '');
    const w = word.toLowerCase();
    if (w === '') return { mode: 'mine' as const, args: [] };
    if (w === 'list' || w === '列表') return { mode: 'list' as const, args: rest };
    if (w === 'queue' || w === '待确认') return { mode: 'queue' as const, args: rest };
    if (w === 'reopen' || w === '重新开放') return { mode: 'reopen' as const, args: rest };
    if (w === 'help' || w === '帮助') return { mode: 'help' as const, args: [] };
    return { mode: 'usage' as const, args: [] };
  });

const CommitmentMetaSchema = z.object({
  planId: z.number().int().positive(),
  commitmentId: z.number().int().positive().optional(),
});
const FulfilMetaSchema = z.object({ planId: z.number().int().positive(), commitmentId: z.number().int().positive() });
const ConfirmMetaSchema = z.object({ commitmentId: z.number().int().positive(), v: z.number().int().positive() });
const IdSchema = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number);
const IdVersionSchema = z
  .string()
  .regex(/^\d{1,9}:\d{1,9}$/)
  .transform((s) => s.split(':').map(Number) as [number, number]);
/** `<@U123|name>` as Slack escapes a mention, or a bare user id. */
const MentionSchema = z
  .string()
  .regex(/^<@([UW][A-Z0-9]{2,})(\|[^>]*)?>$|^[UW][A-Z0-9]{2,}$/)
  .transform((s) => s.replace(/^<@/, '').replace(/[|>].*$/, ''));

interface Rules {
  found: PlanToday;
  rules: CommitmentRules;
}

/** The plan in force with its commitments section, or the caller is told there is none. */
async function rulesOf(caller: Caller<Person>): Promise<Rules | null> {
  const found = await caller.today();
  if (!found) {
    await caller.say(caller.t('common.no_plan'));
    return null;
  }
  const rules = found.plan.settings.commitments;
  if (!rules) {
    await caller.say(caller.t('commitments.no_section', { year: found.plan.year }));
    return null;
  }
  return { found, rules };
}

function windowOf(ctx: AppContext, r: Rules, person: Person) {
  return commitmentWindow(ctx, r.found.plan.id, r.rules, r.found.today, person);
}

/** The member's commitment window when it lets them add or edit, or null when they have been told it does not. */
async function editableWindow(ctx: AppContext, member: Caller<Person>, r: Rules) {
  const w = await windowOf(ctx, r, member.person);
  if (canEditCommitments(w.state)) return w;
  await member.refuse(
    `window ${w.state}`,
    w.state === 'before'
      ? member.t('commitments.error.window_before', { opens: r.rules.opens })
      : member.t('commitments.error.window_closed', { closes: r.rules.closes }),
  );
  return null;
}

/** The member's list, as `/commit` and the App Home show it. */
export async function mineView(ctx: AppContext, caller: Caller<Person>, r: Rules) {
  return mineBlocks(await mineInput(ctx, r.found, r.rules, caller.person, caller.locale));
}

/** Groups a branch's listed commitments by person, in the order read. */
function byPerson(list: readonly ListedCommitment[]): BranchList['people'] {
  const out = new Map<number, BranchList['people'][number]>();
  for (const c of list) {
    const person = out.get(c.personId);
    if (person) person.commitments.push(c);
    else out.set(c.personId, { name: c.personName, commitments: [c] });
  }
  return [...out.values()];
}

/** Whether a person sees a branch's list: its own people and secretaries, and every leader or admin. */
function maySeeBranch(person: Person, branchId: number): boolean {
  return (
    person.branchId === branchId ||
    person.secretaryOf.includes(branchId) ||
    person.roles.includes('leader') ||
    person.roles.includes('admin')
  );
}

/** Audits a form's refused input (nothing stored): the fields that were wrong, never their text. */
async function auditFormRefusal(ctx: AppContext, actor: string, action: string, errors: FieldErrors) {
  ctx.logger.warn({ actor, action, fields: Object.keys(errors) }, 'refused');
  await audit(ctx.db, {
    at: ctx.clock.now(),
    actor,
    action: 'access.denied',
    subjectType: action,
    details: { reason: 'invalid form', fields: Object.keys(errors) },
  });
}

/**
 * Who may confirm or return a commitment's fulfilment: nobody their own (told who may instead),
 * then the branch's secretaries and the leaders.
 */
async function confirmerOf(caller: Caller, commitment: Commitment | null): Promise<Caller<Person> | null> {
  const notOwn = await caller.require({
    may: (p) => commitment !== null && commitment.personId !== p.id,
    refusal: commitment === null ? 'commitments.error.not_found' : 'commitments.error.own',
    reason: commitment === null ? 'no such commitment' : 'own commitment',
  });
  if (!notOwn || !commitment) return null;
  return notOwn.require({
    may: (p) => mayConfirm({ id: p.id, secretaryOf: p.secretaryOf, leader: p.roles.includes('leader') }, commitment),
    refusal: 'commitments.error.not_secretary',
    reason: 'not a secretary of the branch nor a leader',
  });
}

export function register(router: Router, ctx: AppContext): void {
  router.command('/commit', async ({ command, ack, client, respond }) => {
    await ack();
    const parsed = CommitTextSchema.parse(command.text ?? '');
    const caller = await callerOf(ctx, client, command.user_id, {
      action: 'command./commit',
      answer: ephemeral(respond),
      details: { text: (command.text ?? '').slice(0, 100) },
    });
    const member = await caller.require();
    if (!member) return;
    if (parsed.mode === 'usage') return member.say(member.t('commitments.usage'));
    const r = await rulesOf(member);
    if (!r) return;
    if (parsed.mode === 'help')
      return member.say(member.t('commitments.help', { max: r.rules.per_person.max, closes: r.rules.closes }));
    const reply = async (blocks: ReturnType<typeof mineBlocks>, text: string) => {
      await respond({ response_type: 'ephemeral', text, blocks });
    };

    if (parsed.mode === 'mine') {
      if (
        !mustCommit(r.rules, member.person) &&
        (await commitmentsOfPerson(ctx.db, r.found.plan.id, member.person.id)).length === 0
      )
        return member.say(member.t('commitments.not_required'));
      return reply(
        await mineView(ctx, member, r),
        member.t('commitments.mine.header', { count: '', max: r.rules.per_person.max }),
      );
    }

    if (parsed.mode === 'list') {
      const word = parsed.args[0];
      const branch = word
        ? await findBranchByCodeOrName(ctx.db, word)
        : member.person.branchId !== null
          ? await findBranchById(ctx.db, member.person.branchId)
          : member.person.secretaryOf.length === 1
            ? await findBranchById(ctx.db, member.person.secretaryOf[0]!)
            : null;
      if (!branch) {
        if (word) return member.say(member.t('commitments.error.unknown_branch', { code: escape(word) }));
        return member.say(
          member.t('commitments.list.choose', { codes: member.branches.map((b) => b.code).join(', ') || '—' }),
        );
      }
      if (!maySeeBranch(member.person, branch.id))
        return member.refuse('not of the branch and not a leader', member.t('commitments.error.list_forbidden'), {
          branch: branch.code,
        });
      const [list, rates] = await Promise.all([
        commitmentsOfBranches(ctx.db, r.found.plan.id, [branch.id]),
        commitmentRates(ctx.db, r.found.plan.id),
      ]);
      const rate = ratesFor(rates, [branch.id]).get(branch.id)!;
      return reply(
        branchListBlocks(member.locale, { branchName: branch.name, rate, people: byPerson(list) }),
        member.t('commitments.post.text', { branch: escape(branch.name) }),
      );
    }

    if (parsed.mode === 'queue') {
      const confirmer = await member.require({
        may: (p) => p.secretaryOf.length > 0 || p.roles.includes('leader'),
        refusal: 'commitments.error.not_secretary',
        reason: 'not a secretary or leader',
        action: 'command./commit queue',
      });
      if (!confirmer) return;
      return reply(await queueView(ctx, confirmer, r), confirmer.t('commitments.queue.header', { count: '' }));
    }

    // reopen
    const leader = await member.require({
      may: (p) => p.roles.includes('leader'),
      refusal: 'commitments.error.reopen_forbidden',
      reason: 'not a leader',
      action: 'command./commit reopen',
    });
    if (!leader) return;
    const who = MentionSchema.safeParse(parsed.args[0] ?? '');
    if (!who.success) return leader.say(leader.t('commitments.error.reopen_who'));
    const dateWord = parsed.args[1];
    const until = dateWord ?? addDays(r.found.today, 7);
    if (!isValidLocalDate(until) || until <= r.found.today || until > r.found.plan.ends)
      return leader.refuse('bad reopening date', leader.t('commitments.error.reopen_date'), {
        until: until.slice(0, 20),
      });
    const person = await findPersonBySlackId(ctx.db, who.data);
    if (!person || !mustCommit(r.rules, person))
      return leader.refuse(
        'reopening for someone not asked to commit',
        leader.t('commitments.error.reopen_not_required', { name: escape(person?.name ?? who.data) }),
      );
    await reopenCommitments(
      ctx.db,
      { planId: r.found.plan.id, personId: person.id, until, leaderId: leader.person.id },
      { actor: leader.slackUserId, now: ctx.clock.now() },
    );
    await leader.say(leader.t('commitments.reopened', { name: escape(person.name), until }));
    const locale = await localeFor(ctx, client, person.slackUserId, person);
    await client.chat.postMessage({
      channel: person.slackUserId,
      text: t(locale, 'commitments.reopened_dm', { name: escape(leader.person.name), until }),
    });
  });

  /** Opens the commitment modal, new or editing, once the window allows it. */
  async function openCommitment(
    client: WebClient,
    member: Caller<Person>,
    triggerId: string,
    editing: Commitment | null,
  ) {
    const r = await rulesOf(member);
    if (!r) return;
    if (member.person.branchId === null) return member.refuse('in no branch', member.t('commitments.error.no_branch'));
    const w = await editableWindow(ctx, member, r);
    if (!w) return;
    const branch = await findBranchById(ctx.db, member.person.branchId);
    await client.views.open({
      trigger_id: triggerId,
      view: commitmentModal({
        locale: member.locale,
        branchName: branch?.name ?? '',
        closes: w.state === 'reopened' ? (w.until ?? r.rules.closes) : r.rules.closes,
        max: r.rules.per_person.max,
        editing,
        privateMetadata: JSON.stringify({ planId: r.found.plan.id, ...(editing ? { commitmentId: editing.id } : {}) }),
      }),
    });
  }

  router.action(COMMITMENT_ACTIONS.add, async ({ ack, body, client }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `action.${COMMITMENT_ACTIONS.add}`,
      answer: modalAnswer(client, body.trigger_id, 'commitments.modal.close'),
    });
    const member = await caller.require();
    if (!member) return;
    await openCommitment(client, member, body.trigger_id, null);
  });

  /** A button naming one of the caller's own active commitments. */
  async function ownCommitment(
    actionId: string,
    body: { user: { id: string }; trigger_id: string },
    action: unknown,
    client: WebClient,
  ) {
    const { value, caller } = await pressOf(
      ctx,
      client,
      { body, action, actionId },
      modalAnswer(client, body.trigger_id, 'commitments.modal.close'),
    );
    const id = IdSchema.safeParse(value);
    const commitment = id.success ? await findCommitment(ctx.db, id.data) : null;
    const author = await caller.require({
      may: (p) => commitment !== null && commitment.personId === p.id && commitment.status === 'active',
      refusal: 'commitments.error.not_found',
      reason: 'not the author of this commitment or no such commitment',
    });
    return author && commitment ? { author, commitment } : null;
  }

  router.action(COMMITMENT_ACTIONS.edit, async ({ ack, body, client, action }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const own = await ownCommitment(COMMITMENT_ACTIONS.edit, body, action, client);
    if (own) await openCommitment(client, own.author, body.trigger_id, own.commitment);
  });

  router.action(COMMITMENT_ACTIONS.withdraw, async ({ ack, body, client, action, respond }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const own = await ownCommitment(COMMITMENT_ACTIONS.withdraw, body, action, client);
    if (!own) return;
    const author = own.author.answering(buttonReply(client, body, respond));
    const r = await rulesOf(author);
    if (!r) return;
    const w = await windowOf(ctx, r, author.person);
    if (!canEditCommitments(w.state))
      return author.refuse(
        `window ${w.state}`,
        author.t('commitments.error.window_closed', { closes: r.rules.closes }),
      );
    const result = await withdrawCommitment(
      ctx.db,
      { id: own.commitment.id, personId: author.person.id },
      { actor: author.slackUserId, now: ctx.clock.now() },
    );
    if (result.outcome !== 'changed') return;
    await author.say(author.t('commitments.withdrawn', { text: escape(own.commitment.text) }));
    await publishHome(ctx, client, author.slackUserId);
  });

  router.action(COMMITMENT_ACTIONS.fulfil, async ({ ack, body, client, action }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const own = await ownCommitment(COMMITMENT_ACTIONS.fulfil, body, action, client);
    if (!own) return;
    const { author, commitment } = own;
    const r = await rulesOf(author);
    if (!r) return;
    if (!fulfilmentOpen(r.rules, r.found.today))
      return author.refuse(
        'fulfilment not open',
        author.t('commitments.error.fulfilment_before', { opens: r.rules.fulfilment.opens }),
      );
    if (!canReportFulfilment(commitment)) return author.say(author.t('commitments.error.confirmed'));
    await client.views.open({
      trigger_id: body.trigger_id,
      view: fulfilmentModal({
        locale: author.locale,
        commitment,
        privateMetadata: JSON.stringify({ planId: r.found.plan.id, commitmentId: commitment.id }),
      }),
    });
  });

  router.action(COMMITMENT_ACTIONS.confirm, async ({ ack, body, client, action }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const { value, caller } = await pressOf(
      ctx,
      client,
      { body, action, actionId: COMMITMENT_ACTIONS.confirm },
      modalAnswer(client, body.trigger_id, 'commitments.modal.close'),
    );
    const parsed = IdVersionSchema.safeParse(value);
    const commitment = parsed.success ? await findCommitment(ctx.db, parsed.data[0]) : null;
    const confirmer = await confirmerOf(caller, commitment);
    if (!confirmer || !commitment || !parsed.success) return;
    if (!canConfirm(commitment) || commitment.version !== parsed.data[1])
      return confirmer.say(confirmer.t('commitments.error.stale'));
    const person = await findPersonById(ctx.db, commitment.personId);
    await client.views.open({
      trigger_id: body.trigger_id,
      view: confirmationModal({
        locale: confirmer.locale,
        personName: person?.name ?? '—',
        commitment,
        privateMetadata: JSON.stringify({ commitmentId: commitment.id, v: commitment.version }),
      }),
    });
  });

  router.view(COMMITMENT_VIEWS.commitment, async (args) => {
    const { ack, client, view } = args;
    const submitted = await submitterOf(ctx, args, CommitmentMetaSchema, 'text');
    if (!submitted) return;
    const { caller: member, meta, state } = submitted;
    const r = await rulesOf(member);
    if (!r) return;
    if (r.found.plan.id !== meta.planId) return member.say(member.t('common.no_plan'));
    const form = parseCommitmentForm({
      text: fieldOf(state, 'text')?.value ?? null,
      area: fieldOf(state, 'area')?.selected_option?.value ?? null,
    });
    if (!form.ok) {
      await auditFormRefusal(ctx, member.slackUserId, `view.${COMMITMENT_VIEWS.commitment}`, form.errors);
      return ack(formErrors(member.locale, form.errors));
    }
    if (member.person.branchId === null) return member.refuse('in no branch', member.t('commitments.error.no_branch'));
    // The window is judged at submission: a modal opened on May 31 and sent on June 1 stores nothing.
    const w = await editableWindow(ctx, member, r);
    if (!w) return;
    const metaArgs = { actor: member.slackUserId, now: ctx.clock.now() };
    let key: MessageKey;
    if (meta.commitmentId !== undefined) {
      const result = await editCommitment(
        ctx.db,
        { id: meta.commitmentId, personId: member.person.id, ...form.value },
        metaArgs,
      );
      if (result.outcome === 'not_found')
        return member.refuse('editing a commitment that is not theirs', member.t('commitments.error.not_found'));
      await ack();
      if (result.outcome === 'unchanged') return;
      key = 'commitments.edited';
    } else {
      const result = await makeCommitment(
        ctx.db,
        {
          planId: r.found.plan.id,
          personId: member.person.id,
          branchId: member.person.branchId,
          ...form.value,
          max: r.rules.per_person.max,
          submissionKey: view.id,
        },
        metaArgs,
      );
      if (result.outcome === 'full')
        return member.refuse('over the limit', member.t('commitments.error.full', { max: result.max }));
      await ack();
      if (result.outcome === 'duplicate') return;
      key = 'commitments.saved';
    }
    await client.chat.postMessage({
      channel: member.slackUserId,
      text: member.t(key, { text: escape(form.value.text) }),
    });
    await publishHome(ctx, client, member.slackUserId);
  });

  router.view(COMMITMENT_VIEWS.fulfilment, async (args) => {
    const { ack, client } = args;
    const submitted = await submitterOf(ctx, args, FulfilMetaSchema, 'outcome');
    if (!submitted) return;
    const { caller: member, meta, state } = submitted;
    const r = await rulesOf(member);
    if (!r) return;
    const form = parseFulfilmentForm({
      outcome: fieldOf(state, 'outcome')?.selected_option?.value ?? null,
      note: fieldOf(state, 'note')?.value ?? null,
      link: fieldOf(state, 'link')?.value ?? null,
    });
    if (!form.ok) {
      await auditFormRefusal(ctx, member.slackUserId, `view.${COMMITMENT_VIEWS.fulfilment}`, form.errors);
      return ack(formErrors(member.locale, form.errors));
    }
    if (!fulfilmentOpen(r.rules, r.found.today))
      return member.refuse(
        'fulfilment not open',
        member.t('commitments.error.fulfilment_before', { opens: r.rules.fulfilment.opens }),
      );
    const result = await reportFulfilment(
      ctx.db,
      { id: meta.commitmentId, personId: member.person.id, ...form.value },
      { actor: member.slackUserId, now: ctx.clock.now() },
    );
    if (result.outcome === 'not_found')
      return member.refuse('fulfilment of a commitment that is not theirs', member.t('commitments.error.not_found'));
    if (result.outcome === 'confirmed') return member.say(member.t('commitments.error.confirmed'));
    await ack();
    if (result.outcome !== 'changed') return;
    const branch = await findBranchById(ctx.db, result.commitment.branchId);
    await client.chat.postMessage({
      channel: member.slackUserId,
      text: member.t('commitments.fulfilment_saved', {
        outcome: outcomeLabel(member.locale, form.value.outcome),
        branch: escape(branch?.name ?? ''),
      }),
    });
    await publishHome(ctx, client, member.slackUserId);
  });

  router.view(COMMITMENT_VIEWS.confirmation, async (args) => {
    const { ack, client } = args;
    const { caller, meta, state } = await submissionOf(ctx, args, ConfirmMetaSchema, 'decision');
    const commitment = meta ? await findCommitment(ctx.db, meta.commitmentId) : null;
    const confirmer = await confirmerOf(caller, commitment);
    if (!confirmer || !commitment || !meta) return;
    if (!state) return confirmer.refuse('malformed payload', confirmer.t('common.forbidden'));
    const form = parseConfirmForm({
      decision: fieldOf(state, 'decision')?.selected_option?.value ?? null,
      comment: fieldOf(state, 'comment')?.value ?? null,
    });
    if (!form.ok) {
      await auditFormRefusal(ctx, confirmer.slackUserId, `view.${COMMITMENT_VIEWS.confirmation}`, form.errors);
      return ack(formErrors(confirmer.locale, form.errors));
    }
    const result = await confirmFulfilment(
      ctx.db,
      { id: commitment.id, version: meta.v, confirmerId: confirmer.person.id, ...form.value },
      { actor: confirmer.slackUserId, now: ctx.clock.now() },
    );
    if (result.outcome !== 'done') {
      // A second submission of the same modal finds it already done by this confirmer: nothing to say.
      const now = await findCommitment(ctx.db, commitment.id);
      if (now && now.confirmedBy === confirmer.person.id && now.version === meta.v) return ack();
      return confirmer.say(confirmer.t('commitments.error.stale'));
    }
    await ack();
    const person = await findPersonById(ctx.db, commitment.personId);
    if (person) {
      const locale = await localeFor(ctx, client, person.slackUserId, person);
      await client.chat.postMessage({
        channel: person.slackUserId,
        text:
          form.value.decision === 'confirmed'
            ? t(locale, 'commitments.confirmed_dm', {
                name: escape(confirmer.person.name),
                text: escape(commitment.text),
              })
            : t(locale, 'commitments.returned_dm', {
                name: escape(confirmer.person.name),
                text: escape(commitment.text),
                comment: escape(form.value.comment ?? ''),
              }),
      });
      await publishHome(ctx, client, person.slackUserId);
    }
    await publishHome(ctx, client, confirmer.slackUserId);
  });
}

/** The confirmer's queue: their branches' waiting fulfilment (every branch for a leader), not their own. */
async function queueView(ctx: AppContext, confirmer: Caller<Person>, r: Rules) {
  return queueBlocks(confirmer.locale, await confirmationQueue(ctx, r.found.plan.id, confirmer.person));
}
