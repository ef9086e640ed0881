import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index.js';
import { tempDir } from './helpers/db.js';
import { onPostgres } from './helpers/pg.js';

// The SQLite file's own settings (WAL, pragmas, its statement cache); PostgreSQL's are in db-postgres.test.ts.
describe.skipIf(onPostgres())('the SQLite store', () => {
  it('when a query runs again after the schema changed, then the reused statement sees the new schema', async () => {
    const db = openDatabase(path.join(tempDir(), 'x.db'));
    await sql`create table t (a integer)`.execute(db);
    await sql`insert into t (a) values (1)`.execute(db);
    const query = () => sql<Record<string, unknown>>`select * from t`.execute(db);
    expect((await query()).rows).toEqual([{ a: 1 }]);
    await sql`alter table t add column b text default 'x'`.execute(db);
    expect((await query()).rows).toEqual([{ a: 1, b: 'x' }]);
    await db.destroy();
  });

  it('when it is opened, then WAL, foreign keys and a busy timeout are on', async () => {
    const db = openDatabase(path.join(tempDir(), 'y.db'));
    expect((await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db)).rows[0]!.journal_mode).toBe('wal');
    expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]!.foreign_keys).toBe(1);
    expect((await sql<{ timeout: number }>`pragma busy_timeout`.execute(db)).rows[0]!.timeout).toBe(5000);
    await db.destroy();
  });
});
