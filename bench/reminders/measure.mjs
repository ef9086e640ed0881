/**
 * One measured reminders run for bench/reminders.bench.ts, in its own fresh process:
 * `node measure.mjs DB_FILE TODAY LAST_RUN_DATE`. Plain JavaScript on the build in dist/, because
 * that is what runs in production (`npm start` is node on dist/): under tsx the process would also
 * hold tsx's loader and the sources it compiled, about 35 MB that the bot never carries.
 * Prints the timings and the process's peak memory as one line of JSON.
 */
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { openDatabase } from '../../dist/db/index.js';
import { findPlanByYear } from '../../dist/db/queries/plans.js';
import { loadScheduleData } from '../../dist/db/queries/schedule-data.js';
import { createWorkCalendar } from '../../dist/src/domain/calendar.js';
import { planReminders } from '../../dist/src/domain/reminders.js';

const [file, today, last] = process.argv.slice(2);
if (!file || !today || !last) throw new Error('usage: measure.mjs DB_FILE TODAY LAST_RUN_DATE');

const db = openDatabase(file);
const plan = await findPlanByYear(db, 2011);
const calendar = createWorkCalendar(plan.settings.calendar);
const stages = {
  daysBefore: plan.settings.reminders.days_before,
  onDue: true,
  overdueEvery: plan.settings.reminders.overdue_every,
};
const baselineMb = process.memoryUsage().rss / 1048576;
const t0 = performance.now();
const data = await loadScheduleData(db, plan.id, today);
const t1 = performance.now();
const result = planReminders({
  data,
  calendar,
  stages,
  planStarts: plan.starts,
  planEnds: plan.ends,
  today,
  lastRunDate: last,
});
const t2 = performance.now();
if (result.status !== 'planned') throw new Error(`${today}: ${result.reason}`);
const out = {
  branches: data.branches.length,
  reports: data.reports.length,
  load: t1 - t0,
  plan: t2 - t1,
  dms: result.messages.length,
  items: result.messages.reduce((n, m) => n + m.items.length, 0),
  rssMb: process.resourceUsage().maxRSS / 1024,
  baselineMb,
  heapMb: process.memoryUsage().heapUsed / 1048576,
};
await db.destroy();
process.stdout.write(`${JSON.stringify(out)}\n`);
