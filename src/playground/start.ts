/**
 * `npm start` without Slack: the bot, unchanged, against the playground (docs/decisions/013). The
 * fake Slack Web API listens on a loopback port and the bot calls it as SLACK_API_URL; the bot's
 * HTTP receiver listens on another loopback port and the playground sends it signed requests; the
 * playground's page is on the bot's port (PORT, 3000), which passes /slack/events and /healthz on.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { openDatabase } from '../../db/index.js';
import { migrateToLatest } from '../../db/migrate.js';
import { listBranches } from '../../db/queries/people.js';
import { findPlanToday } from '../../db/queries/plans.js';
import { listRosterEntries } from '../../db/queries/playground.js';
import { findJob, jobs } from '../../jobs/index.js';
import { createApp } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import type { AppContext } from '../context.js';
import { createOutbox, slackSender } from '../delivery/outbox.js';
import { catchUp, oneAtATime } from '../delivery/scheduler.js';
import type { Locale } from '../i18n/index.js';
import { createLogger, type Logger } from '../logger.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { slackHealth } from '../slack/health.js';
import { PLAYGROUND_CHANNEL_IDS, playgroundChannels } from './channels.js';
import { PLAYGROUND_START, runningClock, type PlaygroundClock } from './clock.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { playgroundFiles, seedDatabase } from './seed.js';
import { startPlaygroundServer, LOOPBACK_HOST, type PlaygroundServer } from './server.js';
import { SlackDriver } from './signed-request.js';
import { debouncedSaver, emptyState, JOB_LOG_MAX, readState, writeState, type PlaygroundState } from './store.js';
import { Workspace, type SlashCommand } from './workspace.js';

/** The bot's token in the playground: the fake Slack accepts this one only, as Slack accepts only its own. */
export const PLAYGROUND_TOKEN = 'xoxb-playground';

export interface PlaygroundOptions {
  /** The environment (`process.env`): PORT, DEFAULT_LOCALE, LOG_LEVEL, … apply; SLACK_* and DATABASE_URL do not. */
  env: Record<string, string | undefined>;
  /** Where data/playground.db and data/playground.json live; default `data` in the working folder. */
  dataDir?: string;
  /** Only 127.0.0.1 is accepted. */
  host?: string;
  /** Overrides PORT (0: a free port, for tests). */
  port?: number;
  /** Run the jobs whose time came, as the bot's scheduler does when it starts (default true). */
  catchUp?: boolean;
  /** Overrides the logger made from LOG_LEVEL (tests). */
  logger?: Logger;
}

export interface Playground {
  /** `http://127.0.0.1:PORT/playground`. */
  readonly url: string;
  /** The line `npm start` prints. */
  readonly line: string;
  readonly ws: Workspace;
  readonly fake: FakeSlack;
  readonly ctx: AppContext;
  readonly clock: PlaygroundClock;
  /** Resolves when the start-up catch-up has run (immediately when there was none). */
  readonly caughtUp: Promise<void>;
  runJob(job: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** The slash commands of the app, from the manifest a workspace installs it with. */
export function manifestCommands(file = path.join(PACKAGE_ROOT, 'manifest.yml')): SlashCommand[] {
  const manifest = parseYaml(fs.readFileSync(file, 'utf8')) as {
    features?: { slash_commands?: { command?: string; description?: string; usage_hint?: string }[] };
  };
  return (manifest.features?.slash_commands ?? [])
    .filter((c): c is { command: string; description?: string; usage_hint?: string } => typeof c.command === 'string')
    .map((c) => ({
      command: c.command.toLowerCase(),
      description: c.description ?? '',
      usageHint: c.usage_hint ?? '',
    }));
}

/** The bot's configuration in the playground: the environment's settings, the playground's Slack, database and channels. */
function playgroundConfig(
  env: Record<string, string | undefined>,
  dbFile: string,
  apiUrl: string,
  secret: string,
): Config {
  const kept = Object.fromEntries(
    Object.entries(env).filter(([k]) => !k.startsWith('SLACK_') && k !== 'DATABASE_URL' && k !== 'SCHEDULER'),
  );
  return loadConfig({
    LOG_LEVEL: 'warn',
    LEADERS_CHANNEL: PLAYGROUND_CHANNEL_IDS.leaders,
    DIGEST_CHANNEL: PLAYGROUND_CHANNEL_IDS.digest,
    ...kept,
    SLACK_BOT_TOKEN: PLAYGROUND_TOKEN,
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: apiUrl,
    DATABASE_URL: dbFile,
    // The playground's clock is its own: jobs run at start (catch-up) and when the page asks.
    SCHEDULER: 'off',
  });
}

export async function startPlayground(opts: PlaygroundOptions): Promise<Playground> {
  if (opts.env.NODE_ENV === 'production') throw new Error('The playground never runs when NODE_ENV=production.');
  const host = opts.host ?? LOOPBACK_HOST;
  if (host !== LOOPBACK_HOST) throw new Error(`The playground listens on ${LOOPBACK_HOST} only, not ${host}.`);
  const dataDir = opts.dataDir ?? 'data';
  const files = playgroundFiles(dataDir);
  const kept = readState(files.state);
  const fresh = !fs.existsSync(files.db);
  // A new database starts a new workspace: a state file left from an earlier one would not match it.
  const state: PlaygroundState = (!fresh && kept.state) || emptyState(new Date(PLAYGROUND_START));
  const clock = runningClock(new Date(state.clock));

  const fake = await startFakeSlack({ token: PLAYGROUND_TOKEN, now: clock.ms, triggerTtlMs: 3000 });
  fake.restore(state.slack);
  const secret = randomBytes(24).toString('hex');
  const config = playgroundConfig(opts.env, files.db, fake.apiUrl, secret);
  const logger = opts.logger ?? createLogger(config.logLevel);
  if (kept.problem && !fresh)
    logger.warn(
      { file: files.state, problem: kept.problem },
      'playground: its state file was not read; messages start empty',
    );

  if (fresh) await seedDatabase(files.db, clock);
  const db = openDatabase(files.db);
  await migrateToLatest(db);
  const slack = slackHealth(config.slack, logger);
  const ctx: AppContext = {
    db,
    config,
    clock,
    logger,
    outbox: createOutbox({ sender: slackSender(config.slack, logger), jobs }),
    slack,
  };
  const app = createApp(ctx);
  const botServer = (await app.start({ port: 0, host: LOOPBACK_HOST })) as Server;
  const botUrl = `http://${LOOPBACK_HOST}:${(botServer.address() as AddressInfo).port}`;
  await slack.watch();

  const plan = await findPlanToday(db, clock.now());
  const timezone = plan?.plan.timezone ?? 'Asia/Shanghai';
  const branches = await listBranches(db);
  const locales = new Map<string, Locale>(Object.entries(state.locales));
  const jobLog = state.jobLog;
  const save = debouncedSaver(() => {
    try {
      writeState(files.state, {
        version: 1,
        clock: clock.now().toISOString(),
        locales: Object.fromEntries(locales),
        slack: fake.snapshot(),
        jobLog: jobLog.slice(-JOB_LOG_MAX),
      });
    } catch (err) {
      logger.warn({ err, file: files.state }, 'playground: could not save its state');
    }
  });
  const driver = new SlackDriver({
    baseUrl: botUrl,
    signingSecret: secret,
    responseUrlBase: fake.responseUrlBase,
    teamId: fake.teamId,
    botUserId: fake.botUserId,
    botId: fake.botId,
    apiAppId: fake.appId,
    now: clock.ms,
  });
  const ws = new Workspace({
    fake,
    driver,
    ctx,
    clock,
    channels: playgroundChannels(config, branches),
    people: () => listRosterEntries(db),
    commands: manifestCommands(),
    timezone,
    locales,
    changed: () => save.schedule(),
  });
  await ws.refreshPeople();

  const run = oneAtATime();
  const record = (job: string, lines: string[]) => {
    jobLog.push({ at: clock.now().toISOString(), job, lines });
    if (jobLog.length > JOB_LOG_MAX) jobLog.splice(0, jobLog.length - JOB_LOG_MAX);
    save.schedule();
    ws.emit({ kind: 'job', job, lines });
  };
  const runJob = async (name: string): Promise<string[]> => {
    const job = findJob(name);
    if (!job) throw new Error(`unknown job ${name}`);
    try {
      const outcome = await run(ctx, job, { now: clock.now() });
      record(name, outcome.summary);
      return outcome.summary;
    } catch (err) {
      record(name, [`failed: ${err instanceof Error ? err.message : String(err)}`]);
      throw err;
    }
  };

  const server: PlaygroundServer = await startPlaygroundServer({
    host,
    port: opts.port ?? config.port,
    ws,
    botUrl,
    assetsDir: path.join(PACKAGE_ROOT, 'assets', 'playground'),
    logger,
    controls: {
      clock: () => clock.now(),
      setClock: (at) => {
        clock.set(at);
        save.schedule();
      },
      runJob,
      jobLog: () => jobLog,
    },
  }).catch(async (err: unknown) => {
    await app.stop().catch(() => undefined);
    slack.stop();
    await db.destroy();
    await fake.close();
    throw err;
  });

  // As the bot's scheduler does when it starts: each job's latest slot, if it has not run, runs now.
  const caughtUp =
    opts.catchUp === false
      ? Promise.resolve()
      : catchUp(ctx, jobs, run).then(
          (outcomes) => {
            for (const o of outcomes) record(o.job, o.summary);
          },
          (err: unknown) => logger.error({ err }, 'playground: catch-up failed'),
        );

  const line = `Pacesetter playground: ${server.url} (no Slack is configured; to connect a real Slack workspace, set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET in .env as the README says)`;
  let stopped = false;
  return {
    url: server.url,
    line,
    ws,
    fake,
    ctx,
    clock,
    caughtUp,
    runJob,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await caughtUp;
      await server.close();
      ws.close();
      slack.stop();
      await app.stop();
      save.flush();
      await db.destroy();
      await fake.close();
    },
  };
}
