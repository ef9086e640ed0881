/**
 * Sending through the outbox against the fake Slack's rate limits (issue 4, "Performance"):
 * about one chat.postMessage a second per channel, Slack's tiers for the other methods. DMs to
 * different people go in parallel (bounded), one channel's messages serially, spaced a second
 * apart. The floor is what the limits impose: (messages in the busiest channel - 1) seconds.
 * Checked: zero duplicates, zero lost, and the time over the floor.
 */
import { WebClient } from '@slack/web-api';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { performance } from 'node:perf_hooks';
import { countByState, enqueue, type NewOutboxRow } from '../db/queries/outbox.js';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import type { AppContext } from '../src/context.js';
import { createLogger } from '../src/logger.js';
import { createOutbox, drainOutbox, slackSender, type MessagePayload } from '../src/delivery/outbox.js';
import { freshDb } from '../test/helpers/db.js';

/** The fake Slack in a child process (bench/sending/fake-server.ts), with its rate limits on. */
async function startRemoteFake(): Promise<{
  apiUrl: string;
  stats(): Promise<{ texts: string[]; rateLimited: number }>;
  close(): void;
}> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'sending', 'fake-server.ts')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fake Slack exited with ${code}`)));
  });
  const client = new WebClient('xoxb-bench', { slackApiUrl: firstLine, retryConfig: { retries: 0 } });
  return {
    apiUrl: firstLine,
    stats: async () => (await client.apiCall('bench.stats')) as unknown as { texts: string[]; rateLimited: number },
    close: () => child.kill('SIGTERM'),
  };
}

interface Scenario {
  name: string;
  people: number;
  perPerson: number;
  channelMessages: number;
}

const scenarios: Scenario[] = [
  { name: '1,000 people, one DM each', people: 1000, perPerson: 1, channelMessages: 0 },
  { name: '100 people, five DMs each', people: 100, perPerson: 5, channelMessages: 0 },
  { name: '100 people, ten DMs each', people: 100, perPerson: 10, channelMessages: 0 },
  { name: 'one channel, eight posts (a digest and its thread)', people: 0, perPerson: 0, channelMessages: 8 },
  { name: '300 people × 2 DMs and a channel of 6 posts, at once', people: 300, perPerson: 2, channelMessages: 6 },
];

async function run(s: Scenario): Promise<string> {
  const fake = await startRemoteFake();
  const { db, file } = await freshDb();
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench',
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: file,
    LOG_LEVEL: 'silent',
  });
  const logger = createLogger('silent');
  const ctx: AppContext = {
    db,
    config,
    clock: systemClock,
    logger,
    // Only plain messages are queued here: no job's grouped kinds, and no job whose dead rows admins hear of.
    outbox: createOutbox({ sender: slackSender(config.slack, logger), jobs: [] }),
  };
  const rows: NewOutboxRow[] = [];
  for (let p = 0; p < s.people; p++) {
    for (let m = 0; m < s.perPerson; m++) {
      rows.push({
        job: 'bench',
        key: `dm:${p}:${m}`,
        recipient: `UB${String(p).padStart(6, '0')}`,
        payload: { kind: 'message', text: `dm ${p} ${m}` } satisfies MessagePayload,
      });
    }
  }
  for (let m = 0; m < s.channelMessages; m++) {
    rows.push({
      job: 'bench',
      key: `ch:${m}`,
      recipient: 'C0BENCH',
      payload: {
        kind: 'message',
        text: `channel ${m}`,
        ...(m > 0 ? { threadOf: 'ch:0' } : {}),
      } satisfies MessagePayload,
    });
  }
  await enqueue(db, rows, new Date());
  const t0 = performance.now();
  const result = await drainOutbox(ctx);
  const seconds = (performance.now() - t0) / 1000;

  const stats = await fake.stats();
  const texts = new Map<string, number>();
  for (const text of stats.texts) texts.set(text, (texts.get(text) ?? 0) + 1);
  const duplicates = [...texts.values()].filter((n) => n > 1).length;
  const lost = rows.length - texts.size;
  const states = await countByState(db);
  const busiest = Math.max(s.perPerson, s.channelMessages);
  const floor = Math.max(0, busiest - 1);
  const over = floor === 0 ? '—' : `${(((seconds - floor) / floor) * 100).toFixed(1)} %`;
  await db.destroy();
  fake.close();
  return `| ${s.name} | ${rows.length} | ${floor.toFixed(0)} s | ${seconds.toFixed(2)} s | ${over} | ${(rows.length / seconds).toFixed(0)} | ${stats.rateLimited} | ${duplicates} | ${lost} | ${states.sent}/${rows.length} sent, ${result.failed} failed, ${result.dead} dead |`;
}

const lines: string[] = [];
for (const s of scenarios) lines.push(await run(s));

console.log(`## Sending: the outbox against Slack's rate limits

The fake Slack with its rate limits on (about one chat.postMessage a second per channel, tiers
for other methods), on loopback, in its own process (bench/sending/fake-server.ts), as Slack's
servers do not share the bot's CPU. Each row is its own
message (no grouping), queued in the outbox, then one \`drainOutbox\` with the defaults: 32 DMs in
flight, a post to a channel leaves 1 s after the previous one was answered, the busiest channel first. Floor = (messages to the busiest channel − 1) × 1 s,
the least time the per-channel limit allows; "over floor" is the time above it. With no channel
getting two messages there is no floor from the limits: the first row shows the raw throughput
(the fake Slack and the bot share this machine's two cores). The time over the floor is about
one round of first sends (people ÷ throughput), a constant: the longer the floor, the smaller the ratio.

| scenario | messages | floor | time | over floor | msg/s | 429s | duplicates | lost | outbox |
|---|---|---|---|---|---|---|---|---|---|
${lines.join('\n')}

Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}.
`);
