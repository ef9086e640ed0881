import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/index.js';
import { listAudit } from '../../db/queries/audit.js';
import { getJobRun } from '../../db/queries/jobs.js';
import { countByState, listOutbox } from '../../db/queries/outbox.js';
import { findJob, jobs } from '../../jobs/index.js';
import { runCli } from '../../src/cli/program.js';
import { fixedClock } from '../../src/clock.js';
import type { AppContext } from '../../src/context.js';
import { createOutbox, drainOutbox, OutboxStopped, slackSender, type DrainOptions } from '../../src/delivery/outbox.js';
import { runJob } from '../../src/delivery/scheduler.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { operatorCli } from '../helpers/cli.js';
import { takeLoggedErrors, testLogger } from '../helpers/logs.js';
import { PEOPLE } from '../helpers/reporting.js';

let bot: TestBot;
const closers: (() => Promise<void>)[] = [];

const FAST: DrainOptions = { perChannelIntervalMs: 0, backoffBaseMs: 10 };

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await closeChecked(bot);
});

async function start(env: Record<string, string> = {}, now = '2011-06-16T09:00:00+08:00', drain = FAST) {
  bot = await startBot({ now, env, drain });
}

/** The command line against the bot's database and the fake Slack; its clock is the real one (the bot's). */
function cli() {
  const { out, io } = operatorCli(bot, {
    DIGEST_CHANNEL: bot.ctx.config.digestChannel ?? '',
    LEADERS_CHANNEL: bot.ctx.config.leadersChannel ?? '',
  });
  return {
    out,
    run: async (...argv: string[]) => {
      out.length = 0;
      return runCli(argv, io);
    },
  };
}

const topLevel = (channel: string) => bot.fake.messages(channel).filter((m) => m.threadTs === undefined);
const toAdmin = () => bot.fake.messages(`D${PEOPLE.admin}`);

describe('errors an operator fixes: the token and its scopes', () => {
  it('when Slack refuses the token, then the run stops at the first refusal, nothing is dead or counted, and once it is fixed each DM goes out once', async () => {
    await start({}, undefined, { ...FAST, concurrency: 1 });
    bot.fake.failNext('chat.postMessage', { error: 'token_revoked' }, 1000);
    await expect(runJob(bot.ctx, findJob('reminders')!, { now: bot.clock.now() })).rejects.toThrow(OutboxStopped);
    // One refusal is enough: nobody else is tried.
    expect(bot.fake.callsTo('chat.postMessage')).toHaveLength(1);
    const rows = await listOutbox(bot.ctx.db, { job: 'reminders' });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.state === 'failed' || r.state === 'pending')).toBe(true);
    expect(rows.every((r) => r.attempts === 0)).toBe(true);
    expect(await countByState(bot.ctx.db)).toMatchObject({ sending: 0, blocked: 0, dead: 0 });
    expect(await listOutbox(bot.ctx.db, { job: 'admin' })).toEqual([]);
    expect((await getJobRun(bot.ctx.db, 'reminders')).lastError).toContain('token_revoked');
    // The operator is told once, at error level, not once per message.
    expect(takeLoggedErrors()).toMatchObject([
      { msg: expect.stringContaining('Slack refused the bot token'), fields: { error: 'token_revoked' } },
    ]);

    const { run, out } = cli();
    expect(await run('jobs', 'status')).toBe(0);
    expect(out.find((l) => l.startsWith('reminders '))).toContain('token_revoked');
    expect(out.find((l) => l.startsWith('reminders       '))).toMatch(/token_revoked$/);

    bot.fake.clearFailures();
    bot.clock.set('2011-06-17T09:00:00+08:00');
    await runJob(bot.ctx, findJob('reminders')!, { now: bot.clock.now() });
    const recipients = new Set(rows.map((r) => r.recipient));
    const dms = bot.fake.messages().filter((m) => m.channel.startsWith('D'));
    expect(dms.map((m) => m.channel.slice(1)).sort()).toEqual([...recipients].sort());
    expect(await countByState(bot.ctx.db)).toMatchObject({ pending: 0, sending: 0, failed: 0, dead: 0 });
  });

  it('when a scope is missing from the token, then `jobs run` stops with one message naming it and exits 1, and sends nothing else', async () => {
    await start();
    bot.fake.failNext('chat.postMessage', { error: 'missing_scope' }, 1000);
    const { run, out } = cli();
    expect(await run('jobs', 'run', 'reminders', '--now', '2011-06-16T09:00:00+08:00')).toBe(1);
    expect(out).toEqual([
      expect.stringMatching(/^ERR Slack refused the bot token or one of its scopes \(missing_scope\)/),
    ]);
    expect(await countByState(bot.ctx.db)).toMatchObject({ sent: 0, sending: 0, blocked: 0, dead: 0 });
  });
});

describe('errors an operator fixes: a channel', () => {
  it('when the bot is not in the digest channel, then the digest waits blocked, admins are told once, and after the invite `jobs requeue --error not_in_channel` posts it once', async () => {
    await start({ DIGEST_CHANNEL: 'C0DIGEST' }, '2011-06-20T09:00:00+08:00');
    bot.fake.setChannel('C0DIGEST', { notMember: true });
    await runJob(bot.ctx, findJob('digest')!, { now: bot.clock.now() });
    const blocked = await listOutbox(bot.ctx.db, { state: 'blocked' });
    // The summary, its thread replies and its chart: the channel is wrong for all of them.
    expect(blocked.length).toBeGreaterThan(2);
    expect(blocked.every((r) => r.job === 'digest' && r.lastError === 'not_in_channel' && r.attempts === 0)).toBe(true);
    expect(toAdmin()).toHaveLength(1);
    expect(JSON.stringify(toAdmin()[0]!.blocks)).toContain('not_in_channel');
    expect(JSON.stringify(toAdmin()[0]!.blocks)).toContain('jobs requeue');

    // Later runs neither post to the channel again nor tell the admins again.
    bot.clock.set('2011-06-21T09:00:00+08:00');
    await runJob(bot.ctx, findJob('digest')!, { now: bot.clock.now() });
    await runJob(bot.ctx, findJob('reminders')!, { now: bot.clock.now() });
    expect(bot.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0DIGEST')).toHaveLength(1);
    expect(toAdmin()).toHaveLength(1);

    const { run, out } = cli();
    expect(await run('jobs', 'status')).toBe(0);
    expect(out.find((l) => l.startsWith('digest          '))).toMatch(
      new RegExp(`${blocked.length}\\s+0\\s+not_in_channel$`),
    );
    expect(out.at(-1)).toContain(`${blocked.length} blocked`);

    bot.fake.setChannel('C0DIGEST', {}); // /invite @Pacesetter
    expect(await run('jobs', 'requeue', '--error', 'not_in_channel', '--dry-run')).toBe(0);
    expect(out[0]).toBe(`Dry run: would requeue ${blocked.length} row(s); nothing changed or sent.`);
    expect(topLevel('C0DIGEST')).toEqual([]);
    expect(await run('jobs', 'requeue', '--error', 'not_in_channel')).toBe(0);
    expect(out[0]).toBe(`Requeued ${blocked.length} row(s):`);
    expect(topLevel('C0DIGEST')).toHaveLength(1);
    const ts = topLevel('C0DIGEST')[0]!.ts;
    expect(bot.fake.messages('C0DIGEST').filter((m) => m.threadTs === ts).length).toBe(blocked.length - 2);
    expect(bot.fake.uploads.map((u) => u.threadTs)).toEqual([ts]);
    expect(await countByState(bot.ctx.db)).toMatchObject({ pending: 0, sending: 0, failed: 0, blocked: 0, dead: 0 });
    expect(await listAudit(bot.ctx.db, { action: 'outbox.requeue' })).toEqual([
      expect.objectContaining({ actor: 'cli', details: expect.objectContaining({ rows: blocked.length }) }),
    ]);

    // Requeued once, sent once: a second requeue finds nothing and posts nothing.
    expect(await run('jobs', 'requeue', '--error', 'not_in_channel')).toBe(1);
    expect(out).toEqual([expect.stringContaining('ERR Nothing to requeue')]);
    expect(topLevel('C0DIGEST')).toHaveLength(1);
    expect(toAdmin()).toHaveLength(1);
  });

  it('when a row is requeued before the channel is fixed, then admins are told again, and `--all` after the fix sends each once', async () => {
    await start({ LEADERS_CHANNEL: 'C0LEADERS' }, '2011-05-16T09:30:00+08:00');
    bot.fake.setChannel('C0LEADERS', { missing: true }); // LEADERS_CHANNEL names a channel that is gone
    await runJob(bot.ctx, findJob('escalations')!, { now: bot.clock.now() });
    const blocked = await listOutbox(bot.ctx.db, { state: 'blocked' });
    expect(blocked.length).toBeGreaterThan(0);
    expect(blocked.every((r) => r.lastError === 'channel_not_found')).toBe(true);
    expect(toAdmin()).toHaveLength(1);

    const { run, out } = cli();
    expect(await run('jobs', 'requeue', '--key', blocked[0]!.key)).toBe(0);
    expect(out[0]).toBe('Requeued 1 row(s):');
    expect(toAdmin()).toHaveLength(2); // still not found: told again
    expect(bot.fake.messages('C0LEADERS')).toEqual([]);

    bot.fake.setChannel('C0LEADERS', {});
    expect(await run('jobs', 'requeue', '--all')).toBe(0);
    expect(topLevel('C0LEADERS')).toHaveLength(1);
    expect(await countByState(bot.ctx.db)).toMatchObject({ pending: 0, sending: 0, failed: 0, blocked: 0, dead: 0 });
    expect(await run('jobs', 'requeue', '--all')).toBe(1);
    expect(topLevel('C0LEADERS')).toHaveLength(1);
  });

  it('when a dead DM is requeued after the person is back in Slack, then it is sent once', async () => {
    await start();
    bot.fake.failNext('chat.postMessage', { error: 'user_not_found' });
    await runJob(bot.ctx, findJob('reminders')!, { now: bot.clock.now() });
    const dead = await listOutbox(bot.ctx.db, { state: 'dead' });
    expect(dead.length).toBeGreaterThan(0);
    const person = dead[0]!.recipient;
    expect(bot.fake.messages(`D${person}`)).toEqual([]);

    const { run } = cli();
    expect(await run('jobs', 'requeue', '--key', ...dead.map((r) => r.key))).toBe(0);
    expect(bot.fake.messages(`D${person}`)).toHaveLength(1);
    expect(await run('jobs', 'requeue', '--key', dead[0]!.key)).toBe(1);
    expect(bot.fake.messages(`D${person}`)).toHaveLength(1);
  });

  it('when requeue is given no selector or two, then it says which to give and changes nothing', async () => {
    await start();
    const { run, out } = cli();
    expect(await run('jobs', 'requeue')).toBe(1);
    expect(out).toEqual(['ERR jobs requeue: give exactly one of --key KEY…, --error CODE or --all.']);
    expect(await run('jobs', 'requeue', '--all', '--error', 'x')).toBe(1);
    expect(await run('jobs', 'requeue', '--help')).toBe(0);
    expect(out.join('\n')).toContain('exactly one of --key, --error, --all');
  });
});

describe('jobs run --now: the slot, not the clock', () => {
  it('when `jobs run --now` runs a past slot while a bot is running, then the bot does not take its claims over: one DM a person', async () => {
    await start({}, '2011-06-16T12:00:00+08:00');
    const at = '2011-06-16T09:00:00+08:00';
    const preview = await runJob(bot.ctx, findJob('reminders')!, { now: new Date(at), dryRun: true });
    const people = preview.summary.filter((l) => /^ {2}U/.test(l)).length;
    expect(people).toBeGreaterThan(1);
    // Slack is slow to answer the command line's posts; meanwhile the bot drains the outbox.
    bot.fake.failNext('chat.postMessage', { timeoutMs: 300 }, people);
    const { run } = cli();
    const manual = run('jobs', 'run', 'reminders', '--now', at);
    for (let i = 0; i < 500 && bot.fake.inFlight < people; i++) await new Promise((r) => setTimeout(r, 10));
    expect(bot.fake.inFlight).toBe(people);

    const db = openDatabase(bot.ctx.config.databaseUrl);
    closers.push(() => db.destroy());
    const logger = testLogger();
    const live: AppContext = {
      db,
      config: bot.ctx.config,
      clock: fixedClock('2011-06-16T12:00:30+08:00'),
      logger,
      outbox: createOutbox({ sender: slackSender(bot.ctx.config.slack, logger), jobs, drain: FAST }),
    };
    await drainOutbox(live);
    expect(await manual).toBe(0);

    const dms = bot.fake.messages().filter((m) => m.channel.startsWith('D'));
    expect(dms).toHaveLength(people);
    expect(new Set(dms.map((m) => m.channel)).size).toBe(people);
    const rows = await listOutbox(bot.ctx.db, { job: 'reminders' });
    expect(rows.every((r) => r.state === 'sent' && r.claimedAt!.startsWith('2011-06-16T04:00'))).toBe(true);
    expect(rows.every((r) => r.sentAt!.startsWith('2011-06-16T04:00'))).toBe(true);
  });

  it('when `jobs run --dry-run --now T` previews a slot before the last one run, then it shows that slot, marking what is queued', async () => {
    await start();
    await runJob(bot.ctx, findJob('reminders')!, { now: new Date('2011-06-16T09:00:00+08:00') });
    bot.clock.set('2011-06-17T09:00:00+08:00');
    await runJob(bot.ctx, findJob('reminders')!, { now: bot.clock.now() });
    const posts = bot.fake.callsTo('chat.postMessage').length;

    const { run, out } = cli();
    expect(await run('jobs', 'run', 'reminders', '--dry-run', '--now', '2011-06-16T09:00:00+08:00')).toBe(0);
    expect(out[0]).toMatch(/^reminders 2011-06-16 \(since 2011-06-15\): \d+ item\(s\) for \d+ person\(s\) — dry run/);
    expect(out.join('\n')).toContain('U0SEC00004 周敏');
    expect(out.filter((l) => l.startsWith('    ')).every((l) => l.endsWith('(already queued; not sent again)'))).toBe(
      true,
    );
    expect(bot.fake.callsTo('chat.postMessage')).toHaveLength(posts);
    expect((await getJobRun(bot.ctx.db, 'reminders')).lastSlot).toBe('2011-06-17T01:00:00.000Z');
  });
});
