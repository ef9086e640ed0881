import type { Kysely } from 'kysely';
import type { LocalDate } from '../../src/domain/types.js';
import type { Database } from '../schema.js';
import { audit } from './audit.js';

export interface Snooze {
  personId: number;
  obligationId: number;
  /** Null for a personal (paper) obligation. */
  branchId: number | null;
  /** No reminder before this date; reminders resume on it. */
  until: LocalDate;
}

/**
 * "Remind me tomorrow": one snooze per person, task and branch; pressing the button again on the
 * same day changes nothing (Slack may deliver the click twice).
 */
export async function snooze(
  db: Kysely<Database>,
  input: Snooze,
  meta: { actor: string; now: Date },
): Promise<{ changed: boolean }> {
  return db.transaction().execute(async (trx) => {
    let same = trx
      .selectFrom('snoozes')
      .select(['id', 'until_date'])
      .where('person_id', '=', input.personId)
      .where('obligation_id', '=', input.obligationId);
    same = input.branchId === null ? same.where('branch_id', 'is', null) : same.where('branch_id', '=', input.branchId);
    const existing = await same.execute();
    if (existing.some((s) => s.until_date >= input.until)) return { changed: false };
    if (existing.length > 0)
      await trx
        .deleteFrom('snoozes')
        .where(
          'id',
          'in',
          existing.map((s) => s.id),
        )
        .execute();
    await trx
      .insertInto('snoozes')
      .values({
        person_id: input.personId,
        obligation_id: input.obligationId,
        branch_id: input.branchId,
        until_date: input.until,
        created_at: meta.now.toISOString(),
      })
      .execute();
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: 'reminder.snooze',
      subjectType: 'obligation',
      subjectId: input.obligationId,
      details: { personId: input.personId, branchId: input.branchId, until: input.until },
    });
    return { changed: true };
  });
}

/** A person's snoozes still running on `today` (the scheduler skips those items). */
export async function activeSnoozes(db: Kysely<Database>, personId: number, today: LocalDate): Promise<Snooze[]> {
  const rows = await db
    .selectFrom('snoozes')
    .selectAll()
    .where('person_id', '=', personId)
    .where('until_date', '>', today)
    .execute();
  return rows.map((r) => ({
    personId: r.person_id,
    obligationId: r.obligation_id,
    branchId: r.branch_id,
    until: r.until_date,
  }));
}
