import { describe, expect, it } from 'vitest';
import { cronExpression, latestSlot, nextSlot } from '../../src/delivery/scheduler.js';

const daily = { timezone: 'Asia/Shanghai', time: '09:00' };
const weekly = { timezone: 'Asia/Shanghai', time: '09:00', weekday: 1 };

describe('job slots', () => {
  it('when asked for the latest daily slot, then it is today 09:00 local after 09:00 and yesterday before', () => {
    expect(latestSlot(daily, new Date('2011-06-20T09:00:00+08:00')).toISOString()).toBe('2011-06-20T01:00:00.000Z');
    expect(latestSlot(daily, new Date('2011-06-20T08:59:59+08:00')).toISOString()).toBe('2011-06-19T01:00:00.000Z');
    expect(nextSlot(daily, new Date('2011-06-20T09:00:00+08:00')).toISOString()).toBe('2011-06-21T01:00:00.000Z');
  });

  it('when the schedule is weekly, then slots fall on that weekday only', () => {
    expect(latestSlot(weekly, new Date('2011-06-22T12:00:00+08:00')).toISOString()).toBe('2011-06-20T01:00:00.000Z');
    expect(nextSlot(weekly, new Date('2011-06-20T09:00:01+08:00')).toISOString()).toBe('2011-06-27T01:00:00.000Z');
  });

  it('when the server runs in another timezone, then slots still follow the plan timezone', () => {
    expect(
      latestSlot({ timezone: 'America/New_York', time: '09:00' }, new Date('2011-06-20T12:00:00Z')).toISOString(),
    ).toBe('2011-06-19T13:00:00.000Z');
  });

  it('when turned into cron, then weekdays follow node-cron numbering', () => {
    expect(cronExpression(daily)).toBe('0 9 * * *');
    expect(cronExpression({ ...weekly, weekday: 7, time: '18:30' })).toBe('30 18 * * 0');
  });
});
