import { z } from 'zod';
import type { MessageKey, Params } from '../i18n/index.js';
import { isValidLocalDate } from './time.js';
import type { Evidence, LocalDate } from './types.js';

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

export type FileEvidence = Extract<Evidence, { type: 'file' }>;

export interface ReportForm {
  obligationId: number;
  heldOn: LocalDate;
  participants: number;
  summary: string;
  /** Links, one a line in the modal, each checked and normalised (`webUrl`), without repeats. */
  links: string[];
  /** Files shared through the modal's file input. */
  files: FileEvidence[];
  /** Ids of the files of the report being edited that the secretary chose to keep. */
  keepFileIds: string[];
}

/** Evidence limits: a handful of links and files, enough for photos and a document. */
export const LINKS_MAX = 10;
export const FILES_MAX = 5;

/** What Slack sends for a file chosen in a file_input: only the fields kept are checked. */
const UploadedFileSchema = z.object({
  id: z.string().regex(/^F[A-Z0-9]{2,40}$/),
  name: z.string().max(1000).nullish(),
  title: z.string().max(1000).nullish(),
  permalink: z.string().max(2000).nullish(),
});

export const URL_MAX = 1000;

/**
 * A link as it is stored: `new URL(text).href` (lower-case host, punycode, spaces and angle
 * brackets percent-encoded), when the text is an http(s) address with a dotted host and its
 * normalised form is at most URL_MAX characters; null otherwise (`javascript:`, `file:`, text).
 */
export function webUrl(text: string): string | null {
  if (text.length > URL_MAX) return null;
  try {
    const url = new URL(text);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname.includes('.')) return null;
    return url.href.length <= URL_MAX ? url.href : null;
  } catch {
    return null;
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
  else if (heldOn < limits.earliest)
    errors.held_on = { key: 'report.error.held_on_range', params: { starts: limits.earliest, ends: limits.today } };

  const participantsText = (fieldOf(state, 'participants')?.value ?? '').trim();
  const participants = /^\d{1,6}$/.test(participantsText) ? Number(participantsText) : NaN;
  if (!Number.isInteger(participants) || participants > 100_000)
    errors.participants = { key: 'report.error.participants' };

  const summary = (fieldOf(state, 'summary')?.value ?? '').trim();
  if (summary === '') errors.summary = { key: 'report.error.summary_empty' };
  else if (Array.from(summary).length > limits.summaryMax)
    errors.summary = { key: 'report.error.summary_long', params: { max: limits.summaryMax } };

  const links: string[] = [];
  const lines = (fieldOf(state, 'evidence')?.value ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const urls = lines.map(webUrl);
  const badLine = urls.findIndex((u) => u === null);
  // Two ways of writing one address are one link.
  const distinct = [...new Set(urls.filter((u): u is string => u !== null))];
  if (badLine >= 0) errors.evidence = { key: 'report.error.url_line', params: { line: badLine + 1 } };
  else if (distinct.length > LINKS_MAX)
    errors.evidence = { key: 'report.error.links_many', params: { max: LINKS_MAX } };
  else links.push(...distinct);

  const files: FileEvidence[] = [];
  const uploaded = z
    .array(UploadedFileSchema)
    .max(FILES_MAX)
    .safeParse(fieldOf(state, 'files')?.files ?? []);
  if (!uploaded.success) errors.files = { key: 'report.error.files', params: { max: FILES_MAX } };
  else
    for (const f of uploaded.data)
      files.push({
        type: 'file',
        fileId: f.id,
        permalink: f.permalink ? webUrl(f.permalink) : null,
        name: f.name ?? f.title ?? null,
      });

  const keepFileIds = (fieldOf(state, 'keep_files')?.selected_options ?? []).map((o) => o.value);

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { obligationId, heldOn, participants, summary, links, files, keepFileIds } };
}

/**
 * The evidence stored with a report: the links, the files kept from the version being edited
 * (only those it really had: the ids in the modal come from the client) and the new files, at
 * most FILES_MAX files in all.
 */
export function evidenceOf(
  form: Pick<ReportForm, 'links' | 'files' | 'keepFileIds'>,
  previous: readonly Evidence[],
): FormResult<Evidence[]> {
  const kept = previous.filter((e): e is FileEvidence => e.type === 'file' && form.keepFileIds.includes(e.fileId));
  const files = [...kept, ...form.files.filter((f) => !kept.some((k) => k.fileId === f.fileId))];
  if (files.length > FILES_MAX)
    return { ok: false, errors: { files: { key: 'report.error.files', params: { max: FILES_MAX } } } };
  return { ok: true, value: [...form.links.map((url): Evidence => ({ type: 'link', url })), ...files] };
}
