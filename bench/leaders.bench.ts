/**
 * Leaders' work at scale (issue 5, "Performance"): `/rankings` and the year-end export for 1,000
 * branches with a full year of reports. A store is generated into a temp file; each measurement is
 * repeated and the median and worst are reported. Targets: the database work of `/rankings` under
 * 50 ms; the export (read, build the tables, write the XLSX) under 2 s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase, type DB } from '../db/index.js';
import { loadExportData } from '../db/queries/export.js';
import { findActivePlan } from '../db/queries/plans.js';
import { ensureMonthlySnapshot, loadRankingData, previousSnapshot, rankingInput } from '../db/queries/rankings.js';
import { exportTables, toXlsx } from '../src/files/workbook.js';
import { monthOf, rankBranches } from '../src/domain/ranking.js';
import { localDateOf } from '../src/domain/time.js';
import { CATEGORIES } from '../src/domain/types.js';
import { rankingBlocks } from '../src/ui/rankings.js';
import { personId } from '../test/helpers/db.js';
import {
  approvedExtension,
  branchCode,
  branchTasks,
  emptyHistory,
  generatedReport,
  grantedExemption,
  insertAll,
  prng,
  seedStore,
  submittedPaper,
} from './seed-common.js';

const BRANCHES = 1000;
const NOW = new Date('2011-12-20T10:00:00+08:00');
const RUNS = 30;
const EXPORT_RUNS = 5;

async function seed(db: DB): Promise<{ reports: number; exemptions: number; extensions: number; papers: number }> {
  const lines: string[] = [];
  for (let i = 0; i < BRANCHES; i++)
    lines.push(
      `${branchCode(i)},支部${i},${CATEGORIES[i % CATEGORIES.length]},UBS${String(i).padStart(5, '0')},书记${i},secretary,school_cadre`,
    );
  lines.push(',,,UBL0,领导,leader,division_leader');
  const at = new Date('2011-04-10T00:00:00Z');
  const { planId, obligations, secretaries } = await seedStore(db, lines);
  const branches = await db.selectFrom('branches').select(['id', 'category']).execute();
  const leader = await personId(db, 'UBL0');
  const rnd = prng(2011);
  const { reports, extensions, exemptions } = emptyHistory();
  for (const [b, ob] of branchTasks(branches, obligations)) {
    const roll = rnd();
    if (roll < 0.02) {
      exemptions.push(grantedExemption(ob, b, { grantedBy: leader, grantedAt: at.toISOString(), reason: '合并办学' }));
      continue;
    }
    if (roll < 0.04)
      extensions.push(
        approvedExtension(ob, b, {
          requestedBy: secretaries.get(b.id)!,
          requestedAt: at.toISOString(),
          newDue: '2011-12-25',
          decidedBy: leader,
          decidedAt: at.toISOString(),
        }),
      );
    if (rnd() > 0.9) continue;
    const status = rnd() < 0.7 ? ('accepted' as const) : rnd() < 0.9 ? ('submitted' as const) : ('returned' as const);
    reports.push(generatedReport(rnd, { obligation: ob, branchId: b.id, submittedBy: secretaries.get(b.id)!, status }));
  }
  const papers = [...secretaries.values()].map((author, i) =>
    submittedPaper(planId, author, { title: `论文${i}`, submittedAt: '2011-11-01T02:00:00.000Z' }),
  );
  await insertAll(db, { reports, exemptions, extensions, papers }, 500);
  return {
    reports: reports.length,
    exemptions: exemptions.length,
    extensions: extensions.length,
    papers: papers.length,
  };
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, worst: sorted.at(-1)! };
}

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const t0 = performance.now();
  const value = await fn();
  return [performance.now() - t0, value];
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacesetter-bench-leaders-'));
const db = openDatabase(path.join(dir, 'bench.db'));
const counts = await seed(db);
const plan = (await findActivePlan(db, '2011-12-20'))!;
const today = localDateOf(NOW, plan.timezone);
// Last month's snapshot exists, as it would in December; this month's is taken by the first run.
await ensureMonthlySnapshot(db, plan, new Date('2011-11-20T10:00:00+08:00'));

const dbWork: number[] = [];
const domain: number[] = [];
const render: number[] = [];
for (let i = 0; i < RUNS; i++) {
  // The database work of one /rankings: the plan's data, this month's snapshot check, last month's snapshot.
  const [tDb, [data, previous]] = await time(async () => {
    const d = await loadRankingData(db, plan);
    await ensureMonthlySnapshot(
      db,
      plan,
      NOW,
      i === 0 ? rankBranches(rankingInput(d, plan, today, 'year')) : undefined,
    );
    return [d, await previousSnapshot(db, plan.id, monthOf(today))] as const;
  });
  const [tDomain, ranked] = await time(() => rankBranches(rankingInput(data, plan, today, 'year')));
  const [tRender] = await time(() =>
    rankingBlocks({
      locale: 'zh-CN',
      rows: ranked,
      category: null,
      period: 'year',
      mode: 'running',
      today,
      rules: { onTime: 1, late: 0.5 },
      previous,
    }),
  );
  if (i > 0) {
    dbWork.push(tDb);
    domain.push(tDomain);
    render.push(tRender);
  }
}

const exportRead: number[] = [];
const exportBuild: number[] = [];
const exportTotal: number[] = [];
let bytes = 0;
for (let i = 0; i < EXPORT_RUNS; i++) {
  const [tRead, data] = await time(() => loadExportData(db, plan, NOW));
  const [tBuild, file] = await time(() => toXlsx(exportTables(data, 'zh-CN'), { title: plan.title.zh, created: NOW }));
  bytes = file.length;
  exportRead.push(tRead);
  exportBuild.push(tBuild);
  exportTotal.push(tRead + tBuild);
}
await db.destroy();
fs.rmSync(dir, { recursive: true, force: true });

const rDb = summary(dbWork);
const rDomain = summary(domain);
const rRender = summary(render);
const eRead = summary(exportRead);
const eBuild = summary(exportBuild);
const eTotal = summary(exportTotal);
console.log(
  [
    '## Leaders: /rankings and the year-end export (1,000 branches)',
    '',
    `Store: ${BRANCHES} branches, ${counts.reports} reports, ${counts.exemptions} exemptions, ${counts.extensions} approved extensions, ${counts.papers} papers; as of ${today}. Median and worst of ${RUNS - 1} runs (after one warm-up) for /rankings, ${EXPORT_RUNS} for the export.`,
    '',
    '| step | median | worst | target | median ÷ target |',
    '| --- | --- | --- | --- | --- |',
    `| /rankings: database work (load, snapshot check, last month) | ${ms(rDb.median)} | ${ms(rDb.worst)} | 50 ms | ${(rDb.median / 50).toFixed(2)} |`,
    `| /rankings: scoring and ranking (pure) | ${ms(rDomain.median)} | ${ms(rDomain.worst)} | – | – |`,
    `| /rankings: Block Kit | ${ms(rRender.median)} | ${ms(rRender.worst)} | – | – |`,
    `| export: database reads | ${ms(eRead.median)} | ${ms(eRead.worst)} | – | – |`,
    `| export: tables and XLSX (${(bytes / 1024).toFixed(0)} KiB) | ${ms(eBuild.median)} | ${ms(eBuild.worst)} | – | – |`,
    `| export: total | ${ms(eTotal.median)} | ${ms(eTotal.worst)} | 2000 ms | ${(eTotal.median / 2000).toFixed(2)} |`,
    '',
    `The database work of /rankings is ${((rDb.median / (rDb.median + rDomain.median + rRender.median)) * 100).toFixed(0)}% of its server time; the export spends ${((eBuild.median / eTotal.median) * 100).toFixed(0)}% writing the workbook.`,
  ].join('\n'),
);
