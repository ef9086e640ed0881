import { daysBetween, type WorkCalendar } from './calendar.js';
import { forEachOwed, itemId, type BranchFacts, type ReportState } from './owed.js';
import { latestStageInWindow, stagesFor, type Stage, type StageConfig } from './stages.js';
import type { Branch, LocalDate, LocalizedText, Obligation, Rank } from './types.js';

/**
 * Everything the jobs plan from, loaded in bulk (db/queries/schedule-data.ts): one array or map per
 * table, never one query per branch. Plain data; the planners below are pure functions of it, and
 * what it owes is owed.ts's to say.
 */
export interface ScheduleData extends BranchFacts<ReportState> {
  obligations: Obligation[];
  branches: Branch[];
  /** Active people only. */
  people: SchedulePerson[];
  secretaries: { branchId: number; personId: number }[];
  papers: ScheduledPaper[];
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

export interface ReminderItem {
  /** The outbox key: obligation, recipient, stage and the due date the stage counts from. */
  key: string;
  obligationId: number;
  code: string;
  title: LocalizedText;
  kind: Obligation['kind'];
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

  // Only the obligations that reach a stage today, whose snooze ended, or that some branch has an
  // extension of (its own due date may reach a stage) are visited: on most days that is a few.
  const extended = new Set<number>();
  for (const own of data.extensions.values()) for (const id of own.keys()) extended.add(id);
  const obligations = data.obligations.filter(
    (ob) => stageFor(ob.due) !== null || snoozeEndedObligations.has(ob.id) || extended.has(ob.id),
  );

  const byPerson = new Map<number, ReminderMessage>();
  forEachOwed({ ...data, obligations, today }, (obligation, branch, owner, due, done, exempt) => {
    if (done || exempt) return;
    const hit = stageFor(due);
    if (!hit && !snoozeEndedObligations.has(obligation.id)) return;
    const recipients = owner ? [owner] : branch ? (secretariesOf.get(branch.id) ?? []) : [];
    const id = itemId({ obligation, branch, person: owner });
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
  });
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
