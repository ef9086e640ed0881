import type { Kysely, Selectable } from 'kysely';
import type { ReportState, TimedReportState } from '../../src/domain/owed.js';
import type { Evidence, LocalDate, Report, ReportStatus } from '../../src/domain/types.js';
import type { Database, ReportTable } from '../schema.js';
import { preparedRead } from './prepared.js';
import { audit } from './audit.js';
import { sameSubmission, updateIfStill } from './once.js';
import { reviewedOf, reviewIfStill } from './review.js';

export function reportRowToReport(row: Selectable<ReportTable>): Report {
  return {
    id: row.id,
    obligationId: row.obligation_id,
    branchId: row.branch_id,
    status: row.status,
    heldOn: row.held_on,
    participants: row.participants,
    summary: row.summary,
    evidence: JSON.parse(row.evidence) as Evidence[],
    submittedBy: row.submitted_by,
    ...reviewedOf(row),
  };
}

export interface NewReport {
  obligationId: number;
  branchId: number;
  heldOn: LocalDate;
  participants: number;
  summary: string;
  evidence: Evidence[];
  submittedBy: number;
  onTime: boolean;
  /** Slack's view id of the submission: the same delivery twice stores one record. */
  submissionKey?: string | null;
}

/** The report of an obligation for a branch, whatever its status; undefined before the first. */
export async function reportOf(trx: Kysely<Database>, obligationId: number, branchId: number) {
  return trx
    .selectFrom('reports')
    .selectAll()
    .where('obligation_id', '=', obligationId)
    .where('branch_id', '=', branchId)
    .executeTakeFirst();
}

/**
 * Writes a branch's report of an obligation, waiting for review, inside the caller's transaction:
 * over the report there (`old`: its version goes up, its review is cleared) or as the first, with
 * its audit record (`report.replace` or `report.submit`, `details` added to the report's facts).
 */
export async function storeReport(
  trx: Kysely<Database>,
  old: Selectable<ReportTable> | undefined,
  input: NewReport,
  details: Record<string, unknown>,
  meta: { actor: string; now: Date },
): Promise<Selectable<ReportTable>> {
  const values = {
    status: 'submitted' as const,
    held_on: input.heldOn,
    participants: input.participants,
    summary: input.summary,
    evidence: JSON.stringify(input.evidence),
    submitted_by: input.submittedBy,
    submitted_at: meta.now.toISOString(),
    on_time: input.onTime ? (1 as const) : (0 as const),
    reviewed_by: null,
    reviewed_at: null,
    review_comment: null,
    submission_key: input.submissionKey ?? null,
  };
  const row = old
    ? await trx
        .updateTable('reports')
        .set({ ...values, version: old.version + 1 })
        .where('id', '=', old.id)
        .returningAll()
        .executeTakeFirstOrThrow()
    : await trx
        .insertInto('reports')
        .values({ obligation_id: input.obligationId, branch_id: input.branchId, ...values, version: 1 })
        .returningAll()
        .executeTakeFirstOrThrow();
  await audit(trx, {
    at: meta.now,
    actor: meta.actor,
    action: old ? 'report.replace' : 'report.submit',
    subjectType: 'report',
    subjectId: row.id,
    details: {
      obligationId: input.obligationId,
      branchId: input.branchId,
      onTime: input.onTime,
      version: row.version,
      ...details,
    },
  });
  return row;
}

export type SubmitOutcome =
  | { outcome: 'stored'; report: Report; previous: Report | null; replaced: boolean }
  | { outcome: 'duplicate'; report: Report }
  | { outcome: 'refused'; reason: string; previous: Report };

/**
 * Stores a report in one transaction with its audit record. A second report for the same
 * obligation and branch replaces the first; the replaced values stay in the audit log. `guard`
 * sees the current report inside the transaction and may refuse the change (a leader may have
 * accepted it a moment ago).
 */
export async function submitReport(
  db: Kysely<Database>,
  input: NewReport,
  meta: { actor: string; now: Date; guard?: (current: Report) => string | null },
): Promise<SubmitOutcome> {
  return db.transaction().execute(async (trx): Promise<SubmitOutcome> => {
    const same = await sameSubmission(trx, 'reports', input.submissionKey);
    if (same) return { outcome: 'duplicate', report: reportRowToReport(same) };
    const old = await reportOf(trx, input.obligationId, input.branchId);
    const previous = old ? reportRowToReport(old) : null;
    if (previous && meta.guard) {
      const reason = meta.guard(previous);
      if (reason) return { outcome: 'refused', reason, previous };
    }
    const row = await storeReport(trx, old, input, { previous }, meta);
    // A withdrawn report that comes back is a new report, not a replacement, for the person.
    return {
      outcome: 'stored',
      report: reportRowToReport(row),
      previous,
      replaced: previous !== null && previous.status !== 'withdrawn',
    };
  });
}

export async function findReportById(db: Kysely<Database>, id: number): Promise<Report | null> {
  const row = await db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? reportRowToReport(row) : null;
}

/** The audit record of a change to a report: its task, branch and version, then `details`. */
function reportRecord(action: string, row: Selectable<ReportTable>, details: Record<string, unknown>) {
  return {
    action,
    subjectType: 'report',
    subjectId: row.id,
    details: { obligationId: row.obligation_id, branchId: row.branch_id, version: row.version, ...details },
  };
}

/**
 * Withdraws a report that no leader has accepted. The update is conditional on the status read by
 * the caller, so a review that lands in between wins and the withdrawal changes nothing.
 */
export async function withdrawReport(
  db: Kysely<Database>,
  input: { reportId: number; expectedStatus: Report['status'] },
  meta: { actor: string; now: Date },
): Promise<Report | null> {
  return db.transaction().execute(async (trx) => {
    const old = await trx
      .selectFrom('reports')
      .selectAll()
      .where('id', '=', input.reportId)
      .where('status', '=', input.expectedStatus)
      .executeTakeFirst();
    if (!old || old.status === 'withdrawn' || old.status === 'accepted') return null;
    const row = await updateIfStill(
      trx,
      {
        table: 'reports',
        where: { id: old.id, version: old.version },
        set: { status: 'withdrawn', version: old.version + 1, submission_key: null },
        audit: (row) => reportRecord('report.withdraw', row, { previous: reportRowToReport(old) }),
      },
      meta,
    );
    return row && reportRowToReport(row);
  });
}

/**
 * A leader's review: applies only to the version the leader read and only while the report waits
 * for review; otherwise nothing changes and null is returned.
 */
export async function reviewReport(
  db: Kysely<Database>,
  input: { reportId: number; version: number; leaderId: number; decision: 'accept' | 'return'; comment: string | null },
  meta: { actor: string; now: Date },
): Promise<Report | null> {
  const row = await reviewIfStill(
    db,
    {
      table: 'reports',
      id: input.reportId,
      version: input.version,
      reviewerId: input.leaderId,
      comment: input.comment,
      set: { status: input.decision === 'accept' ? 'accepted' : 'returned' },
      audit: (row) =>
        reportRecord(input.decision === 'accept' ? 'report.accept' : 'report.return', row, {
          comment: input.comment,
        }),
    },
    meta,
  );
  return row && reportRowToReport(row);
}

const reportsOfBranches = preparedRead((db, branchIds: number[], planId: number) =>
  db
    .selectFrom('reports')
    .innerJoin('obligations', 'obligations.id', 'reports.obligation_id')
    .selectAll('reports')
    .where('reports.branch_id', 'in', branchIds)
    .where('obligations.plan_id', '=', planId),
);

export async function listReportsForBranches(
  db: Kysely<Database>,
  branchIds: number[],
  planId: number,
): Promise<Report[]> {
  if (branchIds.length === 0) return [];
  return (await reportsOfBranches(db, branchIds, planId)).map(reportRowToReport);
}

// Columns of the `reports_scoring` index: a plan's states are read from it alone, never from the
// summaries and evidence that make up the bulk of a year of reports.
const statesQuery = (db: Kysely<Database>, planId: number) =>
  db
    .selectFrom('reports')
    .innerJoin('obligations', 'obligations.id', 'reports.obligation_id')
    .select([
      'reports.obligation_id as obligationId',
      'reports.branch_id as branchId',
      'reports.status',
      'reports.on_time as onTime',
    ])
    .where('obligations.plan_id', '=', planId);
const statesOfPlan = preparedRead((db, planId: number) => statesQuery(db, planId));
const timedStatesOfPlan = preparedRead((db, planId: number) =>
  statesQuery(db, planId).select('reports.submitted_at as submittedAt'),
);

// SQLite hands over a new string per row; the four statuses are shared instead (2 MB less held by
// a reminders run over 100,000 reports).
const STATUSES: Record<ReportStatus, ReportStatus> = {
  submitted: 'submitted',
  accepted: 'accepted',
  returned: 'returned',
  withdrawn: 'withdrawn',
};

const stateOf = (r: { obligationId: number; branchId: number; status: ReportStatus; onTime: 0 | 1 }): ReportState => ({
  obligationId: r.obligationId,
  branchId: r.branchId,
  status: STATUSES[r.status],
  onTime: r.onTime === 1,
});

/**
 * Every report of a plan, every status, as deciding its item needs it (owed.ts): 10,000 branches
 * have 100,000, the biggest read a reminders run makes.
 */
export async function listReportStates(db: Kysely<Database>, planId: number): Promise<ReportState[]> {
  return (await statesOfPlan(db, planId)).map(stateOf);
}

/** The same, with when each was submitted (when its item was done, for the chart). */
export async function listTimedReportStates(db: Kysely<Database>, planId: number): Promise<TimedReportState[]> {
  return (await timedStatesOfPlan(db, planId)).map((r) => ({
    obligationId: r.obligationId,
    branchId: r.branchId,
    status: STATUSES[r.status],
    onTime: r.onTime === 1,
    submittedAt: r.submittedAt,
  }));
}

/** Person ids of a branch's secretaries (a report's author may have handed the branch over). */
export async function branchSecretaryIds(db: Kysely<Database>, branchId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('branch_secretaries')
    .select('person_id')
    .where('branch_id', '=', branchId)
    .execute();
  return rows.map((r) => r.person_id);
}
