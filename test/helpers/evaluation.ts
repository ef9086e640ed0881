import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { TestBot } from './bot.js';
import { tempDir } from './db.js';
import { runCliLines } from './cli.js';
import { openBy, radio, select, submit, type ShownView } from './projects.js';
import { shownView } from './reporting.js';

/** The 2011 plan's evaluation runs 2011-12-12 to 12-23: a Tuesday in it. */
export const DURING = '2011-12-13T10:00:00+08:00';

/** Runs the admin command line against the bot's database, at the bot's clock. */
export async function cli(bot: TestBot, args: string[], env: Record<string, string> = {}) {
  const withDb = { DATABASE_URL: bot.ctx.config.databaseUrl, LANG: 'en_US.UTF-8', ...env };
  const run = await runCliLines(args, withDb, bot.clock.now().toISOString());
  return { code: run.code, out: run.out.join('\n'), err: run.err.join('\n') };
}

/** The grades of a ballot, as Slack sends radio buttons, one a question. */
export function grades(overall: string | null, commitments: string | null) {
  return { q_overall: radio(overall), q_commitments: radio(commitments) };
}

/** Presses the DM's button for a branch and submits the ballot it opens. */
export async function voteByButton(
  bot: TestBot,
  user: string,
  branchId: number,
  overall: string,
  commitments = overall,
) {
  const view = await openBy(bot, user, 'evaluation_vote', String(branchId));
  expect(view.callback_id).toBe('evaluation_ballot');
  return { view, res: await submit(bot, user, view, grades(overall, commitments)) };
}

/** Opens `/evaluate` (with a branch code or none) and returns the modal it showed. */
export async function openEvaluate(bot: TestBot, user: string, text = ''): Promise<ShownView> {
  const before = bot.fake.calls.length;
  const res = await bot.driver.command({ command: '/evaluate', text, user_id: user });
  expect(res.status).toBe(200);
  await bot.settled();
  expect(bot.fake.calls.slice(before).some((c) => c.ok && c.method === 'views.open')).toBe(true);
  return shownView(bot);
}

export const branch = (id: number) => ({ branch: select(String(id)) });

/** Counts of the round by source, question and grade, as a flat map (for exact comparison). */
export async function countsOf(bot: TestBot, branchId: number): Promise<Record<string, number>> {
  const rows = await bot.ctx.db
    .selectFrom('evaluation_counts')
    .select(['source', 'question', 'grade', 'count'])
    .where('branch_id', '=', branchId)
    .where('count', '>', 0)
    .execute();
  return Object.fromEntries(rows.map((r) => [`${r.source}.${r.question}.${r.grade}`, r.count]));
}

export function tempFile(name: string, text?: string): string {
  const file = path.join(tempDir(), name);
  if (text !== undefined) fs.writeFileSync(file, text);
  return file;
}

/** The codes printed on a slips page. */
export function codesIn(slipsHtml: string): string[] {
  return [...slipsHtml.matchAll(/\/ballot\/([0-9A-Z]{26})/g)]
    .map((m) => m[1]!)
    .filter((c, i, all) => all.indexOf(c) === i);
}
