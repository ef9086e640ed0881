import { z } from 'zod';
import { itemsByBranch, type BranchesInput } from './owed.js';
import { scoreItems, type BranchScore, type ScoringMode, type ScoringRules } from './scoring.js';
import { CATEGORIES, type Branch, type Category, type LocalDate, type Obligation, type Person } from './types.js';

export type RankingPeriod = 'year' | 'month';

export interface RankedBranch {
  branch: Branch;
  score: BranchScore;
  /** Competition ranking (1, 2, 2, 4) over every branch; null when the branch has no score yet. */
  rank: number | null;
  rankInCategory: number | null;
}

/** Every branch, the plan's obligations (in plan order) and what decides their items (owed.ts). */
export interface RankingInput extends BranchesInput {
  rules: ScoringRules;
  mode: ScoringMode;
  /** `month` keeps the obligations the plan puts due in the month of `today`. */
  period: RankingPeriod;
}

/** The obligations a period ranks: the whole plan, or those the plan puts due in the month of `today`. */
function inPeriod(obligations: readonly Obligation[], period: RankingPeriod, today: LocalDate): readonly Obligation[] {
  if (period === 'year') return obligations;
  const month = today.slice(0, 7);
  return obligations.filter((ob) => ob.due.slice(0, 7) === month);
}

/**
 * Ranks by score, highest first; equal scores share a rank and the next rank skips (1, 2, 2, 4).
 * Branches without a score (nothing counts yet) come last, unranked. Within a rank, by code.
 */
export function competitionRanks<T>(
  rows: readonly T[],
  scoreOf: (row: T) => number | null,
  codeOf: (row: T) => string,
): { row: T; rank: number | null }[] {
  const sorted = [...rows].sort((a, b) => {
    const sa = scoreOf(a);
    const sb = scoreOf(b);
    if (sa === null || sb === null)
      return (sa === null ? 1 : 0) - (sb === null ? 1 : 0) || codeOf(a).localeCompare(codeOf(b));
    return sb - sa || codeOf(a).localeCompare(codeOf(b));
  });
  let rank = 0;
  let previous: number | null = null;
  return sorted.map((row, i) => {
    const s = scoreOf(row);
    if (s === null) return { row, rank: null };
    if (previous === null || s !== previous) rank = i + 1;
    previous = s;
    return { row, rank };
  });
}

/** Every branch scored and ranked, overall and within its category; sorted by overall rank. */
export function rankBranches(input: RankingInput): RankedBranch[] {
  const items = itemsByBranch({ ...input, obligations: inPeriod(input.obligations, input.period, input.today) });
  const scored = input.branches.map((branch) => ({
    branch,
    score: scoreItems(items.get(branch.id) ?? [], input.rules, input.mode),
  }));
  const inCategory = new Map<number, number | null>();
  const byCategory = new Map<Category, typeof scored>();
  for (const s of scored) {
    const list = byCategory.get(s.branch.category);
    if (list) list.push(s);
    else byCategory.set(s.branch.category, [s]);
  }
  for (const list of byCategory.values()) {
    for (const { row, rank } of competitionRanks(
      list,
      (s) => s.score.score,
      (s) => s.branch.code,
    ))
      inCategory.set(row.branch.id, rank);
  }
  return competitionRanks(
    scored,
    (s) => s.score.score,
    (s) => s.branch.code,
  ).map(({ row, rank }) => ({
    branch: row.branch,
    score: row.score,
    rank,
    rankInCategory: inCategory.get(row.branch.id) ?? null,
  }));
}

/** A category's own ranking (分类指导): the category's branches, ranked among themselves. */
export function categoryRanking(ranked: readonly RankedBranch[], category: Category): RankedBranch[] {
  return ranked
    .filter((r) => r.branch.category === category)
    .sort(
      (a, b) =>
        (a.rankInCategory ?? Infinity) - (b.rankInCategory ?? Infinity) || a.branch.code.localeCompare(b.branch.code),
    );
}

/** What a stored monthly snapshot says about a branch. */
export interface SnapshotEntry {
  branchId: number;
  score: number;
  rank: number;
  rankInCategory: number;
}

/**
 * Places gained since the snapshot (positive is better), or null when the branch was not in it.
 * Within a category view the category rank is compared.
 */
export function rankChange(now: RankedBranch, before: SnapshotEntry | undefined, inCategory: boolean): number | null {
  const current = inCategory ? now.rankInCategory : now.rank;
  if (!before || current === null) return null;
  return (inCategory ? before.rankInCategory : before.rank) - current;
}

/** `YYYY-MM` of a local date: the key of a monthly snapshot. */
export function monthOf(today: LocalDate): string {
  return today.slice(0, 7);
}

/** Who may do what in the leaders' area. Enforced on the server for every request. */
export const leaderAccess = {
  viewRankings: (p: Person) => p.roles.includes('leader') || p.roles.includes('admin'),
  /** Posting in a channel, exemptions, notices and the export: leaders only. */
  act: (p: Person) => p.roles.includes('leader'),
};

/** Finds a branch by code (any case) or exact name. */
export function findBranch(branches: readonly Branch[], text: string): Branch | undefined {
  const needle = text.trim();
  const upper = needle.toUpperCase();
  return branches.find((b) => b.code.toUpperCase() === upper) ?? branches.find((b) => b.name === needle);
}

export type RankingsRequest =
  | { kind: 'list'; category: Category | null; period: RankingPeriod; public: boolean }
  | { kind: 'explain'; branch: string }
  | { kind: 'assessment'; category: Category | null }
  | { kind: 'invalid' };

const RankingsTextSchema = z.string().max(300);

/** The command's words in both languages: the Chinese usage text teaches the Chinese ones. */
const RANKINGS_KEYWORDS: ReadonlyMap<string, 'all' | 'month' | 'year' | 'public' | 'explain'> = new Map([
  ['assessment', 'year'],
  ['考核', 'year'],
  ['all', 'all'],
  ['全部', 'all'],
  ['month', 'month'],
  ['本月', 'month'],
  ['year', 'year'],
  ['全年', 'year'],
  ['public', 'public'],
  ['公开', 'public'],
  ['explain', 'explain'],
  ['说明', 'explain'],
]);

/**
 * `/rankings [category|all] [month|year] [public]` in any order, or `/rankings explain BRANCH`;
 * the words also in Chinese (全部, 本月, 全年, 公开, 说明).
 * `aliases` maps other spellings of a category (its names in both languages) to the category.
 */
export function parseRankingsText(text: unknown, aliases: ReadonlyMap<string, Category> = new Map()): RankingsRequest {
  const parsed = RankingsTextSchema.safeParse(text ?? '');
  if (!parsed.success) return { kind: 'invalid' };
  const words = parsed.data
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  const keyword = (word: string | undefined) =>
    word === undefined ? undefined : RANKINGS_KEYWORDS.get(word.toLowerCase());
  if (keyword(words[0]) === 'explain') {
    const branch = words.slice(1).join(' ');
    return branch === '' ? { kind: 'invalid' } : { kind: 'explain', branch };
  }
  const request: Extract<RankingsRequest, { kind: 'list' }> = {
    kind: 'list',
    category: null,
    period: 'year',
    public: false,
  };
  for (const word of words) {
    const w = word.toLowerCase();
    const k = keyword(word);
    if (k === 'all') request.category = null;
    else if (k === 'month' || k === 'year') request.period = k;
    else if (k === 'public') request.public = true;
    else if ((CATEGORIES as readonly string[]).includes(w)) request.category = w as Category;
    else if (aliases.has(word)) request.category = aliases.get(word)!;
    else return { kind: 'invalid' };
  }
  // `year` (全年, 考核) asks for the year-end assessment, with its grades; without it, the running ranking.
  if (words.some((w) => keyword(w) === 'year') && !request.public)
    return { kind: 'assessment', category: request.category };
  return request;
}
