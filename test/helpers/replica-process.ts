/**
 * One bot replica of the replica tests (test/e2e/replicas.test.ts): the real Bolt app on its HTTP
 * receiver over DATABASE_URL (a PostgreSQL database the replicas share) and the fake Slack at
 * SLACK_API_URL, with the scheduler's own runner (`scheduledRunner`: each slot once across
 * processes). The parent moves the clock and ticks slots over IPC, so three processes tick the
 * same simulated year at once; it may SIGKILL this process at any moment.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDatabase } from '../../db/index.js';
import { findJob, jobs } from '../../jobs/index.js';
import { createApp } from '../../src/app.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { AppContext } from '../../src/context.js';
import { createOutbox, drainOutbox, slackSender } from '../../src/delivery/outbox.js';
import { scheduledRunner } from '../../src/delivery/scheduler.js';
import { createLogger } from '../../src/logger.js';

export type ReplicaCommand = { kind: 'tick'; job: string; now: string } | { kind: 'drain'; now: string };
export type ReplicaRequest = ReplicaCommand & { id: number };
export type ReplicaAnswer =
  | { kind: 'ready'; port: number }
  | { kind: 'done'; id: number; summary: string[] }
  | { kind: 'failed'; id: number; error: string };

const config = loadConfig({ ...process.env, SCHEDULER: 'off', LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' });
// Errors go to stderr as JSON lines: the parent holds each to what the test expected.
const logger = createLogger(config.logLevel);
const clock = fixedClock(process.env.REPLICA_NOW ?? '2011-04-08T09:00:00+08:00');
const ctx: AppContext = {
  db: openDatabase(config.databaseUrl, {
    onPoolError: (err) => logger.warn({ err: err.message }, 'database connection lost'),
  }),
  config,
  clock,
  logger,
  outbox: createOutbox({
    sender: slackSender(config.slack, logger, { timeoutMs: Number(process.env.REPLICA_SEND_TIMEOUT_MS ?? 2_000) }),
    jobs,
    drain: process.env.REPLICA_DRAIN === 'defaults' ? {} : { perChannelIntervalMs: 0, backoffBaseMs: 10 },
  }),
};
const run = scheduledRunner();
// The tests wait for each listener (HTTP answers after it ran); the benchmark runs as production (answer at ack()).
const app = createApp(ctx, { processBeforeResponse: process.env.PROCESS_BEFORE_RESPONSE !== 'false' });
const server = (await app.start(0)) as Server;
const send = (answer: ReplicaAnswer) => process.send?.(answer);

process.on('message', (request: ReplicaRequest) => {
  clock.set(request.now);
  const work =
    request.kind === 'tick'
      ? run(ctx, findJob(request.job)!, { now: new Date(request.now) }).then((o) => o.summary)
      : drainOutbox(ctx).then((r) => [`sent ${r.sent}`]);
  work.then(
    (summary) => send({ kind: 'done', id: request.id, summary }),
    (err: unknown) => send({ kind: 'failed', id: request.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
send({ kind: 'ready', port: (server.address() as AddressInfo).port });
