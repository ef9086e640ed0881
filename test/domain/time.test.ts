import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { localDateOf } from '../../src/domain/time.js';

const ZONES = [
  'Asia/Shanghai',
  'UTC',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'America/St_Johns',
];

describe('localDateOf', () => {
  it('when asked for instants around the year in many timezones, then it gives the date luxon gives', () => {
    const from = Date.UTC(2010, 0, 1);
    const span = Date.UTC(2013, 0, 1) - from;
    for (let i = 0; i < 3000; i++) {
      // A large prime step scatters the instants over hours, days and seasons.
      const at = new Date(from + ((i * 104_729_000_003) % span));
      for (const zone of ZONES)
        expect(localDateOf(at, zone), `${at.toISOString()} in ${zone}`).toBe(
          DateTime.fromJSDate(at, { zone }).toISODate(),
        );
    }
  });

  it('when an instant is just before or after midnight in Beijing, then the date turns at local midnight', () => {
    expect(localDateOf(new Date('2011-06-30T15:59:59.999Z'), 'Asia/Shanghai')).toBe('2011-06-30');
    expect(localDateOf(new Date('2011-06-30T16:00:00.000Z'), 'Asia/Shanghai')).toBe('2011-07-01');
    expect(localDateOf(new Date('2011-12-31T16:00:00.000Z'), 'Asia/Shanghai')).toBe('2012-01-01');
  });

  it('when the same timezone is asked again at a DST change, then the cached formatter still follows the zone', () => {
    expect(localDateOf(new Date('2011-03-13T04:59:00Z'), 'America/New_York')).toBe('2011-03-12');
    expect(localDateOf(new Date('2011-03-13T05:00:00Z'), 'America/New_York')).toBe('2011-03-13');
    expect(localDateOf(new Date('2011-11-06T03:59:00Z'), 'America/New_York')).toBe('2011-11-05');
    expect(localDateOf(new Date('2011-11-06T04:00:00Z'), 'America/New_York')).toBe('2011-11-06');
  });
});
