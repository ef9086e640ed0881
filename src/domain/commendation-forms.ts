import { z } from 'zod';
import { REVIEW_DECISIONS, type ReviewDecision } from './commendations.js';
import { fieldOf, webUrl, type FieldErrors, type FormResult, type ViewState } from './report-form.js';

/** The commendation modals' fields, read and checked; each error names its block. */

export const COMMEND_BLOCKS = {
  branch: 'branch',
  person: 'person',
  project: 'project',
  citation: 'citation',
  link: 'link',
  decision: 'decision',
  comment: 'comment',
  channel: 'channel',
  nominee: 'nominee',
  text: 'text',
  reason: 'reason',
} as const;

export const COMMEND_TEXT = { citation: 3000, comment: 1000, objection: 2000 } as const;

function text(state: ViewState, block: string, max: number, errors: FieldErrors, required: boolean): string | null {
  const value = (fieldOf(state, block)?.value ?? '').trim();
  if (value === '') {
    if (required) errors[block] = { key: 'commend.error.required' };
    return null;
  }
  if (Array.from(value).length > max) {
    errors[block] = { key: 'commend.error.too_long', params: { max } };
    return null;
  }
  return value;
}

const IdSchema = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number);

const done = <T>(errors: FieldErrors, value: () => T): FormResult<T> =>
  Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: value() };

export interface NominationForm {
  /** The nominating branch, when the secretary has several (else the caller's one). */
  branchId: number | null;
  /** A person nominee, as Slack gives them. */
  slackUserId: string | null;
  projectId: number | null;
  citation: string;
  evidenceLink: string | null;
}

/** 推荐: the nominee (a person, a project, or the branch itself), the citation (事迹材料) and a link. */
export function parseNominationForm(
  state: ViewState,
  nominee: 'branch' | 'person' | 'project',
  opts: { revising: boolean },
): FormResult<NominationForm> {
  const errors: FieldErrors = {};
  let branchId: number | null = null;
  const branchValue = fieldOf(state, COMMEND_BLOCKS.branch)?.selected_option?.value;
  if (branchValue !== undefined) {
    const id = IdSchema.safeParse(branchValue);
    if (id.success) branchId = id.data;
    else errors[COMMEND_BLOCKS.branch] = { key: 'commend.error.branch' };
  }
  let slackUserId: string | null = null;
  let projectId: number | null = null;
  if (!opts.revising && nominee === 'person') {
    const user = fieldOf(state, COMMEND_BLOCKS.person)?.selected_user;
    if (typeof user === 'string' && /^[UW][A-Z0-9]{2,30}$/.test(user)) slackUserId = user;
    else errors[COMMEND_BLOCKS.person] = { key: 'commend.error.person' };
  }
  if (!opts.revising && nominee === 'project') {
    const id = IdSchema.safeParse(fieldOf(state, COMMEND_BLOCKS.project)?.selected_option?.value ?? '');
    if (id.success) projectId = id.data;
    else errors[COMMEND_BLOCKS.project] = { key: 'commend.error.project' };
  }
  const citation = text(state, COMMEND_BLOCKS.citation, COMMEND_TEXT.citation, errors, true);
  const link = (fieldOf(state, COMMEND_BLOCKS.link)?.value ?? '').trim();
  let evidenceLink: string | null = null;
  if (link !== '') {
    evidenceLink = webUrl(link);
    if (evidenceLink === null) errors[COMMEND_BLOCKS.link] = { key: 'commend.error.link' };
  }
  return done(errors, () => ({ branchId, slackUserId, projectId, citation: citation!, evidenceLink }));
}

/** A leader's review: the decision, and a comment (needed to return a nomination). */
export function parseCommendReviewForm(
  state: ViewState,
): FormResult<{ decision: ReviewDecision; comment: string | null }> {
  const errors: FieldErrors = {};
  const value = fieldOf(state, COMMEND_BLOCKS.decision)?.selected_option?.value ?? '';
  const decision = REVIEW_DECISIONS.includes(value as ReviewDecision) ? (value as ReviewDecision) : null;
  if (!decision) errors[COMMEND_BLOCKS.decision] = { key: 'commend.error.decision' };
  const comment = text(state, COMMEND_BLOCKS.comment, COMMEND_TEXT.comment, errors, false);
  if (decision === 'return' && comment === null && !errors[COMMEND_BLOCKS.comment])
    errors[COMMEND_BLOCKS.comment] = { key: 'commend.error.comment_needed' };
  return done(errors, () => ({ decision: decision!, comment }));
}

/** An objection: which nominee, and what is wrong. */
export function parseObjectionForm(
  state: ViewState,
  allowed: readonly number[],
): FormResult<{ nominationId: number; text: string }> {
  const errors: FieldErrors = {};
  const id = IdSchema.safeParse(fieldOf(state, COMMEND_BLOCKS.nominee)?.selected_option?.value ?? '');
  if (!id.success || !allowed.includes(id.data)) errors[COMMEND_BLOCKS.nominee] = { key: 'commend.error.nominee' };
  const body = text(state, COMMEND_BLOCKS.text, COMMEND_TEXT.objection, errors, true);
  return done(errors, () => ({ nominationId: id.success ? id.data : 0, text: body! }));
}

/** An admin's decision on an objection: uphold or dismiss, always with the reason. */
export function parseObjectionDecisionForm(
  state: ViewState,
): FormResult<{ decision: 'uphold' | 'dismiss'; reason: string }> {
  const errors: FieldErrors = {};
  const value = fieldOf(state, COMMEND_BLOCKS.decision)?.selected_option?.value ?? '';
  const decision = value === 'uphold' || value === 'dismiss' ? value : null;
  if (!decision) errors[COMMEND_BLOCKS.decision] = { key: 'commend.error.decision' };
  const reason = text(state, COMMEND_BLOCKS.reason, COMMEND_TEXT.comment, errors, true);
  return done(errors, () => ({ decision: decision!, reason: reason! }));
}

const ChannelSchema = z.string().regex(/^[CG][A-Z0-9]{2,30}$/);

export function parseCommendChannelForm(state: ViewState): FormResult<{ channelId: string }> {
  const channel = ChannelSchema.safeParse(fieldOf(state, COMMEND_BLOCKS.channel)?.selected_conversation);
  return channel.success
    ? { ok: true, value: { channelId: channel.data } }
    : { ok: false, errors: { [COMMEND_BLOCKS.channel]: { key: 'commend.error.channel' } } };
}

export type CommendRequest =
  { kind: 'mine' } | { kind: 'review'; round: string | null; category: string | null; page: number } | { kind: 'help' };

/** `/commend`, `/commend review [ROUND] [CATEGORY] [PAGE]`, `/commend help` (and their Chinese). */
export function parseCommendText(input: string | undefined): CommendRequest {
  const words = (input ?? '')
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length === 0) return { kind: 'mine' };
  const head = words[0]!.toLowerCase();
  if (head === 'review' || head === '评审' || head === '审核') {
    const rest = words.slice(1);
    const page = rest.length > 0 && /^\d{1,3}$/.test(rest.at(-1)!) ? Number(rest.pop()) : 1;
    const code = (w: string | undefined) => (w && /^[A-Za-z0-9][A-Za-z0-9_-]{0,23}$/.test(w) ? w : null);
    if (rest.length > 2 || rest.some((w) => code(w) === null)) return { kind: 'help' };
    return { kind: 'review', round: code(rest[0]), category: code(rest[1]), page: Math.max(1, page) };
  }
  return { kind: 'help' };
}
