import type { KnownBlock } from '@slack/types';
import type { ReminderItem } from '../domain/reminders.js';
import { pick, t, type Locale } from '../i18n/index.js';
import { LIMITS, clip, escape, mrkdwn, plain } from './limits.js';
import { promptButtons } from './prompt-buttons.js';

/** A message built from outbox rows; `indexes` are the rows (by position) it delivers. */
export interface RenderedMessage {
  text: string;
  blocks: KnownBlock[];
  indexes: number[];
}

// Header, intro, footer and the "more" line leave 46 blocks: 23 items with their buttons.
const ITEMS_WITH_BUTTONS = Math.floor((LIMITS.messageBlocks - 4) / 2);

export function stageText(locale: Locale, item: Pick<ReminderItem, 'stage' | 'daysLeft' | 'due'>): string {
  if (item.stage.kind === 'before' && item.daysLeft > 0)
    return t(locale, 'jobs.reminder.stage.before', { days: item.daysLeft, due: item.due });
  if (item.daysLeft >= 0) return t(locale, 'jobs.reminder.stage.due', { due: item.due });
  return t(locale, 'jobs.reminder.stage.overdue', { days: -item.daysLeft, due: item.due });
}

function itemLine(locale: Locale, item: ReminderItem): string {
  const who =
    item.branchId === null
      ? t(locale, 'jobs.reminder.paper')
      : t(locale, 'jobs.reminder.branch', { name: escape(item.branchName ?? ''), code: item.branchCode ?? '' });
  return `*${item.code}* ${escape(pick(item.title, locale))}\n${who} · ${stageText(locale, item)}`;
}

/**
 * One DM listing every item of the run for one person, each with its prompt buttons. Past what
 * fits in Slack's 50 blocks, the rest are listed as text in one section (still delivered, once).
 */
export function reminderMessages(locale: Locale, items: ReminderItem[]): RenderedMessage[] {
  if (items.length === 0) return [];
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(t(locale, 'jobs.reminder.header', { count: items.length }), LIMITS.headerText) },
    { type: 'section', text: mrkdwn(t(locale, 'jobs.reminder.intro')) },
  ];
  const shown = items.slice(0, ITEMS_WITH_BUTTONS);
  for (const item of shown) {
    blocks.push({ type: 'section', text: mrkdwn(itemLine(locale, item)) });
    blocks.push(promptButtons(locale, { obligationId: item.obligationId, branchId: item.branchId }));
  }
  const rest = items.slice(shown.length);
  if (rest.length > 0) {
    const lines = rest.map((i) => `• ${i.code} ${i.branchCode ?? ''} ${stageText(locale, i)}`).join('\n');
    blocks.push({
      type: 'section',
      text: mrkdwn(clip(`${t(locale, 'jobs.reminder.more', { count: rest.length })}\n${lines}`, LIMITS.sectionText)),
    });
  }
  // The footer names the buttons by their own labels, so the two cannot drift apart.
  const footer = t(locale, 'jobs.reminder.footer', {
    report: t(locale, 'prompts.button.report_now'),
    snooze: t(locale, 'prompts.button.snooze'),
  });
  blocks.push({ type: 'context', elements: [mrkdwn(footer)] });
  const first = `${items[0]!.code} ${stageText(locale, items[0]!).replace(/\*/g, '')}`;
  return [
    {
      text: clip(t(locale, 'jobs.reminder.text', { count: items.length, first }), 3000),
      blocks,
      indexes: items.map((_, i) => i),
    },
  ];
}
