import type { WebClient } from '@slack/web-api';
import { findPersonBySlackId } from '../../db/queries/people.js';
import type { AppContext } from '../context.js';
import { localeFor } from './locale.js';

/**
 * Publishes the person's App Home. Called after every change that concerns them; a failure to
 * refresh a Home tab must never fail the change that caused it, so errors are logged, not thrown.
 */
export async function publishHome(ctx: AppContext, client: WebClient, slackUserId: string): Promise<void> {
  try {
    const person = await findPersonBySlackId(ctx.db, slackUserId);
    const locale = await localeFor(ctx, client, slackUserId, person);
    const text = locale === 'zh-CN' ? '创先争优' : 'Pacesetter';
    await client.views.publish({
      user_id: slackUserId,
      view: { type: 'home', blocks: [{ type: 'header', text: { type: 'plain_text', text } }] },
    });
  } catch (err) {
    ctx.logger.warn({ err, user: slackUserId }, 'could not publish the App Home');
  }
}
