import type { Kysely, Selectable } from 'kysely';
import {
  electorate,
  roundResults,
  roundState,
  type Answers,
  type BranchCounts,
  type EvaluationRules,
  type Round,
  type RoundSettings,
  type VoterDue,
} from '../../src/domain/evaluation.js';
import type { Branch } from '../../src/domain/types.js';
import type { Database, EvaluationRoundTable, EvaluationSource } from '../schema.js';
import { audit } from './audit.js';
import { listBranches } from './people.js';

/**
 * The year-end evaluation. A ballot is never a row: it marks its voter as having voted (or its code
 * as used) and adds one to the counts of its branch, question and grade, counts that the opening
 * created for every branch, source, question and grade, so nothing a ballot writes has a position,
 * a time or a creation that follows the vote (docs/decisions/011-evaluation-anonymity.md). No
 * function here takes a voter and a grade into the same row, the audit log included.
 */

type Meta = { actor: string; now: Date };

/** The sources a ballot comes from; the opening creates the counts of the first two. */
const BALLOT_SOURCES: EvaluationSource[] = ['slack', 'public'];

function rowToRound(row: Selectable<EvaluationRoundTable>): Round {
  return {
    id: row.id,
    planId: row.plan_id,
    opens: row.opens,
    closes: row.closes,
    settings: JSON.parse(row.settings) as RoundSettings,
    closedAt: row.closed_at,
  };
}

export async function findRound(db: Kysely<Database>, planId: number): Promise<Round | null> {
  const row = await db.selectFrom('evaluation_rounds').selectAll().where('plan_id', '=', planId).executeTakeFirst();
  return row ? rowToRound(row) : null;
}

export async function findRoundById(db: Kysely<Database>, roundId: number): Promise<Round | null> {
  const row = await db.selectFrom('evaluation_rounds').selectAll().where('id', '=', roundId).executeTakeFirst();
  return row ? rowToRound(row) : null;
}

/**
 * Opens the plan's round with its electorate (every person and branch they may rate, from the
 * roster as it stands) and every count at zero, in one transaction with its audit row. A plan has
 * one round: a second opening changes nothing and returns the round there is.
 */
export async function openRound(
  db: Kysely<Database>,
  input: { planId: number; rules: EvaluationRules } & Meta,
): Promise<{ opened: boolean; round: Round; voters: number; branches: number }> {
  return db.transaction().execute(async (trx) => {
    const existing = await findRound(trx, input.planId);
    if (existing) {
      const voters = await trx
        .selectFrom('evaluation_voters')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('round_id', '=', existing.id)
        .executeTakeFirstOrThrow();
      const branches = await listBranches(trx);
      return { opened: false, round: existing, voters: Number(voters.n), branches: branches.length };
    }
    const { opens, closes, ...settings } = input.rules;
    const inserted = await trx
      .insertInto('evaluation_rounds')
      .values({
        plan_id: input.planId,
        opens,
        closes,
        settings: JSON.stringify(settings),
        opened_by: input.actor,
        opened_at: input.now.toISOString(),
        closed_by: null,
        closed_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const roundId = inserted.id;
    const branches = await listBranches(trx);
    const people = await trx
      .selectFrom('people')
      .leftJoin('branch_secretaries', 'branch_secretaries.person_id', 'people.id')
      .select([
        'people.id',
        'people.branch_id',
        'people.is_member',
        'people.is_leader',
        'branch_secretaries.branch_id as sec',
      ])
      .where('people.active', '=', 1)
      .orderBy('people.id')
      .execute();
    const byPerson = new Map<
      number,
      { id: number; branchId: number | null; isMember: boolean; isLeader: boolean; secretaryOf: number[] }
    >();
    for (const p of people) {
      const entry = byPerson.get(p.id) ?? {
        id: p.id,
        branchId: p.branch_id,
        isMember: p.is_member === 1,
        isLeader: p.is_leader === 1,
        secretaryOf: [],
      };
      if (p.sec !== null) entry.secretaryOf.push(p.sec);
      byPerson.set(p.id, entry);
    }
    const pairs = electorate(
      [...byPerson.values()],
      branches.map((b) => b.id),
      settings.voters,
    );
    // SQLite allows 32,766 bound parameters a statement.
    for (let i = 0; i < pairs.length; i += 2000)
      await trx
        .insertInto('evaluation_voters')
        .values(
          pairs
            .slice(i, i + 2000)
            .map((p) => ({ round_id: roundId, person_id: p.personId, branch_id: p.branchId, voted: 0 as const })),
        )
        .execute();
    const counts = branches.flatMap((b) =>
      BALLOT_SOURCES.flatMap((source) =>
        settings.questions.flatMap((q) =>
          settings.grades.map((g) => ({
            round_id: roundId,
            branch_id: b.id,
            source,
            question: q.code,
            grade: g.code,
            count: 0,
          })),
        ),
      ),
    );
    for (let i = 0; i < counts.length; i += 4000)
      await trx
        .insertInto('evaluation_counts')
        .values(counts.slice(i, i + 4000))
        .execute();
    await audit(trx, {
      at: input.now,
      actor: input.actor,
      action: 'evaluation.opened',
      subjectType: 'evaluation',
      subjectId: roundId,
      details: {
        planId: input.planId,
        opens,
        closes,
        voters: pairs.length,
        branches: branches.length,
        weight: settings.weight,
      },
    });
    const round = (await findRoundById(trx, roundId))!;
    return { opened: true, round, voters: pairs.length, branches: branches.length };
  });
}

/** The branches a person may rate in a round, and whether they have. */
export async function voterBranches(
  db: Kysely<Database>,
  roundId: number,
  personId: number,
): Promise<{ branch: Branch; voted: boolean }[]> {
  const rows = await db
    .selectFrom('evaluation_voters as v')
    .innerJoin('branches as b', 'b.id', 'v.branch_id')
    .select(['b.id', 'b.code', 'b.name', 'b.category', 'v.voted'])
    .where('v.round_id', '=', roundId)
    .where('v.person_id', '=', personId)
    .orderBy('b.code')
    .execute();
  return rows.map((r) => ({
    branch: { id: r.id, code: r.code, name: r.name, category: r.category as Branch['category'] },
    voted: r.voted === 1,
  }));
}

export type BallotOutcome = 'counted' | 'twice' | 'not_eligible' | 'not_open' | 'closed';

/**
 * Adds a ballot's answers to the counts in one statement that rewrites every count of the branch
 * and source, adding 0 to the grades not chosen: on PostgreSQL an update writes a new row version,
 * so updating only the chosen grades would leave their order in storage (ctid) following the votes;
 * this way which rows moved says which branch was rated, as the audit log does, never how.
 */
function addOne(trx: Kysely<Database>, roundId: number, branchId: number, source: EvaluationSource, answers: Answers) {
  const chosen = Object.entries(answers);
  return trx
    .updateTable('evaluation_counts')
    .set((eb) => ({
      count: eb(
        'count',
        '+',
        eb
          .case()
          .when(eb.or(chosen.map(([question, grade]) => eb.and({ question, grade }))))
          .then(1)
          .else(0)
          .end(),
      ),
    }))
    .where('round_id', '=', roundId)
    .where('branch_id', '=', branchId)
    .where('source', '=', source)
    .execute();
}

/**
 * A member's or leader's ballot from Slack: in one transaction, the voter's flag goes from 0 to 1
 * (only one of two racing submissions can) and the counts take one each. The audit row says who
 * voted for which branch, never the grades.
 */
export async function castSlackBallot(
  db: Kysely<Database>,
  input: { roundId: number; personId: number; branchId: number; answers: Answers; today: string } & Meta,
): Promise<BallotOutcome> {
  return db.transaction().execute(async (trx) => {
    const round = await findRoundById(trx, input.roundId);
    const state = round ? roundState(round, input.today) : 'closed';
    if (state === 'closed' || state === 'ended') return 'closed';
    if (state === 'before') return 'not_open';
    const flipped = await trx
      .updateTable('evaluation_voters')
      .set({ voted: 1 })
      .where('round_id', '=', input.roundId)
      .where('person_id', '=', input.personId)
      .where('branch_id', '=', input.branchId)
      .where('voted', '=', 0)
      .executeTakeFirst();
    if (Number(flipped.numUpdatedRows) === 0) {
      const row = await trx
        .selectFrom('evaluation_voters')
        .select('voted')
        .where('round_id', '=', input.roundId)
        .where('person_id', '=', input.personId)
        .where('branch_id', '=', input.branchId)
        .executeTakeFirst();
      return row ? 'twice' : 'not_eligible';
    }
    await addOne(trx, input.roundId, input.branchId, 'slack', input.answers);
    await audit(trx, {
      at: input.now,
      actor: input.actor,
      action: 'evaluation.voted',
      subjectType: 'evaluation',
      subjectId: input.roundId,
      details: { branchId: input.branchId },
    });
    return 'counted';
  });
}

/** Stores a batch of codes for one branch (their hashes only), with the audit row of who made how many. */
export async function createCodes(
  db: Kysely<Database>,
  input: { roundId: number; branchId: number; hashes: string[]; batch: string } & Meta,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < input.hashes.length; i += 500)
      await trx
        .insertInto('evaluation_codes')
        .values(
          input.hashes.slice(i, i + 500).map((hash) => ({
            hash,
            round_id: input.roundId,
            branch_id: input.branchId,
            batch: input.batch,
            used: 0 as const,
          })),
        )
        .execute();
    await audit(trx, {
      at: input.now,
      actor: input.actor,
      action: 'evaluation.codes',
      subjectType: 'evaluation',
      subjectId: input.roundId,
      details: { branchId: input.branchId, count: input.hashes.length, batch: input.batch },
    });
  });
}

/** What a code opens on the public page: its round and branch, and whether it has been used. */
export async function findCode(
  db: Kysely<Database>,
  hash: string,
): Promise<{ round: Round; branch: Branch; used: boolean } | null> {
  const row = await db
    .selectFrom('evaluation_codes as c')
    .innerJoin('branches as b', 'b.id', 'c.branch_id')
    .select(['c.round_id', 'c.used', 'b.id', 'b.code', 'b.name', 'b.category'])
    .where('c.hash', '=', hash)
    .executeTakeFirst();
  if (!row) return null;
  const round = await findRoundById(db, row.round_id);
  if (!round) return null;
  return {
    round,
    branch: { id: row.id, code: row.code, name: row.name, category: row.category as Branch['category'] },
    used: row.used === 1,
  };
}

export type CodeOutcome = BallotOutcome | 'used' | 'unknown';

/**
 * A mass representative's ballot: the code goes from unused to used (once, whoever races) and the
 * counts take one each, in one transaction. The audit row names the branch, not the code.
 */
export async function castCodeBallot(
  db: Kysely<Database>,
  input: { hash: string; answers: Answers; today: string; now: Date },
): Promise<CodeOutcome> {
  return db.transaction().execute(async (trx) => {
    const code = await findCode(trx, input.hash);
    if (!code) return 'unknown';
    const state = roundState(code.round, input.today);
    if (state === 'closed' || state === 'ended') return 'closed';
    if (state === 'before') return 'not_open';
    const used = await trx
      .updateTable('evaluation_codes')
      .set({ used: 1 })
      .where('hash', '=', input.hash)
      .where('used', '=', 0)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) === 0) return 'used';
    await addOne(trx, code.round.id, code.branch.id, 'public', input.answers);
    await audit(trx, {
      at: input.now,
      actor: 'public',
      action: 'evaluation.voted',
      subjectType: 'evaluation',
      subjectId: code.round.id,
      details: { branchId: code.branch.id, source: 'public' },
    });
    return 'counted';
  });
}

/** A refused ballot, audited with its reason and branch and nothing that names the voter's ballot. */
export async function auditRefusedBallot(
  db: Kysely<Database>,
  input: { roundId: number | null; branchId: number | null; reason: string; source: EvaluationSource } & Meta,
): Promise<void> {
  await audit(db, {
    at: input.now,
    actor: input.actor,
    action: 'evaluation.refused',
    subjectType: 'evaluation',
    subjectId: input.roundId,
    details: { reason: input.reason, branchId: input.branchId, source: input.source },
  });
}

// The limiter of wrong codes (one row per hashed address and 15-minute window).

export const MISS_WINDOW_MINUTES = 15;

export function missWindow(now: Date): string {
  const ms = MISS_WINDOW_MINUTES * 60_000;
  return new Date(Math.floor(now.getTime() / ms) * ms).toISOString();
}

export async function missesOf(db: Kysely<Database>, address: string, now: Date): Promise<number> {
  const row = await db
    .selectFrom('evaluation_code_misses')
    .select('misses')
    .where('address', '=', address)
    .where('window', '=', missWindow(now))
    .executeTakeFirst();
  return row?.misses ?? 0;
}

/** One more wrong code from an address; windows older than a day are dropped on the way. */
export async function recordMiss(db: Kysely<Database>, address: string, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('evaluation_code_misses')
      .values({ address, window: missWindow(now), misses: 1 })
      .onConflict((oc) =>
        oc
          .columns(['address', 'window'])
          .doUpdateSet((eb) => ({ misses: eb('evaluation_code_misses.misses', '+', 1) })),
      )
      .execute();
    await trx
      .deleteFrom('evaluation_code_misses')
      .where('window', '<', new Date(now.getTime() - 86_400_000).toISOString())
      .execute();
  });
}

// Hand-counted tallies (Socket Mode, or meetings that voted on paper).

export interface TallyLine {
  branchId: number;
  question: string;
  grade: string;
  count: number;
}

/** Sets the hand-counted counts given (each replaces its earlier value), with one audit row listing old and new. */
export async function recordTallies(
  db: Kysely<Database>,
  input: { roundId: number; lines: TallyLine[] } & Meta,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const changes: (TallyLine & { before: number })[] = [];
    for (const l of input.lines) {
      const before = await trx
        .selectFrom('evaluation_counts')
        .select('count')
        .where('round_id', '=', input.roundId)
        .where('branch_id', '=', l.branchId)
        .where('source', '=', 'paper')
        .where('question', '=', l.question)
        .where('grade', '=', l.grade)
        .executeTakeFirst();
      await trx
        .insertInto('evaluation_counts')
        .values({
          round_id: input.roundId,
          branch_id: l.branchId,
          source: 'paper',
          question: l.question,
          grade: l.grade,
          count: l.count,
        })
        .onConflict((oc) =>
          oc.columns(['round_id', 'branch_id', 'source', 'question', 'grade']).doUpdateSet({ count: l.count }),
        )
        .execute();
      changes.push({ ...l, before: before?.count ?? 0 });
    }
    await audit(trx, {
      at: input.now,
      actor: input.actor,
      action: 'evaluation.tally',
      subjectType: 'evaluation',
      subjectId: input.roundId,
      details: { lines: changes },
    });
  });
}

/** Closes the round once (a second close changes nothing); from then on its results can be read. */
export async function closeRound(db: Kysely<Database>, input: { roundId: number } & Meta): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('evaluation_rounds')
      .set({ closed_at: input.now.toISOString(), closed_by: input.actor })
      .where('id', '=', input.roundId)
      .where('closed_at', 'is', null)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) return false;
    await audit(trx, {
      at: input.now,
      actor: input.actor,
      action: 'evaluation.closed',
      subjectType: 'evaluation',
      subjectId: input.roundId,
    });
    return true;
  });
}

// Reads: turnout while it runs, results once it has closed.

export interface Turnout {
  /** Slack voters and codes who have voted. */
  voted: number;
  /** The Slack electorate and the codes printed. */
  eligible: number;
}

/** Per branch id: ballots cast in Slack and with codes, over the electorate and the codes printed. */
export async function turnoutByBranch(db: Kysely<Database>, roundId: number): Promise<Map<number, Turnout>> {
  const [voters, codes] = await Promise.all([
    db
      .selectFrom('evaluation_voters')
      .select([
        'branch_id',
        (eb) => eb.fn.countAll<number>().as('eligible'),
        (eb) => eb.fn.sum<number>('voted').as('voted'),
      ])
      .where('round_id', '=', roundId)
      .groupBy('branch_id')
      .execute(),
    db
      .selectFrom('evaluation_codes')
      .select([
        'branch_id',
        (eb) => eb.fn.countAll<number>().as('eligible'),
        (eb) => eb.fn.sum<number>('used').as('voted'),
      ])
      .where('round_id', '=', roundId)
      .groupBy('branch_id')
      .execute(),
  ]);
  const out = new Map<number, Turnout>();
  for (const r of [...voters, ...codes]) {
    const t = out.get(r.branch_id) ?? { voted: 0, eligible: 0 };
    t.voted += Number(r.voted ?? 0);
    t.eligible += Number(r.eligible);
    out.set(r.branch_id, t);
  }
  return out;
}

/** Every non-zero count of the round with each branch's turnout; for a closed round only (exported for the benchmark). */
export async function branchCounts(db: Kysely<Database>, roundId: number): Promise<BranchCounts[]> {
  const [rows, turnout] = await Promise.all([
    db
      .selectFrom('evaluation_counts')
      .select(['branch_id', 'source', 'question', 'grade', 'count'])
      .where('round_id', '=', roundId)
      .where('count', '>', 0)
      .execute(),
    turnoutByBranch(db, roundId),
  ]);
  const out = new Map<number, BranchCounts>();
  const entry = (branchId: number) => {
    let e = out.get(branchId);
    if (!e) {
      const t = turnout.get(branchId);
      e = { branchId, counts: {}, eligible: t?.eligible ?? 0, counted: t?.voted ?? 0 };
      out.set(branchId, e);
    }
    return e;
  };
  for (const [branchId] of turnout) entry(branchId);
  for (const r of rows) {
    const e = entry(r.branch_id);
    const q = ((e.counts[r.source] ??= {})[r.question] ??= {});
    q[r.grade] = (q[r.grade] ?? 0) + r.count;
  }
  return [...out.values()];
}

/** The results of the plan's round, ranked within each category; null while it is not closed. */
export async function roundResultsOf(db: Kysely<Database>, round: Round) {
  if (round.closedAt === null) return null;
  const [branches, counts] = await Promise.all([listBranches(db), branchCounts(db, round.id)]);
  return roundResults(round.settings, branches, counts);
}

/** What the year-end assessment takes of a branch's results (src/domain/evaluation.ts `roundResults`). */
export interface EvaluationResult {
  ballots: number;
  eligible: number | null;
  turnout: number | null;
  counts: Record<string, number>;
  /** A rate 0–1. */
  satisfaction: number | null;
}

/**
 * For the year-end assessment (#14): per branch id (as text), the closed round's ballots, electorate,
 * turnout, counts by grade of the headline question and satisfaction rate. Empty before the close.
 */
export async function evaluationResults(db: Kysely<Database>, planId: number): Promise<Map<string, EvaluationResult>> {
  const round = await findRound(db, planId);
  const results = round ? await roundResultsOf(db, round) : null;
  return new Map(
    (results ?? []).map((r) => [
      String(r.branch.id),
      { ballots: r.ballots, eligible: r.eligible, turnout: r.turnout, counts: r.counts, satisfaction: r.satisfaction },
    ]),
  );
}

/** The weight the plan's evaluation carries in the year-end assessment (points of 100); null without one. */
export async function evaluationWeight(db: Kysely<Database>, planId: number): Promise<number | null> {
  const round = await findRound(db, planId);
  return round?.settings.weight ?? null;
}

/** Voters with branches still to rate, with what the job needs to reach them. */
export async function pendingVoters(db: Kysely<Database>, roundId: number): Promise<VoterDue[]> {
  const rows = await db
    .selectFrom('evaluation_voters as v')
    .innerJoin('people as p', 'p.id', 'v.person_id')
    .select(['p.id', 'p.slack_user_id', 'p.locale', 'v.branch_id'])
    .where('v.round_id', '=', roundId)
    .where('v.voted', '=', 0)
    .where('p.active', '=', 1)
    .orderBy('p.id')
    .orderBy('v.branch_id')
    .execute();
  const out = new Map<number, VoterDue>();
  for (const r of rows) {
    const v = out.get(r.id) ?? { personId: r.id, slackUserId: r.slack_user_id, locale: r.locale, pending: [] };
    v.pending.push(r.branch_id);
    out.set(r.id, v);
  }
  return [...out.values()];
}
