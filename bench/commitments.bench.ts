/**
 * Public commitments at scale (issue 12, "Performance"): the rates of 1,000 branches (the
 * assessment's bulk read) and the computed task, one branch's list as /commit list shows it, and
 * the window-close posts of every branch measured against Slack's limits (a message and thread
 * replies each, one channel per branch). A store is generated into a temp file; each measurement
 * is repeated and the median and worst are reported.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase, type DB } from '../db/index.js';
import { commitmentRates, commitmentsOfBranches, computedCommitmentItems } from '../db/queries/commitments.js';
import { findActivePlan } from '../db/queries/plans.js';
import { ratesFor } from '../db/queries/commitments.js';
import { CATEGORIES } from '../src/domain/types.js';
import { validateBlockKit } from '../src/playground/block-kit-limits.js';
import { branchListBlocks, branchPosts, type BranchList } from '../src/ui/commitments.js';
import { branchCode, insertBatches, prng, ROSTER_HEADER, seedStore } from './seed-common.js';

const BRANCHES = 1000;
const MEMBERS = 9;
const RUNS = 30;
/** A large school's branch for the post: 120 people with 5 commitments of 200 characters each. */
const BIG = 120;

async function seed(db: DB): Promise<{ planId: number; commitments: number; people: number }> {
  const lines: string[] = [];
  for (let i = 0; i < BRANCHES; i++) {
    const row = `${branchCode(i)},支部${i},${CATEGORIES[i % CATEGORIES.length]}`;
    const channel = `C${String(i).padStart(8, '0')}`;
    lines.push(`${row},UBS${i},书记${i},secretary,school_cadre,${channel}`);
    for (let m = 0; m < MEMBERS; m++)
      lines.push(`${row},UBM${i}X${m},党员${i}-${m},member,${m === 0 ? 'activist' : 'member'},${channel}`);
  }
  const { planId } = await seedStore(db, lines, `${ROSTER_HEADER},branch_channel`);
  // The branch task computed from the data, as docs/plan-format.md shows (the shipped plan reports it).
  await db
    .updateTable('obligations')
    .set({ kind: 'commitments', threshold: 90 })
    .where('code', '=', 'A03-COMMIT')
    .execute();
  const people = await db.selectFrom('people').select(['id', 'branch_id']).where('branch_id', 'is not', null).execute();
  const rnd = prng(12);
  let commitments = 0;
  await db.transaction().execute(async (trx) => {
    const rows = [];
    for (const p of people) {
      // Most commit (two each), one in ten not at all; a third have reported fulfilment, half of it confirmed.
      if (rnd() < 0.1) continue;
      for (let k = 0; k < 2; k++) {
        const reported = rnd() < 0.33;
        const confirmed = reported && rnd() < 0.5;
        rows.push({
          plan_id: planId,
          person_id: p.id,
          branch_id: p.branch_id!,
          text: `每学期上好一节党员示范课，结对帮扶学困生${k}`.padEnd(60, '，'),
          area: 'duties',
          status: 'active' as const,
          created_at: '2011-05-10T02:00:00.000Z',
          updated_at: '2011-05-10T02:00:00.000Z',
          version: reported ? 2 : 1,
          outcome: reported ? ('fulfilled' as const) : null,
          outcome_note: reported ? '已完成' : null,
          outcome_link: null,
          reported_at: reported ? '2011-12-05T02:00:00.000Z' : null,
          confirmation: confirmed ? ('confirmed' as const) : null,
          confirmed_by: null,
          confirmed_at: confirmed ? '2011-12-06T02:00:00.000Z' : null,
          confirm_comment: null,
          submission_key: null,
        });
      }
    }
    commitments = rows.length;
    // SQLite allows 32,766 bound values a statement: 19 columns, 1,000 rows a batch.
    await insertBatches(trx, 'commitments', rows, 1000);
  });
  return { planId, commitments, people: people.length };
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, worst: sorted.at(-1)! };
}
const ms = (n: number) => `${n.toFixed(1)} ms`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacesetter-bench-commitments-'));
const db = openDatabase(path.join(dir, 'bench.db'));
const seeded = await seed(db);
const plan = (await findActivePlan(db, '2011-06-01'))!;
const branchIds = (await db.selectFrom('branches').select('id').orderBy('id').execute()).map((b) => b.id);

const rates: number[] = [];
const computed: number[] = [];
const listing: number[] = [];
let ratedBranches = 0;
let doneBranches = 0;
for (let i = 0; i <= RUNS; i++) {
  const t0 = performance.now();
  const all = await commitmentRates(db, plan.id);
  const t1 = performance.now();
  const items = await computedCommitmentItems(db, plan.id);
  const t2 = performance.now();
  const branchId = branchIds[i % branchIds.length]!;
  const list = await commitmentsOfBranches(db, plan.id, [branchId]);
  const people = new Map<number, BranchList['people'][number]>();
  for (const c of list) {
    const p = people.get(c.personId);
    if (p) p.commitments.push(c);
    else people.set(c.personId, { name: c.personName, commitments: [c] });
  }
  const blocks = branchListBlocks('zh-CN', {
    branchName: `支部${i}`,
    rate: ratesFor(all, [branchId]).get(branchId)!,
    people: [...people.values()],
  });
  const t3 = performance.now();
  if (validateBlockKit('message', { blocks }).length > 0) throw new Error('a branch list breaks Slack’s limits');
  ratedBranches = all.size;
  doneBranches = items.size;
  // The first run warms the statement cache and the JIT.
  if (i === 0) continue;
  rates.push(t1 - t0);
  computed.push(t2 - t1);
  listing.push(t3 - t2);
}

// The window-close posts: every branch's list as the job renders it (all 1,000), then a large branch.
const t0 = performance.now();
const everyList = await commitmentsOfBranches(db, plan.id, branchIds);
const byBranch = new Map<number, Map<number, BranchList['people'][number]>>();
for (const c of everyList) {
  const people = byBranch.get(c.branchId) ?? new Map();
  byBranch.set(c.branchId, people);
  const p = people.get(c.personId);
  if (p) p.commitments.push(c);
  else people.set(c.personId, { name: c.personName, commitments: [c] });
}
let messages = 0;
let violations = 0;
for (const [branchId, people] of byBranch) {
  const posts = branchPosts('zh-CN', {
    branchName: `支部${branchId}`,
    closes: '2011-05-31',
    people: [...people.values()],
    count: [...people.values()].reduce((n, p) => n + p.commitments.length, 0),
  });
  for (const m of [posts.main, ...posts.thread]) {
    messages++;
    violations += validateBlockKit('message', m).length;
  }
}
const allPosts = performance.now() - t0;
await db.destroy();
fs.rmSync(dir, { recursive: true, force: true });

const longest = '承'.repeat(200);
const big = branchPosts('zh-CN', {
  branchName: '第一中学党总支'.padEnd(40, '某'),
  closes: '2011-05-31',
  people: Array.from({ length: BIG }, (_, i) => ({
    name: `党员${i}`.padEnd(20, '某'),
    commitments: Array.from({ length: 5 }, (_, k) => ({
      id: i * 5 + k,
      text: longest,
      area: 'service' as const,
      outcome: null,
      outcomeNote: null,
      outcomeLink: null,
      confirmation: null,
      confirmComment: null,
    })),
  })),
  count: BIG * 5,
});
const bigMessages = [big.main, ...big.thread];
const bigViolations = bigMessages.flatMap((m) => validateBlockKit('message', m)).length;
const maxBlocks = Math.max(...bigMessages.map((m) => m.blocks.length));
const maxSection = Math.max(
  ...bigMessages.flatMap((m) => m.blocks.map((b) => (b.type === 'section' && b.text ? b.text.text.length : 0))),
);

const r = summary(rates);
const c = summary(computed);
const l = summary(listing);
console.log(
  [
    '## Public commitments: rates and the computed task for 1,000 branches, the window-close posts',
    '',
    `Store: ${BRANCHES} branches of ${MEMBERS + 1} people (${seeded.people} who must commit), ${seeded.commitments} commitments (two each for nine in ten; a third with fulfilment reported, half of that confirmed). Median and worst of ${RUNS} runs after one warm-up. The machine is shared with other engineers (2 cores): read the figures as an order of magnitude.`,
    '',
    '| step | median | worst |',
    '| --- | --- | --- |',
    `| \`commitmentRates\`: every branch's counts (three reads, counted in code) | ${ms(r.median)} | ${ms(r.worst)} |`,
    `| \`computedCommitmentItems\`: the computed task of every branch | ${ms(c.median)} | ${ms(c.worst)} |`,
    `| \`/commit list\`: one branch's commitments read and rendered | ${ms(l.median)} | ${ms(l.worst)} |`,
    '',
    `${ratedBranches} branches rated, ${doneBranches} with the computed task A03-COMMIT (made \`kind: commitments\`, threshold 90, for this run) done. The window-close posts of all ${byBranch.size} branches: read and rendered in ${ms(allPosts)}, ${messages} messages (one a branch's channel, so Slack's one message a second per channel is never the limit; the outbox paces the workspace), ${violations} Block Kit violations. A branch of ${BIG} people with five commitments of 200 characters each: ${bigMessages.length} messages (the first and ${big.thread.length} thread replies), at most ${maxBlocks} blocks a message (limit 50) and ${maxSection} characters a section (limit 3,000); ${bigViolations} violations.`,
  ].join('\n'),
);
if (violations + bigViolations > 0) process.exit(1);
