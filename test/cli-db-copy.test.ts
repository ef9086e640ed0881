import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listTables, tableChecksum } from '../db/copy.js';
import { openDatabase, type DB } from '../db/index.js';
import { migrateToLatest } from '../db/migrate.js';
import { submitReport } from '../db/queries/reports.js';
import { branchId, loadPlan, loadRoster, obligationId, personId, tempDir } from './helpers/db.js';
import { createTestDatabase, onPostgres } from './helpers/pg.js';
import { runCliLines } from './helpers/cli.js';

/**
 * `db copy --to postgres://…`: a county's SQLite year moved to PostgreSQL. Needs a server, so it
 * runs in the `pg` project; the source is a SQLite file there as everywhere.
 */
let out: string[] = [];
let err: string[] = [];
const open: DB[] = [];

async function cli(source: string, ...argv: string[]): Promise<number> {
  const run = await runCliLines(argv, { DATABASE_URL: source }, '2011-06-20T10:00:00+08:00');
  ({ out, err } = run);
  return run.code;
}

async function countyYear(): Promise<string> {
  const file = path.join(tempDir(), 'county.db');
  const db = openDatabase(file);
  await migrateToLatest(db);
  await loadPlan(db);
  await loadRoster(db);
  await submitReport(
    db,
    {
      obligationId: await obligationId(db, 'A07-COBUILD'),
      branchId: await branchId(db, 'YQ-ZX1'),
      heldOn: '2011-05-04',
      participants: 31,
      summary: '“结对共建”活动 & <b>座谈</b>',
      evidence: [{ type: 'link', url: 'https://example.org/a' }],
      submittedBy: await personId(db, 'U0SEC00001'),
      onTime: true,
    },
    { actor: 'U0SEC00001', now: new Date('2011-05-05T01:02:03.456Z') },
  );
  await db.destroy();
  return file;
}

afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

describe.skipIf(!onPostgres())('db copy --to postgres://…', () => {
  it('when a SQLite year is copied to an empty PostgreSQL database, then every table has the same rows and checksum there, and the ids go on after the copied ones', async () => {
    const source = await countyYear();
    const target = await createTestDatabase('template0');
    expect(await cli(source, 'db', 'copy', '--to', target)).toBe(0);
    expect(err).toEqual([]);
    expect(out.at(-1)).toMatch(/^Copied \d+ tables, \d+ rows, to postgres:\/\/.*same count and checksum/);

    const from = openDatabase(source);
    const to = openDatabase(target);
    open.push(from, to);
    const tables = await listTables(from);
    expect(tables.map((t) => t.name)).toContain('audit_log');
    for (const t of tables) {
      const [a, b] = [await tableChecksum(from, t), await tableChecksum(to, t)];
      expect(b, t.name).toEqual(a);
      expect(out.some((l) => l.startsWith(t.name) && l.includes(`${a.rows} rows`))).toBe(true);
    }
    expect(
      (
        await tableChecksum(
          to,
          tables.find((t) => t.name === 'audit_log')!,
        )
      ).rows,
    ).toBeGreaterThan(0);
    const report = await to.selectFrom('reports').selectAll().executeTakeFirstOrThrow();
    expect(report.summary).toBe('“结对共建”活动 & <b>座谈</b>');
    expect(report.submitted_at).toBe('2011-05-05T01:02:03.456Z');
    // The identity continues after the largest copied id: a new row does not collide.
    const maxId = (await to.selectFrom('audit_log').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
    const added = await to
      .insertInto('audit_log')
      .values({
        at: '2011-06-20T02:00:00.000Z',
        actor: 'test',
        action: 'test.after-copy',
        subject_type: 'test',
        subject_id: null,
        details: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(added.id).toBeGreaterThan(maxId);
  });

  it('when the target already holds data, then the copy is refused with the table named, and nothing is written', async () => {
    const source = await countyYear();
    const target = await createTestDatabase();
    const to = openDatabase(target);
    open.push(to);
    await loadPlan(to);
    const before = await tableChecksum(
      to,
      (await listTables(to)).find((t) => t.name === 'plans')!,
    );
    expect(await cli(source, 'db', 'copy', '--to', target)).toBe(1);
    expect(err.join('\n')).toMatch(/The target is not empty \(\w+ has \d+ rows\)/);
    expect(
      await tableChecksum(
        to,
        (await listTables(to)).find((t) => t.name === 'plans')!,
      ),
    ).toEqual(before);
    expect(await to.selectFrom('reports').select('id').execute()).toEqual([]);
  });

  it('when --to is not a PostgreSQL URL, then it says what is expected and copies nothing', async () => {
    const source = await countyYear();
    expect(await cli(source, 'db', 'copy', '--to', 'other.db')).toBe(1);
    expect(err.join('\n')).toContain('--to must be a PostgreSQL URL');
  });
});
