import type { Kysely } from 'kysely';
import type { BranchFacts, TimedReportState } from '../../src/domain/owed.js';
import {
  monthOf,
  rankBranches,
  type RankedBranch,
  type RankingInput,
  type RankingPeriod,
  type SnapshotEntry,
} from '../../src/domain/ranking.js';
import { modeOn, type ScoringMode } from '../../src/domain/scoring.js';
import { localDateOf } from '../../src/domain/time.js';
import type { Branch, LocalDate, Obligation, Report } from '../../src/domain/types.js';
import type { Database } from '../schema.js';
import { audit } from './audit.js';
import { activeExemptions } from './exemptions.js';
import { approvedExtensions } from './extensions.js';
import { listBranches } from './people.js';
import { listObligations, type Plan } from './plans.js';
import { computedCommitmentItems } from './commitments.js';
import { listTimedReportStates, reportRowToReport } from './reports.js';

/** What /rankings, the notices and the digest's chart read: with when each report came in, for the chart. */
export interface RankingData extends BranchFacts<TimedReportState> {
  branches: Branch[];
  obligations: Obligation[];
}

/** Every report of a plan, for every branch, in full. */
export async function listPlanReports(db: Kysely<Database>, planId: number): Promise<Report[]> {
  const rows = await db
    .selectFrom('reports')
    .innerJoin('obligations', 'obligations.id', 'reports.obligation_id')
    .selectAll('reports')
    .where('obligations.plan_id', '=', planId)
    .execute();
  return rows.map(reportRowToReport);
}

export async function loadRankingData(db: Kysely<Database>, plan: Plan): Promise<RankingData> {
  const [branches, obligations, reports, extensions, exemptions, computed] = await Promise.all([
    listBranches(db),
    listObligations(db, plan.id),
    listTimedReportStates(db, plan.id),
    approvedExtensions(db, plan.id),
    activeExemptions(db, plan.id),
    computedCommitmentItems(db, plan.id),
  ]);
  return { branches, obligations, reports, extensions, exemptions, computed };
}

export function rankingInput(
  data: RankingData,
  plan: Plan,
  today: LocalDate,
  period: RankingPeriod,
  mode: ScoringMode = modeOn(today, plan.ends),
): RankingInput {
  return {
    ...data,
    today,
    rules: { onTime: plan.settings.scoring.on_time, late: plan.settings.scoring.late },
    mode,
    period,
  };
}

/** The ranking as of `now`, in the plan's timezone. */
export async function computeRanking(
  db: Kysely<Database>,
  plan: Plan,
  now: Date,
  period: RankingPeriod = 'year',
): Promise<{ today: LocalDate; ranked: RankedBranch[] }> {
  const today = localDateOf(now, plan.timezone);
  const data = await loadRankingData(db, plan);
  return { today, ranked: rankBranches(rankingInput(data, plan, today, period)) };
}

/** Whether the month's snapshot of the plan is kept already. */
async function snapshotTaken(db: Kysely<Database>, planId: number, month: string): Promise<boolean> {
  const row = await db
    .selectFrom('ranking_snapshots')
    .select('id')
    .where('plan_id', '=', planId)
    .where('month', '=', month)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The first time rankings are computed in a month (or when the scheduler calls it), the year's
 * ranking is stored as that month's snapshot; later calls in the month change nothing. Branches
 * without a score yet are left out (and while no branch has one, no snapshot is kept). Returns
 * whether a snapshot was taken now.
 */
export async function ensureMonthlySnapshot(
  db: Kysely<Database>,
  plan: Plan,
  now: Date,
  ranked?: RankedBranch[],
): Promise<boolean> {
  const month = monthOf(localDateOf(now, plan.timezone));
  if (await snapshotTaken(db, plan.id, month)) return false;
  const rows = ranked ?? (await computeRanking(db, plan, now, 'year')).ranked;
  const takenAt = now.toISOString();
  const values = rows.flatMap((r) =>
    r.rank === null || r.rankInCategory === null || r.score.score === null
      ? []
      : [
          {
            plan_id: plan.id,
            month,
            branch_id: r.branch.id,
            category: r.branch.category,
            score: r.score.score,
            rank: r.rank,
            rank_in_category: r.rankInCategory,
            taken_at: takenAt,
          },
        ],
  );
  // Nothing is scored yet (early in the plan): nothing to keep, and the next call looks again.
  if (values.length === 0) return false;
  return db.transaction().execute(async (trx) => {
    // Two requests may race to take the same month's snapshot: the unique (plan, month, branch) keeps the first.
    if (await snapshotTaken(trx, plan.id, month)) return false;
    // SQLite takes at most 32766 bound variables a statement: 9 columns × 500 rows stays well below.
    for (let i = 0; i < values.length; i += 500) {
      await trx
        .insertInto('ranking_snapshots')
        .values(values.slice(i, i + 500))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    await audit(trx, {
      at: now,
      actor: 'system',
      action: 'ranking.snapshot',
      subjectType: 'plan',
      subjectId: plan.id,
      details: { month, branches: values.length },
    });
    return true;
  });
}

/** The latest snapshot taken before `month`: what "last month" showed. */
export async function previousSnapshot(
  db: Kysely<Database>,
  planId: number,
  month: string,
): Promise<{ month: string; entries: Map<number, SnapshotEntry> } | null> {
  const latest = await db
    .selectFrom('ranking_snapshots')
    .select('month')
    .where('plan_id', '=', planId)
    .where('month', '<', month)
    .orderBy('month', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest) return null;
  const rows = await db
    .selectFrom('ranking_snapshots')
    .select(['branch_id', 'score', 'rank', 'rank_in_category'])
    .where('plan_id', '=', planId)
    .where('month', '=', latest.month)
    .execute();
  return {
    month: latest.month,
    entries: new Map(
      rows.map((r) => [
        r.branch_id,
        { branchId: r.branch_id, score: r.score, rank: r.rank, rankInCategory: r.rank_in_category },
      ]),
    ),
  };
}
