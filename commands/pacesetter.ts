import type { BlockAction, ButtonAction } from '@slack/bolt';
import { ErrorCode, type WebClient } from '@slack/web-api';
import { z } from 'zod';
import { audit } from '../db/queries/audit.js';
import { grantExemption, revokeExemption } from '../db/queries/exemptions.js';
import { loadExportData } from '../db/queries/export.js';
import {
  claimNotice,
  listNotices,
  NOTICE_CLAIM_TTL_MS,
  publishNotice,
  releaseNotice,
  type ClaimOutcome,
  type Notice,
} from '../db/queries/notices.js';
import { listBranches } from '../db/queries/people.js';
import { findPlanByYear, planObligations, type PlanToday } from '../db/queries/plans.js';
import { loadRankingData } from '../db/queries/rankings.js';
import type { AppContext } from '../src/context.js';
import { escape, messageModal } from '../src/ui/limits.js';
import { localDateTime } from '../src/ui/time.js';
import { exportTables, toXlsx, workbookFilename } from '../src/files/workbook.js';
import type { NoticeSource } from '../src/domain/leader-requests.js';
import {
  assessmentNames,
  EscalationValueSchema,
  NOTICE_DAYS_DEFAULT,
  NOTICE_DAYS_MIN,
  NoticeDaysSchema,
  overdueBranches,
} from '../src/domain/notice.js';
import { loadAssessment } from '../db/queries/assessment.js';
import { parsePacesetterText, type PacesetterRequest } from '../src/domain/leader-requests.js';
import { findBranch, leaderAccess } from '../src/domain/ranking.js';
import { fieldOf, ViewStateSchema, type FieldErrors } from '../src/domain/report-form.js';
import { localDateOf } from '../src/domain/time.js';
import { appliesToBranch, type Person } from '../src/domain/types.js';
import { pick, t, type Locale } from '../src/i18n/index.js';
import {
  buttonReply,
  callerOf,
  ephemeral,
  errorUnder,
  formErrors,
  noAnswer,
  parseJson,
  shownIn,
  type Caller,
} from '../src/slack/caller.js';
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
  draftAssessmentNotice,
  noticeListBlocks,
  noticeMessage,
  noticeModal,
} from '../src/ui/notice.js';

/** What the notice modal carries between opening, redrafting and publishing; checked on every use. */
const NoticeMetadataSchema = z.object({
  planId: z.number().int().positive(),
  rev: z.number().int().min(0).max(10_000),
  source: z.enum(['overdue', 'assessment']).default('overdue'),
});
const TitleSchema = z.string().trim().min(1).max(NOTICE_TITLE_MAX);
const BodySchema = z.string().trim().min(1).max(NOTICE_BODY_MAX);
const ChannelSchema = z.string().regex(/^[CGD][A-Z0-9]{2,30}$/);

function slackError(err: unknown): string {
  const e = err as { data?: { error?: string }; code?: string };
  return e.data?.error ?? e.code ?? 'error';
}

/** How a claimed notice's post went: posted; refused by Slack (nothing posted); or no answer (it may have been). */
type PostResult = { outcome: 'posted' } | { outcome: 'refused'; error: string } | { outcome: 'unknown'; error: string };

/**
 * Posts a notice this request has claimed, then records its ts. Slack's refusal releases the claim
 * (nothing was posted, the leader may try again); with no answer the claim is kept until it
 * expires, since the post may have gone out.
 */
async function postClaimed(ctx: AppContext, client: WebClient, notice: Notice, actor: string): Promise<PostResult> {
  let ts: string | null;
  try {
    const posted = await client.chat.postMessage({
      channel: notice.channelId,
      ...noticeMessage(notice.title, notice.body),
    });
    ts = posted.ts ?? null;
  } catch (err) {
    const error = slackError(err);
    const code = (err as { code?: string }).code;
    if (code !== ErrorCode.PlatformError && code !== ErrorCode.RateLimitedError) {
      ctx.logger.warn({ err, notice: notice.id }, 'no answer to the notice post: its claim is kept until it expires');
      return { outcome: 'unknown', error };
    }
    ctx.logger.warn({ err, channel: notice.channelId }, 'could not publish the notice');
    await releaseNotice(ctx.db, { id: notice.id, error }, { actor, now: ctx.clock.now() });
    return { outcome: 'refused', error };
  }
  const recorded = await publishNotice(ctx.db, { id: notice.id, messageTs: ts }, { actor, now: ctx.clock.now() });
  if (!recorded) ctx.logger.warn({ notice: notice.id, ts }, 'a notice was posted after its claim expired');
  return { outcome: 'posted' };
}

function publishedText(leader: Caller<Person>, notice: Notice, result: PostResult): string {
  if (result.outcome === 'posted')
    return leader.t('leaders.notice.published', { channel: notice.channelId, title: escape(notice.title) });
  if (result.outcome === 'refused') return leader.t('leaders.notice.error.post', { error: result.error });
  return leader.t('leaders.notice.fate_unknown', {
    channel: notice.channelId,
    error: result.error,
    minutes: NOTICE_CLAIM_TTL_MS / 60_000,
  });
}

/** What a second press of Publish is told: the notice is posted, or being posted by the first. */
function claimedText(
  leader: Caller<Person>,
  timezone: string,
  claim: Exclude<ClaimOutcome, { outcome: 'claimed' }>,
): string {
  const n = claim.notice;
  if (claim.outcome === 'published')
    return leader.t('leaders.notice.already_published', {
      channel: n.channelId,
      date: localDateOf(new Date(n.publishedAt), timezone),
    });
  return leader.t('leaders.notice.being_published', {
    channel: n.channelId,
    time: localDateTime(n.claimedAt ?? n.publishedAt, timezone),
    minutes: NOTICE_CLAIM_TTL_MS / 60_000,
  });
}

/** The notice modal turned into a message. */
function noticeNote(leader: Caller<Person>, text: string) {
  return messageModal(leader.t('leaders.notice.modal.title'), text, leader.t('leaders.notice.modal.done'));
}

/**
 * What a notice names and its draft, as of now: the branches overdue by at least `days` days, or
 * the year-end assessment's advanced and lagging. A notice is published to everyone: it is drafted
 * in the workspace's language, whatever the leader reads.
 */
async function noticeDraftOf(ctx: AppContext, { plan, today }: PlanToday, source: NoticeSource, days: number) {
  const draftLocale = ctx.config.defaultLocale;
  if (source === 'assessment') {
    const { assessment } = await loadAssessment(ctx.db, plan, today);
    const names = assessmentNames(assessment.rows);
    return {
      named: names.flatMap((n) => [...n.advanced, ...n.lagging].map((b) => b.code)),
      draft: draftAssessmentNotice(draftLocale, {
        year: plan.year,
        today,
        provisional: assessment.provisional,
        finalOn: assessment.finalOn,
        names,
      }),
    };
  }
  const data = await loadRankingData(ctx.db, plan);
  const overdue = overdueBranches({ ...data, today }, days);
  return { named: overdue.map((o) => o.branch.code), draft: draftNotice(draftLocale, overdue, today, days) };
}

/** The notice modal, drafted as of now. */
async function noticeView(
  ctx: AppContext,
  found: PlanToday,
  locale: Locale,
  opts: { days: number; rev: number; channelId: string | null; source: NoticeSource },
) {
  const { named, draft } = await noticeDraftOf(ctx, found, opts.source, opts.days);
  return noticeModal({
    locale,
    days: opts.days,
    count: named.length,
    draft,
    rev: opts.rev,
    channelId: opts.channelId,
    source: opts.source,
    privateMetadata: JSON.stringify({ planId: found.plan.id, rev: opts.rev, source: opts.source }),
  });
}

async function openNoticeModal(
  ctx: AppContext,
  client: WebClient,
  leader: Caller<Person>,
  opts: { triggerId: string; days: number; channelId: string | null; source?: NoticeSource },
) {
  const opener = modalOpener(client, opts.triggerId);
  const found = await leader.today();
  if (!found) {
    const tell = shownIn(opener, 'leaders.notice.modal.close', (text) => leader.say(text));
    return void (await tell(leader.t('common.no_plan'), leader.locale));
  }
  await opener.show(
    await noticeView(ctx, found, leader.locale, {
      days: opts.days,
      rev: 0,
      channelId: opts.channelId,
      source: opts.source ?? 'overdue',
    }),
  );
}

function helpFor(person: Person, locale: Locale): string {
  if (leaderAccess.act(person)) return t(locale, 'leaders.help.leader');
  if (leaderAccess.viewRankings(person)) return t(locale, 'leaders.help.admin');
  return t(locale, 'leaders.help.other');
}

async function exemptCommand(
  ctx: AppContext,
  leader: Caller<Person>,
  request: Extract<PacesetterRequest, { kind: 'exempt' | 'unexempt' }>,
): Promise<string | null> {
  const { person, locale } = leader;
  const found = await leader.today();
  if (!found) return t(locale, 'common.no_plan');
  const { plan } = found;
  const [branches, obligations] = await Promise.all([listBranches(ctx.db), planObligations(ctx.db, plan)]);
  const branch = findBranch(branches, request.branch);
  if (!branch) return t(locale, 'leaders.unknown_branch', { text: escape(request.branch.slice(0, 60)) });
  const obligation = obligations.find((o) => o.code === request.obligation);
  if (!obligation) return t(locale, 'leaders.unknown_obligation', { code: request.obligation, year: plan.year });
  const params = { branch: escape(branch.name), code: obligation.code, title: escape(pick(obligation.title, locale)) };
  const meta = { actor: leader.slackUserId, now: ctx.clock.now() };
  if (request.kind === 'unexempt') {
    const result = await revokeExemption(
      ctx.db,
      { obligationId: obligation.id, branchId: branch.id, reason: request.reason },
      meta,
    );
    return t(locale, result === 'revoked' ? 'leaders.unexempt.done' : 'leaders.unexempt.not_exempt', params);
  }
  if (!appliesToBranch(obligation, branch)) return t(locale, 'leaders.exempt.not_applicable', params);
  if (person.secretaryOf.includes(branch.id)) {
    await leader.refuse(
      'exempting a branch they are secretary of',
      t(locale, 'leaders.exempt.self', { branch: escape(branch.name) }),
      {
        branchId: branch.id,
        obligationId: obligation.id,
      },
    );
    return null;
  }
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
  leader: Caller<Person>,
  year: number | null,
): Promise<string> {
  const { locale, slackUserId: userId } = leader;
  const plan = year === null ? ((await leader.today())?.plan ?? null) : await findPlanByYear(ctx.db, year);
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
    const request = parsePacesetterText(command.text);
    const caller = await callerOf(ctx, client, command.user_id, {
      action: `command./pacesetter ${request.kind === 'invalid' ? request.usage : request.kind}`,
      answer: ephemeral(respond),
      details: { text: (command.text ?? '').slice(0, 100) },
    });
    // Help is for everyone: it says what the caller's roles allow.
    if (request.kind === 'help' || (request.kind === 'invalid' && request.usage === 'help'))
      return caller.say(caller.person ? helpFor(caller.person, caller.locale) : caller.t('common.not_in_roster'));
    const leader = await caller.require({ may: leaderAccess.act, refusal: 'leaders.forbidden.leaders_only' });
    if (!leader) return;
    switch (request.kind) {
      case 'invalid':
        return leader.say(
          leader.t(
            request.usage === 'export'
              ? 'leaders.export.usage'
              : request.usage === 'exempt'
                ? 'leaders.exempt.usage'
                : 'leaders.unexempt.usage',
          ),
        );
      case 'notice':
        return openNoticeModal(ctx, client, leader, {
          triggerId: command.trigger_id,
          days: NOTICE_DAYS_DEFAULT,
          channelId: command.channel_id.startsWith('D') ? null : command.channel_id,
          source: request.source,
        });
      case 'notices': {
        const found = await leader.today();
        if (!found) return leader.say(leader.t('common.no_plan'));
        const { plan } = found;
        const notices = await listNotices(ctx.db, plan.id, 15);
        const entries = notices.map((n) => ({
          publishedAt: localDateOf(new Date(n.publishedAt), plan.timezone),
          channelId: n.channelId,
          title: n.title,
          branchCount: n.branchCodes.length,
          minOverdueDays: n.minOverdueDays,
        }));
        await respond({ response_type: 'ephemeral', ...noticeListBlocks(leader.locale, entries) });
        return;
      }
      case 'exempt':
      case 'unexempt': {
        // null: refused, and the refusal already answered.
        const said = await exemptCommand(ctx, leader, request);
        return said === null ? undefined : leader.say(said);
      }
      case 'export':
        return leader.say(await exportCommand(ctx, client, leader, request.year));
    }
  });

  router.action<BlockAction<ButtonAction>>(
    ESCALATION_DRAFT_NOTICE_ACTION,
    async ({ ack, body, action, client, respond }) => {
      await ack();
      const value = EscalationValueSchema.safeParse(parseJson(action.value));
      const caller = await callerOf(ctx, client, body.user.id, {
        action: 'action.escalation_draft_notice',
        answer: buttonReply(client, body, respond),
      });
      const leader = await caller.require({ may: leaderAccess.act, refusal: 'leaders.forbidden.leaders_only' });
      if (!leader) return;
      const days = value.success ? value.data.minOverdueDays : NOTICE_DAYS_DEFAULT;
      await openNoticeModal(ctx, client, leader, { triggerId: body.trigger_id, days, channelId: null });
    },
  );

  router.action<BlockAction<ButtonAction>>(NOTICE_REDRAFT_ACTION, async ({ ack, body, client }) => {
    await ack();
    const view = body.view;
    // A button inside the modal: the modal itself is the only answer.
    const caller = await callerOf(ctx, client, body.user.id, { action: 'action.notice_redraft', answer: noAnswer });
    const leader = await caller.require({ may: leaderAccess.act, refusal: 'leaders.forbidden.leaders_only' });
    if (!leader) return;
    const meta = NoticeMetadataSchema.safeParse(parseJson(view?.private_metadata));
    const state = ViewStateSchema.safeParse(view?.state.values ?? {});
    if (!view || !meta.success || !state.success)
      return leader.refuse('malformed payload', leader.t('common.forbidden'));
    const found = await leader.today();
    if (!found || found.plan.id !== meta.data.planId) return;
    const days = NoticeDaysSchema.safeParse(fieldOf(state.data, NOTICE_BLOCKS.days)?.value);
    const channel = ChannelSchema.safeParse(fieldOf(state.data, NOTICE_BLOCKS.channel)?.selected_conversation);
    const next = await noticeView(ctx, found, leader.locale, {
      days: days.success ? days.data : NOTICE_DAYS_DEFAULT,
      rev: meta.data.rev + 1,
      channelId: channel.success ? channel.data : null,
      source: meta.data.source,
    });
    try {
      await client.views.update({ view_id: view.id, hash: view.hash, view: next });
    } catch (err) {
      // hash_conflict: the modal changed meanwhile (another redraft); the leader can press again.
      ctx.logger.warn({ err, view: view.id }, 'could not redraft the notice');
    }
  });

  router.view(NOTICE_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const meta = NoticeMetadataSchema.safeParse(parseJson(view.private_metadata));
    const state = ViewStateSchema.safeParse(view.state.values);
    const caller = await callerOf(ctx, client, body.user.id, {
      action: 'view.notice_submit',
      answer: errorUnder(ack, NOTICE_BLOCKS.channel),
    });
    const leader = await caller.require({ may: leaderAccess.act, refusal: 'leaders.forbidden.leaders_only' });
    if (!leader) return;
    const { person, locale, slackUserId } = leader;
    if (!meta.success || !state.success)
      return leader.refuse('malformed payload', leader.t('common.forbidden'), {
        metadata: view.private_metadata.slice(0, 200),
      });
    const bodyBlock = `${NOTICE_BLOCKS.bodyPrefix}${meta.data.rev}`;
    const { source } = meta.data;
    // A notice on the assessment has no days field: it names the advanced and the lagging, none overdue.
    const days = NoticeDaysSchema.safeParse(
      source === 'assessment' ? NOTICE_DAYS_MIN : fieldOf(state.data, NOTICE_BLOCKS.days)?.value,
    );
    const channel = ChannelSchema.safeParse(fieldOf(state.data, NOTICE_BLOCKS.channel)?.selected_conversation);
    const title = TitleSchema.safeParse(fieldOf(state.data, NOTICE_BLOCKS.title)?.value);
    const text = BodySchema.safeParse(fieldOf(state.data, bodyBlock)?.value);
    const errors: FieldErrors = {};
    if (!days.success) errors[NOTICE_BLOCKS.days] = { key: 'leaders.notice.error.days' };
    if (!channel.success) errors[NOTICE_BLOCKS.channel] = { key: 'leaders.notice.error.channel' };
    if (!title.success)
      errors[NOTICE_BLOCKS.title] = { key: 'leaders.notice.error.title', params: { max: NOTICE_TITLE_MAX } };
    if (!text.success) errors[bodyBlock] = { key: 'leaders.notice.error.body', params: { max: NOTICE_BODY_MAX } };
    if (!days.success || !channel.success || !title.success || !text.success) return ack(formErrors(locale, errors));
    const found = await leader.today();
    if (!found || found.plan.id !== meta.data.planId) return leader.say(leader.t('common.no_plan'));
    const { plan } = found;
    const { named } = await noticeDraftOf(ctx, found, source, days.data);
    const claim = await claimNotice(
      ctx.db,
      {
        planId: plan.id,
        title: title.data,
        body: text.data,
        minOverdueDays: source === 'assessment' ? 0 : days.data,
        branchCodes: named,
        channelId: channel.data,
        publishedBy: person.id,
        submissionKey: view.id,
      },
      { actor: slackUserId, now: ctx.clock.now() },
    );
    // A second press, or Slack delivering the submission again: this notice is in hand already.
    if (claim.outcome !== 'claimed')
      return ack({ response_action: 'update', view: noticeNote(leader, claimedText(leader, plan.timezone, claim)) });
    // Slack waits 3 s for this answer and a post can take longer (a rate limit): the form gives way
    // to "publishing" now, and the same modal then says how the post went.
    await ack({
      response_action: 'update',
      view: noticeNote(leader, leader.t('leaders.notice.publishing_now', { channel: channel.data })),
    });
    const result = await postClaimed(ctx, client, claim.notice, slackUserId);
    const said = publishedText(leader, claim.notice, result);
    // Refused by Slack: nothing was posted and the claim is gone, so the form comes back with the
    // leader's text and the reason, to publish elsewhere from the same modal.
    const next =
      result.outcome === 'refused'
        ? noticeModal({
            locale,
            days: days.data,
            count: named.length,
            draft: { title: title.data, body: text.data },
            rev: meta.data.rev + 1,
            channelId: channel.data,
            source,
            privateMetadata: JSON.stringify({ planId: plan.id, rev: meta.data.rev + 1, source }),
            error: said,
          })
        : noticeNote(leader, said);
    try {
      await client.views.update({ view_id: view.id, view: next });
    } catch (err) {
      // The leader closed the modal meanwhile: they are told by DM.
      ctx.logger.warn({ err, view: view.id }, 'could not show the notice outcome in its modal');
      await client.chat.postMessage({ channel: slackUserId, text: said });
    }
  });
}
