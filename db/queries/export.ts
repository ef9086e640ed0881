import type { Kysely } from 'kysely';
import { computedCommitmentItems, loadCommitmentsExport, type CommitmentsExport } from './commitments.js';
import { rankBranches, type RankedBranch } from '../../src/domain/ranking.js';
import { modeOn, type ScoringMode } from '../../src/domain/scoring.js';
import { localDateOf } from '../../src/domain/time.js';
import type { Branch, LocalDate, Obligation, Report } from '../../src/domain/types.js';
import type { Database } from '../schema.js';
import { activeExemptions, listExemptions, type Exemption } from './exemptions.js';
import { listBranches } from './people.js';
import { listObligations, type Plan } from './plans.js';
import { approvedExtensions } from './extensions.js';
import { listPlanReports, rankingInput, type RankingData } from './rankings.js';
import { loadAssessmentExport, type AssessmentExport } from './assessment-export.js';
import { loadCampaignExport, type CampaignExport } from './campaign-export.js';
import { findRound, roundResultsOf } from './evaluation.js';
import type { EvaluationExport } from '../../src/domain/evaluation.js';

export interface ExportPaper {
  authorName: string;
  branchCode: string | null;
  kind: string;
  title: string;
  status: string;
  excellent: boolean;
  onTime: boolean;
  submittedAt: string;
  link: string | null;
}

export interface ExportExtension {
  branchId: number;
  obligationId: number;
  requestedAt: string;
  newDue: LocalDate;
  reason: string;
  status: string;
  decidedAt: string | null;
}

/** Everything the year-end workbook shows, read in one go. */
export interface ExportData {
  plan: Plan;
  today: LocalDate;
  mode: ScoringMode;
  branches: Branch[];
  obligations: Obligation[];
  reports: Report[];
  ranked: RankedBranch[];
  papers: ExportPaper[];
  exemptions: Exemption[];
  extensions: ExportExtension[];
  /** person id → name, for who granted what. */
  people: Map<number, string>;
  /** Innovation projects and commendations (db/queries/campaign-export.ts). */
  campaign: CampaignExport;
  /** The year-end evaluation's results, once its round has closed (db/queries/evaluation.ts). */
  evaluation?: EvaluationExport | null;
  /** Members' public commitments: rates per branch and a row per commitment. */
  commitments: CommitmentsExport;
  /** The year-end assessment, inspections and rectification tasks (db/queries/assessment-export.ts). */
  assessment: AssessmentExport;
}

export async function loadExportData(db: Kysely<Database>, plan: Plan, now: Date): Promise<ExportData> {
  const today = localDateOf(now, plan.timezone);
  const mode = modeOn(today, plan.ends);
  const campaign = await loadCampaignExport(db, plan);
  const round = await findRound(db, plan.id);
  const results = round ? await roundResultsOf(db, round) : null;
  const evaluation = round && results ? { settings: round.settings, results } : null;
  const [computed, commitments] = await Promise.all([
    computedCommitmentItems(db, plan.id),
    loadCommitmentsExport(db, plan.id),
  ]);
  const [branches, obligations, reports, active, approved, papers, exemptions, extensions, people] = await Promise.all([
    listBranches(db),
    listObligations(db, plan.id),
    listPlanReports(db, plan.id),
    activeExemptions(db, plan.id),
    approvedExtensions(db, plan.id),
    db
      .selectFrom('papers')
      .innerJoin('people', 'people.id', 'papers.author_id')
      .leftJoin('branches', 'branches.id', 'people.branch_id')
      .select([
        'people.name as author_name',
        'branches.code as branch_code',
        'papers.kind',
        'papers.title',
        'papers.status',
        'papers.excellent',
        'papers.on_time',
        'papers.submitted_at',
        'papers.link',
      ])
      .where('papers.plan_id', '=', plan.id)
      .orderBy('papers.submitted_at')
      .orderBy('papers.id')
      .execute(),
    listExemptions(db, plan.id),
    db
      .selectFrom('extensions')
      .innerJoin('obligations', 'obligations.id', 'extensions.obligation_id')
      .select([
        'extensions.branch_id',
        'extensions.obligation_id',
        'extensions.requested_at',
        'extensions.new_due',
        'extensions.reason',
        'extensions.status',
        'extensions.decided_at',
      ])
      .where('obligations.plan_id', '=', plan.id)
      .orderBy('extensions.requested_at')
      .orderBy('extensions.id')
      .execute(),
    db.selectFrom('people').select(['id', 'name']).execute(),
  ]);
  // The ranking's facts, read once: the reports in full serve the ranking and the assessment too.
  const data: RankingData = { branches, obligations, reports, extensions: approved, exemptions: active, computed };
  const assessment = await loadAssessmentExport(db, plan, today, data);
  return {
    plan,
    today,
    mode,
    branches,
    obligations,
    reports,
    ranked: rankBranches(rankingInput(data, plan, today, 'year', mode)),
    papers: papers.map((p) => ({
      authorName: p.author_name,
      branchCode: p.branch_code,
      kind: p.kind,
      title: p.title,
      status: p.status,
      excellent: p.excellent === 1,
      onTime: p.on_time === 1,
      submittedAt: p.submitted_at,
      link: p.link,
    })),
    exemptions,
    extensions: extensions.map((e) => ({
      branchId: e.branch_id,
      obligationId: e.obligation_id,
      requestedAt: e.requested_at,
      newDue: e.new_due,
      reason: e.reason,
      status: e.status,
      decidedAt: e.decided_at,
    })),
    people: new Map(people.map((p) => [p.id, p.name])),
    campaign,
    evaluation,
    commitments,
    assessment,
  };
}
