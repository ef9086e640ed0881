import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, NoticeState, NoticeTable } from '../schema.js';
import { audit } from './audit.js';
import { updateIfStill } from './once.js';

/** What a leader publishes: the notice as drafted in the modal. */
export interface NoticeContent {
  planId: number;
  title: string;
  body: string;
  minOverdueDays: number;
  /** The branches the notice names, as drafted when it was published. */
  branchCodes: string[];
  channelId: string;
  publishedBy: number;
}

export interface Notice extends NoticeContent {
  id: number;
  messageTs: string | null;
  /** When it was posted; while 'publishing', when it was claimed. */
  publishedAt: string;
  state: NoticeState;
  claimedAt: string | null;
}

/** What a leader asks to publish, from one submission of the notice modal. */
export interface NoticeClaim extends NoticeContent {
  /** Slack's view id: a retried delivery or a second press of the same modal carries the same. */
  submissionKey: string;
}

/**
 * How long a claim holds without its post being recorded. A post takes seconds (the interactive
 * client retries twice, briefly); a claim older than this is taken to be from a process that died
 * between the claim and Slack's answer, and a new attempt may take it over.
 */
export const NOTICE_CLAIM_TTL_MS = 10 * 60_000;

export type ClaimOutcome =
  | { outcome: 'claimed'; notice: Notice }
  /** Another attempt holds the claim (not expired): it is being posted now. */
  | { outcome: 'publishing'; notice: Notice }
  | { outcome: 'published'; notice: Notice };

function rowToNotice(r: Selectable<NoticeTable>): Notice {
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
    state: r.state,
    claimedAt: r.claimed_at,
  };
}

/** The same text, with the same title, in the same channel, for the same plan: one notice, whichever modal it came from. */
export function noticeContentKey(c: Pick<NoticeClaim, 'planId' | 'channelId' | 'title' | 'body'>): string {
  return createHash('sha256')
    .update(JSON.stringify([c.planId, c.channelId, c.title, c.body]))
    .digest('hex');
}

/**
 * Claims a notice before anything is posted: one row 'publishing', keyed by the submission and by
 * the content. When either key already belongs to a notice published, or being published by an
 * attempt whose claim has not expired, nothing is written and that notice is returned. A claim
 * past NOTICE_CLAIM_TTL_MS is removed (audited) and the new attempt claims in its place.
 */
export async function claimNotice(
  db: Kysely<Database>,
  input: NoticeClaim,
  meta: { actor: string; now: Date },
): Promise<ClaimOutcome> {
  const contentKey = noticeContentKey(input);
  return db.transaction().execute(async (trx): Promise<ClaimOutcome> => {
    const rows = await trx
      .selectFrom('notices')
      .selectAll()
      .where((eb) => eb.or([eb('submission_key', '=', input.submissionKey), eb('content_key', '=', contentKey)]))
      .orderBy('id')
      .execute();
    const expiredBefore = new Date(meta.now.getTime() - NOTICE_CLAIM_TTL_MS).toISOString();
    const expired = (r: Selectable<NoticeTable>) =>
      r.state === 'publishing' && (r.claimed_at ?? r.published_at) < expiredBefore;
    const published = rows.find((r) => r.state === 'published');
    if (published) return { outcome: 'published', notice: rowToNotice(published) };
    const held = rows.find((r) => !expired(r));
    if (held) return { outcome: 'publishing', notice: rowToNotice(held) };
    for (const stale of rows) {
      await trx.deleteFrom('notices').where('id', '=', stale.id).execute();
      await audit(trx, {
        at: meta.now,
        actor: meta.actor,
        action: 'notice.claim_expired',
        subjectType: 'notice',
        subjectId: stale.id,
        details: { claimedAt: stale.claimed_at, submissionKey: stale.submission_key, channelId: stale.channel_id },
      });
    }
    const row = await trx
      .insertInto('notices')
      .values({
        plan_id: input.planId,
        title: input.title,
        body: input.body,
        min_overdue_days: input.minOverdueDays,
        branch_codes: JSON.stringify(input.branchCodes),
        channel_id: input.channelId,
        message_ts: null,
        published_by: input.publishedBy,
        published_at: meta.now.toISOString(),
        submission_key: input.submissionKey,
        state: 'publishing',
        content_key: contentKey,
        claimed_at: meta.now.toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: 'notice.claim',
      subjectType: 'notice',
      subjectId: row.id,
      details: { channelId: input.channelId, title: input.title, submissionKey: input.submissionKey },
    });
    return { outcome: 'claimed', notice: rowToNotice(row) };
  });
}

/**
 * Records the post of a claimed notice, its ts, with its audit record. Null when the claim is gone
 * (it expired and another attempt took it over meanwhile).
 */
export async function publishNotice(
  db: Kysely<Database>,
  input: { id: number; messageTs: string | null },
  meta: { actor: string; now: Date },
): Promise<Notice | null> {
  return db.transaction().execute(async (trx) => {
    const row = await updateIfStill(
      trx,
      {
        table: 'notices',
        where: { id: input.id, state: 'publishing' },
        set: { state: 'published', message_ts: input.messageTs, published_at: meta.now.toISOString() },
        audit: (row) => ({
          action: 'notice.publish',
          subjectType: 'notice',
          subjectId: row.id,
          details: {
            channelId: row.channel_id,
            minOverdueDays: row.min_overdue_days,
            branchCodes: JSON.parse(row.branch_codes) as string[],
            title: row.title,
          },
        }),
      },
      meta,
    );
    return row && rowToNotice(row);
  });
}

/** Gives a claim up when Slack refused the post (nothing was posted), so the leader can try again. */
export async function releaseNotice(
  db: Kysely<Database>,
  input: { id: number; error: string },
  meta: { actor: string; now: Date },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .deleteFrom('notices')
      .where('id', '=', input.id)
      .where('state', '=', 'publishing')
      .returningAll()
      .executeTakeFirst();
    if (!row) return;
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: 'notice.release',
      subjectType: 'notice',
      subjectId: row.id,
      details: { channelId: row.channel_id, title: row.title, error: input.error },
    });
  });
}

/** The latest notices of a plan that were posted, newest first. */
export async function listNotices(db: Kysely<Database>, planId: number, limit = 20): Promise<Notice[]> {
  const rows = await db
    .selectFrom('notices')
    .selectAll()
    .where('plan_id', '=', planId)
    .where('state', '=', 'published')
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(rowToNotice);
}
