import { addDays, isoWeekday } from './calendar.js';
import { localDateOf } from './time.js';
import { forEachBranchItem, isDone, type BranchesInput, type TimedReportState } from './owed.js';
import { CATEGORIES, type Category, type LocalDate } from './types.js';

/**
 * The weekly digest's picture, as numbers: for each branch category, the share of the tasks due so
 * far that are done, at the end of every week of the plan (drawn by src/ui/chart.ts).
 */
export interface CompletionSeries {
  /** The last day of each week (Sunday), and today for the week under way. */
  weekEnds: LocalDate[];
  lines: { category: Category; values: (number | null)[] }[];
}

/** Every branch, the plan's obligations and what decides their items (owed.ts), as of `today`. */
export interface ChartInput extends BranchesInput<TimedReportState> {
  starts: LocalDate;
  timezone: string;
}

/** Sundays from the plan's start to today, then today when it is not a Sunday. */
export function weekEnds(starts: LocalDate, today: LocalDate): LocalDate[] {
  const ends: LocalDate[] = [];
  for (let d = addDays(starts, (7 - isoWeekday(starts)) % 7); d <= today; d = addDays(d, 7)) ends.push(d);
  if (ends.at(-1) !== today && today >= starts) ends.push(today);
  return ends;
}

/** Percent (one decimal) of the items due by each week's end that were done by then; null before anything falls due. */
export function completionByWeek(input: ChartInput): CompletionSeries {
  const ends = weekEnds(input.starts, input.today);
  const items = new Map<Category, { due: LocalDate; done: LocalDate | null }[]>();
  for (const b of input.branches) if (!items.has(b.category)) items.set(b.category, []);
  forEachBranchItem(input, (_ob, branch, due, state, report, computedDoneAt) => {
    if (state === 'exempt') return;
    const doneAt = report?.submittedAt ?? computedDoneAt ?? null;
    const done = doneAt !== null && isDone(state) ? localDateOf(new Date(doneAt), input.timezone) : null;
    items.get(branch.category)!.push({ due, done });
  });
  const lines = CATEGORIES.filter((c) => items.has(c)).map((category) => {
    const list = items.get(category)!;
    const values = ends.map((end) => {
      let due = 0;
      let done = 0;
      for (const i of list) {
        if (i.due > end) continue;
        due++;
        if (i.done !== null && i.done <= end) done++;
      }
      return due === 0 ? null : Math.round((1000 * done) / due) / 10;
    });
    return { category, values };
  });
  return { weekEnds: ends, lines };
}
