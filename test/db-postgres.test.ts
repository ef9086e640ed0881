import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { dialectOf, openDatabase, type DB } from '../db/index.js';
import { claimRecipient, enqueue } from '../db/queries/outbox.js';
import { findJob } from '../jobs/index.js';
import { runJob, SLOT_ALREADY_RUN } from '../src/delivery/scheduler.js';
import { startBot, type TestBot } from './helpers/bot.js';
import { freshDb } from './helpers/db.js';
import { onPostgres } from './helpers/pg.js';

/** What PostgreSQL adds (docs/decisions/012-postgres-replicas.md): values as SQLite gives them, the writer lock, the job lock, the claims. */
const open: DB[] = [];
const bots: TestBot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.close();
  for (const db of open.splice(0)) await db.destroy();
});

async function twoHandles(): Promise<[DB, DB]> {
  const { db, file } = await freshDb();
  const other = openDatabase(file);
  open.push(db, other);
  return [db, other];
}

describe.skipIf(!onPostgres())('the PostgreSQL store', () => {
  it('when an expression gives a bigint, a numeric, a boolean, a date or a timestamp, then it comes back as SQLite gives it', async () => {
    const [db] = await twoHandles();
    expect(dialectOf(db)).toBe('postgres');
    const row = (
      await sql<Record<string, unknown>>`select count(*) as n, sum(1::int8) as s, 1 = 1 as yes, 1 = 2 as no,
        date '2011-06-20' as d, timestamptz '2011-06-20 10:00:00+08' as t, 0.1::float8 as f`.execute(db)
    ).rows[0];
    expect(row).toEqual({ n: 1, s: 1, yes: 1, no: 0, d: '2011-06-20', t: '2011-06-20T02:00:00.000Z', f: 0.1 });
    const weight = await db.selectFrom('obligations').select('weight').executeTakeFirst();
    expect(weight).toBeUndefined();
    // `real` is double precision here, as on SQLite: 0.1 stays 0.1.
    const type = await sql<{
      t: string;
    }>`select data_type as t from information_schema.columns where table_name = 'obligations' and column_name = 'weight'`.execute(
      db,
    );
    expect(type.rows[0]!.t).toBe('double precision');
  });

  it('when two handles read then write the same row at once, then the writer lock orders them and neither loses its write', async () => {
    const [a, b] = await twoHandles();
    await a
      .insertInto('job_runs')
      .values({ job: 'counter', last_slot: '0', last_started_at: null, last_completed_at: null, last_error: null })
      .execute();
    const bump = (db: DB) =>
      db.transaction().execute(async (trx) => {
        const { last_slot } = await trx
          .selectFrom('job_runs')
          .select('last_slot')
          .where('job', '=', 'counter')
          .executeTakeFirstOrThrow();
        await new Promise((resolve) => setTimeout(resolve, 5));
        await trx
          .updateTable('job_runs')
          .set({ last_slot: String(Number(last_slot) + 1) })
          .where('job', '=', 'counter')
          .execute();
      });
    await Promise.all(Array.from({ length: 20 }, (_, i) => bump(i % 2 ? a : b)));
    const row = await a
      .selectFrom('job_runs')
      .select('last_slot')
      .where('job', '=', 'counter')
      .executeTakeFirstOrThrow();
    expect(row.last_slot).toBe('20');
  });

  it('when a read-only transaction writes, then PostgreSQL refuses it and nothing is stored', async () => {
    const [db] = await twoHandles();
    await expect(
      db
        .transaction()
        .setAccessMode('read only')
        .execute((trx) =>
          trx
            .insertInto('job_runs')
            .values({ job: 'x', last_slot: null, last_started_at: null, last_completed_at: null, last_error: null })
            .execute(),
        ),
    ).rejects.toThrow(/read-only transaction/);
    expect(await db.selectFrom('job_runs').selectAll().execute()).toEqual([]);
  });

  it('when two senders claim the same recipient at once, then each row is held by one of them', async () => {
    const [a, b] = await twoHandles();
    const now = new Date('2011-06-20T01:00:00Z');
    await enqueue(
      a,
      Array.from({ length: 50 }, (_, i) => ({
        job: 'test',
        key: `k${i}`,
        recipient: 'U1',
        payload: { kind: 'message', text: `m${i}` },
      })),
      now,
    );
    const expired = new Date(now.getTime() - 600_000);
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => claimRecipient(i % 2 ? a : b, 'U1', `sender-${i}`, now, expired)),
    );
    const ids = claims.flat().map((r) => r.id);
    expect(ids).toHaveLength(50);
    expect(new Set(ids).size).toBe(50);
  });

  it('when two bots tick the same slot at once, then one runs it and the other finds it run', async () => {
    const one = await startBot({ now: '2011-06-20T09:00:00+08:00' });
    bots.push(one);
    const other = openDatabase(one.ctx.config.databaseUrl);
    open.push(other);
    const job = findJob('reminders')!;
    const now = new Date('2011-06-20T09:00:00+08:00');
    const outcomes = await Promise.all([
      runJob(one.ctx, job, { now, once: true }),
      runJob({ ...one.ctx, db: other }, job, { now, once: true }),
    ]);
    expect(outcomes.filter((o) => o.summary.includes(SLOT_ALREADY_RUN))).toHaveLength(1);
    const keys = one.fake.succeeded('chat.postMessage').map((c) => JSON.stringify(c.args.metadata));
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
