import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { countByState, listOutbox } from '../../db/queries/outbox.js';
import { submitReport } from '../../db/queries/reports.js';
import { importPlan } from '../../db/queries/plans.js';
import { createDigestJob, digestJob } from '../../jobs/digest.js';
import { findJob } from '../../jobs/index.js';
import { runCli } from '../../src/cli/program.js';
import { fixedClock } from '../../src/clock.js';
import { parsePlan } from '../../src/domain/plan.js';
import { runJob } from '../../src/delivery/scheduler.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { PLAN_2011 } from '../helpers/db.js';
import { click, PEOPLE } from '../helpers/reporting.js';

let bot: TestBot;

async function start(env: Record<string, string> = {}, now = '2011-06-16T09:00:00+08:00') {
  bot = await startBot({ now, env, drain: { perChannelIntervalMs: 0, backoffBaseMs: 10 } });
  return bot;
}

afterEach(() => closeChecked(bot));

async function run(name: string, at: string) {
  bot.clock.set(at);
  return runJob(bot.ctx, findJob(name)!, { now: bot.clock.now() });
}

const posts = () => bot.fake.succeeded('chat.postMessage');
const dmsTo = (user: string) => posts().filter((c) => c.args.channel === user);
const textOf = (c: { args: Record<string, unknown> }) => JSON.stringify(c.args.blocks ?? '') + String(c.args.text);

async function report(code: string, branchCode: string, at: string) {
  const ob = await bot.ctx.db.selectFrom('obligations').select('id').where('code', '=', code).executeTakeFirstOrThrow();
  const br = await bot.ctx.db
    .selectFrom('branches')
    .select('id')
    .where('code', '=', branchCode)
    .executeTakeFirstOrThrow();
  const sec = await bot.ctx.db
    .selectFrom('people')
    .select('id')
    .where('slack_user_id', '=', PEOPLE.secretaryZx1)
    .executeTakeFirstOrThrow();
  await submitReport(
    bot.ctx.db,
    {
      obligationId: ob.id,
      branchId: br.id,
      heldOn: at.slice(0, 10),
      participants: 10,
      summary: 'done',
      evidence: [],
      submittedBy: sec.id,
      onTime: true,
    },
    { actor: 'test', now: new Date(at) },
  );
}

describe('the reminders job, end to end against the fake Slack', () => {
  it('when a stage falls, then each secretary gets one DM listing every item of every branch they lead, with the prompt buttons', async () => {
    await start();
    const outcome = await run('reminders', '2011-06-16T09:00:00+08:00');
    expect(outcome.completed).toBe(true);
    // 周敏 leads two primary schools: one DM.
    const zhou = dmsTo(PEOPLE.secretaryTwo);
    expect(zhou).toHaveLength(1);
    expect(textOf(zhou[0]!)).toContain('YQ-XX2');
    expect(textOf(zhou[0]!)).toContain('YQ-XX3');
    const actions = (
      zhou[0]!.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]
    ).filter((b) => b.type === 'actions');
    expect(actions.length).toBeGreaterThan(1);
    expect(actions[0]!.elements!.map((e) => e.action_id)).toEqual([
      'prompt_report_now',
      'prompt_snooze',
      'prompt_extension',
    ]);
    // Every secretary: exactly one DM.
    const recipients = posts().map((c) => c.args.channel);
    expect(new Set(recipients).size).toBe(recipients.length);
    expect(await countByState(bot.ctx.db)).toMatchObject({ pending: 0, sending: 0, failed: 0, dead: 0 });
  });

  it('when the job runs again for the same slot, or the next day with no new stage, then nothing more is sent', async () => {
    await start();
    await run('reminders', '2011-06-16T09:00:00+08:00');
    const first = posts().length;
    await run('reminders', '2011-06-16T09:00:00+08:00');
    await run('reminders', '2011-06-17T09:00:00+08:00');
    expect(posts().length).toBe(first);
  });

  it('when a branch reports, then its item is not mentioned again, while the others are', async () => {
    await start();
    await run('reminders', '2011-06-16T09:00:00+08:00');
    await report('A01-EVENT', 'YQ-ZX1', '2011-06-20T10:00:00+08:00');
    bot.fake.reset();
    await run('reminders', '2011-06-23T09:00:00+08:00'); // 7 days before 06-30
    const dm = dmsTo(PEOPLE.secretaryZx1);
    expect(dm).toHaveLength(1);
    expect(textOf(dm[0]!)).not.toContain('A01-EVENT');
    expect(textOf(dm[0]!)).toContain('A01-LOVE');
  });

  it('when a secretary clicks "remind me tomorrow" on the DM, then that item is left out until then and comes back on that day', async () => {
    await start();
    await run('reminders', '2011-06-16T09:00:00+08:00');
    const dm = dmsTo(PEOPLE.secretaryZx1)[0]!;
    const buttons = (dm.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
      .filter((b) => b.type === 'actions')
      .map((b) => b.elements!);
    const snoozeEvent = buttons
      .find((els) => els.some((e) => e.action_id === 'prompt_snooze'))!
      .find((e) => e.action_id === 'prompt_snooze')!;
    bot.clock.set('2011-06-16T10:00:00+08:00');
    await click(bot, PEOPLE.secretaryZx1, 'prompt_snooze', snoozeEvent.value, {
      message: { ts: String((dm.response as { ts: string }).ts) },
    });
    const snoozed = await bot.ctx.db.selectFrom('snoozes').selectAll().executeTakeFirstOrThrow();
    bot.fake.reset();
    await run('reminders', `${snoozed.until_date}T09:00:00+08:00`);
    const next = dmsTo(PEOPLE.secretaryZx1);
    expect(next).toHaveLength(1);
    const obligation = JSON.parse(snoozeEvent.value) as { o: number };
    const code = (
      await bot.ctx.db.selectFrom('obligations').select('code').where('id', '=', obligation.o).executeTakeFirstOrThrow()
    ).code;
    expect(textOf(next[0]!)).toContain(code);
  });

  it('when a recipient no longer exists in Slack, then the row is dead, not retried, and each admin is told once', async () => {
    await start();
    bot.fake.failNext('chat.postMessage', { error: 'user_not_found' });
    await run('reminders', '2011-06-16T09:00:00+08:00');
    const dead = await listOutbox(bot.ctx.db, { state: 'dead' });
    expect(dead.length).toBeGreaterThan(0);
    expect(new Set(dead.map((d) => d.recipient)).size).toBe(1);
    const toAdmin = dmsTo(PEOPLE.admin);
    expect(toAdmin).toHaveLength(1);
    // One line for the undelivered DM, however many items it carried.
    expect(JSON.stringify(toAdmin[0]!.args.blocks).match(/user_not_found/g)).toHaveLength(1);
    await run('reminders', '2011-06-17T09:00:00+08:00');
    expect(dmsTo(PEOPLE.admin)).toHaveLength(1);
    expect(bot.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === dead[0]!.recipient)).toHaveLength(1);
  });

  it('when the calendar has no data for the year, then admins are told once and reminders fall back to Monday to Friday', async () => {
    await start({}, '2030-06-14T09:00:00+08:00');
    const parsed = parsePlan(fs.readFileSync(PLAN_2011, 'utf8').replace(/2011/g, '2030'));
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    await importPlan(bot.ctx.db, parsed.value, { actor: 'test', now: new Date('2030-04-01T00:00:00Z') });
    await run('reminders', '2030-06-14T09:00:00+08:00'); // a Friday
    expect(dmsTo(PEOPLE.admin).map((c) => String(c.args.text))).toEqual([expect.stringContaining('2030')]);
    expect(posts().length).toBeGreaterThan(1);
    bot.fake.reset();
    await run('reminders', '2030-06-15T09:00:00+08:00'); // Saturday: nothing at all
    await run('reminders', '2030-06-17T09:00:00+08:00');
    expect(dmsTo(PEOPLE.admin)).toHaveLength(0);
    expect(bot.fake.callsTo('chat.postMessage').every((c) => !String(c.args.text).includes('2030 年'))).toBe(true);
  });
});

describe('the escalations job', () => {
  it('when items are overdue beyond the threshold and LEADERS_CHANNEL is set, then one post grouped by branch goes there, once', async () => {
    await start({ LEADERS_CHANNEL: 'C0LEADERS' });
    await run('escalations', '2011-05-16T09:30:00+08:00'); // A07 due 05-10: 6 days overdue
    const toChannel = posts().filter((c) => c.args.channel === 'C0LEADERS');
    expect(toChannel).toHaveLength(1);
    const text = textOf(toChannel[0]!);
    expect(text).toContain('YQ-ZX1');
    expect(text).toContain('A07-COBUILD');
    expect(text).toContain('escalation_draft_notice');
    await run('escalations', '2011-05-17T09:30:00+08:00');
    expect(posts().filter((c) => c.args.channel === 'C0LEADERS')).toHaveLength(1);
  });

  it('when no leaders channel is set, then each leader gets a DM', async () => {
    await start();
    await run('escalations', '2011-05-16T09:30:00+08:00');
    expect(dmsTo(PEOPLE.leader1)).toHaveLength(1);
    expect(dmsTo(PEOPLE.leader2)).toHaveLength(1);
  });
});

describe('the digest job', () => {
  it('when the week ends, then a summary goes to DIGEST_CHANNEL with the overdue list and attachments in its thread', async () => {
    await start({ DIGEST_CHANNEL: 'C0DIGEST' });
    const hook = async () => ({
      filename: 'completion.png',
      title: 'Completion by category',
      bytes: Buffer.from('png-bytes'),
    });
    // The digest with one more attachment: the chart it carries and this file.
    bot.clock.set('2011-06-20T09:00:00+08:00');
    await runJob(bot.ctx, createDigestJob([...digestJob.attachments, hook]), { now: bot.clock.now() });
    const inChannel = posts().filter((c) => c.args.channel === 'C0DIGEST');
    const main = inChannel.filter((c) => c.args.thread_ts === undefined);
    expect(main).toHaveLength(1);
    const ts = (main[0]!.response as { ts: string }).ts;
    expect(inChannel.filter((c) => c.args.thread_ts === ts).length).toBeGreaterThan(0);
    expect(bot.fake.uploads.filter((u) => u.filename === 'completion.png')).toMatchObject([
      { channelId: 'C0DIGEST', threadTs: ts },
    ]);
    await run('digest', '2011-06-21T09:00:00+08:00');
    expect(posts().filter((c) => c.args.channel === 'C0DIGEST' && c.args.thread_ts === undefined)).toHaveLength(1);
  });
});

describe('npm run cli -- jobs', () => {
  it('when run with --dry-run, then it prints who would get what and sends and records nothing; without, it sends; status counts the outbox', async () => {
    await start();
    const out: string[] = [];
    const env = {
      DATABASE_URL: bot.ctx.config.databaseUrl,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 's',
      SLACK_API_URL: bot.fake.apiUrl,
    };
    const io = {
      out: (l: string) => out.push(l),
      err: (l: string) => out.push(`ERR ${l}`),
      env,
      clock: fixedClock('2011-06-16T12:00:00+08:00'),
    };
    expect(await runCli(['jobs', 'run', 'reminders', '--now', '2011-06-16T09:00:00+08:00', '--dry-run'], io)).toBe(0);
    expect(out[0]).toContain('dry run');
    expect(out.join('\n')).toContain('U0SEC00004 周敏');
    expect(bot.fake.callsTo('chat.postMessage')).toEqual([]);
    expect(await listOutbox(bot.ctx.db)).toEqual([]);

    out.length = 0;
    expect(await runCli(['jobs', 'run', 'reminders', '--now', '2011-06-16T09:00:00+08:00'], io)).toBe(0);
    expect(out[0]).toMatch(/^reminders 2011-06-16/);
    expect(posts().length).toBeGreaterThan(0);

    out.length = 0;
    expect(await runCli(['jobs', 'status'], io)).toBe(0);
    expect(out.find((l) => l.startsWith('reminders'))).toContain('2011-06-16 09:00');
    expect(out.at(-1)).toMatch(/^outbox: 0 pending, 0 sending, \d+ sent/);

    out.length = 0;
    expect(await runCli(['jobs', 'run', 'nope'], io)).toBe(1);
    expect(await runCli(['jobs', 'run', 'digest', '--now', 'yesterday'], io)).toBe(1);
    expect(out.join('\n')).toContain('Unknown job "nope"');
  });
});
