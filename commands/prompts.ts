import type { BlockAction, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import {
  approvedExtensions,
  decideExtension,
  findExtension,
  requestExtension,
  type Extension,
} from '../db/queries/extensions.js';
import { findBranchById, findPersonById } from '../db/queries/people.js';
import { planObligations, type Plan } from '../db/queries/plans.js';
import { snooze } from '../db/queries/snoozes.js';
import type { AppContext } from '../src/context.js';
import { createWorkCalendar } from '../src/domain/calendar.js';
import { isDone, type ChecklistItem } from '../src/domain/checklist.js';
import { leaderAccess } from '../src/domain/ranking.js';
import { branchSelfReview } from '../src/domain/reviewers.js';
import {
  IdValueSchema,
  parseExtensionForm,
  PromptValueSchema,
  snoozeUntil,
  type PromptValue,
} from '../src/domain/reporting.js';
import { appliesToPerson, type Branch, type LocalDate, type Obligation, type Person } from '../src/domain/types.js';
import { publishHome } from '../src/flows/home.js';
import { loadBranchItems, showReportModal } from '../src/flows/report-modal.js';
import { pick, t, type Locale } from '../src/i18n/index.js';
import { actionValue, buttonReply, callerOf, formErrors, parseJson, type Caller } from '../src/slack/caller.js';
import { submissionOf } from '../src/slack/openings.js';
import { modalOpener } from '../src/slack/modal-opener.js';
import { notifyLeaders, notifyPerson } from '../src/slack/notify.js';
import type { Router } from '../src/slack/router.js';
import { dueText } from '../src/ui/due.js';
import { escape } from '../src/ui/limits.js';
import {
  EXTENSION_ACTIONS,
  EXTENSION_CALLBACK_ID,
  extensionDecidedBlocks,
  extensionModal,
  extensionRequestBlocks,
  PROMPT_ACTIONS,
} from '../src/ui/prompt-buttons.js';

/** The extension modal carries the prompt's own value back. */
const ExtensionMetadataSchema = z.object({ o: z.number().int().positive(), b: z.number().int().positive() }).strict();

type Target = { plan: Plan; today: LocalDate } & (
  { kind: 'branch'; branch: Branch; item: ChecklistItem } | { kind: 'paper'; obligation: Obligation }
);

/**
 * What a prompt button points at, checked against the roster: a task of one of the person's
 * branches that applies to its category, or a paper obligation of the person's rank. Null for
 * anything else (a forged or stale value).
 */
async function resolveTarget(ctx: AppContext, caller: Caller<Person>, value: PromptValue): Promise<Target | null> {
  const { person } = caller;
  const found = await caller.today();
  if (!found) return null;
  const { plan, today } = found;
  if (value.b === null) {
    const obligation = (await planObligations(ctx.db, plan)).find((o) => o.id === value.o);
    return obligation && appliesToPerson(obligation, person.rank) ? { kind: 'paper', plan, today, obligation } : null;
  }
  if (!person.secretaryOf.includes(value.b)) return null;
  const branch = caller.branches.find((b) => b.id === value.b) ?? (await findBranchById(ctx.db, value.b));
  if (!branch) return null;
  const item = (await loadBranchItems(ctx, plan, branch, today)).find((i) => i.obligation.id === value.o);
  return item ? { kind: 'branch', plan, today, branch, item } : null;
}

export function register(router: Router, ctx: AppContext): void {
  /** The common start of the three prompt buttons: who, what, and whether it is theirs. */
  async function promptStart(actionId: string, body: BlockAction, client: WebClient, respond: RespondFn) {
    const value = actionValue(body.actions[0]);
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `action.${actionId}`,
      answer: buttonReply(client, body, respond),
      details: { value: value.slice(0, 100) },
    });
    const member = await caller.require();
    if (!member) return null;
    const prompt = PromptValueSchema.safeParse(parseJson(value));
    const target = prompt.success ? await resolveTarget(ctx, member, prompt.data) : null;
    if (!target) {
      await member.refuse(
        'not a task of this person or malformed payload',
        `${member.t('prompts.not_applicable')} ${member.t('common.forbidden')}`,
      );
      return null;
    }
    return { caller: member, target };
  }

  router.action<BlockAction>(PROMPT_ACTIONS.reportNow, async ({ ack, body, client, respond }) => {
    await ack();
    const start = await promptStart(PROMPT_ACTIONS.reportNow, body, client, respond);
    if (!start) return;
    const { caller, target } = start;
    if (target.kind === 'paper') return caller.say(caller.t('prompts.paper_use_command'));
    await showReportModal(ctx, caller, {
      branchId: target.branch.id,
      obligationId: target.item.obligation.id,
      sink: modalOpener(client, body.trigger_id),
      note: buttonReply(client, body, respond),
    });
  });

  router.action<BlockAction>(PROMPT_ACTIONS.snooze, async ({ ack, body, client, respond }) => {
    await ack();
    const start = await promptStart(PROMPT_ACTIONS.snooze, body, client, respond);
    if (!start) return;
    const { caller, target } = start;
    const obligation = target.kind === 'paper' ? target.obligation : target.item.obligation;
    if (target.kind === 'branch' && isDone(target.item.state)) return caller.say(caller.t('prompts.done'));
    const until = snoozeUntil(createWorkCalendar(target.plan.settings.calendar), target.today);
    await snooze(
      ctx.db,
      {
        personId: caller.person.id,
        obligationId: obligation.id,
        branchId: target.kind === 'branch' ? target.branch.id : null,
        until,
      },
      { actor: caller.slackUserId, now: ctx.clock.now() },
    );
    await caller.say(
      caller.t('prompts.snoozed', {
        code: obligation.code,
        title: escape(pick(obligation.title, caller.locale)),
        date: until,
      }),
    );
  });

  router.action<BlockAction>(PROMPT_ACTIONS.extension, async ({ ack, body, client, respond }) => {
    await ack();
    const start = await promptStart(PROMPT_ACTIONS.extension, body, client, respond);
    if (!start) return;
    const { caller, target } = start;
    // A paper is a person's own obligation: its button row has no extension (promptButtons).
    if (target.kind === 'paper') return caller.say(caller.t('prompts.not_applicable'));
    if (isDone(target.item.state)) return caller.say(caller.t('prompts.error.done'));
    await client.views.open({
      trigger_id: body.trigger_id,
      view: extensionModal({
        locale: caller.locale,
        branchName: target.branch.name,
        obligation: target.item.obligation,
        due: target.item.due,
        originalDue: target.item.originalDue,
        privateMetadata: JSON.stringify({ o: target.item.obligation.id, b: target.branch.id }),
      }),
    });
  });

  router.view(EXTENSION_CALLBACK_ID, async (args) => {
    const { ack, view, client } = args;
    const { caller, meta, state } = await submissionOf(ctx, args, ExtensionMetadataSchema, 'new_due');
    const member = await caller.require();
    if (!member) return;
    const target = meta ? await resolveTarget(ctx, member, meta) : null;
    if (!state || !target || target.kind !== 'branch')
      return member.refuse('not the secretary of this branch or malformed payload', member.t('common.forbidden'));
    const { person, locale } = member;
    const { plan, branch, item } = target;
    if (isDone(item.state)) return member.say(member.t('prompts.error.done'));
    const yearEnd = `${plan.year}-12-31`;
    const form = parseExtensionForm(state, {
      currentDue: item.due,
      latest: plan.ends < yearEnd ? plan.ends : yearEnd,
    });
    if (!form.ok) return ack(formErrors(locale, form.errors));
    const now = ctx.clock.now();
    const result = await requestExtension(
      ctx.db,
      {
        obligationId: item.obligation.id,
        branchId: branch.id,
        requestedBy: person.id,
        newDue: form.value.newDue,
        reason: form.value.reason,
        submissionKey: view.id,
      },
      { actor: member.slackUserId, now },
    );
    if (result.outcome === 'pending') return member.say(member.t('prompts.error.pending'));
    await ack();
    if (result.outcome === 'duplicate') return;
    const ext = result.extension;
    await client.chat.postMessage({
      channel: member.slackUserId,
      text: member.t('prompts.extension.sent', {
        code: item.obligation.code,
        title: escape(pick(item.obligation.title, locale)),
        branch: escape(branch.name),
        date: ext.newDue,
      }),
    });
    await notifyLeaders(
      ctx,
      client,
      (l) => {
        const text = t(l, 'prompts.extension.leader', {
          branch: escape(branch.name),
          requester: escape(person.name),
          code: item.obligation.code,
          title: escape(pick(item.obligation.title, l)),
          due: item.due,
          date: ext.newDue,
          reason: escape(ext.reason),
        });
        return { text, blocks: extensionRequestBlocks(l, text, ext.id) };
      },
      { exceptPersonId: person.id },
    );
  });

  for (const [actionId, approve] of [
    [EXTENSION_ACTIONS.approve, true],
    [EXTENSION_ACTIONS.refuse, false],
  ] as const) {
    router.action<BlockAction>(actionId, async ({ ack, body, action, client, respond }) => {
      await ack();
      const value = actionValue(action);
      const caller = await callerOf(ctx, client, body.user.id, {
        action: `action.${actionId}`,
        answer: buttonReply(client, body, respond),
        details: { value: value.slice(0, 40) },
      });
      const leader = await caller.require({
        may: leaderAccess.act,
        refusal: 'prompts.not_leader',
        reason: 'not a leader',
      });
      if (!leader) return;
      const id = IdValueSchema.safeParse(value);
      if (!id.success) return leader.refuse('malformed extension id', leader.t('common.forbidden'));
      const ext = await findExtension(ctx.db, id.data);
      if (!ext) return leader.say(leader.t('prompts.not_found'));
      const self = branchSelfReview(leader.person, { branchId: ext.branchId, by: ext.requestedBy });
      if (self) {
        const branch = escape((await findBranchById(ctx.db, ext.branchId))?.name ?? '—');
        return leader.refuse(
          `deciding an extension of their own (${self})`,
          leader.t(self === 'author' ? 'prompts.extension.self.requester' : 'prompts.extension.self.secretary', {
            branch,
          }),
          { extensionId: ext.id },
        );
      }
      const decided = await decideExtension(
        ctx.db,
        { id: ext.id, leaderId: leader.person.id, approve },
        { actor: leader.slackUserId, now: ctx.clock.now() },
      );
      if (!decided) {
        const current = (await findExtension(ctx.db, ext.id)) ?? ext;
        const by = current.decidedBy ? await findPersonById(ctx.db, current.decidedBy) : null;
        return leader.say(
          leader.t('prompts.extension.already', {
            decision: decisionWord(leader.locale, current),
            leader: escape(by?.name ?? '—'),
          }),
        );
      }
      const original = body.message && typeof body.message.text === 'string' ? body.message.text : '';
      const decisionLine = leader.t('prompts.extension.decided', {
        decision: decisionWord(leader.locale, decided),
        leader: escape(leader.person.name),
      });
      if (body.response_url)
        await respond({
          replace_original: true,
          text: `${original}\n${decisionLine}`,
          blocks: extensionDecidedBlocks(original || decisionLine, decisionLine),
        });
      await tellRequester(ctx, client, leader, decided);
      const requester = await findPersonById(ctx.db, decided.requestedBy);
      if (requester) await publishHome(ctx, client, requester.slackUserId);
    });
  }
}

function decisionWord(locale: Locale, ext: Extension): string {
  return ext.status === 'approved' ? t(locale, 'prompts.status.approved') : t(locale, 'prompts.status.refused');
}

async function tellRequester(
  ctx: AppContext,
  client: WebClient,
  leader: Caller<Person>,
  ext: Extension,
): Promise<void> {
  const found = await leader.today();
  const plan = found?.plan;
  const obligation = plan ? (await planObligations(ctx.db, plan)).find((o) => o.id === ext.obligationId) : undefined;
  const branch = await findBranchById(ctx.db, ext.branchId);
  if (!plan || !obligation || !branch) return;
  const due =
    (await approvedExtensions(ctx.db, plan.id, [branch.id])).get(branch.id)?.get(obligation.id) ?? obligation.due;
  await notifyPerson(ctx, client, ext.requestedBy, (l) => ({
    text: t(l, ext.status === 'approved' ? 'prompts.extension.approved.dm' : 'prompts.extension.refused.dm', {
      leader: escape(leader.person.name),
      code: obligation.code,
      title: escape(pick(obligation.title, l)),
      branch: escape(branch.name),
      due: dueText(l, due, obligation.due),
    }),
  }));
}
