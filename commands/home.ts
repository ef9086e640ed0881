import { z } from 'zod';
import { findPersonBySlackId } from '../db/queries/people.js';
import type { AppContext } from '../src/context.js';
import { t } from '../src/i18n/index.js';
import { recordRefusal } from '../src/slack/access.js';
import { publishHome } from '../src/slack/home.js';
import { localeFor } from '../src/slack/locale.js';
import type { Router } from '../src/slack/router.js';
import { HOME_ACTIONS } from '../src/ui/home.js';
import { messageModal } from '../src/ui/limits.js';
import { actionReply, openerSink, showReportModal } from './report.js';

/** The Report button's value on the Home tab: which task of which branch. */
const ReportButtonSchema = z.object({ o: z.number().int().positive(), b: z.number().int().positive() }).strict();

function safeJson(text: unknown): unknown {
  if (typeof text !== 'string') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function register(router: Router, ctx: AppContext): void {
  router.event('app_home_opened', async ({ event, client }) => {
    // The Messages tab opens this event too; only the Home tab has something to draw.
    if (event.tab !== 'home') return;
    await publishHome(ctx, client, event.user);
  });

  router.action(HOME_ACTIONS.report, async ({ ack, body, action, client, respond }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const userId = body.user.id;
    // trigger_id lives 3 s: the opener puts a loading modal up if the lookups below are slow.
    const sink = openerSink(client, body.trigger_id);
    const person = await findPersonBySlackId(ctx.db, userId);
    const locale = await localeFor(ctx, client, userId, person);
    const value = ReportButtonSchema.safeParse(safeJson('value' in action ? action.value : undefined));
    const refuse = async (text: string) => {
      if (!(await sink.abandon(messageModal('Pacesetter', text, t(locale, 'report.modal.close'))))) {
        await client.views.open({
          trigger_id: body.trigger_id,
          view: messageModal('Pacesetter', text, t(locale, 'report.modal.close')),
        });
      }
    };
    if (!person) {
      await refuse(t(locale, 'common.not_in_roster'));
      return;
    }
    if (!value.success || !person.secretaryOf.includes(value.data.b)) {
      await recordRefusal(ctx, {
        actor: userId,
        action: `action.${HOME_ACTIONS.report}`,
        reason: value.success ? 'not the secretary of this branch' : 'malformed value',
        details: { value: 'value' in action ? String(action.value).slice(0, 100) : null },
      });
      await refuse(t(locale, 'common.forbidden'));
      return;
    }
    await showReportModal(ctx, {
      person,
      locale,
      branchId: value.data.b,
      obligationId: value.data.o,
      sink,
      say: actionReply(client, body, respond),
    });
  });
}
