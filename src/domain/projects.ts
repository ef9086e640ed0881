import { z } from 'zod';
import { daysBetween, type WorkCalendar } from './calendar.js';
import { latestStageInWindow, type Stage, type StageConfig } from './stages.js';
import { isValidLocalDate } from './time.js';
import type { LocalDate } from './types.js';
import { uniqueCode } from './validation.js';

/**
 * Innovation projects (创新项目, activity 8 of the 2011 plan): the plan file's `projects` section,
 * the six stages and who moves a project between them, the assessors' scores, and the tiers the
 * committee gives. Pure: plain data in, decisions out (docs/decisions/008-projects-commendations.md).
 */

// The plan file's small pieces, as plan.ts writes them (kept here: plan-settings.ts imports this module).

/** A date in the plan's timezone; a YAML 1.1 parser may hand over a Date. */
export const planDate = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z
    .string({ message: 'expected a date like 2011-06-30' })
    .refine(isValidLocalDate, { message: 'expected a date like 2011-06-30' }),
);

export const planText = (max: number) =>
  z.string({ message: 'expected text' }).trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

export const planLocalized = (max: number) =>
  z.object({ zh: planText(max), en: planText(max) }, { message: 'expected { zh: "…", en: "…" }' }).strict();

/** A code the office writes (a criterion, a tier, a round): letters, digits, dashes and underscores. */
export const planCode = (max: number) =>
  z
    .string({ message: 'expected a code' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'expected letters, digits, dashes and underscores, like first or JULY1')
    .max(max, `at most ${max} characters`);

/** An obligation of the plan, by code (checked against the plan's activities by plan.ts). */
export const obligationCode = z
  .string({ message: 'expected an obligation code like A08-REGISTER' })
  .regex(/^[A-Z0-9][A-Z0-9-]*$/, 'expected an obligation code like A08-REGISTER')
  .max(24, 'at most 24 characters');

/** A count the plan sets: a whole number, never below zero. */
export const count = (max: number) =>
  z
    .number({ message: 'expected a whole number' })
    .int('expected a whole number')
    .min(0, 'must be 0 or more')
    .max(max, `at most ${max}`);

export const PROJECT_STAGES = [
  'registration',
  'implementation',
  'application',
  'assessment',
  'review',
  'award',
] as const;
export type ProjectStage = (typeof PROJECT_STAGES)[number];

export const SCORE_MIN = 0;
export const SCORE_MAX = 10;

/** The seed's four criteria: 具有创新性、可操作性、实施效果好、推广应用性强. */
export const SEED_CRITERIA = [
  { code: 'innovation', title: { zh: '创新性', en: 'Innovation' }, weight: 30 },
  { code: 'practicability', title: { zh: '可操作性', en: 'Practicability' }, weight: 25 },
  { code: 'effect', title: { zh: '实施效果', en: 'Effect' }, weight: 25 },
  { code: 'spread', title: { zh: '推广应用性', en: 'Spread' }, weight: 20 },
];

export const DEFAULT_TIERS = [
  { code: 'first', title: { zh: '一等奖', en: 'First prize' }, quota: 3, min_score: 8.5 },
  { code: 'second', title: { zh: '二等奖', en: 'Second prize' }, quota: 6, min_score: 7.5 },
  { code: 'third', title: { zh: '三等奖', en: 'Third prize' }, quota: 10, min_score: 6.5 },
  { code: 'merit', title: { zh: '优秀奖', en: 'Merit award' }, min_score: 6 },
];

const CriterionSchema = z
  .object({
    code: planCode(24),
    title: planLocalized(40),
    description: planLocalized(500).optional(),
    weight: z
      .number({ message: 'expected a whole number' })
      .int('expected a whole number')
      .min(1, 'must be at least 1')
      .max(100, 'at most 100'),
  })
  .strict();

const TierSchema = z
  .object({
    code: planCode(24),
    title: planLocalized(40),
    /** How many projects may get this tier; no limit when absent. */
    quota: count(10_000).optional(),
    /** The lowest average score (0–10) that may get this tier; none when absent. */
    min_score: z
      .number({ message: 'expected a number' })
      .min(SCORE_MIN, `must be ${SCORE_MIN} or more`)
      .max(SCORE_MAX, `at most ${SCORE_MAX}`)
      .optional(),
  })
  .strict()
  .refine((t) => t.quota !== undefined || t.min_score !== undefined, {
    message: 'give a quota, a min_score or both (a tier with neither would take every project)',
  });

const StageDateSchema = z
  .object({
    by: planDate,
    /** The plan's report obligation this stage fulfils: doing the stage reports it (reminders and scoring follow). */
    obligation: obligationCode.optional(),
  })
  .strict();

const CommitteeDateSchema = z.object({ by: planDate }).strict();

export const ProjectsSchema = z
  .object({
    /** The activity of the plan the projects belong to, for display (A08 in 2011). */
    activity: z
      .string()
      .regex(/^[A-Z0-9][A-Z0-9-]*$/, 'expected an activity code like A08')
      .max(12)
      .optional(),
    per_branch: z
      .number({ message: 'expected a whole number' })
      .int('expected a whole number')
      .min(1, 'must be at least 1')
      .max(10, 'at most 10')
      .default(1),
    assessors: z
      .number({ message: 'expected a whole number' })
      .int('expected a whole number')
      .min(1, 'must be at least 1')
      .max(9, 'at most 9')
      .default(3),
    registration: StageDateSchema,
    application: StageDateSchema,
    assessment: CommitteeDateSchema,
    review: CommitteeDateSchema,
    criteria: z
      .array(CriterionSchema)
      .min(1, 'list at least one criterion')
      .max(10, 'at most 10 criteria')
      .default(() => SEED_CRITERIA.map((c) => ({ ...c, title: { ...c.title } }))),
    tiers: z
      .array(TierSchema)
      .min(1, 'list at least one tier')
      .max(8, 'at most 8 tiers')
      .default(() => DEFAULT_TIERS.map((t) => ({ ...t, title: { ...t.title } }))),
  })
  .strict()
  .superRefine((p, ctx) => {
    const sum = p.criteria.reduce((s, c) => s + c.weight, 0);
    if (p.criteria.every((c) => Number.isInteger(c.weight)) && sum !== 100)
      ctx.addIssue({
        code: 'custom',
        path: ['criteria'],
        message: `the weights add up to ${sum}; they must add up to 100`,
      });
    uniqueCodes(p.criteria, ['criteria'], ctx);
    uniqueCodes(p.tiers, ['tiers'], ctx);
    // Tiers go from the highest down: a lower tier may not ask for a higher score.
    let floor: { at: number; score: number } | null = null;
    p.tiers.forEach((t, i) => {
      if (t.min_score === undefined) return;
      if (floor && t.min_score > floor.score)
        ctx.addIssue({
          code: 'custom',
          path: ['tiers', i, 'min_score'],
          message: `${t.min_score} is above tiers[${floor.at}].min_score ${floor.score}; list tiers from the highest down`,
        });
      floor = { at: i, score: t.min_score };
    });
    const order: [string, string | undefined][] = [
      ['registration', p.registration.by],
      ['application', p.application.by],
      ['assessment', p.assessment.by],
      ['review', p.review.by],
    ];
    for (let i = 1; i < order.length; i++) {
      const [name, date] = order[i]!;
      const [prevName, prev] = order[i - 1]!;
      if (date && prev && isValidLocalDate(date) && isValidLocalDate(prev) && date < prev)
        ctx.addIssue({
          code: 'custom',
          path: [name, 'by'],
          message: `${date} is before ${prevName}.by ${prev}; the stages' dates must follow one another`,
        });
    }
  });

export type ProjectRules = z.infer<typeof ProjectsSchema>;
export type Criterion = ProjectRules['criteria'][number];
export type Tier = ProjectRules['tiers'][number];

export function uniqueCodes(items: readonly { code: string }[], path: (string | number)[], ctx: z.RefinementCtx): void {
  const seen = new Map<string, string>();
  items.forEach((item, i) => uniqueCode(seen, item.code, [...path, i], ctx));
}

/** What plan.ts checks across sections: the plan's period and its report obligations. */
export interface PlanFacts {
  starts: string;
  ends: string;
  /** Report obligations by code. */
  reportObligations: ReadonlySet<string>;
}

/** The facts of a parsed plan file that the sections are checked against. */
export function planFacts(plan: {
  starts: string;
  ends: string;
  activities: readonly { obligations: readonly { code: string; kind: string }[] }[];
}): PlanFacts {
  const codes = plan.activities.flatMap((a) => a.obligations.filter((o) => o.kind === 'report').map((o) => o.code));
  return { starts: plan.starts, ends: plan.ends, reportObligations: new Set(codes) };
}

/** The section's dates lie in the plan's period and its obligations are report obligations of the plan. */
export function checkProjectsAgainstPlan(p: ProjectRules | undefined, plan: PlanFacts, ctx: z.RefinementCtx): void {
  if (!p) return;
  const dates: [string, string][] = [
    ['registration', p.registration.by],
    ['application', p.application.by],
    ['assessment', p.assessment.by],
    ['review', p.review.by],
  ];
  for (const [name, date] of dates) inPeriod(date, plan, ['projects', name, 'by'], ctx);
  for (const name of ['registration', 'application'] as const) {
    const code = p[name].obligation;
    if (code !== undefined && !plan.reportObligations.has(code))
      ctx.addIssue({
        code: 'custom',
        path: ['projects', name, 'obligation'],
        message: `${code} is not a report obligation of this plan`,
      });
  }
}

export function inPeriod(date: string, plan: PlanFacts, path: (string | number)[], ctx: z.RefinementCtx): void {
  const known = isValidLocalDate(plan.starts) && isValidLocalDate(plan.ends) && isValidLocalDate(date);
  if (known && (date < plan.starts || date > plan.ends))
    ctx.addIssue({ code: 'custom', path, message: `must be within the plan's period ${plan.starts} to ${plan.ends}` });
}

// The stages and who moves a project.

export function stageIndex(stage: ProjectStage): number {
  return PROJECT_STAGES.indexOf(stage);
}

export function reached(stage: ProjectStage, atLeast: ProjectStage): boolean {
  return stageIndex(stage) >= stageIndex(atLeast);
}

/** The roles a mover holds for one project (the caller works out secretary-of-this-branch and assessor-of-this-project). */
export interface Mover {
  secretary: boolean;
  leader: boolean;
  admin: boolean;
}

/**
 * The one forward move out of each stage and who makes it. Assessment → review is made by the
 * last assessor's scores (scoring, not this table); review → award by the admin confirming tiers.
 */
const FORWARD: Record<ProjectStage, { to: ProjectStage; by: keyof Mover } | null> = {
  registration: { to: 'implementation', by: 'leader' },
  implementation: { to: 'application', by: 'secretary' },
  application: { to: 'assessment', by: 'admin' },
  assessment: null,
  review: { to: 'award', by: 'admin' },
  award: null,
};

export type MoveRefusal = 'not_next' | 'forbidden' | 'comment_needed' | 'final';

/**
 * Whether `mover` may move a project from `from` to `to`. Forward: only to the next stage, by its
 * mover. Back: to any earlier stage, from any stage but the award, by a leader or an admin, and
 * never without a comment saying why.
 */
export function decideMove(
  from: ProjectStage,
  to: ProjectStage,
  mover: Mover,
  comment: string | null,
): { ok: true; direction: 'forward' | 'back' } | { ok: false; reason: MoveRefusal } {
  if (from === 'award') return { ok: false, reason: 'final' };
  const back = stageIndex(to) < stageIndex(from);
  if (back) {
    if (!mover.leader && !mover.admin) return { ok: false, reason: 'forbidden' };
    if (comment === null || comment.trim() === '') return { ok: false, reason: 'comment_needed' };
    return { ok: true, direction: 'back' };
  }
  const next = FORWARD[from];
  if (!next || next.to !== to) return { ok: false, reason: 'not_next' };
  if (!mover[next.by]) return { ok: false, reason: 'forbidden' };
  return { ok: true, direction: 'forward' };
}

/** The stages a leader or an admin may send a project back to from `from`. */
export function earlierStages(from: ProjectStage): ProjectStage[] {
  return from === 'award' ? [] : PROJECT_STAGES.slice(0, stageIndex(from));
}

/** A stage event as stored: the current stage is the `to` of the latest transition. */
export interface StageEvent {
  seq: number;
  kind: 'stage' | 'guidance' | 'progress';
  to: ProjectStage | null;
}

/** The current stage, derived from the events (null when there is no transition at all). */
export function currentStage(events: readonly StageEvent[]): ProjectStage | null {
  let best: StageEvent | null = null;
  for (const e of events) if (e.kind === 'stage' && e.to && (!best || e.seq > best.seq)) best = e;
  return best?.to ?? null;
}

/** The registration or application deadline as it applies to a branch: the plan's, or its approved extension's. */
export function stageOpen(today: LocalDate, by: LocalDate, extendedTo: LocalDate | null): boolean {
  return today <= (extendedTo && extendedTo > by ? extendedTo : by);
}

// Assessment: who may assess, and the scores.

export interface AssessorCandidate {
  personId: number;
  isLeader: boolean;
  /** The branch the person belongs to. */
  branchId: number | null;
  /** The branches the person is secretary of. */
  secretaryOf: readonly number[];
}

/** A leader who neither belongs to the project's branch nor is its secretary. */
export function mayAssess(person: AssessorCandidate, projectBranchId: number): boolean {
  return person.isLeader && person.branchId !== projectBranchId && !person.secretaryOf.includes(projectBranchId);
}

export type ScoreSheet = Record<string, number>;

/** An assessor's sheet: every criterion of the plan, each a whole number from 0 to 10. */
export function checkSheet(criteria: readonly Criterion[], sheet: ScoreSheet): { code: string } | null {
  for (const c of criteria) {
    const s = sheet[c.code];
    if (s === undefined || !Number.isInteger(s) || s < SCORE_MIN || s > SCORE_MAX) return { code: c.code };
  }
  return null;
}

/** An assessor's total on 0–10: the weighted mean of their scores (the weights add up to 100). */
export function weightedTotal(criteria: readonly Criterion[], sheet: ScoreSheet): number {
  let sum = 0;
  for (const c of criteria) sum += c.weight * (sheet[c.code] ?? 0);
  return sum / 100;
}

export interface ProjectScores {
  projectId: number;
  /** One sheet per assessor who scored; read only once every assigned assessor has scored. */
  sheets: ScoreSheet[];
}

export interface RankedProject {
  projectId: number;
  rank: number;
  /** The mean of the assessors' totals, 0–10. */
  average: number;
  /** The highest total minus the lowest: how far the assessors disagree. */
  spread: number;
  /** Per criterion, in the plan's order: the mean score. */
  criterionAverages: number[];
  /** Equal to its neighbour on every tie-break: the committee decides between them. */
  tied: boolean;
}

// Averages are compared to the millionth: they come from whole scores and whole weights, so two
// projects with the same sheets compare equal whatever the order of summing.
const key = (x: number) => Math.round(x * 1e6);

function compareRanked(a: RankedProject, b: RankedProject): number {
  if (key(a.average) !== key(b.average)) return key(b.average) - key(a.average);
  if (key(a.spread) !== key(b.spread)) return key(a.spread) - key(b.spread);
  for (let i = 0; i < a.criterionAverages.length; i++) {
    const d = key(b.criterionAverages[i] ?? 0) - key(a.criterionAverages[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The committee's ranked list: by average (highest first); on equal averages the smaller spread
 * (assessors who agree) first, then the criteria in the plan's order. Projects equal on all of
 * these share a rank and are marked tied.
 */
export function rankProjects(criteria: readonly Criterion[], projects: readonly ProjectScores[]): RankedProject[] {
  const rows: RankedProject[] = projects.map((p) => {
    const totals = p.sheets.map((s) => weightedTotal(criteria, s));
    const n = Math.max(1, totals.length);
    return {
      projectId: p.projectId,
      rank: 0,
      average: totals.reduce((s, x) => s + x, 0) / n,
      spread: totals.length === 0 ? 0 : Math.max(...totals) - Math.min(...totals),
      criterionAverages: criteria.map((c) => p.sheets.reduce((s, sheet) => s + (sheet[c.code] ?? 0), 0) / n),
      tied: false,
    };
  });
  rows.sort((a, b) => compareRanked(a, b) || a.projectId - b.projectId);
  rows.forEach((r, i) => {
    const prev = rows[i - 1];
    const same = prev !== undefined && compareRanked(prev, r) === 0;
    r.rank = same ? prev.rank : i + 1;
    if (same) r.tied = prev.tied = true;
  });
  return rows;
}

export interface TierProposal {
  projectId: number;
  /** A tier's code, or null: no award. */
  tier: string | null;
  /** Left out of a tier because projects tied with it would have gone over its quota. */
  tieAtQuota: boolean;
}

/**
 * The automatic proposal: tier by tier from the highest, the best remaining projects whose average
 * reaches the tier's min_score, up to its quota. A quota is never exceeded: when projects tied
 * with each other do not all fit, none of them takes the place; they go down to the next tier and
 * are marked, for the committee to decide with an adjustment.
 */
export function proposeTiers(tiers: readonly Tier[], ranked: readonly RankedProject[]): TierProposal[] {
  const out = new Map<number, TierProposal>(
    ranked.map((r) => [r.projectId, { projectId: r.projectId, tier: null, tieAtQuota: false }]),
  );
  let rest = [...ranked];
  for (const tier of tiers) {
    const quota = tier.quota ?? Infinity;
    const min = tier.min_score ?? 0;
    const taken: RankedProject[] = [];
    let i = 0;
    while (i < rest.length) {
      const head = rest[i]!;
      if (key(head.average) < key(min)) break;
      // The group of projects tied with the head (same rank): all in, or none.
      let j = i + 1;
      while (j < rest.length && rest[j]!.rank === head.rank) j++;
      const group = rest.slice(i, j);
      if (taken.length + group.length > quota) {
        for (const g of group) out.get(g.projectId)!.tieAtQuota = group.length > 1;
        break;
      }
      taken.push(...group);
      i = j;
    }
    for (const t of taken) out.get(t.projectId)!.tier = tier.code;
    const takenIds = new Set(taken.map((t) => t.projectId));
    rest = rest.filter((r) => !takenIds.has(r.projectId));
  }
  return ranked.map((r) => out.get(r.projectId)!);
}

/** Whether one more project may get `tier`, with `others` already holding it; null when it may. */
export function tierRefusal(
  tier: Tier,
  average: number,
  holders: number,
): { key: 'quota'; quota: number } | { key: 'min_score'; min: number } | null {
  if (tier.min_score !== undefined && key(average) < key(tier.min_score))
    return { key: 'min_score', min: tier.min_score };
  if (tier.quota !== undefined && holders + 1 > tier.quota) return { key: 'quota', quota: tier.quota };
  return null;
}

// Reminders of the committee's dates (the branches' dates are their obligations': see the decision record).

export interface DutyProject {
  id: number;
  stage: ProjectStage;
  /** Assigned assessors: person id and whether they have scored. */
  assessors: { personId: number; scored: boolean }[];
}

export interface DutyPerson {
  id: number;
  slackUserId: string;
  locale: string | null;
}

export type ProjectDutyKind = 'score' | 'assign' | 'confirm' | 'late_scores';

export interface ProjectDuty {
  /** The outbox key: what, for whom, the date it counts from and the stage. */
  key: string;
  recipient: string;
  locale: string | null;
  kind: ProjectDutyKind;
  /** The project to score (kind `score`); null for the counts an admin is told. */
  projectId: number | null;
  count: number;
  due: LocalDate;
  stage: Pick<Stage, 'key' | 'kind'>;
  daysLeft: number;
}

export interface ProjectDutyInput {
  rules: Pick<ProjectRules, 'assessment' | 'review'>;
  projects: readonly DutyProject[];
  assessors: ReadonlyMap<number, DutyPerson>;
  admins: readonly DutyPerson[];
  calendar: WorkCalendar;
  stages: StageConfig;
  today: LocalDate;
  lastRunDate: LocalDate | null;
  /** Overdue assessments are told to the admins once this many days have passed. */
  escalateAfterDays: number;
}

/**
 * What the committee's dates ask today, each at the reminder stages of the plan (days before, on
 * the day, overdue): an assessor who has not scored a project by `assessment.by`; the admins, of
 * projects still waiting for assessors as `assessment.by` nears, of projects waiting for the
 * confirmation as `review.by` nears, and of assessments overdue by more than `escalateAfterDays`.
 */
export function planProjectDuties(input: ProjectDutyInput): ProjectDuty[] {
  const { calendar, stages, today, lastRunDate } = input;
  const out: ProjectDuty[] = [];
  const stageOf = (due: LocalDate) => latestStageInWindow(due, stages, calendar, lastRunDate, today);
  const assessBy = input.rules.assessment.by;
  const reviewBy = input.rules.review.by;
  const assessStage = stageOf(assessBy);
  if (assessStage) {
    for (const p of input.projects) {
      if (p.stage !== 'assessment') continue;
      for (const a of p.assessors) {
        const person = input.assessors.get(a.personId);
        if (a.scored || !person) continue;
        out.push({
          key: `project-score:${p.id}:${person.slackUserId}:${assessBy}:${assessStage.key}`,
          recipient: person.slackUserId,
          locale: person.locale,
          kind: 'score',
          projectId: p.id,
          count: 1,
          due: assessBy,
          stage: assessStage,
          daysLeft: daysBetween(today, assessBy),
        });
      }
    }
  }
  const tell = (kind: ProjectDutyKind, n: number, due: LocalDate, stage: Stage | null) => {
    if (!stage || n === 0) return;
    for (const admin of input.admins)
      out.push({
        key: `project-${kind}:${admin.slackUserId}:${due}:${stage.key}`,
        recipient: admin.slackUserId,
        locale: admin.locale,
        kind,
        projectId: null,
        count: n,
        due,
        stage,
        daysLeft: daysBetween(today, due),
      });
  };
  const inStage = (s: ProjectStage) => input.projects.filter((p) => p.stage === s).length;
  tell('assign', inStage('application'), assessBy, assessStage);
  tell('confirm', inStage('review') + inStage('assessment'), reviewBy, stageOf(reviewBy));
  const overdueDays = daysBetween(assessBy, today);
  if (assessStage?.kind === 'overdue' && overdueDays > input.escalateAfterDays) {
    const late = input.projects
      .filter((p) => p.stage === 'assessment')
      .reduce((n, p) => n + p.assessors.filter((a) => !a.scored).length, 0);
    tell('late_scores', late, assessBy, assessStage);
  }
  return out;
}

// What the repositories hand out (db/queries/projects.ts).

export interface Project {
  id: number;
  planId: number;
  branchId: number;
  title: string;
  aims: string;
  approach: string;
  expected: string;
  results: string | null;
  /** Links given at the application. */
  evidence: string[];
  registeredBy: number;
  registeredAt: string;
  appliedAt: string | null;
  /** Derived from the events: the latest stage event's `to`. */
  stage: ProjectStage;
}

export interface ProjectEvent {
  seq: number;
  kind: 'stage' | 'guidance' | 'progress';
  from: ProjectStage | null;
  to: ProjectStage | null;
  comment: string | null;
  evidence: string[];
  actorName: string | null;
  at: string;
}

/** What a branch registers (备案). */
export interface ProjectDraft {
  title: string;
  aims: string;
  approach: string;
  expected: string;
}

/** The limits of what people write about a project. */
export const PROJECT_TEXT = { title: 60, field: 2000, comment: 1000, links: 5 } as const;

/** The project's short number, as people quote it: P-0012. */
export function projectNumber(id: number): string {
  return `P-${String(id).padStart(4, '0')}`;
}

/** `P-0012`, `p12`, `12` → 12; anything else null. */
export function parseProjectNumber(text: string): number | null {
  const m = /^(?:p-?)?0*(\d{1,9})$/i.exec(text.trim());
  return m ? Number(m[1]) : null;
}
