import { z } from 'zod';
import { planDate } from './projects.js';
import { isValidLocalDate } from './time.js';
import type { FieldErrors, FormResult } from './report-form.js';
import { RANKS, type LocalDate, type Rank } from './types.js';

/**
 * Members' public commitments (公开承诺, activity 3 of the 2011 plan): the plan file's
 * `commitments` section, who must commit, when a commitment may be made, edited or withdrawn, the
 * fulfilment (兑现承诺) each member reports and the branch secretary confirms or returns (点评), and
 * the rates per branch that make the computed obligation (`kind: commitments`). Pure: plain data
 * and `today` in, decisions out (docs/decisions/009-commitments.md).
 */

/** The areas a commitment may name (optional): study, post duties, serving the public, integrity. */
export const COMMITMENT_AREAS = ['study', 'duties', 'service', 'integrity'] as const;
export type CommitmentArea = (typeof COMMITMENT_AREAS)[number];

export const COMMITMENT_MAX_CHARS = 200;
export const FULFILMENT_NOTE_MAX_CHARS = 500;
export const CONFIRM_COMMENT_MAX_CHARS = 500;

export const OUTCOMES = ['fulfilled', 'partly', 'not'] as const;
export type Outcome = (typeof OUTCOMES)[number];

const perPerson = z
  .number({ message: 'expected a whole number from 1 to 5' })
  .int('expected a whole number from 1 to 5')
  .min(1, 'at least 1')
  .max(5, 'at most 5');

export const CommitmentsSchema = z
  .object({
    /** Who must commit: people of a branch with one of these ranks. */
    ranks: z
      .array(
        z.enum(RANKS, {
          error: (issue) => `${JSON.stringify(issue.input)} is not a person rank; expected one of ${RANKS.join(', ')}`,
        }),
      )
      .min(1, 'list at least one rank')
      .default(['division_leader', 'school_cadre', 'member', 'activist']),
    /** The window to make, edit and withdraw commitments, both days included. */
    opens: planDate,
    closes: planDate,
    per_person: z
      .object({ min: perPerson.default(1), max: perPerson.default(5) })
      .strict()
      .default({ min: 1, max: 5 }),
    /** Fulfilment: reported from `opens`, due by `due` (the year end). */
    fulfilment: z.object({ opens: planDate, due: planDate }).strict(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.per_person.min > c.per_person.max)
      ctx.addIssue({ code: 'custom', path: ['per_person', 'min'], message: 'must not be more than per_person.max' });
    const order: [string[], string, string[], string][] = [
      [['closes'], c.closes, ['opens'], c.opens],
      [['fulfilment', 'opens'], c.fulfilment.opens, ['closes'], c.closes],
      [['fulfilment', 'due'], c.fulfilment.due, ['fulfilment', 'opens'], c.fulfilment.opens],
    ];
    for (const [path, later, earlierPath, earlier] of order)
      if (isValidLocalDate(later) && isValidLocalDate(earlier) && later < earlier)
        ctx.addIssue({ code: 'custom', path, message: `must not be before ${earlierPath.join('.')} (${earlier})` });
  });

export type CommitmentRules = z.infer<typeof CommitmentsSchema>;

/** The section's dates lie in the plan's period; a `kind: commitments` obligation needs the section. */
export function checkCommitmentsAgainstPlan(
  c: CommitmentRules | undefined,
  plan: {
    starts: string;
    ends: string;
    activities: readonly { obligations: readonly { kind: string }[] }[];
  },
  ctx: z.RefinementCtx,
): void {
  if (!c) {
    plan.activities.forEach((a, ai) =>
      a.obligations.forEach((o, oi) => {
        if (o.kind === 'commitments')
          ctx.addIssue({
            code: 'custom',
            path: ['activities', ai, 'obligations', oi, 'kind'],
            message: "a commitments obligation needs the plan's commitments section (who, window, fulfilment)",
          });
      }),
    );
    return;
  }
  if (!isValidLocalDate(plan.starts) || !isValidLocalDate(plan.ends)) return;
  const dates: [string[], string][] = [
    [['commitments', 'opens'], c.opens],
    [['commitments', 'closes'], c.closes],
    [['commitments', 'fulfilment', 'opens'], c.fulfilment.opens],
    [['commitments', 'fulfilment', 'due'], c.fulfilment.due],
  ];
  for (const [path, date] of dates)
    if (isValidLocalDate(date) && (date < plan.starts || date > plan.ends))
      ctx.addIssue({
        code: 'custom',
        path,
        message: `must be within the plan's period ${plan.starts} to ${plan.ends}`,
      });
}

// Who, and when.

export interface CommitterFacts {
  rank: Rank | null;
  branchId: number | null;
  active?: boolean;
}

/** Whether the plan asks this person to commit: in a branch, of a listed rank. */
export function mustCommit(rules: Pick<CommitmentRules, 'ranks'>, person: CommitterFacts): boolean {
  return (
    person.active !== false && person.branchId !== null && person.rank !== null && rules.ranks.includes(person.rank)
  );
}

export type WindowState = 'before' | 'open' | 'reopened' | 'closed';

/** Where today falls for one person: a leader's reopening lets one person edit until its date. */
export function windowState(
  rules: Pick<CommitmentRules, 'opens' | 'closes'>,
  today: LocalDate,
  reopenedUntil: LocalDate | null,
): WindowState {
  if (today < rules.opens) return 'before';
  if (today <= rules.closes) return 'open';
  return reopenedUntil !== null && today <= reopenedUntil ? 'reopened' : 'closed';
}

export function canEditCommitments(state: WindowState): boolean {
  return state === 'open' || state === 'reopened';
}

/** Fulfilment is reported from its opening to the year end (and later, marked late, until the plan ends). */
export function fulfilmentOpen(rules: Pick<CommitmentRules, 'fulfilment'>, today: LocalDate): boolean {
  return today >= rules.fulfilment.opens;
}

/** A commitment as the rules see it. */
export interface CommitmentFact {
  id: number;
  personId: number;
  status: 'active' | 'withdrawn';
  /** When it was made (ISO), or its current text stored. */
  createdAt: string;
  outcome: Outcome | null;
  /** null, or confirmed / returned by the secretary. */
  confirmation: 'confirmed' | 'returned' | null;
}

export type FulfilmentState = 'unreported' | 'waiting' | 'confirmed' | 'returned';

export function fulfilmentState(c: Pick<CommitmentFact, 'outcome' | 'confirmation'>): FulfilmentState {
  if (c.outcome === null) return 'unreported';
  if (c.confirmation === 'confirmed') return 'confirmed';
  if (c.confirmation === 'returned') return 'returned';
  return 'waiting';
}

/** Whether the member may report (or report again) a commitment's fulfilment. */
export function canReportFulfilment(c: Pick<CommitmentFact, 'status' | 'outcome' | 'confirmation'>): boolean {
  return c.status === 'active' && c.confirmation !== 'confirmed';
}

/** Whether the secretary may confirm or return it now: reported and waiting. */
export function canConfirm(c: Pick<CommitmentFact, 'status' | 'outcome' | 'confirmation'>): boolean {
  return c.status === 'active' && fulfilmentState(c) === 'waiting';
}

/** Nobody confirms their own commitments: the branch's other secretary does, or a leader. */
export function mayConfirm(
  confirmer: { id: number; secretaryOf: readonly number[]; leader: boolean },
  commitment: { personId: number; branchId: number },
): boolean {
  if (confirmer.id === commitment.personId) return false;
  return confirmer.secretaryOf.includes(commitment.branchId) || confirmer.leader;
}

// Forms.

type FieldError = FieldErrors[string];

export interface CommitmentForm {
  text: string;
  area: CommitmentArea | null;
}

const AreaSchema = z.enum(COMMITMENT_AREAS);

/** The commitment modal's fields: the text (1 to 200 characters) and an optional area. */
export function parseCommitmentForm(values: { text: string | null; area: string | null }): FormResult<CommitmentForm> {
  const text = (values.text ?? '').trim();
  const errors: Record<string, FieldError> = {};
  if (text === '') errors.text = { key: 'commitments.error.text_empty' };
  else if ([...text].length > COMMITMENT_MAX_CHARS)
    errors.text = { key: 'commitments.error.text_long', params: { max: COMMITMENT_MAX_CHARS } };
  let area: CommitmentArea | null = null;
  if (values.area !== null && values.area !== '') {
    const parsed = AreaSchema.safeParse(values.area);
    if (parsed.success) area = parsed.data;
    else errors.area = { key: 'commitments.error.area' };
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: { text, area } };
}

export interface FulfilmentForm {
  outcome: Outcome;
  note: string;
  link: string | null;
}

const LinkSchema = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u));

/** The fulfilment modal: fulfilled / partly / not, a short note (required), an optional http(s) link. */
export function parseFulfilmentForm(values: {
  outcome: string | null;
  note: string | null;
  link: string | null;
}): FormResult<FulfilmentForm> {
  const errors: Record<string, FieldError> = {};
  const outcome = z.enum(OUTCOMES).safeParse(values.outcome);
  if (!outcome.success) errors.outcome = { key: 'commitments.error.outcome' };
  const note = (values.note ?? '').trim();
  if (note === '') errors.note = { key: 'commitments.error.note_empty' };
  else if ([...note].length > FULFILMENT_NOTE_MAX_CHARS)
    errors.note = { key: 'commitments.error.note_long', params: { max: FULFILMENT_NOTE_MAX_CHARS } };
  const linkText = (values.link ?? '').trim();
  let link: string | null = null;
  if (linkText !== '') {
    if (LinkSchema.safeParse(linkText).success && linkText.length <= 500) link = linkText;
    else errors.link = { key: 'commitments.error.link' };
  }
  if (Object.keys(errors).length > 0 || !outcome.success) return { ok: false, errors };
  return { ok: true, value: { outcome: outcome.data, note, link } };
}

export interface ConfirmForm {
  decision: 'confirmed' | 'returned';
  comment: string | null;
}

/** The secretary's confirmation: confirm, or return with a comment (required when returning). */
export function parseConfirmForm(values: { decision: string | null; comment: string | null }): FormResult<ConfirmForm> {
  const errors: Record<string, FieldError> = {};
  const decision = z.enum(['confirmed', 'returned']).safeParse(values.decision);
  if (!decision.success) errors.decision = { key: 'commitments.error.decision' };
  const comment = (values.comment ?? '').trim();
  if ([...comment].length > CONFIRM_COMMENT_MAX_CHARS)
    errors.comment = { key: 'commitments.error.comment_long', params: { max: CONFIRM_COMMENT_MAX_CHARS } };
  else if (decision.success && decision.data === 'returned' && comment === '')
    errors.comment = { key: 'commitments.error.comment_required' };
  if (Object.keys(errors).length > 0 || !decision.success) return { ok: false, errors };
  return { ok: true, value: { decision: decision.data, comment: comment === '' ? null : comment } };
}

// Rates and the computed obligation.

/** Per branch: people who must commit, who committed, commitments confirmed fulfilled, partly, confirmed. */
export interface CommitmentRate {
  required: number;
  committed: number;
  fulfilled: number;
  partly: number;
  confirmed: number;
}

export const emptyRate = (): CommitmentRate => ({ required: 0, committed: 0, fulfilled: 0, partly: 0, confirmed: 0 });

/**
 * Counts per branch. `committed` counts people who must commit and have at least one active
 * commitment; the fulfilment counts are over active commitments confirmed by the secretary.
 */
export function branchRates(
  people: readonly { id: number; branchId: number; required: boolean }[],
  commitments: readonly (Pick<CommitmentFact, 'personId' | 'status' | 'outcome' | 'confirmation'> & {
    branchId: number;
  })[],
): Map<number, CommitmentRate> {
  const out = new Map<number, CommitmentRate>();
  const rate = (branchId: number) => {
    let r = out.get(branchId);
    if (!r) out.set(branchId, (r = emptyRate()));
    return r;
  };
  const committedPeople = new Set<number>();
  for (const c of commitments) {
    if (c.status !== 'active') continue;
    committedPeople.add(c.personId);
    if (c.confirmation !== 'confirmed') continue;
    const r = rate(c.branchId);
    r.confirmed++;
    if (c.outcome === 'fulfilled') r.fulfilled++;
    else if (c.outcome === 'partly') r.partly++;
  }
  for (const p of people) {
    if (!p.required) continue;
    const r = rate(p.branchId);
    r.required++;
    if (committedPeople.has(p.id)) r.committed++;
  }
  return out;
}

/** What the computed obligation's item is, when its data make it done (owed.ts `ComputedDone`). */
export interface ComputedDone {
  onTime: boolean;
  /** When the threshold was reached (ISO): the item's "done" time, for the chart. */
  doneAt: string;
}

/**
 * Whether a branch's commitments obligation is done: the share of those who must commit who have
 * committed reaches `threshold` percent. It is done when the k-th earliest first commitment came in
 * (k = the number the threshold needs), on time when that was by the due date (local, from
 * `localDate`). A branch nobody in it must commit is done, on time, from the plan's start.
 */
export function computedCommitmentsDone(args: {
  /** Each required person's earliest active commitment (ISO), null when none. */
  firstCommitted: readonly (string | null)[];
  threshold: number;
  due: LocalDate;
  localDate: (iso: string) => LocalDate;
  planStartIso: string;
}): ComputedDone | null {
  const required = args.firstCommitted.length;
  if (required === 0) return { onTime: true, doneAt: args.planStartIso };
  const needed = Math.max(1, Math.ceil((args.threshold * required) / 100 - 1e-9));
  const times = args.firstCommitted.filter((t): t is string => t !== null).sort();
  if (times.length < needed) return null;
  const doneAt = times[needed - 1]!;
  return { onTime: args.localDate(doneAt) <= args.due, doneAt };
}

/** The percent shown for a rate: committed of required, one decimal; null when nobody is required. */
export function percentOf(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((1000 * part) / whole) / 10;
}

// Reminders.

export interface CommitmentReminderInput {
  rules: CommitmentRules;
  today: LocalDate;
  /** Days before the window closes (and before the fulfilment due date) on which to remind. */
  daysBefore: readonly number[];
  daysUntil: (date: LocalDate) => number;
  people: readonly { id: number; required: boolean; committed: number; unreported: number }[];
  /** Secretaries (and confirming leaders are not reminded) with the count waiting for them. */
  secretaries: readonly { id: number; waiting: number }[];
}

export type CommitmentReminder =
  | { kind: 'commit'; personId: number; closes: LocalDate; daysLeft: number }
  | { kind: 'fulfil'; personId: number; due: LocalDate; daysLeft: number; unreported: number }
  | { kind: 'confirm'; personId: number; waiting: number };

/**
 * Who is reminded today (a working day; the job decides that): members who must commit and have not,
 * on the days before the window closes; members with unreported fulfilment, on the days before the
 * year-end date and the day itself; secretaries with fulfilment waiting, on every working day from
 * fulfilment's opening to the plan's end.
 */
export function planCommitmentReminders(input: CommitmentReminderInput): CommitmentReminder[] {
  const out: CommitmentReminder[] = [];
  const { rules, today } = input;
  const onDay = (date: LocalDate) => {
    const left = input.daysUntil(date);
    return left >= 0 && (left === 0 || input.daysBefore.includes(left)) ? left : null;
  };
  if (today >= rules.opens) {
    const left = onDay(rules.closes);
    if (left !== null)
      for (const p of input.people)
        if (p.required && p.committed === 0)
          out.push({ kind: 'commit', personId: p.id, closes: rules.closes, daysLeft: left });
  }
  if (today >= rules.fulfilment.opens) {
    const left = onDay(rules.fulfilment.due);
    if (left !== null)
      for (const p of input.people)
        if (p.unreported > 0)
          out.push({
            kind: 'fulfil',
            personId: p.id,
            due: rules.fulfilment.due,
            daysLeft: left,
            unreported: p.unreported,
          });
    for (const s of input.secretaries)
      if (s.waiting > 0) out.push({ kind: 'confirm', personId: s.id, waiting: s.waiting });
  }
  return out;
}

/** Whether the window-close posting is due: the first day after the window. */
export function postingDue(rules: Pick<CommitmentRules, 'closes'>, today: LocalDate): boolean {
  return today > rules.closes;
}
