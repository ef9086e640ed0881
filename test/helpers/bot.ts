import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'vitest';
import { jobs } from '../../jobs/index.js';
import { createApp } from '../../src/app.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { AppContext } from '../../src/context.js';
import { createOutbox, slackSender, type DrainOptions } from '../../src/delivery/outbox.js';
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from '../../src/playground/fake-slack.js';
import { SlackDriver } from '../../src/playground/signed-request.js';
import { freshDb, loadPlan, loadRoster } from './db.js';
import { testLogger } from './logs.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

export interface TestBot {
  fake: FakeSlack;
  ctx: AppContext;
  clock: ReturnType<typeof fixedClock>;
  driver: SlackDriver;
  baseUrl: string;
  /** The person changes their Slack language; the bot's weekly cache of it is forgotten. */
  setLocale(slackUserId: string, locale: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real Bolt app on its real HTTP receiver, on loopback, calling the fake Slack. The plan and
 * the example roster are loaded unless `empty` is set; the clock stands at 2011-06-20 10:00 in
 * Beijing (a Monday in the middle of the plan) unless `now` says otherwise. The outbox drains
 * with `drain`'s settings (a test against the fake need not space posts a second apart).
 */
export async function startBot(
  opts: {
    now?: string;
    env?: Record<string, string>;
    empty?: boolean;
    fake?: FakeSlackOptions;
    drain?: DrainOptions;
  } = {},
): Promise<TestBot> {
  const fake = await startFakeSlack(opts.fake);
  const { db, file } = await freshDb();
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: file,
    SCHEDULER: 'off',
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const clock = fixedClock(opts.now ?? '2011-06-20T10:00:00+08:00');
  const logger = testLogger();
  const ctx: AppContext = {
    db,
    config,
    clock,
    logger,
    outbox: createOutbox({ sender: slackSender(config.slack, logger), jobs, drain: opts.drain }),
  };
  if (!opts.empty) {
    await loadPlan(db);
    await loadRoster(db);
  }
  const app = createApp(ctx, { processBeforeResponse: true });
  const server = (await app.start(0)) as Server;
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const driver = new SlackDriver({
    baseUrl,
    signingSecret: SIGNING_SECRET,
    responseUrlBase: fake.responseUrlBase,
    teamId: fake.teamId,
    botUserId: fake.botUserId,
    botId: fake.botId,
    apiAppId: fake.appId,
  });
  return {
    fake,
    ctx,
    clock,
    driver,
    baseUrl,
    async setLocale(slackUserId, locale) {
      fake.setUser(slackUserId, { locale });
      await db
        .updateTable('people')
        .set({ locale_checked_at: null })
        .where('slack_user_id', '=', slackUserId)
        .execute();
    },
    async close() {
      await app.stop();
      await db.destroy();
      await fake.close();
    },
  };
}

/** The end of a test: the fake Slack saw no Block Kit violation, then the bot stops. */
export async function closeChecked(bot: TestBot): Promise<void> {
  expect(bot.fake.violations).toEqual([]);
  await bot.close();
}
