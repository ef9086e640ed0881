/**
 * The real bot for bench/commands.bench.ts, in its own process like the bare app it is compared
 * with: `node --import tsx bot-server.ts DB_FILE SLACK_API_URL NOW`. Prints `PORT n` when ready.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { openDatabase } from '../../db/index.js';
import { createApp } from '../../src/app.js';
import { fixedClock } from '../../src/clock.js';
import type { AppContext } from '../../src/context.js';
import { createLogger } from '../../src/logger.js';
import { benchBotConfig } from './shared.js';

const [file, apiUrl, now] = process.argv.slice(2);
if (!file || !apiUrl || !now) throw new Error('usage: bot-server.ts DB_FILE SLACK_API_URL NOW');
const config = benchBotConfig(file, apiUrl);
const ctx: AppContext = { db: openDatabase(file), config, clock: fixedClock(now), logger: createLogger('silent') };
const app = createApp(ctx);
const server = (await app.start(0)) as Server;
console.log(`PORT ${(server.address() as AddressInfo).port}`);
