/**
 * Sending through the outbox against the fake Slack's rate limits (issue 4, "Performance"):
 * about one chat.postMessage a second per channel, Slack's tiers for the other methods. DMs to
 * different people go in parallel (bounded), one channel's messages serially, spaced a second
 * apart. The floor is what the limits impose: (messages in the busiest channel - 1) seconds.
 * Checked: zero duplicates, zero lost, and the time over the floor.
 */
import { WebClient } from '@slack/web-api';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { countByState, enqueue, type NewOutboxRow } from '../db/queries/outbox.js';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import type { AppContext } from '../src/context.js';
import { createLogger } from '../src/logger.js';
import { drainOutbox, type OutboxPayload } from '../src/outbox.js';
import { freshDb } from '../test/helpers/db.js';
import { startFakeSlack } from '../test/slack/fake-slack.js';

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
  const fake = await startFakeSlack({ rateLimits: true });
  const { db, file } = await freshDb();
  const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: 'bench', SLACK_API_URL: fake.apiUrl, DATABASE_URL: file, LOG_LEVEL: 'silent' });
  const ctx: AppContext = { db, config, clock: systemClock, logger: createLogger('silent'), slack: new WebClient('xoxb-bench', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } }) };
  const rows: NewOutboxRow[] = [];
  for (let p = 0; p < s.people; p++) {
    for (let m = 0; m < s.perPerson; m++) {
      rows.push({ job: 'bench', key: `dm:${p}:${m}`, recipient: `UB${String(p).padStart(6, '0')}`, payload: { kind: 'message', text: `dm ${p} ${m}` } satisfies OutboxPayload });
    }
  }
  for (let m = 0; m < s.channelMessages; m++) {
    rows.push({ job: 'bench', key: `ch:${m}`, recipient: 'C0BENCH', payload: { kind: 'message', text: `channel ${m}`, ...(m > 0 ? { threadOf: 'ch:0' } : {}) } satisfies OutboxPayload });
  }
  await enqueue(db, rows, new Date());
  const t0 = performance.now();
  const result = await drainOutbox(ctx);
  const seconds = (performance.now() - t0) / 1000;

  const texts = new Map<string, number>();
  for (const c of fake.succeeded('chat.postMessage')) texts.set(String(c.args.text), (texts.get(String(c.args.text)) ?? 0) + 1);
  const duplicates = [...texts.values()].filter((n) => n > 1).length;
  const lost = rows.length - texts.size;
  const states = await countByState(db);
  const busiest = Math.max(s.perPerson, s.channelMessages);
  const floor = Math.max(0, busiest - 1);
  const over = floor === 0 ? '—' : `${(((seconds - floor) / floor) * 100).toFixed(1)} %`;
  await db.destroy();
  await fake.close();
  return `| ${s.name} | ${rows.length} | ${floor.toFixed(0)} s | ${seconds.toFixed(2)} s | ${over} | ${(rows.length / seconds).toFixed(0)} | ${fake.rateLimited} | ${duplicates} | ${lost} | ${states.sent}/${rows.length} sent, ${result.failed} failed, ${result.dead} dead |`;
}

const lines: string[] = [];
for (const s of scenarios) lines.push(await run(s));

console.log(`## Sending: the outbox against Slack's rate limits

The fake Slack with its rate limits on (\`startFakeSlack({ rateLimits: true })\`: about one
chat.postMessage a second per channel, tiers for other methods), on loopback. Each row is its own
message (no grouping), queued in the outbox, then one \`drainOutbox\` with the defaults: 32 DMs in
flight, a post to a channel leaves 1 s after the previous one was answered, the busiest channel first. Floor = (messages to the busiest channel − 1) × 1 s,
the least time the per-channel limit allows; "over floor" is the time above it. With no channel
getting two messages there is no floor from the limits: the first row shows the raw throughput
(the fake Slack runs in the same process and shares its CPU). The time over the floor is about
one round of first sends (people ÷ throughput), a constant: the longer the floor, the smaller the ratio.

| scenario | messages | floor | time | over floor | msg/s | 429s | duplicates | lost | outbox |
|---|---|---|---|---|---|---|---|---|---|
${lines.join('\n')}

Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}.
`);
