import type { Kysely, Updateable } from 'kysely';
import type { Reviewed } from '../../src/domain/types.js';
import type { Database } from '../schema.js';
import type { AuditEntry } from './audit.js';
import { updateIfStill, type RowOf } from './once.js';

// What reports and papers share: both wait, version by version, for a leader's review.

/** The tables whose rows wait, version by version, for a leader's review (reports and papers). */
type ReviewedTable = 'reports' | 'papers';

/** Where a report or a paper stands with its review, as the domain reads it. */
export function reviewedOf(row: RowOf<ReviewedTable>): Reviewed {
  return {
    submittedAt: row.submitted_at,
    onTime: row.on_time === 1,
    reviewedBy: row.reviewed_by,
    reviewedAt: row.reviewed_at,
    reviewComment: row.review_comment,
    version: row.version,
  };
}

/**
 * A leader's decision on a row waiting for review, for the version the leader read, in its own
 * transaction: through `updateIfStill`, so two leaders clicking at once (or a retried delivery)
 * decide once, and a row revised since the leader opened it is not decided. `set` holds what the
 * decision changes besides the reviewer, the time and the comment; null when nothing changed.
 */
export function reviewIfStill<T extends ReviewedTable>(
  db: Kysely<Database>,
  review: {
    table: T;
    id: number;
    version: number;
    reviewerId: number;
    comment: string | null;
    set: Updateable<Database[T]>;
    audit: (row: RowOf<T>) => Omit<AuditEntry, 'at' | 'actor'>;
  },
  meta: { actor: string; now: Date },
): Promise<RowOf<T> | null> {
  // Both tables have a `version` and a `status` that is 'submitted' while the row waits; the
  // type parameter hides that from the compiler.
  const waiting = { id: review.id, version: review.version, status: 'submitted' } as { id: number } & Partial<RowOf<T>>;
  return db.transaction().execute((trx) =>
    updateIfStill(
      trx,
      {
        table: review.table,
        where: waiting,
        set: {
          ...review.set,
          reviewed_by: review.reviewerId,
          reviewed_at: meta.now.toISOString(),
          review_comment: review.comment,
        },
        audit: review.audit,
      },
      meta,
    ),
  );
}
