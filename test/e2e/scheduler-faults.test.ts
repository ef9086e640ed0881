import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/index.js';
import { countByState, listOutbox } from '../../db/queries/outbox.js';
import { getJobRun } from '../../db/queries/jobs.js';
import { findJob, jobs } from '../../jobs/index.js';
import { fixedClock } from '../../src/clock.js';
import type { AppContext } from '../../src/context.js';
import { createLogger } from '../../src/logger.js';
import {
  CLAIM_TTL_MS,
  createOutbox,
  drainOutbox,
  slackSender,
  type DrainOptions,
  type SlackSender,
} from '../../src/delivery/outbox.js';
import { catchUp, runJob, startScheduler } from '../../src/delivery/scheduler.js';
import { startBot, type TestBot } from '../helpers/bot.js';
import { ROOT } from '../helpers/db.js';

let bot: TestBot;
const closers: (() => Promise<void>)[] = [];

const FAST: DrainOptions = { perChannelIntervalMs: 0, backoffBaseMs: 10 };

async function start(env: Record<string, string> = {}, now = '2011-06-16T09:00:00+08:00', drain = FAST) {
  bot = await startBot({ now, env, drain });
}

afterEach(async () => {
  expect(bot.fake.violations).toEqual([]);
  for (const close of closers.splice(0)) await close();
  await bot.close();
});

/** A sender to the fake Slack, as another process would build it. */
const fakeSlackSender = () =>
  slackSender({ botToken: 'xoxb-test-token', apiUrl: bot.fake.apiUrl }, createLogger('silent'));

/** Another process on the same database file and the same Slack: its own connection, clock and client. */
function otherProcess(
  at: string,
  outbox: { sender?: SlackSender; drain?: DrainOptions } = {},
): { ctx: AppContext; clock: ReturnType<typeof fixedClock> } {
  const db = openDatabase(bot.ctx.config.databaseUrl);
  closers.push(() => db.destroy());
  const clock = fixedClock(at);
  const ctx: AppContext = {
    db,
    config: bot.ctx.config,
    clock,
    logger: createLogger('silent'),
    outbox: createOutbox({ sender: outbox.sender ?? fakeSlackSender(), jobs, drain: outbox.drain ?? FAST }),
  };
  return { ctx, clock };
}

/**
 * A sender whose process dies at the n-th post: every later post hangs forever, as if the process
 * were gone. With `afterSlack`, Slack accepts the post first (the ts is then never recorded).
 */
function dyingSender(
  real: SlackSender,
  n: number,
  afterSlack: boolean,
): { sender: SlackSender; acceptedUnrecorded: () => number } {
  let calls = 0;
  let accepted = 0;
  const never = new Promise<never>(() => {});
  return {
    acceptedUnrecorded: () => accepted,
    sender: {
      async post(args) {
        calls += 1;
        if (calls < n) return real.post(args);
        if (afterSlack) {
          await real.post(args);
          accepted += 1;
        }
        return never;
      },
      upload: (args) => real.upload(args),
    },
  };
}

const dmCounts = () => {
  const counts = new Map<string, number>();
  for (const c of bot.fake.succeeded('chat.postMessage'))
    counts.set(String(c.args.channel), (counts.get(String(c.args.channel)) ?? 0) + 1);
  return counts;
};

async function expectedRecipients(at: string): Promise<string[]> {
  const { ctx } = otherProcess(at);
  const preview = await runJob(ctx, findJob('reminders')!, { now: new Date(at), dryRun: true });
  return preview.summary
    .filter((l) => /^ {2}U/.test(l))
    .map((l) => l.trim().split(' ')[0]!)
    .sort();
}

describe('exactly once, across crashes, restarts and several processes', () => {
  it('when the process is killed mid-run before Slack answered and restarted, then the rest is sent once and the stuck rows after their claim expires', async () => {
    await start();
    const at = '2011-06-16T09:00:00+08:00';
    const expected = await expectedRecipients(at);
    const a = otherProcess(at, {
      sender: dyingSender(fakeSlackSender(), 3, false).sender,
      drain: { concurrency: 2, perChannelIntervalMs: 0 },
    });
    void runJob(a.ctx, findJob('reminders')!, { now: a.clock.now() }); // never completes: the process "died"
    await bot.fake.waitFor('chat.postMessage', 2);
    await new Promise((r) => setTimeout(r, 100));
    expect((await countByState(bot.ctx.db)).sending).toBeGreaterThan(0);

    const b = otherProcess(at); // the restart
    b.clock.set('2011-06-16T09:05:00+08:00');
    await catchUp(b.ctx, [findJob('reminders')!]);
    expect((await countByState(bot.ctx.db)).sending).toBeGreaterThan(0); // still A's claims: not touched yet
    b.clock.advance(CLAIM_TTL_MS + 1000);
    await drainOutbox(b.ctx);

    const counts = dmCounts();
    expect([...counts.keys()].sort()).toEqual(expected);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(await countByState(bot.ctx.db)).toMatchObject({ pending: 0, sending: 0, failed: 0, dead: 0 });
  });

  it('when the process dies after Slack accepted a message and before its ts was recorded, then only those in flight are sent twice (the documented case) and nothing is lost', async () => {
    await start();
    const at = '2011-06-16T09:00:00+08:00';
    const expected = await expectedRecipients(at);
    const dying = dyingSender(fakeSlackSender(), 4, true);
    const a = otherProcess(at, { sender: dying.sender, drain: { concurrency: 1, perChannelIntervalMs: 0 } });
    void runJob(a.ctx, findJob('reminders')!, { now: a.clock.now() });
    await bot.fake.waitFor('chat.postMessage', 4);
    await new Promise((r) => setTimeout(r, 100));

    const b = otherProcess('2011-06-16T09:30:00+08:00');
    b.clock.advance(CLAIM_TTL_MS + 1000);
    await runJob(b.ctx, findJob('reminders')!, { now: new Date(at) });

    const counts = dmCounts();
    expect([...counts.keys()].sort()).toEqual(expected);
    const twice = [...counts.values()].filter((n) => n === 2).length;
    expect(dying.acceptedUnrecorded()).toBe(1);
    expect(twice).toBe(dying.acceptedUnrecorded());
    expect([...counts.values()].every((n) => n <= 2)).toBe(true);
  });

  it('when two processes run the same job at the same moment, then every person gets exactly one DM', async () => {
    await start({ LEADERS_CHANNEL: 'C0LEADERS' });
    const at = '2011-06-16T09:00:00+08:00';
    const expected = await expectedRecipients(at);
    const a = otherProcess(at);
    const b = otherProcess(at);
    await Promise.all([
      runJob(a.ctx, findJob('reminders')!, { now: a.clock.now() }),
      runJob(b.ctx, findJob('reminders')!, { now: b.clock.now() }),
    ]);
    await Promise.all([
      runJob(a.ctx, findJob('escalations')!, { now: new Date('2011-06-16T09:30:00+08:00') }),
      runJob(b.ctx, findJob('escalations')!, { now: new Date('2011-06-16T09:30:00+08:00') }),
    ]);
    const counts = dmCounts();
    expect([...counts.keys()].filter((k) => k.startsWith('U')).sort()).toEqual(expected);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(counts.get('C0LEADERS')).toBe(1);
    const rows = await listOutbox(bot.ctx.db);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
    expect(rows.every((r) => r.state === 'sent')).toBe(true);
  });

  it('when two OS processes run `jobs run reminders` at once, then every person gets exactly one DM', async () => {
    await start();
    const at = '2011-06-16T09:00:00+08:00';
    const expected = await expectedRecipients(at);
    const env = {
      ...process.env,
      DATABASE_URL: bot.ctx.config.databaseUrl,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 's',
      SLACK_API_URL: bot.fake.apiUrl,
      LOG_LEVEL: 'error',
    };
    const runOnce = () =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'jobs', 'run', 'reminders', '--now', at],
          { env, cwd: ROOT, stdio: 'ignore' },
        );
        child.on('error', reject);
        child.on('exit', (code) => resolve(code ?? -1));
      });
    expect(await Promise.all([runOnce(), runOnce()])).toEqual([0, 0]);
    const counts = dmCounts();
    expect([...counts.keys()].sort()).toEqual(expected);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  }, 30_000);

  it('when Slack answers 429s and 500s, then the outbox waits or retries and each DM goes out once', async () => {
    await start();
    const at = '2011-06-16T09:00:00+08:00';
    const expected = await expectedRecipients(at);
    bot.fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 }, 2);
    bot.fake.failNext('chat.postMessage', { status: 500 }, 2);
    bot.fake.failNext('chat.postMessage', { status: 503 }, 1);
    await runJob(bot.ctx, findJob('reminders')!, { now: new Date(at) });
    expect(bot.fake.rateLimited).toBe(2);
    const counts = dmCounts();
    expect([...counts.keys()].sort()).toEqual(expected);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(await countByState(bot.ctx.db)).toMatchObject({ pending: 0, sending: 0, failed: 0, dead: 0 });
  });

  it('when Slack asks for a longer pause than a run waits, then the rows are given back with that delay and sent once after it', async () => {
    await start({ DIGEST_CHANNEL: 'C0DIGEST' }, '2011-06-20T09:00:00+08:00', {
      maxInlineWaitMs: 500,
      perChannelIntervalMs: 0,
    });
    bot.fake.failNext('chat.postMessage', { status: 429, retryAfter: 120 });
    await runJob(bot.ctx, findJob('digest')!, { now: bot.clock.now() }); // one channel: the digest, then its thread
    const waiting = await listOutbox(bot.ctx.db, { state: 'failed' });
    expect(waiting.length).toBeGreaterThan(1);
    expect(waiting.every((r) => r.notBefore === '2011-06-20T01:02:00.000Z')).toBe(true);
    expect(await countByState(bot.ctx.db)).toMatchObject({ sending: 0 });
    await drainOutbox(bot.ctx);
    expect(bot.fake.succeeded('chat.postMessage')).toEqual([]);
    bot.clock.advance(121_000);
    await drainOutbox(bot.ctx);
    const posts = bot.fake.succeeded('chat.postMessage');
    // The digest's rows: its summary, its thread replies, and the chart uploaded into the thread.
    expect(posts.length + bot.fake.uploads.length).toBe(waiting.length);
    expect(bot.fake.uploads).toHaveLength(1);
    expect(posts.filter((c) => c.args.thread_ts === undefined)).toHaveLength(1);
  });

  it('when Slack keeps failing past the inline retries, then the rows wait for a later run and go out once then', async () => {
    await start({}, undefined, { concurrency: 1, inlineTries: 2, backoffBaseMs: 10, perChannelIntervalMs: 0 });
    const at = '2011-06-16T09:00:00+08:00';
    const expected = await expectedRecipients(at);
    // Steps of different people interleave, so six failures leave at least one person's DM failing twice.
    bot.fake.failNext('chat.postMessage', { status: 500 }, 6);
    await runJob(bot.ctx, findJob('reminders')!, { now: new Date(at) });
    expect((await countByState(bot.ctx.db)).failed).toBeGreaterThan(0);
    bot.clock.set('2011-06-17T09:00:00+08:00');
    await runJob(bot.ctx, findJob('reminders')!, { now: bot.clock.now() });
    const counts = dmCounts();
    expect([...counts.keys()].sort()).toEqual(expected);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(await countByState(bot.ctx.db)).toMatchObject({ pending: 0, sending: 0, failed: 0, dead: 0 });
  });
});

describe('catch-up after downtime', () => {
  it('when the bot was down for three days, then on restart each missed stage goes out once, in one DM a person, not one a lost day', async () => {
    await start({ DIGEST_CHANNEL: 'C0DIGEST' }, '2011-06-13T09:00:00+08:00');
    await runJob(bot.ctx, findJob('reminders')!, { now: new Date('2011-06-13T09:00:00+08:00') });
    bot.fake.reset();
    // Down from Monday evening to Thursday 11:00: Tuesday, Wednesday and Thursday's 09:00 runs were lost.
    bot.clock.set('2011-06-16T11:00:00+08:00');
    const scheduler = await startScheduler(bot.ctx);
    const outcomes = await scheduler.caughtUp;
    scheduler.stop();
    expect(outcomes.map((o) => o.job)).toEqual(['reminders', 'escalations', 'digest', 'projects']);
    const counts = dmCounts();
    expect([...counts.entries()].filter(([k]) => k.startsWith('U')).every(([, n]) => n === 1)).toBe(true);
    // 06-16 is 14 days before 06-30: the stage missed in the lost days is in today's DM.
    const zx1 = bot.fake.succeeded('chat.postMessage').find((c) => c.args.channel === 'U0SEC00001')!;
    expect(JSON.stringify(zx1.args.blocks)).toContain('A01-EVENT');
    expect((await getJobRun(bot.ctx.db, 'reminders')).lastSlot).toBe('2011-06-16T01:00:00.000Z');
    // Restarting again the same day sends nothing more.
    const before = bot.fake.succeeded('chat.postMessage').length;
    await catchUp(bot.ctx);
    expect(bot.fake.succeeded('chat.postMessage').length).toBe(before);
  });

  it('when the weekly digest was missed, then the latest one is posted once on restart, marked late', async () => {
    await start({ DIGEST_CHANNEL: 'C0DIGEST' }, '2011-06-17T09:00:00+08:00');
    await runJob(bot.ctx, findJob('digest')!, { now: new Date('2011-06-17T09:00:00+08:00') });
    expect(bot.fake.succeeded('chat.postMessage')).toEqual([]); // Friday: not the digest day
    bot.clock.set('2011-06-22T10:00:00+08:00'); // down over the weekend, Monday and Tuesday
    await catchUp(bot.ctx);
    const digests = bot.fake
      .succeeded('chat.postMessage')
      .filter((c) => c.args.channel === 'C0DIGEST' && c.args.thread_ts === undefined);
    expect(digests).toHaveLength(1);
    expect(JSON.stringify(digests[0]!.args.blocks)).toContain('补发');
    await catchUp(bot.ctx);
    bot.clock.set('2011-06-23T09:00:00+08:00');
    await runJob(bot.ctx, findJob('digest')!, { now: bot.clock.now() });
    expect(
      bot.fake
        .succeeded('chat.postMessage')
        .filter((c) => c.args.channel === 'C0DIGEST' && c.args.thread_ts === undefined),
    ).toHaveLength(1);
  });

  it('when the missed slot is beyond the catch-up horizon, then catch-up leaves it and the next run still mentions the missed stages once', async () => {
    await start({ CATCH_UP_HOURS: '0' }, '2011-06-13T09:00:00+08:00');
    await runJob(bot.ctx, findJob('reminders')!, { now: new Date('2011-06-13T09:00:00+08:00') });
    bot.fake.reset();
    bot.clock.set('2011-06-16T11:00:00+08:00'); // Thursday's slot (the 14-day stage of 06-30) passed 2 h ago
    expect(await catchUp(bot.ctx)).toEqual([]);
    expect(bot.fake.calls).toEqual([]);
    bot.clock.set('2011-06-17T09:00:00+08:00');
    await runJob(bot.ctx, findJob('reminders')!, { now: bot.clock.now() });
    const zx1 = bot.fake.succeeded('chat.postMessage').filter((c) => c.args.channel === 'U0SEC00001');
    expect(zx1).toHaveLength(1);
    expect(JSON.stringify(zx1[0]!.args.blocks)).toContain('A01-EVENT');
  });

  it('when a send failed on a Friday, then it is retried on the next working day, not over the weekend', async () => {
    await start({ DIGEST_CHANNEL: 'C0DIGEST' }, '2011-06-17T09:00:00+08:00', {
      inlineTries: 1,
      perChannelIntervalMs: 0,
    });
    bot.fake.failNext('chat.postMessage', { status: 500 }, 100);
    await runJob(bot.ctx, findJob('reminders')!, { now: new Date('2011-06-17T09:00:00+08:00') });
    expect((await countByState(bot.ctx.db)).failed).toBeGreaterThan(0);
    bot.fake.reset();
    for (const day of ['2011-06-18', '2011-06-19']) {
      bot.clock.set(`${day}T09:00:00+08:00`);
      for (const job of ['reminders', 'digest', 'escalations'])
        await runJob(bot.ctx, findJob(job)!, { now: bot.clock.now() });
    }
    expect(bot.fake.calls).toEqual([]);
    bot.clock.set('2011-06-20T09:00:00+08:00');
    await runJob(bot.ctx, findJob('reminders')!, { now: bot.clock.now() });
    expect(await countByState(bot.ctx.db)).toMatchObject({ pending: 0, sending: 0, failed: 0, dead: 0 });
  });

  it('when the digest was missed and the bot comes back on a weekend, then the digest waits for the next working day', async () => {
    await start({ DIGEST_CHANNEL: 'C0DIGEST', CATCH_UP_HOURS: '168' }, '2011-06-10T09:00:00+08:00');
    await runJob(bot.ctx, findJob('digest')!, { now: new Date('2011-06-10T09:00:00+08:00') }); // Friday: not the day
    bot.clock.set('2011-06-18T10:00:00+08:00'); // down from before Monday's slot until Saturday
    await catchUp(bot.ctx, [findJob('digest')!]);
    expect(bot.fake.succeeded('chat.postMessage')).toEqual([]);
    bot.clock.set('2011-06-19T09:00:00+08:00');
    await runJob(bot.ctx, findJob('digest')!, { now: bot.clock.now() });
    expect(bot.fake.succeeded('chat.postMessage')).toEqual([]);
    bot.clock.set('2011-06-20T09:00:00+08:00'); // Monday: a new week, its own digest
    await runJob(bot.ctx, findJob('digest')!, { now: bot.clock.now() });
    expect(bot.fake.succeeded('chat.postMessage').filter((c) => c.args.thread_ts === undefined)).toHaveLength(1);
  });

  it('when the bot comes back on a Saturday after missing Friday, then nothing goes out that weekend and Monday covers the missed stages once', async () => {
    await start({}, '2011-06-09T09:00:00+08:00');
    await runJob(bot.ctx, findJob('reminders')!, { now: new Date('2011-06-09T09:00:00+08:00') });
    bot.fake.reset();
    // Friday 06-10's run was lost: it carried A01-NOMINATE's 3-day warning (06-12 is a Sunday).
    bot.clock.set('2011-06-11T10:00:00+08:00');
    await catchUp(bot.ctx);
    expect(bot.fake.calls).toEqual([]);
    bot.clock.set('2011-06-13T09:00:00+08:00');
    await runJob(bot.ctx, findJob('reminders')!, { now: bot.clock.now() });
    const rows = await listOutbox(bot.ctx.db, { job: 'reminders' });
    const fridayStages = rows.filter(
      (r) => (r.payload as { item: { stage: { sendOn: string } } }).item.stage.sendOn === '2011-06-10',
    );
    expect(fridayStages.length).toBeGreaterThan(0);
    expect(fridayStages.every((r) => r.sentAt!.startsWith('2011-06-13'))).toBe(true);
    const counts = dmCounts();
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });
});
