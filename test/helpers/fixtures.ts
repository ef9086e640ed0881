import type { ReminderItem } from '../../src/domain/reminders.js';
import type { LocalDate, Obligation, Report } from '../../src/domain/types.js';
import type { Locale } from '../../src/i18n/index.js';
import type { ReportModalInput } from '../../src/ui/report-modal.js';

/**
 * An obligation for unit tests: a report task of plan 1 that applies to every branch, weight 1,
 * titled with its code in both languages, in position `id`; `over` changes the rest.
 */
export function anObligation(id: number, code: string, due: LocalDate, over: Partial<Obligation> = {}): Obligation {
  return {
    id,
    planId: 1,
    activityCode: code.slice(0, 3),
    code,
    title: { zh: code, en: code },
    description: null,
    kind: 'report',
    paperKinds: [],
    appliesTo: { kind: 'all' },
    due,
    weight: 1,
    position: id,
    ...over,
  };
}

/**
 * A reminder item for unit tests: task A01-EVENT of 延庆一中党总支 (YQ-ZX1), due 2011-06-30, in its
 * seven-days-before stage; `over` changes the rest.
 */
export function aReminderItem(over: Partial<ReminderItem> = {}): ReminderItem {
  return {
    key: 'k',
    obligationId: 1,
    code: 'A01-EVENT',
    title: { zh: '任务', en: 'Task' },
    kind: 'report',
    branchId: 1,
    branchCode: 'YQ-ZX1',
    branchName: '延庆一中党总支',
    due: '2011-06-30',
    stage: { key: 'before:7', kind: 'before', nominal: '2011-06-23', sendOn: '2011-06-23' },
    daysLeft: 7,
    ...over,
  };
}

/**
 * What the report modal is given when a secretary of `branches` opens `report` again on 2011-06-20,
 * task 1 chosen, the report reviewed by `reviewerName`.
 */
export function reportModalEditing(
  locale: Locale,
  shown: Pick<ReportModalInput, 'branch' | 'items' | 'branches'>,
  report: Report,
  reviewerName: string,
): ReportModalInput {
  return {
    locale,
    ...shown,
    today: '2011-06-20',
    selectedObligationId: 1,
    privateMetadata: '{}',
    editing: { report, submittedLocal: '2011-06-20 10:00', reviewerName },
  };
}
