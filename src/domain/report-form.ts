import { z } from 'zod';
import type { MessageKey, Params } from '../i18n/index.js';
import { isValidLocalDate } from './time.js';
import type { LocalDate } from './types.js';

/** What Slack sends as `view.state.values`, validated before anything reads it. */
export const ViewStateSchema = z.record(
  z.string(),
  z.record(
    z.string(),
    z
      .object({
        type: z.string(),
        value: z.string().nullish(),
        selected_date: z.string().nullish(),
        selected_option: z.object({ value: z.string() }).nullish(),
        selected_options: z.array(z.object({ value: z.string() })).nullish(),
        selected_users: z.array(z.string()).nullish(),
        selected_conversation: z.string().nullish(),
        files: z.array(z.object({ id: z.string() }).passthrough()).nullish(),
      })
      .passthrough(),
  ),
);
export type ViewState = z.infer<typeof ViewStateSchema>;

export type FieldErrors = Record<string, { key: MessageKey; params?: Params }>;
export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** The first element's value in a block, whatever its action id. */
export function fieldOf(state: ViewState, blockId: string) {
  const block = state[blockId];
  if (!block) return undefined;
  return Object.values(block)[0];
}

export interface ReportForm {
  obligationId: number;
  heldOn: LocalDate;
  participants: number;
  summary: string;
  evidenceUrl: string | null;
}

export const URL_MAX = 1000;

export function isWebUrl(text: string): boolean {
  if (text.length > URL_MAX) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.includes('.');
  } catch {
    return false;
  }
}

/**
 * Reads the report modal. Every field is checked; the errors name the block so that Slack shows
 * them inline. `earliest`/`today` bound the date held.
 */
export function parseReportForm(
  state: ViewState,
  limits: { today: LocalDate; earliest: LocalDate; summaryMax: number },
): FormResult<ReportForm> {
  const errors: FieldErrors = {};
  const obligationValue = fieldOf(state, 'obligation')?.selected_option?.value ?? '';
  const obligationId = /^\d{1,9}$/.test(obligationValue) ? Number(obligationValue) : NaN;
  if (!Number.isInteger(obligationId)) errors.obligation = { key: 'report.error.obligation' };

  const heldOn = fieldOf(state, 'held_on')?.selected_date ?? '';
  if (!isValidLocalDate(heldOn)) errors.held_on = { key: 'report.error.held_on_missing' };
  else if (heldOn > limits.today) errors.held_on = { key: 'report.error.held_on_future' };
  else if (heldOn < limits.earliest) errors.held_on = { key: 'report.error.held_on_range', params: { starts: limits.earliest, ends: limits.today } };

  const participantsText = (fieldOf(state, 'participants')?.value ?? '').trim();
  const participants = /^\d{1,6}$/.test(participantsText) ? Number(participantsText) : NaN;
  if (!Number.isInteger(participants) || participants > 100_000) errors.participants = { key: 'report.error.participants' };

  const summary = (fieldOf(state, 'summary')?.value ?? '').trim();
  if (summary === '') errors.summary = { key: 'report.error.summary_empty' };
  else if (Array.from(summary).length > limits.summaryMax) errors.summary = { key: 'report.error.summary_long', params: { max: limits.summaryMax } };

  const evidenceText = (fieldOf(state, 'evidence')?.value ?? '').trim();
  if (evidenceText !== '' && !isWebUrl(evidenceText)) errors.evidence = { key: 'report.error.url' };

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { obligationId, heldOn, participants, summary, evidenceUrl: evidenceText === '' ? null : evidenceText } };
}
