import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { DB } from '../../db/index.js';
import { findActivePlan, importPlan, planObligations } from '../../db/queries/plans.js';
import { parsePlan } from '../../src/domain/plan.js';
import { freshDb, loadPlan, PLAN_2011 } from '../helpers/db.js';

const TODAY = '2011-06-01';
const AT = new Date('2011-04-10T00:00:00Z');

function editedPlan(edit: (yaml: string) => string) {
  const parsed = parsePlan(edit(fs.readFileSync(PLAN_2011, 'utf8')));
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.value;
}

describe('the plan read cache (decision 003)', () => {
  const open: DB[] = [];
  afterEach(async () => {
    for (const db of open.splice(0)) await db.destroy();
  });
  async function store(): Promise<DB> {
    const { db } = await freshDb();
    open.push(db);
    return db;
  }

  it('when nothing was imported since, then the same plan and obligations are reused, frozen', async () => {
    const db = await store();
    await loadPlan(db);
    const plan = (await findActivePlan(db, TODAY))!;
    const obligations = await planObligations(db, plan);
    expect(await findActivePlan(db, TODAY)).toBe(plan);
    expect(await planObligations(db, plan)).toBe(obligations);
    expect(obligations.length).toBeGreaterThan(0);
    expect(Object.isFrozen(plan)).toBe(true);
    expect(() => (obligations as unknown as unknown[]).push(null)).toThrow(TypeError);
    expect(() => Object.assign(obligations[0]!, { due: '2011-12-31' })).toThrow(TypeError);
  });

  it('when the plan is re-imported in the same millisecond, then the next read sees the new due date', async () => {
    const db = await store();
    await loadPlan(db, PLAN_2011, AT);
    const before = (await findActivePlan(db, TODAY))!;
    expect((await planObligations(db, before)).find((o) => o.code === 'A07-COBUILD')!.due).toBe('2011-05-10');
    // The same fixed clock: updated_at must still move, or the cache would keep the old obligations.
    await importPlan(
      db,
      editedPlan((s) => s.replace(/due: 2011-05-10/, 'due: 2011-05-12')),
      { actor: 'test', now: AT },
    );
    const after = (await findActivePlan(db, TODAY))!;
    expect(after).not.toBe(before);
    expect((await planObligations(db, after)).find((o) => o.code === 'A07-COBUILD')!.due).toBe('2011-05-12');
    const row = await db.selectFrom('plans').select('updated_at').executeTakeFirstOrThrow();
    expect(row.updated_at > AT.toISOString()).toBe(true);
  });

  it('when a dry run is imported, then the cached plan stays valid', async () => {
    const db = await store();
    await loadPlan(db);
    const plan = (await findActivePlan(db, TODAY))!;
    await importPlan(
      db,
      editedPlan((s) => s.replace(/due: 2011-05-10/, 'due: 2011-05-12')),
      { actor: 'test', now: new Date('2011-05-01T00:00:00Z'), dryRun: true },
    );
    expect(await findActivePlan(db, TODAY)).toBe(plan);
    expect((await planObligations(db, plan)).find((o) => o.code === 'A07-COBUILD')!.due).toBe('2011-05-10');
  });

  it('when two stores hold the same plan id, then each reads its own plan', async () => {
    const a = await store();
    const b = await store();
    await loadPlan(a, PLAN_2011, AT);
    await importPlan(
      b,
      editedPlan((s) => s.replace(/due: 2011-05-10/, 'due: 2011-05-12')),
      { actor: 'test', now: AT },
    );
    const planA = (await findActivePlan(a, TODAY))!;
    const planB = (await findActivePlan(b, TODAY))!;
    expect(planA.id).toBe(planB.id);
    expect((await planObligations(a, planA)).find((o) => o.code === 'A07-COBUILD')!.due).toBe('2011-05-10');
    expect((await planObligations(b, planB)).find((o) => o.code === 'A07-COBUILD')!.due).toBe('2011-05-12');
  });
});
