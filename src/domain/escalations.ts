import { daysBetween, type WorkCalendar } from './calendar.js';
import { collectOwed, itemId } from './owed.js';
import type { ScheduleData } from './reminders.js';
import type { LocalDate, LocalizedText } from './types.js';

/** Where escalations go: the leaders' channel, or each leader's DM when no channel is set. */
export interface EscalationRecipient {
  /** A channel id or a Slack user id. */
  id: string;
  locale: string | null;
}

export interface EscalationItem {
  key: string;
  recipient: string;
  locale: string | null;
  obligationId: number;
  code: string;
  title: LocalizedText;
  branchId: number | null;
  branchCode: string | null;
  branchName: string | null;
  /** Set for a personal paper: who owes it. */
  personName: string | null;
  due: LocalDate;
  overdueDays: number;
  /** The threshold it was escalated under (ESCALATE_AFTER_DAYS). */
  afterDays: number;
}

export interface EscalationPlanInput {
  data: ScheduleData;
  calendar: WorkCalendar;
  planStarts: LocalDate;
  planEnds: LocalDate;
  today: LocalDate;
  afterDays: number;
  recipients: EscalationRecipient[];
}

export type EscalationPlan =
  | { status: 'skipped'; reason: 'day_off' | 'outside_plan' | 'no_recipient' }
  | { status: 'planned'; items: EscalationItem[] };

export function escalationKey(item: Parameters<typeof itemId>[0], due: LocalDate, recipient: string): string {
  return `escalation:${itemId(item)}:${due}:${recipient}`;
}

/**
 * Items overdue by more than `afterDays` calendar days, each escalated once per due date (an
 * approved extension gives a new due date, hence a new escalation if that one is missed too).
 * Runs on working days only; the rows' keys make a second run the same day a no-op.
 */
export function planEscalations(input: EscalationPlanInput): EscalationPlan {
  const { today } = input;
  // The plan's last day still escalates what fell due before it; after it, the year is closed.
  if (today < input.planStarts || today > input.planEnds) return { status: 'skipped', reason: 'outside_plan' };
  if (!input.calendar.isWorkday(today)) return { status: 'skipped', reason: 'day_off' };
  if (input.recipients.length === 0) return { status: 'skipped', reason: 'no_recipient' };
  const items: EscalationItem[] = [];
  for (const item of collectOwed({ ...input.data, today })) {
    if (item.done || item.exempt) continue;
    const overdueDays = daysBetween(item.due, today);
    if (overdueDays <= input.afterDays) continue;
    for (const r of input.recipients) {
      items.push({
        key: escalationKey(item, item.due, r.id),
        recipient: r.id,
        locale: r.locale,
        obligationId: item.obligation.id,
        code: item.obligation.code,
        title: item.obligation.title,
        branchId: item.branch?.id ?? null,
        branchCode: item.branch?.code ?? null,
        branchName: item.branch?.name ?? null,
        personName: item.person?.name ?? null,
        due: item.due,
        overdueDays,
        afterDays: input.afterDays,
      });
    }
  }
  items.sort(
    (a, b) =>
      (a.branchCode ?? '~').localeCompare(b.branchCode ?? '~') ||
      a.due.localeCompare(b.due) ||
      a.code.localeCompare(b.code),
  );
  return { status: 'planned', items };
}
