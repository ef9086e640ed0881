import type { Kysely } from 'kysely';
import {
  assess,
  defaultAssessment,
  type Assessment,
  type AssessmentRules,
  type AwardsInput,
  type InspectionsInput,
  type ObligationsInput,
} from '../../src/domain/assessment.js';
import { inspectionScore } from '../../src/domain/inspections.js';
import { rankBranches } from '../../src/domain/ranking.js';
import type { Branch, LocalDate } from '../../src/domain/types.js';
import type { Database } from '../schema.js';
import { commitmentInputs, evaluationInputs } from './assessment-inputs.js';
import { branchAwards } from './commendations.js';
import { listInspections } from './inspections.js';
import type { Plan } from './plans.js';
import { loadRankingData, rankingInput, type RankingData } from './rankings.js';

/*
 * The year-end assessment's inputs, one loader per component, and the assessment computed from
 * them (src/domain/assessment.ts). The obligations component is the year's running score
 * (rankings), rectification tasks included as the tasks they are.
 */

/** The plan's assessment section, or the defaults (final on the plan's last day) when it has none. */
export function assessmentRules(plan: Plan): AssessmentRules {
  return plan.settings.assessment ?? defaultAssessment(plan.ends);
}

export function obligationsInputs(data: RankingData, plan: Plan, today: LocalDate): Map<number, ObligationsInput> {
  const ranked = rankBranches(rankingInput(data, plan, today, 'year'));
  return new Map(
    ranked.map((r) => [r.branch.id, { score: r.score.score, earned: r.score.earned, possible: r.score.possible }]),
  );
}

/** Each branch's rated inspections (the county's have no rating and do not count here). */
export async function inspectionInputs(db: Kysely<Database>, plan: Plan): Promise<Map<number, InspectionsInput>> {
  const rules = plan.settings.inspections;
  const out = new Map<number, InspectionsInput>();
  for (const i of await listInspections(db, plan.id)) {
    if (i.branchId === null || i.rating === null) continue;
    const score = inspectionScore(i, rules);
    if (score === null) continue;
    let entry = out.get(i.branchId);
    if (!entry) out.set(i.branchId, (entry = { scores: [] }));
    entry.scores.push({ id: i.id, heldOn: i.heldOn, rating: i.rating, twoSkins: i.twoSkins, score });
  }
  return out;
}

export async function awardInputs(db: Kysely<Database>, planId: number): Promise<Map<number, AwardsInput>> {
  const awards = await branchAwards(db, planId);
  return new Map(
    [...awards].map(([id, a]) => [
      id,
      {
        projects: a.projects.map((p) => ({ title: p.title, tier: p.tier })),
        commendations: a.commendations.map((c) => ({
          round: c.round,
          category: c.category,
          nomineeName: c.nomineeName,
        })),
      },
    ]),
  );
}

export interface AssessmentData {
  branches: Branch[];
  rules: AssessmentRules;
  assessment: Assessment;
}

/** Everything loaded, then assessed: `data` when the caller already read the ranking's. */
export async function loadAssessment(
  db: Kysely<Database>,
  plan: Plan,
  today: LocalDate,
  data?: RankingData,
): Promise<AssessmentData> {
  const ranking = data ?? (await loadRankingData(db, plan));
  const [inspections, awards, commitments, evaluation] = await Promise.all([
    inspectionInputs(db, plan),
    awardInputs(db, plan.id),
    commitmentInputs(db, plan, today),
    evaluationInputs(db, plan.id),
  ]);
  const rules = assessmentRules(plan);
  const assessment = assess({
    branches: ranking.branches,
    rules,
    obligations: obligationsInputs(ranking, plan, today),
    evaluation,
    inspections,
    commitments,
    awards,
    today,
  });
  return { branches: ranking.branches, rules, assessment };
}
