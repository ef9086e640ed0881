import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../schema.js';
import { audit, type AuditEntry } from './audit.js';

// Writes that must happen once although a click can come twice: Slack retries deliveries, people
// press again, and several replicas may take the same request.

/** Every table whose rows are named by a numeric `id`. */
type TableWithId = {
  [T in keyof Database]: Selectable<Database[T]> extends { id: number } ? T : never;
}[keyof Database];

/** Every table that keeps the key of the Slack delivery (the view id) that stored a row. */
type TableWithSubmissionKey = {
  [T in keyof Database]: Selectable<Database[T]> extends { submission_key: string | null } ? T : never;
}[keyof Database];

/** A row of the table, as a select returns it. */
export type RowOf<T extends keyof Database> = Selectable<Database[T]>;

/** Kysely cannot check a column name against a table chosen by a type parameter; the signature does. */
type AnyTables = Record<string, Record<string, unknown>>;

/**
 * Changes one row only while it is still as the caller read it (its status, its version, its
 * claim): the update itself carries the condition, so of two clicks, two replicas or a retried
 * delivery one changes the row and the others find nothing. The audit record, built from the row as
 * changed, is written in the same transaction; null, and no record, when nothing changed. Call it
 * inside the caller's transaction.
 */
export async function updateIfStill<T extends TableWithId>(
  trx: Kysely<Database>,
  change: {
    table: T;
    /** The row's id and the values it must still have. */
    where: { id: number } & Partial<RowOf<T>>;
    set: Updateable<Database[T]>;
    audit: (row: RowOf<T>) => Omit<AuditEntry, 'at' | 'actor'>;
  },
  meta: { actor: string; now: Date },
): Promise<RowOf<T> | null> {
  let update = (trx as unknown as Kysely<AnyTables>)
    .updateTable(change.table as string)
    .set(change.set as Record<string, unknown>);
  for (const [column, value] of Object.entries(change.where)) {
    // `= null` matches no row in SQL: a caller that means "still null" must say so another way.
    if (value === null || value === undefined) throw new Error(`updateIfStill: ${column} has no value to match`);
    update = update.where(column, '=', value);
  }
  const row = (await update.returningAll().executeTakeFirst()) as RowOf<T> | undefined;
  if (!row) return null;
  await audit(trx, { at: meta.now, actor: meta.actor, ...change.audit(row) });
  return row;
}

/**
 * Stores the row a submission makes with its audit record, built from the row as stored, in the
 * caller's transaction: after `sameSubmission` found no earlier delivery of it, and after the
 * checks that may refuse it, so that the row and its record land together or not at all.
 */
export async function insertSubmitted<T extends TableWithSubmissionKey>(
  trx: Kysely<Database>,
  insert: {
    table: T;
    values: Insertable<Database[T]>;
    audit: (row: RowOf<T>) => Omit<AuditEntry, 'at' | 'actor'>;
  },
  meta: { actor: string; now: Date },
): Promise<RowOf<T>> {
  const row = (await (trx as unknown as Kysely<AnyTables>)
    .insertInto(insert.table as string)
    .values(insert.values as Record<string, unknown>)
    .returningAll()
    .executeTakeFirstOrThrow()) as RowOf<T>;
  await audit(trx, { at: meta.now, actor: meta.actor, ...insert.audit(row) });
  return row;
}

/**
 * The row the same delivery stored before (Slack retries, Bolt does not de-duplicate), so that the
 * second one stores nothing; undefined when there is none, or no key to match by.
 */
export async function sameSubmission<T extends TableWithSubmissionKey>(
  trx: Kysely<Database>,
  table: T,
  submissionKey: string | null | undefined,
): Promise<RowOf<T> | undefined> {
  if (!submissionKey) return undefined;
  return (await (trx as unknown as Kysely<AnyTables>)
    .selectFrom(table as string)
    .selectAll()
    .where('submission_key', '=', submissionKey)
    .executeTakeFirst()) as RowOf<T> | undefined;
}
