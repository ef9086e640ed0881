import { daysBetween } from './calendar.js';
import {
  appliesToBranch,
  appliesToPerson,
  isComputed,
  type Branch,
  type Category,
  type LocalDate,
  type Obligation,
  type Rank,
  type Report,
} from './types.js';

/*
 * What is owed under the plan, decided here and nowhere else: which items a branch or a person owes,
 * by when, and whether each is done. A secretary's checklist, the leaders' counts and notices, the
 * ranking, the digest's chart, the reminders, escalations and digest all visit these functions.
 *
 * - A report obligation applies to the branches of its categories; a paper obligation to each
 *   person of its ranks.
 * - A branch's item is due on the plan's date, or on its approved extension's (the latest decided:
 *   the loader, db/queries/extensions.ts, keeps only that one).
 * - An exempted item is not owed: its state is `exempt`, and it is never done, open or overdue.
 * - A submitted or accepted report makes its item done, on time or late by the report's `onTime`;
 *   a returned report does not, and a withdrawn one is as good as none.
 * - A paper item is done once the person has a submitted or accepted paper of a kind it allows.
 *
 * - A computed item (`kind: commitments`) is done when its data say so (`BranchFacts.computed`, from
 *   db/queries/commitments.ts), never by a report: on time when the data made it done by its due date.
 *
 * - A rectification task (整改任务) set by an inspection is an obligation of one branch
 *   (`appliesTo.kind === 'branch'`): that branch owes it by its due date, as any report obligation.
 *
 * A new kind of owed item (another kind of task) is one more visit here, called from
 * `forEachOwed`, so that every view sees it.
 */

/** What deciding an item needs of a report (db/queries/reports.ts `listReportStates`); a full `Report` is one too. */
export type ReportState = Pick<Report, 'obligationId' | 'branchId' | 'status' | 'onTime'>;

/** A report's state and when it was submitted: when an item was done, for the chart. */
export type TimedReportState = ReportState & Pick<Report, 'submittedAt'>;

export type ItemState = 'done_on_time' | 'done_late' | 'returned' | 'open' | 'overdue' | 'exempt';

/** Whether a report or a paper in this status counts: submitted and accepted do, returned and withdrawn not. */
export function countsAsDone(status: string): boolean {
  return status === 'submitted' || status === 'accepted';
}

export function isDone(state: ItemState): boolean {
  return state === 'done_on_time' || state === 'done_late';
}

/** A computed item's state: done (on time or late) from its data, else open or overdue. */
export function computedState(
  done: ComputedDone | undefined,
  due: LocalDate,
  today: LocalDate,
  exempt: boolean,
): ItemState {
  if (exempt) return 'exempt';
  if (done) return done.onTime ? 'done_on_time' : 'done_late';
  return today > due ? 'overdue' : 'open';
}

/** A computed item made done by its data (src/domain/commitments.ts `computedCommitmentsDone`). */
export interface ComputedDone {
  onTime: boolean;
  /** When the data made it done (ISO), for the chart. */
  doneAt: string;
}

export function itemState(
  report: Pick<ReportState, 'status' | 'onTime'> | null,
  due: LocalDate,
  today: LocalDate,
  exempt: boolean,
): ItemState {
  if (exempt) return 'exempt';
  if (report && countsAsDone(report.status)) return report.onTime ? 'done_on_time' : 'done_late';
  if (report && report.status === 'returned') return 'returned';
  return today > due ? 'overdue' : 'open';
}

/**
 * What decides the branches' items besides the plan, one query each: db/queries/progress.ts
 * `loadBranchFacts` (rankings.ts `loadRankingData` reads the reports with their times, for the chart).
 */
export interface BranchFacts<R extends ReportState = ReportState> {
  /** The branches' reports, in any order (one per obligation and branch). */
  reports: readonly R[];
  /** Active exemptions: branch id → obligation ids. */
  exemptions: ReadonlyMap<number, ReadonlySet<number>>;
  /** Approved extensions, the latest decided: branch id → (obligation id → new due date). */
  extensions: ReadonlyMap<number, ReadonlyMap<number, LocalDate>>;
  /** Computed items done by their data: branch id → (obligation id → when). Absent: none is done. */
  computed?: ReadonlyMap<number, ReadonlyMap<number, ComputedDone>> | undefined;
}

export interface BranchesInput<R extends ReportState = ReportState> extends BranchFacts<R> {
  /** In plan order; any subset of the plan (a month's, the ones a job looks at today). */
  obligations: readonly Obligation[];
  branches: readonly Branch[];
  today: LocalDate;
}

/** One obligation of one branch. */
export interface BranchItem<R extends ReportState = ReportState> {
  obligation: Obligation;
  /** The due date that applies to this branch: the plan's, or an approved extension's. */
  due: LocalDate;
  originalDue: LocalDate;
  report: R | null;
  state: ItemState;
  /** Days from today to the due date: negative when overdue. */
  daysLeft: number;
}

/** What a visit of a branch's items is told: the obligation, the branch, the due date that applies, the state, the report. */
export type BranchItemVisitor<R, B = Branch> = (
  obligation: Obligation,
  branch: B,
  due: LocalDate,
  state: ItemState,
  report: R | null,
  /** A computed item's done time (its data's), null otherwise. */
  computedDoneAt?: string | null,
) => void;

/** The item a visit describes, with its days left counted by `daysUntil`. */
function branchItem<R extends ReportState>(
  obligation: Obligation,
  due: LocalDate,
  state: ItemState,
  report: R | null,
  daysUntil: (due: LocalDate) => number,
): BranchItem<R> {
  return { obligation, due, originalDue: obligation.due, report, state, daysLeft: daysUntil(due) };
}

/** The one place an item's due date and state are decided. */
function visitBranch<R extends ReportState, B>(
  branch: B,
  applicable: readonly Obligation[],
  /** The branch's reports by obligation id. */
  reports: ReadonlyMap<number, R>,
  exempt: ReadonlySet<number> | undefined,
  extendedDue: ReadonlyMap<number, LocalDate> | undefined,
  today: LocalDate,
  visit: BranchItemVisitor<R, B>,
  computed?: ReadonlyMap<number, ComputedDone> | undefined,
): void {
  for (const ob of applicable) {
    const due = extendedDue?.get(ob.id) ?? ob.due;
    if (isComputed(ob)) {
      const done = computed?.get(ob.id);
      visit(ob, branch, due, computedState(done, due, today, exempt?.has(ob.id) ?? false), null, done?.doneAt ?? null);
      continue;
    }
    const report = reports.get(ob.id) ?? null;
    visit(ob, branch, due, itemState(report, due, today, exempt?.has(ob.id) ?? false), report);
  }
}

/**
 * The obligations that apply to a branch: its category's, filtered once per category (many branches
 * share few categories), then its own rectification tasks, kept in plan order.
 */
function applicableTo(
  obligations: readonly Obligation[],
): (branch: Pick<Branch, 'id' | 'category'>) => readonly Obligation[] {
  const memo = new Map<Category, Obligation[]>();
  const own = new Map<number, Obligation[]>();
  for (const ob of obligations) {
    if (ob.kind !== 'report' || ob.appliesTo.kind !== 'branch') continue;
    const list = own.get(ob.appliesTo.branchId);
    if (list) list.push(ob);
    else own.set(ob.appliesTo.branchId, [ob]);
  }
  return (branch) => {
    let list = memo.get(branch.category);
    if (!list)
      memo.set(
        branch.category,
        (list = obligations.filter((ob) => ob.appliesTo.kind !== 'branch' && appliesToBranch(ob, branch))),
      );
    const tasks = own.get(branch.id);
    return tasks ? [...list, ...tasks].sort((a, b) => a.position - b.position) : list;
  };
}

/** `daysBetween(today, due)`, remembered per due date: a plan has a few dozen, a ranking asks thousands of times. */
function daysUntilFrom(today: LocalDate): (due: LocalDate) => number {
  const memo = new Map<LocalDate, number>();
  return (due) => {
    let d = memo.get(due);
    if (d === undefined) memo.set(due, (d = daysBetween(today, due)));
    return d;
  };
}

/**
 * Visits each branch's items: each branch times each obligation of its category, branch by branch,
 * in plan order within a branch. A visitor, not an array: 10,000 branches make 190,000 items, and
 * the planners keep only the few that need a message.
 */
export function forEachBranchItem<R extends ReportState>(input: BranchesInput<R>, visit: BranchItemVisitor<R>): void {
  const byBranch = new Map<number, R[]>();
  for (const r of input.reports) {
    const list = byBranch.get(r.branchId);
    if (list) list.push(r);
    else byBranch.set(r.branchId, [r]);
  }
  const applicable = applicableTo(input.obligations);
  // One map, refilled for each branch: 10,000 branches would otherwise make 10,000 maps.
  const own = new Map<number, R>();
  for (const branch of input.branches) {
    own.clear();
    const reports = byBranch.get(branch.id);
    if (reports) for (const r of reports) own.set(r.obligationId, r);
    visitBranch(
      branch,
      applicable(branch),
      own,
      input.exemptions.get(branch.id),
      input.extensions.get(branch.id),
      input.today,
      visit,
      input.computed?.get(branch.id),
    );
  }
}

/** Every branch's items, in plan order: an entry per branch, empty when nothing applies to it. */
export function itemsByBranch<R extends ReportState>(input: BranchesInput<R>): Map<number, BranchItem<R>[]> {
  const daysUntil = daysUntilFrom(input.today);
  const out = new Map<number, BranchItem<R>[]>(input.branches.map((b) => [b.id, []]));
  let list: BranchItem<R>[] = [];
  let of: Branch | null = null;
  forEachBranchItem(input, (obligation, branch, due, state, report) => {
    // Visits come branch by branch: one lookup per branch, not per item.
    if (branch !== of) list = out.get((of = branch).id)!;
    list.push(branchItem(obligation, due, state, report, daysUntil));
  });
  return out;
}

/** One branch's items from its own share of the facts (a secretary's checklist), in plan order. */
export function itemsOfBranch<R extends ReportState>(
  /** The branch, or its category alone (then no rectification task of it is seen). */
  branch: Category | Pick<Branch, 'id' | 'category'>,
  input: {
    obligations: readonly Obligation[];
    /** The branch's reports. */
    reports: readonly R[];
    today: LocalDate;
    exempt?: ReadonlySet<number> | undefined;
    /** The branch's approved extensions: obligation id → new due date. */
    extendedDue?: ReadonlyMap<number, LocalDate> | undefined;
    /** The branch's computed items done by their data: obligation id → when. */
    computed?: ReadonlyMap<number, ComputedDone> | undefined;
  },
): BranchItem<R>[] {
  const daysUntil = daysUntilFrom(input.today);
  const items: BranchItem<R>[] = [];
  visitBranch(
    branch,
    input.obligations.filter((ob) => appliesToBranch(ob, branch)),
    new Map(input.reports.map((r) => [r.obligationId, r])),
    input.exempt,
    input.extendedDue,
    input.today,
    (obligation, _branch, due, state, report) => items.push(branchItem(obligation, due, state, report, daysUntil)),
    input.computed,
  );
  return items;
}

/** Who may owe papers: a person of a rank, in a branch or none. */
export interface OwedPerson {
  id: number;
  rank: Rank | null;
  branchId: number | null;
}

/** What deciding a paper item needs of a paper. */
export interface PaperFact {
  authorId: number;
  kind: string;
  status: string;
}

/**
 * Visits each person's paper items: each person with a rank times each paper obligation of the
 * rank. Only papers the person wrote as author count: co-authors are credited on the paper, but the
 * plan asks each cadre for one of their own.
 */
export function forEachPaperItem<P extends Pick<OwedPerson, 'id' | 'rank'>>(
  input: { obligations: readonly Obligation[]; people: readonly P[]; papers: readonly PaperFact[] },
  visit: (obligation: Obligation, person: P, done: boolean) => void,
): void {
  const byAuthor = new Map<number, PaperFact[]>();
  for (const p of input.papers) {
    const list = byAuthor.get(p.authorId);
    if (list) list.push(p);
    else byAuthor.set(p.authorId, [p]);
  }
  const forRank = new Map<Rank, Obligation[]>();
  for (const person of input.people) {
    if (person.rank === null) continue;
    let obligations = forRank.get(person.rank);
    if (!obligations) {
      const rank = person.rank;
      forRank.set(rank, (obligations = input.obligations.filter((ob) => appliesToPerson(ob, rank))));
    }
    const papers = byAuthor.get(person.id);
    for (const ob of obligations) {
      const kinds = ob.paperKinds as readonly string[];
      visit(ob, person, papers !== undefined && papers.some((p) => countsAsDone(p.status) && kinds.includes(p.kind)));
    }
  }
}

/** Everything owed under the plan, of every kind. */
export interface OwedInput<P extends OwedPerson> extends BranchesInput {
  people: readonly P[];
  papers: readonly PaperFact[];
}

/** One thing owed: a branch's report, or a person's paper. */
export interface OwedItem<P = OwedPerson> {
  obligation: Obligation;
  /** The branch that owes a report, or the author's branch for a paper (null when none). */
  branch: Branch | null;
  /** Set for a paper: the person who owes it. */
  person: P | null;
  /** The plan's due date, or the latest approved extension's. */
  due: LocalDate;
  done: boolean;
  exempt: boolean;
}

export type OwedVisitor<P> = (
  obligation: Obligation,
  branch: Branch | null,
  person: P | null,
  due: LocalDate,
  done: boolean,
  exempt: boolean,
) => void;

/** Visits every item owed: the branches' reports, then the people's papers. */
export function forEachOwed<P extends OwedPerson>(input: OwedInput<P>, visit: OwedVisitor<P>): void {
  forEachBranchItem(input, (ob, branch, due, state) => visit(ob, branch, null, due, isDone(state), state === 'exempt'));
  const branchesById = new Map(input.branches.map((b) => [b.id, b]));
  forEachPaperItem(input, (ob, person, done) =>
    visit(
      ob,
      person.branchId === null ? null : (branchesById.get(person.branchId) ?? null),
      person,
      ob.due,
      done,
      false,
    ),
  );
}

/** Every item owed, as objects (for the planners that keep most of them). */
export function collectOwed<P extends OwedPerson>(input: OwedInput<P>): OwedItem<P>[] {
  const out: OwedItem<P>[] = [];
  forEachOwed(input, (obligation, branch, person, due, done, exempt) =>
    out.push({ obligation, branch, person, due, done, exempt }),
  );
  return out;
}

/** A stable text id of an item, for outbox keys: obligation and branch, or obligation and person. */
export function itemId(item: Pick<OwedItem<{ id: number }>, 'obligation' | 'branch' | 'person'>): string {
  return item.person ? `${item.obligation.id}:p${item.person.id}` : `${item.obligation.id}:b${item.branch?.id ?? 0}`;
}
