import SQLite from 'better-sqlite3';
import pg from 'pg';
import { WRITER_LOCK } from '../../db/index.js';
import { onPostgres } from '../helpers/pg.js';
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { getJobRun } from '../../db/queries/jobs.js';
import { startScheduler } from '../../src/delivery/scheduler.js';
import { createSlackHealth, type HealthOptions } from '../../src/slack/health.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { takeLoggedErrors } from '../helpers/logs.js';

let bot: TestBot;
afterEach(async () => {
  await closeChecked(bot);
});

/** A watch on the fake Slack's auth.test (a client without retries), put in the bot's context as /healthz reads it. */
function watchSlack(opts: Partial<HealthOptions> = {}) {
  const client = new WebClient('xoxb-test-token', { slackApiUrl: bot.fake.apiUrl, retryConfig: { retries: 0 } });
  const slack = createSlackHealth({
    check: () => client.auth.test(),
    botToken: 'xoxb-test-token',
    logger: bot.ctx.logger,
    ...opts,
  });
  bot.ctx.slack = slack;
  return slack;
}

describe('/healthz', () => {
  it('when another writer holds the database past the busy timeout, then /healthz is 503 and names the database', async () => {
    bot = await startBot();
    expect((await fetch(`${bot.baseUrl}/healthz`)).status).toBe(200);
    // `select 1` still answers now; every write would wait 5 s and fail. On PostgreSQL the other
    // writer holds the writer lock (db/index.ts), and the wait ends with lock_not_available.
    const busy = onPostgres() ? '55P03' : 'SQLITE_BUSY';
    const other = onPostgres() ? new pg.Client({ connectionString: bot.ctx.config.databaseUrl }) : null;
    const file = other ? null : new SQLite(bot.ctx.config.databaseUrl);
    if (other) {
      await other.connect();
      await other.query(`begin; select pg_advisory_xact_lock(${WRITER_LOCK})`);
    } else file!.exec('begin immediate');
    try {
      const res = await fetch(`${bot.baseUrl}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable', database: 'error', databaseError: busy });
      expect(takeLoggedErrors()).toMatchObject([
        { msg: 'health check: the database does not take a write', err: { code: busy } },
      ]);
    } finally {
      if (other) {
        await other.query('rollback');
        await other.end();
      } else {
        file!.exec('rollback');
        file!.close();
      }
    }
    expect((await fetch(`${bot.baseUrl}/healthz`)).status).toBe(200);
    // The check's own write was rolled back.
    expect(await bot.ctx.db.selectFrom('job_runs').selectAll().execute()).toEqual([]);
  });

  it('when Slack is watched, then /healthz says its state and is 503 until Slack answers', async () => {
    bot = await startBot();
    bot.fake.failNext('auth.test', { status: 503 });
    const slack = watchSlack();
    const before = await fetch(`${bot.baseUrl}/healthz`);
    expect([before.status, await before.json()]).toEqual([
      503,
      { status: 'unavailable', database: 'ok', slack: 'checking' },
    ]);
    await slack.watch();
    const down = await fetch(`${bot.baseUrl}/healthz`);
    expect([down.status, await down.json()]).toEqual([
      503,
      { status: 'unavailable', database: 'ok', slack: 'unreachable', slackError: 'http_503' },
    ]);
    await slack.identity();
    slack.stop();
    const up = await fetch(`${bot.baseUrl}/healthz`);
    expect([up.status, await up.json()]).toEqual([200, { status: 'ok', database: 'ok', slack: 'ok' }]);
  });
});

describe('the scheduler while Slack does not answer', () => {
  it('when Slack does not answer at start, then catch-up waits, records and sends nothing, and runs once Slack answers', async () => {
    bot = await startBot({ now: '2011-06-20T10:00:00+08:00' }); // Monday: the 09:00 reminders were missed
    bot.fake.failNext('auth.test', { status: 503 });
    // No retry of its own in this test: Slack answers when identity() asks.
    const slack = watchSlack({ firstRetryMs: 600_000 });
    expect((await slack.watch()).state).toBe('unreachable');
    const scheduler = await startScheduler(bot.ctx);
    // Time enough for a catch-up that did not wait to run and record (it takes a few ms here).
    await new Promise((r) => setTimeout(r, 1000));
    expect(await getJobRun(bot.ctx.db, 'reminders')).toMatchObject({ lastStartedAt: null, lastSlot: null });
    expect(bot.fake.callsTo('chat.postMessage')).toEqual([]);
    await slack.identity(); // a request asks: Slack answers now
    const done = await scheduler.caughtUp;
    scheduler.stop();
    slack.stop();
    expect(done.map((o) => o.job)).toContain('reminders');
    expect((await getJobRun(bot.ctx.db, 'reminders')).lastSlot).toBe('2011-06-20T01:00:00.000Z');
    const methods = bot.fake.calls.map((c) => (c.ok ? c.method : `${c.method}(${c.status})`));
    expect(methods.slice(0, 2)).toEqual(['auth.test(503)', 'auth.test']);
    expect(methods.filter((m) => m === 'chat.postMessage').length).toBeGreaterThan(0);
  });
});
