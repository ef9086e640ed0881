import type { KnownBlock } from '@slack/types';
import { t, type Locale } from '../i18n/index.js';
import { LIMITS, clip, escape, mention, mrkdwn, plain } from './limits.js';
import type { RenderedMessage } from './reminder.js';

/** An outbox row that will not be delivered (user gone, channel archived …). */
export interface DeadItem {
  key: string;
  job: string;
  recipient: string;
  error: string;
}

/** Tells an admin which messages could not be delivered: one message for the lot. */
export function deadReportMessages(locale: Locale, items: DeadItem[]): RenderedMessage[] {
  return undeliveredMessages(locale, items, 'dead');
}

/** Tells an admin which messages wait for a fix of theirs (the bot not in a channel, a scope): one message for the lot. */
export function blockedReportMessages(locale: Locale, items: DeadItem[]): RenderedMessage[] {
  return undeliveredMessages(locale, items, 'blocked');
}

function undeliveredMessages(locale: Locale, items: DeadItem[], state: 'dead' | 'blocked'): RenderedMessage[] {
  if (items.length === 0) return [];
  // A DM of eight reminders that failed is one line, not eight.
  const lines = [
    ...new Set(
      items.map((d) =>
        t(locale, `jobs.${state}.item`, {
          job: d.job,
          recipient: /^[UW]/.test(d.recipient) ? mention(d.recipient) : `<#${escape(d.recipient)}>`,
          error: escape(d.error),
        }),
      ),
    ),
  ];
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(t(locale, `jobs.${state}.header`), LIMITS.headerText) },
    { type: 'section', text: mrkdwn(clip(lines.join('\n'), LIMITS.sectionText)) },
    { type: 'context', elements: [mrkdwn(t(locale, `jobs.${state}.footer`))] },
  ];
  return [{ text: t(locale, `jobs.${state}.text`, { count: items.length }), blocks, indexes: items.map((_, i) => i) }];
}
