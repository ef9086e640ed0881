import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { audit } from './audit.js';

export interface Notice {
  id: number;
  planId: number;
  title: string;
  body: string;
  minOverdueDays: number;
  branchCodes: string[];
  channelId: string;
  messageTs: string | null;
  publishedBy: number;
  publishedAt: string;
}

/** A notice to record: what is kept, but its id and time, and the submission it came from (stored once). */
export type NewNotice = Omit<Notice, 'id' | 'publishedAt'> & { submissionKey: string };

function rowToNotice(r: {
  id: number;
  plan_id: number;
  title: string;
  body: string;
  min_overdue_days: number;
  branch_codes: string;
  channel_id: string;
  message_ts: string | null;
  published_by: number;
  published_at: string;
}): Notice {
  return {
    id: r.id,
    planId: r.plan_id,
    title: r.title,
    body: r.body,
    minOverdueDays: r.min_overdue_days,
    branchCodes: JSON.parse(r.branch_codes) as string[],
    channelId: r.channel_id,
    messageTs: r.message_ts,
    publishedBy: r.published_by,
    publishedAt: r.published_at,
  };
}

export async function findNoticeBySubmission(db: Kysely<Database>, submissionKey: string): Promise<Notice | null> {
  const row = await db.selectFrom('notices').selectAll().where('submission_key', '=', submissionKey).executeTakeFirst();
  return row ? rowToNotice(row) : null;
}

/** Keeps a published notice with its audit record. */
export async function recordNotice(
  db: Kysely<Database>,
  input: NewNotice,
  meta: { actor: string; now: Date },
): Promise<Notice> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('notices')
      .values({
        plan_id: input.planId,
        title: input.title,
        body: input.body,
        min_overdue_days: input.minOverdueDays,
        branch_codes: JSON.stringify(input.branchCodes),
        channel_id: input.channelId,
        message_ts: input.messageTs,
        published_by: input.publishedBy,
        published_at: meta.now.toISOString(),
        submission_key: input.submissionKey,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: 'notice.publish',
      subjectType: 'notice',
      subjectId: row.id,
      details: {
        channelId: input.channelId,
        minOverdueDays: input.minOverdueDays,
        branchCodes: input.branchCodes,
        title: input.title,
      },
    });
    return rowToNotice(row);
  });
}

/** The latest notices of a plan, newest first. */
export async function listNotices(db: Kysely<Database>, planId: number, limit = 20): Promise<Notice[]> {
  const rows = await db
    .selectFrom('notices')
    .selectAll()
    .where('plan_id', '=', planId)
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(rowToNotice);
}
