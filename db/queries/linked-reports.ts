import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { reportOf, storeReport } from './reports.js';

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
  const old = await reportOf(trx, input.obligationId, input.branchId);
  if (old && (old.status === 'submitted' || old.status === 'accepted')) return;
  await storeReport(
    trx,
    old,
    {
      obligationId: input.obligationId,
      branchId: input.branchId,
      heldOn: input.heldOn,
      participants: 0,
      summary: input.summary,
      evidence: input.links.map((url) => ({ type: 'link', url })),
      submittedBy: input.personId,
      onTime: input.onTime,
      submissionKey: null,
    },
    { via: input.via, subject: input.subjectId },
    meta,
  );
}
