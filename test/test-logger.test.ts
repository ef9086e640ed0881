import { afterEach, describe, expect, it } from 'vitest';
import { boltLogger } from '../src/app.js';
import { freshDb } from './helpers/db.js';
import { startBot, type TestBot } from './helpers/bot.js';
import { takeLoggedErrors, testLogger, unexpectedLoggedErrors } from './helpers/logs.js';

describe("the tests' logger: an error logged fails the test that did not take it", () => {
  let bot: TestBot | undefined;
  afterEach(async () => {
    await bot?.close();
    bot = undefined;
  });

  it('when code logs at error or fatal, then each line is collected with its error and fields; lower levels are not', () => {
    const logger = testLogger();
    logger.warn('only a warning');
    logger.error({ err: new Error('boom'), job: 'digest' }, 'job failed');
    logger.child({ component: 'outbox' }).fatal('cannot go on');
    expect(takeLoggedErrors()).toMatchObject([
      { level: 'error', msg: 'job failed', err: { type: 'Error', message: 'boom' }, fields: { job: 'digest' } },
      { level: 'fatal', msg: 'cannot go on', fields: { component: 'outbox' } },
    ]);
    expect(takeLoggedErrors()).toEqual([]);
  });

  it("when Bolt logs an error (through boltLogger, as the app's Bolt does), then it is collected", () => {
    boltLogger(testLogger()).error('An incoming event was not acknowledged within 3 seconds.');
    expect(takeLoggedErrors()).toMatchObject([
      {
        level: 'error',
        msg: 'An incoming event was not acknowledged within 3 seconds.',
        fields: { component: 'bolt' },
      },
    ]);
  });

  it('when nobody takes a line, then the check in test/setup.ts gets it as text naming the message, the fields and the stack', () => {
    testLogger().error({ err: new Error('lost'), user: 'U1' }, 'unhandled error in a listener');
    const [line, ...rest] = unexpectedLoggedErrors();
    expect(rest).toEqual([]);
    expect(line).toMatch(/^\[error\] unhandled error in a listener \{"user":"U1"\}\n {4}Error: lost\n {4}at /);
    expect(takeLoggedErrors()).toEqual([]);
  });

  it("when a listener of the real bot throws, then the error Bolt's handler logs is collected", async () => {
    bot = await startBot();
    await bot.ctx.db.destroy(); // the listener's first query fails
    const res = await bot.driver.command({ command: '/progress', user_id: 'U0SEC00001' });
    bot.ctx.db = (await freshDb()).db;
    expect(res.status).toBe(200);
    expect(takeLoggedErrors()).toMatchObject([
      { level: 'error', msg: 'unhandled error in a listener', err: { message: 'driver has already been destroyed' } },
    ]);
  });
});
