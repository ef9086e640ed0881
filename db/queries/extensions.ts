import type { Kysely, Selectable } from 'kysely';
import type { LocalDate } from '../../src/domain/types.js';
import type { Database, ExtensionTable } from '../schema.js';
import { preparedRead } from './prepared.js';
import { insertSubmitted, sameSubmission, updateIfStill } from './once.js';

export type ExtensionStatus = ExtensionTable['status'];

export interface Extension {
  id: number;
  obligationId: number;
  branchId: number;
  requestedBy: number;
  requestedAt: string;
  newDue: LocalDate;
  reason: string;
  status: ExtensionStatus;
  decidedBy: number | null;
  decidedAt: string | null;
}

function extensionRowToExtension(row: Selectable<ExtensionTable>): Extension {
  return {
    id: row.id,
    obligationId: row.obligation_id,
    branchId: row.branch_id,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    newDue: row.new_due,
    reason: row.reason,
    status: row.status,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
  };
}

export type RequestOutcome =
  { outcome: 'stored' | 'duplicate'; extension: Extension } | { outcome: 'pending'; extension: Extension };

/**
 * Stores a secretary's request. One request per task and branch waits at a time; the same
 * delivery twice (same view id) stores one.
 */
export async function requestExtension(
  db: Kysely<Database>,
  input: {
    obligationId: number;
    branchId: number;
    requestedBy: number;
    newDue: LocalDate;
    reason: string;
    submissionKey: string | null;
  },
  meta: { actor: string; now: Date },
): Promise<RequestOutcome> {
  return db.transaction().execute(async (trx): Promise<RequestOutcome> => {
    const same = await sameSubmission(trx, 'extensions', input.submissionKey);
    if (same) return { outcome: 'duplicate', extension: extensionRowToExtension(same) };
    const pending = await trx
      .selectFrom('extensions')
      .selectAll()
      .where('obligation_id', '=', input.obligationId)
      .where('branch_id', '=', input.branchId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (pending) return { outcome: 'pending', extension: extensionRowToExtension(pending) };
    const row = await insertSubmitted(
      trx,
      {
        table: 'extensions',
        values: {
          obligation_id: input.obligationId,
          branch_id: input.branchId,
          requested_by: input.requestedBy,
          requested_at: meta.now.toISOString(),
          new_due: input.newDue,
          reason: input.reason,
          status: 'pending',
          decided_by: null,
          decided_at: null,
          decision_comment: null,
          submission_key: input.submissionKey,
        },
        audit: (row) => ({
          action: 'extension.request',
          subjectType: 'extension',
          subjectId: row.id,
          details: {
            obligationId: row.obligation_id,
            branchId: row.branch_id,
            newDue: row.new_due,
            reason: row.reason,
          },
        }),
      },
      meta,
    );
    return { outcome: 'stored', extension: extensionRowToExtension(row) };
  });
}

export async function findExtension(db: Kysely<Database>, id: number): Promise<Extension | null> {
  const row = await db.selectFrom('extensions').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? extensionRowToExtension(row) : null;
}

/** Decides a pending request; a request already decided is left as it is and null is returned. */
export async function decideExtension(
  db: Kysely<Database>,
  input: { id: number; leaderId: number; approve: boolean },
  meta: { actor: string; now: Date },
): Promise<Extension | null> {
  return db.transaction().execute(async (trx) => {
    const row = await updateIfStill(
      trx,
      {
        table: 'extensions',
        where: { id: input.id, status: 'pending' },
        set: {
          status: input.approve ? 'approved' : 'refused',
          decided_by: input.leaderId,
          decided_at: meta.now.toISOString(),
        },
        audit: (row) => ({
          action: input.approve ? 'extension.approve' : 'extension.refuse',
          subjectType: 'extension',
          subjectId: row.id,
          details: { obligationId: row.obligation_id, branchId: row.branch_id, newDue: row.new_due },
        }),
      },
      meta,
    );
    return row && extensionRowToExtension(row);
  });
}

const approvedQuery = (db: Kysely<Database>, planId: number) =>
  db
    .selectFrom('extensions')
    .innerJoin('obligations', 'obligations.id', 'extensions.obligation_id')
    .select(['extensions.branch_id', 'extensions.obligation_id', 'extensions.new_due'])
    .where('obligations.plan_id', '=', planId)
    .where('extensions.status', '=', 'approved')
    .orderBy('extensions.decided_at')
    .orderBy('extensions.id');
const approvedOfPlan = preparedRead((db, planId: number) => approvedQuery(db, planId));
const approvedOfBranches = preparedRead((db, planId: number, branchIds: number[]) =>
  approvedQuery(db, planId).where('extensions.branch_id', 'in', branchIds),
);

/**
 * Approved extensions of a plan, of some branches or all: branch id → (obligation id → new due
 * date). A task may be extended more than once: the latest decided wins (ties: the later request),
 * so the domain sees one due date per item (owed.ts).
 */
export async function approvedExtensions(
  db: Kysely<Database>,
  planId: number,
  branchIds?: number[],
): Promise<Map<number, Map<number, LocalDate>>> {
  const out = new Map<number, Map<number, LocalDate>>();
  if (branchIds && branchIds.length === 0) return out;
  for (const row of branchIds ? await approvedOfBranches(db, planId, branchIds) : await approvedOfPlan(db, planId)) {
    let inner = out.get(row.branch_id);
    if (!inner) out.set(row.branch_id, (inner = new Map()));
    inner.set(row.obligation_id, row.new_due);
  }
  return out;
}
