import type { KnownBlock, View } from '@slack/types';
import type { NoticeSource } from '../domain/leader-requests.js';
import type { AssessmentNames, OverdueBranch } from '../domain/notice.js';
import { NOTICE_DAYS_MAX, NOTICE_DAYS_MIN } from '../domain/notice.js';
import type { LocalDate } from '../domain/types.js';
import { t, type Locale, type MessageKey } from '../i18n/index.js';
import { LIMITS, clip, escape, modal, mrkdwn, plain } from './limits.js';
import { sectionsOf } from './rankings.js';

export const NOTICE_CALLBACK_ID = 'notice_submit';
export const NOTICE_REDRAFT_ACTION = 'notice_redraft';
export const ESCALATION_DRAFT_NOTICE_ACTION = 'escalation_draft_notice';
export const NOTICE_BLOCKS = {
  days: 'days',
  redraft: 'redraft',
  channel: 'channel',
  title: 'title',
  bodyPrefix: 'body-',
} as const;
export const NOTICE_VALUE_ACTION = 'value';
/** plain_text_input holds at most 3000 characters. */
export const NOTICE_BODY_MAX = 3000;
export const NOTICE_TITLE_MAX = 150;
/** Tasks named per branch in the draft; the rest are counted. */
const TASKS_PER_LINE = 4;

export interface NoticeDraft {
  title: string;
  body: string;
}

/** The draft in the workspace language: the branches with overdue tasks, cut to fit the text field. */
export function draftNotice(
  locale: Locale,
  overdue: readonly OverdueBranch[],
  today: LocalDate,
  days: number,
): NoticeDraft {
  const title = t(locale, 'leaders.notice.draft.title');
  const closing = `\n\n${t(locale, 'leaders.notice.draft.closing')}\n${today}`;
  if (overdue.length === 0)
    return { title, body: `${t(locale, 'leaders.notice.draft.none', { today, days })}${closing}` };
  const intro = t(locale, 'leaders.notice.draft.intro', { today, count: overdue.length, days });
  const lines = overdue.map((o) => {
    const named = o.tasks
      .slice(0, TASKS_PER_LINE)
      .map((task) => t(locale, 'leaders.notice.draft.task', { code: task.code, days: task.daysOverdue }));
    const rest = o.tasks.length > TASKS_PER_LINE ? ` +${o.tasks.length - TASKS_PER_LINE}` : '';
    return t(locale, 'leaders.notice.draft.line', {
      name: o.branch.name,
      code: o.branch.code,
      tasks: named.join(locale === 'zh-CN' ? '、' : ', ') + rest,
    });
  });
  let body = intro;
  let shown = 0;
  for (const line of lines) {
    const more = t(locale, 'leaders.notice.draft.more', { count: lines.length - shown - 1 });
    if (body.length + 1 + line.length + 1 + more.length + closing.length > NOTICE_BODY_MAX) break;
    body += `\n${line}`;
    shown++;
  }
  if (shown < lines.length) body += `\n${t(locale, 'leaders.notice.draft.more', { count: lines.length - shown })}`;
  return { title, body: body + closing };
}

/**
 * The draft of a notice on the year-end assessment, in the workspace language: by category, the
 * advanced commended and the lagging named, then the office's closing; provisional said so.
 */
export function draftAssessmentNotice(
  locale: Locale,
  v: { year: number; today: LocalDate; provisional: boolean; finalOn: LocalDate; names: readonly AssessmentNames[] },
): NoticeDraft {
  const title = t(locale, 'assess.notice.title', { year: v.year });
  const sep = locale === 'zh-CN' ? '、' : ', ';
  const category = (c: string) => t(locale, `common.category.${c}` as MessageKey);
  const lines: string[] = [];
  for (const n of v.names) {
    if (n.advanced.length > 0)
      lines.push(
        t(locale, 'assess.notice.advanced', {
          category: category(n.category),
          names: n.advanced.map((b) => b.name).join(sep),
        }),
      );
    if (n.lagging.length > 0)
      lines.push(
        t(locale, 'assess.notice.lagging', {
          category: category(n.category),
          names: n.lagging.map((b) => b.name).join(sep),
        }),
      );
  }
  const head = [
    t(locale, 'assess.notice.intro', { year: v.year, date: v.today }),
    ...(v.provisional ? [t(locale, 'assess.notice.provisional', { date: v.finalOn })] : []),
  ].join('\n');
  const closing = `\n\n${t(locale, 'assess.notice.closing')}\n${v.today}`;
  if (lines.length === 0) return { title, body: `${head}\n${t(locale, 'assess.notice.none')}${closing}` };
  let body = head;
  for (const line of lines) {
    // A category's line longer than what is left is cut: the leader edits the draft before publishing anyway.
    const room = NOTICE_BODY_MAX - body.length - 1 - closing.length;
    if (room <= 1) break;
    body += `\n${clip(line, room)}`;
  }
  return { title, body: body + closing };
}

export interface NoticeModalInput {
  locale: Locale;
  days: number;
  count: number;
  draft: NoticeDraft;
  /** Bumped on every redraft: a new block id is the only way to make Slack show a new initial value. */
  rev: number;
  channelId: string | null;
  privateMetadata: string;
  /** Why the last attempt to publish failed; the form comes back with the leader's text. */
  error?: string;
  /** Drafted from the assessment: no overdue-days field, and the hint says what the draft holds. */
  source?: NoticeSource;
}

export function noticeModal(v: NoticeModalInput): View {
  const { locale } = v;
  // The hint names the button by its own label, so the two cannot drift apart.
  const fromAssessment = v.source === 'assessment';
  const redraft = t(locale, fromAssessment ? 'assess.notice.redraft' : 'leaders.notice.redraft');
  const blocks: KnownBlock[] = [
    ...(fromAssessment
      ? []
      : [
          {
            type: 'input' as const,
            block_id: NOTICE_BLOCKS.days,
            label: plain(t(locale, 'leaders.notice.field.days'), 2000),
            element: {
              type: 'number_input' as const,
              action_id: NOTICE_VALUE_ACTION,
              is_decimal_allowed: false,
              min_value: String(NOTICE_DAYS_MIN),
              max_value: String(NOTICE_DAYS_MAX),
              initial_value: String(v.days),
            },
          },
        ]),
    {
      type: 'actions',
      block_id: NOTICE_BLOCKS.redraft,
      elements: [
        {
          type: 'button',
          action_id: NOTICE_REDRAFT_ACTION,
          text: plain(redraft, LIMITS.buttonText),
          value: 'redraft',
        },
      ],
    },
    {
      type: 'context',
      elements: [
        mrkdwn(
          fromAssessment
            ? t(locale, 'assess.notice.hint', { count: v.count, button: redraft })
            : t(locale, 'leaders.notice.hint', { count: v.count, days: v.days, button: redraft }),
        ),
      ],
    },
    ...(v.error ? [{ type: 'section' as const, text: mrkdwn(v.error) }] : []),
    {
      type: 'input',
      block_id: NOTICE_BLOCKS.channel,
      label: plain(t(locale, 'leaders.notice.field.channel'), 2000),
      element: {
        type: 'conversations_select',
        action_id: NOTICE_VALUE_ACTION,
        filter: { include: ['public', 'private'], exclude_bot_users: true },
        ...(v.channelId ? { initial_conversation: v.channelId } : {}),
      },
    },
    {
      type: 'input',
      block_id: NOTICE_BLOCKS.title,
      label: plain(t(locale, 'leaders.notice.field.title'), 2000),
      element: {
        type: 'plain_text_input',
        action_id: NOTICE_VALUE_ACTION,
        max_length: NOTICE_TITLE_MAX,
        initial_value: clip(v.draft.title, NOTICE_TITLE_MAX),
      },
    },
    {
      type: 'input',
      block_id: `${NOTICE_BLOCKS.bodyPrefix}${v.rev}`,
      label: plain(t(locale, 'leaders.notice.field.body'), 2000),
      element: {
        type: 'plain_text_input',
        action_id: NOTICE_VALUE_ACTION,
        multiline: true,
        max_length: NOTICE_BODY_MAX,
        initial_value: clip(v.draft.body, NOTICE_BODY_MAX),
      },
    },
  ];
  return modal({
    callbackId: NOTICE_CALLBACK_ID,
    privateMetadata: v.privateMetadata,
    title: t(locale, 'leaders.notice.modal.title'),
    submit: t(locale, 'leaders.notice.modal.submit'),
    close: t(locale, 'leaders.notice.modal.close'),
    blocks,
  });
}

/**
 * The published notice: the title as a header, the leader's text as written. Its *bold*, _italic_
 * and lists show as formatting; `<!channel>`, mentions and `<url|label>` links show as text, in the
 * blocks and in the notification text alike: a notice never pings a channel.
 */
export function noticeMessage(title: string, body: string): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(title, LIMITS.headerText) },
    ...sectionsOf(escape(body).split('\n')),
  ];
  return { text: `${escape(title)}\n${escape(body)}`, blocks };
}

export interface NoticeListEntry {
  publishedAt: LocalDate;
  channelId: string;
  title: string;
  branchCount: number;
  minOverdueDays: number;
}

export function noticeListBlocks(
  locale: Locale,
  notices: readonly NoticeListEntry[],
): { text: string; blocks: KnownBlock[] } {
  if (notices.length === 0) {
    const text = t(locale, 'leaders.notices.none');
    return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
  }
  const lines = notices.map((n) =>
    t(locale, 'leaders.notices.line', {
      date: n.publishedAt,
      // Inside the template's <#…>: an id that is not one cannot close it early.
      channel: escape(n.channelId),
      title: escape(clip(n.title, 80)),
      count: n.branchCount,
      days: n.minOverdueDays,
    }),
  );
  const title = t(locale, 'leaders.notices.title');
  return { text: title, blocks: [{ type: 'header', text: plain(title, LIMITS.headerText) }, ...sectionsOf(lines)] };
}
