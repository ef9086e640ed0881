import type { BlockAction, RespondFn, StaticSelectAction } from '@slack/bolt';
import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import {
  findBranchByCodeOrName,
  findBranchById,
  findPersonById,
  findPersonBySlackId,
  findPersonWithBranches,
  listBranches,
} from '../db/queries/people.js';
import { findActivePlan, planObligations, type Plan } from '../db/queries/plans.js';
import { branchAdjustments } from '../db/queries/progress.js';
import {
  branchSecretaryIds,
  findReportById,
  listReportsForBranches,
  submitReport,
  withdrawReport,
} from '../db/queries/reports.js';
import type { AppContext } from '../src/context.js';
import { branchChecklist, reportableItems, type ChecklistItem } from '../src/domain/checklist.js';
import { evidenceOf, parseReportForm, ViewStateSchema } from '../src/domain/report-form.js';
import { canChangeReport, canWithdrawReport, IdValueSchema, parseJson } from '../src/domain/reporting.js';
import { isOnTime, localDateOf } from '../src/domain/time.js';
import type { Branch, Person, Report } from '../src/domain/types.js';
import { pick, t, type Locale } from '../src/i18n/index.js';
import { recordRefusal } from '../src/slack/access.js';
import { publishHome } from '../src/slack/home.js';
import { localeFor } from '../src/slack/locale.js';
import { modalOpener } from '../src/slack/modal-opener.js';
import { notifyLeaders } from '../src/slack/notify.js';
import type { Router } from '../src/slack/router.js';
import { localDateTime } from '../src/ui/time.js';
import { escape, messageModal } from '../src/ui/limits.js';
import {
  branchPickerModal,
  REPORT_ACTIONS,
  REPORT_CALLBACK_ID,
  reportModal,
  reportSavedBlocks,
  SUMMARY_MAX,
} from '../src/ui/report-modal.js';
import { reportArrivedBlocks } from '../src/ui/review.js';

/** What the modal carries between opening and submission; checked again on every use. */
const ReportMetadataSchema = z
  .object({
    planId: z.number().int().positive(),
    branchId: z.number().int().positive().optional(),
    obligationId: z.number().int().positive().optional(),
  })
  .strict();

/** `/report [BRANCH] [TASK]`: at most two words, each a code or a branch name. */
const ReportTextSchema = z
  .string()
  .max(200)
  .transform((s) =>
    s
      .trim()
      .split(/\s+/)
      .filter((w) => w !== ''),
  )
  .pipe(z.array(z.string().max(60)).max(2));

const TASK_CODE = /^[A-Z0-9][A-Z0-9-]{0,23}$/;

/** Where a modal goes: opened from a trigger, or updated in place (a branch chosen inside it). */
export interface ViewSink {
  show(view: View): Promise<unknown>;
  /** Shows a message instead of the modal when a modal is already up; false when nothing is up. */
  abandon(view: View): Promise<boolean>;
}

export function openerSink(client: WebClient, triggerId: string): ViewSink {
  return modalOpener(client, triggerId);
}

function updateSink(client: WebClient, viewId: string, hash: string | undefined): ViewSink {
  return {
    show: (view) => client.views.update({ view_id: viewId, view, ...(hash ? { hash } : {}) }),
    abandon: async (view) => {
      await client.views.update({ view_id: viewId, view });
      return true;
    },
  };
}

/** A branch's reportable items: approved extensions applied, tasks a leader exempted it from left out. */
export async function loadBranchItems(
  ctx: AppContext,
  plan: Plan,
  branch: Branch,
  today: string,
): Promise<ChecklistItem[]> {
  const [obligations, reports, adjustments] = await Promise.all([
    planObligations(ctx.db, plan),
    listReportsForBranches(ctx.db, [branch.id], plan.id),
    branchAdjustments(ctx.db, plan.id, [branch.id]),
  ]);
  const exempt = adjustments.exempt.get(branch.id);
  return reportableItems(
    branchChecklist({
      obligations,
      category: branch.category,
      reports,
      today,
      extendedDue: adjustments.extendedDue.get(branch.id),
      ...(exempt ? { exemptObligationIds: exempt } : {}),
    }),
  );
}

async function activePlan(ctx: AppContext): Promise<Plan | null> {
  return findActivePlan(ctx.db, ctx.clock.now().toISOString().slice(0, 10));
}

export interface ShowReportArgs {
  person: Person;
  locale: Locale;
  /** Null: a secretary of several branches chooses first. */
  branchId: number | null;
  obligationId: number | null;
  sink: ViewSink;
  say: (text: string) => Promise<unknown>;
  /** The person's branches when already read with the person (`findPersonWithBranches`). */
  branches?: Branch[];
}

/**
 * Opens the report modal for one of the person's branches, with a task chosen and, when that task
 * has a report the person may still change, its values filled in. The callers have checked that
 * the person is a secretary; the branch is checked again here.
 */
export async function showReportModal(ctx: AppContext, args: ShowReportArgs): Promise<void> {
  const { locale, person, sink } = args;
  const message = async (text: string) => {
    if (!(await sink.abandon(messageModal('Pacesetter', text, t(locale, 'report.modal.close'))))) await args.say(text);
  };
  const plan = await activePlan(ctx);
  if (!plan) return message(t(locale, 'common.no_plan'));
  const branchId = args.branchId ?? (person.secretaryOf.length === 1 ? person.secretaryOf[0]! : null);
  const ownBranches = async () => args.branches ?? (await listBranches(ctx.db, person.secretaryOf));
  if (branchId === null) {
    const branches = await ownBranches();
    const meta = { planId: plan.id, ...(args.obligationId ? { obligationId: args.obligationId } : {}) };
    await sink.show(branchPickerModal({ locale, branches, privateMetadata: JSON.stringify(meta) }));
    return;
  }
  const branch = person.secretaryOf.includes(branchId)
    ? (args.branches?.find((b) => b.id === branchId) ?? (await findBranchById(ctx.db, branchId)))
    : null;
  if (!branch) return message(t(locale, 'common.forbidden'));
  const today = localDateOf(ctx.clock.now(), plan.timezone);
  const items = await loadBranchItems(ctx, plan, branch, today);
  if (items.length === 0) return message(t(locale, 'report.nothing_open', { branch: escape(branch.name) }));
  // A select with no options is refused by Slack: when everything is accepted there is nothing to pick.
  if (items.every((i) => i.report?.status === 'accepted'))
    return message(t(locale, 'report.all_accepted', { branch: escape(branch.name) }));
  const selected = args.obligationId ? items.find((i) => i.obligation.id === args.obligationId) : undefined;
  let editing: { report: Report; submittedLocal: string; reviewerName: string | null } | null = null;
  let selectedObligationId = selected?.obligation.id;
  if (selected?.report && selected.report.status !== 'withdrawn') {
    const verdict = canChangeReport(selected.report, person.id, await branchSecretaryIds(ctx.db, branch.id));
    if (verdict.ok) {
      const reviewer = selected.report.reviewedBy ? await findPersonById(ctx.db, selected.report.reviewedBy) : null;
      editing = {
        report: selected.report,
        submittedLocal: localDateTime(selected.report.submittedAt, plan.timezone),
        reviewerName: reviewer?.name ?? null,
      };
    } else {
      selectedObligationId = undefined;
      await args.say(
        verdict.reason === 'reviewed'
          ? t(locale, 'report.error.locked')
          : t(locale, 'report.refused.not_author', { author: await personName(ctx, selected.report.submittedBy) }),
      );
    }
  }
  const branches = person.secretaryOf.length > 1 ? await ownBranches() : undefined;
  await sink.show(
    reportModal({
      locale,
      branch,
      items,
      today,
      selectedObligationId,
      editing,
      branches,
      privateMetadata: JSON.stringify({ planId: plan.id, branchId: branch.id }),
    }),
  );
}

/**
 * The report a button (edit, revise, withdraw) names, when the presser is a secretary of its
 * branch; otherwise the presser is answered, the refusal logged, and null returned.
 */
async function reportOfButton(
  ctx: AppContext,
  client: WebClient,
  args: { userId: string; actionId: string; value: unknown; reply: (text: string) => Promise<unknown> },
): Promise<{ person: Person; locale: Locale; report: Report } | null> {
  const person = await findPersonBySlackId(ctx.db, args.userId);
  const locale = await localeFor(ctx, client, args.userId, person);
  const id = IdValueSchema.safeParse(args.value ?? '');
  const report = id.success ? await findReportById(ctx.db, id.data) : null;
  if (!person) {
    await args.reply(t(locale, 'common.not_in_roster'));
    return null;
  }
  if (!report || !person.secretaryOf.includes(report.branchId)) {
    await recordRefusal(ctx, {
      actor: args.userId,
      action: `action.${args.actionId}`,
      reason: report ? 'not the secretary of the report branch' : 'unknown report id',
      details: { value: String(args.value ?? '').slice(0, 40) },
    });
    await args.reply(t(locale, 'common.forbidden'));
    return null;
  }
  return { person, locale, report };
}

async function personName(ctx: AppContext, personId: number): Promise<string> {
  return (await findPersonById(ctx.db, personId))?.name ?? '—';
}

type Say = (text: string) => Promise<unknown>;

/** Answers a button: in place of the message it came from, else (from a modal or the App Home) by DM. */
export function actionReply(client: WebClient, body: BlockAction, respond: RespondFn) {
  return async (text: string, opts: { replace?: boolean } = {}) => {
    // A replacement takes the place of the bot's own message; anything else is shown only to the presser.
    if (body.response_url)
      await respond(
        opts.replace ? { replace_original: true, text } : { response_type: 'ephemeral', replace_original: false, text },
      );
    else await client.chat.postMessage({ channel: body.user.id, text });
  };
}

/** `/report` text: an optional branch (code or name) of the person's, then an optional task code. */
async function parseReportText(
  ctx: AppContext,
  person: Person,
  text: string,
): Promise<
  | { ok: true; branchId: number | null; code: string | null }
  | { ok: false; reason: 'help' | 'forbidden_branch'; word?: string }
> {
  const words = ReportTextSchema.safeParse(text);
  if (!words.success) return { ok: false, reason: 'help' };
  let branchId: number | null = null;
  let code: string | null = null;
  for (const word of words.data) {
    if (/^(help|帮助|\?)$/i.test(word)) return { ok: false, reason: 'help' };
    const branch: Branch | null =
      branchId === null && code === null
        ? ((await findBranchByCodeOrName(ctx.db, word)) ?? (await findBranchByCodeOrName(ctx.db, word.toUpperCase())))
        : null;
    if (branch) {
      if (!person.secretaryOf.includes(branch.id)) return { ok: false, reason: 'forbidden_branch', word };
      branchId = branch.id;
    } else if (code === null && TASK_CODE.test(word.toUpperCase())) code = word.toUpperCase();
    else return { ok: false, reason: 'help' };
  }
  return { ok: true, branchId, code };
}

export function register(router: Router, ctx: AppContext): void {
  router.command('/report', async ({ command, ack, client, respond }) => {
    await ack();
    const sink = openerSink(client, command.trigger_id);
    const say: Say = (text) => respond({ response_type: 'ephemeral', text });
    const found = await findPersonWithBranches(ctx.db, command.user_id);
    const person = found?.person ?? null;
    const locale = await localeFor(ctx, client, command.user_id, person);
    const message = async (text: string) => {
      if (!(await sink.abandon(messageModal('Pacesetter', text, t(locale, 'report.modal.close'))))) await say(text);
    };
    if (!person) return message(t(locale, 'common.not_in_roster'));
    if (person.secretaryOf.length === 0) {
      await recordRefusal(ctx, { actor: command.user_id, action: 'command./report', reason: 'not a secretary' });
      return message(t(locale, 'report.not_secretary'));
    }
    const parsed = await parseReportText(ctx, person, command.text ?? '');
    if (!parsed.ok) {
      if (parsed.reason === 'forbidden_branch') {
        await recordRefusal(ctx, {
          actor: command.user_id,
          action: 'command./report',
          reason: 'not the secretary of this branch',
          details: { branch: parsed.word },
        });
        return message(
          `${t(locale, 'report.unknown_branch', { code: escape(parsed.word ?? '') })} ${t(locale, 'common.forbidden')}`,
        );
      }
      return message(t(locale, 'report.help'));
    }
    let obligationId: number | null = null;
    if (parsed.code) {
      const plan = await activePlan(ctx);
      const ob = plan ? (await planObligations(ctx.db, plan)).find((o) => o.code === parsed.code) : undefined;
      if (ob) obligationId = ob.id;
      else await say(t(locale, 'report.unknown_code', { code: parsed.code }));
    }
    await showReportModal(ctx, {
      person,
      locale,
      branchId: parsed.branchId,
      obligationId,
      sink,
      say,
      branches: found?.branches,
    });
  });

  // The branch menu at the top of the modal: the task list follows the branch chosen.
  router.action<BlockAction<StaticSelectAction>>(REPORT_ACTIONS.branchPick, async ({ ack, body, action, client }) => {
    await ack();
    const userId = body.user.id;
    const person = await findPersonBySlackId(ctx.db, userId);
    const locale = await localeFor(ctx, client, userId, person);
    const branchId = IdValueSchema.safeParse(action.selected_option?.value ?? '');
    const meta = ReportMetadataSchema.safeParse(parseJson(body.view?.private_metadata ?? ''));
    if (!body.view) return;
    const sink = updateSink(client, body.view.id, body.view.hash);
    if (!person || !branchId.success || !meta.success || !person.secretaryOf.includes(branchId.data)) {
      await recordRefusal(ctx, {
        actor: userId,
        action: `action.${REPORT_ACTIONS.branchPick}`,
        reason: 'not the secretary of this branch or malformed payload',
        details: { value: String(action.selected_option?.value ?? '').slice(0, 40) },
      });
      await sink.abandon(messageModal('Pacesetter', t(locale, 'common.forbidden'), t(locale, 'report.modal.close')));
      return;
    }
    const say: Say = (text) => client.chat.postMessage({ channel: userId, text });
    await showReportModal(ctx, {
      person,
      locale,
      branchId: branchId.data,
      obligationId: meta.data.obligationId ?? null,
      sink,
      say,
    });
  });

  router.view(REPORT_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const person = await findPersonBySlackId(ctx.db, userId);
    const locale = await localeFor(ctx, client, userId, person);
    const meta = ReportMetadataSchema.safeParse(parseJson(view.private_metadata));
    const state = ViewStateSchema.safeParse(view.state.values);
    // Checked again on the server: the modal's metadata and values come from the client.
    const branchId = meta.success ? meta.data.branchId : undefined;
    if (
      !person ||
      !meta.success ||
      !state.success ||
      branchId === undefined ||
      !person.secretaryOf.includes(branchId)
    ) {
      await recordRefusal(ctx, {
        actor: userId,
        action: 'view.report_submit',
        reason: 'not the secretary of this branch or malformed payload',
        details: { metadata: view.private_metadata.slice(0, 200) },
      });
      await ack({ response_action: 'errors', errors: { obligation: t(locale, 'common.forbidden') } });
      return;
    }
    const now = ctx.clock.now();
    const plan = await activePlan(ctx);
    const branch = await findBranchById(ctx.db, branchId);
    if (!plan || plan.id !== meta.data.planId || !branch) {
      await ack({ response_action: 'errors', errors: { obligation: t(locale, 'report.error.obligation') } });
      return;
    }
    const today = localDateOf(now, plan.timezone);
    const form = parseReportForm(state.data, { today, earliest: `${plan.year}-01-01`, summaryMax: SUMMARY_MAX });
    if (!form.ok) {
      await ack({
        response_action: 'errors',
        errors: Object.fromEntries(
          Object.entries(form.errors).map(([block, e]) => [block, t(locale, e.key, e.params)]),
        ),
      });
      return;
    }
    const item = (await loadBranchItems(ctx, plan, branch, today)).find(
      (i) => i.obligation.id === form.value.obligationId,
    );
    if (!item) {
      await recordRefusal(ctx, {
        actor: userId,
        action: 'view.report_submit',
        reason: 'obligation not open for this branch',
        details: { obligationId: form.value.obligationId, branchId: branch.id },
      });
      await ack({ response_action: 'errors', errors: { obligation: t(locale, 'report.error.obligation') } });
      return;
    }
    const secretaries = await branchSecretaryIds(ctx.db, branch.id);
    const guard = (current: Report): string | null => {
      const verdict = canChangeReport(current, person.id, secretaries);
      return verdict.ok ? null : verdict.reason;
    };
    const evidence = evidenceOf(form.value, item.report?.evidence ?? []);
    if (!evidence.ok) {
      await ack({
        response_action: 'errors',
        errors: Object.fromEntries(
          Object.entries(evidence.errors).map(([block, e]) => [block, t(locale, e.key, e.params)]),
        ),
      });
      return;
    }
    const onTime = isOnTime(now, item.due, plan.timezone);
    const result = await submitReport(
      ctx.db,
      {
        obligationId: item.obligation.id,
        branchId: branch.id,
        heldOn: form.value.heldOn,
        participants: form.value.participants,
        summary: form.value.summary,
        evidence: evidence.value,
        submittedBy: person.id,
        onTime,
        submissionKey: view.id,
      },
      { actor: userId, now, guard },
    );
    if (result.outcome === 'duplicate') {
      await ack();
      return;
    }
    if (result.outcome === 'refused') {
      const text =
        result.reason === 'reviewed'
          ? t(locale, 'report.error.locked')
          : t(locale, 'report.error.not_author', { author: await personName(ctx, result.previous.submittedBy) });
      await ack({ response_action: 'errors', errors: { obligation: text } });
      return;
    }
    await ack();
    const when = onTime ? t(locale, 'report.when.on_time') : t(locale, 'report.when.late', { due: item.due });
    const params = {
      code: item.obligation.code,
      title: escape(pick(item.obligation.title, locale)),
      branch: escape(branch.name),
      when,
    };
    const text = t(locale, result.replaced ? 'report.saved.replaced' : 'report.saved', params);
    await client.chat.postMessage({ channel: userId, text, blocks: reportSavedBlocks(locale, text, result.report.id) });
    // Leaders hear of a report once: when it first arrives or comes back after a return, not on
    // every edit made while it waits for them.
    const previous = result.previous;
    if (!previous || previous.status === 'withdrawn' || previous.status === 'returned') {
      const resubmitted = previous?.status === 'returned';
      await notifyLeaders(
        ctx,
        client,
        (l) => {
          const line = t(l, resubmitted ? 'review.notify.resubmitted' : 'review.notify', {
            branch: escape(branch.name),
            code: item.obligation.code,
            title: escape(pick(item.obligation.title, l)),
            when: onTime ? t(l, 'report.when.on_time') : t(l, 'report.when.late', { due: item.due }),
            author: escape(person.name),
          });
          return { text: line, blocks: reportArrivedBlocks(l, line, result.report.id) };
        },
        { exceptPersonId: person.id },
      );
    }
    await publishHome(ctx, client, userId);
  });

  // Edit (from the confirmation DM or the App Home) and Revise (after a leader returned it).
  for (const actionId of [REPORT_ACTIONS.edit, REPORT_ACTIONS.revise]) {
    router.action<BlockAction>(actionId, async ({ ack, body, action, client, respond }) => {
      await ack();
      const reply = actionReply(client, body, respond);
      const found = await reportOfButton(ctx, client, {
        userId: body.user.id,
        actionId,
        value: 'value' in action ? action.value : undefined,
        reply,
      });
      if (!found) return;
      const { person, locale, report } = found;
      const verdict = canChangeReport(report, person.id, await branchSecretaryIds(ctx.db, report.branchId));
      if (!verdict.ok) {
        return reply(
          verdict.reason === 'reviewed'
            ? t(locale, 'report.refused.reviewed')
            : t(locale, 'report.refused.not_author', { author: await personName(ctx, report.submittedBy) }),
        );
      }
      await showReportModal(ctx, {
        person,
        locale,
        branchId: report.branchId,
        obligationId: report.obligationId,
        sink: openerSink(client, body.trigger_id),
        say: (text) => reply(text),
      });
    });
  }

  router.action<BlockAction>(REPORT_ACTIONS.withdraw, async ({ ack, body, action, client, respond }) => {
    await ack();
    const userId = body.user.id;
    const reply = actionReply(client, body, respond);
    const found = await reportOfButton(ctx, client, {
      userId,
      actionId: REPORT_ACTIONS.withdraw,
      value: 'value' in action ? action.value : undefined,
      reply,
    });
    if (!found) return;
    const { person, locale, report } = found;
    const verdict = canWithdrawReport(report, person.id, await branchSecretaryIds(ctx.db, report.branchId));
    if (!verdict.ok) {
      if (verdict.reason === 'withdrawn') return reply(t(locale, 'report.withdraw.already'));
      if (verdict.reason === 'reviewed') return reply(t(locale, 'report.refused.reviewed'));
      await recordRefusal(ctx, {
        actor: userId,
        action: `action.${REPORT_ACTIONS.withdraw}`,
        reason: 'not the author of the report',
        details: { reportId: report.id },
      });
      return reply(t(locale, 'report.refused.not_author', { author: await personName(ctx, report.submittedBy) }));
    }
    const done = await withdrawReport(
      ctx.db,
      { reportId: report.id, expectedStatus: report.status },
      { actor: userId, now: ctx.clock.now() },
    );
    if (!done) return reply(t(locale, 'report.refused.reviewed'));
    const plan = await activePlan(ctx);
    const ob = plan ? (await planObligations(ctx.db, plan)).find((o) => o.id === report.obligationId) : undefined;
    const branch = await findBranchById(ctx.db, report.branchId);
    await reply(
      t(locale, 'report.withdrawn', {
        code: ob?.code ?? '',
        title: ob ? escape(pick(ob.title, locale)) : '',
        branch: escape(branch?.name ?? ''),
      }),
      { replace: true },
    );
    await publishHome(ctx, client, userId);
  });
}
