import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index.js';
import { freshDb, loadPlan, loadRoster, ROOT } from './helpers/db.js';
import { onPostgres } from './helpers/pg.js';

const WRITES = 400;

interface WriterResult {
  stored: number;
  failed: number;
  errors: string[];
}

/** Starts a writer process and resolves once it has opened the store and waits for "go". */
function startWriter(file: string, label: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test/helpers/writer-process.ts'), file, String(WRITES), label],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = readline.createInterface({ input: child.stdout! });
  const output: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    lines.on('line', (line) => (line === 'ready' ? resolve() : output.push(line)));
  });
  const done = new Promise<WriterResult>((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 && output.length === 1
        ? resolve(JSON.parse(output[0]!) as WriterResult)
        : reject(new Error(`writer ${label} exited ${code}: ${output.join('\n')}`)),
    ),
  );
  return { ready, done, go: () => child.stdin!.end('go\n') };
}

describe('two processes writing to one database file', () => {
  it('when two processes submit reports at once, each reading then writing, then every write succeeds', async () => {
    const { db, file } = await freshDb();
    await loadPlan(db);
    await loadRoster(db);
    const auditBefore = (await db.selectFrom('audit_log').select('id').execute()).length;
    await db.destroy();

    const writers = [startWriter(file, 'a'), startWriter(file, 'b')];
    await Promise.all(writers.map((w) => w.ready));
    for (const w of writers) w.go();
    const results = await Promise.all(writers.map((w) => w.done));

    expect(results).toEqual([
      { stored: WRITES, failed: 0, errors: [] },
      { stored: WRITES, failed: 0, errors: [] },
    ]);
    const after = openDatabase(file);
    const report = await after.selectFrom('reports').select('version').executeTakeFirstOrThrow();
    expect(report.version).toBe(2 * WRITES);
    expect((await after.selectFrom('audit_log').select('id').execute()).length).toBe(auditBefore + 2 * WRITES);
    await after.destroy();
  }, 60_000);
});

// SQLite's BEGIN IMMEDIATE and pragma query_only, tested on the file itself (another connection
// holds its lock): PostgreSQL's counterpart, the writer lock, is tested in db-postgres.test.ts.
describe.skipIf(onPostgres())('how transactions begin', () => {
  it('when another connection holds the write lock, then a transaction asks for it at BEGIN and a read-only one does not', async () => {
    const { db, file } = await freshDb();
    // No waiting, so asking for the lock shows at once as SQLITE_BUSY.
    await sql`pragma busy_timeout = 0`.execute(db);
    const other = new SQLite(file);
    other.exec('begin immediate');
    try {
      await expect(
        db.transaction().execute(async (trx) => trx.selectFrom('plans').select('id').execute()),
      ).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      const read = await db
        .transaction()
        .setAccessMode('read only')
        .execute(async (trx) => trx.selectFrom('plans').select('id').execute());
      expect(read).toEqual([]);
    } finally {
      other.exec('rollback');
      other.close();
      await db.destroy();
    }
  });

  it('when a read-only transaction writes, then the write is refused and later transactions write again', async () => {
    const { db } = await freshDb();
    const write = (trx: typeof db) =>
      trx
        .insertInto('audit_log')
        .values({
          at: '2011-04-10T00:00:00.000Z',
          actor: 't',
          action: 'x',
          subject_type: 'x',
          subject_id: null,
          details: '{}',
        })
        .execute();
    await expect(db.transaction().setAccessMode('read only').execute(write)).rejects.toThrow(/readonly/);
    await db.transaction().execute(write);
    await write(db);
    expect(await db.selectFrom('audit_log').select('id').execute()).toHaveLength(2);
    await db.destroy();
  });
});
