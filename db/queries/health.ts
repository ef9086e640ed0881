import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

class RolledBack extends Error {}

/**
 * Proves the database takes a write: takes the write lock (transactions begin IMMEDIATE), writes a
 * row, and rolls it back. `select 1` answers while the file is read-only or another writer holds
 * the lock past the busy timeout; every real write would then fail. It does not prove the disk has
 * room for the commit.
 */
export async function checkWritable(db: Kysely<Database>): Promise<void> {
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('job_runs')
        .values({
          job: '(health check)',
          last_slot: null,
          last_started_at: null,
          last_completed_at: null,
          last_error: null,
        })
        .execute();
      throw new RolledBack();
    });
  } catch (err) {
    if (!(err instanceof RolledBack)) throw err;
  }
}
