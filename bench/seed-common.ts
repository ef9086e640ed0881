/** What the benchmarks' generated stores share; the plan and roster loaders are the tests' (test/helpers/db.ts). */
import type { Insertable, Kysely } from 'kysely';
import type { Database, ReportTable } from '../db/schema.js';
import type { Obligation } from '../src/domain/types.js';

export { loadPlan, loadRoster } from '../test/helpers/db.js';

/** A small deterministic generator, so two runs measure the same store. */
export function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A branch's report of one task as the generated stores hold it: held and submitted on the due
 * date, not yet reviewed. Draws three numbers from `rnd` (participants, summary length, on time).
 */
export function generatedReport(
  rnd: () => number,
  input: {
    obligation: Pick<Obligation, 'id' | 'due'>;
    branchId: number;
    submittedBy: number;
    status: 'accepted' | 'submitted' | 'returned';
  },
): Insertable<ReportTable> {
  const { obligation: ob, branchId } = input;
  return {
    obligation_id: ob.id,
    branch_id: branchId,
    status: input.status,
    held_on: ob.due,
    participants: 5 + Math.floor(rnd() * 80),
    summary: '按要求开展了活动，党员积极参加，取得良好效果。'.repeat(1 + Math.floor(rnd() * 4)),
    evidence: JSON.stringify([{ type: 'link', url: `https://example.org/e/${branchId}/${ob.id}` }]),
    submitted_by: input.submittedBy,
    submitted_at: new Date(`${ob.due}T02:00:00Z`).toISOString(),
    on_time: rnd() < 0.8 ? 1 : 0,
    reviewed_by: null,
    reviewed_at: null,
    review_comment: null,
    version: 1,
    submission_key: null,
  };
}

/** Rows written `size` at a time: SQLite takes at most 32,766 bound values a statement. */
export async function insertBatches<T extends keyof Database & string>(
  db: Kysely<Database>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  size: number,
): Promise<void> {
  for (let i = 0; i < rows.length; i += size)
    await db
      .insertInto(table)
      .values(rows.slice(i, i + size) as never)
      .execute();
}
