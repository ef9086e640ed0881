import type { KnownBlock } from '@slack/types';
import type { EscalationItem } from '../domain/escalations.js';
import { pick, t, type Locale } from '../i18n/index.js';
import { LIMITS, clip, escape, mrkdwn, plain } from './limits.js';
import type { RenderedMessage } from './reminder.js';

export const ESCALATION_DRAFT_NOTICE = 'escalation_draft_notice';

// Header, intro, the button and the "continued" line leave room for 40 branch sections a message.
const BRANCHES_PER_MESSAGE = 40;

/**
 * The leaders' escalation, grouped by branch (name and code), with a button to draft a notice
 * (通报) naming branches overdue at least as long as the least overdue item here. 300 branches
 * become several messages rather than one Slack would refuse.
 */
export function escalationMessages(locale: Locale, items: EscalationItem[]): RenderedMessage[] {
  if (items.length === 0) return [];
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const k = item.branchCode ?? '';
    const list = groups.get(k);
    if (list) list.push(i);
    else groups.set(k, [i]);
  });
  const minOverdue = Math.min(...items.map((i) => i.overdueDays));
  const threshold = items[0]!.afterDays;
  const entries = [...groups.entries()];
  const messages: RenderedMessage[] = [];
  for (let start = 0; start < entries.length; start += BRANCHES_PER_MESSAGE) {
    const chunk = entries.slice(start, start + BRANCHES_PER_MESSAGE);
    const blocks: KnownBlock[] = [
      { type: 'header', text: plain(t(locale, 'jobs.escalation.header', { days: threshold }), LIMITS.headerText) },
      {
        type: 'section',
        text: mrkdwn(t(locale, 'jobs.escalation.intro', { branches: entries.length, days: threshold })),
      },
    ];
    const indexes: number[] = [];
    for (const [code, idx] of chunk) {
      const first = items[idx[0]!]!;
      const title =
        code === ''
          ? t(locale, 'jobs.escalation.no_branch')
          : t(locale, 'jobs.escalation.branch', { name: escape(first.branchName ?? ''), code });
      const lines = idx.map((i) => {
        const it = items[i]!;
        const params = {
          code: it.code,
          title: escape(pick(it.title, locale)),
          days: it.overdueDays,
          due: it.due,
          person: escape(it.personName ?? ''),
        };
        return it.personName
          ? t(locale, 'jobs.escalation.paper_item', params)
          : t(locale, 'jobs.escalation.item', params);
      });
      blocks.push({ type: 'section', text: mrkdwn(clip(`${title}\n${lines.join('\n')}`, LIMITS.sectionText)) });
      indexes.push(...idx);
    }
    if (start + BRANCHES_PER_MESSAGE < entries.length)
      blocks.push({ type: 'context', elements: [mrkdwn(t(locale, 'jobs.escalation.more'))] });
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ESCALATION_DRAFT_NOTICE,
          text: plain(t(locale, 'jobs.escalation.draft_notice'), LIMITS.buttonText),
          value: JSON.stringify({ minOverdueDays: minOverdue }),
        },
      ],
    });
    messages.push({
      text: t(locale, 'jobs.escalation.text', { branches: entries.length, days: threshold }),
      blocks,
      indexes,
    });
  }
  return messages;
}
