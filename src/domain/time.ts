import { DateTime, IANAZone } from 'luxon';
import type { LocalDate } from './types.js';

export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isValidTimezone(tz: string): boolean {
  return IANAZone.isValidZone(tz);
}

export function isValidLocalDate(d: string): boolean {
  return DATE_RE.test(d) && DateTime.fromISO(d, { zone: 'utc' }).isValid;
}

/** The calendar date of an instant in a timezone. */
export function localDateOf(at: Date, timezone: string): LocalDate {
  return DateTime.fromJSDate(at, { zone: timezone }).toISODate() as LocalDate;
}

// Whole-day arithmetic on calendar dates lives with the working-day calendar.
export { addDays, daysBetween } from './calendar.js';

/** The instant a local wall-clock time happens, e.g. 09:00 on 2011-06-20 in Asia/Shanghai. */
export function instantAt(date: LocalDate, time: string, timezone: string): Date {
  return DateTime.fromISO(`${date}T${time}`, { zone: timezone }).toJSDate();
}

/** A report is on time when it is submitted on or before the due date, in the plan's timezone. */
export function isOnTime(submittedAt: Date, due: LocalDate, timezone: string): boolean {
  return localDateOf(submittedAt, timezone) <= due;
}
