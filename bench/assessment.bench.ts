/**
 * The year-end assessment at scale (issue 14, "Performance"): 1,000 branches with a year of
 * reports, two rated inspections each with a rectification task, an awarded commendation for one in
 * five, and the commitments and evaluation inputs filled. Measured: the database work of the
 * assessment's loaders (target 200 ms), the computing (ranking the task score and assessing,
 * target 100 ms), and the year-end export with the assessment, summary and inspections sheets
 * (target 2 s). A store is generated into a temp file; median and worst are reported.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Insertable } from 'kysely';
import { openDatabase, type DB } from '../db/index.js';
import { assessmentRules, awardInputs, inspectionInputs, obligationsInputs } from '../db/queries/assessment.js';
import { commitmentInputs, evaluationInputs } from '../db/queries/assessment-inputs.js';
import { loadExportData } from '../db/queries/export.js';
import { recordInspection } from '../db/queries/inspections.js';
import { findActivePlan, listObligations } from '../db/queries/plans.js';
import { loadRankingData } from '../db/queries/rankings.js';
import type { ReportTable } from '../db/schema.js';
import { assess, type CommitmentsInput, type EvaluationInput } from '../src/domain/assessment.js';
import { localDateOf } from '../src/domain/time.js';
import { CATEGORIES } from '../src/domain/types.js';
import { exportTables, toXlsx } from '../src/files/workbook.js';
import { personId } from '../test/helpers/db.js';
import { branchCode, branchTasks, generatedReport, insertBatches, prng, seedStore, UNREVIEWED } from './seed-common.js';

const BRANCHES = 1000;
const NOW = new Date('2011-12-20T10:00:00+08:00');
const RUNS = 30;
const EXPORT_RUNS = 5;
const RATINGS = ['good', 'fairly_good', 'average', 'poor'];

async function seed(db: DB) {
  const lines: string[] = [];
  for (let i = 0; i < BRANCHES; i++)
    lines.push(
      `${branchCode(i)},支部${i},${CATEGORIES[i % CATEGORIES.length]},UBS${i},书记${i},secretary,school_cadre`,
    );
  lines.push(',,,UBL0,领导,leader,division_leader');
  const { planId, obligations, secretaries } = await seedStore(db, lines);
  const branches = await db.selectFrom('branches').select(['id', 'category']).orderBy('id').execute();
  const leader = await personId(db, 'UBL0');
  const rnd = prng(14);
  // Two inspections a branch, rated, one with a rectification task (an obligation of the branch).
  let inspections = 0;
  for (const [i, b] of branches.entries()) {
    for (const n of [0, 1]) {
      const done = await recordInspection(
        db,
        {
          planId,
          branchId: b.id,
          draft: {
            heldOn: n === 0 ? '2011-06-15' : '2011-10-15',
            kind: n === 0 ? 'regular' : 'roving',
            rating: RATINGS[Math.floor(rnd() * RATINGS.length)]!,
            twoSkins: rnd() < 0.1,
            checked: '三会一课台账、党员活动记录',
            findings: '组织生活记录不全，部分活动与业务工作结合不紧。',
            items: n === 0 ? [{ branchId: null, due: '2011-07-15', text: `整改任务 ${i}` }] : [],
          },
          inspectorId: leader,
          weight: 1,
          submissionKey: `VB${b.id}-${n}`,
          render: () => [],
        },
        { actor: 'bench', now: new Date(`2011-${n === 0 ? '06' : '10'}-15T02:00:00Z`) },
      );
      if (done.outcome === 'done') inspections++;
    }
  }
  // A year of reports: every task that applies, rectification tasks included, 90 % reported.
  const all = await listObligations(db, planId);
  const reports: Insertable<ReportTable>[] = [];
  for (const [b, ob] of branchTasks(branches, all)) {
    if (rnd() > 0.9) continue;
    const status = rnd() < 0.8 ? ('accepted' as const) : ('submitted' as const);
    reports.push(generatedReport(rnd, { obligation: ob, branchId: b.id, submittedBy: secretaries.get(b.id)!, status }));
  }
  await db.transaction().execute(async (trx) => {
    await insertBatches(trx, 'reports', reports, 500);
    // One in five branches: an awarded commendation (the bonus).
    for (const [i, b] of branches.entries()) {
      if (i % 5 !== 0) continue;
      await trx
        .insertInto('nominations')
        .values({
          plan_id: planId,
          round: 'JULY1',
          category: 'ADVANCED-BRANCH',
          branch_id: b.id,
          nominee_kind: 'branch',
          nominee_branch_id: b.id,
          nominee_person_id: null,
          nominee_project_id: null,
          nominee_key: `b:${b.id}`,
          citation: '先进基层党组织',
          evidence_link: null,
          status: 'awarded',
          nominated_by: secretaries.get(b.id)!,
          nominated_at: '2011-06-10T02:00:00.000Z',
          ...UNREVIEWED,
          submission_key: null,
        })
        .execute();
    }
  });
  // This store holds no commitments and no ballots (their loaders read empty tables): their inputs
  // are generated here, so the computing is measured with every component filled.
  const commitments = new Map<number, CommitmentsInput>();
  const evaluation = new Map<number, EvaluationInput>();
  for (const b of branches) {
    const required = 5 + Math.floor(rnd() * 10);
    const fulfilled = Math.floor(rnd() * (required + 1));
    commitments.set(b.id, {
      required,
      committed: required,
      fulfilled,
      partly: required - fulfilled,
      confirmed: required,
    });
    const eligible = 20 + Math.floor(rnd() * 80);
    const ballots = Math.max(1, Math.floor(eligible * (0.6 + 0.4 * rnd())));
    evaluation.set(b.id, {
      ballots,
      eligible,
      turnout: ballots / eligible,
      counts: { satisfied: Math.floor(ballots * 0.7), basically: Math.floor(ballots * 0.2) },
      satisfaction: 0.7 + 0.3 * rnd(),
    });
  }
  return { obligations: obligations.length, reports: reports.length, inspections, commitments, evaluation };
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, worst: sorted.at(-1)! };
}
const ms = (n: number) => `${n.toFixed(1)} ms`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacesetter-bench-assessment-'));
const db = openDatabase(path.join(dir, 'bench.db'));
const seeded = await seed(db);
const plan = (await findActivePlan(db, localDateOf(NOW, 'Asia/Shanghai')))!;
const today = localDateOf(NOW, plan.timezone);
const rules = assessmentRules(plan);
const dbWork: number[] = [];
const compute: number[] = [];
let assessed = 0;
let graded = 0;
for (let i = 0; i <= RUNS; i++) {
  const t0 = performance.now();
  const [data, inspections, awards, c, e] = await Promise.all([
    loadRankingData(db, plan),
    inspectionInputs(db, plan),
    awardInputs(db, plan.id),
    commitmentInputs(db, plan, today),
    evaluationInputs(db, plan.id),
  ]);
  const t1 = performance.now();
  const result = assess({
    branches: data.branches,
    rules,
    obligations: obligationsInputs(data, plan, today),
    // The generated inputs stand in for the empty loaders' (c and e are read, and empty, until #12).
    commitments: c.size > 0 ? c : seeded.commitments,
    evaluation: e.size > 0 ? e : seeded.evaluation,
    inspections,
    awards,
    today,
  });
  const t2 = performance.now();
  assessed = result.rows.filter((r) => r.cents !== null).length;
  graded = result.rows.filter((r) => r.grade === 'advanced' || r.grade === 'lagging').length;
  if (i === 0) continue;
  dbWork.push(t1 - t0);
  compute.push(t2 - t1);
}
const exportRead: number[] = [];
const exportBuild: number[] = [];
const tablesOnly: number[] = [];
let bytes = 0;
let sheetRows = '';
for (let i = 0; i <= EXPORT_RUNS; i++) {
  const t0 = performance.now();
  const data = await loadExportData(db, plan, NOW);
  const t1 = performance.now();
  const tables = exportTables(data, 'zh-CN');
  tablesOnly.push(performance.now() - t1);
  const file = await toXlsx(tables, { title: plan.title.zh, created: NOW });
  const t2 = performance.now();
  bytes = file.length;
  sheetRows = tables
    .filter((t) => ['assessment', 'summary', 'inspections'].includes(t.key))
    .map((t) => `${t.key} ${t.rows.length}`)
    .join(', ');
  if (i === 0) continue;
  exportRead.push(t1 - t0);
  exportBuild.push(t2 - t1);
}
await db.destroy();
fs.rmSync(dir, { recursive: true, force: true });

const d = summary(dbWork);
const c = summary(compute);
const r = summary(exportRead);
const b = summary(exportBuild);
const total = exportRead.map((x, i) => x + exportBuild[i]!);
const t = summary(total);
console.log(
  [
    '## The year-end assessment: 1,000 branches, every component filled',
    '',
    `Store: ${BRANCHES} branches, ${seeded.obligations} plan tasks and a rectification task each, ${seeded.reports} reports, ${seeded.inspections} rated inspections, an awarded commendation for one branch in five. The store holds no commitments and no ballots: their inputs are generated and passed to the computing, so their database work is not in these figures (the commitments' reads have a section of their own, the tally's is in the evaluation's). Median and worst of ${RUNS} runs (the export: ${EXPORT_RUNS}) after one warm-up.`,
    '',
    '| step | median | worst | target | median ÷ target |',
    '| --- | --- | --- | --- | --- |',
    `| assessment: database work (ranking data, inspections, awards) | ${ms(d.median)} | ${ms(d.worst)} | 200 ms | ${(d.median / 200).toFixed(2)} |`,
    `| assessment: computing (the year's task score ranked, every branch assessed and graded) | ${ms(c.median)} | ${ms(c.worst)} | 100 ms | ${(c.median / 100).toFixed(2)} |`,
    `| export: reading (every sheet's data, the assessment's included) | ${ms(r.median)} | ${ms(r.worst)} | – | – |`,
    `| export: the tables (of which) | ${ms(summary(tablesOnly.slice(1)).median)} | ${ms(summary(tablesOnly.slice(1)).worst)} | – | – |`,
    `| export: the tables and the XLSX | ${ms(b.median)} | ${ms(b.worst)} | – | – |`,
    `| export: in all | ${ms(t.median)} | ${ms(t.worst)} | 2,000 ms | ${(t.median / 2000).toFixed(2)} |`,
    '',
    `${assessed} branches scored, ${graded} of them advanced or lagging; the new sheets: ${sheetRows} rows; the workbook ${(bytes / 2 ** 20).toFixed(1)} MiB.`,
  ].join('\n'),
);
