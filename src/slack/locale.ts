import type { WebClient } from '@slack/web-api';
import { setPersonLocale } from '../../db/queries/people.js';
import type { AppContext } from '../context.js';
import type { Person } from '../domain/types.js';
import { toLocale, type Locale } from '../i18n/index.js';

const RECHECK_MS = 7 * 24 * 3600 * 1000;

/**
 * The person's language: their Slack locale (users.info, cached on the roster row for a week),
 * else the workspace default from configuration.
 */
export async function localeFor(
  ctx: AppContext,
  client: WebClient,
  slackUserId: string,
  person: Person | null,
): Promise<Locale> {
  const fallback = ctx.config.defaultLocale;
  // Asked at most once a week per person, also when Slack had no locale to give.
  if (person && !localeIsStale(person.localeCheckedAt, ctx.clock.now())) return toLocale(person.locale, fallback);
  try {
    const info = await client.users.info({ user: slackUserId, include_locale: true });
    const slackLocale = info.user?.locale ?? null;
    if (person) await setPersonLocale(ctx.db, person.id, slackLocale, ctx.clock.now());
    return toLocale(slackLocale, fallback);
  } catch (err) {
    ctx.logger.warn({ err, user: slackUserId }, 'users.info failed; using the last known or default locale');
    return toLocale(person?.locale, fallback);
  }
}

/** True when the cached locale is old enough to ask Slack again (people change their language). */
export function localeIsStale(checkedAt: string | null, now: Date): boolean {
  return checkedAt === null || now.getTime() - new Date(checkedAt).getTime() > RECHECK_MS;
}
