import { z } from 'zod';
import { isValidLocalDate } from './time.js';
import { competitionRanks } from './ranking.js';
import type { Branch, Category, LocalDate } from './types.js';

/*
 * The year-end assessment (年终考核), pure: per branch, each component's value (0–100) from its
 * inputs, the plan's weights, a capped bonus for awards, the score, the rank and the grade within
 * the branch's category (分类指导). Everything is whole numbers until the end, so that the
 * explanation's parts add up to the score to the last digit:
 *
 *   value_i  = a component's value, rounded to one decimal (tenths)
 *   part_i   = value_i × weight_i ÷ Σ(weights of the components the branch has data for),
 *              rounded to two decimals (hundredths)
 *   score    = Σ part_i + min(bonus cap, Σ award points)
 *
 * A component a branch has no data for (no evaluation round held, no inspection, no commitments
 * required) is left out, and its weight is spread over the others in proportion (docs/inspections-assessment.md).
 */

export const COMPONENTS = ['obligations', 'evaluation', 'inspections', 'commitments'] as const;
export type Component = (typeof COMPONENTS)[number];

export const GRADES = ['advanced', 'good', 'average', 'lagging'] as const;
export type Grade = (typeof GRADES)[number];

const weight = z
  .number({ message: 'expected a whole number 0–100' })
  .int('expected a whole number 0–100')
  .min(0, 'at least 0')
  .max(100, 'at most 100');
const percent = z.number({ message: 'expected a percentage 0–100' }).min(0, 'at least 0').max(100, 'at most 100');
const points = z.number({ message: 'expected points' }).min(0, 'at least 0').max(100, 'at most 100');
const code = z.string().min(1).max(40);
// Not plan-settings' `localDate`: that module imports this one.
const localDate = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z
    .string({ message: 'expected a date like 2011-12-31' })
    .refine(isValidLocalDate, { message: 'expected a date like 2011-12-31' }),
);

export const AssessmentSchema = z
  .object({
    /** From this date the assessment is final; before it, shown as provisional. */
    final_on: localDate,
    /** Whole percentages adding up to 100. */
    weights: z
      .object({
        obligations: weight.default(60),
        evaluation: weight.default(20),
        inspections: weight.default(10),
        commitments: weight.default(10),
      })
      .strict()
      .default({ obligations: 60, evaluation: 20, inspections: 10, commitments: 10 }),
    bonus: z
      .object({
        /** The most a branch's awards can add to its score. */
        cap: points.default(5),
        /** Points per confirmed project award, by the projects section's tier code. */
        project_tiers: z.record(code, points).default({}),
        /** Points per final commendation, by the commendations section's category code. */
        commendations: z.record(code, points).default({}),
      })
      .strict()
      .default({ cap: 5, project_tiers: {}, commendations: {} }),
    grades: z
      .object({
        by: z.enum(['thresholds', 'shares'], { message: 'expected thresholds or shares' }),
        /** The lowest score of each grade above lagging, from the highest down. */
        thresholds: z.object({ advanced: points, good: points, average: points }).strict().optional(),
        /** The most of a category each grade may take: advanced and good from the top, lagging from the bottom. */
        shares: z.object({ advanced: percent, good: percent, lagging: percent }).strict().optional(),
      })
      .strict(),
  })
  .strict()
  .superRefine((a, ctx) => {
    const sum = COMPONENTS.reduce((s, c) => s + a.weights[c], 0);
    if (sum !== 100)
      ctx.addIssue({
        code: 'custom',
        path: ['weights'],
        message: `the weights add up to ${sum}; they must add up to 100`,
      });
    const g = a.grades;
    if (g.by === 'thresholds') {
      if (!g.thresholds)
        ctx.addIssue({
          code: 'custom',
          path: ['grades', 'thresholds'],
          message: 'required when grades are by thresholds',
        });
      else if (!(g.thresholds.advanced >= g.thresholds.good && g.thresholds.good >= g.thresholds.average))
        ctx.addIssue({
          code: 'custom',
          path: ['grades', 'thresholds'],
          message: 'list from the highest down: advanced ≥ good ≥ average',
        });
    } else if (!g.shares)
      ctx.addIssue({ code: 'custom', path: ['grades', 'shares'], message: 'required when grades are by shares' });
    else {
      const total = g.shares.advanced + g.shares.good + g.shares.lagging;
      if (total > 100)
        ctx.addIssue({
          code: 'custom',
          path: ['grades', 'shares'],
          message: `the shares add up to ${total} %; they must not exceed 100 %`,
        });
    }
  });

export type AssessmentRules = z.infer<typeof AssessmentSchema>;

/** The plan-level checks: award codes that exist in the projects and commendations sections, a date in the year. */
export function checkAssessmentAgainstPlan(
  a: AssessmentRules | undefined,
  plan: {
    starts: LocalDate;
    tiers: readonly string[];
    commendationCategories: readonly string[];
  },
  ctx: z.RefinementCtx,
): void {
  if (!a) return;
  if (a.final_on < plan.starts)
    ctx.addIssue({
      code: 'custom',
      path: ['assessment', 'final_on'],
      message: `must not be before starts ${plan.starts}`,
    });
  // A plan without a projects (or commendations) section has its bonus codes unchecked: the
  // section's absence is the one mistake, named where it matters (a project nominee, a tier).
  for (const tier of Object.keys(a.bonus.project_tiers))
    if (plan.tiers.length > 0 && !plan.tiers.includes(tier))
      ctx.addIssue({
        code: 'custom',
        path: ['assessment', 'bonus', 'project_tiers', tier],
        message: `${tier} is not a tier of projects.tiers${plan.tiers.length ? ` (${plan.tiers.join(', ')})` : ''}`,
      });
  for (const category of Object.keys(a.bonus.commendations))
    if (plan.commendationCategories.length > 0 && !plan.commendationCategories.includes(category))
      ctx.addIssue({
        code: 'custom',
        path: ['assessment', 'bonus', 'commendations', category],
        message: `${category} is not a category of commendations.rounds`,
      });
}

// ---- inputs, one per component (db/queries/assessment.ts loads each) ----

export interface ObligationsInput {
  /** The running score's (scoring.ts): 0–100 with one decimal, null when nothing counts yet. */
  score: number | null;
  earned: number;
  possible: number;
}

export interface EvaluationInput {
  ballots: number;
  eligible: number | null;
  turnout: number | null;
  counts: Record<string, number>;
  /** The satisfaction rate, 0–1 (satisfied and basically satisfied over ballots); null when none. */
  satisfaction: number | null;
}

export interface InspectionsInput {
  /** Each rated inspection's score (inspections.ts `inspectionScore`), in date order. */
  scores: { id: number; heldOn: LocalDate; rating: string; twoSkins: boolean; score: number }[];
}

export interface CommitmentsInput {
  required: number;
  committed: number;
  fulfilled: number;
  partly: number;
  confirmed: number;
}

export interface AwardsInput {
  projects: { title: string; tier: string }[];
  commendations: { round: string; category: string; nomineeName: string }[];
}

export interface AssessmentInput {
  branches: readonly Branch[];
  rules: AssessmentRules;
  obligations: ReadonlyMap<number, ObligationsInput>;
  evaluation: ReadonlyMap<number, EvaluationInput>;
  inspections: ReadonlyMap<number, InspectionsInput>;
  commitments: ReadonlyMap<number, CommitmentsInput>;
  awards: ReadonlyMap<number, AwardsInput>;
  today: LocalDate;
}

// ---- the result ----

export interface ComponentPart {
  component: Component;
  weight: number;
  /** The component's value in tenths (925 is 92.5); null when the branch has no data for it. */
  value10: number | null;
  /** Σ of the weights of the components present: the divisor of every part. */
  divisor: number;
  /** value × weight ÷ divisor, in hundredths; 0 when left out. */
  cents: number;
  inputs: ObligationsInput | EvaluationInput | InspectionsInput | CommitmentsInput | null;
}

export interface BonusLine {
  kind: 'project' | 'commendation';
  code: string;
  name: string;
  points: number;
}

export interface AssessedBranch {
  branch: Branch;
  parts: ComponentPart[];
  bonusLines: BonusLine[];
  /** Σ award points before the cap, and what counts after it, in hundredths. */
  bonusRawCents: number;
  bonusCents: number;
  /** The score in hundredths; null when the branch has no data for any component. */
  cents: number | null;
  rankInCategory: number | null;
  grade: Grade | null;
}

export interface Assessment {
  provisional: boolean;
  finalOn: LocalDate;
  rows: AssessedBranch[];
}

/** One decimal, as whole tenths. */
const tenths = (x: number) => Math.round(x * 10);

function componentValue(
  component: Component,
  input: AssessmentInput,
  branchId: number,
): { value10: number | null; inputs: ComponentPart['inputs'] } {
  switch (component) {
    case 'obligations': {
      const o = input.obligations.get(branchId) ?? null;
      return { value10: o?.score == null ? null : tenths(o.score), inputs: o };
    }
    case 'evaluation': {
      const e = input.evaluation.get(branchId) ?? null;
      const ok = e !== null && e.satisfaction !== null && e.ballots > 0;
      return { value10: ok ? tenths(100 * Math.min(1, Math.max(0, e.satisfaction!))) : null, inputs: e };
    }
    case 'inspections': {
      const i = input.inspections.get(branchId) ?? null;
      if (!i || i.scores.length === 0) return { value10: null, inputs: i };
      return { value10: tenths(i.scores.reduce((s, x) => s + x.score, 0) / i.scores.length), inputs: i };
    }
    case 'commitments': {
      const c = input.commitments.get(branchId) ?? null;
      if (!c || c.required <= 0) return { value10: null, inputs: c };
      // A commitment partly kept counts half: 兑现 in part is not nothing, nor the whole.
      return { value10: tenths(Math.min(100, (100 * (c.fulfilled + 0.5 * c.partly)) / c.required)), inputs: c };
    }
  }
}

/** One branch's parts and score, before ranks and grades. */
export function assessBranch(branch: Branch, input: AssessmentInput): Omit<AssessedBranch, 'rankInCategory' | 'grade'> {
  const { rules } = input;
  const raw = COMPONENTS.map((component) => ({
    component,
    weight: rules.weights[component],
    ...componentValue(component, input, branch.id),
  }));
  const divisor = raw.reduce((s, r) => s + (r.value10 !== null && r.weight > 0 ? r.weight : 0), 0);
  const parts: ComponentPart[] = raw.map((r) => ({
    ...r,
    divisor,
    // tenths × weight × 10 ÷ divisor = hundredths; integers until the one rounding.
    cents: r.value10 !== null && r.weight > 0 && divisor > 0 ? Math.round((r.value10 * r.weight * 10) / divisor) : 0,
  }));
  const awards = input.awards.get(branch.id);
  const bonusLines: BonusLine[] = [];
  for (const p of awards?.projects ?? []) {
    const pts = rules.bonus.project_tiers[p.tier];
    if (pts !== undefined && pts > 0) bonusLines.push({ kind: 'project', code: p.tier, name: p.title, points: pts });
  }
  for (const c of awards?.commendations ?? []) {
    const pts = rules.bonus.commendations[c.category];
    if (pts !== undefined && pts > 0)
      bonusLines.push({ kind: 'commendation', code: c.category, name: c.nomineeName, points: pts });
  }
  const bonusRawCents = bonusLines.reduce((s, l) => s + Math.round(l.points * 100), 0);
  const bonusCents = Math.min(bonusRawCents, Math.round(rules.bonus.cap * 100));
  const cents = divisor > 0 ? parts.reduce((s, p) => s + p.cents, 0) + bonusCents : null;
  return { branch, parts, bonusLines, bonusRawCents, bonusCents, cents };
}

/**
 * The grades of one category's scored branches, sorted from the highest score: by thresholds, or by
 * shares (advanced and good filled from the top, lagging from the bottom, average the rest). A tied
 * group is never split: when it does not fit a grade's share, the whole group goes to the grade
 * nearer the middle, so a lower score never has a better grade than a higher one.
 */
export function gradesOf(sortedCents: readonly number[], grades: AssessmentRules['grades']): Grade[] {
  if (grades.by === 'thresholds') {
    const th = grades.thresholds!;
    return sortedCents.map((c) =>
      c >= Math.round(th.advanced * 100)
        ? 'advanced'
        : c >= Math.round(th.good * 100)
          ? 'good'
          : c >= Math.round(th.average * 100)
            ? 'average'
            : 'lagging',
    );
  }
  const sh = grades.shares!;
  const n = sortedCents.length;
  const quota = (share: number) => Math.floor((n * share) / 100 + 1e-9);
  const out: Grade[] = new Array<Grade>(n).fill('average');
  // Tied groups: [start, end) of equal scores.
  const groups: [number, number][] = [];
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && sortedCents[j] === sortedCents[i]) j++;
    groups.push([i, j]);
    i = j;
  }
  let g = 0;
  let taken = 0;
  const topGrades: [Grade, number][] = [
    ['advanced', quota(sh.advanced)],
    ['good', quota(sh.advanced) + quota(sh.good)],
  ];
  let topEnd = 0;
  for (const [grade, upTo] of topGrades) {
    while (g < groups.length && taken + (groups[g]![1] - groups[g]![0]) <= upTo) {
      const [s, e] = groups[g]!;
      for (let k = s; k < e; k++) out[k] = grade;
      taken = e;
      g++;
    }
    topEnd = taken;
  }
  const lagQuota = quota(sh.lagging);
  let lagTaken = 0;
  for (let b = groups.length - 1; b >= g; b--) {
    const [s, e] = groups[b]!;
    if (s < topEnd || lagTaken + (e - s) > lagQuota) break;
    for (let k = s; k < e; k++) out[k] = 'lagging';
    lagTaken += e - s;
  }
  return out;
}

/** Every branch assessed, ranked and graded within its category; rows by category, then rank, then code. */
export function assess(input: AssessmentInput): Assessment {
  const scored = input.branches.map((b) => assessBranch(b, input));
  const byCategory = new Map<Category, typeof scored>();
  for (const s of scored) {
    const list = byCategory.get(s.branch.category);
    if (list) list.push(s);
    else byCategory.set(s.branch.category, [s]);
  }
  const rows: AssessedBranch[] = [];
  for (const list of byCategory.values()) {
    const ranked = competitionRanks(
      list,
      (s) => s.cents,
      (s) => s.branch.code,
    );
    const withScore = ranked.filter((r) => r.row.cents !== null);
    const grades = gradesOf(
      withScore.map((r) => r.row.cents!),
      input.rules.grades,
    );
    const gradeOf = new Map(withScore.map((r, i) => [r.row.branch.id, grades[i]!]));
    for (const { row, rank } of ranked)
      rows.push({ ...row, rankInCategory: rank, grade: gradeOf.get(row.branch.id) ?? null });
  }
  return { provisional: input.today < input.rules.final_on, finalOn: input.rules.final_on, rows };
}

/** A score in hundredths as text with two decimals: 8711 → "87.11". */
export function centsText(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const a = Math.abs(cents);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** Tenths as text with one decimal: 925 → "92.5". */
export function tenthsText(value10: number): string {
  return `${Math.floor(value10 / 10)}.${value10 % 10}`;
}

/** The default section, for a plan that has none: the weights above, grades by shares 20 / 30 / 10. */
export function defaultAssessment(finalOn: LocalDate): AssessmentRules {
  return AssessmentSchema.parse({
    final_on: finalOn,
    grades: { by: 'shares', shares: { advanced: 20, good: 30, lagging: 10 } },
  });
}
