import { addDays } from './calendar.js';
import { localDateOf } from './time.js';
import type { LocalDate } from './types.js';

/** What choosing the plan in force needs to know of a plan. */
export interface PlanPeriod {
  year: number;
  timezone: string;
  starts: LocalDate;
  ends: LocalDate;
}

/** The plan in force and the date it is there, in its own timezone. */
export interface PlanToday<P> {
  plan: P;
  today: LocalDate;
}

/**
 * The dates any plan can be at `now`. UTC offsets run from −12:00 to +14:00, so a plan's local
 * date is the UTC date or a day either side of it; the plans to consider overlap these dates.
 */
export function candidateDates(now: Date): { from: LocalDate; to: LocalDate } {
  const utc = localDateOf(now, 'UTC');
  return { from: addDays(utc, -1), to: addDays(utc, 1) };
}

/**
 * The plan in force at `now`: of the plans whose period contains their own local date, the latest
 * year; when none does (before the first plan starts, between two, after the last), the most
 * recent plan, so that people still see the year's results. Each plan's date is taken in its own
 * timezone: in Shanghai a plan starting on 04-08 is in force from 00:00 there, while the UTC date
 * is still 04-07 until 08:00. Null when no plan was ever imported. `candidates` must hold every
 * plan overlapping `candidateDates(now)` and the most recent one.
 */
export function planInForce<P extends PlanPeriod>(candidates: readonly P[], now: Date): PlanToday<P> | null {
  return choose(candidates, (plan) => localDateOf(now, plan.timezone));
}

/** The plan in force on a date already known (an export's `--date`, a digest's day), by the same rule. */
export function planOnDate<P extends PlanPeriod>(candidates: readonly P[], date: LocalDate): P | null {
  return choose(candidates, () => date)?.plan ?? null;
}

function choose<P extends PlanPeriod>(candidates: readonly P[], dateIn: (plan: P) => LocalDate): PlanToday<P> | null {
  let containing: PlanToday<P> | null = null;
  let latest: P | null = null;
  for (const plan of candidates) {
    if (!latest || plan.year > latest.year) latest = plan;
    const today = dateIn(plan);
    if (plan.starts <= today && today <= plan.ends && (!containing || plan.year > containing.plan.year))
      containing = { plan, today };
  }
  if (containing) return containing;
  return latest ? { plan: latest, today: dateIn(latest) } : null;
}
