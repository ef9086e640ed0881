import type { WebClient } from '@slack/web-api';
import { findPersonBySlackId } from '../../db/queries/people.js';
import type { AppContext } from '../context.js';
import type { Person } from '../domain/types.js';
import { t, type Locale } from '../i18n/index.js';
import { recordRefusal } from './access.js';
import { localeFor } from './locale.js';

export type Gate = { ok: true; person: Person; locale: Locale } | { ok: false; locale: Locale; text: string };

/**
 * Who is asking, in which language, and whether they may: people not in the roster are told whom
 * to ask; people without the role are refused with a clear message, and the attempt is logged.
 */
export async function leaderGate(
  ctx: AppContext,
  client: WebClient,
  slackUserId: string,
  action: string,
  allowed: (p: Person) => boolean,
  refusal: 'leaders.forbidden.rankings' | 'leaders.forbidden.leaders_only',
  details?: Record<string, unknown>,
): Promise<Gate> {
  const person = await findPersonBySlackId(ctx.db, slackUserId);
  const locale = await localeFor(ctx, client, slackUserId, person);
  if (!person) {
    await recordRefusal(ctx, { actor: slackUserId, action, reason: 'not in the roster', details });
    return { ok: false, locale, text: t(locale, 'common.not_in_roster') };
  }
  if (!allowed(person)) {
    await recordRefusal(ctx, {
      actor: slackUserId,
      action,
      reason: `role ${person.roles.join(',') || 'none'} may not`,
      details,
    });
    return { ok: false, locale, text: t(locale, refusal) };
  }
  return { ok: true, person, locale };
}
