import { describe, expect, it } from 'vitest';
import {
  addDays,
  createWorkCalendar,
  daysBetween,
  isLocalDate,
  isoWeekday,
  officialDataYears,
  yearsInRange,
  yearsWithoutData,
} from '../../src/domain/calendar.js';

describe('working-day calendar with official 2011 data', () => {
  const cal = createWorkCalendar();

  it('when a date is the Dragon Boat holiday (2011-06-06, a Monday), then it is not a workday', () => {
    expect(cal.isWorkday('2011-06-06')).toBe(false);
    expect(cal.isWorkday('2011-06-03')).toBe(true);
    expect(cal.isWorkday('2011-06-07')).toBe(true);
  });

  it('when a date is in the National Day week 2011-10-01..07, then it is not a workday', () => {
    for (let d = 1; d <= 7; d++) {
      expect(cal.isWorkday(`2011-10-0${d}`), `2011-10-0${d}`).toBe(false);
    }
  });

  it('when a weekend is a make-up working day (2011-10-08 Sat, 2011-10-09 Sun), then it is a workday', () => {
    expect(isoWeekday('2011-10-08')).toBe(6);
    expect(isoWeekday('2011-10-09')).toBe(7);
    expect(cal.isWorkday('2011-10-08')).toBe(true);
    expect(cal.isWorkday('2011-10-09')).toBe(true);
  });

  it('when a day is an ordinary weekday or weekend, then Monday–Friday work', () => {
    expect(cal.isWorkday('2011-10-10')).toBe(true);
    expect(cal.isWorkday('2011-10-15')).toBe(false);
    expect(cal.isWorkday('2011-10-16')).toBe(false);
  });

  it('when scanning all of 2011, then the exceptions to Monday–Friday are exactly those of the State Council notice', () => {
    const weekdayHolidays: string[] = [];
    const weekendWorkdays: string[] = [];
    for (let d = '2011-01-01'; d <= '2011-12-31'; d = addDays(d, 1)) {
      const weekday = isoWeekday(d) <= 5;
      if (weekday && !cal.isWorkday(d)) weekdayHolidays.push(d);
      if (!weekday && cal.isWorkday(d)) weekendWorkdays.push(d);
    }
    expect(weekdayHolidays).toEqual([
      '2011-01-03',
      '2011-02-02',
      '2011-02-03',
      '2011-02-04',
      '2011-02-07',
      '2011-02-08',
      '2011-04-04',
      '2011-04-05',
      '2011-05-02',
      '2011-06-06',
      '2011-09-12',
      '2011-10-03',
      '2011-10-04',
      '2011-10-05',
      '2011-10-06',
      '2011-10-07',
    ]);
    // 2011-12-31 is the make-up day of the 2012 New Year arrangement.
    expect(weekendWorkdays).toEqual([
      '2011-01-30',
      '2011-02-12',
      '2011-04-02',
      '2011-10-08',
      '2011-10-09',
      '2011-12-31',
    ]);
  });

  it('when looking for the previous workday from inside National Day, then it is the Friday before (2011-09-30)', () => {
    expect(cal.previousWorkday('2011-10-07')).toBe('2011-09-30');
    expect(cal.previousWorkday('2011-10-01')).toBe('2011-09-30');
    expect(cal.previousWorkday('2011-09-30')).toBe('2011-09-30');
  });

  it('when looking for the next workday from inside National Day, then it is the make-up Saturday 2011-10-08', () => {
    expect(cal.nextWorkday('2011-10-01')).toBe('2011-10-08');
    expect(cal.nextWorkday('2011-10-07')).toBe('2011-10-08');
    expect(cal.nextWorkday('2011-10-10')).toBe('2011-10-10');
  });

  it('when adding workdays across National Day, then holidays are skipped and make-up days count', () => {
    expect(cal.addWorkdays('2011-09-30', 1)).toBe('2011-10-08');
    expect(cal.addWorkdays('2011-09-30', 2)).toBe('2011-10-09');
    expect(cal.addWorkdays('2011-09-30', 3)).toBe('2011-10-10');
    expect(cal.addWorkdays('2011-06-03', 1)).toBe('2011-06-07');
  });

  it('when adding zero workdays, then it is the next workday on or after the date', () => {
    expect(cal.addWorkdays('2011-10-01', 0)).toBe('2011-10-08');
    expect(cal.addWorkdays('2011-10-10', 0)).toBe('2011-10-10');
  });

  it('when adding a negative or fractional number of workdays, then it throws', () => {
    expect(() => cal.addWorkdays('2011-10-10', -1)).toThrow(RangeError);
    expect(() => cal.addWorkdays('2011-10-10', 1.5)).toThrow(RangeError);
  });

  it('when the server runs west of UTC, then dates do not shift by a day', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const westCal = createWorkCalendar();
      expect(westCal.isWorkday('2011-10-07')).toBe(false);
      expect(westCal.isWorkday('2011-10-08')).toBe(true);
      expect(westCal.isWorkday('2011-10-10')).toBe(true);
      expect(addDays('2011-03-12', 2)).toBe('2011-03-14');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('years without official data', () => {
  it('when the year has official data, then hasOfficialData says so', () => {
    const cal = createWorkCalendar();
    expect(cal.hasOfficialData(2011)).toBe(true);
    expect(cal.hasOfficialData(2004)).toBe(true);
    expect(cal.hasOfficialData(2026)).toBe(true);
    expect(cal.hasOfficialData(2003)).toBe(false);
    expect(cal.hasOfficialData(2031)).toBe(false);
  });

  it('when a year has no data (2031), then Monday–Friday are workdays, National Day included', () => {
    const cal = createWorkCalendar();
    expect(cal.isWorkday('2031-10-01')).toBe(true); // a Wednesday
    expect(cal.isWorkday('2031-10-04')).toBe(false); // a Saturday
    expect(cal.isWorkday('2031-10-05')).toBe(false); // a Sunday
    expect(cal.previousWorkday('2031-10-05')).toBe('2031-10-03');
    expect(cal.nextWorkday('2031-10-04')).toBe('2031-10-06');
  });

  it('when asking which years lack data, then they come back once each, ascending', () => {
    expect(yearsWithoutData([2031, 2011, 2003, 2031, 2026])).toEqual([2003, 2031]);
    expect(yearsWithoutData(yearsInRange('2011-04-08', '2012-03-31'))).toEqual([]);
  });

  it('when listing the official data years, then 2004–2026 are all there without gaps', () => {
    const years = officialDataYears();
    expect(years[0]).toBe(2004);
    expect(years).toContain(2026);
    expect(years.length).toBe(years.at(-1)! - years[0]! + 1);
  });

  it('when a range spans New Year, then yearsInRange lists both years', () => {
    expect(yearsInRange('2011-04-08', '2012-03-31')).toEqual([2011, 2012]);
    expect(yearsInRange('2011-04-08', '2011-12-31')).toEqual([2011]);
  });
});

describe('calendar overrides from the plan file', () => {
  it('when a local holiday falls on an official make-up day, then the override wins', () => {
    const cal = createWorkCalendar({ holidays: ['2011-10-08'] });
    expect(cal.isWorkday('2011-10-08')).toBe(false);
    expect(cal.nextWorkday('2011-10-01')).toBe('2011-10-09');
  });

  it('when an extra working day falls in an official holiday or on a weekend, then the override wins', () => {
    const cal = createWorkCalendar({ workdays: ['2011-10-03', '2031-10-04'] });
    expect(cal.isWorkday('2011-10-03')).toBe(true);
    expect(cal.previousWorkday('2011-10-07')).toBe('2011-10-03');
    expect(cal.isWorkday('2031-10-04')).toBe(true);
  });

  it('when one calendar has overrides, then another calendar is unaffected', () => {
    createWorkCalendar({ holidays: ['2011-06-07'] });
    expect(createWorkCalendar().isWorkday('2011-06-07')).toBe(true);
  });

  it('when a date is both a local holiday and an extra workday, then it throws', () => {
    expect(() => createWorkCalendar({ holidays: ['2011-05-03'], workdays: ['2011-05-03'] })).toThrow(/both/);
  });

  it('when an override date is malformed, then it throws', () => {
    expect(() => createWorkCalendar({ holidays: ['2011-5-3'] })).toThrow(/Invalid date/);
    expect(() => createWorkCalendar({ workdays: ['2011-02-29'] })).toThrow(/Invalid date/);
  });

  it('when every day is a holiday for years, then the search fails instead of looping', () => {
    const holidays: string[] = [];
    for (let d = '2011-01-01'; d <= '2022-12-31'; d = addDays(d, 1)) holidays.push(d);
    const cal = createWorkCalendar({ holidays });
    expect(() => cal.nextWorkday('2011-06-01')).toThrow(/No workday/);
  });
});

describe('date strings', () => {
  const cal = createWorkCalendar();

  it('when a date is malformed or not a real date, then the calendar throws', () => {
    for (const bad of ['2011-6-6', '20110606', '2011-02-30', '2011-13-01', '', '2011-06-06T00:00', ' 2011-06-06']) {
      expect(() => cal.isWorkday(bad), bad).toThrow(RangeError);
      expect(isLocalDate(bad), bad).toBe(false);
    }
    expect(() => cal.previousWorkday('2011-02-29')).toThrow(RangeError);
  });

  it('when a date is well formed, then it is accepted, leap days included', () => {
    expect(isLocalDate('2012-02-29')).toBe(true);
    expect(cal.isWorkday('2012-02-29')).toBe(true);
  });

  it('when adding days across month and year ends, then the calendar date is right', () => {
    expect(addDays('2011-12-31', 1)).toBe('2012-01-01');
    expect(addDays('2011-03-01', -1)).toBe('2011-02-28');
    expect(addDays('2011-10-01', 14)).toBe('2011-10-15');
    expect(daysBetween('2011-06-30', '2011-07-07')).toBe(7);
    expect(daysBetween('2011-07-07', '2011-06-30')).toBe(-7);
  });
});
