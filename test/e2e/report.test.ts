import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { takeLoggedErrors } from '../helpers/logs.js';
import { branchId as branchIdIn, obligationId as obligationIdIn } from '../helpers/db.js';
import { lastView, reportState, selectOptions } from '../helpers/views.js';
import { putReport } from '../helpers/leaders.js';

const SECRETARY = 'U0SEC00001'; // 王建国, secretary of YQ-ZX1 (secondary)
const MEMBER = 'U0MEM00001';

let bot: TestBot;
beforeEach(async () => {
  bot = await startBot();
});
afterEach(() => closeChecked(bot));

const obligationId = (code: string) => obligationIdIn(bot.ctx.db, code);
const branchId = (code: string) => branchIdIn(bot.ctx.db, code);

async function openModal(user = SECRETARY, text = '') {
  const res = await bot.driver.command({ command: '/report', text, user_id: user });
  expect(res.status).toBe(200);
  return lastView(bot.fake);
}

async function submit(view: { private_metadata: string }, state: ReturnType<typeof reportState>, user = SECRETARY) {
  return bot.driver.viewSubmission({
    user_id: user,
    view: { callback_id: 'report_submit', private_metadata: view.private_metadata, state: { values: state } },
  });
}

/** Submits the report modal for the task with this code, its other fields as given. */
async function submitTask(
  view: { private_metadata: string },
  code: string,
  fields: Omit<Parameters<typeof reportState>[0], 'obligationId'>,
) {
  return submit(view, reportState({ obligationId: String(await obligationId(code)), ...fields }));
}

/** Submits the smallest valid report (3 people, one word) of the task with this code. */
async function submitMinimalReport(view: { private_metadata: string }, code: string) {
  return submitTask(view, code, { heldOn: '2011-06-18', participants: '3', summary: 'x' });
}

describe('/report, end to end over signed HTTP', () => {
  it('when a secretary types /report, then a modal lists the tasks of their branch category only', async () => {
    const view = await openModal();
    expect(view.callback_id).toBe('report_submit');
    const codes = selectOptions(view, 'obligation').map((o) => o.text.text.split(' ')[0]);
    expect(codes).toContain('A01-EVENT');
    expect(codes).toContain('A04-OPENNESS'); // schools
    expect(codes).not.toContain('A02-SELFCHECK'); // the office only
    expect(codes).not.toContain('A09-RESEARCH'); // a personal paper
    expect(view.title.text).toBe('报送完成情况'); // the workspace default is Chinese
  });

  it('when the secretary submits a valid report before the due date, then it is stored on time, audited and confirmed', async () => {
    const view = await openModal();
    const event = String(await obligationId('A01-EVENT'));
    const res = await submit(
      view,
      reportState({
        obligationId: event,
        heldOn: '2011-06-18',
        participants: '42',
        summary: '“党在我心中”演讲比赛',
        evidence: 'https://example.org/photos',
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toBe('');

    const rows = await bot.ctx.db.selectFrom('reports').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      branch_id: await branchId('YQ-ZX1'),
      held_on: '2011-06-18',
      participants: 42,
      on_time: 1,
      status: 'submitted',
    });
    expect(JSON.parse(rows[0]!.evidence)).toEqual([{ type: 'link', url: 'https://example.org/photos' }]);
    const audit = await listAudit(bot.ctx.db, { action: 'report.submit' });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe(SECRETARY);
    const dm = bot.fake.callsTo('chat.postMessage').find((c) => c.args.channel === SECRETARY)!;
    expect(dm).toBeDefined();
    expect(String(dm.args.text)).toContain('A01-EVENT');
    expect(String(dm.args.text)).toContain('按时');
  });

  it('when a report comes after the due date in the plan timezone, then it counts as late', async () => {
    // 2011-05-10 is A07's due date; 2011-05-11 00:30 in Shanghai is still 05-10 in UTC.
    bot.clock.set('2011-05-11T00:30:00+08:00');
    const view = await openModal();
    await submitTask(view, 'A07-COBUILD', { heldOn: '2011-05-04', participants: '30', summary: '五四青年节活动' });
    const row = await bot.ctx.db.selectFrom('reports').selectAll().executeTakeFirstOrThrow();
    expect(row.on_time).toBe(0);
    expect(String(bot.fake.callsTo('chat.postMessage').find((c) => c.args.channel === SECRETARY)!.args.text)).toContain(
      '逾期',
    );
  });

  it('when a field is bad, then the modal shows inline errors and nothing is stored', async () => {
    const view = await openModal();
    const res = await submitTask(view, 'A01-EVENT', {
      heldOn: '2011-06-21',
      participants: '-3',
      summary: '   ',
      evidence: 'not a url',
    });
    expect(res.status).toBe(200);
    const body = res.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors).sort()).toEqual(['evidence', 'held_on', 'participants', 'summary']);
    expect(body.errors.held_on).toBe('日期不能晚于今天。');
    expect(await bot.ctx.db.selectFrom('reports').selectAll().execute()).toEqual([]);
    expect(await listAudit(bot.ctx.db, { action: 'report.submit' })).toEqual([]);
  });

  it('when no task is chosen or the date is missing, then those fields are marked', async () => {
    const view = await openModal();
    const res = await submit(view, reportState({ participants: '3', summary: 'ok' }));
    const body = res.json() as { errors: Record<string, string> };
    expect(Object.keys(body.errors).sort()).toEqual(['held_on', 'obligation']);
  });

  it('when the task does not apply to the branch, then the submission is refused and logged', async () => {
    const view = await openModal();
    const res = await submitMinimalReport(view, 'A02-SELFCHECK');
    expect((res.json() as { errors: Record<string, string> }).errors.obligation).toBeDefined();
    expect(await bot.ctx.db.selectFrom('reports').selectAll().execute()).toEqual([]);
    expect(await listAudit(bot.ctx.db, { action: 'access.denied' })).toHaveLength(1);
  });

  it('when a leader has exempted the branch from a task, then /report does not offer it and a submission of it is refused', async () => {
    await bot.ctx.db
      .insertInto('exemptions')
      .values({
        obligation_id: await obligationId('A01-EVENT'),
        branch_id: await branchId('YQ-ZX1'),
        reason: '学校搬迁',
        granted_by: 1,
        granted_at: '2011-05-01T00:00:00.000Z',
        revoked_at: null,
      })
      .execute();
    const view = await openModal();
    const codes = selectOptions(view, 'obligation').map((o) => o.text.text.split(' ')[0]);
    expect(codes).toContain('A04-OPENNESS');
    expect(codes).not.toContain('A01-EVENT');
    const res = await submitMinimalReport(view, 'A01-EVENT');
    expect((res.json() as { errors: Record<string, string> }).errors.obligation).toBeDefined();
    expect(await bot.ctx.db.selectFrom('reports').selectAll().execute()).toEqual([]);
  });

  it('when the metadata is forged to name another branch, then nothing is stored and the attempt is logged', async () => {
    await openModal();
    const forged = { private_metadata: JSON.stringify({ planId: 1, branchId: await branchId('YQ-ZX2') }) };
    const res = await submitMinimalReport(forged, 'A01-EVENT');
    expect((res.json() as { response_action: string }).response_action).toBe('errors');
    expect(await bot.ctx.db.selectFrom('reports').selectAll().execute()).toEqual([]);
    const denied = await listAudit(bot.ctx.db, { action: 'access.denied' });
    expect(denied.map((d) => d.actor)).toEqual([SECRETARY]);
  });

  it('when someone who is not a secretary types /report, then they get a clear ephemeral answer and no modal', async () => {
    await bot.driver.command({ command: '/report', user_id: MEMBER });
    expect(bot.fake.callsTo('views.open')).toEqual([]);
    const reply = bot.fake.callsTo('response_url').at(-1)!;
    expect(reply.args.response_type).toBe('ephemeral');
    expect(String(reply.args.text)).toContain('书记');
  });

  it('when someone not in the roster types /report, then they are told whom to ask, in their language', async () => {
    await bot.setLocale('U0STRANGER', 'en-US');
    await bot.driver.command({ command: '/report', user_id: 'U0STRANGER' });
    expect(bot.fake.callsTo('views.open')).toEqual([]);
    expect(String(bot.fake.callsTo('response_url').at(-1)!.args.text)).toContain('campaign office');
  });

  it('when /report names a task code, then the modal opens with it chosen', async () => {
    const view = await openModal(SECRETARY, 'a06-risks');
    const block = view.blocks.find((b) => b.block_id === 'obligation')!;
    expect((block.element!.initial_option as { value: string }).value).toBe(String(await obligationId('A06-RISKS')));
  });

  it('when every task of the branch has been accepted, then /report says so instead of opening an empty list', async () => {
    // YQ-CJ1 is 县成人学校党支部 (adult), its secretary U0SEC00007.
    const obligations = await bot.ctx.db
      .selectFrom('obligations')
      .select(['code', 'targets', 'applies_to'])
      .where('kind', '=', 'report')
      .execute();
    for (const ob of obligations.filter(
      (o) => o.applies_to === 'all' || (JSON.parse(o.targets) as string[]).includes('adult'),
    ))
      await putReport(bot.ctx.db, { branch: 'YQ-CJ1', obligation: ob.code, status: 'accepted', by: 'U0SEC00007' });
    await bot.driver.command({ command: '/report', user_id: 'U0SEC00007' });
    expect(bot.fake.callsTo('views.open')).toEqual([]);
    expect(String(bot.fake.callsTo('response_url').at(-1)!.args.text)).toContain('均已报送并经领导审核通过');
  });

  it('when a person uses the bot twice, then Slack is asked for their language once, and again after a week', async () => {
    await openModal();
    await openModal();
    expect(bot.fake.callsTo('users.info')).toHaveLength(1);
    await bot.setLocale(SECRETARY, 'en-US'); // changes it in Slack; the bot's cache is not told
    await bot.ctx.db
      .updateTable('people')
      .set({ locale_checked_at: bot.clock.now().toISOString() })
      .where('slack_user_id', '=', SECRETARY)
      .execute();
    expect((await openModal()).title.text).toBe('报送完成情况');
    bot.clock.advance(8 * 24 * 3600 * 1000);
    expect((await openModal()).title.text).toBe('Report completion');
    expect(bot.fake.callsTo('users.info')).toHaveLength(2);
  });

  it('when the secretary uses Slack in English, then the modal and the errors are in English', async () => {
    await bot.setLocale(SECRETARY, 'en-US');
    const view = await openModal();
    expect(view.title.text).toBe('Report completion');
    const res = await submitTask(view, 'A01-EVENT', { heldOn: '2011-06-18', participants: 'x', summary: 'ok' });
    expect((res.json() as { errors: Record<string, string> }).errors.participants).toBe(
      'Enter a whole number from 0 to 100000.',
    );
  });
});

describe('the HTTP surface', () => {
  it('when the database answers, then /healthz is 200', async () => {
    const res = await fetch(`${bot.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('when the database is gone, then /healthz is 503', async () => {
    await bot.ctx.db.destroy();
    const res = await fetch(`${bot.baseUrl}/healthz`);
    expect(res.status).toBe(503);
    expect(takeLoggedErrors()).toMatchObject([
      {
        msg: 'health check: the database does not take a write',
        err: { message: 'driver has already been destroyed' },
      },
    ]);
    bot.ctx.db = (await import('../helpers/db.js').then((m) => m.freshDb())).db;
    const { takeConsoleErrors } = await import('../setup.js');
    takeConsoleErrors();
  });

  it('when a request is unsigned, badly signed or stale, then Bolt answers 401 and nothing runs', async () => {
    const body = 'command=%2Freport&user_id=U0SEC00001&text=&trigger_id=1.2.3';
    const unsigned = await fetch(`${bot.baseUrl}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(unsigned.status).toBe(401);
    const bad = await bot.driver.command({ command: '/report', user_id: SECRETARY }, { signature: 'v0=0000' });
    expect(bad.status).toBe(401);
    const stale = await bot.driver.command(
      { command: '/report', user_id: SECRETARY },
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    );
    expect(stale.status).toBe(401);
    expect(bot.fake.callsTo('views.open')).toEqual([]);
  });
});
