import { checklistOrder, type ChecklistItem } from './checklist.js';
import { paperChecklist, paperItemIsDone, type Paper } from './papers.js';
import {
  forEachBranchItem,
  isDone,
  itemsByBranch,
  type BranchFacts,
  type ItemState,
  type ReportState,
} from './owed.js';
import {
  CATEGORIES,
  type Branch,
  type Category,
  type LocalDate,
  type Obligation,
  type Rank,
  type Report,
} from './types.js';

/** A branch's counts: applicable tasks (exemptions excluded), done, overdue and returned. */
export interface BranchCounts {
  branch: Branch;
  total: number;
  done: number;
  overdue: number;
  returned: number;
}

export interface BranchStatus extends BranchCounts {
  items: ChecklistItem[];
}

/** What many branches' checklists share: the plan's obligations, today, and the branches' facts (owed.ts). */
type BranchesInput<R extends ReportState> = BranchFacts<R> & { obligations: Obligation[]; today: LocalDate };

function tally(counts: BranchCounts, state: ItemState): void {
  if (state === 'exempt') return;
  counts.total++;
  if (isDone(state)) counts.done++;
  else if (state === 'overdue') counts.overdue++;
  else if (state === 'returned') counts.returned++;
}

const zero = (branch: Branch): BranchCounts => ({ branch, total: 0, done: 0, overdue: 0, returned: 0 });

/** Every branch's checklist and counts, from one read of the plan's reports (grouped, not queried per branch). */
export function branchStatuses(branches: Branch[], input: BranchesInput<Report>): BranchStatus[] {
  const items = itemsByBranch({ ...input, branches });
  return branches.map((branch) => {
    const list = checklistOrder(items.get(branch.id) ?? []);
    const status: BranchStatus = { ...zero(branch), items: list };
    for (const i of list) tally(status, i.state);
    return status;
  });
}

export interface SummaryLine {
  branches: number;
  total: number;
  done: number;
  overdue: number;
  overdueBranches: number;
  /** Whole percent of applicable tasks done; 100 when nothing applies. */
  pct: number;
}

export interface Overview {
  categories: (SummaryLine & { category: Category })[];
  all: SummaryLine;
  /** The branches with the most overdue tasks, most first. */
  laggards: BranchCounts[];
}

/** Every branch's counts without building checklists (the same states), for hundreds of branches at once. */
export function branchCounts(branches: Branch[], input: BranchesInput<ReportState>): BranchCounts[] {
  const counts = new Map(branches.map((b) => [b.id, zero(b)]));
  forEachBranchItem({ ...input, branches }, (_ob, branch, _due, state) => tally(counts.get(branch.id)!, state));
  return branches.map((b) => counts.get(b.id)!);
}

function summarize(statuses: BranchCounts[]): SummaryLine {
  const total = statuses.reduce((n, s) => n + s.total, 0);
  const done = statuses.reduce((n, s) => n + s.done, 0);
  return {
    branches: statuses.length,
    total,
    done,
    overdue: statuses.reduce((n, s) => n + s.overdue, 0),
    overdueBranches: statuses.filter((s) => s.overdue > 0).length,
    pct: total === 0 ? 100 : Math.floor((done * 100) / total),
  };
}

/** The leaders' picture: one line per category that has branches, the total, and the worst laggards. */
export function overview(statuses: BranchCounts[], laggardCount = 8): Overview {
  const categories = CATEGORIES.map((category) => ({
    category,
    ...summarize(statuses.filter((s) => s.branch.category === category)),
  })).filter((c) => c.branches > 0);
  const laggards = statuses
    .filter((s) => s.overdue > 0)
    .sort((a, b) => b.overdue - a.overdue || a.branch.code.localeCompare(b.branch.code))
    .slice(0, laggardCount);
  return { categories, all: summarize(statuses), laggards };
}

/** Personal papers across the roster: how many (person, obligation) pairs are owed and how many are done. */
export function paperOverview(input: {
  people: { id: number; rank: Rank }[];
  obligations: Obligation[];
  papers: Paper[];
  today: LocalDate;
}): {
  owed: number;
  done: number;
} {
  const byAuthor = new Map<number, Paper[]>();
  for (const p of input.papers) byAuthor.set(p.authorId, [...(byAuthor.get(p.authorId) ?? []), p]);
  let owed = 0;
  let done = 0;
  for (const person of input.people) {
    const items = paperChecklist({
      obligations: input.obligations,
      rank: person.rank,
      papers: byAuthor.get(person.id) ?? [],
      today: input.today,
    });
    owed += items.length;
    done += items.filter(paperItemIsDone).length;
  }
  return { owed, done };
}

export type ProgressRequest = { kind: 'mine' } | { kind: 'all' } | { kind: 'help' } | { kind: 'branch'; query: string };

/** `/progress [all | help | CODE | branch name]`. */
export function parseProgressText(text: string): ProgressRequest {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  if (trimmed === '') return { kind: 'mine' };
  const lower = trimmed.toLowerCase();
  if (lower === 'all' || trimmed === '全部') return { kind: 'all' };
  if (lower === 'help' || trimmed === '帮助') return { kind: 'help' };
  if (Array.from(trimmed).length > 100) return { kind: 'help' };
  return { kind: 'branch', query: trimmed };
}

/**
 * The branches a leader means by `query`: an exact code (any case) or name, else every branch
 * whose name contains it (`延庆一中` finds 延庆一中党总支).
 */
export function matchBranches(branches: Branch[], query: string): Branch[] {
  const upper = query.toUpperCase();
  const exact = branches.filter((b) => b.code.toUpperCase() === upper || b.name === query);
  if (exact.length > 0) return exact;
  return branches.filter((b) => b.name.includes(query));
}
