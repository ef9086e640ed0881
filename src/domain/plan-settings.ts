import { z } from 'zod';
import { isValidLocalDate } from './time.js';
import { ProjectsSchema } from './projects.js';
import { CommendationsSchema } from './commendations.js';
import { EvaluationSchema } from './evaluation.js';
import { CommitmentsSchema } from './commitments.js';
import { InspectionsSchema } from './inspections.js';
import { AssessmentSchema } from './assessment.js';

/**
 * The plan's settings, as the plan file gives them and as the database keeps them (plans.settings).
 * Apart from the plan file's schema so that reading a stored plan does not load the YAML parser.
 */
export const localDate = z.preprocess(
  // A YAML 1.1 parser may hand us a Date; our YAML 1.2 parser hands us the text.
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z
    .string({ message: 'expected a date like 2011-06-30' })
    .refine(isValidLocalDate, { message: 'expected a date like 2011-06-30' }),
);

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a local time like "09:00"');

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

export const PlanSettingsSchema = z.object({
  reminders: ReminderSettingsSchema,
  scoring: ScoringSchema,
  calendar: CalendarSchema,
  projects: ProjectsSchema.nullable().default(null),
  commendations: CommendationsSchema.nullable().default(null),
  evaluation: EvaluationSchema.nullable().default(null),
  commitments: CommitmentsSchema.nullable().default(null),
  inspections: InspectionsSchema.default(() => InspectionsSchema.parse({})),
  /** Null when the plan has no section: the assessment then uses the defaults, final on the plan's last day. */
  assessment: AssessmentSchema.nullable().default(null),
});

export type PlanSettings = z.infer<typeof PlanSettingsSchema>;
