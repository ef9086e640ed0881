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

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  const da = DateTime.fromISO(a, { zone: 'utc' });
  const db = DateTime.fromISO(b, { zone: 'utc' });
  return Math.round(db.diff(da, 'days').days);
}

export function addDays(d: LocalDate, n: number): LocalDate {
  return DateTime.fromISO(d, { zone: 'utc' }).plus({ days: n }).toISODate() as LocalDate;
}

/** The instant a local wall-clock time happens, e.g. 09:00 on 2011-06-20 in Asia/Shanghai. */
export function instantAt(date: LocalDate, time: string, timezone: string): Date {
  return DateTime.fromISO(`${date}T${time}`, { zone: timezone }).toJSDate();
}

/** A report is on time when it is submitted on or before the due date, in the plan's timezone. */
export function isOnTime(submittedAt: Date, due: LocalDate, timezone: string): boolean {
  return localDateOf(submittedAt, timezone) <= due;
}
