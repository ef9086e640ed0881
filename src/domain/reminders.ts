import { daysBetween, type WorkCalendar } from './calendar.js';
import { latestStageInWindow, stagesFor, type Stage, type StageConfig } from './stages.js';
import {
  appliesToBranch,
  appliesToPerson,
  type Branch,
  type LocalDate,
  type LocalizedText,
  type Obligation,
  type Rank,
} from './types.js';

/**
 * Everything the jobs plan from, loaded in bulk (db/queries/schedule-data.ts): one array per
 * table, never one query per branch. Plain data; the planners below are pure functions of it.
 */
export interface ScheduleData {
  obligations: Obligation[];
  branches: Branch[];
  /** Active people only. */
  people: SchedulePerson[];
  secretaries: { branchId: number; personId: number }[];
  /** Reports that may count as done: the loader leaves out returned and withdrawn ones. */
  reports: { obligationId: number; branchId: number; status: string }[];
  papers: ScheduledPaper[];
  /** Approved extensions only. */
  extensions: { obligationId: number; branchId: number; newDue: LocalDate; decidedAt: string | null }[];
  /** Exemptions not revoked. */
  exemptions: { obligationId: number; branchId: number }[];
  snoozes: { personId: number; obligationId: number; branchId: number | null; untilDate: LocalDate }[];
}

export interface SchedulePerson {
  id: number;
  slackUserId: string;
  name: string;
  branchId: number | null;
  rank: Rank | null;
  locale: string | null;
  isAdmin: boolean;
  isLeader: boolean;
}

export interface ScheduledPaper {
  authorId: number;
  kind: string;
  status: string;
  title: string;
  excellent: boolean;
  submittedAt: string;
  reviewedAt: string | null;
}

/** One thing owed: a branch's report, or a person's paper. */
export interface OwedItem {
  obligation: Obligation;
  /** The branch that owes a report, or the author's branch for a paper (null when none). */
  branch: Branch | null;
  /** Set for a paper: the person who owes it. */
  person: SchedulePerson | null;
  /** The plan's due date, or the latest approved extension's. */
  due: LocalDate;
  done: boolean;
  exempt: boolean;
}

/** A stable text id of an item, for outbox keys: obligation and branch, or obligation and person. */
export function itemId(item: Pick<OwedItem, 'obligation' | 'branch' | 'person'>): string {
  return item.person ? `${item.obligation.id}:p${item.person.id}` : `${item.obligation.id}:b${item.branch?.id ?? 0}`;
}

const DONE_STATUSES = new Set(['submitted', 'accepted']);

export type ItemVisitor = (
  obligation: Obligation,
  branch: Branch | null,
  person: SchedulePerson | null,
  due: LocalDate,
  done: boolean,
  exempt: boolean,
) => void;

/**
 * Visits every item owed under the plan: each active branch times each report obligation of its
 * category, and each ranked person times each paper obligation of their rank. A returned report
 * is not done; a withdrawn one is as good as none. A visitor, not an array: 10,000 branches make
 * 190,000 items, and the planners keep only the few that need a message.
 */
export function forEachItem(
  data: ScheduleData,
  visit: ItemVisitor,
  opts: { keepObligation?: (ob: Obligation) => boolean } = {},
): void {
  const branchesById = new Map(data.branches.map((b) => [b.id, b]));
  // Numeric keys: planning 10,000 branches must not build hundreds of thousands of strings.
  const key = (obligationId: number, branchId: number) => obligationId * 4_194_304 + branchId;
  const done = new Set<number>();
  for (const r of data.reports) if (DONE_STATUSES.has(r.status)) done.add(key(r.obligationId, r.branchId));
  const exempt = new Set<number>();
  for (const e of data.exemptions) exempt.add(key(e.obligationId, e.branchId));
  const extended = new Map<number, { due: LocalDate; at: string }>();
  for (const x of data.extensions) {
    const k = key(x.obligationId, x.branchId);
    const prev = extended.get(k);
    // Several approvals: the one decided last wins.
    if (!prev || (x.decidedAt ?? '') >= prev.at) extended.set(k, { due: x.newDue, at: x.decidedAt ?? '' });
  }
  const papersByAuthor = new Map<number, ScheduledPaper[]>();
  for (const p of data.papers) {
    const list = papersByAuthor.get(p.authorId);
    if (list) list.push(p);
    else papersByAuthor.set(p.authorId, [p]);
  }

  // With `keepObligation`, an obligation it refuses and that no branch has an extension for is
  // skipped whole: on most days only a few obligations reach a stage.
  const extendedObligations = new Set(data.extensions.map((x) => x.obligationId));
  const keep = (ob: Obligation) => !opts.keepObligation || opts.keepObligation(ob) || extendedObligations.has(ob.id);
  const reportObligations = data.obligations.filter((o) => o.kind === 'report' && keep(o));
  const paperObligations = data.obligations.filter((o) => o.kind === 'paper' && keep(o));
  const byCategory = new Map<string, Obligation[]>();
  for (const branch of data.branches) {
    let applicable = byCategory.get(branch.category);
    if (!applicable) {
      applicable = reportObligations.filter((ob) => appliesToBranch(ob, branch.category));
      byCategory.set(branch.category, applicable);
    }
    for (const ob of applicable) {
      const k = key(ob.id, branch.id);
      visit(
        ob,
        branch,
        null,
        extended.size > 0 ? (extended.get(k)?.due ?? ob.due) : ob.due,
        done.has(k),
        exempt.size > 0 && exempt.has(k),
      );
    }
  }
  for (const person of data.people) {
    if (person.rank === null) continue;
    for (const ob of paperObligations) {
      if (!appliesToPerson(ob, person.rank)) continue;
      const papers = papersByAuthor.get(person.id);
      const isDone =
        papers !== undefined &&
        papers.some((p) => DONE_STATUSES.has(p.status) && (ob.paperKinds as string[]).includes(p.kind));
      const branch = person.branchId === null ? null : (branchesById.get(person.branchId) ?? null);
      visit(ob, branch, person, ob.due, isDone, false);
    }
  }
}

/** Every item owed, as objects (for the planners that keep most of them). */
export function collectItems(data: ScheduleData): OwedItem[] {
  const out: OwedItem[] = [];
  forEachItem(data, (obligation, branch, person, due, done, exempt) =>
    out.push({ obligation, branch, person, due, done, exempt }),
  );
  return out;
}

export interface ReminderItem {
  /** The outbox key: obligation, recipient, stage and the due date the stage counts from. */
  key: string;
  obligationId: number;
  code: string;
  title: LocalizedText;
  kind: 'report' | 'paper';
  branchId: number | null;
  branchCode: string | null;
  branchName: string | null;
  due: LocalDate;
  stage: Pick<Stage, 'key' | 'kind' | 'nominal' | 'sendOn'>;
  /** Calendar days from today to the due date: negative when overdue. */
  daysLeft: number;
}

export interface ReminderMessage {
  personId: number;
  slackUserId: string;
  name: string;
  locale: string | null;
  items: ReminderItem[];
}

export interface ReminderPlanInput {
  data: ScheduleData;
  calendar: WorkCalendar;
  stages: StageConfig;
  planStarts: LocalDate;
  planEnds: LocalDate;
  today: LocalDate;
  /** The local date of the last completed run; null when the job never completed. */
  lastRunDate: LocalDate | null;
}

export type ReminderPlan =
  | { status: 'skipped'; reason: 'day_off' | 'outside_plan' | 'already_ran' }
  | { status: 'planned'; messages: ReminderMessage[] };

/**
 * Who gets which reminder today. An open item is mentioned once when any of its stage dates
 * (already moved to a working day by stages.ts) fell in (lastRunDate, today]: a stage missed while
 * the bot was down goes out at the next run, and several missed stages make one mention, named
 * after the latest. Nothing goes out on a day off, outside the plan's period, for a done or
 * exempt item, or for an item the recipient snoozed until after today.
 */
export function planReminders(input: ReminderPlanInput): ReminderPlan {
  const { data, calendar, stages, today, lastRunDate } = input;
  if (today < input.planStarts || today > input.planEnds) return { status: 'skipped', reason: 'outside_plan' };
  if (!calendar.isWorkday(today)) return { status: 'skipped', reason: 'day_off' };
  if (lastRunDate !== null && lastRunDate >= today) return { status: 'skipped', reason: 'already_ran' };

  // Stages depend only on the due date and the window: computed once per distinct date.
  const stageByDue = new Map<LocalDate, { stage: Stage; daysLeft: number } | null>();
  const stageFor = (due: LocalDate): { stage: Stage; daysLeft: number } | null => {
    let s = stageByDue.get(due);
    if (s === undefined) {
      const stage = latestStageInWindow(due, stages, calendar, lastRunDate, today);
      s = stage ? { stage, daysLeft: daysBetween(today, due) } : null;
      stageByDue.set(due, s);
    }
    return s;
  };

  const peopleById = new Map(data.people.map((p) => [p.id, p]));
  const secretariesOf = new Map<number, SchedulePerson[]>();
  for (const s of data.secretaries) {
    const person = peopleById.get(s.personId);
    if (!person) continue;
    const list = secretariesOf.get(s.branchId);
    if (list) list.push(person);
    else secretariesOf.set(s.branchId, [person]);
  }
  // Running snoozes hold an item back; a snooze that ended in this run's window brings it back
  // once ("remind me tomorrow" means a reminder tomorrow, stage or no stage).
  const snoozed = new Map<number, Set<string>>();
  const snoozeEnded = new Map<number, Map<string, LocalDate>>();
  const snoozeEndedObligations = new Set<number>();
  for (const s of data.snoozes) {
    const itemKey = `${s.obligationId}:${s.branchId ?? ''}`;
    if (s.untilDate > today) {
      const set = snoozed.get(s.personId) ?? new Set<string>();
      set.add(itemKey);
      snoozed.set(s.personId, set);
    } else if (lastRunDate === null || s.untilDate > lastRunDate) {
      const map = snoozeEnded.get(s.personId) ?? new Map<string, LocalDate>();
      map.set(itemKey, s.untilDate);
      snoozeEnded.set(s.personId, map);
      snoozeEndedObligations.add(s.obligationId);
    }
  }
  const latestByDue = new Map<LocalDate, Stage | null>();
  const latestStage = (due: LocalDate): Stage | null => {
    let st = latestByDue.get(due);
    if (st === undefined) {
      st = stagesFor(due, stages, calendar, today).at(-1) ?? null;
      latestByDue.set(due, st);
    }
    return st;
  };

  const byPerson = new Map<number, ReminderMessage>();
  forEachItem(
    data,
    (obligation, branch, owner, due, done, exempt) => {
      if (done || exempt) return;
      const hit = stageFor(due);
      if (!hit && !snoozeEndedObligations.has(obligation.id)) return;
      const recipients = owner ? [owner] : branch ? (secretariesOf.get(branch.id) ?? []) : [];
      const id = owner ? `${obligation.id}:p${owner.id}` : `${obligation.id}:b${branch?.id ?? 0}`;
      const itemKey = `${obligation.id}:${owner ? '' : (branch?.id ?? '')}`;
      for (const person of recipients) {
        if (snoozed.get(person.id)?.has(itemKey)) continue;
        let stage: Stage | null = hit?.stage ?? null;
        let key = stage ? `reminder:${id}:${person.slackUserId}:${due}:${stage.key}` : '';
        if (!stage) {
          const ended = snoozeEnded.get(person.id)?.get(itemKey);
          stage = ended ? latestStage(due) : null;
          if (!stage) continue;
          key = `reminder:${id}:${person.slackUserId}:${due}:snooze:${ended}`;
        }
        let message = byPerson.get(person.id);
        if (!message) {
          message = {
            personId: person.id,
            slackUserId: person.slackUserId,
            name: person.name,
            locale: person.locale,
            items: [],
          };
          byPerson.set(person.id, message);
        }
        message.items.push({
          key,
          obligationId: obligation.id,
          code: obligation.code,
          title: obligation.title,
          kind: obligation.kind,
          branchId: owner ? null : (branch?.id ?? null),
          branchCode: branch?.code ?? null,
          branchName: branch?.name ?? null,
          due,
          // Shared by every item with this due date: planning 50,000 items allocates it once.
          stage,
          daysLeft: hit?.daysLeft ?? daysBetween(today, due),
        });
      }
    },
    { keepObligation: (ob) => stageFor(ob.due) !== null || snoozeEndedObligations.has(ob.id) },
  );
  const messages = [...byPerson.values()];
  // Plain code-unit comparison: ISO dates and codes sort correctly, and localeCompare (ICU) would
  // cost more than the rest of the planning for 50,000 items.
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  for (const m of messages) {
    if (m.items.length > 1)
      m.items.sort((a, b) => cmp(a.due, b.due) || cmp(a.code, b.code) || cmp(a.branchCode ?? '', b.branchCode ?? ''));
  }
  messages.sort((a, b) => a.personId - b.personId);
  return { status: 'planned', messages };
}
