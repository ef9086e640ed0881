import type { Kysely } from 'kysely';
import type { ReportState } from '../../src/domain/progress.js';
import type { LocalDate, Rank } from '../../src/domain/types.js';
import type { Database } from '../schema.js';
import { activeExemptions } from './exemptions.js';
import { approvedExtensions } from './extensions.js';
import { planObligations, type Plan } from './plans.js';
import { listReportsForBranches } from './reports.js';

/** What a checklist needs besides the obligations: per branch, approved extensions and exemptions. */
export interface BranchAdjustments {
  /** branch id → obligation id → the extended due date. */
  extendedDue: Map<number, Map<number, LocalDate>>;
  /** branch id → exempted obligation ids. */
  exempt: Map<number, Set<number>>;
}

/**
 * Approved extensions (the latest decision wins, as everywhere) and standing exemptions of a
 * plan, for some branches or (null) all.
 */
export async function branchAdjustments(
  db: Kysely<Database>,
  planId: number,
  branchIds: number[] | null,
): Promise<BranchAdjustments> {
  if (branchIds !== null && branchIds.length === 0) return { extendedDue: new Map(), exempt: new Map() };
  const [extendedDue, exempt] = await Promise.all([
    approvedExtensions(db, planId, branchIds ?? undefined),
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
  const [obligations, reports, adjustments] = await Promise.all([
    planObligations(db, plan),
    listReportsForBranches(db, branchIds, plan.id),
    branchAdjustments(db, plan.id, branchIds),
  ]);
  return { obligations, reports, ...adjustments };
}

/** The four columns of every report of a plan that the leaders' counts need (no summaries, no evidence). */
export async function listReportStates(db: Kysely<Database>, planId: number): Promise<ReportState[]> {
  const rows = await db
    .selectFrom('reports')
    .innerJoin('obligations', 'obligations.id', 'reports.obligation_id')
    .select(['reports.obligation_id', 'reports.branch_id', 'reports.status', 'reports.on_time'])
    .where('obligations.plan_id', '=', planId)
    .execute();
  return rows.map((r) => ({
    obligationId: r.obligation_id,
    branchId: r.branch_id,
    status: r.status,
    onTime: r.on_time === 1,
  }));
}

/** What the leaders' overview needs, for every branch of the plan. */
export async function loadOverviewInputs(db: Kysely<Database>, plan: Plan) {
  const [obligations, reports, adjustments] = await Promise.all([
    planObligations(db, plan),
    listReportStates(db, plan.id),
    branchAdjustments(db, plan.id, null),
  ]);
  return { obligations, reports, ...adjustments };
}
