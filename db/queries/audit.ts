import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface AuditEntry {
  at: Date;
  actor: string;
  action: string;
  subjectType: string;
  subjectId?: string | number | null;
  details?: Record<string, unknown>;
}

/** Call inside the transaction that makes the change, so the change and its record land together. */
export async function audit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: entry.at.toISOString(),
      actor: entry.actor,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId === undefined || entry.subjectId === null ? null : String(entry.subjectId),
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

export async function listAudit(
  db: Kysely<Database>,
  filter: { action?: string; subjectType?: string; subjectId?: string } = {},
) {
  let q = db.selectFrom('audit_log').selectAll().orderBy('id');
  if (filter.action) q = q.where('action', '=', filter.action);
  if (filter.subjectType) q = q.where('subject_type', '=', filter.subjectType);
  if (filter.subjectId) q = q.where('subject_id', '=', filter.subjectId);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
}
