import fs from 'node:fs';
import http from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startMode } from '../../src/config.js';
import { placedElements } from '../../src/playground/block-ids.js';
import type { FakeMessage } from '../../src/playground/fake-slack.js';
import { isLoopbackAddress } from '../../src/playground/server.js';
import { startPlayground } from '../../src/playground/start.js';
import { startTestPlayground, type TestPlayground } from '../helpers/playground.js';

const SECRETARY = 'U0SEC00001';
const LEADER = 'U0LDR00002';

/** The element of a message or view with this action id, as the page names it. */
function element(blocks: unknown, actionId: string) {
  const found = placedElements(blocks).find((p) => p.actionId === actionId);
  if (!found) throw new Error(`no ${actionId} in ${JSON.stringify(blocks).slice(0, 300)}`);
  return found;
}

function lastWith(messages: FakeMessage[], actionId: string): FakeMessage | undefined {
  return messages.filter((m) => JSON.stringify(m.blocks ?? []).includes(`"${actionId}"`)).at(-1);
}

describe('the playground as npm start runs it without Slack', () => {
  let t: TestPlayground;
  beforeAll(async () => {
    t = await startTestPlayground();
    await t.pg.caughtUp;
  });
  afterAll(async () => {
    expect(t.pg.fake.violations).toEqual([]);
    await t.stop();
  });

  it('when it starts for the first time, then its database holds the 2011 plan and the example roster, its clock is on a working Monday of the plan, and the morning’s jobs ran as a starting bot catches up', async () => {
    const { db } = t.pg.ctx;
    expect((await db.selectFrom('plans').select('year').execute()).map((p) => p.year)).toEqual([2011]);
    // 17 rows, one person secretary of two branches.
    expect(await db.selectFrom('people').select('slack_user_id').execute()).toHaveLength(16);
    const now = t.pg.clock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(Date.parse('2011-06-20T10:00:00+08:00'));
    expect(now).toBeLessThan(Date.parse('2011-06-20T10:10:00+08:00'));
    expect(t.dm(SECRETARY).some((m) => JSON.stringify(m.blocks).includes('prompt_report_now'))).toBe(true);
    expect(t.pg.fake.messages('C0DIGEST').length).toBeGreaterThan(0);
    expect(t.pg.fake.uploads.map((u) => u.filename)).toEqual(['completion-2011-06-20.png']);
    const log = await t.get('/playground/api/joblog', { lang: 'en' });
    for (const job of ['Reminders', 'Escalations', 'Weekly progress']) expect(log.text).toContain(job);
  });

  it('when the page is asked for with no person, then it sends the browser to the first secretary’s DM, and the page it serves allows scripts from itself only', async () => {
    const first = await fetch(t.pg.url, { redirect: 'manual', headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe(`/playground?user=${SECRETARY}&pane=dm&lang=zh-CN`);
    const english = await fetch(t.pg.url, { redirect: 'manual', headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(english.headers.get('location')).toBe(`/playground?user=${SECRETARY}&pane=dm&lang=en`);
    const page = await fetch(`${t.pg.url}?user=${SECRETARY}&pane=dm&lang=en`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('Pacesetter playground');
    expect(html).toContain('王建国');
    expect(html).toContain('data-action="prompt_report_now"');
    for (const asset of ['app.js', 'style.css', 'icon.svg'])
      expect((await fetch(`${t.origin}/playground/static/${asset}`)).status).toBe(200);
    expect((await fetch(`${t.origin}/playground/static/..%2F..%2Fpackage.json`)).status).toBe(404);
  });

  it('when /healthz and /slack/events are asked of the playground’s port, then the bot behind it answers them', async () => {
    const health = await fetch(`${t.origin}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok', slack: 'ok' });
    // Unsigned: the bot refuses it, as it would from anyone but Slack.
    const forged = await fetch(`${t.origin}/slack/events`, { method: 'POST', body: 'command=/report' });
    expect(forged.status).toBe(401);
  });

  it('when a request names another host, comes from another site or lacks the page’s header, then it is refused', async () => {
    const asOther = await new Promise<number>((resolve, reject) => {
      const url = new URL(t.pg.url);
      http
        .get({ host: url.hostname, port: url.port, path: '/playground', headers: { host: 'evil.example' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(asOther).toBe(403);
    const noHeader = await fetch(`${t.origin}/playground/api/clock`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ local: '2011-12-01T09:00' }),
    });
    expect(noHeader.status).toBe(403);
    const crossSite = await fetch(`${t.origin}/playground/api/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-playground': '1', origin: 'http://evil.example' },
      body: JSON.stringify({ local: '2011-12-01T09:00' }),
    });
    expect(crossSite.status).toBe(403);
    expect(t.pg.clock.now().getTime()).toBeLessThan(Date.parse('2011-07-01T00:00:00Z'));
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('192.168.1.20')).toBe(false);
    expect(isLoopbackAddress('::ffff:10.0.0.1')).toBe(false);
    expect(isLoopbackAddress(undefined)).toBe(false);
  });

  it('when what the page sends is not what it should be, then it is answered 400 and nothing changes', async () => {
    const bad = [
      ['/playground/api/act', { user: SECRETARY, surface: { type: 'message' }, block: 'b', action: 'a' }],
      ['/playground/api/command', { user: 'not a user', channel: 'C0GENERAL', text: '/report' }],
      ['/playground/api/clock', { local: 'tomorrow' }],
      ['/playground/api/job', { job: 'format-disk' }],
      ['/playground/api/submit', { user: SECRETARY, view: 'V1', values: { a: { b: { c: 1 } } } }],
    ] as const;
    for (const [path, body] of bad) expect((await t.post(path, body)).status, path).toBe(400);
    const notJson = await fetch(`${t.origin}/playground/api/act`, {
      method: 'POST',
      headers: { 'x-playground': '1' },
      body: '{',
    });
    expect(notJson.status).toBe(400);
    expect(t.pg.fake.violations).toEqual([]);
  });

  it('when a secretary presses Report now and submits a number that is not one, then the modal stays with the error under the field; corrected, it closes and the DM confirms', async () => {
    const reminder = lastWith(t.dm(SECRETARY), 'prompt_report_now')!;
    const button = element(reminder.blocks, 'prompt_report_now');
    const pressed = await t.post('/playground/api/act', {
      user: SECRETARY,
      surface: { type: 'message', channel: reminder.channel, ts: reminder.ts },
      block: button.blockId,
      action: button.actionId,
      value: null,
      values: {},
    });
    expect(pressed.json).toEqual({ ok: true });
    const modal = await t.until(() => t.pg.ws.topModal(SECRETARY), 'report modal');
    expect(modal.view.view['callback_id']).toBe('report_submit');
    const values = {
      held_on: { value: '2011-06-18' },
      participants: { value: 'forty' },
      summary: { value: '组织党员参观平北抗日战争纪念馆。' },
      evidence: { value: 'https://example.org/photos' },
    };
    const wrong = await t.post('/playground/api/submit', { user: SECRETARY, view: modal.view.id, values });
    expect(wrong.json).toMatchObject({ outcome: 'errors', errors: { participants: expect.any(String) } });
    const drawn = await t.get('/playground/api/modal', { user: SECRETARY });
    expect(drawn.text).toContain('bk-has-error');
    expect(t.pg.ws.topModal(SECRETARY)?.view.id).toBe(modal.view.id);

    const right = await t.post('/playground/api/submit', {
      user: SECRETARY,
      view: modal.view.id,
      values: { ...values, participants: { value: '35' } },
    });
    expect(right.json).toEqual({ outcome: 'closed' });
    expect(t.pg.ws.topModal(SECRETARY)).toBeNull();
    await t.until(() => lastWith(t.dm(SECRETARY), 'report_withdraw'), 'saved report DM');
    const stored = await t.pg.ctx.db.selectFrom('reports').selectAll().execute();
    expect(stored).toMatchObject([
      { held_on: '2011-06-18', participants: 35, summary: '组织党员参观平北抗日战争纪念馆。', status: 'submitted' },
    ]);
    expect(stored[0]!.evidence).toContain('https://example.org/photos');
  });

  it('when a leader runs /rankings in a channel, then only they see the answer there, and the others see nothing of it', async () => {
    const ran = await t.post('/playground/api/command', { user: LEADER, channel: 'C0GENERAL', text: '/rankings' });
    expect(ran.json).toEqual({ ok: true });
    await t.until(() => t.pg.fake.ephemerals('C0GENERAL').find((m) => m.ephemeralTo === LEADER), 'ranking');
    const theirs = await t.get('/playground/api/pane', { user: LEADER, pane: 'C0GENERAL' });
    const others = await t.get('/playground/api/pane', { user: SECRETARY, pane: 'C0GENERAL' });
    expect(theirs.text).toContain('msg-ephemeral');
    expect(theirs.text).toContain('排名');
    expect(others.text).not.toContain('msg-ephemeral');
  });

  it('when a slash command is not the app’s, or the text is not a command, then it is refused before the bot hears of it', async () => {
    expect(
      (await t.post('/playground/api/command', { user: LEADER, channel: 'C0GENERAL', text: '/giphy cats' })).json,
    ).toEqual({
      ok: false,
      error: 'unknown_command',
    });
    expect(
      (await t.post('/playground/api/command', { user: LEADER, channel: 'C0GENERAL', text: 'hello' })).json,
    ).toEqual({
      ok: false,
      error: 'not_a_command',
    });
  });

  it('when a leader exports the workbook, then it arrives as a file in their DM and downloads as XLSX', async () => {
    await t.post('/playground/api/command', { user: LEADER, channel: `D${LEADER}`, text: '/pacesetter export' });
    const upload = await t.until(() => t.pg.fake.uploads.find((u) => u.filename.endsWith('.xlsx')), 'workbook');
    expect(upload.channelId).toBe(`D${LEADER}`);
    const pane = await t.get('/playground/api/pane', { user: LEADER, pane: 'dm' });
    const href = /href="(\/playground\/files\/[^"]+\.xlsx)" download=/.exec(pane.text)?.[1];
    expect(href).toBeDefined();
    const file = await fetch(`${t.origin}${href}`);
    expect(file.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
  });

  it('when a leader publishes a notice, then the conversation picker offers the channels, the modal becomes the app’s answer and the notice is posted in the chosen channel', async () => {
    await t.post('/playground/api/command', { user: LEADER, channel: 'C0NOTICES', text: '/pacesetter notice' });
    const modal = await t.until(() => t.pg.ws.topModal(LEADER), 'notice modal');
    const html = (await t.get('/playground/api/modal', { user: LEADER })).text;
    expect(html).toContain('data-type="conversations_select"');
    expect(html).toMatch(/<option value="C0NOTICES"\s+selected\s*>#notices<\/option>/);
    const sent = await t.post('/playground/api/submit', {
      user: LEADER,
      view: modal.view.id,
      values: { title: { value: { toString: () => '' } as unknown as string } },
    });
    // A value of the wrong shape is the page's mistake: refused whole.
    expect(sent.status).toBe(400);
    const published = await t.post('/playground/api/submit', { user: LEADER, view: modal.view.id, values: {} });
    expect(published.json).toEqual({ outcome: 'updated' });
    await t.until(() => t.pg.fake.messages('C0NOTICES').length > 0, 'the notice');
    await t.until(
      () => (t.pg.ws.topModal(LEADER)?.view.view['blocks'] as unknown[] | undefined)?.length === 1,
      'outcome',
    );
    await t.post('/playground/api/close', { user: LEADER, view: modal.view.id, all: true });
    expect(t.pg.ws.topModal(LEADER)).toBeNull();
  });

  it('when a person switches their Slack language, then the bot answers them in it and Slack’s own words follow', async () => {
    await t.post('/playground/api/locale', { user: 'U0SEC00002', locale: 'en' });
    await t.post('/playground/api/command', { user: 'U0SEC00002', channel: 'DU0SEC00002', text: '/progress' });
    const answer = await t.until(
      () => t.pg.fake.ephemerals('DU0SEC00002').find((m) => m.ephemeralTo === 'U0SEC00002'),
      'progress answer',
    );
    expect(JSON.stringify(answer.blocks)).toMatch(/Secondary school|overdue/);
    const pane = await t.get('/playground/api/pane', { user: 'U0SEC00002', pane: 'dm' });
    expect(pane.text).toContain('Only visible to you');
  });

  it('when the Home tab is opened, then the app publishes it and the page draws it', async () => {
    expect((await t.post('/playground/api/open', { user: SECRETARY, tab: 'home' })).json).toEqual({ ok: true });
    await t.until(() => t.pg.ws.home(SECRETARY), 'home');
    const home = await t.get('/playground/api/pane', { user: SECRETARY, pane: 'home' });
    expect(home.text).toContain('bk-home');
    expect(home.text).toContain('data-action="home_report"');
  });

  it('when the page listens to its events, then a new message is told as it happens', async () => {
    const heard = new Promise<string>((resolve, reject) => {
      const req = http.get(`${t.origin}/playground/api/events`, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (chunk.includes('"kind":"channel"')) {
            resolve(chunk);
            req.destroy();
          }
        });
      });
      req.on('error', (err) => (err.message.includes('socket hang up') ? undefined : reject(err)));
      setTimeout(
        () => void t.post('/playground/api/command', { user: LEADER, channel: 'C0GENERAL', text: '/pacesetter help' }),
        100,
      );
    });
    expect(await heard).toContain('"channel":"C0GENERAL"');
  });

  it('when the clock is set to a deadline and reminders run twice, then the reminder of that day arrives once', async () => {
    const set = await t.post('/playground/api/clock', { local: '2011-06-30T09:30' });
    expect(set.status).toBe(200);
    expect(Math.abs(t.pg.clock.now().getTime() - Date.parse('2011-06-30T09:30:00+08:00'))).toBeLessThan(60_000);
    const before = t.dm('U0SEC00003').length;
    expect((await t.post('/playground/api/job', { job: 'reminders' })).json).toMatchObject({ ok: true });
    const after = t.dm('U0SEC00003');
    expect(after).toHaveLength(before + 1);
    expect(JSON.stringify(after.at(-1)!.blocks)).toContain('2011-06-30');
    expect((await t.post('/playground/api/job', { job: 'reminders' })).json).toMatchObject({ ok: true });
    expect(t.dm('U0SEC00003')).toHaveLength(before + 1);
  });
});

describe('the playground between starts', () => {
  it('when it is stopped and started again in the same folder, then the messages, files, clock and languages are still there and nothing is sent twice', async () => {
    const first = await startTestPlayground();
    await first.pg.caughtUp;
    await first.post('/playground/api/locale', { user: SECRETARY, locale: 'en' });
    const messages = first.pg.fake.messages().length;
    const clock = first.pg.clock.now().getTime();
    await first.stop();

    const again = await startTestPlayground({ dataDir: first.dataDir });
    await again.pg.caughtUp;
    try {
      expect(again.pg.fake.messages()).toHaveLength(messages);
      expect(again.pg.fake.uploads.map((u) => u.filename)).toEqual(['completion-2011-06-20.png']);
      expect(again.pg.clock.now().getTime()).toBeGreaterThanOrEqual(clock);
      expect(again.pg.clock.now().getTime() - clock).toBeLessThan(60_000);
      expect(again.pg.ws.localeOf(SECRETARY)).toBe('en');
      const png = again.pg.ws.file(again.pg.fake.uploads[0]!.fileId);
      expect(png?.bytes.subarray(1, 4).toString()).toBe('PNG');
    } finally {
      await again.stop();
    }
  });

  it('when its state file is damaged, then it starts from its database alone and says so in the log', async () => {
    const first = await startTestPlayground({ catchUp: false });
    await first.stop();
    fs.writeFileSync(`${first.dataDir}/playground.json`, '{"version":1,"clock":');
    const logged: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) });
    const again = await startTestPlayground({ dataDir: first.dataDir, catchUp: false, logger });
    try {
      expect(again.pg.fake.messages()).toEqual([]);
      expect(logged.join('')).toContain('its state file was not read');
      expect((await again.get('/playground/api/clock')).status).toBe(200);
    } finally {
      await again.stop();
    }
  });
});

describe('when the playground starts, and when not', () => {
  it('when no Slack variable is set and NODE_ENV is not production, then npm start runs the playground; any Slack variable means Slack', () => {
    expect(startMode({})).toEqual({ kind: 'playground', ignored: [] });
    expect(startMode({ NODE_ENV: 'development', PORT: '3001' })).toEqual({ kind: 'playground', ignored: [] });
    expect(startMode({ SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual({ kind: 'slack' });
    expect(startMode({ SLACK_API_URL: 'http://127.0.0.1:1/api/' })).toEqual({ kind: 'slack' });
    expect(startMode({ NODE_ENV: 'production' })).toEqual({ kind: 'slack' });
    expect(startMode({ PLAYGROUND: 'off' })).toEqual({ kind: 'slack' });
    expect(startMode({ PLAYGROUND: 'on', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' })).toEqual({
      kind: 'playground',
      ignored: ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'],
    });
    // An empty variable counts as not set, as everywhere in the configuration.
    expect(startMode({ SLACK_BOT_TOKEN: '' })).toEqual({ kind: 'playground', ignored: [] });
  });

  it('when a Slack variable is set but not all, then starting names what is missing, as before', () => {
    expect(startMode({ SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual({ kind: 'slack' });
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET: is required in HTTP mode/);
  });

  it('when PLAYGROUND is on in production, or neither on nor off, then starting is refused with one line saying so', () => {
    expect(() => startMode({ PLAYGROUND: 'on', NODE_ENV: 'production' })).toThrow(
      /PLAYGROUND: the playground never runs when NODE_ENV=production/,
    );
    expect(() => startMode({ PLAYGROUND: 'yes' })).toThrow(/PLAYGROUND: expected on or off, got "yes"/);
  });

  it('when it is asked to listen on another address than 127.0.0.1, or to start in production, then it refuses', async () => {
    await expect(startPlayground({ env: {}, host: '0.0.0.0', port: 0 })).rejects.toThrow(/127\.0\.0\.1 only/);
    await expect(startPlayground({ env: { NODE_ENV: 'production' }, port: 0 })).rejects.toThrow(/never runs/);
  });
});
