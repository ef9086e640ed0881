import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/index.js';
import { countByState, listOutbox } from '../../db/queries/outbox.js';
import { getJobRun } from '../../db/queries/jobs.js';
import { findJob, jobs } from '../../jobs/index.js';
import { fixedClock } from '../../src/clock.js';
import type { AppContext } from '../../src/context.js';
import {
  CLAIM_TTL_MS,
  createOutbox,
  drainOutbox,
  slackSender,
  type DrainOptions,
  type SlackSender,
} from '../../src/delivery/outbox.js';
import { catchUp, runJob, startScheduler } from '../../src/delivery/scheduler.js';
import { runCli } from '../../src/cli/program.js';
import { startBot, type TestBot } from '../helpers/bot.js';
import { operatorCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/db.js';
import type { FakeSlackOptions } from '../../src/playground/fake-slack.js';
import { testLogger } from '../helpers/logs.js';

let bot: TestBot;
const closers: (() => Promise<void>)[] = [];

const FAST: DrainOptions = { perChannelIntervalMs: 0, backoffBaseMs: 10 };

async function start(
  env: Record<string, string> = {},
  now = '2011-06-16T09:00:00+08:00',
  drain = FAST,
  fake: FakeSlackOptions = {},
) {
  bot = await startBot({ now, env, drain, fake });
}

/** The bot token's scopes as manifest.yml asks for them. */
const MANIFEST_SCOPES = (
  parse(fs.readFileSync(path.join(ROOT, 'manifest.yml'), 'utf8')) as { oauth_config: { scopes: { bot: string[] } } }
).oauth_config.scopes.bot;

/** What people see: messages in each conversation (a DM is `D` + the user id in the fake), thread replies apart. */
const seen = (): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const m of bot.fake.messages())
    if (m.threadTs === undefined) counts.set(m.channel, (counts.get(m.channel) ?? 0) + 1);
  return counts;
};

afterEach(async () => {
  expect(bot.fake.violations).toEqual([]);
  for (const close of closers.splice(0)) await close();
  await bot.close();
});

/** A sender to the fake Slack, as another process would build it. */
const fakeSlackSender = () => slackSender({ botToken: 'xoxb-test-token', apiUrl: bot.fake.apiUrl }, testLogger());

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
    logger: testLogger(),
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
      findSent: (args) => real.findSent(args),
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

  it('when the process dies after Slack accepted a message and before its ts was recorded, then the next process finds it in the DM history: no duplicate, nothing lost', async () => {
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
    expect(dying.acceptedUnrecorded()).toBe(1);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
    // What people see, not only the calls: one DM each.
    expect(bot.fake.messages().filter((m) => m.channel.startsWith('D')).length).toBe(expected.length);
    expect(bot.fake.callsTo('conversations.history').length).toBeGreaterThan(0);
    expect(await countByState(bot.ctx.db)).toMatchObject({ pending: 0, sending: 0, failed: 0, dead: 0 });
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

describe('answers lost after Slack posted: the DM history decides', () => {
  const at = '2011-06-16T09:00:00+08:00';
  const dmsOf = (users: string[]) => users.map((u) => `D${u}`).sort();

  it('when Slack posts DMs but answers 500, then each retry first finds the DM in the history: one DM a person', async () => {
    await start();
    const expected = await expectedRecipients(at);
    bot.fake.failNext('chat.postMessage', { answerLost: 500 }, 3);
    await runJob(bot.ctx, findJob('reminders')!, { now: new Date(at) });
    const dms = seen();
    expect([...dms.keys()].sort()).toEqual(dmsOf(expected));
    expect([...dms.values()].filter((n) => n !== 1)).toEqual([]);
    // The three whose answer was lost were looked up, once each; nobody else's history was read.
    expect(bot.fake.callsTo('conversations.history')).toHaveLength(3);
    expect(bot.fake.callsTo('chat.postMessage')).toHaveLength(expected.length);
    expect(await countByState(bot.ctx.db)).toMatchObject({ pending: 0, sending: 0, failed: 0, dead: 0 });
    const rows = await listOutbox(bot.ctx.db, { job: 'reminders' });
    const byTs = new Map(bot.fake.messages().map((m) => [m.ts, m.channel]));
    expect(rows.every((r) => byTs.get(r.messageTs!) === `D${r.recipient}`)).toBe(true);
  });

  it('when the connection drops after Slack posted, then the DM waits (Slack may still be posting it) and the next run finds it: no second DM', async () => {
    await start();
    const expected = await expectedRecipients(at);
    bot.fake.failNext('chat.postMessage', { answerLost: 'reset' });
    await runJob(bot.ctx, findJob('reminders')!, { now: new Date(at) });
    const waiting = await listOutbox(bot.ctx.db, { state: 'failed' });
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((r) => r.sentAs !== null && r.lastError!.startsWith('network_'))).toBe(true);
    expect(bot.fake.callsTo('conversations.history')).toEqual([]);

    bot.clock.advance(6 * 60_000);
    await drainOutbox(bot.ctx);
    const dms = seen();
    expect([...dms.keys()].sort()).toEqual(dmsOf(expected));
    expect([...dms.values()].filter((n) => n !== 1)).toEqual([]);
    expect(bot.fake.callsTo('chat.postMessage')).toHaveLength(expected.length);
    expect(await countByState(bot.ctx.db)).toMatchObject({ pending: 0, sending: 0, failed: 0, dead: 0 });
  });

  it('when the answer comes only after the client gave up, then the next run finds the DM: no second one', async () => {
    await start();
    const expected = await expectedRecipients(at);
    // The client gives up after 1.5 s (room for the other calls on a loaded machine); the one late
    // answer comes after 4 s.
    const impatient = slackSender({ botToken: 'xoxb-test-token', apiUrl: bot.fake.apiUrl }, testLogger(), {
      timeoutMs: 1500,
    });
    const a = otherProcess(at, { sender: impatient });
    bot.fake.failNext('chat.postMessage', { answerLost: 'late', timeoutMs: 4000 });
    await runJob(a.ctx, findJob('reminders')!, { now: new Date(at) });
    expect((await listOutbox(bot.ctx.db, { state: 'failed' })).map((r) => r.lastError)).toContain('network_timeout');
    await bot.fake.waitFor('chat.postMessage', expected.length, 10_000); // the late answer, ignored

    a.clock.advance(6 * 60_000);
    await drainOutbox(a.ctx);
    expect([...seen().values()].filter((n) => n !== 1)).toEqual([]);
    expect(seen().size).toBe(expected.length);
    expect(await countByState(bot.ctx.db)).toMatchObject({ pending: 0, sending: 0, failed: 0, dead: 0 });
  });

  it('when a digest post is answered 500 after Slack posted and the bot may read the channel (channels:history), then it is not posted twice and its thread goes under it', async () => {
    await start({ DIGEST_CHANNEL: 'C0DIGEST' }, '2011-06-20T09:00:00+08:00', FAST, {
      scopes: [...MANIFEST_SCOPES, 'channels:history'],
    });
    bot.fake.failNext('chat.postMessage', { answerLost: 500 });
    await runJob(bot.ctx, findJob('digest')!, { now: bot.clock.now() });
    const top = bot.fake.messages('C0DIGEST').filter((m) => m.threadTs === undefined);
    expect(top).toHaveLength(1);
    const replies = bot.fake.messages('C0DIGEST').filter((m) => m.threadTs !== undefined);
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.every((m) => m.threadTs === top[0]!.ts)).toBe(true);
    expect(bot.fake.uploads.map((u) => u.threadTs)).toEqual([top[0]!.ts]);
  });

  it('when a digest post is answered 500 after Slack posted and the bot has only the manifest scopes, then it is posted again, once (the documented case), and its thread goes under the one recorded', async () => {
    await start({ DIGEST_CHANNEL: 'C0DIGEST' }, '2011-06-20T09:00:00+08:00', FAST, { scopes: MANIFEST_SCOPES });
    bot.fake.failNext('chat.postMessage', { answerLost: 500 });
    await runJob(bot.ctx, findJob('digest')!, { now: bot.clock.now() });
    expect(bot.fake.callsTo('conversations.history')).toEqual([
      expect.objectContaining({ ok: false, error: 'missing_scope' }),
    ]);
    const top = bot.fake.messages('C0DIGEST').filter((m) => m.threadTs === undefined);
    expect(top).toHaveLength(2);
    const main = (await listOutbox(bot.ctx.db, { job: 'digest' })).find(
      (r) => !r.key.includes(':thread:') && !r.key.includes(':file:'),
    )!;
    expect(main.messageTs).toBe(top[1]!.ts);
    expect(
      bot.fake
        .messages('C0DIGEST')
        .filter((m) => m.threadTs !== undefined)
        .every((m) => m.threadTs === top[1]!.ts),
    ).toBe(true);
    expect(await countByState(bot.ctx.db)).toMatchObject({ pending: 0, sending: 0, failed: 0, blocked: 0, dead: 0 });
  });

  it('when the app was not reinstalled with im:history, then a DM whose answer was lost waits blocked, admins are told, and after the reinstall jobs requeue records it without a second DM', async () => {
    await start({}, at, FAST, { scopes: MANIFEST_SCOPES.filter((s) => s !== 'im:history') });
    const expected = await expectedRecipients(at);
    bot.fake.failNext('chat.postMessage', { answerLost: 'reset' });
    await runJob(bot.ctx, findJob('reminders')!, { now: new Date(at) });
    bot.clock.advance(6 * 60_000);
    await drainOutbox(bot.ctx);
    const blocked = await listOutbox(bot.ctx.db, { state: 'blocked' });
    expect(blocked.length).toBeGreaterThan(0);
    expect(blocked.every((r) => r.lastError === 'missing_scope')).toBe(true);
    const toAdmins = bot.fake
      .succeeded('chat.postMessage')
      .filter((c) => String(c.args.text).includes('条消息未能发出'));
    expect(toAdmins.length).toBeGreaterThan(0);

    bot.fake.setScopes(MANIFEST_SCOPES);
    const { out, io } = operatorCli(bot);
    expect(await runCli(['jobs', 'requeue', '--error', 'missing_scope'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/found already posted/);
    const dms = [...seen().entries()].filter(([c]) => expected.includes(c.slice(1)));
    expect(dms.map(([, n]) => n).filter((n) => n !== 1)).toEqual([]);
    expect(dms).toHaveLength(expected.length);
    expect(await countByState(bot.ctx.db)).toMatchObject({ pending: 0, sending: 0, failed: 0, blocked: 0, dead: 0 });
  });

  it("when a file's upload answer is lost, then it is uploaded again (files carry no metadata: the documented case), once", async () => {
    await start({ DIGEST_CHANNEL: 'C0DIGEST' }, '2011-06-20T09:00:00+08:00');
    bot.fake.failNext('files.completeUploadExternal', { answerLost: 500 });
    await runJob(bot.ctx, findJob('digest')!, { now: bot.clock.now() });
    expect(bot.fake.uploads).toHaveLength(2);
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
    expect(outcomes.map((o) => o.job)).toEqual([
      'reminders',
      'escalations',
      'digest',
      'projects',
      'commitments',
      'evaluation',
    ]);
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
    expect(JSON.stringify(digests[0]!.args.blocks)).toContain('延后发出');
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
