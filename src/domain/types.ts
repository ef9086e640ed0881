/** The words of the campaign (docs/glossary.md), shared by the plan, the roster and everything after. */
export const CATEGORIES = ['primary', 'secondary', 'kindergarten', 'vocational', 'adult', 'unit', 'office'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Ranks of the roster; `activist` is an applicant for membership (入党积极分子), who commits like a member. */
export const RANKS = ['division_leader', 'school_cadre', 'member', 'activist'] as const;
export type Rank = (typeof RANKS)[number];

export const ROLES = ['secretary', 'member', 'leader', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PAPER_KINDS = ['research_report', 'party_paper', 'typical_case', 'success_story'] as const;
export type PaperKind = (typeof PAPER_KINDS)[number];

/** A calendar date `YYYY-MM-DD` in the plan's timezone. */
export type LocalDate = string;

export type LocalizedText = { zh: string; en: string };

/** `branch`: a rectification task (整改任务) an inspection set for one branch; never from the plan file. */
export type AppliesTo =
  | { kind: 'all' }
  | { kind: 'categories'; categories: Category[] }
  | { kind: 'ranks'; ranks: Rank[] }
  | { kind: 'branch'; branchId: number };

export interface Obligation {
  id: number;
  planId: number;
  activityCode: string;
  code: string;
  title: LocalizedText;
  description: LocalizedText | null;
  /** `commitments`: a branch task done when the commitments' data say so (src/domain/commitments.ts), never reported. */
  kind: 'report' | 'paper' | 'commitments';
  paperKinds: PaperKind[];
  /** For `commitments`: the percent of those who must commit who must have committed; null otherwise. */
  threshold?: number | null | undefined;
  appliesTo: AppliesTo;
  due: LocalDate;
  weight: number;
  position: number;
}

export interface Branch {
  id: number;
  code: string;
  name: string;
  category: Category;
}

/** Whether a branch task is computed from data (not reported with /report). */
export function isComputed(ob: Pick<Obligation, 'kind'>): boolean {
  return ob.kind === 'commitments';
}

export interface Person {
  id: number;
  slackUserId: string;
  name: string;
  branchId: number | null;
  rank: Rank | null;
  roles: Role[];
  /** Branch ids this person is secretary of. */
  secretaryOf: number[];
  locale: string | null;
  /** When the Slack locale was last asked for; null when never. */
  localeCheckedAt: string | null;
  active: boolean;
}

/**
 * Whether a branch owes a branch obligation (reported, or computed from data): by its category, or, for a rectification task, by its
 * id (given a category alone, no rectification task applies).
 */
export function appliesToBranch(
  ob: Pick<Obligation, 'kind' | 'appliesTo'>,
  branch: Category | Pick<Branch, 'id' | 'category'>,
): boolean {
  if (ob.kind === 'paper') return false;
  if (ob.appliesTo.kind === 'all') return true;
  if (ob.appliesTo.kind === 'branch') return typeof branch !== 'string' && ob.appliesTo.branchId === branch.id;
  const category = typeof branch === 'string' ? branch : branch.category;
  return ob.appliesTo.kind === 'categories' && ob.appliesTo.categories.includes(category);
}

/** Whether an obligation is a rectification task of one branch rather than one of the plan file's. */
export function isBranchTask(ob: Pick<Obligation, 'appliesTo'>): boolean {
  return ob.appliesTo.kind === 'branch';
}

export function appliesToPerson(ob: Pick<Obligation, 'kind' | 'appliesTo'>, rank: Rank | null): boolean {
  if (ob.kind !== 'paper' || rank === null) return false;
  if (ob.appliesTo.kind === 'all') return true;
  return ob.appliesTo.kind === 'ranks' && ob.appliesTo.ranks.includes(rank);
}

export type Evidence =
  { type: 'link'; url: string } | { type: 'file'; fileId: string; permalink: string | null; name: string | null };

export type ReportStatus = 'submitted' | 'accepted' | 'returned' | 'withdrawn';

/** Where something submitted for a leader's review (a report, a paper) stands with it. */
export interface Reviewed {
  submittedAt: string;
  onTime: boolean;
  reviewedBy: number | null;
  reviewedAt: string | null;
  reviewComment: string | null;
  /** 1 when submitted, +1 on every revision: a review applies to the version the leader read. */
  version: number;
}

export interface Report extends Reviewed {
  id: number;
  obligationId: number;
  branchId: number;
  status: ReportStatus;
  heldOn: LocalDate;
  participants: number;
  summary: string;
  evidence: Evidence[];
  submittedBy: number;
}
