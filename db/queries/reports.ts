import type { Kysely, Selectable } from 'kysely';
import type { Evidence, LocalDate, Report } from '../../src/domain/types.js';
import type { Database, ReportTable } from '../schema.js';
import { audit } from './audit.js';

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
    submittedAt: row.submitted_at,
    onTime: row.on_time === 1,
    reviewedBy: row.reviewed_by,
    reviewedAt: row.reviewed_at,
    reviewComment: row.review_comment,
    version: row.version,
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
}

/**
 * Stores a report in one transaction with its audit record. A second report for the same
 * obligation and branch replaces the first; the replaced values stay in the audit log.
 */
export async function submitReport(
  db: Kysely<Database>,
  input: NewReport,
  meta: { actor: string; now: Date },
): Promise<{ report: Report; replaced: boolean }> {
  return db.transaction().execute(async (trx) => {
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
    };
    const old = await trx
      .selectFrom('reports')
      .selectAll()
      .where('obligation_id', '=', input.obligationId)
      .where('branch_id', '=', input.branchId)
      .executeTakeFirst();
    let row: Selectable<ReportTable>;
    if (old) {
      row = await trx
        .updateTable('reports')
        .set({ ...values, version: old.version + 1 })
        .where('id', '=', old.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    } else {
      row = await trx
        .insertInto('reports')
        .values({ obligation_id: input.obligationId, branch_id: input.branchId, ...values, version: 1 })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: old ? 'report.replace' : 'report.submit',
      subjectType: 'report',
      subjectId: row.id,
      details: { obligationId: input.obligationId, branchId: input.branchId, onTime: input.onTime, version: row.version, previous: old ? reportRowToReport(old) : null },
    });
    return { report: reportRowToReport(row), replaced: old !== undefined };
  });
}

export async function listReportsForBranches(db: Kysely<Database>, branchIds: number[], planId: number): Promise<Report[]> {
  if (branchIds.length === 0) return [];
  const rows = await db
    .selectFrom('reports')
    .innerJoin('obligations', 'obligations.id', 'reports.obligation_id')
    .selectAll('reports')
    .where('reports.branch_id', 'in', branchIds)
    .where('obligations.plan_id', '=', planId)
    .execute();
  return rows.map(reportRowToReport);
}

export async function findReport(db: Kysely<Database>, obligationId: number, branchId: number): Promise<Report | null> {
  const row = await db.selectFrom('reports').selectAll().where('obligation_id', '=', obligationId).where('branch_id', '=', branchId).executeTakeFirst();
  return row ? reportRowToReport(row) : null;
}
