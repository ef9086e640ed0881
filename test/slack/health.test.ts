import { Writable } from 'node:stream';
import { WebClient } from '@slack/web-api';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSlackHealth, failureOf, refusalLine, type AuthAnswer } from '../../src/slack/health.js';
import { startFakeSlack } from '../../src/playground/fake-slack.js';

function captured() {
  const lines: { level: number; msg: string; error?: string; attempts?: number }[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, sink) };
}

const ANSWER: AuthAnswer = { user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T0FAKE' };
/** What @slack/web-api throws when the connection is refused. */
const refused = {
  code: 'slack_webapi_request_error',
  original: { name: 'TypeError', cause: { code: 'ECONNREFUSED' } },
};
const platform = (error: string) =>
  Object.assign(new Error(`An API error occurred: ${error}`), {
    code: 'slack_webapi_platform_error',
    data: { ok: false, error },
  });

/** A check that fails `failures` times, then answers; records when (fake ms) it was asked. */
function scripted(failures: unknown[]) {
  const asked: number[] = [];
  const check = async () => {
    asked.push(Date.now());
    const next = failures.shift();
    if (next !== undefined) throw next;
    return ANSWER;
  };
  return { asked, check };
}

describe('the Slack health check', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when Slack does not answer, then it asks again after 1, 2, 4, 8, 16, then every 30 s, and logs once a minute', async () => {
    const { asked, check } = scripted(Array.from({ length: 12 }, () => refused));
    const { lines, logger } = captured();
    const health = createSlackHealth({ check, botToken: 'xoxb-1', logger });
    expect(await health.watch()).toEqual({ state: 'unreachable', error: 'ECONNREFUSED' });
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    health.stop();
    const waits = asked.slice(1).map((t, i) => (t - asked[i]!) / 1000);
    expect(waits.slice(0, 8)).toEqual([1, 2, 4, 8, 16, 30, 30, 30]);
    // 12 failures, at 0, 1, 3, 7, 15, 31, 61, 91 … 211 s: logged at the first, then once a minute.
    const warned = lines.filter((l) => l.level === 40);
    expect(warned.map((l) => [l.error, l.attempts])).toEqual([
      ['ECONNREFUSED', 1],
      ['ECONNREFUSED', 7],
      ['ECONNREFUSED', 9],
      ['ECONNREFUSED', 11],
    ]);
    expect(lines.at(-1)).toMatchObject({ level: 30, msg: 'Slack answers again' });
    expect(health.status()).toEqual({ state: 'ok' });
  });

  it('when Slack answers after not answering, then each listener runs once, and again after the next outage', async () => {
    const { check } = scripted([refused, refused]);
    const health = createSlackHealth({ check, botToken: 'xoxb-1', logger: captured().logger, okEveryMs: 60_000 });
    let answered = 0;
    health.onAnswering(() => (answered += 1));
    await health.watch();
    expect(answered).toBe(0);
    await vi.advanceTimersByTimeAsync(3000); // retries after 1 s and 2 s
    expect(answered).toBe(1);
    await vi.advanceTimersByTimeAsync(5 * 60_000); // answering each minute: no new transition
    expect(answered).toBe(1);
    health.stop();
    expect(await health.identity()).toEqual({
      botToken: 'xoxb-1',
      botId: 'B0BOT',
      botUserId: 'U0BOT',
      teamId: 'T0FAKE',
    });
  });

  it('when Slack refuses the token at the first check, then nothing is logged (the caller prints one line) and identity() throws', async () => {
    const { check } = scripted([platform('token_revoked'), platform('token_revoked')]);
    const { lines, logger } = captured();
    const health = createSlackHealth({ check, botToken: 'xoxb-1', logger });
    expect(await health.watch()).toEqual({ state: 'refused', error: 'token_revoked' });
    health.stop();
    expect(lines).toEqual([]);
    await expect(health.identity()).rejects.toMatchObject({ data: { error: 'token_revoked' } });
  });

  it('when Slack refuses the token after it answered, then an error is logged and the kept identity is no longer used', async () => {
    const { check } = scripted([]);
    let answers = 1;
    const { lines, logger } = captured();
    const health = createSlackHealth({
      // Answers once, then refuses at each check after: the app was removed while the bot ran.
      check: () => (answers-- > 0 ? check() : Promise.reject(platform('account_inactive'))),
      botToken: 'xoxb-1',
      logger,
      okEveryMs: 1000,
    });
    expect((await health.watch()).state).toBe('ok');
    await health.identity();
    await vi.advanceTimersByTimeAsync(1000);
    expect(health.status()).toEqual({ state: 'refused', error: 'account_inactive' });
    await vi.advanceTimersByTimeAsync(30_000); // checked again with backoff: not logged again within the minute
    health.stop();
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ error: 'account_inactive' });
    await expect(health.identity()).rejects.toMatchObject({ data: { error: 'account_inactive' } });
  });

  it('when requests ask for the identity while a check is under way, then Slack is asked once', async () => {
    let calls = 0;
    let release: (a: AuthAnswer) => void = () => undefined;
    const health = createSlackHealth({
      check: () => {
        calls += 1;
        return new Promise<AuthAnswer>((r) => (release = r));
      },
      botToken: 'xoxb-1',
      logger: captured().logger,
    });
    const both = Promise.all([health.identity(), health.identity()]);
    release(ANSWER);
    expect((await both).map((i) => i.botUserId)).toEqual(['U0BOT', 'U0BOT']);
    expect(calls).toBe(1);
  });
});

describe("what a failed auth.test means, from @slack/web-api's own errors", () => {
  it.each(['invalid_auth', 'not_authed', 'token_revoked', 'account_inactive'])(
    'when Slack answers %s, then it is a refusal, and the line names it, the variable and what to do',
    async (error) => {
      const fake = await startFakeSlack();
      fake.failNext('auth.test', { error });
      const client = new WebClient('xoxb-1', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
      const failure = failureOf(await client.auth.test().catch((e: unknown) => e));
      await fake.close();
      expect(failure).toEqual({ error, refused: true });
      const line = refusalLine(error);
      expect(line).not.toContain('\n');
      expect(line).toContain(`SLACK_BOT_TOKEN (${error})`);
      expect(line).toMatch(/then start Pacesetter again\.$/);
    },
  );

  it('when the connection is refused, Slack answers 503 or a 429, then it is not a refusal and says why', async () => {
    const fake = await startFakeSlack();
    const client = new WebClient('xoxb-1', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    fake.failNext('auth.test', { status: 503 });
    const http = failureOf(await client.auth.test().catch((e: unknown) => e));
    fake.failNext('auth.test', { status: 429, retryAfter: 7 });
    const limited = failureOf(await client.auth.test().catch((e: unknown) => e));
    const apiUrl = fake.apiUrl;
    await fake.close();
    const gone = new WebClient('xoxb-1', { slackApiUrl: apiUrl, retryConfig: { retries: 0 } });
    const refusedConnection = failureOf(await gone.auth.test().catch((e: unknown) => e));
    expect(http).toEqual({ error: 'http_503', refused: false });
    expect(limited).toEqual({ error: 'ratelimited', refused: false, retryAfterMs: 7000 });
    expect(refusedConnection).toEqual({ error: 'ECONNREFUSED', refused: false });
  });
});
