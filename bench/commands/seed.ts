import type { Insertable } from 'kysely';
import { openDatabase } from '../../db/index.js';
import type { ReportTable } from '../../db/schema.js';
import type { Category } from '../../src/domain/types.js';
import { branchCode, branchTasks, generatedReport, insertBatches, prng, seedStore } from '../seed-common.js';

/** The benchmark's store: 1,000 branches (a secretary and a member each), five leaders, a year of reports. */
export const BRANCHES = 1000;
export const NOW = '2011-12-20T10:00:00+08:00';

const CATEGORY_SHARE: [Category, number][] = [
  ['primary', 0.4],
  ['secondary', 0.2],
  ['kindergarten', 0.2],
  ['vocational', 0.05],
  ['adult', 0.05],
  ['unit', 0.09],
  ['office', 0.01],
];

function categoryOf(i: number): Category {
  let edge = 0;
  for (const [category, share] of CATEGORY_SHARE) {
    edge += share * BRANCHES;
    if (i < edge) return category;
  }
  return 'primary';
}

export const secretaryId = (i: number) => `UBS${String(i).padStart(5, '0')}`;

/**
 * The store, and the branch indexes whose secretary has something left to report: `/report` from a
 * secretary whose every task is accepted answers with a message instead of opening the modal.
 */
export async function seed(file: string): Promise<{ reports: number; people: number; withOpenTasks: number[] }> {
  const lines: string[] = [];
  for (let i = 0; i < BRANCHES; i++) {
    const branch = `${branchCode(i)},支部${i},${categoryOf(i)}`;
    lines.push(`${branch},${secretaryId(i)},书记${i},secretary,school_cadre`);
    lines.push(`${branch},UBM${String(i).padStart(5, '0')},党员${i},member,member`);
  }
  for (let i = 0; i < 5; i++) lines.push(`,,,UBL${i},领导${i},leader,division_leader`);
  const db = openDatabase(file);
  const { obligations, secretaries } = await seedStore(db, lines);
  // Steady state: everyone's Slack locale was looked up once and is cached for a week.
  await db
    .updateTable('people')
    .set({ locale: 'zh-CN', locale_checked_at: new Date(NOW).toISOString() })
    .execute();

  const branches = await db.selectFrom('branches').select(['id', 'code', 'category']).execute();
  const rnd = prng(2011);
  const rows: Insertable<ReportTable>[] = [];
  const withOpen = new Set<number>();
  for (const [b, ob] of branchTasks(branches, obligations)) {
    if (rnd() > 0.85) {
      withOpen.add(Number(b.code.slice(1)));
      continue;
    }
    const roll = rnd();
    const status = roll < 0.7 ? ('accepted' as const) : roll < 0.9 ? ('submitted' as const) : ('returned' as const);
    if (status !== 'accepted') withOpen.add(Number(b.code.slice(1)));
    rows.push(generatedReport(rnd, { obligation: ob, branchId: b.id, submittedBy: secretaries.get(b.id)!, status }));
  }
  await db.transaction().execute(async (trx) => {
    await insertBatches(trx, 'reports', rows, 500);
  });
  const withOpenTasks = [...withOpen].sort((a, b) => a - b);
  const people = (
    await db
      .selectFrom('people')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n;
  await db.destroy();
  return { reports: rows.length, people: Number(people), withOpenTasks };
}
