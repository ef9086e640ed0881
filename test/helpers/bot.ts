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
import { SlackDriver, type DriverResponse, type RequestOptions } from '../../src/playground/signed-request.js';
import { freshDb, loadPlan, loadRoster } from './db.js';
import { testLogger } from './logs.js';
import { undrawnPayloads } from './rendered.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

export interface TestBot {
  fake: FakeSlack;
  ctx: AppContext;
  clock: ReturnType<typeof fixedClock>;
  driver: SlackDriver;
  baseUrl: string;
  /** Whether Bolt answered Slack only after the listener ran (tests' old default) or at ack() (production). */
  processBeforeResponse: boolean;
  /** Resolves once every listener run that has started has ended (its Slack calls answered, its writes done). */
  settled(): Promise<void>;
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
    /** Default: E2E_PROCESS_BEFORE_RESPONSE (`false` runs as production does), else true. */
    processBeforeResponse?: boolean;
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
  const processBeforeResponse = opts.processBeforeResponse ?? process.env.E2E_PROCESS_BEFORE_RESPONSE !== 'false';
  const app = createApp(ctx, { processBeforeResponse });
  const runs = listenerRuns(app);
  const server = (await app.start(0)) as Server;
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const driver = new SettlingDriver(runs, {
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
    processBeforeResponse,
    settled: () => runs.settled(),
    async setLocale(slackUserId, locale) {
      fake.setUser(slackUserId, { locale });
      await db
        .updateTable('people')
        .set({ locale_checked_at: null })
        .where('slack_user_id', '=', slackUserId)
        .execute();
    },
    async close() {
      // A listener still running would write to a closed database and log its failure after the test.
      await runs.settled();
      await app.stop();
      await db.destroy();
      await fake.close();
    },
  };
}

/** The end of a test: the fake Slack saw no Block Kit violation, the playground can draw all it saw, then the bot stops. */
export async function closeChecked(bot: TestBot): Promise<void> {
  expect(bot.fake.violations).toEqual([]);
  expect(undrawnPayloads(bot.fake.calls)).toEqual([]);
  await bot.close();
}

/** Listener runs in flight, keyed by the request that started them (its trigger_id or event_id). */
interface ListenerRuns {
  settled(key?: string): Promise<void>;
}

function requestKey(body: Record<string, unknown>): string | undefined {
  const key = body['trigger_id'] ?? body['event_id'];
  return typeof key === 'string' ? key : undefined;
}

/**
 * Bolt's HTTP receiver hands every signed request to `app.processEvent`; with processBeforeResponse
 * false (production) the answer goes out at ack() while the listener runs on. Watching
 * processEvent is how a test knows the run has ended, whatever the mode.
 */
function listenerRuns(app: ReturnType<typeof createApp>): ListenerRuns {
  const inFlight = new Map<Promise<void>, string | undefined>();
  const processEvent = app.processEvent.bind(app);
  app.processEvent = (event) => {
    const run = processEvent(event);
    inFlight.set(run, requestKey(event.body));
    const forget = () => void inFlight.delete(run);
    run.then(forget, forget);
    return run;
  };
  return {
    async settled(key) {
      for (;;) {
        const waiting = [...inFlight].filter(([, k]) => key === undefined || k === key).map(([run]) => run);
        if (waiting.length === 0) return;
        await Promise.allSettled(waiting);
      }
    },
  };
}

function keyOfSent(body: string): string | undefined {
  try {
    if (body.startsWith('{')) return requestKey(JSON.parse(body) as Record<string, unknown>);
    const form = new URLSearchParams(body);
    const payload = form.get('payload');
    return payload !== null
      ? requestKey(JSON.parse(payload) as Record<string, unknown>)
      : (form.get('trigger_id') ?? undefined);
  } catch {
    return undefined;
  }
}

/**
 * The driver a test gets: each request resolves once Bolt has answered and the listener run it
 * started has ended, so a test reads the listener's effects (the fake Slack's calls, the database)
 * and never only the HTTP answer, in either mode. A request that carries no trigger_id or event_id
 * waits for every run in flight.
 */
class SettlingDriver extends SlackDriver {
  constructor(
    private readonly runs: ListenerRuns,
    opts: ConstructorParameters<typeof SlackDriver>[0],
  ) {
    super(opts);
  }

  override async raw(body: string, headers?: Record<string, string>, opts?: RequestOptions): Promise<DriverResponse> {
    const res = await super.raw(body, headers, opts);
    await this.runs.settled(keyOfSent(body));
    return res;
  }
}
