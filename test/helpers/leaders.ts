import type { Insertable } from 'kysely';
import type { DB } from '../../db/index.js';
import type { ExtensionTable, NominationTable, PaperTable } from '../../db/schema.js';
import { branchId, obligationId, personId } from './db.js';

export const LEADER = 'U0LDR00002'; // 林淑珍, leader only
export const LEADER_MEMBER = 'U0LDR00001'; // 黄卫东, leader and member of YQ-JG1
export const ADMIN = 'U0ADM00001'; // 宋明, the campaign office
export const SECRETARY = 'U0SEC00001'; // 王建国, secretary of YQ-ZX1

export { branchId, obligationId, personId };

/** A report stored as /report would store it, without going through Slack, by `by` (王建国 unless said). */
export async function putReport(
  db: DB,
  r: {
    branch: string;
    obligation: string;
    onTime?: boolean;
    status?: 'submitted' | 'accepted' | 'returned' | 'withdrawn';
    submittedAt?: string;
    heldOn?: string;
    by?: string;
  },
): Promise<void> {
  await db
    .insertInto('reports')
    .values({
      obligation_id: await obligationId(db, r.obligation),
      branch_id: await branchId(db, r.branch),
      status: r.status ?? 'submitted',
      held_on: r.heldOn ?? '2011-05-01',
      participants: 20,
      summary: `${r.obligation} done`,
      evidence: '[]',
      submitted_by: await personId(db, r.by ?? SECRETARY),
      submitted_at: r.submittedAt ?? '2011-05-02T02:00:00.000Z',
      on_time: r.onTime === false ? 0 : 1,
      ...UNREVIEWED,
      version: 1,
    })
    .execute();
}

/** What a stored submission has before anyone reviews it, and no Slack delivery to match it by. */
const UNREVIEWED = { reviewed_by: null, reviewed_at: null, review_comment: null, submission_key: null } as const;

/**
 * A paper stored as /paper would store it, without going through Slack: a party paper of plan 1 by
 * `authorId`, submitted on time on 2011-06-01 and accepted; `over` changes the rest.
 */
export async function putPaper(db: DB, authorId: number, over: Partial<Insertable<PaperTable>> = {}): Promise<number> {
  const row = await db
    .insertInto('papers')
    .values({
      plan_id: 1,
      author_id: authorId,
      kind: 'party_paper',
      title: '新时期学校党建工作的思考',
      abstract: '摘要',
      link: null,
      file_id: null,
      file_permalink: null,
      coauthors: '[]',
      status: 'accepted',
      excellent: 0,
      submitted_at: '2011-06-01T08:00:00.000Z',
      on_time: 1,
      ...UNREVIEWED,
      ...over,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * An extension request stored as the Request-extension button would store it, without going through
 * Slack: `requestedBy` asks on 2011-05-01 for more time for `obligationId` of `branchId`, still
 * pending; `over` changes the rest.
 */
export async function putExtension(
  db: DB,
  e: { obligationId: number; branchId: number; requestedBy: number },
  over: Partial<Insertable<ExtensionTable>> = {},
): Promise<number> {
  const row = await db
    .insertInto('extensions')
    .values({
      obligation_id: e.obligationId,
      branch_id: e.branchId,
      requested_by: e.requestedBy,
      requested_at: '2011-05-01T02:00:00.000Z',
      new_due: '2011-05-20',
      reason: 'exams',
      status: 'pending',
      decided_by: null,
      decided_at: null,
      decision_comment: null,
      submission_key: null,
      ...over,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * A nomination stored as /commend would store it, without going through Slack: `nominee` named an
 * excellent member in the 七一 round by `nominatedBy` of `branchId` on 2011-06-10, now `status`;
 * `over` changes the rest.
 */
export async function putNomination(
  db: DB,
  n: { branchId: number; nominee: number; nominatedBy: number; status: NominationTable['status'] },
  over: Partial<Insertable<NominationTable>> = {},
): Promise<number> {
  const row = await db
    .insertInto('nominations')
    .values({
      plan_id: 1,
      round: 'JULY1',
      category: 'EXCELLENT-MEMBER',
      branch_id: n.branchId,
      nominee_kind: 'person',
      nominee_branch_id: null,
      nominee_person_id: n.nominee,
      nominee_project_id: null,
      nominee_key: `p:${n.nominee}`,
      citation: 'c',
      evidence_link: null,
      status: n.status,
      nominated_by: n.nominatedBy,
      nominated_at: '2011-06-10T02:00:00.000Z',
      ...UNREVIEWED,
      ...over,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The four tasks due by 2011-06-20, for every branch: A07-COBUILD, A03-COMMIT, A08-REGISTER, A01-NOMINATE. */
export const DUE_BY_JUNE_20 = ['A07-COBUILD', 'A03-COMMIT', 'A08-REGISTER', 'A01-NOMINATE'] as const;

/**
 * As of 2011-06-20: YQ-ZX1 and YQ-ZX2 did all four on time (100, tied first); YQ-XX1 did one late
 * (87.5, third); YQ-XX2 did A07-COBUILD only (25); the others nothing (0).
 */
export async function seedJune(db: DB): Promise<void> {
  for (const o of DUE_BY_JUNE_20) {
    await putReport(db, { branch: 'YQ-ZX1', obligation: o });
    await putReport(db, { branch: 'YQ-ZX2', obligation: o, status: 'accepted' });
    await putReport(db, {
      branch: 'YQ-XX1',
      obligation: o,
      onTime: o !== 'A07-COBUILD',
      submittedAt: o === 'A07-COBUILD' ? '2011-05-12T03:00:00.000Z' : '2011-05-02T02:00:00.000Z',
    });
  }
  await putReport(db, { branch: 'YQ-XX2', obligation: 'A07-COBUILD' });
}
