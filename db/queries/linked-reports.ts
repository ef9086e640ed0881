import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { audit } from './audit.js';

/** The report a project stage or a nomination makes of the plan obligation it fulfils. */
export interface LinkedReport {
  obligationId: number;
  branchId: number;
  personId: number;
  heldOn: string;
  summary: string;
  links: string[];
  onTime: boolean;
  /** What made it: `project.register`, `project.apply`, `nomination`. */
  via: string;
  subjectId: number;
}

/**
 * Reports the obligation for the branch, inside the caller's transaction, unless a report that
 * counts (submitted or accepted) is already there: registering the project is reporting
 * A08-REGISTER, so reminders, escalations, rankings and the digest see it like any report. A
 * returned or withdrawn report is replaced, as a new submission would replace it.
 */
export async function reportLinkedObligation(
  trx: Kysely<Database>,
  input: LinkedReport,
  meta: { actor: string; now: Date },
): Promise<void> {
  const old = await trx
    .selectFrom('reports')
    .selectAll()
    .where('obligation_id', '=', input.obligationId)
    .where('branch_id', '=', input.branchId)
    .executeTakeFirst();
  if (old && (old.status === 'submitted' || old.status === 'accepted')) return;
  const values = {
    status: 'submitted' as const,
    held_on: input.heldOn,
    participants: 0,
    summary: input.summary,
    evidence: JSON.stringify(input.links.map((url) => ({ type: 'link', url }))),
    submitted_by: input.personId,
    submitted_at: meta.now.toISOString(),
    on_time: input.onTime ? (1 as const) : (0 as const),
    reviewed_by: null,
    reviewed_at: null,
    review_comment: null,
    submission_key: null,
  };
  const row = old
    ? await trx
        .updateTable('reports')
        .set({ ...values, version: old.version + 1 })
        .where('id', '=', old.id)
        .returning(['id', 'version'])
        .executeTakeFirstOrThrow()
    : await trx
        .insertInto('reports')
        .values({ obligation_id: input.obligationId, branch_id: input.branchId, ...values, version: 1 })
        .returning(['id', 'version'])
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
      via: input.via,
      subject: input.subjectId,
    },
  });
}
