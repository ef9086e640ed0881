import { z } from 'zod';
import {
  PROJECT_STAGES,
  PROJECT_TEXT,
  SCORE_MAX,
  SCORE_MIN,
  parseProjectNumber,
  type Criterion,
  type ProjectDraft,
  type ProjectStage,
  type ScoreSheet,
} from './projects.js';
import { fieldOf, webUrl, type FieldErrors, type FormResult, type ViewState } from './report-form.js';

export type { ProjectDraft } from './projects.js';

/**
 * The project modals' fields, read and checked. Every error names its block, so Slack shows it
 * under the field; nothing is stored unless the whole form is right.
 */

export const PROJECT_BLOCKS = {
  title: 'title',
  aims: 'aims',
  approach: 'approach',
  expected: 'expected',
  comment: 'comment',
  links: 'links',
  results: 'results',
  stage: 'stage',
  assessors: 'assessors',
  project: 'project',
  tier: 'tier',
  reason: 'reason',
  channel: 'channel',
  criterionPrefix: 'score_',
} as const;

function textField(
  state: ViewState,
  block: string,
  max: number,
  errors: FieldErrors,
  opts: { required: boolean },
): string | null {
  const value = (fieldOf(state, block)?.value ?? '').trim();
  if (value === '') {
    if (opts.required) errors[block] = { key: 'project.error.required' };
    return null;
  }
  if (Array.from(value).length > max) {
    errors[block] = { key: 'project.error.too_long', params: { max } };
    return null;
  }
  return value;
}

/** Links, one a line, each an http(s) address, kept as `new URL(x).href`. */
function linksField(state: ViewState, errors: FieldErrors): string[] {
  const lines = (fieldOf(state, PROJECT_BLOCKS.links)?.value ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const bad = lines.findIndex((l) => webUrl(l) === null);
  if (bad >= 0) {
    errors[PROJECT_BLOCKS.links] = { key: 'project.error.link', params: { line: bad + 1 } };
    return [];
  }
  const links = [...new Set(lines.map((l) => webUrl(l)!))];
  if (links.length > PROJECT_TEXT.links) {
    errors[PROJECT_BLOCKS.links] = { key: 'project.error.links_many', params: { max: PROJECT_TEXT.links } };
    return [];
  }
  return links;
}

const done = <T>(errors: FieldErrors, value: () => T): FormResult<T> =>
  Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: value() };

/** 备案: the project's title, aims, approach (实施方案) and expected results. */
export function parseRegistrationForm(state: ViewState): FormResult<ProjectDraft> {
  const errors: FieldErrors = {};
  const title = textField(state, PROJECT_BLOCKS.title, PROJECT_TEXT.title, errors, { required: true });
  const aims = textField(state, PROJECT_BLOCKS.aims, PROJECT_TEXT.field, errors, { required: true });
  const approach = textField(state, PROJECT_BLOCKS.approach, PROJECT_TEXT.field, errors, { required: true });
  const expected = textField(state, PROJECT_BLOCKS.expected, PROJECT_TEXT.field, errors, { required: true });
  return done(errors, () => ({ title: title!, aims: aims!, approach: approach!, expected: expected! }));
}

/** A leader's guidance or the branch's progress update: the text, and links for evidence. */
export function parseNoteForm(state: ViewState): FormResult<{ comment: string; links: string[] }> {
  const errors: FieldErrors = {};
  const comment = textField(state, PROJECT_BLOCKS.comment, PROJECT_TEXT.field, errors, { required: true });
  const links = linksField(state, errors);
  return done(errors, () => ({ comment: comment!, links }));
}

/** 申报: the results achieved, and at least one link to the evidence. */
export function parseApplicationForm(state: ViewState): FormResult<{ results: string; links: string[] }> {
  const errors: FieldErrors = {};
  const results = textField(state, PROJECT_BLOCKS.results, PROJECT_TEXT.field, errors, { required: true });
  const links = linksField(state, errors);
  if (!errors[PROJECT_BLOCKS.links] && links.length === 0)
    errors[PROJECT_BLOCKS.links] = { key: 'project.error.evidence' };
  return done(errors, () => ({ results: results!, links }));
}

/** A move: the stage (for a move back) and the comment, which a move back must have. */
export function parseMoveForm(
  state: ViewState,
  opts: { back: boolean; allowed: readonly ProjectStage[] },
): FormResult<{ to: ProjectStage | null; comment: string | null }> {
  const errors: FieldErrors = {};
  let to: ProjectStage | null = null;
  if (opts.back) {
    const chosen = fieldOf(state, PROJECT_BLOCKS.stage)?.selected_option?.value ?? '';
    if (!PROJECT_STAGES.includes(chosen as ProjectStage) || !opts.allowed.includes(chosen as ProjectStage))
      errors[PROJECT_BLOCKS.stage] = { key: 'project.error.stage' };
    else to = chosen as ProjectStage;
  }
  const comment = textField(state, PROJECT_BLOCKS.comment, PROJECT_TEXT.comment, errors, { required: false });
  if (opts.back && !errors[PROJECT_BLOCKS.comment] && comment === null)
    errors[PROJECT_BLOCKS.comment] = { key: 'project.error.comment_needed' };
  return done(errors, () => ({ to, comment }));
}

const PersonIdSchema = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number);

/** The assessors an admin chose (person ids from the modal's options, checked again by the caller). */
export function parseAssignForm(
  state: ViewState,
  need: number,
): FormResult<{ assessorIds: number[]; comment: string | null }> {
  const errors: FieldErrors = {};
  const chosen = (fieldOf(state, PROJECT_BLOCKS.assessors)?.selected_options ?? []).map((o) => o.value);
  const ids = chosen.map((v) => PersonIdSchema.safeParse(v));
  const assessorIds = [...new Set(ids.flatMap((r) => (r.success ? [r.data] : [])))];
  if (ids.some((r) => !r.success) || assessorIds.length !== need)
    errors[PROJECT_BLOCKS.assessors] = { key: 'project.error.assessors_count', params: { count: need } };
  const comment = textField(state, PROJECT_BLOCKS.comment, PROJECT_TEXT.comment, errors, { required: false });
  return done(errors, () => ({ assessorIds, comment }));
}

/** An assessor's sheet: each criterion a whole number from 0 to 10, and a comment. */
export function parseScoreForm(
  state: ViewState,
  criteria: readonly Criterion[],
): FormResult<{ sheet: ScoreSheet; comment: string }> {
  const errors: FieldErrors = {};
  const sheet: ScoreSheet = {};
  for (const c of criteria) {
    const block = `${PROJECT_BLOCKS.criterionPrefix}${c.code}`;
    const text = (fieldOf(state, block)?.value ?? '').trim();
    const n = /^-?\d{1,3}$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(n) || n < SCORE_MIN || n > SCORE_MAX)
      errors[block] = { key: 'project.error.score', params: { min: SCORE_MIN, max: SCORE_MAX } };
    else sheet[c.code] = n;
  }
  const comment = textField(state, PROJECT_BLOCKS.comment, PROJECT_TEXT.comment, errors, { required: true });
  return done(errors, () => ({ sheet, comment: comment! }));
}

/** The committee's adjustment of one project's tier: which project, which tier (or none), and why. */
export function parseAdjustForm(
  state: ViewState,
  tierCodes: readonly string[],
): FormResult<{ projectId: number; tier: string | null; reason: string }> {
  const errors: FieldErrors = {};
  const projectId = parseProjectNumber(fieldOf(state, PROJECT_BLOCKS.project)?.value ?? '');
  if (projectId === null || projectId <= 0) errors[PROJECT_BLOCKS.project] = { key: 'project.error.number' };
  const tierValue = fieldOf(state, PROJECT_BLOCKS.tier)?.selected_option?.value ?? '';
  const tier = tierValue === 'none' ? null : tierCodes.includes(tierValue) ? tierValue : undefined;
  if (tier === undefined) errors[PROJECT_BLOCKS.tier] = { key: 'project.error.tier' };
  const reason = textField(state, PROJECT_BLOCKS.reason, PROJECT_TEXT.comment, errors, { required: true });
  return done(errors, () => ({ projectId: projectId!, tier: tier ?? null, reason: reason! }));
}

const ChannelSchema = z.string().regex(/^[CG][A-Z0-9]{2,30}$/);

/** The channel an announcement goes to. */
export function parseChannelForm(state: ViewState): FormResult<{ channelId: string }> {
  const channel = ChannelSchema.safeParse(fieldOf(state, PROJECT_BLOCKS.channel)?.selected_conversation);
  return channel.success
    ? { ok: true, value: { channelId: channel.data } }
    : { ok: false, errors: { [PROJECT_BLOCKS.channel]: { key: 'project.error.channel' } } };
}

/** What `/project` was asked. */
export type ProjectRequest =
  | { kind: 'mine' }
  | { kind: 'all' }
  | { kind: 'review' }
  | { kind: 'register' }
  | { kind: 'show'; projectId: number }
  | { kind: 'help' };

export function parseProjectText(text: string | undefined): ProjectRequest {
  const t = (text ?? '').trim().toLowerCase();
  if (t === '') return { kind: 'mine' };
  if (t === 'all' || t === '全部') return { kind: 'all' };
  if (t === 'review' || t === '评审' || t === '综合评审') return { kind: 'review' };
  if (t === 'register' || t === '备案') return { kind: 'register' };
  const id = parseProjectNumber(t);
  if (id !== null && id > 0) return { kind: 'show', projectId: id };
  return { kind: 'help' };
}
