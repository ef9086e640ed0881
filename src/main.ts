import dotenv from 'dotenv';
import { openDatabase } from '../db/index.js';
import { migrateToLatest } from '../db/migrate.js';
import { jobs } from '../jobs/index.js';
import { createApp } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import type { AppContext } from './context.js';
import { createLogger } from './logger.js';
import { createOutbox, slackSender } from './delivery/outbox.js';

function readConfig(): Config {
  // An optional .env beside the project; variables already set in the environment win.
  dotenv.config({ quiet: true });
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      // A configuration mistake is the user's to fix: say what, not where in our code.
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  const db = openDatabase(config.databaseUrl);
  const applied = await migrateToLatest(db);
  if (applied.length > 0) logger.info({ applied }, 'database migrated');
  const ctx: AppContext = {
    db,
    config,
    clock: systemClock,
    logger,
    // Sends that must go out once use no automatic retries: the outbox decides (docs/decisions).
    outbox: createOutbox({ sender: slackSender(config.slack, logger), jobs }),
  };
  const app = createApp(ctx);
  await app.start(config.port);
  logger.info(
    { port: config.port, mode: config.slack.appToken ? 'socket' : 'http', scheduler: config.scheduler },
    'Pacesetter is running',
  );

  // The jobs, node-cron and the chart load once the bot is answering, not on its way there.
  const scheduler = config.scheduler
    ? await import('./delivery/scheduler.js').then((m) => m.startScheduler(ctx))
    : null;

  const stop = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    scheduler?.stop();
    await app.stop();
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('Pacesetter failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
