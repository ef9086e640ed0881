import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { findPersonById, listLeaders } from '../../db/queries/people.js';
import type { AppContext } from '../context.js';
import type { Person } from '../domain/types.js';
import type { Locale } from '../i18n/index.js';
import { localeFor } from './locale.js';

export type Message = { text: string; blocks?: KnownBlock[] };

/**
 * Tells the leaders, quietly: one post in LEADERS_CHANNEL when it is configured (in the workspace
 * language), else one DM to each leader in their own language. A failed DM is logged and the
 * others still go: the change that caused the message is already stored.
 */
export async function notifyLeaders(
  ctx: AppContext,
  client: WebClient,
  build: (locale: Locale) => Message,
  opts: { exceptPersonId?: number } = {},
): Promise<void> {
  if (ctx.config.leadersChannel) {
    await post(ctx, client, ctx.config.leadersChannel, build(ctx.config.defaultLocale));
    return;
  }
  const leaders = (await listLeaders(ctx.db)).filter((l) => l.id !== opts.exceptPersonId);
  for (const leader of leaders) {
    const locale = await localeFor(ctx, client, leader.slackUserId, leader);
    await post(ctx, client, leader.slackUserId, build(locale));
  }
}

/** A DM to one person of the roster, in their language. */
export async function notifyPerson(
  ctx: AppContext,
  client: WebClient,
  person: Person | number,
  build: (locale: Locale) => Message,
): Promise<void> {
  const who = typeof person === 'number' ? await findPersonById(ctx.db, person) : person;
  if (!who) return;
  const locale = await localeFor(ctx, client, who.slackUserId, who);
  await post(ctx, client, who.slackUserId, build(locale));
}

async function post(ctx: AppContext, client: WebClient, channel: string, message: Message): Promise<void> {
  try {
    await client.chat.postMessage({
      channel,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
    });
  } catch (err) {
    ctx.logger.warn({ err, channel }, 'could not post a notification');
  }
}
