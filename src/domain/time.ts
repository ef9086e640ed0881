import { DateTime, IANAZone } from 'luxon';
import type { LocalDate } from './types.js';

export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isValidTimezone(tz: string): boolean {
  return IANAZone.isValidZone(tz);
}

export function isValidLocalDate(d: string): boolean {
  return DATE_RE.test(d) && DateTime.fromISO(d, { zone: 'utc' }).isValid;
}

// A cache: one formatter per timezone (a handful), built on first use and never changed after.
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The calendar date of an instant in a timezone. Every request asks it, so the platform's
 * formatter is kept per timezone (luxon builds one per call); test/domain/time.test.ts holds it
 * to luxon's answer.
 */
export function localDateOf(at: Date, timezone: string): LocalDate {
  let format = dayFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      calendar: 'gregory',
      numberingSystem: 'latn',
    });
    dayFormats.set(timezone, format);
  }
  let year = '';
  let month = '';
  let day = '';
  for (const part of format.formatToParts(at)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return `${year.padStart(4, '0')}-${month}-${day}` as LocalDate;
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
