import { findActivePlan, type Plan } from '../db/queries/plans.js';
import { createWorkCalendar, type WorkCalendar } from '../src/domain/calendar.js';
import type { StageConfig } from '../src/domain/stages.js';
import { localDateOf } from '../src/domain/time.js';
import type { AppContext } from '../src/context.js';

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

export interface PlanContext {
  plan: Plan;
  calendar: WorkCalendar;
  stages: StageConfig;
}

/** The plan in force on the slot's date (its timezone decides the date), with its calendar and stages. */
export async function planContext(ctx: AppContext, at: Date): Promise<PlanContext | null> {
  const plan = await findActivePlan(ctx.db, localDateOf(at, DEFAULT_TIMEZONE));
  if (!plan) return null;
  const r = plan.settings.reminders;
  return {
    plan,
    calendar: createWorkCalendar(plan.settings.calendar),
    stages: { daysBefore: r.days_before, onDue: r.on_due, overdueEvery: r.overdue_every },
  };
}

export async function planTimezone(ctx: AppContext): Promise<{ timezone: string; reminderTime: string }> {
  const plan = await findActivePlan(ctx.db, localDateOf(ctx.clock.now(), DEFAULT_TIMEZONE));
  return { timezone: plan?.timezone ?? DEFAULT_TIMEZONE, reminderTime: plan?.settings.reminders.time ?? '09:00' };
}
