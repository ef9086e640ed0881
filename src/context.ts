import type { WebClient } from '@slack/web-api';
import type { DB } from '../db/index.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

/** Built once by the composition root (main.ts, cli.ts, tests) and passed to every module. */
export type AppContext = {
  db: DB;
  config: Config;
  clock: Clock;
  logger: Logger;
  /** A Web API client for jobs, with automatic retries off: the outbox decides what to resend. */
  slack?: WebClient;
};
