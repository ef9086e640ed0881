import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

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
