import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type DB } from '../../db/index.js';
import { migrateToLatest } from '../../db/migrate.js';
import { importPlan } from '../../db/queries/plans.js';
import { importRoster } from '../../db/queries/roster.js';
import { parsePlan } from '../../src/domain/plan.js';
import { parseRoster } from '../../src/domain/roster.js';
import { createTestDatabase, onPostgres } from './pg.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const PLAN_2011 = path.join(ROOT, 'plans/2011-education.yaml');
export const EXAMPLE_ROSTER = path.join(ROOT, 'examples/roster.csv');

export function tempDir(prefix = 'pacesetter-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A fresh migrated database for one test: a SQLite file, or in the `pg` project a database of its
 * own on the PostgreSQL server (`file` is then its URL, which DATABASE_URL takes as well).
 */
export async function freshDb(): Promise<{ db: DB; file: string }> {
  const file = onPostgres() ? await createTestDatabase() : path.join(tempDir(), 'test.db');
  const db = openDatabase(file);
  await migrateToLatest(db);
  return { db, file };
}

export async function loadPlan(db: DB, file = PLAN_2011, now = new Date('2011-04-10T00:00:00Z')) {
  const parsed = parsePlan(fs.readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return importPlan(db, parsed.value, { actor: 'test', now });
}

/** The shipped plan moved to another year (every date and title with it), imported beside the 2011 one. */
export async function loadPlanForYear(db: DB, year: number, now = new Date('2011-04-10T00:00:00Z')) {
  const parsed = parsePlan(fs.readFileSync(PLAN_2011, 'utf8').replaceAll('2011', String(year)));
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return importPlan(db, parsed.value, { actor: 'test', now });
}

export async function loadRoster(
  db: DB,
  csv = fs.readFileSync(EXAMPLE_ROSTER, 'utf8'),
  now = new Date('2011-04-10T00:00:00Z'),
) {
  const parsed = parseRoster(csv);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return importRoster(db, parsed.value, { actor: 'test', now });
}

/** Ids of the example roster and the plan, looked up by their codes, for tests. */
export async function branchId(db: DB, code: string): Promise<number> {
  return (await db.selectFrom('branches').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
}

export async function obligationId(db: DB, code: string): Promise<number> {
  return (await db.selectFrom('obligations').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
}

export async function personId(db: DB, slackUserId: string): Promise<number> {
  return (await db.selectFrom('people').select('id').where('slack_user_id', '=', slackUserId).executeTakeFirstOrThrow())
    .id;
}
