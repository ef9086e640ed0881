import type { Kysely, Selectable } from 'kysely';
import type { Paper, PaperDecision } from '../../src/domain/papers.js';
import type { PaperKind } from '../../src/domain/types.js';
import type { Database, PaperTable } from '../schema.js';
import { preparedRead } from './prepared.js';
import { audit } from './audit.js';
import { insertSubmitted, sameSubmission } from './once.js';
import { reviewedOf, reviewIfStill } from './review.js';

export function paperRowToPaper(row: Selectable<PaperTable>): Paper {
  return {
    id: row.id,
    planId: row.plan_id,
    authorId: row.author_id,
    kind: row.kind as PaperKind,
    title: row.title,
    abstract: row.abstract,
    link: row.link,
    fileId: row.file_id,
    filePermalink: row.file_permalink,
    coauthors: JSON.parse(row.coauthors) as string[],
    status: row.status,
    excellent: row.excellent === 1,
    ...reviewedOf(row),
  };
}

export interface PaperContent {
  kind: PaperKind;
  title: string;
  abstract: string;
  link: string | null;
  file: { id: string; permalink: string | null } | null;
  coauthors: string[];
  onTime: boolean;
}

function contentColumns(c: PaperContent) {
  return {
    kind: c.kind,
    title: c.title,
    abstract: c.abstract,
    link: c.link,
    file_id: c.file?.id ?? null,
    file_permalink: c.file?.permalink ?? null,
    coauthors: JSON.stringify(c.coauthors),
    on_time: c.onTime ? (1 as const) : (0 as const),
  };
}

/**
 * Stores a new paper with its audit record. `submissionKey` is Slack's view id: a retried
 * delivery of the same submission finds the paper already there and stores nothing.
 */
export async function submitPaper(
  db: Kysely<Database>,
  input: PaperContent & { planId: number; authorId: number; submissionKey: string },
  meta: { actor: string; now: Date },
): Promise<{ paper: Paper; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const existing = await sameSubmission(trx, 'papers', input.submissionKey);
    if (existing) return { paper: paperRowToPaper(existing), created: false };
    const row = await insertSubmitted(
      trx,
      {
        table: 'papers',
        values: {
          plan_id: input.planId,
          author_id: input.authorId,
          ...contentColumns(input),
          status: 'submitted',
          excellent: 0,
          submitted_at: meta.now.toISOString(),
          submission_key: input.submissionKey,
          version: 1,
        },
        audit: (row) => ({
          action: 'paper.submit',
          subjectType: 'paper',
          subjectId: row.id,
          details: { kind: input.kind, onTime: input.onTime, coauthors: input.coauthors },
        }),
      },
      meta,
    );
    return { paper: paperRowToPaper(row), created: true };
  });
}

export type ReviseOutcome =
  | { outcome: 'revised'; paper: Paper }
  | { outcome: 'duplicate'; paper: Paper }
  | { outcome: 'not_found' }
  | { outcome: 'not_author' }
  | { outcome: 'locked' };

/**
 * The author's new version of a paper that is waiting or was returned: it goes back to
 * 'submitted'. The previous version stays in the audit log.
 */
export async function revisePaper(
  db: Kysely<Database>,
  input: PaperContent & { paperId: number; authorId: number; submissionKey: string },
  meta: { actor: string; now: Date },
): Promise<ReviseOutcome> {
  return db.transaction().execute(async (trx): Promise<ReviseOutcome> => {
    const old = await trx.selectFrom('papers').selectAll().where('id', '=', input.paperId).executeTakeFirst();
    if (!old) return { outcome: 'not_found' };
    if (old.author_id !== input.authorId) return { outcome: 'not_author' };
    if (old.submission_key === input.submissionKey) return { outcome: 'duplicate', paper: paperRowToPaper(old) };
    if (old.status !== 'submitted' && old.status !== 'returned') return { outcome: 'locked' };
    const row = await trx
      .updateTable('papers')
      .set({
        ...contentColumns(input),
        status: 'submitted',
        submitted_at: meta.now.toISOString(),
        submission_key: input.submissionKey,
        version: old.version + 1,
      })
      .where('id', '=', old.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: 'paper.revise',
      subjectType: 'paper',
      subjectId: row.id,
      details: { version: row.version, previous: paperRowToPaper(old) },
    });
    return { outcome: 'revised', paper: paperRowToPaper(row) };
  });
}

/**
 * A leader's decision on a paper waiting for review, for the version the leader read. The update is
 * conditional on the status and the version, so two leaders clicking at once (or a retried
 * delivery) decide once, and a paper revised since the leader opened it is not decided; null when
 * nothing changed.
 */
export async function reviewPaper(
  db: Kysely<Database>,
  input: { paperId: number; version: number; reviewerId: number; decision: PaperDecision; comment: string | null },
  meta: { actor: string; now: Date },
): Promise<Paper | null> {
  const row = await reviewIfStill(
    db,
    {
      table: 'papers',
      id: input.paperId,
      version: input.version,
      reviewerId: input.reviewerId,
      comment: input.comment,
      set: {
        status: input.decision === 'return' ? 'returned' : 'accepted',
        excellent: input.decision === 'excellent' ? 1 : 0,
      },
      audit: (row) => ({
        action: `paper.review.${input.decision}`,
        subjectType: 'paper',
        subjectId: row.id,
        details: { comment: input.comment, version: row.version },
      }),
    },
    meta,
  );
  return row && paperRowToPaper(row);
}

export async function findPaper(db: Kysely<Database>, id: number): Promise<Paper | null> {
  const row = await db.selectFrom('papers').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? paperRowToPaper(row) : null;
}

const papersOfAuthor = preparedRead((db, authorId: number, planId: number) =>
  db.selectFrom('papers').selectAll().where('author_id', '=', authorId).where('plan_id', '=', planId).orderBy('id'),
);

export async function listPapersByAuthor(db: Kysely<Database>, authorId: number, planId: number): Promise<Paper[]> {
  return (await papersOfAuthor(db, authorId, planId)).map(paperRowToPaper);
}

export interface PaperWaiting {
  paper: Paper;
  authorName: string;
  authorSlackId: string;
}

/** Papers waiting for a leader, oldest first, and how many there are in all. */
export async function papersAwaitingReview(
  db: Kysely<Database>,
  planId: number,
  limit: number,
): Promise<{ items: PaperWaiting[]; total: number }> {
  const base = db.selectFrom('papers').where('papers.plan_id', '=', planId).where('papers.status', '=', 'submitted');
  const [rows, count] = await Promise.all([
    base
      .innerJoin('people', 'people.id', 'papers.author_id')
      .selectAll('papers')
      .select(['people.name as author_name', 'people.slack_user_id as author_slack_id'])
      .orderBy('papers.submitted_at')
      .orderBy('papers.id')
      .limit(limit)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      paper: paperRowToPaper(r),
      authorName: r.author_name,
      authorSlackId: r.author_slack_id,
    })),
    total: Number(count.n),
  };
}

export interface ExcellentItem {
  type: 'paper';
  id: number;
  kind: PaperKind;
  title: string;
  abstract: string;
  link: string | null;
  filePermalink: string | null;
  authorName: string;
  authorSlackId: string;
  reviewedAt: string;
}

/** Papers marked excellent (优秀) since an instant, for the weekly digest to feature. */
export async function excellentItemsSince(
  db: Kysely<Database>,
  planId: number,
  sinceIso: string,
): Promise<ExcellentItem[]> {
  const rows = await db
    .selectFrom('papers')
    .innerJoin('people', 'people.id', 'papers.author_id')
    .selectAll('papers')
    .select(['people.name as author_name', 'people.slack_user_id as author_slack_id'])
    .where('papers.plan_id', '=', planId)
    .where('papers.excellent', '=', 1)
    .where('papers.status', '=', 'accepted')
    .where('papers.reviewed_at', '>=', sinceIso)
    .orderBy('papers.reviewed_at')
    .orderBy('papers.id')
    .execute();
  return rows.map((r) => ({
    type: 'paper',
    id: r.id,
    kind: r.kind as PaperKind,
    title: r.title,
    abstract: r.abstract,
    link: r.link,
    filePermalink: r.file_permalink,
    authorName: r.author_name,
    authorSlackId: r.author_slack_id,
    reviewedAt: r.reviewed_at ?? sinceIso,
  }));
}

/** Paper counts for a leader's overview: papers waiting and, per author, whether something counts. */
export async function listPapersForPlan(db: Kysely<Database>, planId: number): Promise<Paper[]> {
  const rows = await db.selectFrom('papers').selectAll().where('plan_id', '=', planId).execute();
  return rows.map(paperRowToPaper);
}
