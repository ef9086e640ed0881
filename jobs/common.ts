import { findPlanToday, type Plan } from '../db/queries/plans.js';
import { createWorkCalendar, type WorkCalendar } from '../src/domain/calendar.js';
import type { StageConfig } from '../src/domain/stages.js';
import type { LocalDate } from '../src/domain/types.js';
import type { AppContext } from '../src/context.js';
import { enqueue, existingKeys, type NewOutboxRow } from '../db/queries/outbox.js';
import { drainOutbox } from '../src/delivery/outbox.js';
import type { JobResult } from './types.js';

/**
 * The zone the scheduler ticks in before any plan is imported. Nothing is sent without a plan, so
 * it only names the slots; once a plan is imported its own timezone is used.
 */
const NO_PLAN_TIMEZONE = 'Asia/Shanghai';

export interface PlanContext {
  plan: Plan;
  /** The slot's date in the plan's timezone. */
  today: LocalDate;
  calendar: WorkCalendar;
  stages: StageConfig;
}

/** The plan in force at `at` (in its own timezone, as for every command), with its calendar and stages. */
export async function planContext(ctx: AppContext, at: Date): Promise<PlanContext | null> {
  const found = await findPlanToday(ctx.db, at);
  if (!found) return null;
  const { plan, today } = found;
  const r = plan.settings.reminders;
  return {
    plan,
    today,
    calendar: createWorkCalendar(plan.settings.calendar),
    stages: { daysBefore: r.days_before, onDue: r.on_due, overdueEvery: r.overdue_every },
  };
}

export async function planTimezone(ctx: AppContext): Promise<{ timezone: string; reminderTime: string }> {
  const plan = (await findPlanToday(ctx.db, ctx.clock.now()))?.plan;
  return { timezone: plan?.timezone ?? NO_PLAN_TIMEZONE, reminderTime: plan?.settings.reminders.time ?? '09:00' };
}

/**
 * A job's last step: its rows into the outbox (a key already there is skipped), the outbox
 * drained, and the run's summary: `head`, then what was queued and sent (in how many messages, for
 * the jobs whose rows group per recipient).
 */
export async function queueAndSend(
  ctx: AppContext,
  rows: NewOutboxRow[],
  head: string,
  opts: { grouped?: boolean } = {},
): Promise<JobResult> {
  const added = await enqueue(ctx.db, rows, ctx.clock.now());
  const sent = await drainOutbox(ctx);
  const messages = opts.grouped ? ` in ${sent.messages} message(s)` : '';
  return {
    summary: [
      head,
      `  queued ${added.length} new, sent ${sent.sent} row(s)${messages}, ${sent.failed} to retry, ${sent.dead} undeliverable`,
    ],
    completed: true,
  };
}

/**
 * A dry run's answer: `head`, then the lines `lines` writes of what was planned, told which of the
 * rows' keys are already in the outbox (they would not go out again). Nothing is sent or recorded,
 * so the run does not count as done.
 */
export async function dryRunSummary(
  ctx: AppContext,
  rows: NewOutboxRow[],
  head: string,
  lines: (queued: (key: string) => boolean) => string[],
): Promise<JobResult> {
  const seen = await existingKeys(
    ctx.db,
    rows.map((r) => r.key),
  );
  return {
    summary: [`${head} — dry run, nothing sent or recorded`, ...lines((key) => seen.has(key))],
    completed: false,
  };
}
