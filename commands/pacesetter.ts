import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { audit } from '../db/queries/audit.js';
import { grantExemption, revokeExemption } from '../db/queries/exemptions.js';
import { loadExportData } from '../db/queries/export.js';
import { findNoticeBySubmission, listNotices, recordNotice } from '../db/queries/notices.js';
import { findPersonBySlackId, listBranches } from '../db/queries/people.js';
import { findActivePlan, findPlanByYear, listObligations, type Plan } from '../db/queries/plans.js';
import { loadRankingData } from '../db/queries/rankings.js';
import type { AppContext } from '../src/context.js';
import { escape, messageModal } from '../src/ui/limits.js';
import { exportTables, toXlsx, workbookFilename } from '../src/files/workbook.js';
import { EscalationValueSchema, NOTICE_DAYS_DEFAULT, NoticeDaysSchema, overdueBranches } from '../src/domain/notice.js';
import { parsePacesetterText, type PacesetterRequest } from '../src/domain/leader-requests.js';
import { findBranch, leaderAccess } from '../src/domain/ranking.js';
import { fieldOf, ViewStateSchema } from '../src/domain/report-form.js';
import { localDateOf } from '../src/domain/time.js';
import { appliesToBranch, type Person } from '../src/domain/types.js';
import { pick, t, type Locale } from '../src/i18n/index.js';
import { recordRefusal } from '../src/slack/access.js';
import { leaderGate } from '../src/slack/leader-gate.js';
import { localeFor } from '../src/slack/locale.js';
import { modalOpener } from '../src/slack/modal-opener.js';
import type { Router } from '../src/slack/router.js';
import {
  draftNotice,
  ESCALATION_DRAFT_NOTICE_ACTION,
  NOTICE_BLOCKS,
  NOTICE_BODY_MAX,
  NOTICE_CALLBACK_ID,
  NOTICE_REDRAFT_ACTION,
  NOTICE_TITLE_MAX,
  noticeListBlocks,
  noticeMessage,
  noticeModal,
} from '../src/ui/notice.js';

/** What the notice modal carries between opening, redrafting and publishing; checked on every use. */
const NoticeMetadataSchema = z.object({
  planId: z.number().int().positive(),
  rev: z.number().int().min(0).max(10_000),
});
const TitleSchema = z.string().trim().min(1).max(NOTICE_TITLE_MAX);
const BodySchema = z.string().trim().min(1).max(NOTICE_BODY_MAX);
const ChannelSchema = z.string().regex(/^[CGD][A-Z0-9]{2,30}$/);

function currentPlan(ctx: AppContext): Promise<Plan | null> {
  return findActivePlan(ctx.db, ctx.clock.now().toISOString().slice(0, 10));
}

function slackError(err: unknown): string {
  return (err as { data?: { error?: string } }).data?.error ?? 'error';
}

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return null;
  }
}

/** The notice modal, drafted from the branches overdue by at least `days` days as of now. */
async function noticeView(
  ctx: AppContext,
  plan: Plan,
  locale: Locale,
  opts: { days: number; rev: number; channelId: string | null },
) {
  const today = localDateOf(ctx.clock.now(), plan.timezone);
  const data = await loadRankingData(ctx.db, plan);
  const overdue = overdueBranches({ ...data, today }, opts.days);
  // A notice is published to everyone: it is drafted in the workspace's language, whatever the leader reads.
  const draft = draftNotice(ctx.config.defaultLocale, overdue, today, opts.days);
  return noticeModal({
    locale,
    days: opts.days,
    count: overdue.length,
    draft,
    rev: opts.rev,
    channelId: opts.channelId,
    privateMetadata: JSON.stringify({ planId: plan.id, rev: opts.rev }),
  });
}

async function openNoticeModal(
  ctx: AppContext,
  client: WebClient,
  triggerId: string,
  locale: Locale,
  days: number,
  channelId: string | null,
  say: (text: string) => Promise<unknown>,
) {
  const opener = modalOpener(client, triggerId);
  const plan = await currentPlan(ctx);
  if (!plan) {
    if (
      !(await opener.abandon(
        messageModal('Pacesetter', t(locale, 'common.no_plan'), t(locale, 'leaders.notice.modal.close')),
      ))
    )
      await say(t(locale, 'common.no_plan'));
    return;
  }
  await opener.show(await noticeView(ctx, plan, locale, { days, rev: 0, channelId }));
}

function helpFor(person: Person, locale: Locale): string {
  if (leaderAccess.act(person)) return t(locale, 'leaders.help.leader');
  if (leaderAccess.viewRankings(person)) return t(locale, 'leaders.help.admin');
  return t(locale, 'leaders.help.other');
}

async function exemptCommand(
  ctx: AppContext,
  person: Person,
  locale: Locale,
  actor: string,
  request: Extract<PacesetterRequest, { kind: 'exempt' | 'unexempt' }>,
): Promise<string> {
  const plan = await currentPlan(ctx);
  if (!plan) return t(locale, 'common.no_plan');
  const [branches, obligations] = await Promise.all([listBranches(ctx.db), listObligations(ctx.db, plan.id)]);
  const branch = findBranch(branches, request.branch);
  if (!branch) return t(locale, 'leaders.unknown_branch', { text: escape(request.branch.slice(0, 60)) });
  const obligation = obligations.find((o) => o.code === request.obligation);
  if (!obligation) return t(locale, 'leaders.unknown_obligation', { code: request.obligation, year: plan.year });
  const params = { branch: branch.name, code: obligation.code, title: pick(obligation.title, locale) };
  const meta = { actor, now: ctx.clock.now() };
  if (request.kind === 'unexempt') {
    const result = await revokeExemption(
      ctx.db,
      { obligationId: obligation.id, branchId: branch.id, reason: request.reason },
      meta,
    );
    return t(locale, result === 'revoked' ? 'leaders.unexempt.done' : 'leaders.unexempt.not_exempt', params);
  }
  if (!appliesToBranch(obligation, branch.category)) return t(locale, 'leaders.exempt.not_applicable', params);
  const result = await grantExemption(
    ctx.db,
    { obligationId: obligation.id, branchId: branch.id, reason: request.reason, grantedBy: person.id },
    meta,
  );
  return t(locale, result === 'granted' ? 'leaders.exempt.done' : 'leaders.exempt.already', {
    ...params,
    reason: escape(request.reason),
  });
}

async function exportCommand(
  ctx: AppContext,
  client: WebClient,
  userId: string,
  locale: Locale,
  year: number | null,
): Promise<string> {
  const plan = year === null ? await currentPlan(ctx) : await findPlanByYear(ctx.db, year);
  if (!plan) return year === null ? t(locale, 'common.no_plan') : t(locale, 'leaders.export.no_plan', { year });
  const now = ctx.clock.now();
  const data = await loadExportData(ctx.db, plan, now);
  const file = await toXlsx(exportTables(data, locale), { title: pick(plan.title, locale), created: now });
  const filename = workbookFilename(plan.year, data.today);
  try {
    const dm = await client.conversations.open({ users: userId });
    const channelId = dm.channel?.id;
    if (!channelId) throw Object.assign(new Error('no direct message channel'), { data: { error: 'no_dm_channel' } });
    await client.filesUploadV2({
      channel_id: channelId,
      file,
      filename,
      title: filename,
      initial_comment: t(locale, 'leaders.export.comment', {
        year: plan.year,
        branches: data.branches.length,
        reports: data.reports.length,
        today: data.today,
      }),
    });
  } catch (err) {
    ctx.logger.warn({ err, user: userId }, 'could not send the export');
    return t(locale, 'leaders.export.failed', { error: slackError(err) });
  }
  await audit(ctx.db, {
    at: now,
    actor: userId,
    action: 'export.xlsx',
    subjectType: 'plan',
    subjectId: plan.id,
    details: { year: plan.year, filename, bytes: file.length },
  });
  return t(locale, 'leaders.export.sent', { year: plan.year });
}

export function register(router: Router, ctx: AppContext): void {
  router.command('/pacesetter', async ({ command, ack, client, respond }) => {
    await ack();
    const say = (text: string) => respond({ response_type: 'ephemeral', text });
    const request = parsePacesetterText(command.text);
    if (request.kind === 'help' || (request.kind === 'invalid' && request.usage === 'help')) {
      const person = await findPersonBySlackId(ctx.db, command.user_id);
      const locale = await localeFor(ctx, client, command.user_id, person);
      await say(person ? helpFor(person, locale) : t(locale, 'common.not_in_roster'));
      return;
    }
    const gate = await leaderGate(
      ctx,
      client,
      command.user_id,
      `command./pacesetter ${request.kind === 'invalid' ? request.usage : request.kind}`,
      leaderAccess.act,
      'leaders.forbidden.leaders_only',
      {
        text: (command.text ?? '').slice(0, 100),
      },
    );
    if (!gate.ok) {
      await say(gate.text);
      return;
    }
    const { person, locale } = gate;
    switch (request.kind) {
      case 'invalid':
        await say(
          t(
            locale,
            request.usage === 'export'
              ? 'leaders.export.usage'
              : request.usage === 'exempt'
                ? 'leaders.exempt.usage'
                : 'leaders.unexempt.usage',
          ),
        );
        return;
      case 'notice':
        await openNoticeModal(
          ctx,
          client,
          command.trigger_id,
          locale,
          NOTICE_DAYS_DEFAULT,
          command.channel_id.startsWith('D') ? null : command.channel_id,
          say,
        );
        return;
      case 'notices': {
        const plan = await currentPlan(ctx);
        if (!plan) return void (await say(t(locale, 'common.no_plan')));
        const notices = await listNotices(ctx.db, plan.id, 15);
        const entries = notices.map((n) => ({
          publishedAt: localDateOf(new Date(n.publishedAt), plan.timezone),
          channelId: n.channelId,
          title: n.title,
          branchCount: n.branchCodes.length,
          minOverdueDays: n.minOverdueDays,
        }));
        await respond({ response_type: 'ephemeral', ...noticeListBlocks(locale, entries) });
        return;
      }
      case 'exempt':
      case 'unexempt':
        await say(await exemptCommand(ctx, person, locale, command.user_id, request));
        return;
      case 'export':
        await say(await exportCommand(ctx, client, command.user_id, locale, request.year));
        return;
    }
  });

  router.action<BlockAction<ButtonAction>>(
    ESCALATION_DRAFT_NOTICE_ACTION,
    async ({ ack, body, action, client, respond }) => {
      await ack();
      const value = EscalationValueSchema.safeParse(safeJson(action.value));
      const gate = await leaderGate(
        ctx,
        client,
        body.user.id,
        'action.escalation_draft_notice',
        leaderAccess.act,
        'leaders.forbidden.leaders_only',
      );
      const say = async (text: string) => {
        if (body.response_url) await respond({ response_type: 'ephemeral', replace_original: false, text });
        else await client.chat.postMessage({ channel: body.user.id, text });
      };
      if (!gate.ok) return void (await say(gate.text));
      const days = value.success ? value.data.minOverdueDays : NOTICE_DAYS_DEFAULT;
      await openNoticeModal(ctx, client, body.trigger_id, gate.locale, days, null, say);
    },
  );

  router.action<BlockAction<ButtonAction>>(NOTICE_REDRAFT_ACTION, async ({ ack, body, client }) => {
    await ack();
    const view = body.view;
    const gate = await leaderGate(
      ctx,
      client,
      body.user.id,
      'action.notice_redraft',
      leaderAccess.act,
      'leaders.forbidden.leaders_only',
    );
    const meta = NoticeMetadataSchema.safeParse(safeJson(view?.private_metadata));
    const state = ViewStateSchema.safeParse(view?.state.values ?? {});
    if (!gate.ok || !view || !meta.success || !state.success) {
      if (gate.ok)
        await recordRefusal(ctx, { actor: body.user.id, action: 'action.notice_redraft', reason: 'malformed payload' });
      return;
    }
    const plan = await currentPlan(ctx);
    if (!plan || plan.id !== meta.data.planId) return;
    const days = NoticeDaysSchema.safeParse(fieldOf(state.data, NOTICE_BLOCKS.days)?.value);
    const channel = ChannelSchema.safeParse(fieldOf(state.data, NOTICE_BLOCKS.channel)?.selected_conversation);
    const next = await noticeView(ctx, plan, gate.locale, {
      days: days.success ? days.data : NOTICE_DAYS_DEFAULT,
      rev: meta.data.rev + 1,
      channelId: channel.success ? channel.data : null,
    });
    try {
      await client.views.update({ view_id: view.id, hash: view.hash, view: next });
    } catch (err) {
      // hash_conflict: the modal changed meanwhile (another redraft); the leader can press again.
      ctx.logger.warn({ err, view: view.id }, 'could not redraft the notice');
    }
  });

  router.view(NOTICE_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const gate = await leaderGate(
      ctx,
      client,
      userId,
      'view.notice_submit',
      leaderAccess.act,
      'leaders.forbidden.leaders_only',
    );
    const meta = NoticeMetadataSchema.safeParse(safeJson(view.private_metadata));
    const state = ViewStateSchema.safeParse(view.state.values);
    if (!gate.ok) {
      await ack({ response_action: 'errors', errors: { [NOTICE_BLOCKS.channel]: gate.text } });
      return;
    }
    const { person, locale } = gate;
    if (!meta.success || !state.success) {
      await recordRefusal(ctx, {
        actor: userId,
        action: 'view.notice_submit',
        reason: 'malformed payload',
        details: { metadata: view.private_metadata.slice(0, 200) },
      });
      await ack({ response_action: 'errors', errors: { [NOTICE_BLOCKS.channel]: t(locale, 'common.forbidden') } });
      return;
    }
    if (await findNoticeBySubmission(ctx.db, view.id)) {
      await ack();
      return;
    }
    const bodyBlock = `${NOTICE_BLOCKS.bodyPrefix}${meta.data.rev}`;
    const days = NoticeDaysSchema.safeParse(fieldOf(state.data, NOTICE_BLOCKS.days)?.value);
    const channel = ChannelSchema.safeParse(fieldOf(state.data, NOTICE_BLOCKS.channel)?.selected_conversation);
    const title = TitleSchema.safeParse(fieldOf(state.data, NOTICE_BLOCKS.title)?.value);
    const text = BodySchema.safeParse(fieldOf(state.data, bodyBlock)?.value);
    const errors: Record<string, string> = {};
    if (!days.success) errors[NOTICE_BLOCKS.days] = t(locale, 'leaders.notice.error.days');
    if (!channel.success) errors[NOTICE_BLOCKS.channel] = t(locale, 'leaders.notice.error.channel');
    if (!title.success)
      errors[NOTICE_BLOCKS.title] = t(locale, 'leaders.notice.error.title', { max: NOTICE_TITLE_MAX });
    if (!text.success) errors[bodyBlock] = t(locale, 'leaders.notice.error.body', { max: NOTICE_BODY_MAX });
    if (!days.success || !channel.success || !title.success || !text.success) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    const plan = await currentPlan(ctx);
    if (!plan || plan.id !== meta.data.planId) {
      await ack({ response_action: 'errors', errors: { [NOTICE_BLOCKS.channel]: t(locale, 'common.no_plan') } });
      return;
    }
    const now = ctx.clock.now();
    const data = await loadRankingData(ctx.db, plan);
    const named = overdueBranches({ ...data, today: localDateOf(now, plan.timezone) }, days.data).map(
      (o) => o.branch.code,
    );
    let ts: string | null;
    try {
      const posted = await client.chat.postMessage({ channel: channel.data, ...noticeMessage(title.data, text.data) });
      ts = posted.ts ?? null;
    } catch (err) {
      ctx.logger.warn({ err, channel: channel.data }, 'could not publish the notice');
      await ack({
        response_action: 'errors',
        errors: { [NOTICE_BLOCKS.channel]: t(locale, 'leaders.notice.error.post', { error: slackError(err) }) },
      });
      return;
    }
    await recordNotice(
      ctx.db,
      {
        planId: plan.id,
        title: title.data,
        body: text.data,
        minOverdueDays: days.data,
        branchCodes: named,
        channelId: channel.data,
        messageTs: ts,
        publishedBy: person.id,
        submissionKey: view.id,
      },
      { actor: userId, now },
    );
    await ack();
  });
}
