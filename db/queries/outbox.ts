import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import { dialectOf } from '../index.js';
import type { Database, OutboxState, OutboxTable } from '../schema.js';
import { audit } from './audit.js';

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
  /** The key carried by the message this row was last sent in: set, and not sent, means it may have been posted. */
  sentAs: string | null;
  requeues: number;
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
    sentAs: row.sent_as,
    requeues: row.requeues,
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
 *
 * On PostgreSQL the rows are picked with `FOR UPDATE SKIP LOCKED`, so replicas draining at once
 * pass over a recipient another is claiming instead of queueing behind its row locks. The claim
 * itself is still the UPDATE's own condition, checked again on the locked rows: SKIP LOCKED only
 * chooses which rows to try (docs/decisions/012-postgres-replicas.md).
 */
export async function claimRecipient(
  db: Kysely<Database>,
  recipient: string,
  claimer: string,
  now: Date,
  claimExpiredBefore: Date,
): Promise<OutboxRow[]> {
  const claimable = (eb: ExpressionBuilder<Database, 'outbox'>) =>
    eb.and([
      eb('recipient', '=', recipient),
      eb.or([
        eb.and([eb('state', 'in', ['pending', 'failed']), eb('not_before', '<=', now.toISOString())]),
        eb.and([eb('state', '=', 'sending'), eb('claimed_at', '<', claimExpiredBefore.toISOString())]),
      ]),
    ]);
  let update = db
    .updateTable('outbox')
    .set((eb) => ({
      state: 'sending' as const,
      claimed_by: claimer,
      claimed_at: now.toISOString(),
      attempts: eb('attempts', '+', 1),
    }))
    .where(claimable);
  if (dialectOf(db) === 'postgres')
    update = update.where('id', 'in', (eb) =>
      eb.selectFrom('outbox').select('id').where(claimable).forUpdate().skipLocked(),
    );
  const rows = await update.returningAll().execute();
  return rows.map(rowToOutbox).sort((a, b) => a.id - b.id);
}

/**
 * Names the message these rows go out in (its metadata carries `sentAs`), before the request
 * leaves: a sender that dies or loses the answer leaves them marked, and the next reads the
 * recipient's history for that key instead of sending blindly again.
 */
export async function markSending(db: Kysely<Database>, ids: number[], claimer: string, sentAs: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox')
    .set({ sent_as: sentAs })
    .where('id', 'in', ids)
    .where('claimed_by', '=', claimer)
    .where('state', '=', 'sending')
    .execute();
}

/** These rows are known not to have been posted (Slack said so, or their recipient's history): nothing to look up later. */
export async function clearSentAs(db: Kysely<Database>, ids: number[], claimer: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox')
    .set({ sent_as: null })
    .where('id', 'in', ids)
    .where('claimed_by', '=', claimer)
    .where('sent_as', 'is not', null)
    .execute();
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

export interface ReleaseOutcome {
  /** 'failed' or 'pending' to retry from notBefore, 'blocked' to wait for an operator, 'dead' for good. */
  state: 'failed' | 'pending' | 'blocked' | 'dead';
  notBefore: Date;
  error: string | null;
  /** The claim is not counted: the failure was the operator's to fix (a token, a scope, a channel), not the row's. */
  refund?: boolean;
}

/** Gives rows back, as `outcome` says. */
export async function release(
  db: Kysely<Database>,
  ids: number[],
  claimer: string,
  outcome: ReleaseOutcome,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox')
    .set((eb) => ({
      state: outcome.state,
      not_before: outcome.notBefore.toISOString(),
      last_error: outcome.error,
      ...(outcome.refund ? { attempts: eb('attempts', '-', 1) } : {}),
    }))
    .where('id', 'in', ids)
    .where('claimed_by', '=', claimer)
    .where('state', '=', 'sending')
    .execute();
}

/** What `requeue` takes: rows by key, by their last error, or every row that waits for an operator. */
export type RequeueSelector = { keys: string[] } | { error: string } | { all: true };

/** The states a row is requeued from: dead, blocked (waiting for an operator), failed (waiting for a later run). */
export const REQUEUE_STATES: readonly OutboxState[] = ['dead', 'blocked', 'failed'];

/** The rows `requeue` would take, oldest first. */
export async function findRequeueable(db: Kysely<Database>, selector: RequeueSelector): Promise<OutboxRow[]> {
  let q = db
    .selectFrom('outbox')
    .selectAll()
    .where('state', 'in', [...REQUEUE_STATES])
    .orderBy('id');
  if ('keys' in selector) {
    if (selector.keys.length === 0) return [];
    q = q.where('dedupe_key', 'in', selector.keys);
  } else if ('error' in selector) q = q.where('last_error', '=', selector.error);
  return (await q.execute()).map(rowToOutbox);
}

/**
 * Sends rows again (an operator fixed what stopped them): they become pending now, with their
 * attempts counted afresh, in one transaction with its audit record. Rows in flight or sent are
 * never touched, so two requeues at once, or a requeue during a run, queue each row once.
 */
export async function requeue(
  db: Kysely<Database>,
  selector: RequeueSelector,
  meta: { actor: string; now: Date },
): Promise<OutboxRow[]> {
  return db.transaction().execute(async (trx) => {
    const rows = await findRequeueable(trx, selector);
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const at = meta.now.toISOString();
    for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
      await trx
        .updateTable('outbox')
        .set((eb) => ({
          state: 'pending' as const,
          not_before: at,
          attempts: 0,
          claimed_by: null,
          claimed_at: null,
          requeues: eb('requeues', '+', 1),
        }))
        .where('id', 'in', ids.slice(i, i + INSERT_CHUNK))
        .where('state', 'in', [...REQUEUE_STATES])
        .execute();
    }
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: 'outbox.requeue',
      subjectType: 'outbox',
      details: {
        selector,
        rows: rows.length,
        keys: rows.slice(0, 100).map((r) => r.key),
        states: [...new Set(rows.map((r) => r.state))],
      },
    });
    return rows;
  });
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
  const out = emptyCounts();
  for (const r of rows) out[r.state] = Number(r.n);
  return out;
}

function emptyCounts(): Record<OutboxState, number> {
  return { pending: 0, sending: 0, sent: 0, failed: 0, blocked: 0, dead: 0 };
}

export interface JobOutbox {
  job: string;
  counts: Record<OutboxState, number>;
  /** The error of the latest row of the job that is not sent, if it has one. */
  lastError: string | null;
}

/** Each job's rows by state, and the last error among those not sent (for `jobs status`). */
export async function outboxByJob(db: Kysely<Database>): Promise<JobOutbox[]> {
  const rows = await db
    .selectFrom('outbox')
    .select(['job', 'state'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .groupBy(['job', 'state'])
    .orderBy('job')
    .execute();
  const byJob = new Map<string, JobOutbox>();
  for (const r of rows) {
    const entry = byJob.get(r.job) ?? { job: r.job, counts: emptyCounts(), lastError: null };
    entry.counts[r.state] = Number(r.n);
    byJob.set(r.job, entry);
  }
  for (const entry of byJob.values()) {
    const last = await db
      .selectFrom('outbox')
      .select('last_error')
      .where('job', '=', entry.job)
      .where('state', '!=', 'sent')
      .where('last_error', 'is not', null)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    entry.lastError = last?.last_error ?? null;
  }
  return [...byJob.values()];
}

/** Rows of `jobs` in `state` (dead or blocked), for the one-time report to admins. */
export async function listInState(
  db: Kysely<Database>,
  state: 'dead' | 'blocked',
  jobs: string[],
): Promise<OutboxRow[]> {
  if (jobs.length === 0) return [];
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('state', '=', state)
    .where('job', 'in', jobs)
    .orderBy('id')
    .execute();
  return rows.map(rowToOutbox);
}
