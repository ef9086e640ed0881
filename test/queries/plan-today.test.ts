import { afterEach, describe, expect, it } from 'vitest';
import type { DB } from '../../db/index.js';
import { findActivePlan, findPlanToday } from '../../db/queries/plans.js';
import { freshDb, loadPlan, loadPlanForYear } from '../helpers/db.js';

describe('findPlanToday: the plan in force and its date, from the plan timezone', () => {
  const open: DB[] = [];
  afterEach(async () => {
    for (const db of open.splice(0)) await db.destroy();
  });
  async function store(...years: number[]): Promise<DB> {
    const { db } = await freshDb();
    open.push(db);
    await loadPlan(db);
    for (const year of years) await loadPlanForYear(db, year);
    return db;
  }

  it('when it is 07:30 in Shanghai on the first day of the 2011 plan, then that plan is found, on its first day', async () => {
    const db = await store(2012);
    const found = await findPlanToday(db, new Date('2011-04-07T23:30:00Z'));
    expect([found?.plan.year, found?.today]).toEqual([2011, '2011-04-08']);
  });

  it('when it is 07:30 in Shanghai on the day after the 2011 plan ends, then the 2012 plan is found', async () => {
    const db = await store(2012);
    const found = await findPlanToday(db, new Date('2011-12-31T23:30:00Z'));
    expect([found?.plan.year, found?.today]).toEqual([2012, '2012-01-01']);
  });

  it('when no plan contains the date, then the most recent one is found, even when it is years away', async () => {
    const db = await store(2009, 2014);
    const found = await findPlanToday(db, new Date('2013-02-01T04:00:00Z'));
    expect([found?.plan.year, found?.today]).toEqual([2014, '2013-02-01']);
  });

  it('when a plan older than the latest contains the date, then it is found, not the latest', async () => {
    const db = await store(2009, 2014);
    expect((await findPlanToday(db, new Date('2009-06-01T04:00:00Z')))?.plan.year).toBe(2009);
    expect((await findActivePlan(db, '2009-06-01'))?.year).toBe(2009);
    expect((await findActivePlan(db, '2013-02-01'))?.year).toBe(2014);
  });

  it('when it is asked again without a new import, then the cached plan is returned (decision 003)', async () => {
    const db = await store();
    const at = new Date('2011-06-20T02:00:00Z');
    const first = await findPlanToday(db, at);
    expect((await findPlanToday(db, at))?.plan).toBe(first?.plan);
    expect(await findActivePlan(db, '2011-06-20')).toBe(first?.plan);
  });

  it('when no plan was imported, then there is none', async () => {
    const { db } = await freshDb();
    open.push(db);
    expect(await findPlanToday(db, new Date('2011-06-20T02:00:00Z'))).toBeNull();
  });
});
