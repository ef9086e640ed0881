/**
 * Innovation projects and commendations at scale (issue 13, "Performance"): the committee's review
 * list for 1,000 projects with three assessors' sheets each (database work and ranking, target
 * 100 ms), and the publicity post for 300 nominees measured against Slack's limits (a summary and
 * thread replies). A store is generated into a temp file; each measurement is repeated and the
 * median and worst are reported.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase, type DB } from '../db/index.js';
import { findActivePlan } from '../db/queries/plans.js';
import { reviewSheets } from '../db/queries/projects.js';
import type { Round } from '../src/domain/commendations.js';
import { proposeTiers, rankProjects } from '../src/domain/projects.js';
import { CATEGORIES } from '../src/domain/types.js';
import { publicityPosts, type NomineeLine } from '../src/ui/commendations.js';
import { reviewListBlocks, type ReviewRow } from '../src/ui/projects.js';
import { validateBlockKit } from '../src/playground/block-kit-limits.js';
import { branchCode, prng, seedStore } from './seed-common.js';

const PROJECTS = 1000;
const ASSESSORS = 3;
const RUNS = 30;

async function seed(db: DB): Promise<{ planId: number; scores: number }> {
  const lines: string[] = [];
  for (let i = 0; i < PROJECTS; i++)
    lines.push(
      `${branchCode(i)},支部${i},${CATEGORIES[i % CATEGORIES.length]},UBS${i},书记${i},secretary,school_cadre`,
    );
  for (let k = 0; k < 10; k++) lines.push(`,,,UBL${k},领导${k},leader,division_leader`);
  lines.push(',,,UBA0,管理员,admin,');
  const { planId, secretaries } = await seedStore(db, lines);
  const branches = await db.selectFrom('branches').select('id').orderBy('id').execute();
  const leaders = (await db.selectFrom('people').select('id').where('is_leader', '=', 1).orderBy('id').execute()).map(
    (r) => r.id,
  );
  const admin = (await db.selectFrom('people').select('id').where('is_admin', '=', 1).executeTakeFirstOrThrow()).id;
  const rnd = prng(13);
  const criteria = ['innovation', 'practicability', 'effect', 'spread'];
  let scores = 0;
  await db.transaction().execute(async (trx) => {
    for (const [i, b] of branches.entries()) {
      const by = secretaries.get(b.id)!;
      const project = await trx
        .insertInto('projects')
        .values({
          plan_id: planId,
          branch_id: b.id,
          title: `党建创新项目${i}：党员先锋岗建设`,
          aims: '发挥党员作用'.repeat(10),
          approach: '设岗定责'.repeat(20),
          expected: '带动群众'.repeat(10),
          results: '成效明显'.repeat(20),
          evidence: '["https://example.org/e"]',
          registered_by: by,
          registered_at: '2011-05-10T02:00:00.000Z',
          applied_at: '2011-10-20T02:00:00.000Z',
          submission_key: `VB${i}`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const stages: [string | null, string][] = [
        [null, 'registration'],
        ['registration', 'implementation'],
        ['implementation', 'application'],
        ['application', 'assessment'],
        ['assessment', 'review'],
      ];
      await trx
        .insertInto('project_events')
        .values(
          stages.map(([from, to], seq) => ({
            project_id: project.id,
            seq: seq + 1,
            kind: 'stage' as const,
            from_stage: from,
            to_stage: to,
            comment: null,
            evidence: '[]',
            actor_id: by,
            actor: 'bench',
            at: '2011-11-20T02:00:00.000Z',
            submission_key: null,
          })),
        )
        .execute();
      const chosen = [0, 1, 2].map((k) => leaders[(i + k) % leaders.length]!);
      await trx
        .insertInto('project_assessors')
        .values(
          chosen.map((a) => ({
            project_id: project.id,
            assessor_id: a,
            assigned_by: admin,
            assigned_at: '2011-11-01T02:00:00.000Z',
            scored_at: '2011-11-20T02:00:00.000Z',
            comment: '好',
          })),
        )
        .execute();
      const rows = chosen.flatMap((a) =>
        criteria.map((c) => ({ project_id: project.id, assessor_id: a, criterion: c, score: Math.floor(rnd() * 11) })),
      );
      scores += rows.length;
      await trx.insertInto('project_scores').values(rows).execute();
    }
  });
  return { planId, scores };
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, worst: sorted.at(-1)! };
}
const ms = (n: number) => `${n.toFixed(1)} ms`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacesetter-bench-projects-'));
const db = openDatabase(path.join(dir, 'bench.db'));
const { scores } = await seed(db);
const plan = (await findActivePlan(db, '2011-12-01'))!;
const rules = plan.settings.projects!;

const dbWork: number[] = [];
const ranking: number[] = [];
const render: number[] = [];
let listed = 0;
let tied = 0;
for (let i = 0; i <= RUNS; i++) {
  const t0 = performance.now();
  const entries = await reviewSheets(db, plan.id);
  const t1 = performance.now();
  const ranked = rankProjects(
    rules.criteria,
    entries.map((e) => ({ projectId: e.project.id, sheets: e.sheets })),
  );
  const auto = new Map(proposeTiers(rules.tiers, ranked).map((p) => [p.projectId, p]));
  const t2 = performance.now();
  const byId = new Map(entries.map((e) => [e.project.id, e]));
  const rows: ReviewRow[] = ranked.map((r) => ({
    ranked: r,
    project: byId.get(r.projectId)!.project,
    branchName: byId.get(r.projectId)!.branchName,
    auto: auto.get(r.projectId)!,
    proposed: null,
  }));
  const blocks = reviewListBlocks({ locale: 'zh-CN', rows, rules, planId: plan.id, due: rules.review.by });
  const t3 = performance.now();
  if (validateBlockKit('message', { blocks }).length > 0) throw new Error('the review list breaks Slack’s limits');
  listed = entries.length;
  tied = ranked.filter((r) => r.tied).length;
  // The first run warms the statement cache and the JIT.
  if (i === 0) continue;
  dbWork.push(t1 - t0);
  ranking.push(t2 - t1);
  render.push(t3 - t2);
}
await db.destroy();
fs.rmSync(dir, { recursive: true, force: true });

// The publicity post for 300 nominees, with the longest names the modals allow.
const round = plan.settings.commendations!.rounds[0] as Round;
const nominees: NomineeLine[] = Array.from({ length: 300 }, (_, i) => ({
  id: 10_000 + i,
  category: round.categories[i % round.categories.length]!.code,
  nomineeName: `候选人${i}`.padEnd(60, '某'),
  branchName: `第${i}中学党总支`.padEnd(40, '某'),
  nomineeKind: round.categories[i % round.categories.length]!.nominee,
  status: 'shortlisted',
}));
const posts = publicityPosts('zh-CN', round, nominees, { from: '2011-06-20', to: '2011-06-24' });
const messages = [posts.main, ...posts.thread];
const violations = messages.flatMap((m) => validateBlockKit('message', m));
const maxBlocks = Math.max(...messages.map((m) => m.blocks.length));
const maxSection = Math.max(
  ...messages.flatMap((m) => m.blocks.map((b) => (b.type === 'section' && b.text ? b.text.text.length : 0))),
);

const d = summary(dbWork);
const r = summary(ranking);
const b = summary(render);
console.log(
  [
    '## Innovation projects and commendations: the review list for 1,000 projects, the publicity for 300 nominees',
    '',
    `Store: ${PROJECTS} projects at 综合评审, ${ASSESSORS} assessors each, ${scores} score rows (one per assessor × project × criterion). Median and worst of ${RUNS} runs after one warm-up.`,
    '',
    '| step | median | worst | target | median ÷ target |',
    '| --- | --- | --- | --- | --- |',
    `| review list: database work (the guarded read of every sheet) | ${ms(d.median)} | ${ms(d.worst)} | – | – |`,
    `| review list: ranking and automatic tiers (pure) | ${ms(r.median)} | ${ms(r.worst)} | – | – |`,
    `| review list: database work and ranking | ${ms(d.median + r.median)} | ${ms(d.worst + r.worst)} | 100 ms | ${((d.median + r.median) / 100).toFixed(2)} |`,
    `| review list: Block Kit (the first 100 lines) | ${ms(b.median)} | ${ms(b.worst)} | – | – |`,
    '',
    `${listed} projects ranked, ${tied} of them tied with a neighbour. The publicity for 300 nominees is ${messages.length} messages (a summary and ${posts.thread.length} thread replies, each with an objection button for its 100); at most ${maxBlocks} blocks a message (limit 50) and ${maxSection} characters a section (limit 3,000); ${violations.length} Block Kit violations.`,
  ].join('\n'),
);
if (violations.length > 0) process.exit(1);
