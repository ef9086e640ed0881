import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import { sql } from 'kysely';
import { registerCommands } from '../commands/index.js';
import type { AppContext } from './context.js';
import type { Logger } from './logger.js';
import { Router } from './slack/router.js';

/** Bolt speaks @slack/logger; we log through pino so the bot writes one structured log. */
export function boltLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'bolt' });
  let level = LogLevel.INFO;
  // Bolt logs at debug on every request: format only what pino will write.
  const log =
    (lvl: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) => {
      if (child.isLevelEnabled(lvl)) child[lvl](msg.map(String).join(' '));
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

function healthHandler(ctx: AppContext) {
  return async (_req: IncomingMessage, res: ServerResponse) => {
    try {
      await sql`select 1`.execute(ctx.db);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', database: 'ok' }));
    } catch (err) {
      ctx.logger.error({ err }, 'health check: the database does not answer');
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'unavailable', database: 'error' }));
    }
  };
}

export interface CreateAppOptions {
  /** Tests only: run the listener before answering, so a test sees its effects when the request returns. */
  processBeforeResponse?: boolean;
}

/** The Bolt app: HTTP (`/slack/events`) unless SLACK_APP_TOKEN asks for Socket Mode. */
export function createApp(ctx: AppContext, opts: CreateAppOptions = {}): App {
  const { slack } = ctx.config;
  const customRoutes = [{ path: '/healthz', method: ['GET'], handler: healthHandler(ctx) }];
  const common = {
    token: slack.botToken,
    logger: boltLogger(ctx.logger),
    customRoutes,
    // Interactive replies: a couple of quick retries, not the client's default of ten over 30 minutes.
    clientOptions: {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2000 },
    },
  };
  const app = slack.appToken
    ? new App({ ...common, appToken: slack.appToken, socketMode: true, installerOptions: { port: ctx.config.port } })
    : new App({
        ...common,
        signingSecret: slack.signingSecret,
        processBeforeResponse: opts.processBeforeResponse ?? false,
      });
  const router = new Router();
  registerCommands(router, ctx);
  router.mount(app, ctx.logger);
  app.error(async (error) => {
    ctx.logger.error({ err: error }, 'unhandled error in a listener');
  });
  return app;
}
