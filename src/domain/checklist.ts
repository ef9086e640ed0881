import { isDone, itemsOfBranch, type BranchItem, type ComputedDone } from './owed.js';
import { isComputed, type Category, type LocalDate, type Obligation, type Report } from './types.js';

// The views that show a checklist read its states from here.
export { isDone, type ItemState } from './owed.js';

/** One task of a branch's checklist, with its report in full (owed.ts decides due date and state). */
export type ChecklistItem = BranchItem<Report>;

export interface ChecklistInput {
  obligations: Obligation[];
  category: Category;
  /** The branch's id, so that its rectification tasks are on its checklist. */
  branchId?: number;
  reports: Report[];
  today: LocalDate;
  exemptObligationIds?: ReadonlySet<number>;
  /** Approved extensions: obligation id → new due date. */
  extendedDue?: ReadonlyMap<number, LocalDate>;
  /** Computed tasks done by their data: obligation id → when. */
  computed?: ReadonlyMap<number, ComputedDone> | undefined;
}

/** Open items first by the next deadline, then what is done or exempt; within each, by due date and plan order. */
export function checklistOrder<T extends Pick<ChecklistItem, 'obligation' | 'due' | 'state'>>(items: T[]): T[] {
  const rank = (i: T) => (isDone(i.state) || i.state === 'exempt' ? 1 : 0);
  return items.sort(
    (a, b) => rank(a) - rank(b) || a.due.localeCompare(b.due) || a.obligation.position - b.obligation.position,
  );
}

/**
 * A branch's checklist: every obligation that applies to its category, open items first by the
 * next deadline, then what is done. A returned report does not count as done.
 */
export function branchChecklist(input: ChecklistInput): ChecklistItem[] {
  return checklistOrder(
    itemsOfBranch(input.branchId === undefined ? input.category : { id: input.branchId, category: input.category }, {
      obligations: input.obligations,
      reports: input.reports,
      today: input.today,
      exempt: input.exemptObligationIds,
      extendedDue: input.extendedDue,
      computed: input.computed,
    }),
  );
}

/** Obligations a secretary can report now: everything applicable that is not exempt and not computed from data. */
export function reportableItems(items: ChecklistItem[]): ChecklistItem[] {
  return items.filter((i) => i.state !== 'exempt' && !isComputed(i.obligation));
}
