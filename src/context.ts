import type { DB } from '../db/index.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Outbox } from './delivery/outbox.js';
import type { Logger } from './logger.js';
import type { SlackHealth } from './slack/health.js';

/** Built once by the composition root (main.ts, the CLI, tests) and passed to every module. */
export type AppContext = {
  db: DB;
  config: Config;
  clock: Clock;
  logger: Logger;
  /** How scheduled messages reach Slack; absent where nothing is sent (a dry run, `jobs status`). */
  outbox?: Outbox;
  /**
   * Whether Slack answers the bot, watched by main.ts: /healthz reports it and the scheduler waits
   * for it. Absent where nobody watches (the CLI, tests): then nothing waits for Slack.
   */
  slack?: SlackHealth;
};
