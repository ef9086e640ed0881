import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { findPersonBySlackId, findBranchById } from '../db/queries/people.js';
import { findActivePlan, listObligations } from '../db/queries/plans.js';
import { listReportsForBranches, submitReport } from '../db/queries/reports.js';
import type { AppContext } from '../src/context.js';
import { branchChecklist, reportableItems } from '../src/domain/checklist.js';
import { parseReportForm, ViewStateSchema } from '../src/domain/report-form.js';
import { isOnTime, localDateOf } from '../src/domain/time.js';
import type { Branch, Evidence, Person } from '../src/domain/types.js';
import { pick, t, type Locale } from '../src/i18n/index.js';
import { recordRefusal } from '../src/slack/access.js';
import { localeFor } from '../src/slack/locale.js';
import { modalOpener } from '../src/slack/modal-opener.js';
import { messageModal, REPORT_CALLBACK_ID, reportModal, SUMMARY_MAX } from '../src/ui/report-modal.js';

/** What the modal carries between opening and submission; checked again on submit. */
const ReportMetadataSchema = z.object({ planId: z.number().int().positive(), branchId: z.number().int().positive() });

/** `/report [OBLIGATION-CODE]` */
const ReportTextSchema = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.union([z.literal(''), z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,23}$/)]));

async function openReportModal(
  ctx: AppContext,
  client: WebClient,
  args: { triggerId: string; person: Person; branch: Branch; locale: Locale; code: string | null; respond: (text: string) => Promise<unknown>; opener?: ReturnType<typeof modalOpener> },
) {
  const opener = args.opener ?? modalOpener(client, args.triggerId);
  const now = ctx.clock.now();
  const plan = await findActivePlan(ctx.db, now.toISOString().slice(0, 10));
  if (!plan) {
    if (!(await opener.abandon(messageModal('Pacesetter', t(args.locale, 'common.no_plan'), t(args.locale, 'report.modal.close'))))) await args.respond(t(args.locale, 'common.no_plan'));
    return;
  }
  const today = localDateOf(now, plan.timezone);
  const [obligations, reports] = await Promise.all([listObligations(ctx.db, plan.id), listReportsForBranches(ctx.db, [args.branch.id], plan.id)]);
  const items = reportableItems(branchChecklist({ obligations, category: args.branch.category, reports, today }));
  if (items.length === 0) {
    const text = t(args.locale, 'report.nothing_open', { branch: args.branch.name });
    if (!(await opener.abandon(messageModal('Pacesetter', text, t(args.locale, 'report.modal.close'))))) await args.respond(text);
    return;
  }
  const selected = args.code ? items.find((i) => i.obligation.code === args.code) : undefined;
  if (args.code && !selected) await args.respond(t(args.locale, 'report.unknown_code', { code: args.code }));
  await opener.show(
    reportModal({
      locale: args.locale,
      branch: args.branch,
      items,
      today,
      selectedObligationId: selected?.obligation.id,
      privateMetadata: JSON.stringify({ planId: plan.id, branchId: args.branch.id }),
    }),
  );
}

export function register(app: App, ctx: AppContext): void {
  app.command('/report', async ({ command, ack, client, respond }) => {
    await ack();
    const opener = modalOpener(client, command.trigger_id);
    const say = (text: string) => respond({ response_type: 'ephemeral', text });
    const person = await findPersonBySlackId(ctx.db, command.user_id);
    const locale = await localeFor(ctx, client, command.user_id, person);
    if (!person) {
      if (!(await opener.abandon(messageModal('Pacesetter', t(locale, 'common.not_in_roster'), t(locale, 'report.modal.close'))))) await say(t(locale, 'common.not_in_roster'));
      return;
    }
    const firstBranchId = person.secretaryOf[0];
    const branch = firstBranchId === undefined ? null : await findBranchById(ctx.db, firstBranchId);
    if (!branch) {
      await recordRefusal(ctx, { actor: command.user_id, action: 'command./report', reason: 'not a secretary' });
      if (!(await opener.abandon(messageModal('Pacesetter', t(locale, 'report.not_secretary'), t(locale, 'report.modal.close'))))) await say(t(locale, 'report.not_secretary'));
      return;
    }
    const text = ReportTextSchema.safeParse(command.text ?? '');
    const code = text.success && text.data !== '' ? text.data : null;
    if (!text.success) await say(t(locale, 'report.unknown_code', { code: (command.text ?? '').slice(0, 40) }));
    await openReportModal(ctx, client, { triggerId: command.trigger_id, person, branch, locale, code, respond: say, opener });
  });

  app.view(REPORT_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const person = await findPersonBySlackId(ctx.db, userId);
    const locale = await localeFor(ctx, client, userId, person);
    const meta = ReportMetadataSchema.safeParse(safeJson(view.private_metadata));
    const state = ViewStateSchema.safeParse(view.state.values);
    // Checked again on the server: the modal's metadata and values come from the client.
    if (!person || !meta.success || !state.success || !person.secretaryOf.includes(meta.data.branchId)) {
      await recordRefusal(ctx, { actor: userId, action: 'view.report_submit', reason: 'not the secretary of this branch or malformed payload', details: { metadata: view.private_metadata.slice(0, 200) } });
      await ack({ response_action: 'errors', errors: { obligation: t(locale, 'common.forbidden') } });
      return;
    }
    const now = ctx.clock.now();
    const plan = await findActivePlan(ctx.db, now.toISOString().slice(0, 10));
    const branch = await findBranchById(ctx.db, meta.data.branchId);
    if (!plan || plan.id !== meta.data.planId || !branch) {
      await ack({ response_action: 'errors', errors: { obligation: t(locale, 'report.error.obligation') } });
      return;
    }
    const today = localDateOf(now, plan.timezone);
    const form = parseReportForm(state.data, { today, earliest: `${plan.year}-01-01`, summaryMax: SUMMARY_MAX });
    if (!form.ok) {
      const errors = Object.fromEntries(Object.entries(form.errors).map(([block, e]) => [block, t(locale, e.key, e.params)]));
      await ack({ response_action: 'errors', errors });
      return;
    }
    const obligations = await listObligations(ctx.db, plan.id);
    const reports = await listReportsForBranches(ctx.db, [branch.id], plan.id);
    const item = reportableItems(branchChecklist({ obligations, category: branch.category, reports, today })).find(
      (i) => i.obligation.id === form.value.obligationId,
    );
    if (!item) {
      await recordRefusal(ctx, { actor: userId, action: 'view.report_submit', reason: 'obligation not open for this branch', details: { obligationId: form.value.obligationId, branchId: branch.id } });
      await ack({ response_action: 'errors', errors: { obligation: t(locale, 'report.error.obligation') } });
      return;
    }
    const evidence: Evidence[] = form.value.evidenceUrl ? [{ type: 'link', url: form.value.evidenceUrl }] : [];
    const onTime = isOnTime(now, item.due, plan.timezone);
    const { replaced } = await submitReport(
      ctx.db,
      { obligationId: item.obligation.id, branchId: branch.id, heldOn: form.value.heldOn, participants: form.value.participants, summary: form.value.summary, evidence, submittedBy: person.id, onTime },
      { actor: userId, now },
    );
    await ack();
    const when = onTime ? t(locale, 'report.when.on_time') : t(locale, 'report.when.late', { due: item.due });
    await client.chat.postMessage({
      channel: userId,
      text: t(locale, replaced ? 'report.saved.replaced' : 'report.saved', { code: item.obligation.code, title: pick(item.obligation.title, locale), branch: branch.name, when }),
    });
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
