import { parseDocument } from 'yaml';
import { z } from 'zod';
import { CATEGORIES, PAPER_KINDS, RANKS } from './types.js';
import { isValidLocalDate, isValidTimezone } from './time.js';
import { formatIssues, type Parsed } from './validation.js';

const localDate = z.preprocess(
  // A YAML 1.1 parser may hand us a Date; our YAML 1.2 parser hands us the text.
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z
    .string({ message: 'expected a date like 2011-06-30' })
    .refine(isValidLocalDate, { message: 'expected a date like 2011-06-30' }),
);

const text = (max: number) =>
  z.string({ message: 'expected text' }).trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

const localized = (max: number) =>
  z.object({ zh: text(max), en: text(max) }, { message: 'expected { zh: "…", en: "…" }' }).strict();

const code = (max: number) =>
  z
    .string({ message: 'expected a code' })
    .regex(/^[A-Z0-9][A-Z0-9-]*$/, 'expected uppercase letters, digits and dashes, like A01-EVENT')
    .max(max, `at most ${max} characters`);

const appliesTo = z.union(
  [
    z.literal('all'),
    z.object({ categories: z.array(z.enum(CATEGORIES)).min(1) }).strict(),
    z.object({ ranks: z.array(z.enum(RANKS)).min(1) }).strict(),
  ],
  { message: `expected all, { categories: [${CATEGORIES.join(', ')}] } or { ranks: [${RANKS.join(', ')}] }` },
);

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a local time like "09:00"');

export const ObligationSchema = z
  .object({
    code: code(24),
    title: localized(150),
    description: localized(2000).optional(),
    kind: z.enum(['report', 'paper'], { message: 'expected report or paper' }),
    paper_kinds: z.array(z.enum(PAPER_KINDS)).min(1).optional(),
    applies_to: appliesTo,
    due: localDate,
    weight: z.number({ message: 'expected a number' }).positive('must be positive').max(100).default(1),
  })
  .strict()
  .superRefine((ob, ctx) => {
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
          message: 'a report obligation applies to all branches or to branch categories',
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

export const ReminderSettingsSchema = z
  .object({
    time: time.default('09:00'),
    days_before: z.array(z.number().int().min(1).max(365)).default([14, 7, 3, 1]),
    on_due: z.boolean().default(true),
    overdue_every: z.number().int().min(0).max(365).default(7),
  })
  .strict();

export const ScoringSchema = z
  .object({
    on_time: z.number().min(0).max(1).default(1),
    late: z.number().min(0).max(1).default(0.5),
  })
  .strict();

export const CalendarSchema = z
  .object({
    holidays: z.array(localDate).default([]),
    workdays: z.array(localDate).default([]),
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
  })
  .strict()
  .superRefine((plan, ctx) => {
    if (plan.ends < plan.starts) ctx.addIssue({ code: 'custom', path: ['ends'], message: 'must not be before starts' });
    if (Number(plan.starts.slice(0, 4)) !== plan.year)
      ctx.addIssue({ code: 'custom', path: ['starts'], message: `must be in the plan's year ${plan.year}` });
    const activityCodes = new Map<string, number>();
    const obligationCodes = new Map<string, string>();
    plan.activities.forEach((activity, ai) => {
      const seen = activityCodes.get(activity.code);
      if (seen !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['activities', ai, 'code'],
          message: `${activity.code} is also used by activities[${seen}]`,
        });
      activityCodes.set(activity.code, ai);
      activity.obligations.forEach((ob, oi) => {
        const where = obligationCodes.get(ob.code);
        if (where)
          ctx.addIssue({
            code: 'custom',
            path: ['activities', ai, 'obligations', oi, 'code'],
            message: `${ob.code} is also used by ${where}`,
          });
        obligationCodes.set(ob.code, `activities[${ai}].obligations[${oi}]`);
        if (ob.due < plan.starts || ob.due > plan.ends) {
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
export type PlanSettings = Pick<PlanFile, 'reminders' | 'scoring' | 'calendar'>;

export const PlanSettingsSchema = z.object({
  reminders: ReminderSettingsSchema,
  scoring: ScoringSchema,
  calendar: CalendarSchema,
});

/** Parses and validates a plan file; every problem comes back with its path. */
export function parsePlan(source: string): Parsed<PlanFile> {
  const doc = parseDocument(source, { prettyErrors: true });
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`) };
  }
  const result = PlanFileSchema.safeParse(doc.toJS());
  return result.success ? { ok: true, value: result.data } : { ok: false, problems: formatIssues(result.error) };
}
