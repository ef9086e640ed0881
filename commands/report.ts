import type { BlockAction, StaticSelectAction } from '@slack/bolt';
import { z } from 'zod';
import { findBranchByCodeOrName, findBranchById } from '../db/queries/people.js';
import { planObligations } from '../db/queries/plans.js';
import { branchSecretaryIds, findReportById, submitReport, withdrawReport } from '../db/queries/reports.js';
import type { AppContext } from '../src/context.js';
import { evidenceOf, parseReportForm } from '../src/domain/report-form.js';
import { canChangeReport, canWithdrawReport, IdValueSchema } from '../src/domain/reporting.js';
import { isOnTime } from '../src/domain/time.js';
import { isComputed, type Branch, type Person, type Report } from '../src/domain/types.js';
import { publishHome } from '../src/flows/home.js';
import { loadBranchItems, personName, showReportModal } from '../src/flows/report-modal.js';
import { pick, t } from '../src/i18n/index.js';
import { buttonReply, callerOf, ephemeral, formErrors, parseJson, shownIn, type Caller } from '../src/slack/caller.js';
import { pressOf, submissionOf } from '../src/slack/openings.js';
import { modalOpener, viewUpdater } from '../src/slack/modal-opener.js';
import { notifyLeaders } from '../src/slack/notify.js';
import type { Router } from '../src/slack/router.js';
import { escape } from '../src/ui/limits.js';
import { REPORT_ACTIONS, REPORT_CALLBACK_ID, reportSavedBlocks, SUMMARY_MAX } from '../src/ui/report-modal.js';
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

/**
 * The report a button (edit, revise, withdraw) names, when the presser is a secretary of its
 * branch; otherwise the presser is answered, the refusal logged, and null returned.
 */
async function reportOfButton(
  ctx: AppContext,
  caller: Caller,
  value: string,
): Promise<{ secretary: Caller<Person>; report: Report } | null> {
  const id = IdValueSchema.safeParse(value);
  const report = id.success ? await findReportById(ctx.db, id.data) : null;
  const secretary = await caller.require({
    may: (p) => report !== null && p.secretaryOf.includes(report.branchId),
    reason: report ? 'not the secretary of the report branch' : 'unknown report id',
  });
  return secretary && report ? { secretary, report } : null;
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
    // trigger_id lives 3 s: the opener puts a loading modal up if the lookups below are slow.
    const sink = modalOpener(client, command.trigger_id);
    const say = ephemeral(respond);
    const caller = await callerOf(ctx, client, command.user_id, {
      action: 'command./report',
      answer: shownIn(sink, 'report.modal.close', say),
    });
    const secretary = await caller.require({
      may: (p) => p.secretaryOf.length > 0,
      refusal: 'report.not_secretary',
      reason: 'not a secretary',
    });
    if (!secretary) return;
    const parsed = await parseReportText(ctx, secretary.person, command.text ?? '');
    if (!parsed.ok) {
      if (parsed.reason === 'help') return secretary.say(secretary.t('report.help'));
      const word = parsed.word ?? '';
      return secretary.refuse(
        'not the secretary of this branch',
        `${secretary.t('report.unknown_branch', { code: escape(word) })} ${secretary.t('common.forbidden')}`,
        { branch: word },
      );
    }
    let obligationId: number | null = null;
    if (parsed.code) {
      const found = await secretary.today();
      const ob = found ? (await planObligations(ctx.db, found.plan)).find((o) => o.code === parsed.code) : undefined;
      // A computed task (kind: commitments) is done when its data say so: nobody reports it.
      if (ob && isComputed(ob))
        return secretary.refuse(
          'computed task',
          secretary.t('commitments.report.computed', { code: ob.code, threshold: ob.threshold ?? 0 }),
          { code: ob.code },
        );
      if (ob) obligationId = ob.id;
      else await say(secretary.t('report.unknown_code', { code: parsed.code }), secretary.locale);
    }
    await showReportModal(ctx, secretary, { branchId: parsed.branchId, obligationId, sink, note: say });
  });

  // The branch menu at the top of the modal: the task list follows the branch chosen.
  router.action<BlockAction<StaticSelectAction>>(REPORT_ACTIONS.branchPick, async ({ ack, body, action, client }) => {
    await ack();
    if (!body.view) return;
    const sink = viewUpdater(client, body.view.id, body.view.hash);
    const value = action.selected_option?.value ?? '';
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `action.${REPORT_ACTIONS.branchPick}`,
      answer: shownIn(sink, 'report.modal.close'),
      details: { value: value.slice(0, 40) },
    });
    const branchId = IdValueSchema.safeParse(value);
    const meta = ReportMetadataSchema.safeParse(parseJson(body.view.private_metadata));
    const secretary = await caller.require({
      may: (p) => branchId.success && meta.success && p.secretaryOf.includes(branchId.data),
      reason: 'not the secretary of this branch or malformed payload',
    });
    if (!secretary || !branchId.success || !meta.success) return;
    await showReportModal(ctx, secretary, {
      branchId: branchId.data,
      obligationId: meta.data.obligationId ?? null,
      sink,
      note: (text) => client.chat.postMessage({ channel: body.user.id, text }),
    });
  });

  router.view(REPORT_CALLBACK_ID, async (args) => {
    const { ack, view, client } = args;
    const { caller, meta, state } = await submissionOf(ctx, args, ReportMetadataSchema, 'obligation');
    // Checked again on the server: the modal's metadata and values come from the client.
    const branchId = meta?.branchId;
    const secretary = await caller.require({
      may: (p) => state !== null && branchId !== undefined && p.secretaryOf.includes(branchId),
      reason: 'not the secretary of this branch or malformed payload',
    });
    if (!secretary || !meta || !state || branchId === undefined) return;
    const { person, locale } = secretary;
    const now = ctx.clock.now();
    const found = await secretary.today();
    const branch = await findBranchById(ctx.db, branchId);
    if (!found || found.plan.id !== meta.planId || !branch)
      return secretary.say(secretary.t('report.error.obligation'));
    const { plan, today } = found;
    const form = parseReportForm(state, { today, earliest: `${plan.year}-01-01`, summaryMax: SUMMARY_MAX });
    if (!form.ok) return ack(formErrors(locale, form.errors));
    const item = (await loadBranchItems(ctx, plan, branch, today)).find(
      (i) => i.obligation.id === form.value.obligationId,
    );
    if (!item)
      return secretary.refuse('obligation not open for this branch', secretary.t('report.error.obligation'), {
        obligationId: form.value.obligationId,
        branchId: branch.id,
      });
    const secretaries = await branchSecretaryIds(ctx.db, branch.id);
    const guard = (current: Report): string | null => {
      const verdict = canChangeReport(current, person.id, secretaries);
      return verdict.ok ? null : verdict.reason;
    };
    const evidence = evidenceOf(form.value, item.report?.evidence ?? []);
    if (!evidence.ok) return ack(formErrors(locale, evidence.errors));
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
      { actor: secretary.slackUserId, now, guard },
    );
    if (result.outcome === 'duplicate') return ack();
    if (result.outcome === 'refused') {
      const text =
        result.reason === 'reviewed'
          ? secretary.t('report.error.locked')
          : secretary.t('report.error.not_author', { author: await personName(ctx, result.previous.submittedBy) });
      return secretary.say(text);
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
    await client.chat.postMessage({
      channel: secretary.slackUserId,
      text,
      blocks: reportSavedBlocks(locale, text, result.report.id),
    });
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
    await publishHome(ctx, client, secretary.slackUserId);
  });

  // Edit (from the confirmation DM or the App Home) and Revise (after a leader returned it).
  for (const actionId of [REPORT_ACTIONS.edit, REPORT_ACTIONS.revise]) {
    router.action<BlockAction>(actionId, async ({ ack, body, action, client, respond }) => {
      await ack();
      const reply = buttonReply(client, body, respond);
      const { value, caller } = await pressOf(ctx, client, { body, action, actionId }, reply);
      const found = await reportOfButton(ctx, caller, value);
      if (!found) return;
      const { secretary, report } = found;
      const verdict = canChangeReport(report, secretary.person.id, await branchSecretaryIds(ctx.db, report.branchId));
      if (!verdict.ok)
        return secretary.say(
          verdict.reason === 'reviewed'
            ? secretary.t('report.refused.reviewed')
            : secretary.t('report.refused.not_author', { author: await personName(ctx, report.submittedBy) }),
        );
      await showReportModal(ctx, secretary, {
        branchId: report.branchId,
        obligationId: report.obligationId,
        sink: modalOpener(client, body.trigger_id),
        note: reply,
      });
    });
  }

  router.action<BlockAction>(REPORT_ACTIONS.withdraw, async ({ ack, body, action, client, respond }) => {
    await ack();
    const { value, caller } = await pressOf(
      ctx,
      client,
      { body, action, actionId: REPORT_ACTIONS.withdraw },
      buttonReply(client, body, respond),
    );
    const found = await reportOfButton(ctx, caller, value);
    if (!found) return;
    const { secretary, report } = found;
    const verdict = canWithdrawReport(report, secretary.person.id, await branchSecretaryIds(ctx.db, report.branchId));
    if (!verdict.ok) {
      if (verdict.reason === 'withdrawn') return secretary.say(secretary.t('report.withdraw.already'));
      if (verdict.reason === 'reviewed') return secretary.say(secretary.t('report.refused.reviewed'));
      return secretary.refuse(
        'not the author of the report',
        secretary.t('report.refused.not_author', { author: await personName(ctx, report.submittedBy) }),
        { reportId: report.id },
      );
    }
    const done = await withdrawReport(
      ctx.db,
      { reportId: report.id, expectedStatus: report.status },
      { actor: secretary.slackUserId, now: ctx.clock.now() },
    );
    if (!done) return secretary.say(secretary.t('report.refused.reviewed'));
    const planToday = await secretary.today();
    const ob = planToday
      ? (await planObligations(ctx.db, planToday.plan)).find((o) => o.id === report.obligationId)
      : undefined;
    const branch = await findBranchById(ctx.db, report.branchId);
    const text = secretary.t('report.withdrawn', {
      code: ob?.code ?? '',
      title: ob ? escape(pick(ob.title, secretary.locale)) : '',
      branch: escape(branch?.name ?? ''),
    });
    // The confirmation takes the place of the message whose button withdrew the report.
    await buttonReply(client, body, respond, { replace: true })(text, secretary.locale);
    await publishHome(ctx, client, secretary.slackUserId);
  });
}
