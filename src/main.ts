import dotenv from 'dotenv';
import { openDatabase } from '../db/index.js';
import { migrateToLatest } from '../db/migrate.js';
import { jobs } from '../jobs/index.js';
import { createApp } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig, startMode, type Config, type StartMode } from './config.js';
import type { AppContext } from './context.js';
import { createLogger } from './logger.js';
import { createOutbox, slackSender } from './delivery/outbox.js';
import { refusalLine, slackHealth, type SlackHealth } from './slack/health.js';

/** A configuration mistake is the user's to fix: say what, not where in our code. */
function orExit<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  // An optional .env beside the project; variables already set in the environment win.
  dotenv.config({ quiet: true });
  const mode = orExit(() => startMode(process.env));
  if (mode.kind === 'playground') return playground(mode);
  const config: Config = orExit(() => loadConfig(process.env));
  const logger = createLogger(config.logLevel);
  // The last net, not the fix: each known cause is handled where it arises (docs/decisions/010).
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection (a bug; the bot carries on)');
  });
  const db = openDatabase(config.databaseUrl, {
    // PostgreSQL restarted or a connection was cut: the pool drops that connection and opens another.
    onPoolError: (err) => logger.warn({ err }, 'database connection lost; the next query reconnects'),
  });
  const applied = await migrateToLatest(db);
  if (applied.length > 0) logger.info({ applied }, 'database migrated');
  const slack = slackHealth(config.slack, logger);
  const ctx: AppContext = {
    db,
    config,
    clock: systemClock,
    logger,
    // Sends that must go out once use no automatic retries: the outbox decides (docs/decisions).
    outbox: createOutbox({ sender: slackSender(config.slack, logger), jobs }),
    slack,
  };
  const app = createApp(ctx);
  const socketMode = config.slack.appToken !== undefined;
  // HTTP: /healthz answers from here on, 503 until Slack does. Socket Mode connects through Slack,
  // so it starts once Slack answers.
  if (!socketMode) await app.start(config.port);
  const first = await slack.watch();
  if (first.state === 'refused') {
    console.error(refusalLine(first.error ?? 'unknown_error'));
    slack.stop();
    await app.stop().catch(() => undefined);
    await db.destroy();
    process.exit(1);
  }
  if (socketMode) startWhenAnswering(slack, () => app.start(config.port));
  logger.info(
    { port: config.port, mode: socketMode ? 'socket' : 'http', scheduler: config.scheduler, slack: first },
    'Pacesetter is running',
  );

  // The jobs, node-cron and the chart load once the bot is answering, not on its way there.
  const scheduler = config.scheduler
    ? await import('./delivery/scheduler.js').then((m) => m.startScheduler(ctx))
    : null;

  const stop = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    try {
      scheduler?.stop();
      slack.stop();
      await app.stop();
      await db.destroy();
    } catch (err) {
      logger.error({ err }, 'stopping failed');
    }
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/**
 * No Slack configured: the bot against the local playground (docs/decisions/013), which loads only
 * now, so that a bot started against Slack never reads its code.
 */
async function playground(mode: Extract<StartMode, { kind: 'playground' }>): Promise<void> {
  const { startPlayground } = await import('./playground/start.js');
  let started: Awaited<ReturnType<typeof startPlayground>>;
  try {
    started = await startPlayground({ env: process.env });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const port = process.env.PORT || '3000';
    console.error(
      code === 'EADDRINUSE'
        ? `Pacesetter playground cannot start: port ${port} is in use (another Pacesetter?). Stop it, or set PORT to another port.`
        : `Pacesetter playground cannot start: ${err instanceof Error ? err.message : String(err)}`,
    );
    process.exit(1);
  }
  const { logger } = started.ctx;
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection (a bug; the bot carries on)');
  });
  console.log(
    mode.ignored.length > 0
      ? `${started.line}; PLAYGROUND=on, so ${mode.ignored.join(', ')} are not used`
      : started.line,
  );
  const stop = async () => {
    await started.stop().catch((err: unknown) => console.error('stopping the playground failed:', err));
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

/** Socket Mode's connection, once Slack first answers; a connection Slack refuses ends the process with one line. */
function startWhenAnswering(slack: SlackHealth, start: () => Promise<unknown>): void {
  let started = false;
  const go = () => {
    if (started) return;
    started = true;
    start().catch((err: unknown) => {
      const why =
        (err as { data?: { error?: string } }).data?.error ?? (err instanceof Error ? err.message : String(err));
      console.error(
        `Pacesetter cannot start: the Socket Mode connection failed (${why}): check SLACK_APP_TOKEN (an app-level token with connections:write), then start Pacesetter again.`,
      );
      process.exit(1);
    });
  };
  if (slack.status().state === 'ok') go();
  else slack.onAnswering(go);
}

main().catch((err: unknown) => {
  console.error('Pacesetter failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
