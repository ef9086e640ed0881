/** What the benchmarks' generated stores share; the plan and roster loaders are the tests' (test/helpers/db.ts). */
import type { Insertable, Kysely } from 'kysely';
import { migrateToLatest } from '../db/migrate.js';
import { listObligations } from '../db/queries/plans.js';
import type { Database, ExemptionTable, ExtensionTable, PaperTable, ReportTable } from '../db/schema.js';
import { appliesToBranch, type Category, type Obligation } from '../src/domain/types.js';
import { loadPlan, loadRoster } from '../test/helpers/db.js';

/** The roster file's columns (examples/roster.csv), the header of a generated roster. */
export const ROSTER_HEADER = 'branch_code,branch_name,category,slack_user_id,name,role,rank';

/** A generated branch's code: `B` and its index, zero-padded to `digits`. */
export const branchCode = (i: number, digits = 4) => `B${String(i).padStart(digits, '0')}`;

/** What every generated store starts from: the plan, its tasks, and each branch's secretary. */
export interface SeededPlan {
  planId: number;
  obligations: Obligation[];
  /** branch id → its secretary's person id. */
  secretaries: Map<number, number>;
}

/**
 * A migrated store holding the 2011 plan and a roster of `rows` (CSV lines under `header`), both
 * imported on the plan's import date.
 */
export async function seedStore(
  db: Kysely<Database>,
  rows: readonly string[],
  header = ROSTER_HEADER,
): Promise<SeededPlan> {
  await migrateToLatest(db);
  const { planId } = await loadPlan(db);
  await loadRoster(db, [header, ...rows].join('\n'));
  const secretaries = await db.selectFrom('branch_secretaries').select(['branch_id', 'person_id']).execute();
  return {
    planId,
    obligations: await listObligations(db, planId),
    secretaries: new Map(secretaries.map((r) => [r.branch_id, r.person_id])),
  };
}

/**
 * Each task of each branch, branch by branch: the obligations that apply to it (its category's,
 * and its own rectification tasks).
 */
export function* branchTasks<B extends { id: number; category: string }>(
  branches: readonly B[],
  obligations: readonly Obligation[],
): Generator<[B, Obligation]> {
  for (const b of branches)
    for (const ob of obligations)
      if (appliesToBranch(ob, { id: b.id, category: b.category as Category })) yield [b, ob];
}

/** The review columns of a row nobody has reviewed yet (a report, a paper, a nomination). */
export const UNREVIEWED = { reviewed_by: null, reviewed_at: null, review_comment: null } as const;

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
    ...UNREVIEWED,
    version: 1,
    submission_key: null,
  };
}

/** What happened to the tasks of a generated store, table by table: filled by a seed, written by `insertAll`. */
export function emptyHistory(): {
  reports: Insertable<ReportTable>[];
  extensions: Insertable<ExtensionTable>[];
  exemptions: Insertable<ExemptionTable>[];
} {
  return { reports: [], extensions: [], exemptions: [] };
}

/** A branch's task exempted on `grantedAt` (an ISO time), not revoked. */
export function grantedExemption(
  ob: Pick<Obligation, 'id'>,
  branch: { id: number },
  input: { grantedBy: number; grantedAt: string; reason: string },
): Insertable<ExemptionTable> {
  return {
    obligation_id: ob.id,
    branch_id: branch.id,
    reason: input.reason,
    granted_by: input.grantedBy,
    granted_at: input.grantedAt,
    revoked_at: null,
  };
}

/** A branch's task given until `newDue`: asked for by the branch, approved (by `decidedBy`, null when not recorded). */
export function approvedExtension(
  ob: Pick<Obligation, 'id'>,
  branch: { id: number },
  input: { requestedBy: number; requestedAt: string; newDue: string; decidedBy: number | null; decidedAt: string },
): Insertable<ExtensionTable> {
  return {
    obligation_id: ob.id,
    branch_id: branch.id,
    requested_by: input.requestedBy,
    requested_at: input.requestedAt,
    new_due: input.newDue,
    reason: '延期',
    status: 'approved',
    decided_by: input.decidedBy,
    decided_at: input.decidedAt,
    decision_comment: null,
    submission_key: null,
  };
}

/** A party paper (党建论文) submitted on time on `submittedAt` (an ISO time), not yet reviewed. */
export function submittedPaper(
  planId: number,
  authorId: number,
  input: { title: string; submittedAt: string },
): Insertable<PaperTable> {
  return {
    plan_id: planId,
    author_id: authorId,
    kind: 'party_paper',
    title: input.title,
    abstract: '摘要',
    link: null,
    file_id: null,
    file_permalink: null,
    coauthors: '[]',
    status: 'submitted',
    excellent: 0,
    submitted_at: input.submittedAt,
    on_time: 1,
    ...UNREVIEWED,
    submission_key: null,
  };
}

/** Generated rows by table. */
export type RowsByTable = { [T in keyof Database]?: readonly Insertable<Database[T]>[] };

/** Writes generated rows in one transaction, table by table in the order given. */
export async function insertAll(db: Kysely<Database>, rows: RowsByTable, size: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const [table, list] of Object.entries(rows)) await insertBatches(trx, table as keyof Database, list, size);
  });
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
