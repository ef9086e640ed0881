import { loadScheduleData } from '../db/queries/schedule-data.js';
import { planEscalations, type EscalationItem, type EscalationRecipient } from '../src/domain/escalations.js';
import { localDateOf } from '../src/domain/time.js';
import { toLocale } from '../src/i18n/index.js';
import { messageKind } from '../src/delivery/outbox.js';
import { escalationMessages } from '../src/ui/escalation.js';
import { dryRunSummary, planContext, planTimezone, queueAndSend } from './common.js';
import type { Job, JobResult } from './types.js';

/** The items escalated to one recipient in a run go out together, grouped by branch. */
export const escalationMessage = messageKind<EscalationItem>('escalation', escalationMessages);

export const escalationsJob: Job = {
  name: 'escalations',
  messages: [escalationMessage],
  async schedule(ctx) {
    const { timezone } = await planTimezone(ctx);
    return { timezone, time: ctx.config.escalationTime };
  },
  async run(ctx, opts): Promise<JobResult> {
    const pc = await planContext(ctx, opts.now);
    if (!pc) return { summary: ['escalations: no plan imported; nothing to do'], completed: true };
    // The day it actually runs: a slot caught up on a day off sends nothing.
    const today = localDateOf(opts.now, pc.plan.timezone);
    const data = await loadScheduleData(ctx.db, pc.plan.id, today);
    const recipients: EscalationRecipient[] = ctx.config.leadersChannel
      ? [{ id: ctx.config.leadersChannel, locale: ctx.config.defaultLocale }]
      : data.people.filter((p) => p.isLeader).map((p) => ({ id: p.slackUserId, locale: p.locale }));
    const plan = planEscalations({
      data,
      calendar: pc.calendar,
      planStarts: pc.plan.starts,
      planEnds: pc.plan.ends,
      today,
      afterDays: ctx.config.escalateAfterDays,
      recipients,
    });
    if (plan.status === 'skipped')
      return {
        summary: [`escalations ${today}: skipped (${plan.reason.replace('_', ' ')})`],
        completed: plan.reason !== 'day_off',
      };
    const rows = plan.items.map((item) => ({
      job: 'escalations',
      key: item.key,
      recipient: item.recipient,
      payload: escalationMessage.payload(toLocale(item.locale, ctx.config.defaultLocale), item),
    }));
    const head = `escalations ${today}: ${plan.items.length} item(s) overdue by more than ${ctx.config.escalateAfterDays} day(s), to ${recipients.map((r) => r.id).join(', ')}`;
    if (opts.dryRun)
      return dryRunSummary(ctx, rows, head, (queued) =>
        plan.items.map(
          (i) =>
            `  ${i.recipient}: ${i.branchCode ?? '-'} ${i.personName ?? ''} ${i.code} overdue ${i.overdueDays} day(s)${queued(i.key) ? ' (already escalated)' : ''}`,
        ),
      );
    return queueAndSend(ctx, rows, head, { grouped: true });
  },
};
