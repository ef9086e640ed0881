import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { preparedRead } from './prepared.js';
import { audit } from './audit.js';

export interface Exemption {
  id: number;
  obligationId: number;
  branchId: number;
  reason: string;
  grantedBy: number;
  grantedAt: string;
  revokedAt: string | null;
}

export type ExemptResult = 'granted' | 'already';
export type UnexemptResult = 'revoked' | 'not_exempt';

/** Active exemptions of a plan: branch id → obligation ids. */
const standingExemptions = preparedRead((db, planId: number) =>
  db
    .selectFrom('exemptions')
    .innerJoin('obligations', 'obligations.id', 'exemptions.obligation_id')
    .select(['exemptions.branch_id', 'exemptions.obligation_id'])
    .where('obligations.plan_id', '=', planId)
    .where('exemptions.revoked_at', 'is', null),
);

export async function activeExemptions(db: Kysely<Database>, planId: number): Promise<Map<number, Set<number>>> {
  const rows = await standingExemptions(db, planId);
  const map = new Map<number, Set<number>>();
  for (const r of rows) {
    const set = map.get(r.branch_id);
    if (set) set.add(r.obligation_id);
    else map.set(r.branch_id, new Set([r.obligation_id]));
  }
  return map;
}

/** Every exemption of a plan, revoked ones too (for the export). */
export async function listExemptions(db: Kysely<Database>, planId: number): Promise<Exemption[]> {
  const rows = await db
    .selectFrom('exemptions')
    .innerJoin('obligations', 'obligations.id', 'exemptions.obligation_id')
    .selectAll('exemptions')
    .where('obligations.plan_id', '=', planId)
    .orderBy('exemptions.granted_at')
    .orderBy('exemptions.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    obligationId: r.obligation_id,
    branchId: r.branch_id,
    reason: r.reason,
    grantedBy: r.granted_by,
    grantedAt: r.granted_at,
    revokedAt: r.revoked_at,
  }));
}

/** The one row of an obligation and a branch, granted or revoked; undefined when never granted. */
function exemptionOf(trx: Kysely<Database>, obligationId: number, branchId: number) {
  return trx
    .selectFrom('exemptions')
    .selectAll()
    .where('obligation_id', '=', obligationId)
    .where('branch_id', '=', branchId)
    .executeTakeFirst();
}

/**
 * Exempts a branch from an obligation (免报), audited. One row per pair: granting again after a
 * revocation reuses it, and the audit log keeps the history. Granting twice changes nothing.
 */
export async function grantExemption(
  db: Kysely<Database>,
  input: { obligationId: number; branchId: number; reason: string; grantedBy: number },
  meta: { actor: string; now: Date },
): Promise<ExemptResult> {
  return db.transaction().execute(async (trx) => {
    const old = await exemptionOf(trx, input.obligationId, input.branchId);
    if (old && old.revoked_at === null) return 'already';
    const values = {
      reason: input.reason,
      granted_by: input.grantedBy,
      granted_at: meta.now.toISOString(),
      revoked_at: null,
    };
    let id: number;
    if (old) {
      await trx.updateTable('exemptions').set(values).where('id', '=', old.id).execute();
      id = old.id;
    } else {
      const row = await trx
        .insertInto('exemptions')
        .values({ obligation_id: input.obligationId, branch_id: input.branchId, ...values })
        .returning('id')
        .executeTakeFirstOrThrow();
      id = row.id;
    }
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: 'exemption.grant',
      subjectType: 'exemption',
      subjectId: id,
      details: {
        obligationId: input.obligationId,
        branchId: input.branchId,
        reason: input.reason,
        previous: old ? { reason: old.reason, revokedAt: old.revoked_at } : null,
      },
    });
    return 'granted';
  });
}

export async function revokeExemption(
  db: Kysely<Database>,
  input: { obligationId: number; branchId: number; reason: string | null },
  meta: { actor: string; now: Date },
): Promise<UnexemptResult> {
  return db.transaction().execute(async (trx) => {
    const old = await exemptionOf(trx, input.obligationId, input.branchId);
    if (!old || old.revoked_at !== null) return 'not_exempt';
    await trx.updateTable('exemptions').set({ revoked_at: meta.now.toISOString() }).where('id', '=', old.id).execute();
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: 'exemption.revoke',
      subjectType: 'exemption',
      subjectId: old.id,
      details: {
        obligationId: input.obligationId,
        branchId: input.branchId,
        reason: input.reason,
        grantedReason: old.reason,
      },
    });
    return 'revoked';
  });
}
