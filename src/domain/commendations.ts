import { z } from 'zod';
import type { WorkCalendar } from './calendar.js';
import {
  count,
  inPeriod,
  obligationCode,
  planCode,
  planDate,
  planLocalized,
  PROJECT_STAGES,
  reached,
  uniqueCodes,
  type PlanFacts,
  type ProjectRules,
  type ProjectStage,
} from './projects.js';
import { isValidLocalDate } from './time.js';
import { CATEGORIES, RANKS, type Category, type LocalDate, type Rank } from './types.js';

/**
 * Commendation rounds (表彰: the July 1 commendation of activity 1, the teachers' ethics models of
 * activity 10): the plan file's `commendations` section, nomination quotas and eligibility, the
 * shortlist's quotas, and the publicity period (公示). Pure (docs/decisions/008-projects-commendations.md).
 */

export const NOMINEE_KINDS = ['branch', 'person', 'project'] as const;
export type NomineeKind = (typeof NOMINEE_KINDS)[number];

const oneOf = <const T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, {
    error: (issue) => `${JSON.stringify(issue.input)} is not ${what}; expected one of ${values.join(', ')}`,
  });

const QuotaSchema = z
  .object({
    /** Nominations one branch may make in the category. */
    per_branch: count(100).default(1),
    /** Places on the shortlist in all; no limit when absent. */
    total: count(10_000).optional(),
    /** Places on the shortlist per branch category; a category not listed has no limit of its own. */
    per_category: z
      .partialRecord(oneOf(CATEGORIES, 'a branch category'), count(10_000), {
        message: 'expected { primary: 3, secondary: 2, … }',
      })
      .optional(),
  })
  .strict();

const EligibilitySchema = z
  .object({
    /** A branch nominee: at most this many overdue tasks (逾期) on the day it is nominated. */
    max_overdue: count(1000).optional(),
    /** A project nominee: the stage it must have reached (申报 by default). */
    min_stage: oneOf(PROJECT_STAGES, 'a project stage').optional(),
    /** A person nominee: one of these ranks. */
    ranks: z.array(oneOf(RANKS, 'a person rank')).min(1, 'list at least one rank').optional(),
  })
  .strict();

const CategorySchema = z
  .object({
    code: planCode(24),
    title: planLocalized(60),
    description: planLocalized(500).optional(),
    nominee: oneOf(NOMINEE_KINDS, 'a kind of nominee'),
    quota: QuotaSchema.default(() => QuotaSchema.parse({})),
    eligibility: EligibilitySchema.default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    const e = c.eligibility;
    const wrong = (field: string, kind: NomineeKind) =>
      ctx.addIssue({
        code: 'custom',
        path: ['eligibility', field],
        message: `only a category whose nominee is ${kind} has ${field}`,
      });
    if (e.max_overdue !== undefined && c.nominee !== 'branch') wrong('max_overdue', 'branch');
    if (e.min_stage !== undefined && c.nominee !== 'project') wrong('min_stage', 'project');
    if (e.ranks !== undefined && c.nominee !== 'person') wrong('ranks', 'person');
    if (c.nominee === 'branch' && c.quota.per_branch > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['quota', 'per_branch'],
        message: 'a branch nominates itself once: per_branch must be 0 or 1',
      });
  });

const RoundSchema = z
  .object({
    code: planCode(24),
    title: planLocalized(60),
    description: planLocalized(500).optional(),
    /** The plan's report obligation a branch's first nomination reports (reminders and scoring follow). */
    obligation: obligationCode.optional(),
    /** The branch categories that nominate; every branch when absent. */
    applies_to: z
      .object({ categories: z.array(oneOf(CATEGORIES, 'a branch category')).min(1, 'list at least one category') })
      .strict()
      .optional(),
    nominations_due: planDate,
    /** Working days the shortlist is publicised (公示) before the list is final. */
    publicity_days: z
      .number({ message: 'expected a whole number' })
      .int('expected a whole number')
      .min(1, 'must be at least 1')
      .max(30, 'at most 30')
      .default(5),
    /** The commendation meeting (表彰大会): the final list is announced by this day. */
    announce_by: planDate,
    categories: z.array(CategorySchema).min(1, 'a round needs at least one category').max(10, 'at most 10 categories'),
  })
  .strict()
  .superRefine((r, ctx) => {
    uniqueCodes(r.categories, ['categories'], ctx);
    if (isValidLocalDate(r.nominations_due) && isValidLocalDate(r.announce_by) && r.announce_by < r.nominations_due)
      ctx.addIssue({
        code: 'custom',
        path: ['announce_by'],
        message: `${r.announce_by} is before nominations_due ${r.nominations_due}`,
      });
  });

export const CommendationsSchema = z
  .object({ rounds: z.array(RoundSchema).min(1, 'list at least one round').max(10, 'at most 10 rounds') })
  .strict()
  .superRefine((c, ctx) => uniqueCodes(c.rounds, ['rounds'], ctx));

export type CommendationRules = z.infer<typeof CommendationsSchema>;
export type Round = CommendationRules['rounds'][number];
export type AwardCategory = Round['categories'][number];

/**
 * What plan.ts checks across sections: rounds' dates in the plan's period, their obligations
 * report obligations of the plan, and a project category only where the plan has projects.
 */
export function checkCommendationsAgainstPlan(
  c: CommendationRules | undefined,
  projects: ProjectRules | undefined,
  plan: PlanFacts,
  ctx: z.RefinementCtx,
): void {
  if (!c) return;
  c.rounds.forEach((r, ri) => {
    const at = ['commendations', 'rounds', ri];
    inPeriod(r.nominations_due, plan, [...at, 'nominations_due'], ctx);
    inPeriod(r.announce_by, plan, [...at, 'announce_by'], ctx);
    if (r.obligation !== undefined && !plan.reportObligations.has(r.obligation))
      ctx.addIssue({
        code: 'custom',
        path: [...at, 'obligation'],
        message: `${r.obligation} is not a report obligation of this plan`,
      });
    r.categories.forEach((cat, ci) => {
      if (cat.nominee === 'project' && !projects)
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'categories', ci, 'nominee'],
          message: 'a project nominee needs the plan to have a projects section',
        });
    });
  });
}

export function findRound(rules: CommendationRules | null, code: string): Round | undefined {
  return rules?.rounds.find((r) => r.code === code);
}

export function findCategory(round: Round, code: string): AwardCategory | undefined {
  return round.categories.find((c) => c.code === code);
}

/** Whether a branch of this category nominates in the round. */
export function roundAppliesTo(round: Round, category: Category): boolean {
  return !round.applies_to || round.applies_to.categories.includes(category);
}

// Nomination: quota and eligibility.

export type NominationRefusal =
  | { key: 'closed'; due: LocalDate }
  | { key: 'publicity_started' }
  | { key: 'not_applicable' }
  | { key: 'quota'; quota: number }
  | { key: 'duplicate' }
  | { key: 'outside_branch' }
  | { key: 'not_in_roster' }
  | { key: 'rank' }
  | { key: 'overdue'; overdue: number; max: number }
  | { key: 'stage'; stage: ProjectStage; min: ProjectStage }
  | { key: 'not_own_project' };

/** The nominee as the nominating branch sees it, with what eligibility needs to know of it. */
export type NomineeFacts =
  | { kind: 'branch'; branchId: number; overdue: number }
  | { kind: 'person'; personId: number | null; branchId: number | null; rank: Rank | null; active: boolean }
  | { kind: 'project'; projectId: number; branchId: number; stage: ProjectStage };

const KEY_PREFIX: Record<NomineeKind, string> = { branch: 'b', person: 'p', project: 'j' };

/** The text key of a nominee, unique among a category's live nominations: no one twice. */
export function nomineeKey(kind: NomineeKind, id: number): string {
  return `${KEY_PREFIX[kind]}:${id}`;
}

export function minStage(category: AwardCategory): ProjectStage {
  return category.eligibility.min_stage ?? 'application';
}

/** Whether the nominee may be nominated by this branch in this category; null when eligible. */
export function eligibilityRefusal(
  category: AwardCategory,
  nominatingBranchId: number,
  nominee: NomineeFacts,
): NominationRefusal | null {
  if (nominee.kind !== category.nominee) return { key: 'not_applicable' };
  switch (nominee.kind) {
    case 'branch': {
      if (nominee.branchId !== nominatingBranchId) return { key: 'outside_branch' };
      const max = category.eligibility.max_overdue;
      if (max !== undefined && nominee.overdue > max) return { key: 'overdue', overdue: nominee.overdue, max };
      return null;
    }
    case 'person': {
      if (nominee.personId === null || !nominee.active) return { key: 'not_in_roster' };
      if (nominee.branchId !== nominatingBranchId) return { key: 'outside_branch' };
      const ranks = category.eligibility.ranks;
      if (ranks && (nominee.rank === null || !ranks.includes(nominee.rank))) return { key: 'rank' };
      return null;
    }
    case 'project': {
      if (nominee.branchId !== nominatingBranchId) return { key: 'not_own_project' };
      const min = minStage(category);
      if (!reached(nominee.stage, min)) return { key: 'stage', stage: nominee.stage, min };
      return null;
    }
  }
}

/** Whether the branch may nominate one more in the category, having made `made` live nominations. */
export function nominationQuotaRefusal(category: AwardCategory, made: number): NominationRefusal | null {
  return made + 1 > category.quota.per_branch ? { key: 'quota', quota: category.quota.per_branch } : null;
}

/** Nominations are taken until the due date (or the branch's approved extension), and never once publicity started. */
export function nominationsOpen(
  round: Round,
  today: LocalDate,
  extendedTo: LocalDate | null,
  publicityStarted: boolean,
): NominationRefusal | null {
  if (publicityStarted) return { key: 'publicity_started' };
  const due = extendedTo && extendedTo > round.nominations_due ? extendedTo : round.nominations_due;
  return today > due ? { key: 'closed', due } : null;
}

// The shortlist.

export type ShortlistRefusal =
  { key: 'total'; quota: number } | { key: 'per_category'; quota: number; category: Category };

/** Whether one more nominee from a branch of `branchCategory` fits the category's shortlist quotas; null when it does. */
export function shortlistRefusal(
  category: AwardCategory,
  shortlisted: readonly { branchCategory: Category }[],
  branchCategory: Category,
): ShortlistRefusal | null {
  const { total, per_category: perCategory } = category.quota;
  if (total !== undefined && shortlisted.length + 1 > total) return { key: 'total', quota: total };
  const cap = perCategory?.[branchCategory];
  if (cap !== undefined && shortlisted.filter((s) => s.branchCategory === branchCategory).length + 1 > cap)
    return { key: 'per_category', quota: cap, category: branchCategory };
  return null;
}

// Publicity (公示) and the round's phase.

/** The publicity period: `days` working days from the first working day on or after `start`. */
export function publicityPeriod(
  calendar: WorkCalendar,
  start: LocalDate,
  days: number,
): { from: LocalDate; to: LocalDate } {
  const from = calendar.nextWorkday(start);
  return { from, to: days <= 1 ? from : calendar.addWorkdays(from, days - 1) };
}

export type RoundPhase = 'nominating' | 'reviewing' | 'publicity' | 'closing' | 'announced';

export interface PublicityState {
  startsOn: LocalDate;
  endsOn: LocalDate;
  announcedAt: string | null;
}

export function roundPhase(round: Round, today: LocalDate, publicity: PublicityState | null): RoundPhase {
  if (publicity?.announcedAt) return 'announced';
  if (publicity) return today <= publicity.endsOn ? 'publicity' : 'closing';
  return today <= round.nominations_due ? 'nominating' : 'reviewing';
}

export type NominationStatus =
  'submitted' | 'accepted' | 'returned' | 'withdrawn' | 'shortlisted' | 'struck' | 'awarded';

/** Which decisions a leader may take on a nomination in this status (before publicity). */
export const REVIEW_DECISIONS = ['accept', 'return', 'shortlist', 'unshortlist'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

export function reviewAllowed(status: NominationStatus, decision: ReviewDecision): boolean {
  switch (decision) {
    case 'accept':
      return status === 'submitted';
    case 'return':
      return status === 'submitted' || status === 'accepted';
    case 'shortlist':
      return status === 'submitted' || status === 'accepted';
    case 'unshortlist':
      return status === 'shortlisted';
  }
}
