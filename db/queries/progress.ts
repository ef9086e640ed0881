import type { Kysely } from 'kysely';
import type { BranchFacts } from '../../src/domain/owed.js';
import type { LocalDate, Rank } from '../../src/domain/types.js';
import type { Database } from '../schema.js';
import { activeExemptions } from './exemptions.js';
import { approvedExtensions } from './extensions.js';
import { planObligations, type Plan } from './plans.js';
import { computedCommitmentItems } from './commitments.js';
import { listReportStates, listReportsForBranches } from './reports.js';

/**
 * What decides the items of every branch of a plan besides the plan itself (owed.ts): the reports'
 * states, the approved extensions (the latest decided), the active exemptions, one query each, and
 * the computed tasks done by their data (db/queries/commitments.ts).
 */
export async function loadBranchFacts(db: Kysely<Database>, planId: number): Promise<BranchFacts> {
  const [reports, extensions, exemptions, computed] = await Promise.all([
    listReportStates(db, planId),
    approvedExtensions(db, planId),
    activeExemptions(db, planId),
    computedCommitmentItems(db, planId),
  ]);
  return { reports, extensions, exemptions, computed };
}

/** One branch's checklist adjustments, in the per-branch shape `branchChecklist` takes. */
export interface BranchAdjustments {
  /** branch id → obligation id → the extended due date. */
  extendedDue: Map<number, Map<number, LocalDate>>;
  /** branch id → exempted obligation ids. */
  exempt: Map<number, Set<number>>;
}

/** Approved extensions (the latest decided) and active exemptions of a plan, for some branches. */
export async function branchAdjustments(
  db: Kysely<Database>,
  planId: number,
  branchIds: number[],
): Promise<BranchAdjustments> {
  if (branchIds.length === 0) return { extendedDue: new Map(), exempt: new Map() };
  const [extendedDue, exempt] = await Promise.all([
    approvedExtensions(db, planId, branchIds),
    activeExemptions(db, planId),
  ]);
  return { extendedDue, exempt };
}

export interface ReportWaiting {
  reportId: number;
  obligationCode: string;
  title: { zh: string; en: string };
  branchCode: string;
  branchName: string;
  submittedAt: string;
}

/** Reports waiting for a leader's review, oldest first, and how many there are in all. */
export async function reportsAwaitingReview(
  db: Kysely<Database>,
  planId: number,
  limit: number,
): Promise<{ items: ReportWaiting[]; total: number }> {
  const base = db
    .selectFrom('reports')
    .innerJoin('obligations', 'obligations.id', 'reports.obligation_id')
    .where('obligations.plan_id', '=', planId)
    .where('reports.status', '=', 'submitted');
  const [rows, count] = await Promise.all([
    base
      .innerJoin('branches', 'branches.id', 'reports.branch_id')
      .select([
        'reports.id as report_id',
        'obligations.code',
        'obligations.title_zh',
        'obligations.title_en',
        'branches.code as branch_code',
        'branches.name as branch_name',
        'reports.submitted_at',
      ])
      .orderBy('reports.submitted_at')
      .orderBy('reports.id')
      .limit(limit)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      reportId: r.report_id,
      obligationCode: r.code,
      title: { zh: r.title_zh, en: r.title_en },
      branchCode: r.branch_code,
      branchName: r.branch_name,
      submittedAt: r.submitted_at,
    })),
    total: Number(count.n),
  };
}

/** Active people with a rank, for the leaders' paper overview. */
export async function listRankedPeople(db: Kysely<Database>): Promise<{ id: number; rank: Rank }[]> {
  const rows = await db
    .selectFrom('people')
    .select(['id', 'rank'])
    .where('active', '=', 1)
    .where('rank', 'is not', null)
    .execute();
  return rows.flatMap((r) => (r.rank === null ? [] : [{ id: r.id, rank: r.rank as Rank }]));
}

/** Everything a set of branch checklists needs, in at most four reads (never one query per branch). */
export async function loadChecklistInputs(db: Kysely<Database>, plan: Plan, branchIds: number[]) {
  const [obligations, reports, extensions, exemptions, computed] = await Promise.all([
    planObligations(db, plan),
    listReportsForBranches(db, branchIds, plan.id),
    approvedExtensions(db, plan.id, branchIds),
    activeExemptions(db, plan.id),
    computedCommitmentItems(db, plan.id),
  ]);
  return { obligations, reports, extensions, exemptions, computed };
}

/** What the leaders' overview needs, for every branch of the plan. */
export async function loadOverviewInputs(db: Kysely<Database>, plan: Plan) {
  const [obligations, facts] = await Promise.all([planObligations(db, plan), loadBranchFacts(db, plan.id)]);
  return { obligations, ...facts };
}
