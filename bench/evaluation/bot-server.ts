/**
 * The real bot for bench/evaluation.bench.ts, in its own process, over HTTP with the public ballot
 * page on (PUBLIC_URL) and its outbox sending to the fake Slack:
 * `node --import tsx bot-server.ts DB_FILE SLACK_API_URL NOW`. Prints `PORT n` when ready; a line
 * `remind` on stdin runs the reminders and evaluation jobs (as the scheduler would at the reminder
 * time) and prints `REMINDED {json}` when both have sent everything.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../../db/index.js';
import { evaluationJob } from '../../jobs/evaluation.js';
import { jobs } from '../../jobs/index.js';
import { remindersJob } from '../../jobs/reminders.js';
import { createApp } from '../../src/app.js';
import { fixedClock } from '../../src/clock.js';
import type { AppContext } from '../../src/context.js';
import { createOutbox, slackSender } from '../../src/delivery/outbox.js';
import { createLogger } from '../../src/logger.js';
import { benchBotConfig } from '../commands/shared.js';

const [file, apiUrl, now] = process.argv.slice(2);
if (!file || !apiUrl || !now) throw new Error('usage: bot-server.ts DB_FILE SLACK_API_URL NOW');
const config = benchBotConfig(file, apiUrl, { PUBLIC_URL: 'https://vote.example.org' });
const logger = createLogger('silent');
const ctx: AppContext = {
  db: openDatabase(file),
  config,
  clock: fixedClock(now),
  logger,
  outbox: createOutbox({ sender: slackSender(config.slack, logger), jobs }),
};
const app = createApp(ctx);
const server = (await app.start(0)) as Server;
console.log(`PORT ${(server.address() as AddressInfo).port}`);

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'remind') return;
  const at = ctx.clock.now();
  const opts = { now: at, slot: at, lastSlot: new Date(at.getTime() - 86_400_000), late: false, dryRun: false };
  const t0 = performance.now();
  const timed = async (job: typeof remindersJob) => {
    const result = await job.run(ctx, opts);
    return { summary: result.summary.slice(0, 2), ms: performance.now() - t0 };
  };
  void Promise.all([timed(remindersJob), timed(evaluationJob)]).then(
    ([reminders, evaluation]) => console.log(`REMINDED ${JSON.stringify({ reminders, evaluation })}`),
    (err: unknown) => console.log(`REMINDED ${JSON.stringify({ error: String(err) })}`),
  );
});
