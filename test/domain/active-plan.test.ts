import { describe, expect, it } from 'vitest';
import { candidateDates, planInForce, planOnDate, type PlanPeriod } from '../../src/domain/active-plan.js';

const shanghai = (year: number, starts: string, ends: string): PlanPeriod => ({
  year,
  timezone: 'Asia/Shanghai',
  starts,
  ends,
});
const PLAN_2011 = shanghai(2011, '2011-04-08', '2011-12-31');
const PLAN_2012 = shanghai(2012, '2012-01-01', '2012-12-31');

describe('the plan in force', () => {
  it('when it is 07:30 in Shanghai on the first day of a plan (still the day before in UTC), then that plan is in force, on that day', () => {
    const now = new Date('2011-04-08T07:30:00+08:00');
    expect(planInForce([PLAN_2012, PLAN_2011], now)).toEqual({ plan: PLAN_2011, today: '2011-04-08' });
  });

  it('when it is 07:30 in Shanghai on the day after a plan ends, then the next plan is in force', () => {
    const now = new Date('2012-01-01T07:30:00+08:00');
    expect(planInForce([PLAN_2012, PLAN_2011], now)).toEqual({ plan: PLAN_2012, today: '2012-01-01' });
  });

  it('when it is the last minute of a plan in Shanghai, then that plan is still in force', () => {
    const now = new Date('2011-12-31T23:59:00+08:00');
    expect(planInForce([PLAN_2011, PLAN_2012], now)).toEqual({ plan: PLAN_2011, today: '2011-12-31' });
  });

  it('when no plan contains the date, then the most recent plan is in force, with its own date', () => {
    const before = new Date('2011-03-01T12:00:00+08:00');
    expect(planInForce([PLAN_2011], before)).toEqual({ plan: PLAN_2011, today: '2011-03-01' });
    const between = shanghai(2013, '2013-04-01', '2013-12-31');
    expect(planInForce([PLAN_2011, between], new Date('2013-01-15T00:30:00+08:00'))).toEqual({
      plan: between,
      today: '2013-01-15',
    });
  });

  it('when two plans contain the date, then the later year wins', () => {
    const overlapping = shanghai(2012, '2011-10-01', '2012-12-31');
    expect(planInForce([PLAN_2011, overlapping], new Date('2011-11-01T12:00:00+08:00'))?.plan).toBe(overlapping);
  });

  it("when plans keep different timezones, then each is judged by its own date, and today is the chosen one's", () => {
    const newYork: PlanPeriod = { year: 2012, timezone: 'America/New_York', starts: '2012-01-01', ends: '2012-12-31' };
    const plans = [PLAN_2011, newYork];
    // 23:30 in Shanghai, 10:30 in New York, on 2011-12-31.
    expect(planInForce(plans, new Date('2011-12-31T15:30:00Z'))).toEqual({ plan: PLAN_2011, today: '2011-12-31' });
    // 11:00 on 2012-01-01 in Shanghai, 22:00 on 2011-12-31 in New York: neither, so the most recent.
    expect(planInForce(plans, new Date('2012-01-01T03:00:00Z'))).toEqual({ plan: newYork, today: '2011-12-31' });
    // 01:00 on 2012-01-01 in New York.
    expect(planInForce(plans, new Date('2012-01-01T06:00:00Z'))).toEqual({ plan: newYork, today: '2012-01-01' });
  });

  it('when no plan was imported, then there is none', () => {
    expect(planInForce([], new Date('2011-06-20T02:00:00Z'))).toBeNull();
    expect(planOnDate([], '2011-06-20')).toBeNull();
  });

  it('when a date is given, then the plan containing it wins, else the most recent', () => {
    expect(planOnDate([PLAN_2012, PLAN_2011], '2011-06-20')).toBe(PLAN_2011);
    expect(planOnDate([PLAN_2012, PLAN_2011], '2012-06-20')).toBe(PLAN_2012);
    expect(planOnDate([PLAN_2012, PLAN_2011], '2011-01-20')).toBe(PLAN_2012);
  });

  it("when the candidates are read, then the dates asked cover every timezone's date of the instant", () => {
    const zones = ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Etc/GMT+12', 'Asia/Shanghai', 'UTC'];
    for (const iso of [
      '2011-04-07T23:30:00Z',
      '2011-04-08T00:10:00Z',
      '2011-04-08T11:59:00Z',
      '2011-04-08T12:01:00Z',
    ]) {
      const now = new Date(iso);
      const { from, to } = candidateDates(now);
      for (const timezone of zones) {
        const { today } = planInForce([{ year: 1, timezone, starts: '2000-01-01', ends: '2100-01-01' }], now)!;
        expect(from <= today && today <= to, `${iso} in ${timezone}: ${today} within ${from}..${to}`).toBe(true);
      }
    }
  });
});
