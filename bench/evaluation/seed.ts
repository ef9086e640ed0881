import { randomBytes } from 'node:crypto';
import type { Insertable } from 'kysely';
import { openDatabase, type DB } from '../../db/index.js';
import { createCodes, openRound } from '../../db/queries/evaluation.js';
import { enqueue } from '../../db/queries/outbox.js';
import { findActivePlan } from '../../db/queries/plans.js';
import type { ReportTable } from '../../db/schema.js';
import { encodeCode } from '../../src/domain/evaluation.js';
import { CATEGORIES, type Category } from '../../src/domain/types.js';
import { codeHash } from '../../src/public/ballot.js';
import {
  branchCode,
  branchTasks,
  generatedReport,
  insertAll,
  prng,
  seedStore,
  type SeededPlan,
} from '../seed-common.js';

/**
 * The stores of bench/evaluation.bench.ts: a county in the evaluation's second week (a round open
 * since 2011-12-12, everyone invited) with one branch's members' meeting about to vote, and a
 * closed round of 1,000 branches and 50,000 ballots to tally.
 */

/** The 2011 plan's evaluation runs 2011-12-12 to 12-23: three days before the close, a reminder day. */
export const MEETING_NOW = '2011-12-20T10:00:00+08:00';
export const BRANCHES = 1000;
/** The meeting's branches, and each one's members in Slack and mass representatives with codes. */
export const MEETING_BRANCHES = 50;
export const PER_BRANCH = 10;

const categoryOf = (i: number): Category => CATEGORIES[i % CATEGORIES.length]!;

async function rosterAndPlan(db: DB, extraMembers: (i: number) => number): Promise<SeededPlan> {
  const lines: string[] = [];
  for (let i = 0; i < BRANCHES; i++) {
    const code = branchCode(i);
    const head = `${code},第${i}中学党支部,${categoryOf(i)}`;
    lines.push(`${head},UBS${String(i).padStart(5, '0')},书记${i},secretary,school_cadre`);
    lines.push(`${head},UBM${String(i).padStart(5, '0')},党员${i},member,member`);
    for (let k = 0; k < extraMembers(i); k++)
      lines.push(`${head},UBV${String(i).padStart(4, '0')}${String(k).padStart(3, '0')},党员${i}-${k},member,member`);
  }
  for (let k = 0; k < 5; k++) lines.push(`,,,UBL${k},领导${k},leader,division_leader`);
  const seeded = await seedStore(db, lines);
  // Steady state: everyone's Slack locale was looked up once and is cached for a week.
  await db
    .updateTable('people')
    .set({ locale: 'zh-CN', locale_checked_at: new Date(MEETING_NOW).toISOString() })
    .execute();
  return seeded;
}

export interface MeetingStore {
  people: number;
  voters: number;
  reports: number;
  /** The meeting's members: their Slack id and the branch id their button carries. */
  members: { user: string; branchId: number }[];
  /** The representatives' ballot codes (the slips' only copy), with their branch id. */
  codes: { code: string; branchId: number }[];
}

/**
 * The meeting's store: 1,000 branches, a secretary and a member each, five leaders, a year of
 * reports (some left undone, so that the reminders run has overdue tasks to send), the round open
 * with its invitations sent on its first day; the first 50 branches have ten more members each
 * (who vote in Slack) and ten ballot codes each (for the representatives).
 */
export async function seedMeeting(file: string): Promise<MeetingStore> {
  const db = openDatabase(file);
  const { planId, obligations, secretaries } = await rosterAndPlan(db, (i) => (i < MEETING_BRANCHES ? PER_BRANCH : 0));
  const branches = await db.selectFrom('branches').select(['id', 'code', 'category']).orderBy('code').execute();
  const rnd = prng(2011);
  const reports: Insertable<ReportTable>[] = [];
  for (const [b, ob] of branchTasks(branches, obligations)) {
    if (rnd() > 0.85) continue;
    const status = rnd() < 0.8 ? ('accepted' as const) : ('submitted' as const);
    reports.push(generatedReport(rnd, { obligation: ob, branchId: b.id, submittedBy: secretaries.get(b.id)!, status }));
  }
  await insertAll(db, { reports }, 500);

  const plan = (await findActivePlan(db, '2011-12-12'))!;
  const opened = await openRound(db, {
    planId,
    rules: plan.settings.evaluation!,
    actor: 'bench',
    now: new Date('2011-12-12T01:00:00Z'),
  });
  const roundId = opened.round.id;
  // The invitations went out on the first day: the job's keys are in the outbox, sent.
  const invited = await db
    .selectFrom('evaluation_voters as v')
    .innerJoin('people as p', 'p.id', 'v.person_id')
    .select(['p.id', 'p.slack_user_id'])
    .distinct()
    .where('v.round_id', '=', roundId)
    .execute();
  const firstDay = new Date('2011-12-12T02:00:00Z');
  await enqueue(
    db,
    invited.map((p) => ({
      job: 'evaluation',
      key: `evaluation:invite:${roundId}:${p.id}`,
      recipient: p.slack_user_id,
      payload: { kind: 'message', text: '评议' },
    })),
    firstDay,
  );
  await db
    .updateTable('outbox')
    .set({ state: 'sent', sent_at: firstDay.toISOString(), attempts: 1 })
    .where('job', '=', 'evaluation')
    .execute();

  const meeting = branches.slice(0, MEETING_BRANCHES);
  const members: MeetingStore['members'] = [];
  const codes: MeetingStore['codes'] = [];
  for (const [i, b] of meeting.entries()) {
    for (let k = 0; k < PER_BRANCH; k++)
      members.push({ user: `UBV${String(i).padStart(4, '0')}${String(k).padStart(3, '0')}`, branchId: b.id });
    const slips = Array.from({ length: PER_BRANCH }, () => encodeCode(randomBytes(16)));
    await createCodes(db, {
      roundId,
      branchId: b.id,
      hashes: slips.map(codeHash),
      batch: `bench-${b.code}`,
      actor: 'bench',
      now: firstDay,
    });
    for (const code of slips) codes.push({ code, branchId: b.id });
  }
  const people = await db
    .selectFrom('people')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  await db.destroy();
  return { people: Number(people.n), voters: opened.voters, reports: reports.length, members, codes };
}

/** The tally store's branches: a secretary and 44 members each (one in the base roster, 43 more), ten codes printed, half of them used. */
export const TALLY_MEMBERS = 43;
export const TALLY_CODES = 10;
const TALLY_CODES_USED = 5;

/**
 * The tally's store: 1,000 branches of 45 Slack voters (a secretary and 44 members) and five
 * leaders rating every branch (50,000 voter pairs), ten codes a branch (10,000), and 50,000 ballots
 * counted: every leader, 40 of each branch's 45 and five of its codes. Counts are written as the
 * ballots would have left them (one per question and ballot), drawn from a fixed generator; then
 * the round is closed.
 */
export async function seedTally(
  file: string,
): Promise<{ planId: number; ballots: number; voters: number; codes: number }> {
  const db = openDatabase(file);
  const { planId } = await rosterAndPlan(db, () => TALLY_MEMBERS);
  const plan = (await findActivePlan(db, '2011-12-12'))!;
  const rules = plan.settings.evaluation!;
  const { round, voters } = await openRound(db, {
    planId,
    rules,
    actor: 'bench',
    now: new Date('2011-12-12T01:00:00Z'),
  });
  const branches = await db.selectFrom('branches').select('id').orderBy('id').execute();
  const rnd = prng(1223);
  const grades = rules.grades.map((g) => g.code);
  let ballots = 0;
  let codes = 0;
  await db.transaction().execute(async (trx) => {
    for (const b of branches) {
      const hashes = Array.from({ length: TALLY_CODES }, (_, k) => codeHash(`${b.id}-${k}`));
      await trx
        .insertInto('evaluation_codes')
        .values(
          hashes.map((hash, k) => ({
            hash,
            round_id: round.id,
            branch_id: b.id,
            batch: 'bench',
            used: k < TALLY_CODES_USED ? (1 as const) : (0 as const),
          })),
        )
        .execute();
      codes += hashes.length;
      // The branch's own voters: all but five have voted; the leaders all have.
      const own = await trx
        .selectFrom('evaluation_voters as v')
        .innerJoin('people as p', 'p.id', 'v.person_id')
        .select(['v.person_id', 'p.is_leader'])
        .where('v.round_id', '=', round.id)
        .where('v.branch_id', '=', b.id)
        .orderBy('v.person_id')
        .execute();
      const voted = own.filter((v, k) => v.is_leader === 1 || k >= 5).map((v) => v.person_id);
      await trx
        .updateTable('evaluation_voters')
        .set({ voted: 1 })
        .where('round_id', '=', round.id)
        .where('branch_id', '=', b.id)
        .where('person_id', 'in', voted)
        .execute();
      const bias = rnd();
      const draw = () => grades[rnd() < 0.5 + bias * 0.4 ? 0 : rnd() < 0.7 ? 1 : 2]!;
      for (const [source, n] of [
        ['slack', voted.length],
        ['public', TALLY_CODES_USED],
      ] as const) {
        ballots += n;
        for (const q of rules.questions) {
          const tally = new Map(grades.map((g) => [g, 0]));
          for (let k = 0; k < n; k++) {
            const g = draw();
            tally.set(g, tally.get(g)! + 1);
          }
          for (const [grade, count] of tally)
            await trx
              .updateTable('evaluation_counts')
              .set({ count })
              .where('round_id', '=', round.id)
              .where('branch_id', '=', b.id)
              .where('source', '=', source)
              .where('question', '=', q.code)
              .where('grade', '=', grade)
              .execute();
        }
      }
    }
    await trx
      .updateTable('evaluation_rounds')
      .set({ closed_at: '2011-12-26T01:00:00.000Z', closed_by: 'bench' })
      .where('id', '=', round.id)
      .execute();
  });
  await db.destroy();
  return { planId, ballots, voters, codes };
}
