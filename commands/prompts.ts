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
import { findBranchById, findPersonById, findPersonBySlackId } from '../db/queries/people.js';
import { findActivePlan, listObligations, type Plan } from '../db/queries/plans.js';
import { snooze } from '../db/queries/snoozes.js';
import type { AppContext } from '../src/context.js';
import { createWorkCalendar } from '../src/domain/calendar.js';
import { isDone, type ChecklistItem } from '../src/domain/checklist.js';
import { ViewStateSchema } from '../src/domain/report-form.js';
import {
  IdValueSchema,
  parseExtensionForm,
  parseJson,
  PromptValueSchema,
  snoozeUntil,
  type PromptValue,
} from '../src/domain/reporting.js';
import { localDateOf } from '../src/domain/time.js';
import { appliesToPerson, type Branch, type Obligation, type Person } from '../src/domain/types.js';
import { pick, t, type Locale } from '../src/i18n/index.js';
import { recordRefusal } from '../src/slack/access.js';
import { publishHome } from '../src/slack/home.js';
import { localeFor } from '../src/slack/locale.js';
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
import { actionReply, loadBranchItems, openerSink, showReportModal } from './report.js';
import { isLeader } from './review.js';

/** The extension modal carries the prompt's own value back. */
const ExtensionMetadataSchema = z.object({ o: z.number().int().positive(), b: z.number().int().positive() }).strict();

async function activePlan(ctx: AppContext): Promise<Plan | null> {
  return findActivePlan(ctx.db, ctx.clock.now().toISOString().slice(0, 10));
}

type Target =
  | { kind: 'branch'; plan: Plan; branch: Branch; item: ChecklistItem }
  | { kind: 'paper'; plan: Plan; obligation: Obligation };

/**
 * What a prompt button points at, checked against the roster: a task of one of the person's
 * branches that applies to its category, or a paper obligation of the person's rank. Null for
 * anything else (a forged or stale value).
 */
async function resolveTarget(ctx: AppContext, person: Person, value: PromptValue): Promise<Target | null> {
  const plan = await activePlan(ctx);
  if (!plan) return null;
  if (value.b === null) {
    const obligation = (await listObligations(ctx.db, plan.id)).find((o) => o.id === value.o);
    return obligation && appliesToPerson(obligation, person.rank) ? { kind: 'paper', plan, obligation } : null;
  }
  if (!person.secretaryOf.includes(value.b)) return null;
  const branch = await findBranchById(ctx.db, value.b);
  if (!branch) return null;
  const item = (await loadBranchItems(ctx, plan, branch, localDateOf(ctx.clock.now(), plan.timezone))).find(
    (i) => i.obligation.id === value.o,
  );
  return item ? { kind: 'branch', plan, branch, item } : null;
}

function promptValue(action: BlockAction['actions'][number]) {
  return PromptValueSchema.safeParse(
    parseJson('value' in action && typeof action.value === 'string' ? action.value : ''),
  );
}

export function register(router: Router, ctx: AppContext): void {
  /** The common start of the three prompt buttons: who, what, and whether it is theirs. */
  async function promptStart(actionId: string, body: BlockAction, client: WebClient, respond: RespondFn) {
    const userId = body.user.id;
    const reply = actionReply(client, body, respond);
    const person = await findPersonBySlackId(ctx.db, userId);
    const locale = await localeFor(ctx, client, userId, person);
    if (!person) {
      await reply(t(locale, 'common.not_in_roster'));
      return null;
    }
    const value = promptValue(body.actions[0]!);
    const target = value.success ? await resolveTarget(ctx, person, value.data) : null;
    if (!value.success || !target) {
      await recordRefusal(ctx, {
        actor: userId,
        action: `action.${actionId}`,
        reason: 'not a task of this person or malformed payload',
        details: {
          value: String(body.actions[0] && 'value' in body.actions[0] ? body.actions[0].value : '').slice(0, 100),
        },
      });
      await reply(`${t(locale, 'prompts.not_applicable')} ${t(locale, 'common.forbidden')}`);
      return null;
    }
    return { person, locale, target, reply, userId };
  }

  router.action<BlockAction>(PROMPT_ACTIONS.reportNow, async ({ ack, body, client, respond }) => {
    await ack();
    const start = await promptStart(PROMPT_ACTIONS.reportNow, body, client, respond);
    if (!start) return;
    const { person, locale, target, reply } = start;
    if (target.kind === 'paper') return reply(t(locale, 'prompts.paper_use_command'));
    await showReportModal(ctx, {
      person,
      locale,
      branchId: target.branch.id,
      obligationId: target.item.obligation.id,
      sink: openerSink(client, body.trigger_id),
      say: (text) => reply(text),
    });
  });

  router.action<BlockAction>(PROMPT_ACTIONS.snooze, async ({ ack, body, client, respond }) => {
    await ack();
    const start = await promptStart(PROMPT_ACTIONS.snooze, body, client, respond);
    if (!start) return;
    const { person, locale, target, reply, userId } = start;
    const obligation = target.kind === 'paper' ? target.obligation : target.item.obligation;
    if (target.kind === 'branch' && isDone(target.item.state)) return reply(t(locale, 'prompts.done'));
    const now = ctx.clock.now();
    const until = snoozeUntil(
      createWorkCalendar(target.plan.settings.calendar),
      localDateOf(now, target.plan.timezone),
    );
    await snooze(
      ctx.db,
      {
        personId: person.id,
        obligationId: obligation.id,
        branchId: target.kind === 'branch' ? target.branch.id : null,
        until,
      },
      { actor: userId, now },
    );
    await reply(
      t(locale, 'prompts.snoozed', {
        code: obligation.code,
        title: escape(pick(obligation.title, locale)),
        date: until,
      }),
    );
  });

  router.action<BlockAction>(PROMPT_ACTIONS.extension, async ({ ack, body, client, respond }) => {
    await ack();
    const start = await promptStart(PROMPT_ACTIONS.extension, body, client, respond);
    if (!start) return;
    const { locale, target, reply } = start;
    // A paper is a person's own obligation: its button row has no extension (promptButtons).
    if (target.kind === 'paper') return reply(t(locale, 'prompts.not_applicable'));
    if (isDone(target.item.state)) return reply(t(locale, 'prompts.error.done'));
    await client.views.open({
      trigger_id: body.trigger_id,
      view: extensionModal({
        locale,
        branchName: target.branch.name,
        obligation: target.item.obligation,
        due: target.item.due,
        originalDue: target.item.originalDue,
        privateMetadata: JSON.stringify({ o: target.item.obligation.id, b: target.branch.id }),
      }),
    });
  });

  router.view(EXTENSION_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const person = await findPersonBySlackId(ctx.db, userId);
    const locale = await localeFor(ctx, client, userId, person);
    const meta = ExtensionMetadataSchema.safeParse(parseJson(view.private_metadata));
    const state = ViewStateSchema.safeParse(view.state.values);
    const target = person && meta.success ? await resolveTarget(ctx, person, meta.data) : null;
    if (!person || !state.success || !target || target.kind !== 'branch') {
      await recordRefusal(ctx, {
        actor: userId,
        action: 'view.extension_request',
        reason: 'not the secretary of this branch or malformed payload',
        details: { metadata: view.private_metadata.slice(0, 200) },
      });
      await ack({ response_action: 'errors', errors: { new_due: t(locale, 'common.forbidden') } });
      return;
    }
    const { plan, branch, item } = target;
    if (isDone(item.state)) {
      await ack({ response_action: 'errors', errors: { new_due: t(locale, 'prompts.error.done') } });
      return;
    }
    const yearEnd = `${plan.year}-12-31`;
    const form = parseExtensionForm(state.data, {
      currentDue: item.due,
      latest: plan.ends < yearEnd ? plan.ends : yearEnd,
    });
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
      { actor: userId, now },
    );
    if (result.outcome === 'pending') {
      await ack({ response_action: 'errors', errors: { new_due: t(locale, 'prompts.error.pending') } });
      return;
    }
    await ack();
    if (result.outcome === 'duplicate') return;
    const ext = result.extension;
    await client.chat.postMessage({
      channel: userId,
      text: t(locale, 'prompts.extension.sent', {
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
      const userId = body.user.id;
      const reply = actionReply(client, body, respond);
      const person = await findPersonBySlackId(ctx.db, userId);
      const locale = await localeFor(ctx, client, userId, person);
      const id = IdValueSchema.safeParse('value' in action ? action.value : '');
      if (!isLeader(person) || !id.success) {
        await recordRefusal(ctx, {
          actor: userId,
          action: `action.${actionId}`,
          reason: isLeader(person) ? 'malformed extension id' : 'not a leader',
          details: { value: String('value' in action ? action.value : '').slice(0, 40) },
        });
        return reply(
          person
            ? t(locale, isLeader(person) ? 'common.forbidden' : 'prompts.not_leader')
            : t(locale, 'common.not_in_roster'),
        );
      }
      const ext = await findExtension(ctx.db, id.data);
      if (!ext) return reply(t(locale, 'prompts.not_found'));
      const decided = await decideExtension(
        ctx.db,
        { id: ext.id, leaderId: person.id, approve },
        { actor: userId, now: ctx.clock.now() },
      );
      if (!decided) {
        const current = (await findExtension(ctx.db, ext.id)) ?? ext;
        const by = current.decidedBy ? await findPersonById(ctx.db, current.decidedBy) : null;
        return reply(
          t(locale, 'prompts.extension.already', { decision: decisionWord(locale, current), leader: by?.name ?? '—' }),
        );
      }
      const original = body.message && typeof body.message.text === 'string' ? body.message.text : '';
      const decisionLine = t(locale, 'prompts.extension.decided', {
        decision: decisionWord(locale, decided),
        leader: escape(person.name),
      });
      if (body.response_url)
        await respond({
          replace_original: true,
          text: `${original}\n${decisionLine}`,
          blocks: extensionDecidedBlocks(original || decisionLine, decisionLine),
        });
      await tellRequester(ctx, client, decided, person);
      const requester = await findPersonById(ctx.db, decided.requestedBy);
      if (requester) await publishHome(ctx, client, requester.slackUserId);
    });
  }
}

function decisionWord(locale: Locale, ext: Extension): string {
  return ext.status === 'approved' ? t(locale, 'prompts.status.approved') : t(locale, 'prompts.status.refused');
}

async function tellRequester(ctx: AppContext, client: WebClient, ext: Extension, leader: Person): Promise<void> {
  const plan = await activePlan(ctx);
  const obligation = plan ? (await listObligations(ctx.db, plan.id)).find((o) => o.id === ext.obligationId) : undefined;
  const branch = await findBranchById(ctx.db, ext.branchId);
  if (!plan || !obligation || !branch) return;
  const due =
    (await approvedExtensions(ctx.db, plan.id, [branch.id])).get(branch.id)?.get(obligation.id) ?? obligation.due;
  await notifyPerson(ctx, client, ext.requestedBy, (l) => ({
    text: t(l, ext.status === 'approved' ? 'prompts.extension.approved.dm' : 'prompts.extension.refused.dm', {
      leader: escape(leader.name),
      code: obligation.code,
      title: escape(pick(obligation.title, l)),
      branch: escape(branch.name),
      due: dueText(l, due, obligation.due),
    }),
  }));
}
