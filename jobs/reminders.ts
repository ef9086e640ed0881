import { enqueue, type NewOutboxRow } from '../db/queries/outbox.js';
import { loadScheduleData } from '../db/queries/schedule-data.js';
import { yearOf } from '../src/domain/calendar.js';
import { planReminders, type ReminderItem, type ScheduleData } from '../src/domain/reminders.js';
import { localDateOf } from '../src/domain/time.js';
import type { AppContext } from '../src/context.js';
import { t, toLocale } from '../src/i18n/index.js';
import { drainOutbox, messageKind, type MessagePayload } from '../src/delivery/outbox.js';
import { reminderMessages, stageText } from '../src/ui/reminder.js';
import { dryRunSummary, planContext, planTimezone, queueAndSend } from './common.js';
import type { Job, JobResult } from './types.js';

/** A person's reminders of one run go out as one DM (or as few as Slack's block limit allows). */
export const reminderMessage = messageKind<ReminderItem>('reminder', reminderMessages);

/**
 * When the official calendar has no data for the year, each admin is told once (the outbox key
 * holds the year), and the calendar falls back to Monday–Friday.
 */
export function calendarNoticeRows(ctx: AppContext, data: ScheduleData, year: number): NewOutboxRow[] {
  return data.people
    .filter((p) => p.isAdmin)
    .map((admin) => {
      const locale = toLocale(admin.locale, ctx.config.defaultLocale);
      return {
        job: 'admin',
        key: `calendar-missing:${year}:${admin.slackUserId}`,
        recipient: admin.slackUserId,
        payload: { kind: 'message', text: t(locale, 'jobs.calendar_missing', { year }) } satisfies MessagePayload,
      };
    });
}

export const remindersJob: Job = {
  name: 'reminders',
  messages: [reminderMessage],
  async schedule(ctx) {
    const { timezone, reminderTime } = await planTimezone(ctx);
    return { timezone, time: ctx.config.reminderTime ?? reminderTime };
  },
  async run(ctx, opts): Promise<JobResult> {
    const pc = await planContext(ctx, opts.now);
    if (!pc) return { summary: ['reminders: no plan imported; nothing to do'], completed: true };
    const tz = pc.plan.timezone;
    // Recomputed for the day it actually runs: a catch-up after downtime covers every stage since
    // the last completed run, and a slot caught up on a day off sends nothing.
    const today = localDateOf(opts.now, tz);
    const lastRunDate = opts.lastSlot ? localDateOf(opts.lastSlot, tz) : null;
    const data = await loadScheduleData(ctx.db, pc.plan.id, today);
    const rows: NewOutboxRow[] = [];
    if (!pc.calendar.hasOfficialData(yearOf(today))) rows.push(...calendarNoticeRows(ctx, data, yearOf(today)));

    const plan = planReminders({
      data,
      calendar: pc.calendar,
      stages: pc.stages,
      planStarts: pc.plan.starts,
      planEnds: pc.plan.ends,
      today,
      lastRunDate,
    });
    if (plan.status === 'skipped') {
      // Queued rows (an admin notice, a send that failed earlier) go out now, but never on a day off.
      if (!opts.dryRun && plan.reason !== 'day_off' && plan.reason !== 'outside_plan') {
        if (rows.length > 0) await enqueue(ctx.db, rows, ctx.clock.now());
        await drainOutbox(ctx);
      }
      // A day off does not count as a run: the next working day's window starts at the last real one.
      return {
        summary: [`reminders ${today}: skipped (${plan.reason.replace('_', ' ')})`],
        completed: plan.reason !== 'day_off',
      };
    }
    for (const m of plan.messages) {
      const locale = toLocale(m.locale, ctx.config.defaultLocale);
      for (const item of m.items)
        rows.push({
          job: 'reminders',
          key: item.key,
          recipient: m.slackUserId,
          payload: reminderMessage.payload(locale, item),
        });
    }
    const items = plan.messages.reduce((n, m) => n + m.items.length, 0);
    const head = `reminders ${today} (since ${lastRunDate ?? 'the start'}): ${items} item(s) for ${plan.messages.length} person(s)`;

    if (opts.dryRun)
      return dryRunSummary(ctx, rows, head, (queued) =>
        plan.messages.flatMap((m) => [
          `  ${m.slackUserId} ${m.name}:`,
          ...m.items.map(
            (i) =>
              `    ${i.code} ${i.branchCode ?? 'own paper'} [${i.stage.key}] ${stageText('en', i).replace(/\*/g, '')}${queued(i.key) ? ' (already queued; not sent again)' : ''}`,
          ),
        ]),
      );
    return queueAndSend(ctx, rows, head, { grouped: true });
  },
};
