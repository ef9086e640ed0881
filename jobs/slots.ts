import { DateTime } from 'luxon';
import type { JobSchedule } from './types.js';

// Slots: the instants a schedule names, computed in the plan's timezone and stored in UTC.

function slotOn(date: DateTime, time: string): DateTime {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return date.set({ hour: h, minute: m, second: 0, millisecond: 0 });
}

/** The latest slot at or before `now`. */
export function latestSlot(schedule: JobSchedule, now: Date): Date {
  const local = DateTime.fromJSDate(now, { zone: schedule.timezone });
  for (let back = 0; back <= 8; back++) {
    const day = local.minus({ days: back });
    if (schedule.weekday !== undefined && day.weekday !== schedule.weekday) continue;
    const slot = slotOn(day, schedule.time);
    if (slot.toMillis() <= now.getTime()) return slot.toJSDate();
  }
  throw new Error(`No slot found for ${JSON.stringify(schedule)}`);
}

/** The first slot strictly after `now`. */
export function nextSlot(schedule: JobSchedule, now: Date): Date {
  const local = DateTime.fromJSDate(now, { zone: schedule.timezone });
  for (let ahead = 0; ahead <= 8; ahead++) {
    const day = local.plus({ days: ahead });
    if (schedule.weekday !== undefined && day.weekday !== schedule.weekday) continue;
    const slot = slotOn(day, schedule.time);
    if (slot.toMillis() > now.getTime()) return slot.toJSDate();
  }
  throw new Error(`No slot found for ${JSON.stringify(schedule)}`);
}

/** node-cron's expression for a schedule (node-cron numbers Sunday 0, ISO numbers it 7). */
export function cronExpression(schedule: JobSchedule): string {
  const [h, m] = schedule.time.split(':').map(Number) as [number, number];
  return `${m} ${h} * * ${schedule.weekday === undefined ? '*' : schedule.weekday % 7}`;
}
