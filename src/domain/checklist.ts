import { daysBetween } from './time.js';
import { appliesToBranch, type Category, type LocalDate, type Obligation, type Report } from './types.js';

export type ItemState = 'done_on_time' | 'done_late' | 'returned' | 'open' | 'overdue' | 'exempt';

export interface ChecklistItem {
  obligation: Obligation;
  /** The due date that applies to this branch: the plan's, or an approved extension's. */
  due: LocalDate;
  originalDue: LocalDate;
  report: Report | null;
  state: ItemState;
  /** Days from today to the due date: negative when overdue. */
  daysLeft: number;
}

export interface ChecklistInput {
  obligations: Obligation[];
  category: Category;
  reports: Report[];
  today: LocalDate;
  exemptObligationIds?: ReadonlySet<number>;
  /** Approved extensions: obligation id → new due date. */
  extendedDue?: ReadonlyMap<number, LocalDate>;
}

export function isDone(state: ItemState): boolean {
  return state === 'done_on_time' || state === 'done_late';
}

export function itemState(
  report: Pick<Report, 'status' | 'onTime'> | null,
  due: LocalDate,
  today: LocalDate,
  exempt: boolean,
): ItemState {
  if (exempt) return 'exempt';
  if (report && (report.status === 'submitted' || report.status === 'accepted'))
    return report.onTime ? 'done_on_time' : 'done_late';
  if (report && report.status === 'returned') return 'returned';
  return today > due ? 'overdue' : 'open';
}

/**
 * A branch's checklist: every obligation that applies to its category, open items first by the
 * next deadline, then what is done. A returned report does not count as done.
 */
export function branchChecklist(input: ChecklistInput): ChecklistItem[] {
  const byObligation = new Map(input.reports.map((r) => [r.obligationId, r]));
  const items = input.obligations
    .filter((ob) => appliesToBranch(ob, input.category))
    .map((ob): ChecklistItem => {
      const due = input.extendedDue?.get(ob.id) ?? ob.due;
      const report = byObligation.get(ob.id) ?? null;
      const state = itemState(report, due, input.today, input.exemptObligationIds?.has(ob.id) ?? false);
      return { obligation: ob, due, originalDue: ob.due, report, state, daysLeft: daysBetween(input.today, due) };
    });
  const rank = (i: ChecklistItem) => (isDone(i.state) || i.state === 'exempt' ? 1 : 0);
  return items.sort(
    (a, b) => rank(a) - rank(b) || a.due.localeCompare(b.due) || a.obligation.position - b.obligation.position,
  );
}

/** Obligations a secretary can report now: everything applicable that is not exempt. */
export function reportableItems(items: ChecklistItem[]): ChecklistItem[] {
  return items.filter((i) => i.state !== 'exempt');
}
