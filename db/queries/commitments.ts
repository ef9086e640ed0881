import type { Kysely, Selectable, Updateable } from 'kysely';
import {
  branchRates,
  computedCommitmentsDone,
  emptyRate,
  mustCommit,
  type CommitmentArea,
  type CommitmentRate,
  type CommitmentRules,
  type ComputedDone,
  type Outcome,
} from '../../src/domain/commitments.js';
import { localDateOf } from '../../src/domain/time.js';
import type { Rank } from '../../src/domain/types.js';
import type { CommitmentTable, Database } from '../schema.js';
import { audit } from './audit.js';
import { insertSubmitted, sameSubmission } from './once.js';
import { enqueue, type NewOutboxRow } from './outbox.js';
import { planRowToPlan } from './plans.js';

/*
 * Members' public commitments (公开承诺) and their fulfilment (兑现承诺): every write in one
 * transaction with its audit row, every state move conditioned on the state read, so a double
 * click or a retried delivery changes nothing twice (docs/decisions/009-commitments.md).
 */

export interface Commitment {
  id: number;
  planId: number;
  personId: number;
  branchId: number;
  text: string;
  area: CommitmentArea | null;
  status: 'active' | 'withdrawn';
  createdAt: string;
  updatedAt: string;
  version: number;
  outcome: Outcome | null;
  outcomeNote: string | null;
  outcomeLink: string | null;
  reportedAt: string | null;
  confirmation: 'confirmed' | 'returned' | null;
  confirmedBy: number | null;
  confirmedAt: string | null;
  confirmComment: string | null;
}

/** A commitment with its author's name, for the branch's list and the secretary's queue. */
export interface ListedCommitment extends Commitment {
  personName: string;
  slackUserId: string;
}

function rowToCommitment(row: Selectable<CommitmentTable>): Commitment {
  return {
    id: row.id,
    planId: row.plan_id,
    personId: row.person_id,
    branchId: row.branch_id,
    text: row.text,
    area: row.area as CommitmentArea | null,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
    outcome: row.outcome,
    outcomeNote: row.outcome_note,
    outcomeLink: row.outcome_link,
    reportedAt: row.reported_at,
    confirmation: row.confirmation,
    confirmedBy: row.confirmed_by,
    confirmedAt: row.confirmed_at,
    confirmComment: row.confirm_comment,
  };
}

export async function findCommitment(db: Kysely<Database>, id: number): Promise<Commitment | null> {
  const row = await db.selectFrom('commitments').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToCommitment(row) : null;
}

/** A person's active commitments in a plan, in the order made. */
export async function commitmentsOfPerson(
  db: Kysely<Database>,
  planId: number,
  personId: number,
): Promise<Commitment[]> {
  const rows = await db
    .selectFrom('commitments')
    .selectAll()
    .where('plan_id', '=', planId)
    .where('person_id', '=', personId)
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
  return rows.map(rowToCommitment);
}

const listed = (db: Kysely<Database>, planId: number) =>
  db
    .selectFrom('commitments')
    .innerJoin('people', 'people.id', 'commitments.person_id')
    .selectAll('commitments')
    .select(['people.name as person_name', 'people.slack_user_id'])
    .where('commitments.plan_id', '=', planId)
    .where('commitments.status', '=', 'active');

function rowToListed(
  row: Selectable<CommitmentTable> & { person_name: string; slack_user_id: string },
): ListedCommitment {
  return { ...rowToCommitment(row), personName: row.person_name, slackUserId: row.slack_user_id };
}

type ListedQuery = ReturnType<typeof listed>;

/** The order of a branch's list: by branch, then person, then the order made. */
const inListOrder = (q: ListedQuery) =>
  q.orderBy('commitments.branch_id').orderBy('people.name').orderBy('commitments.person_id').orderBy('commitments.id');

/** The active commitments of some branches (none when no branch is given), as `pick` narrows and orders them. */
async function listedOfBranches(
  db: Kysely<Database>,
  planId: number,
  branchIds: readonly number[],
  pick: (q: ListedQuery) => ListedQuery,
): Promise<ListedCommitment[]> {
  if (branchIds.length === 0) return [];
  const rows = await pick(listed(db, planId).where('commitments.branch_id', 'in', [...branchIds])).execute();
  return rows.map(rowToListed);
}

/** The active commitments of some branches, by branch, then person, then the order made. */
export async function commitmentsOfBranches(
  db: Kysely<Database>,
  planId: number,
  branchIds: readonly number[],
): Promise<ListedCommitment[]> {
  return listedOfBranches(db, planId, branchIds, inListOrder);
}

/** Fulfilment reported and waiting for confirmation in some branches, oldest report first. */
export async function waitingForConfirmation(
  db: Kysely<Database>,
  planId: number,
  branchIds: readonly number[],
): Promise<ListedCommitment[]> {
  return listedOfBranches(db, planId, branchIds, (q) =>
    q
      .where('commitments.outcome', 'is not', null)
      .where('commitments.confirmation', 'is', null)
      .orderBy('commitments.reported_at')
      .orderBy('commitments.id'),
  );
}

/** Until when a leader reopened this person's commitments after the window, null when not. */
export async function reopenedUntil(db: Kysely<Database>, planId: number, personId: number): Promise<string | null> {
  const row = await db
    .selectFrom('commitment_reopenings')
    .select('until_date')
    .where('plan_id', '=', planId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return row?.until_date ?? null;
}

interface Meta {
  actor: string;
  now: Date;
}

export type MakeOutcome =
  | { outcome: 'made'; commitment: Commitment }
  | { outcome: 'duplicate'; commitment: Commitment }
  | { outcome: 'full'; max: number };

/**
 * Stores a new commitment. The per-person limit is counted inside the transaction that inserts, so
 * two modals submitted at once cannot make six; a retried delivery finds its submission key.
 */
export async function makeCommitment(
  db: Kysely<Database>,
  input: {
    planId: number;
    personId: number;
    branchId: number;
    text: string;
    area: CommitmentArea | null;
    max: number;
    submissionKey: string;
  },
  meta: Meta,
): Promise<MakeOutcome> {
  const at = meta.now.toISOString();
  return db.transaction().execute(async (trx): Promise<MakeOutcome> => {
    const seen = await sameSubmission(trx, 'commitments', input.submissionKey);
    if (seen) return { outcome: 'duplicate', commitment: rowToCommitment(seen) };
    const count = await trx
      .selectFrom('commitments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('plan_id', '=', input.planId)
      .where('person_id', '=', input.personId)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= input.max) return { outcome: 'full', max: input.max };
    const row = await insertSubmitted(
      trx,
      {
        table: 'commitments',
        values: {
          plan_id: input.planId,
          person_id: input.personId,
          branch_id: input.branchId,
          text: input.text,
          area: input.area,
          status: 'active',
          created_at: at,
          updated_at: at,
          version: 1,
          outcome: null,
          outcome_note: null,
          outcome_link: null,
          reported_at: null,
          confirmation: null,
          confirmed_by: null,
          confirmed_at: null,
          confirm_comment: null,
          submission_key: input.submissionKey,
        },
        audit: (row) => ({
          action: 'commitment.make',
          subjectType: 'commitment',
          subjectId: row.id,
          details: { planId: input.planId, branchId: input.branchId, area: input.area, chars: [...input.text].length },
        }),
      },
      meta,
    );
    return { outcome: 'made', commitment: rowToCommitment(row) };
  });
}

export type ChangeOutcome = { outcome: 'changed'; commitment: Commitment } | { outcome: 'not_found' | 'unchanged' };

/** The author's commitment as it is in the transaction; undefined when it is not theirs or no longer active. */
async function ownActive(trx: Kysely<Database>, id: number, personId: number) {
  const row = await trx.selectFrom('commitments').selectAll().where('id', '=', id).executeTakeFirst();
  return row && row.person_id === personId && row.status === 'active' ? row : undefined;
}

/** The author's change as the commitment's next version, made only over the version read in the transaction. */
function nextVersion(trx: Kysely<Database>, before: Selectable<CommitmentTable>, set: Updateable<CommitmentTable>) {
  return trx
    .updateTable('commitments')
    .set({ ...set, version: before.version + 1 })
    .where('id', '=', before.id)
    .where('version', '=', before.version)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The author edits a commitment's text or area (the window is checked by the caller, from the rules). */
export async function editCommitment(
  db: Kysely<Database>,
  input: { id: number; personId: number; text: string; area: CommitmentArea | null },
  meta: Meta,
): Promise<ChangeOutcome> {
  return db.transaction().execute(async (trx): Promise<ChangeOutcome> => {
    const before = await ownActive(trx, input.id, input.personId);
    if (!before) return { outcome: 'not_found' };
    if (before.text === input.text && before.area === input.area) return { outcome: 'unchanged' };
    const row = await nextVersion(trx, before, {
      text: input.text,
      area: input.area,
      updated_at: meta.now.toISOString(),
    });
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: 'commitment.edit',
      subjectType: 'commitment',
      subjectId: input.id,
      details: { version: row.version, area: input.area },
    });
    return { outcome: 'changed', commitment: rowToCommitment(row) };
  });
}

/** The author withdraws a commitment: kept, marked withdrawn, no longer counted or listed. */
export async function withdrawCommitment(
  db: Kysely<Database>,
  input: { id: number; personId: number },
  meta: Meta,
): Promise<ChangeOutcome> {
  return db.transaction().execute(async (trx): Promise<ChangeOutcome> => {
    const row = await trx
      .updateTable('commitments')
      .set({ status: 'withdrawn', updated_at: meta.now.toISOString() })
      .where('id', '=', input.id)
      .where('person_id', '=', input.personId)
      .where('status', '=', 'active')
      .returningAll()
      .executeTakeFirst();
    if (!row) return { outcome: 'not_found' };
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: 'commitment.withdraw',
      subjectType: 'commitment',
      subjectId: input.id,
    });
    return { outcome: 'changed', commitment: rowToCommitment(row) };
  });
}

/** A leader reopens one person's commitments until a date (again: the later date replaces the earlier). */
export async function reopenCommitments(
  db: Kysely<Database>,
  input: { planId: number; personId: number; until: string; leaderId: number },
  meta: Meta,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const values = {
      plan_id: input.planId,
      person_id: input.personId,
      until_date: input.until,
      reopened_by: input.leaderId,
      reopened_at: meta.now.toISOString(),
    };
    await trx
      .insertInto('commitment_reopenings')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['plan_id', 'person_id']).doUpdateSet({
          until_date: input.until,
          reopened_by: input.leaderId,
          reopened_at: values.reopened_at,
        }),
      )
      .execute();
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: 'commitment.reopen',
      subjectType: 'person',
      subjectId: input.personId,
      details: { planId: input.planId, until: input.until },
    });
  });
}

/** The member reports a commitment's fulfilment (or again, after the secretary returned it). */
export async function reportFulfilment(
  db: Kysely<Database>,
  input: { id: number; personId: number; outcome: Outcome; note: string; link: string | null },
  meta: Meta,
): Promise<ChangeOutcome | { outcome: 'confirmed' }> {
  return db.transaction().execute(async (trx) => {
    const before = await ownActive(trx, input.id, input.personId);
    if (!before) return { outcome: 'not_found' as const };
    if (before.confirmation === 'confirmed') return { outcome: 'confirmed' as const };
    if (
      before.outcome === input.outcome &&
      before.outcome_note === input.note &&
      before.outcome_link === input.link &&
      before.confirmation === null
    )
      return { outcome: 'unchanged' as const };
    const row = await nextVersion(trx, before, {
      outcome: input.outcome,
      outcome_note: input.note,
      outcome_link: input.link,
      reported_at: meta.now.toISOString(),
      confirmation: null,
    });
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: 'commitment.fulfilment',
      subjectType: 'commitment',
      subjectId: input.id,
      details: { outcome: input.outcome, again: before.confirmation === 'returned' },
    });
    return { outcome: 'changed' as const, commitment: rowToCommitment(row) };
  });
}

export type ConfirmOutcome = { outcome: 'done'; commitment: Commitment } | { outcome: 'stale' | 'not_found' };

/**
 * The secretary's 点评 on a fulfilment: confirmed, or returned with a comment. Applies only to the
 * version the secretary read and only while it waits: a second click, or a member who reported
 * again meanwhile, changes nothing.
 */
export async function confirmFulfilment(
  db: Kysely<Database>,
  input: {
    id: number;
    version: number;
    confirmerId: number;
    decision: 'confirmed' | 'returned';
    comment: string | null;
  },
  meta: Meta,
): Promise<ConfirmOutcome> {
  return db.transaction().execute(async (trx): Promise<ConfirmOutcome> => {
    const row = await trx
      .updateTable('commitments')
      .set({
        confirmation: input.decision,
        confirmed_by: input.confirmerId,
        confirmed_at: meta.now.toISOString(),
        confirm_comment: input.comment,
      })
      .where('id', '=', input.id)
      .where('version', '=', input.version)
      .where('status', '=', 'active')
      .where('outcome', 'is not', null)
      .where('confirmation', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      const exists = await trx.selectFrom('commitments').select('id').where('id', '=', input.id).executeTakeFirst();
      return { outcome: exists ? 'stale' : 'not_found' };
    }
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: `commitment.${input.decision === 'confirmed' ? 'confirm' : 'return'}`,
      subjectType: 'commitment',
      subjectId: input.id,
      details: { version: input.version, outcome: row.outcome },
    });
    return { outcome: 'done', commitment: rowToCommitment(row) };
  });
}

// Bulk reads: the rates, the computed obligation, the reminders and the posts read a plan at once.

interface RequiredPerson {
  id: number;
  slackUserId: string;
  name: string;
  locale: string | null;
  branchId: number;
  required: boolean;
}

/** Active people in a branch, with whether the rules ask them to commit. */
async function branchPeople(db: Kysely<Database>, rules: CommitmentRules): Promise<RequiredPerson[]> {
  const rows = await db
    .selectFrom('people')
    .select(['id', 'slack_user_id', 'name', 'locale', 'branch_id', 'rank'])
    .where('active', '=', 1)
    .where('branch_id', 'is not', null)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    slackUserId: r.slack_user_id,
    name: r.name,
    locale: r.locale,
    branchId: r.branch_id!,
    required: mustCommit(rules, { rank: r.rank as Rank | null, branchId: r.branch_id }),
  }));
}

/** The facts of every active commitment of a plan that the counts need (no texts). */
async function commitmentFacts(db: Kysely<Database>, planId: number) {
  return db
    .selectFrom('commitments')
    .select(['person_id', 'branch_id', 'status', 'outcome', 'confirmation', 'created_at'])
    .where('plan_id', '=', planId)
    .where('status', '=', 'active')
    .execute();
}

async function rulesOf(db: Kysely<Database>, planId: number) {
  const row = await db.selectFrom('plans').selectAll().where('id', '=', planId).executeTakeFirst();
  if (!row) return null;
  const plan = planRowToPlan(row);
  return plan.settings.commitments ? { plan, rules: plan.settings.commitments } : null;
}

/**
 * Per branch (by branch id, as text): people who must commit, who have committed, commitments
 * confirmed fulfilled, partly, and confirmed in all. A branch with nobody required and no
 * commitments is absent. For the year-end assessment (#14) and the evaluation. Three reads.
 */
export async function commitmentRates(
  db: Kysely<Database>,
  planId: number,
): Promise<Map<string, { required: number; committed: number; fulfilled: number; partly: number; confirmed: number }>> {
  const found = await rulesOf(db, planId);
  if (!found) return new Map();
  const [people, facts] = await Promise.all([branchPeople(db, found.rules), commitmentFacts(db, planId)]);
  const rates = branchRates(
    people,
    facts.map((f) => ({
      personId: f.person_id,
      branchId: f.branch_id,
      status: f.status,
      outcome: f.outcome,
      confirmation: f.confirmation,
    })),
  );
  return new Map([...rates].map(([id, r]) => [String(id), r]));
}

/** The rate of each of these branches, zero counts for a branch with nothing. */
export function ratesFor(rates: ReadonlyMap<string, CommitmentRate>, branchIds: readonly number[]) {
  return new Map(branchIds.map((id) => [id, rates.get(String(id)) ?? emptyRate()]));
}

/**
 * The computed obligations' items done by their data: branch id → (obligation id → when), for
 * owed.ts. One read of the plan's commitments obligations; nothing more when it has none.
 */
export async function computedCommitmentItems(
  db: Kysely<Database>,
  planId: number,
): Promise<Map<number, Map<number, ComputedDone>>> {
  const obligations = await db
    .selectFrom('obligations')
    .select(['id', 'due', 'threshold'])
    .where('plan_id', '=', planId)
    .where('kind', '=', 'commitments')
    .where('retired', '=', 0)
    .execute();
  const out = new Map<number, Map<number, ComputedDone>>();
  if (obligations.length === 0) return out;
  const found = await rulesOf(db, planId);
  if (!found) return out;
  const [people, facts, branches] = await Promise.all([
    branchPeople(db, found.rules),
    commitmentFacts(db, planId),
    db.selectFrom('branches').select('id').where('active', '=', 1).execute(),
  ]);
  const first = new Map<number, string>();
  for (const f of facts) {
    const seen = first.get(f.person_id);
    if (seen === undefined || f.created_at < seen) first.set(f.person_id, f.created_at);
  }
  const byBranch = new Map<number, (string | null)[]>(branches.map((b) => [b.id, []]));
  for (const p of people) if (p.required) byBranch.get(p.branchId)?.push(first.get(p.id) ?? null);
  const tz = found.plan.timezone;
  const planStartIso = `${found.plan.starts}T00:00:00.000Z`;
  for (const [branchId, firstCommitted] of byBranch) {
    const items = new Map<number, ComputedDone>();
    for (const ob of obligations) {
      const done = computedCommitmentsDone({
        firstCommitted,
        threshold: ob.threshold ?? 100,
        due: ob.due,
        localDate: (iso) => localDateOf(new Date(iso), tz),
        planStartIso,
      });
      if (done) items.set(ob.id, done);
    }
    if (items.size > 0) out.set(branchId, items);
  }
  return out;
}

/** What the commitments job plans its reminders from: each person's counts and each secretary's queue. */
export async function commitmentReminderFacts(db: Kysely<Database>, planId: number, rules: CommitmentRules) {
  const [people, facts, secretaries] = await Promise.all([
    branchPeople(db, rules),
    commitmentFacts(db, planId),
    db
      .selectFrom('branch_secretaries')
      .innerJoin('people', 'people.id', 'branch_secretaries.person_id')
      .select(['people.id', 'people.slack_user_id', 'people.locale', 'branch_secretaries.branch_id'])
      .where('people.active', '=', 1)
      .execute(),
  ]);
  const committed = new Map<number, number>();
  const unreported = new Map<number, number>();
  const waitingByBranch = new Map<number, { personId: number }[]>();
  for (const f of facts) {
    committed.set(f.person_id, (committed.get(f.person_id) ?? 0) + 1);
    if (f.outcome === null || f.confirmation === 'returned')
      unreported.set(f.person_id, (unreported.get(f.person_id) ?? 0) + 1);
    else if (f.confirmation === null) {
      const list = waitingByBranch.get(f.branch_id) ?? [];
      list.push({ personId: f.person_id });
      waitingByBranch.set(f.branch_id, list);
    }
  }
  const waiting = new Map<number, { id: number; slackUserId: string; locale: string | null; waiting: number }>();
  for (const s of secretaries) {
    // A secretary's own fulfilment is not theirs to confirm (another secretary or a leader does it).
    const n = (waitingByBranch.get(s.branch_id) ?? []).filter((w) => w.personId !== s.id).length;
    const entry = waiting.get(s.id) ?? { id: s.id, slackUserId: s.slack_user_id, locale: s.locale, waiting: 0 };
    entry.waiting += n;
    waiting.set(s.id, entry);
  }
  return {
    people: people.map((p) => ({
      ...p,
      committed: committed.get(p.id) ?? 0,
      unreported: unreported.get(p.id) ?? 0,
    })),
    secretaries: [...waiting.values()],
  };
}

/** Branches with a channel whose list has not been posted for this plan. */
export async function branchesToPost(db: Kysely<Database>, planId: number) {
  return db
    .selectFrom('branches')
    .select(['id', 'code', 'name', 'channel_id'])
    .where('active', '=', 1)
    .where('channel_id', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('commitment_posts')
            .select('commitment_posts.branch_id')
            .where('commitment_posts.plan_id', '=', planId)
            .whereRef('commitment_posts.branch_id', '=', 'branches.id'),
        ),
      ),
    )
    .orderBy('code')
    .execute();
}

/**
 * Claims one branch's post at the window's close and queues its messages, in one transaction: the
 * claim row is the branch's and the plan's, so a second run, a second process or a catch-up finds
 * it and queues nothing. The list is rendered from the commitments as this transaction reads them.
 */
export async function claimBranchPost(
  db: Kysely<Database>,
  input: {
    planId: number;
    branchId: number;
    channelId: string;
    render: (commitments: ListedCommitment[]) => NewOutboxRow[];
  },
  meta: Meta,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto('commitment_posts')
      .values({
        plan_id: input.planId,
        branch_id: input.branchId,
        channel_id: input.channelId,
        claimed_at: meta.now.toISOString(),
      })
      .onConflict((oc) => oc.columns(['plan_id', 'branch_id']).doNothing())
      .returning('branch_id')
      .executeTakeFirst();
    if (!claimed) return false;
    const list = await commitmentsOfBranches(trx, input.planId, [input.branchId]);
    await enqueue(trx, input.render(list), meta.now);
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: 'commitment.post',
      subjectType: 'branch',
      subjectId: input.branchId,
      details: { planId: input.planId, channel: input.channelId, commitments: list.length },
    });
    return true;
  });
}

/** The export's commitments: each branch's rates, each active commitment with its person, and who has none. */
export interface CommitmentsExport {
  rates: Map<string, CommitmentRate>;
  rows: ListedCommitment[];
  /** People the plan asks to commit who have no active commitment, by branch then name. */
  missing: { personId: number; name: string; branchId: number }[];
}

/** Three reads (the plan's people, the counts' facts, the listed commitments); empty without a commitments section. */
export async function loadCommitmentsExport(db: Kysely<Database>, planId: number): Promise<CommitmentsExport> {
  const found = await rulesOf(db, planId);
  if (!found) return { rates: new Map(), rows: [], missing: [] };
  const [rates, rows, people] = await Promise.all([
    commitmentRates(db, planId),
    inListOrder(listed(db, planId)).execute(),
    branchPeople(db, found.rules),
  ]);
  const committed = new Set(rows.map((r) => r.person_id));
  const missing = people
    .filter((p) => p.required && !committed.has(p.id))
    .map((p) => ({ personId: p.id, name: p.name, branchId: p.branchId }))
    .sort((a, b) => a.branchId - b.branchId || a.name.localeCompare(b.name, 'zh-CN') || a.personId - b.personId);
  return { rates, rows: rows.map(rowToListed), missing };
}
