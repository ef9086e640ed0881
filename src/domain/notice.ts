import { z } from 'zod';
import { itemsByBranch } from './owed.js';
import type { RankingInput } from './ranking.js';
import type { AssessedBranch } from './assessment.js';
import { CATEGORIES, type Branch, type Category } from './types.js';

export interface OverdueTask {
  code: string;
  daysOverdue: number;
}

export interface OverdueBranch {
  branch: Branch;
  tasks: OverdueTask[];
}

export const NOTICE_DAYS_MIN = 1;
export const NOTICE_DAYS_MAX = 365;
export const NOTICE_DAYS_DEFAULT = 7;

export const NoticeDaysSchema = z.coerce.number().int().min(NOTICE_DAYS_MIN).max(NOTICE_DAYS_MAX);

/** The escalation button's value: `{"minOverdueDays": n}`. */
export const EscalationValueSchema = z.object({ minOverdueDays: NoticeDaysSchema });

/**
 * Branches with tasks overdue by at least `minDays` days (a report returned and not put right
 * after its due date is as missing as one never sent). Exempted tasks are never named. The
 * longest overdue first.
 */
export function overdueBranches(
  input: Pick<RankingInput, 'branches' | 'obligations' | 'reports' | 'exemptions' | 'extensions' | 'today'>,
  minDays: number,
): OverdueBranch[] {
  const items = itemsByBranch(input);
  const result: OverdueBranch[] = [];
  for (const branch of input.branches) {
    const tasks = (items.get(branch.id) ?? [])
      .filter((i) => (i.state === 'overdue' || i.state === 'returned') && -i.daysLeft >= minDays)
      .map((i) => ({ code: i.obligation.code, daysOverdue: -i.daysLeft }))
      .sort((a, b) => b.daysOverdue - a.daysOverdue || a.code.localeCompare(b.code));
    if (tasks.length > 0) result.push({ branch, tasks });
  }
  return result.sort(
    (a, b) =>
      b.tasks[0]!.daysOverdue - a.tasks[0]!.daysOverdue ||
      b.tasks.length - a.tasks.length ||
      a.branch.code.localeCompare(b.branch.code),
  );
}

/** The branches a notice on the year-end assessment names: per category, the advanced and the lagging. */
export interface AssessmentNames {
  category: Category;
  advanced: Branch[];
  lagging: Branch[];
}

/** Categories in the order of CATEGORIES; within each, branches by their rank (the assessment's order). */
export function assessmentNames(rows: readonly Pick<AssessedBranch, 'branch' | 'grade'>[]): AssessmentNames[] {
  return CATEGORIES.map((category) => {
    const mine = rows.filter((r) => r.branch.category === category);
    return {
      category,
      advanced: mine.filter((r) => r.grade === 'advanced').map((r) => r.branch),
      lagging: mine.filter((r) => r.grade === 'lagging').map((r) => r.branch),
    };
  }).filter((n) => n.advanced.length > 0 || n.lagging.length > 0);
}
