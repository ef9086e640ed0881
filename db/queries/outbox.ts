import type { Kysely, Selectable } from 'kysely';
import type { Database, OutboxState, OutboxTable } from '../schema.js';

export interface OutboxRow {
  id: number;
  job: string;
  key: string;
  recipient: string;
  payload: unknown;
  state: OutboxState;
  attempts: number;
  claimedBy: string | null;
  claimedAt: string | null;
  notBefore: string;
  sentAt: string | null;
  messageTs: string | null;
  lastError: string | null;
  createdAt: string;
}

export interface NewOutboxRow {
  job: string;
  key: string;
  recipient: string;
  payload: unknown;
}

function rowToOutbox(row: Selectable<OutboxTable>): OutboxRow {
  return {
    id: row.id,
    job: row.job,
    key: row.dedupe_key,
    recipient: row.recipient,
    payload: JSON.parse(row.payload) as unknown,
    state: row.state,
    attempts: row.attempts,
    claimedBy: row.claimed_by,
    claimedAt: row.claimed_at,
    notBefore: row.not_before,
    sentAt: row.sent_at,
    messageTs: row.message_ts,
    lastError: row.last_error,
    createdAt: row.created_at,
  };
}

// SQLite allows 32,766 bound parameters a statement; 7 a row leaves ample room at 500 rows.
const INSERT_CHUNK = 500;

/**
 * Writes what a job will send. A key already present (sent, pending, or dead) is skipped, so a
 * rerun, a second process or a restart never queues the same thing twice. Each chunk is one
 * statement: no transaction is held, and a crash between chunks is healed by the next run.
 * Returns the keys that were new.
 */
export async function enqueue(db: Kysely<Database>, rows: NewOutboxRow[], now: Date): Promise<string[]> {
  const at = now.toISOString();
  const inserted: string[] = [];
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const chunk = rows.slice(i, i + INSERT_CHUNK);
    const result = await db
      .insertInto('outbox')
      .values(
        chunk.map((r) => ({
          job: r.job,
          dedupe_key: r.key,
          recipient: r.recipient,
          payload: JSON.stringify(r.payload),
          state: 'pending' as const,
          attempts: 0,
          not_before: at,
          created_at: at,
        })),
      )
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('dedupe_key')
      .execute();
    for (const r of result) inserted.push(r.dedupe_key);
  }
  return inserted;
}

/** Which of `keys` are already in the outbox, whatever their state (for dry runs). */
export async function existingKeys(db: Kysely<Database>, keys: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < keys.length; i += INSERT_CHUNK) {
    const chunk = keys.slice(i, i + INSERT_CHUNK);
    const rows = await db.selectFrom('outbox').select('dedupe_key').where('dedupe_key', 'in', chunk).execute();
    for (const r of rows) out.add(r.dedupe_key);
  }
  return out;
}

/**
 * Recipients with at least one row that may be claimed now, the most rows first: a channel's
 * posts must be a second apart, so the longest queue starts first and the run ends sooner.
 */
export async function claimableRecipients(
  db: Kysely<Database>,
  now: Date,
  claimExpiredBefore: Date,
): Promise<string[]> {
  const rows = await db
    .selectFrom('outbox')
    .select(['recipient'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) =>
      eb.or([
        eb.and([eb('state', 'in', ['pending', 'failed']), eb('not_before', '<=', now.toISOString())]),
        eb.and([eb('state', '=', 'sending'), eb('claimed_at', '<', claimExpiredBefore.toISOString())]),
      ]),
    )
    .groupBy('recipient')
    .orderBy('n', 'desc')
    .orderBy('recipient')
    .execute();
  return rows.map((r) => r.recipient);
}

/**
 * Claims every claimable row of one recipient in a single UPDATE, so two senders never both hold
 * a row: the database decides, and no transaction stays open while Slack is called. A row left
 * 'sending' by a process that died is claimable again once its claim is older than the expiry.
 */
export async function claimRecipient(
  db: Kysely<Database>,
  recipient: string,
  claimer: string,
  now: Date,
  claimExpiredBefore: Date,
): Promise<OutboxRow[]> {
  const rows = await db
    .updateTable('outbox')
    .set((eb) => ({
      state: 'sending' as const,
      claimed_by: claimer,
      claimed_at: now.toISOString(),
      attempts: eb('attempts', '+', 1),
    }))
    .where('recipient', '=', recipient)
    .where((eb) =>
      eb.or([
        eb.and([eb('state', 'in', ['pending', 'failed']), eb('not_before', '<=', now.toISOString())]),
        eb.and([eb('state', '=', 'sending'), eb('claimed_at', '<', claimExpiredBefore.toISOString())]),
      ]),
    )
    .returningAll()
    .execute();
  return rows.map(rowToOutbox).sort((a, b) => a.id - b.id);
}

/** Keeps a long send's claim fresh (a 429 wait), so no other sender takes the rows over. */
export async function renewClaim(db: Kysely<Database>, ids: number[], claimer: string, now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox')
    .set({ claimed_at: now.toISOString() })
    .where('id', 'in', ids)
    .where('claimed_by', '=', claimer)
    .where('state', '=', 'sending')
    .execute();
}

export async function markSent(
  db: Kysely<Database>,
  ids: number[],
  claimer: string,
  ts: string,
  now: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox')
    .set({ state: 'sent', message_ts: ts, sent_at: now.toISOString(), last_error: null })
    .where('id', 'in', ids)
    .where('claimed_by', '=', claimer)
    .execute();
}

/** Gives rows back: 'failed' to retry from notBefore, or 'dead' for an error that will not heal. */
export async function release(
  db: Kysely<Database>,
  ids: number[],
  claimer: string,
  outcome: { state: 'failed' | 'pending' | 'dead'; notBefore: Date; error: string | null },
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox')
    .set({ state: outcome.state, not_before: outcome.notBefore.toISOString(), last_error: outcome.error })
    .where('id', 'in', ids)
    .where('claimed_by', '=', claimer)
    .where('state', '=', 'sending')
    .execute();
}

export async function findByKey(db: Kysely<Database>, key: string): Promise<OutboxRow | null> {
  const row = await db.selectFrom('outbox').selectAll().where('dedupe_key', '=', key).executeTakeFirst();
  return row ? rowToOutbox(row) : null;
}

export async function listOutbox(
  db: Kysely<Database>,
  filter: { job?: string; state?: OutboxState } = {},
): Promise<OutboxRow[]> {
  let q = db.selectFrom('outbox').selectAll().orderBy('id');
  if (filter.job) q = q.where('job', '=', filter.job);
  if (filter.state) q = q.where('state', '=', filter.state);
  return (await q.execute()).map(rowToOutbox);
}

export async function countByState(db: Kysely<Database>): Promise<Record<OutboxState, number>> {
  const rows = await db
    .selectFrom('outbox')
    .select(['state'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .groupBy('state')
    .execute();
  const out: Record<OutboxState, number> = { pending: 0, sending: 0, sent: 0, failed: 0, dead: 0 };
  for (const r of rows) out[r.state] = Number(r.n);
  return out;
}

/** Dead rows of `jobs`, for the one-time report to admins. */
export async function listDead(db: Kysely<Database>, jobs: string[]): Promise<OutboxRow[]> {
  if (jobs.length === 0) return [];
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('state', '=', 'dead')
    .where('job', 'in', jobs)
    .orderBy('id')
    .execute();
  return rows.map(rowToOutbox);
}
