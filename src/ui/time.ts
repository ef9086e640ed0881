import { DateTime } from 'luxon';

/** An ISO UTC instant as the people of the plan read it: `2011-06-20 10:00` in the plan's timezone. */
export function localDateTime(iso: string, timezone: string): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(timezone).toFormat('yyyy-MM-dd HH:mm');
}
