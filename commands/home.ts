import { z } from 'zod';
import type { AppContext } from '../src/context.js';
import { publishHome } from '../src/flows/home.js';
import { showReportModal } from '../src/flows/report-modal.js';
import { actionValue, buttonReply, callerOf, modalAnswer, parseJson, shownIn } from '../src/slack/caller.js';
import { modalOpener } from '../src/slack/modal-opener.js';
import type { Router } from '../src/slack/router.js';
import { HOME_ACTIONS } from '../src/ui/home.js';

/** The Report button's value on the Home tab: which task of which branch. */
const ReportButtonSchema = z.object({ o: z.number().int().positive(), b: z.number().int().positive() }).strict();

export function register(router: Router, ctx: AppContext): void {
  router.event('app_home_opened', async ({ event, client }) => {
    // The Messages tab opens this event too; only the Home tab has something to draw.
    if (event.tab !== 'home') return;
    await publishHome(ctx, client, event.user);
  });

  router.action(HOME_ACTIONS.report, async ({ ack, body, action, client, respond }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    // trigger_id lives 3 s: the opener puts a loading modal up if the lookups below are slow.
    const sink = modalOpener(client, body.trigger_id);
    const value = actionValue(action);
    const caller = await callerOf(ctx, client, body.user.id, {
      action: `action.${HOME_ACTIONS.report}`,
      // The Home has no response_url: refusals show in a modal.
      answer: shownIn(sink, 'report.modal.close', modalAnswer(client, body.trigger_id, 'report.modal.close')),
      details: { value: value.slice(0, 100) },
    });
    const button = ReportButtonSchema.safeParse(parseJson(value));
    const secretary = await caller.require({
      may: (p) => button.success && p.secretaryOf.includes(button.data.b),
      reason: button.success ? 'not the secretary of this branch' : 'malformed value',
    });
    if (!secretary || !button.success) return;
    await showReportModal(ctx, secretary, {
      branchId: button.data.b,
      obligationId: button.data.o,
      sink,
      note: buttonReply(client, body, respond),
    });
  });
}
