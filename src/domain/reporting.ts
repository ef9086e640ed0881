import { z } from 'zod';
import type { WorkCalendar } from './calendar.js';
import { fieldOf, type FieldErrors, type FormResult, type ViewState } from './report-form.js';
import { isValidLocalDate } from './time.js';
import type { LocalDate, Report } from './types.js';

/**
 * Who may change a stored report, and how a leader's review applies. Pure: the callers read the
 * report, the person and the branch's secretaries, and act on the verdict.
 */
export type ChangeVerdict = { ok: true } | { ok: false; reason: 'reviewed' | 'not_author' };

/**
 * A report is changed (edited, replaced, withdrawn) by its author until a leader accepts it. A
 * returned report may be revised. When the author is no longer a secretary of the branch (the
 * roster changed hands), the branch's current secretaries take it over.
 */
export function canChangeReport(
  report: Pick<Report, 'status' | 'submittedBy'>,
  personId: number,
  branchSecretaryIds: readonly number[],
): ChangeVerdict {
  if (report.status === 'withdrawn') return { ok: true };
  if (report.status === 'accepted') return { ok: false, reason: 'reviewed' };
  if (report.submittedBy === personId || !branchSecretaryIds.includes(report.submittedBy)) return { ok: true };
  return { ok: false, reason: 'not_author' };
}

/** Withdrawing needs a report that is still waiting for review (or returned): not a withdrawn one. */
export function canWithdrawReport(
  report: Pick<Report, 'status' | 'submittedBy'>,
  personId: number,
  branchSecretaryIds: readonly number[],
): ChangeVerdict | { ok: false; reason: 'withdrawn' } {
  if (report.status === 'withdrawn') return { ok: false, reason: 'withdrawn' };
  return canChangeReport(report, personId, branchSecretaryIds);
}

export const REVIEW_DECISIONS = ['accept', 'return'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

export type ReviewVerdict = 'apply' | 'duplicate' | 'already_reviewed' | 'stale' | 'withdrawn';

/**
 * Whether a leader's review applies to the report as it is now. The modal carries the version the
 * leader read: a report edited since then is `stale`. The same review delivered twice (Slack
 * retries) is a `duplicate`, answered without a second change.
 */
export function reviewVerdict(
  report: Pick<Report, 'status' | 'version' | 'reviewedBy'>,
  review: { leaderId: number; decision: ReviewDecision; version: number },
): ReviewVerdict {
  if (report.status === 'withdrawn') return 'withdrawn';
  if (report.status === 'accepted' || report.status === 'returned') {
    const same =
      report.reviewedBy === review.leaderId &&
      report.version === review.version &&
      report.status === (review.decision === 'accept' ? 'accepted' : 'returned');
    return same ? 'duplicate' : 'already_reviewed';
  }
  return report.version === review.version ? 'apply' : 'stale';
}

export const REVIEW_COMMENT_MAX = 1000;

export interface ReviewForm {
  decision: ReviewDecision;
  comment: string | null;
}

/** The review modal: a decision, and a comment that is required when the report is returned. */
export function parseReviewForm(state: ViewState): FormResult<ReviewForm> {
  const errors: FieldErrors = {};
  const decisionValue = fieldOf(state, 'decision')?.selected_option?.value ?? '';
  const decision = (REVIEW_DECISIONS as readonly string[]).includes(decisionValue)
    ? (decisionValue as ReviewDecision)
    : null;
  if (!decision) errors.decision = { key: 'review.error.decision' };
  const comment = (fieldOf(state, 'comment')?.value ?? '').trim();
  if (Array.from(comment).length > REVIEW_COMMENT_MAX)
    errors.comment = { key: 'review.error.comment_long', params: { max: REVIEW_COMMENT_MAX } };
  else if (decision === 'return' && comment === '') errors.comment = { key: 'review.error.comment_required' };
  if (!decision || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { decision, comment: comment === '' ? null : comment } };
}

export const EXTENSION_REASON_MAX = 500;

export interface ExtensionForm {
  newDue: LocalDate;
  reason: string;
}

/**
 * The extension request: a new date after the due date that applies now (the plan's, or an
 * extension already granted) and no later than the end of the plan's year; a reason.
 */
export function parseExtensionForm(
  state: ViewState,
  limits: { currentDue: LocalDate; latest: LocalDate },
): FormResult<ExtensionForm> {
  const errors: FieldErrors = {};
  const newDue = fieldOf(state, 'new_due')?.selected_date ?? '';
  if (!isValidLocalDate(newDue)) errors.new_due = { key: 'prompts.error.new_due_missing' };
  else if (newDue <= limits.currentDue)
    errors.new_due = { key: 'prompts.error.new_due_early', params: { due: limits.currentDue } };
  else if (newDue > limits.latest)
    errors.new_due = { key: 'prompts.error.new_due_late', params: { latest: limits.latest } };
  const reason = (fieldOf(state, 'reason')?.value ?? '').trim();
  if (reason === '') errors.reason = { key: 'prompts.error.reason_empty' };
  else if (Array.from(reason).length > EXTENSION_REASON_MAX)
    errors.reason = { key: 'prompts.error.reason_long', params: { max: EXTENSION_REASON_MAX } };
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { newDue, reason } };
}

/** "Remind me tomorrow" means the next working day, so a Friday snooze lands on Monday (or after a holiday). */
export function snoozeUntil(calendar: WorkCalendar, today: LocalDate): LocalDate {
  return calendar.addWorkdays(today, 1);
}

/** The value a prompt button carries: which obligation, and for which branch (null for a personal paper). */
export const PromptValueSchema = z
  .object({
    o: z
      .number()
      .int()
      .positive()
      .max(2 ** 31),
    b: z
      .number()
      .int()
      .positive()
      .max(2 ** 31)
      .nullable(),
  })
  .strict();
export type PromptValue = z.infer<typeof PromptValueSchema>;

/** A database id carried in a button value: digits only, nothing else. */
export const IdValueSchema = z
  .string()
  .regex(/^[1-9]\d{0,9}$/)
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .max(2 ** 31),
  );
