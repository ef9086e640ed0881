import { addDays } from './calendar.js';
import { collectOwed } from './owed.js';
import type { ScheduleData } from './reminders.js';
import type { ProjectStage } from './projects.js';
import { CATEGORIES, type Category, type LocalDate, type LocalizedText } from './types.js';

export interface Completion {
  /** Items owed in the whole year (exempt ones not counted). */
  total: number;
  done: number;
  /** Items whose due date has passed (today not included). */
  due: number;
  /** Of those, done. */
  doneOfDue: number;
}

export interface DigestData {
  /** The first day of the week reported on, and its last (the day before the digest). */
  weekStart: LocalDate;
  weekEnd: LocalDate;
  today: LocalDate;
  /** Posted by catch-up after the slot had passed. */
  late: boolean;
  overall: Completion;
  byCategory: ({ category: Category } & Completion)[];
  reportsThisWeek: number;
  papersThisWeek: number;
  /** Obligations falling due in the next 14 days with how many items are still open. */
  dueSoon: { code: string; title: LocalizedText; due: LocalDate; open: number }[];
  /** Branches with at least one overdue item, most overdue items first. */
  overdueBranches: { code: string; name: string; category: Category; codes: string[] }[];
  /** People with an overdue paper. */
  overduePapers: number;
  excellent: { title: string; author: string; kind: string }[];
  /** Innovation projects per stage, when the plan has them. */
  projects: Record<ProjectStage, number> | null;
}

export interface DigestInput {
  data: ScheduleData;
  today: LocalDate;
  /** The week is [weekStartAt, slotAt) as UTC instants; its local dates are given for display. */
  weekStartAt: string;
  slotAt: string;
  late: boolean;
  /** Reports and papers submitted in the week (not withdrawn), counted by the loader. */
  received: { reports: number; papers: number };
  dueSoonDays?: number;
  /** Innovation projects per stage (db/queries/projects.ts), when the plan has them. */
  projects?: Record<ProjectStage, number> | null;
}

const emptyCompletion = (): Completion => ({ total: 0, done: 0, due: 0, doneOfDue: 0 });

/** The week's numbers for the digest; pure, so it is tested on plain data. */
export function buildDigest(input: DigestInput): DigestData {
  const { data, today } = input;
  const horizon = addDays(today, input.dueSoonDays ?? 14);
  const overall = emptyCompletion();
  const byCategory = new Map<Category, Completion>();
  const dueSoon = new Map<string, { code: string; title: LocalizedText; due: LocalDate; open: number }>();
  const overdue = new Map<number, { code: string; name: string; category: Category; codes: string[] }>();
  let overduePapers = 0;

  for (const item of collectOwed({ ...data, today })) {
    if (item.exempt) continue;
    const counters = [overall];
    if (item.person === null && item.branch) {
      let c = byCategory.get(item.branch.category);
      if (!c) byCategory.set(item.branch.category, (c = emptyCompletion()));
      counters.push(c);
    }
    const isDue = item.due < today;
    for (const c of counters) {
      c.total++;
      if (item.done) c.done++;
      if (isDue) {
        c.due++;
        if (item.done) c.doneOfDue++;
      }
    }
    if (!item.done && item.due >= today && item.due <= horizon) {
      const k = `${item.obligation.code}:${item.due}`;
      const entry = dueSoon.get(k) ?? {
        code: item.obligation.code,
        title: item.obligation.title,
        due: item.due,
        open: 0,
      };
      entry.open++;
      dueSoon.set(k, entry);
    }
    if (!item.done && isDue) {
      if (item.person) overduePapers++;
      else if (item.branch) {
        const b = overdue.get(item.branch.id) ?? {
          code: item.branch.code,
          name: item.branch.name,
          category: item.branch.category,
          codes: [],
        };
        b.codes.push(item.obligation.code);
        overdue.set(item.branch.id, b);
      }
    }
  }

  const inWeek = (iso: string | null) => iso !== null && iso >= input.weekStartAt && iso < input.slotAt;
  const authors = new Map(data.people.map((p) => [p.id, p.name]));
  return {
    weekStart: addDays(today, -7),
    weekEnd: addDays(today, -1),
    today,
    late: input.late,
    overall,
    byCategory: CATEGORIES.filter((c) => byCategory.has(c)).map((c) => ({ category: c, ...byCategory.get(c)! })),
    reportsThisWeek: input.received.reports,
    papersThisWeek: input.received.papers,
    dueSoon: [...dueSoon.values()].sort((a, b) => a.due.localeCompare(b.due) || a.code.localeCompare(b.code)),
    overdueBranches: [...overdue.values()].sort(
      (a, b) => b.codes.length - a.codes.length || a.code.localeCompare(b.code),
    ),
    overduePapers,
    excellent: data.papers
      .filter((p) => p.excellent && inWeek(p.reviewedAt))
      .map((p) => ({ title: p.title, author: authors.get(p.authorId) ?? '', kind: p.kind })),
    projects: input.projects ?? null,
  };
}

/** Percent, rounded down, of done over total; 100 when nothing is owed. */
export function percent(done: number, total: number): number {
  return total === 0 ? 100 : Math.floor((done * 100) / total);
}
