import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { CATEGORIES, PAPER_KINDS, RANKS } from './types.js';
import { isValidLocalDate, isValidTimezone } from './time.js';
import { CalendarSchema, localDate, ReminderSettingsSchema, ScoringSchema } from './plan-settings.js';
import { formatIssues, uniqueCode, type Parsed } from './validation.js';
import { checkProjectsAgainstPlan, planFacts, ProjectsSchema } from './projects.js';
import { checkCommendationsAgainstPlan, CommendationsSchema } from './commendations.js';
import { checkEvaluationAgainstPlan, EvaluationSchema } from './evaluation.js';
import { checkCommitmentsAgainstPlan, CommitmentsSchema } from './commitments.js';
import { InspectionsSchema, RECTIFICATION_ACTIVITY } from './inspections.js';
import { AssessmentSchema, checkAssessmentAgainstPlan } from './assessment.js';

export { PlanSettingsSchema, type PlanSettings } from './plan-settings.js';

const text = (max: number) =>
  z.string({ message: 'expected text' }).trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

const localized = (max: number) =>
  z.object({ zh: text(max), en: text(max) }, { message: 'expected { zh: "…", en: "…" }' }).strict();

const code = (max: number) =>
  z
    .string({ message: 'expected a code' })
    .regex(/^[A-Z0-9][A-Z0-9-]*$/, 'expected uppercase letters, digits and dashes, like A01-EVENT')
    .max(max, `at most ${max} characters`);

/** A value as the person wrote it, for a message that says what was found. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'nothing';
  return Array.isArray(value) ? 'a list' : 'a mapping';
}

/** One of a fixed set of words; a wrong one is named in the message with the words allowed. */
const oneOf = <const T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: (issue) => `${shown(issue.input)} is not ${what}; expected one of ${values.join(', ')}` });

const APPLIES_TO_FORMS = {
  categories: z
    .object({ categories: z.array(oneOf(CATEGORIES, 'a branch category')).min(1, 'list at least one category') })
    .strict(),
  ranks: z.object({ ranks: z.array(oneOf(RANKS, 'a person rank')).min(1, 'list at least one rank') }).strict(),
};

type AppliesToField = 'all' | z.infer<(typeof APPLIES_TO_FORMS)['categories' | 'ranks']>;

// Not a z.union: a union reports one message for all its forms, which could not name the wrong
// category inside a list. The form is chosen by its key, then its own errors are reported.
const appliesTo = z.unknown().transform((value, ctx): AppliesToField => {
  if (value === 'all') return 'all';
  const keyed = typeof value === 'object' && value !== null && !Array.isArray(value);
  const form = !keyed
    ? undefined
    : 'categories' in value
      ? APPLIES_TO_FORMS.categories
      : 'ranks' in value
        ? APPLIES_TO_FORMS.ranks
        : undefined;
  if (!form) {
    ctx.addIssue({
      code: 'custom',
      message: `expected all, { categories: [${CATEGORIES.join(', ')}] } or { ranks: [${RANKS.join(', ')}] }; found ${shown(value)}`,
    });
    return z.NEVER;
  }
  const parsed = form.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  return z.NEVER;
});

export const ObligationSchema = z
  .object({
    code: code(24),
    title: localized(150),
    description: localized(2000).optional(),
    kind: oneOf(['report', 'paper', 'commitments'], 'a kind of obligation'),
    paper_kinds: z.array(oneOf(PAPER_KINDS, 'a paper kind')).min(1).optional(),
    /** For `kind: commitments`: the percent (1–100) of those who must commit who have. */
    threshold: z
      .number({ message: 'expected a percent from 1 to 100' })
      .min(1, 'expected a percent from 1 to 100')
      .max(100, 'expected a percent from 1 to 100')
      .optional(),
    applies_to: appliesTo,
    due: localDate,
    weight: z.number({ message: 'expected a number' }).positive('must be positive').max(100).default(1),
  })
  .strict()
  .superRefine((ob, ctx) => {
    if (ob.kind === 'commitments') {
      if (ob.threshold === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['threshold'],
          message: 'required for a commitments obligation: the percent of those who must commit, like 90',
        });
    } else if (ob.threshold !== undefined)
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'only a commitments obligation has a threshold' });
    if (ob.kind === 'paper') {
      if (!ob.paper_kinds)
        ctx.addIssue({
          code: 'custom',
          path: ['paper_kinds'],
          message: `required for a paper: any of ${PAPER_KINDS.join(', ')}`,
        });
      if (ob.applies_to === 'all' || !('ranks' in ob.applies_to)) {
        ctx.addIssue({
          code: 'custom',
          path: ['applies_to'],
          message: 'a paper obligation applies to person ranks: { ranks: [...] }',
        });
      }
    } else {
      if (ob.paper_kinds)
        ctx.addIssue({ code: 'custom', path: ['paper_kinds'], message: 'only a paper obligation has paper_kinds' });
      if (ob.applies_to !== 'all' && 'ranks' in ob.applies_to) {
        ctx.addIssue({
          code: 'custom',
          path: ['applies_to'],
          message: `a ${ob.kind} obligation applies to all branches or to branch categories`,
        });
      }
    }
  });

export const ActivitySchema = z
  .object({
    code: code(12),
    title: localized(150),
    description: localized(2000).optional(),
    obligations: z.array(ObligationSchema).min(1, 'an activity needs at least one obligation'),
  })
  .strict();

export const PlanFileSchema = z
  .object({
    year: z.number({ message: 'expected a year like 2011' }).int().min(2000).max(2100),
    title: localized(150),
    timezone: z
      .string()
      .default('Asia/Shanghai')
      .refine(isValidTimezone, { message: 'expected an IANA timezone like Asia/Shanghai' }),
    starts: localDate,
    ends: localDate,
    reminders: ReminderSettingsSchema.default(() => ReminderSettingsSchema.parse({})),
    scoring: ScoringSchema.default(() => ScoringSchema.parse({})),
    calendar: CalendarSchema.default(() => CalendarSchema.parse({})),
    activities: z.array(ActivitySchema).min(1, 'a plan needs at least one activity'),
    projects: ProjectsSchema.optional(),
    commendations: CommendationsSchema.optional(),
    evaluation: EvaluationSchema.optional(),
    commitments: CommitmentsSchema.optional(),
    inspections: InspectionsSchema.default(() => InspectionsSchema.parse({})),
    assessment: AssessmentSchema.optional(),
  })
  .strict()
  .superRefine((plan, ctx) => {
    checkCommitmentsAgainstPlan(plan.commitments, plan, ctx);
    checkAssessmentAgainstPlan(
      plan.assessment,
      {
        starts: plan.starts,
        tiers: plan.projects?.tiers.map((t) => t.code) ?? [],
        commendationCategories: plan.commendations?.rounds.flatMap((r) => r.categories.map((c) => c.code)) ?? [],
      },
      ctx,
    );
    checkProjectsAgainstPlan(plan.projects, planFacts(plan), ctx);
    checkCommendationsAgainstPlan(plan.commendations, plan.projects, planFacts(plan), ctx);
    checkEvaluationAgainstPlan(plan.evaluation, plan, ctx);
    // A date already reported as not a date is not compared again: one mistake, one message.
    const periodKnown = isValidLocalDate(plan.starts) && isValidLocalDate(plan.ends);
    if (periodKnown && plan.ends < plan.starts)
      ctx.addIssue({ code: 'custom', path: ['ends'], message: 'must not be before starts' });
    if (isValidLocalDate(plan.starts) && Number(plan.starts.slice(0, 4)) !== plan.year)
      ctx.addIssue({ code: 'custom', path: ['starts'], message: `must be in the plan's year ${plan.year}` });
    const activityCodes = new Map<string, string>();
    const obligationCodes = new Map<string, string>();
    plan.activities.forEach((activity, ai) => {
      if (activity.code === RECTIFICATION_ACTIVITY)
        ctx.addIssue({
          code: 'custom',
          path: ['activities', ai, 'code'],
          message: `${RECTIFICATION_ACTIVITY} is kept for the rectification tasks inspections set`,
        });
      uniqueCode(activityCodes, activity.code, ['activities', ai], ctx);
      activity.obligations.forEach((ob, oi) => {
        uniqueCode(obligationCodes, ob.code, ['activities', ai, 'obligations', oi], ctx);
        if (periodKnown && isValidLocalDate(ob.due) && (ob.due < plan.starts || ob.due > plan.ends)) {
          ctx.addIssue({
            code: 'custom',
            path: ['activities', ai, 'obligations', oi, 'due'],
            message: `must be within the plan's period ${plan.starts} to ${plan.ends}`,
          });
        }
      });
    });
  });

export type PlanFile = z.infer<typeof PlanFileSchema>;

/** Parses and validates a plan file; every problem comes back with its path. */
export function parsePlan(source: string): Parsed<PlanFile> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const lines = source.split(/\r?\n/);
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        const text = (lines[line - 1] ?? '').trimEnd();
        if (text === '' && line >= lines.length) return `YAML: at the end of the file (line ${line}): ${e.message}`;
        const quoted = text.length > 60 ? `${text.slice(0, 60)}…` : text;
        return `YAML: line ${line}, column ${col}: ${e.message}${text === '' ? '' : ` (line ${line} is "${quoted}")`}`;
      }),
    };
  }
  const content: unknown = doc.toJS();
  if (content === null || content === undefined)
    return {
      ok: false,
      problems: ['the file is empty (or holds only comments): a plan needs year, title, starts, ends and activities'],
    };
  if (typeof content !== 'object' || Array.isArray(content))
    return {
      ok: false,
      problems: [`expected a plan (year: …, title: …, activities: …) at the top of the file; found ${shown(content)}`],
    };
  const result = PlanFileSchema.safeParse(content);
  return result.success ? { ok: true, value: result.data } : { ok: false, problems: formatIssues(result.error) };
}
