import { fieldOf, webUrl, type FieldErrors, type FormResult, type ViewState } from './report-form.js';
import { daysBetween, isOnTime } from './time.js';
import {
  appliesToPerson,
  PAPER_KINDS,
  type LocalDate,
  type Obligation,
  type PaperKind,
  type Rank,
  type Reviewed,
} from './types.js';

export type PaperStatus = 'submitted' | 'accepted' | 'returned' | 'withdrawn';

export interface Paper extends Reviewed {
  id: number;
  planId: number;
  authorId: number;
  kind: PaperKind;
  title: string;
  abstract: string;
  link: string | null;
  fileId: string | null;
  filePermalink: string | null;
  /** Slack user ids. */
  coauthors: string[];
  status: PaperStatus;
  excellent: boolean;
}

export type PaperItemState = 'done_on_time' | 'done_late' | 'returned' | 'open' | 'overdue';

/** One personal paper obligation and where the person stands with it. */
export interface PaperItem {
  obligation: Obligation;
  due: LocalDate;
  state: PaperItemState;
  /** Days from today to the due date: negative when overdue. */
  daysLeft: number;
  /** The paper that counts for it (the best one), if any. */
  paper: Paper | null;
}

export function isPaperKind(value: string): value is PaperKind {
  return (PAPER_KINDS as readonly string[]).includes(value);
}

/** The paper obligations of the plan that apply to a rank. */
export function paperObligationsFor(obligations: Obligation[], rank: Rank | null): Obligation[] {
  return obligations.filter((ob) => appliesToPerson(ob, rank));
}

/** Submitted and accepted papers count; a returned one counts only once it is resubmitted. */
function counts(p: Paper): boolean {
  return p.status === 'submitted' || p.status === 'accepted';
}

/** Best first: counting before returned, on time before late, accepted before waiting, then newest. */
function better(a: Paper, b: Paper): number {
  const score = (p: Paper) => (counts(p) ? 4 : p.status === 'returned' ? 2 : 0) + (counts(p) && p.onTime ? 1 : 0);
  return (
    score(b) - score(a) ||
    Number(b.status === 'accepted') - Number(a.status === 'accepted') ||
    b.submittedAt.localeCompare(a.submittedAt)
  );
}

/**
 * What a person owes in papers: each paper obligation for their rank, with the best of their own
 * papers of an allowed kind. Only papers the person submitted (as author) count: co-authors are
 * credited on the paper, but the plan asks each cadre for one of their own.
 */
export function paperChecklist(input: {
  obligations: Obligation[];
  rank: Rank | null;
  papers: Paper[];
  today: LocalDate;
}): PaperItem[] {
  return paperObligationsFor(input.obligations, input.rank)
    .map((ob): PaperItem => {
      const paper =
        input.papers.filter((p) => ob.paperKinds.includes(p.kind) && p.status !== 'withdrawn').sort(better)[0] ?? null;
      let state: PaperItemState;
      if (paper && counts(paper)) state = paper.onTime ? 'done_on_time' : 'done_late';
      else if (paper && paper.status === 'returned') state = 'returned';
      else state = input.today > ob.due ? 'overdue' : 'open';
      return { obligation: ob, due: ob.due, state, daysLeft: daysBetween(input.today, ob.due), paper };
    })
    .sort((a, b) => a.due.localeCompare(b.due) || a.obligation.position - b.obligation.position);
}

export function paperItemIsDone(item: PaperItem): boolean {
  return item.state === 'done_on_time' || item.state === 'done_late';
}

/**
 * Whether a paper of `kind` submitted at `at` is on time: against the due date of the person's
 * obligation that the kind satisfies. A paper no obligation asks for (a member's voluntary paper)
 * is on time.
 */
export function paperOnTime(input: {
  obligations: Obligation[];
  rank: Rank | null;
  kind: PaperKind;
  at: Date;
  timezone: string;
}): boolean {
  const ob = paperObligationsFor(input.obligations, input.rank).find((o) => o.paperKinds.includes(input.kind));
  return ob ? isOnTime(input.at, ob.due, input.timezone) : true;
}

export type PaperDecision = 'accept' | 'excellent' | 'return';

/** Only a paper waiting for review can be reviewed: a second click or a stale button changes nothing. */
export function canReview(paper: Pick<Paper, 'status'>): boolean {
  return paper.status === 'submitted';
}

export type PaperReviewVerdict = 'apply' | 'stale' | 'duplicate' | 'already_reviewed' | 'withdrawn';

/**
 * Whether a leader's review applies to the paper as it is now. The review modal carries the version
 * the leader read: a paper revised since then is `stale` (the leader never saw this version). The
 * same review delivered twice (Slack retries) is a `duplicate`, answered without a second change.
 */
export function paperReviewVerdict(
  paper: Pick<Paper, 'status' | 'version' | 'reviewedBy' | 'excellent'>,
  review: { leaderId: number; decision: PaperDecision; version: number },
): PaperReviewVerdict {
  if (paper.status === 'withdrawn') return 'withdrawn';
  if (paper.status === 'accepted' || paper.status === 'returned') {
    const decided: PaperDecision = paper.status === 'returned' ? 'return' : paper.excellent ? 'excellent' : 'accept';
    const same =
      paper.reviewedBy === review.leaderId && paper.version === review.version && decided === review.decision;
    return same ? 'duplicate' : 'already_reviewed';
  }
  return paper.version === review.version ? 'apply' : 'stale';
}

/** The author may revise a paper until it is accepted: while waiting, or after it was returned. */
export function canRevise(paper: Pick<Paper, 'status'>): boolean {
  return paper.status === 'submitted' || paper.status === 'returned';
}

export const PAPER_TITLE_MAX = 200;
export const PAPER_ABSTRACT_MAX = 2000;
export const REVIEW_COMMENT_MAX = 1000;
export const COAUTHORS_MAX = 10;

export interface PaperForm {
  kind: PaperKind;
  title: string;
  abstract: string;
  /** Normalised (`webUrl`). */
  link: string | null;
  file: { id: string; permalink: string | null; name: string | null } | null;
  coauthors: string[];
}

const SLACK_USER_RE = /^[UW][A-Z0-9]{2,20}$/;

/**
 * Reads the paper modal: every field checked, errors keyed by block id so Slack shows them
 * inline. A paper needs a link or a file, so a reviewer can read it. The author is never their
 * own co-author.
 */
export function parsePaperForm(state: ViewState, authorSlackId: string): FormResult<PaperForm> {
  const errors: FieldErrors = {};
  const kindValue = fieldOf(state, 'kind')?.selected_option?.value ?? '';
  if (!isPaperKind(kindValue)) errors.kind = { key: 'paper.error.kind' };

  const title = (fieldOf(state, 'title')?.value ?? '').trim();
  if (title === '') errors.title = { key: 'paper.error.title_empty' };
  else if (Array.from(title).length > PAPER_TITLE_MAX)
    errors.title = { key: 'paper.error.too_long', params: { max: PAPER_TITLE_MAX } };

  const abstract = (fieldOf(state, 'abstract')?.value ?? '').trim();
  if (abstract === '') errors.abstract = { key: 'paper.error.abstract_empty' };
  else if (Array.from(abstract).length > PAPER_ABSTRACT_MAX)
    errors.abstract = { key: 'paper.error.too_long', params: { max: PAPER_ABSTRACT_MAX } };

  const linkText = (fieldOf(state, 'link')?.value ?? '').trim();
  const link = linkText === '' ? null : webUrl(linkText);
  if (linkText !== '' && link === null) errors.link = { key: 'report.error.url' };

  const files = fieldOf(state, 'file')?.files ?? [];
  const first = files[0];
  const file = first
    ? {
        id: first.id,
        permalink: typeof first['permalink'] === 'string' ? webUrl(first['permalink']) : null,
        name: typeof first['name'] === 'string' ? first['name'].slice(0, 200) : null,
      }
    : null;
  if (first && !/^F[A-Z0-9]{2,30}$/.test(first.id)) errors.file = { key: 'paper.error.file' };
  if (linkText === '' && !first && !errors.link) errors.link = { key: 'paper.error.link_or_file' };

  const users = fieldOf(state, 'coauthors')?.selected_users ?? [];
  const coauthors = [...new Set(users)].filter((u) => u !== authorSlackId);
  if (coauthors.some((u) => !SLACK_USER_RE.test(u))) errors.coauthors = { key: 'paper.error.coauthors' };
  else if (coauthors.length > COAUTHORS_MAX)
    errors.coauthors = { key: 'paper.error.coauthors_many', params: { max: COAUTHORS_MAX } };

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      kind: kindValue as PaperKind,
      title,
      abstract,
      link,
      file: errors.file ? null : file,
      coauthors,
    },
  };
}

export interface PaperReviewForm {
  decision: PaperDecision;
  comment: string | null;
}

/** The review modal: a decision, and a comment that a return must have (the author needs to know why). */
export function parsePaperReviewForm(state: ViewState): FormResult<PaperReviewForm> {
  const errors: FieldErrors = {};
  const value = fieldOf(state, 'decision')?.selected_option?.value ?? '';
  const decision = value === 'accept' || value === 'excellent' || value === 'return' ? value : null;
  if (!decision) errors.decision = { key: 'paper.error.decision' };
  const comment = (fieldOf(state, 'comment')?.value ?? '').trim();
  if (Array.from(comment).length > REVIEW_COMMENT_MAX)
    errors.comment = { key: 'paper.error.too_long', params: { max: REVIEW_COMMENT_MAX } };
  else if (decision === 'return' && comment === '') errors.comment = { key: 'paper.error.comment_needed' };
  if (!decision || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { decision, comment: comment === '' ? null : comment } };
}
