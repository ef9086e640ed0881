import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../index.js';
import type { Database } from '../schema.js';

// The advisory locks' first key: this application's jobs (the second is the job's name, hashed).
const JOB_LOCKS = 0x6a6f6273; // 'jobs'

/**
 * Runs `fn` holding the job's lock, so that one process at a time runs a given job across every
 * replica on the database (docs/decisions/012-postgres-replicas.md). On PostgreSQL it is a
 * session advisory lock on a connection held for the run: a replica that comes second waits, then
 * finds the slot recorded and skips it; a holder that dies (SIGKILL, a lost machine) loses its
 * connection and with it the lock, and the next in line runs what was left. SQLite's file is on
 * one machine and its processes already share the outbox's claims (decision 001): there the
 * in-process `oneAtATime` is the lock, and `fn` simply runs.
 */
export async function withJobLock<T>(db: Kysely<Database>, job: string, fn: () => Promise<T>): Promise<T> {
  if (dialectOf(db) !== 'postgres') return fn();
  return db.connection().execute(async (conn) => {
    // Polled rather than waited on: the connections' lock_timeout (5 s) is for writers, and a run
    // of another replica may take minutes.
    for (;;) {
      const { rows } = await sql<{
        got: boolean | number;
      }>`select pg_try_advisory_lock(${JOB_LOCKS}, hashtext(${job})) as got`.execute(conn);
      if (rows[0]?.got) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    try {
      return await fn();
    } finally {
      // A connection lost meanwhile (the server restarted) took its lock with it: nothing to give back.
      await sql`select pg_advisory_unlock(${JOB_LOCKS}, hashtext(${job}))`.execute(conn).catch(() => undefined);
    }
  });
}

export interface JobRun {
  job: string;
  lastSlot: string | null;
  lastStartedAt: string | null;
  lastCompletedAt: string | null;
  lastError: string | null;
}

export async function getJobRun(db: Kysely<Database>, job: string): Promise<JobRun> {
  const row = await db.selectFrom('job_runs').selectAll().where('job', '=', job).executeTakeFirst();
  return {
    job,
    lastSlot: row?.last_slot ?? null,
    lastStartedAt: row?.last_started_at ?? null,
    lastCompletedAt: row?.last_completed_at ?? null,
    lastError: row?.last_error ?? null,
  };
}

async function ensureRow(db: Kysely<Database>, job: string): Promise<void> {
  await db
    .insertInto('job_runs')
    .values({ job, last_slot: null, last_started_at: null, last_completed_at: null, last_error: null })
    .onConflict((oc) => oc.column('job').doNothing())
    .execute();
}

export async function markJobStarted(db: Kysely<Database>, job: string, now: Date): Promise<void> {
  await ensureRow(db, job);
  await db.updateTable('job_runs').set({ last_started_at: now.toISOString() }).where('job', '=', job).execute();
}

/** Records a completed slot; never moves last_slot backwards (a late `--now` run does not rewind). */
export async function markJobCompleted(db: Kysely<Database>, job: string, slot: Date, now: Date): Promise<void> {
  await ensureRow(db, job);
  const at = slot.toISOString();
  await db
    .updateTable('job_runs')
    .set({ last_completed_at: now.toISOString(), last_error: null })
    .where('job', '=', job)
    .execute();
  await db
    .updateTable('job_runs')
    .set({ last_slot: at })
    .where('job', '=', job)
    .where((eb) => eb.or([eb('last_slot', 'is', null), eb('last_slot', '<', at)]))
    .execute();
}

export async function markJobFailed(db: Kysely<Database>, job: string, error: string): Promise<void> {
  await ensureRow(db, job);
  await db
    .updateTable('job_runs')
    .set({ last_error: error.slice(0, 2000) })
    .where('job', '=', job)
    .execute();
}

export async function listJobRuns(db: Kysely<Database>): Promise<JobRun[]> {
  const rows = await db.selectFrom('job_runs').selectAll().orderBy('job').execute();
  return rows.map((r) => ({
    job: r.job,
    lastSlot: r.last_slot,
    lastStartedAt: r.last_started_at,
    lastCompletedAt: r.last_completed_at,
    lastError: r.last_error,
  }));
}
