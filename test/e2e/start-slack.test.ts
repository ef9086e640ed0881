import { spawn, type ChildProcess } from 'node:child_process';
import dns from 'node:dns';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/index.js';
import { freshDb, loadPlan, loadRoster, ROOT, tempDir } from '../helpers/db.js';
import { freePort } from '../helpers/ports.js';
import { startFakeSlack, type FakeSlack } from '../../src/playground/fake-slack.js';

/**
 * `npm start` as a new user runs it (src/main.ts in a process of its own), with a Slack that does
 * not answer, one that refuses the token, and one that comes up after the bot.
 */

const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

interface Bot {
  child: ChildProcess;
  port: number;
  db: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** A database with the 2011 plan and the example roster, so the scheduler has runs to catch up. */
async function seededDb(): Promise<string> {
  const { db, file } = await freshDb();
  await loadPlan(db);
  await loadRoster(db);
  await db.destroy();
  return file;
}

let running: Bot[] = [];
afterEach(async () => {
  for (const bot of running) if (bot.child.exitCode === null) bot.child.kill('SIGTERM');
  await Promise.all(running.map((b) => b.exited));
  running = [];
});

async function startBot(apiUrl: string, db?: string): Promise<Bot> {
  const port = await freePort();
  const file = db ?? path.join(tempDir(), 'pacesetter.db');
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: tempDir(),
    SLACK_BOT_TOKEN: 'xoxb-dummy',
    SLACK_SIGNING_SECRET: 'secret',
    SLACK_API_URL: apiUrl,
    PORT: String(port),
    DATABASE_URL: file,
    LOG_LEVEL: 'info',
    // Every missed run of the last month is due: catch-up has work whatever today's weekday.
    CATCH_UP_HOURS: '744',
  };
  const child = spawn(TSX, [path.join(ROOT, 'src/main.ts')], { cwd: tempDir(), env });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const bot = { child, port, db: file, stdout: () => out, stderr: () => err, exited };
  running.push(bot);
  return bot;
}

async function health(bot: Bot): Promise<{ status: number; body: Record<string, string> } | null> {
  return fetch(`http://127.0.0.1:${bot.port}/healthz`).then(
    async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string> }),
    () => null,
  );
}

/** Polls /healthz until `done` says so (or the bot exits), and returns the last answer. */
async function healthUntil(bot: Bot, done: (h: { status: number; body: Record<string, string> }) => boolean) {
  for (let i = 0; i < 300 && bot.child.exitCode === null; i++) {
    const h = await health(bot);
    if (h && done(h)) return h;
    await new Promise((r) => setTimeout(r, 100));
  }
  return health(bot);
}

/** The bot's job_runs, read through its own database (a SQLite file, or its PostgreSQL database in the pg project). */
async function jobRuns(
  url: string,
): Promise<{ job: string; last_slot: string | null; last_started_at: string | null }[]> {
  const db = openDatabase(url);
  try {
    return await db.selectFrom('job_runs').select(['job', 'last_slot', 'last_started_at']).orderBy('job').execute();
  } finally {
    await db.destroy();
  }
}

/** The first check has come back (before it, /healthz says slack: checking). */
const checked = (h: { body: Record<string, string> }) => h.body.slack !== 'checking';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('starting while Slack cannot be reached', () => {
  it(
    'when nothing listens at SLACK_API_URL, then the bot stays up, /healthz answers 503 slack: unreachable, and no run is recorded',
    { timeout: 60_000 },
    async () => {
      const bot = await startBot(`http://127.0.0.1:${await freePort()}/api/`, await seededDb());
      const first = await healthUntil(bot, checked);
      // Bolt's auth.test used to fail ~1.5 s after "running" and take the process down.
      await sleep(4000);
      expect(bot.child.exitCode, bot.stderr()).toBeNull();
      const later = await health(bot);
      for (const h of [first, later]) {
        expect(h).toEqual({
          status: 503,
          body: { status: 'unavailable', database: 'ok', slack: 'unreachable', slackError: 'ECONNREFUSED' },
        });
      }
      expect((await jobRuns(bot.db)).filter((r) => r.last_slot !== null || r.last_started_at !== null)).toEqual([]);
      expect(bot.stdout()).toContain('catch-up waits until Slack answers');
      expect(bot.stderr()).toBe('');
    },
  );

  it(
    'when the host of SLACK_API_URL does not resolve, then the bot stays up and /healthz names the DNS failure',
    { timeout: 60_000 },
    async () => {
      // .invalid never resolves (RFC 6761): the lookup fails here without a network.
      const lookup = await dns.promises.lookup('slack.invalid').catch((e: NodeJS.ErrnoException) => e.code);
      expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(lookup);
      const bot = await startBot('http://slack.invalid/api/');
      const first = await healthUntil(bot, checked);
      await sleep(3000);
      expect(bot.child.exitCode, bot.stderr()).toBeNull();
      expect(first?.status).toBe(503);
      expect(first?.body).toMatchObject({ status: 'unavailable', database: 'ok', slack: 'unreachable' });
      expect(first?.body.slackError).toBe(lookup);
      expect(bot.stderr()).toBe('');
    },
  );
});

describe('starting with a token Slack refuses', () => {
  let fake: FakeSlack | null = null;
  afterEach(async () => {
    await fake?.close();
    fake = null;
  });

  it.each(['invalid_auth', 'token_revoked', 'account_inactive', 'not_authed'])(
    'when auth.test answers %s, then the bot exits non-zero with one line naming it and what to do',
    { timeout: 60_000 },
    async (error) => {
      fake = await startFakeSlack();
      fake.failNext('auth.test', { error }, 100);
      const bot = await startBot(fake.apiUrl);
      const code = await bot.exited;
      expect(code).toBe(1);
      const lines = bot.stderr().split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`Slack refused SLACK_BOT_TOKEN (${error})`);
      expect(lines[0]).toMatch(/then start Pacesetter again\.$/);
      expect(bot.stderr()).not.toMatch(/\bat .*\.[jt]s:\d+/);
      expect(bot.stdout()).not.toContain('Pacesetter is running');
      expect(fake.callsTo('auth.test').length).toBeGreaterThan(0);
    },
  );
});

describe('Slack coming up after the bot', () => {
  let fake: FakeSlack | null = null;
  afterEach(async () => {
    await fake?.close();
    fake = null;
  });

  it(
    'when Slack starts answering later, then the bot becomes healthy and catch-up runs then, not before',
    { timeout: 90_000 },
    async () => {
      const slackPort = await freePort();
      const bot = await startBot(`http://127.0.0.1:${slackPort}/api/`, await seededDb());
      const down = await healthUntil(bot, checked);
      expect(down?.body.slack).toBe('unreachable');
      await sleep(2000);
      expect((await jobRuns(bot.db)).filter((r) => r.last_started_at !== null)).toEqual([]);

      fake = await startFakeSlack({ port: slackPort });
      const up = await healthUntil(bot, (h) => h.status === 200);
      expect(up).toEqual({ status: 200, body: { status: 'ok', database: 'ok', slack: 'ok' } });
      const answeredAt = fake.succeeded('auth.test')[0]!.at;
      // Catch-up runs the jobs one after another: wait for the last to start and one to finish (or 20 s).
      const jobs = ['commitments', 'digest', 'escalations', 'evaluation', 'projects', 'reminders'];
      const settled = (rs: typeof runs) =>
        rs.filter((r) => r.last_started_at !== null).length === jobs.length && rs.some((r) => r.last_slot !== null);
      let runs = await jobRuns(bot.db);
      for (let i = 0; i < 100 && !settled(runs); i++) {
        await sleep(200);
        runs = await jobRuns(bot.db);
      }
      const started = runs.filter((r) => r.last_started_at !== null);
      expect(started.map((r) => r.job).sort()).toEqual(jobs);
      for (const run of started) expect(new Date(run.last_started_at!).getTime()).toBeGreaterThanOrEqual(answeredAt);
      expect(runs.some((r) => r.last_slot !== null)).toBe(true);
      expect(bot.stdout()).toContain('Slack answers again');
      expect(bot.child.exitCode).toBeNull();
      expect(fake.violations).toEqual([]);
    },
  );
});
