import type { Kysely, Selectable, Updateable } from 'kysely';
import {
  nomineeKey,
  type NominationStatus,
  type NomineeKind,
  type ReviewDecision,
  type ShortlistRefusal,
} from '../../src/domain/commendations.js';
import type { Category } from '../../src/domain/types.js';
import type { Database, NominationTable } from '../schema.js';
import { audit } from './audit.js';
import { sameSubmission, updateIfStill } from './once.js';
import { reportLinkedObligation, type LinkedReport } from './linked-reports.js';
import { enqueue, type NewOutboxRow } from './outbox.js';

/**
 * Commendation rounds: nominations, the leaders' review and shortlist, the publicity period with
 * its objections, and the final list. Each change is one transaction with its audit row; the
 * publicity and the announcement are claimed by one row each, in the transaction that queues
 * their posts in the outbox, so each goes out once.
 */

type Meta = { actor: string; now: Date };

export interface Nomination {
  id: number;
  planId: number;
  round: string;
  category: string;
  branchId: number;
  nomineeKind: NomineeKind;
  nomineeBranchId: number | null;
  nomineePersonId: number | null;
  nomineeProjectId: number | null;
  citation: string;
  evidenceLink: string | null;
  status: NominationStatus;
  nominatedBy: number;
  nominatedAt: string;
  reviewedBy: number | null;
  reviewedAt: string | null;
  reviewComment: string | null;
}

function rowToNomination(row: Selectable<NominationTable>): Nomination {
  return {
    id: row.id,
    planId: row.plan_id,
    round: row.round,
    category: row.category,
    branchId: row.branch_id,
    nomineeKind: row.nominee_kind,
    nomineeBranchId: row.nominee_branch_id,
    nomineePersonId: row.nominee_person_id,
    nomineeProjectId: row.nominee_project_id,
    citation: row.citation,
    evidenceLink: row.evidence_link,
    status: row.status,
    nominatedBy: row.nominated_by,
    nominatedAt: row.nominated_at,
    reviewedBy: row.reviewed_by,
    reviewedAt: row.reviewed_at,
    reviewComment: row.review_comment,
  };
}

/** A nomination with the names a list shows. */
export interface NominationView extends Nomination {
  nomineeName: string;
  branchCode: string;
  branchName: string;
  branchCategory: Category;
  objections: { open: number; upheld: number; dismissed: number };
}

export async function findNomination(db: Kysely<Database>, id: number): Promise<Nomination | null> {
  const row = await db.selectFrom('nominations').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToNomination(row) : null;
}

/** The nominations of a round (optionally of one branch), with nominee and branch names, oldest first. */
export async function listNominations(
  db: Kysely<Database>,
  planId: number,
  filter: { round?: string; branchIds?: readonly number[]; ids?: readonly number[] } = {},
): Promise<NominationView[]> {
  let q = db
    .selectFrom('nominations')
    .innerJoin('branches', 'branches.id', 'nominations.branch_id')
    .leftJoin('people', 'people.id', 'nominations.nominee_person_id')
    .leftJoin('branches as nb', 'nb.id', 'nominations.nominee_branch_id')
    .leftJoin('projects', 'projects.id', 'nominations.nominee_project_id')
    .selectAll('nominations')
    .select([
      'branches.code as branch_code',
      'branches.name as branch_name',
      'branches.category as branch_category',
      'people.name as person_name',
      'nb.name as nominee_branch_name',
      'projects.title as project_title',
    ])
    .where('nominations.plan_id', '=', planId)
    .orderBy('nominations.id');
  if (filter.round) q = q.where('nominations.round', '=', filter.round);
  if (filter.branchIds) {
    if (filter.branchIds.length === 0) return [];
    q = q.where('nominations.branch_id', 'in', [...filter.branchIds]);
  }
  if (filter.ids) {
    if (filter.ids.length === 0) return [];
    q = q.where('nominations.id', 'in', [...filter.ids]);
  }
  const rows = await q.execute();
  const objections =
    rows.length === 0
      ? []
      : await db
          .selectFrom('objections')
          .innerJoin('nominations', 'nominations.id', 'objections.nomination_id')
          .select(['objections.nomination_id', 'objections.status'])
          .where('nominations.plan_id', '=', planId)
          .execute();
  const counts = new Map<number, NominationView['objections']>();
  for (const o of objections) {
    const c = counts.get(o.nomination_id) ?? { open: 0, upheld: 0, dismissed: 0 };
    c[o.status]++;
    counts.set(o.nomination_id, c);
  }
  return rows.map((r) => ({
    ...rowToNomination(r),
    nomineeName: r.person_name ?? r.nominee_branch_name ?? r.project_title ?? '?',
    branchCode: r.branch_code,
    branchName: r.branch_name,
    branchCategory: r.branch_category as Category,
    objections: counts.get(r.id) ?? { open: 0, upheld: 0, dismissed: 0 },
  }));
}

export interface Publicity {
  planId: number;
  round: string;
  channelId: string;
  startsOn: string;
  endsOn: string;
  startedAt: string;
  announcedAt: string | null;
}

export async function findPublicity(db: Kysely<Database>, planId: number, round: string): Promise<Publicity | null> {
  const row = await db
    .selectFrom('commendation_publicity')
    .selectAll()
    .where('plan_id', '=', planId)
    .where('round', '=', round)
    .executeTakeFirst();
  return row
    ? {
        planId: row.plan_id,
        round: row.round,
        channelId: row.channel_id,
        startsOn: row.starts_on,
        endsOn: row.ends_on,
        startedAt: row.started_at,
        announcedAt: row.announced_at,
      }
    : null;
}

export async function listPublicity(db: Kysely<Database>, planId: number): Promise<Publicity[]> {
  const rounds = await db.selectFrom('commendation_publicity').select('round').where('plan_id', '=', planId).execute();
  const out: Publicity[] = [];
  for (const r of rounds) {
    const p = await findPublicity(db, planId, r.round);
    if (p) out.push(p);
  }
  return out;
}

/** Nominations of a branch in a category that count against its quota: every one not withdrawn. */
async function madeBy(
  trx: Kysely<Database>,
  where: { planId: number; round: string; category: string; branchId: number },
) {
  const row = await trx
    .selectFrom('nominations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('plan_id', '=', where.planId)
    .where('round', '=', where.round)
    .where('category', '=', where.category)
    .where('branch_id', '=', where.branchId)
    .where('status', '<>', 'withdrawn')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export type NominateOutcome =
  | { outcome: 'nominated'; nomination: Nomination }
  | { outcome: 'duplicate_submission'; nomination: Nomination }
  | { outcome: 'quota'; quota: number }
  | { outcome: 'duplicate_nominee' }
  | { outcome: 'publicity_started' };

/**
 * A branch's nomination (推荐) with its citation (事迹材料). The branch's quota, a nominee named
 * twice in the category and a publicity already begun are decided inside the transaction; the
 * first nomination of the round reports the round's obligation when the plan links one.
 */
export async function nominate(
  db: Kysely<Database>,
  input: {
    planId: number;
    round: string;
    category: string;
    branchId: number;
    nominee: { kind: NomineeKind; id: number };
    citation: string;
    evidenceLink: string | null;
    personId: number;
    perBranch: number;
    submissionKey: string;
    report: Omit<LinkedReport, 'subjectId' | 'via' | 'branchId' | 'personId'> | null;
  },
  meta: Meta,
): Promise<NominateOutcome> {
  return db.transaction().execute(async (trx): Promise<NominateOutcome> => {
    const same = await sameSubmission(trx, 'nominations', input.submissionKey);
    if (same) return { outcome: 'duplicate_submission', nomination: rowToNomination(same) };
    if (await publicityBegun(trx, { plan_id: input.planId, round: input.round }))
      return { outcome: 'publicity_started' };
    const made = await madeBy(trx, input);
    if (made >= input.perBranch) return { outcome: 'quota', quota: input.perBranch };
    const key = nomineeKey(input.nominee.kind, input.nominee.id);
    const twice = await trx
      .selectFrom('nominations')
      .select('id')
      .where('plan_id', '=', input.planId)
      .where('round', '=', input.round)
      .where('category', '=', input.category)
      .where('nominee_key', '=', key)
      .where('status', '<>', 'withdrawn')
      .executeTakeFirst();
    if (twice) return { outcome: 'duplicate_nominee' };
    const row = await trx
      .insertInto('nominations')
      .values({
        plan_id: input.planId,
        round: input.round,
        category: input.category,
        branch_id: input.branchId,
        nominee_kind: input.nominee.kind,
        nominee_branch_id: input.nominee.kind === 'branch' ? input.nominee.id : null,
        nominee_person_id: input.nominee.kind === 'person' ? input.nominee.id : null,
        nominee_project_id: input.nominee.kind === 'project' ? input.nominee.id : null,
        nominee_key: key,
        citation: input.citation,
        evidence_link: input.evidenceLink,
        status: 'submitted',
        nominated_by: input.personId,
        nominated_at: meta.now.toISOString(),
        reviewed_by: null,
        reviewed_at: null,
        review_comment: null,
        submission_key: input.submissionKey,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (input.report)
      await reportLinkedObligation(
        trx,
        { ...input.report, branchId: input.branchId, personId: input.personId, via: 'nomination', subjectId: row.id },
        meta,
      );
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: 'nomination.submit',
      subjectType: 'nomination',
      subjectId: row.id,
      details: { round: input.round, category: input.category, branchId: input.branchId, nominee: key },
    });
    return { outcome: 'nominated', nomination: rowToNomination(row) };
  });
}

export type ChangeOutcome =
  | { outcome: 'done'; nomination: Nomination }
  | { outcome: 'stale'; status: NominationStatus | null }
  | { outcome: 'publicity_started' }
  | { outcome: 'shortlist'; refusal: ShortlistRefusal };

async function publicityBegun(trx: Kysely<Database>, n: { plan_id: number; round: string }): Promise<boolean> {
  const row = await trx
    .selectFrom('commendation_publicity')
    .select('round')
    .where('plan_id', '=', n.plan_id)
    .where('round', '=', n.round)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The secretary revises a returned nomination (a new citation, goes back for review) or
 * withdraws one not yet accepted. Both before the publicity only.
 */
export async function changeOwnNomination(
  db: Kysely<Database>,
  input:
    { id: number; kind: 'revise'; citation: string; evidenceLink: string | null } | { id: number; kind: 'withdraw' },
  meta: Meta,
): Promise<ChangeOutcome> {
  return db.transaction().execute(async (trx): Promise<ChangeOutcome> => {
    const old = await trx.selectFrom('nominations').selectAll().where('id', '=', input.id).executeTakeFirst();
    if (!old) return { outcome: 'stale', status: null };
    if (await publicityBegun(trx, old)) return { outcome: 'publicity_started' };
    const allowed = input.kind === 'revise' ? ['returned'] : ['submitted', 'returned'];
    if (!allowed.includes(old.status)) return { outcome: 'stale', status: old.status };
    return changeNomination(
      trx,
      input.id,
      input.kind === 'revise'
        ? { status: 'submitted', citation: input.citation, evidence_link: input.evidenceLink }
        : { status: 'withdrawn' },
      input.kind,
      () => ({ previous: { status: old.status, citation: old.citation, evidenceLink: old.evidence_link } }),
      meta,
    );
  });
}

/** Writes the change to a nomination the caller has read and checked, with its audit record `nomination.<what>`. */
async function changeNomination(
  trx: Kysely<Database>,
  id: number,
  set: Updateable<NominationTable>,
  what: string,
  details: (row: Selectable<NominationTable>) => Record<string, unknown>,
  meta: Meta,
): Promise<ChangeOutcome> {
  const row = await trx
    .updateTable('nominations')
    .set(set)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await audit(trx, {
    at: meta.now,
    actor: meta.actor,
    action: `nomination.${what}`,
    subjectType: 'nomination',
    subjectId: id,
    details: details(row),
  });
  return { outcome: 'done', nomination: rowToNomination(row) };
}

const DECIDED: Record<ReviewDecision, NominationStatus> = {
  accept: 'accepted',
  return: 'returned',
  shortlist: 'shortlisted',
  unshortlist: 'accepted',
};

/**
 * A leader's decision on a nomination before the publicity: accept, return (with a comment),
 * shortlist within the category's quotas, or take off the shortlist. `allowed` says which status
 * the decision applies to; `fits` checks the shortlist's quotas against what is shortlisted now.
 */
export async function reviewNomination(
  db: Kysely<Database>,
  input: {
    id: number;
    decision: ReviewDecision;
    comment: string | null;
    personId: number;
    allowed: (status: NominationStatus) => boolean;
    fits: (shortlisted: { branchCategory: Category }[], branchCategory: Category) => ShortlistRefusal | null;
  },
  meta: Meta,
): Promise<ChangeOutcome> {
  return db.transaction().execute(async (trx): Promise<ChangeOutcome> => {
    const old = await trx
      .selectFrom('nominations')
      .innerJoin('branches', 'branches.id', 'nominations.branch_id')
      .selectAll('nominations')
      .select('branches.category as branch_category')
      .where('nominations.id', '=', input.id)
      .executeTakeFirst();
    if (!old) return { outcome: 'stale', status: null };
    if (await publicityBegun(trx, old)) return { outcome: 'publicity_started' };
    if (!input.allowed(old.status)) return { outcome: 'stale', status: old.status };
    if (input.decision === 'shortlist') {
      const shortlisted = await trx
        .selectFrom('nominations')
        .innerJoin('branches', 'branches.id', 'nominations.branch_id')
        .select('branches.category as branchCategory')
        .where('nominations.plan_id', '=', old.plan_id)
        .where('nominations.round', '=', old.round)
        .where('nominations.category', '=', old.category)
        .where('nominations.status', '=', 'shortlisted')
        .execute();
      const refusal = input.fits(
        shortlisted.map((s) => ({ branchCategory: s.branchCategory as Category })),
        old.branch_category as Category,
      );
      if (refusal) return { outcome: 'shortlist', refusal };
    }
    return changeNomination(
      trx,
      input.id,
      {
        status: DECIDED[input.decision],
        reviewed_by: input.personId,
        reviewed_at: meta.now.toISOString(),
        review_comment: input.comment,
      },
      input.decision,
      (row) => ({ from: old.status, to: row.status, comment: input.comment }),
      meta,
    );
  });
}

export type PublicityOutcome =
  { outcome: 'started'; count: number } | { outcome: 'already'; publicity: Publicity } | { outcome: 'empty' };

/**
 * 公示 begins: the round's publicity row (one per round: whoever inserts it first starts it) and
 * the posts of the shortlist, rendered from the shortlist as it stands in the transaction and
 * queued in the outbox with it. Nothing is posted twice, whoever presses twice.
 */
export async function startPublicity(
  db: Kysely<Database>,
  input: {
    planId: number;
    round: string;
    channelId: string;
    startsOn: string;
    endsOn: string;
    personId: number;
    render: (shortlist: NominationView[]) => NewOutboxRow[];
  },
  meta: Meta,
): Promise<PublicityOutcome> {
  return db.transaction().execute(async (trx): Promise<PublicityOutcome> => {
    const existing = await findPublicity(trx, input.planId, input.round);
    if (existing) return { outcome: 'already', publicity: existing };
    const shortlist = (await listNominations(trx, input.planId, { round: input.round })).filter(
      (n) => n.status === 'shortlisted',
    );
    if (shortlist.length === 0) return { outcome: 'empty' };
    await trx
      .insertInto('commendation_publicity')
      .values({
        plan_id: input.planId,
        round: input.round,
        channel_id: input.channelId,
        starts_on: input.startsOn,
        ends_on: input.endsOn,
        started_by: input.personId,
        started_at: meta.now.toISOString(),
        announced_by: null,
        announced_at: null,
      })
      .execute();
    await enqueue(trx, input.render(shortlist), meta.now);
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: 'commendation.publicity',
      subjectType: 'round',
      subjectId: input.round,
      details: {
        channel: input.channelId,
        from: input.startsOn,
        to: input.endsOn,
        shortlist: shortlist.map((n) => n.id),
      },
    });
    return { outcome: 'started', count: shortlist.length };
  });
}

export type ObjectionOutcome =
  | { outcome: 'raised'; objectionId: number }
  | { outcome: 'duplicate' }
  | { outcome: 'closed' }
  | { outcome: 'not_shortlisted' };

/** An objection (异议) to a shortlisted nominee, taken only during the round's publicity period. */
export async function raiseObjection(
  db: Kysely<Database>,
  input: { nominationId: number; personId: number; text: string; today: string; submissionKey: string },
  meta: Meta,
): Promise<ObjectionOutcome> {
  return db.transaction().execute(async (trx): Promise<ObjectionOutcome> => {
    const same = await sameSubmission(trx, 'objections', input.submissionKey);
    if (same) return { outcome: 'duplicate' };
    const n = await trx.selectFrom('nominations').selectAll().where('id', '=', input.nominationId).executeTakeFirst();
    if (!n || n.status !== 'shortlisted') return { outcome: 'not_shortlisted' };
    const p = await findPublicity(trx, n.plan_id, n.round);
    if (!p || p.announcedAt || input.today < p.startsOn || input.today > p.endsOn) return { outcome: 'closed' };
    const row = await trx
      .insertInto('objections')
      .values({
        nomination_id: n.id,
        raised_by: input.personId,
        raised_at: meta.now.toISOString(),
        text: input.text,
        status: 'open',
        decided_by: null,
        decided_at: null,
        reason: null,
        submission_key: input.submissionKey,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: 'objection.raise',
      subjectType: 'nomination',
      subjectId: n.id,
      details: { objectionId: row.id },
    });
    return { outcome: 'raised', objectionId: row.id };
  });
}

export interface Objection {
  id: number;
  nominationId: number;
  raisedBy: number;
  raisedByName: string;
  raisedAt: string;
  text: string;
  status: 'open' | 'upheld' | 'dismissed';
  reason: string | null;
  round: string;
  planId: number;
}

export async function findObjection(db: Kysely<Database>, id: number): Promise<Objection | null> {
  const r = await db
    .selectFrom('objections')
    .innerJoin('people', 'people.id', 'objections.raised_by')
    .innerJoin('nominations', 'nominations.id', 'objections.nomination_id')
    .selectAll('objections')
    .select(['people.name', 'nominations.round', 'nominations.plan_id'])
    .where('objections.id', '=', id)
    .executeTakeFirst();
  return r
    ? {
        id: r.id,
        nominationId: r.nomination_id,
        raisedBy: r.raised_by,
        raisedByName: r.name,
        raisedAt: r.raised_at,
        text: r.text,
        status: r.status,
        reason: r.reason,
        round: r.round,
        planId: r.plan_id,
      }
    : null;
}

export async function openObjections(db: Kysely<Database>, planId: number): Promise<Objection[]> {
  const rows = await db
    .selectFrom('objections')
    .innerJoin('nominations', 'nominations.id', 'objections.nomination_id')
    .select('objections.id')
    .where('nominations.plan_id', '=', planId)
    .where('objections.status', '=', 'open')
    .orderBy('objections.id')
    .execute();
  const out: Objection[] = [];
  for (const r of rows) {
    const o = await findObjection(db, r.id);
    if (o) out.push(o);
  }
  return out;
}

/**
 * An admin's decision on an objection, with the reason: upheld strikes the nominee off the list,
 * dismissed leaves it. Decided once: the update is conditional on the objection being open.
 */
export async function decideObjection(
  db: Kysely<Database>,
  input: { objectionId: number; decision: 'uphold' | 'dismiss'; reason: string; personId: number },
  meta: Meta,
): Promise<{ outcome: 'done'; nominationId: number } | { outcome: 'stale' }> {
  return db.transaction().execute(async (trx) => {
    const row = await updateIfStill(
      trx,
      {
        table: 'objections',
        where: { id: input.objectionId, status: 'open' },
        set: {
          status: input.decision === 'uphold' ? 'upheld' : 'dismissed',
          decided_by: input.personId,
          decided_at: meta.now.toISOString(),
          reason: input.reason,
        },
        audit: (row) => ({
          action: `objection.${input.decision}`,
          subjectType: 'nomination',
          subjectId: row.nomination_id,
          details: { objectionId: input.objectionId, reason: input.reason },
        }),
      },
      meta,
    );
    if (!row) return { outcome: 'stale' as const };
    if (input.decision === 'uphold')
      await trx
        .updateTable('nominations')
        .set({ status: 'struck' })
        .where('id', '=', row.nomination_id)
        .where('status', '=', 'shortlisted')
        .execute();
    return { outcome: 'done' as const, nominationId: row.nomination_id };
  });
}

export type AnnounceOutcome =
  | { outcome: 'announced'; awarded: number }
  | { outcome: 'already' }
  | { outcome: 'not_started' }
  | { outcome: 'publicity_running'; endsOn: string }
  | { outcome: 'objections_open'; open: number };

/**
 * The final list after the publicity: the round's announcement is claimed by one conditional
 * update (announced_at from null), the shortlisted become awarded, and the posts are queued with
 * them. Refused while the period runs or an objection is undecided.
 */
export async function announceRound(
  db: Kysely<Database>,
  input: {
    planId: number;
    round: string;
    today: string;
    personId: number;
    render: (awarded: NominationView[], channelId: string) => NewOutboxRow[];
  },
  meta: Meta,
): Promise<AnnounceOutcome> {
  return db.transaction().execute(async (trx): Promise<AnnounceOutcome> => {
    const p = await findPublicity(trx, input.planId, input.round);
    if (!p) return { outcome: 'not_started' };
    if (p.announcedAt) return { outcome: 'already' };
    if (input.today <= p.endsOn) return { outcome: 'publicity_running', endsOn: p.endsOn };
    const all = await listNominations(trx, input.planId, { round: input.round });
    const open = all.reduce((n, x) => n + x.objections.open, 0);
    if (open > 0) return { outcome: 'objections_open', open };
    const claimed = await trx
      .updateTable('commendation_publicity')
      .set({ announced_by: input.personId, announced_at: meta.now.toISOString() })
      .where('plan_id', '=', input.planId)
      .where('round', '=', input.round)
      .where('announced_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return { outcome: 'already' };
    const awarded = all.filter((n) => n.status === 'shortlisted');
    if (awarded.length > 0)
      await trx
        .updateTable('nominations')
        .set({ status: 'awarded' })
        .where(
          'id',
          'in',
          awarded.map((n) => n.id),
        )
        .execute();
    const final = awarded.map((n) => ({ ...n, status: 'awarded' as const }));
    await enqueue(trx, input.render(final, p.channelId), meta.now);
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: 'commendation.announce',
      subjectType: 'round',
      subjectId: input.round,
      details: { awarded: awarded.map((n) => n.id), struck: all.filter((n) => n.status === 'struck').map((n) => n.id) },
    });
    return { outcome: 'announced', awarded: awarded.length };
  });
}

export interface BranchAwards {
  branchId: number;
  /** Awarded innovation projects of the branch, with their tier's code. */
  projects: { projectId: number; title: string; tier: string }[];
  /** Commendations of the branch (itself, its people, its projects), by round and category. */
  commendations: {
    nominationId: number;
    round: string;
    category: string;
    nomineeKind: NomineeKind;
    nomineeName: string;
  }[];
}

/**
 * For the year-end assessment (#14): per branch, its confirmed project awards (tier) and its
 * final commendations (category). A project without a tier and a nominee struck off are not awards.
 */
export async function branchAwards(db: Kysely<Database>, planId: number): Promise<Map<number, BranchAwards>> {
  const projects = await db
    .selectFrom('project_tiers')
    .innerJoin('projects', 'projects.id', 'project_tiers.project_id')
    .select(['projects.id', 'projects.branch_id', 'projects.title', 'project_tiers.tier'])
    .where('projects.plan_id', '=', planId)
    .where('project_tiers.announcement_id', 'is not', null)
    .where('project_tiers.tier', 'is not', null)
    .orderBy('projects.id')
    .execute();
  const awarded = (await listNominations(db, planId)).filter((n) => n.status === 'awarded');
  const out = new Map<number, BranchAwards>();
  const of = (branchId: number) => {
    let a = out.get(branchId);
    if (!a) out.set(branchId, (a = { branchId, projects: [], commendations: [] }));
    return a;
  };
  for (const p of projects) of(p.branch_id).projects.push({ projectId: p.id, title: p.title, tier: p.tier! });
  for (const n of awarded)
    of(n.branchId).commendations.push({
      nominationId: n.id,
      round: n.round,
      category: n.category,
      nomineeKind: n.nomineeKind,
      nomineeName: n.nomineeName,
    });
  return out;
}
