import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  App,
  ErrorCode,
  LogLevel,
  type Authorize,
  type AnyMiddlewareArgs,
  type Logger as SlackLogger,
  type Middleware,
} from '@slack/bolt';
import { registerCommands } from '../commands/index.js';
import { checkWritable } from '../db/queries/health.js';
import { findPersonBySlackId } from '../db/queries/people.js';
import type { AppContext } from './context.js';
import { t } from './i18n/index.js';
import { ballotRoutes } from './public/ballot.js';
import type { Logger } from './logger.js';
import { slackHealth, type SlackHealth } from './slack/health.js';
import { localeFor } from './slack/locale.js';
import { finishingOpeners } from './slack/modal-opener.js';
import { Router } from './slack/router.js';
import { messageModal } from './ui/limits.js';

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

/**
 * 200 when the database takes a write and Slack answers the bot; 503 with the part that does not.
 * Slack is reported where the composition root watches it (ctx.slack, main.ts).
 */
function healthHandler(ctx: AppContext) {
  return async (_req: IncomingMessage, res: ServerResponse) => {
    const body: Record<string, string> = {};
    try {
      await checkWritable(ctx.db);
      body.database = 'ok';
    } catch (err) {
      ctx.logger.error({ err }, 'health check: the database does not take a write');
      body.database = 'error';
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string') body.databaseError = code;
    }
    const slack = ctx.slack?.status();
    if (slack) {
      body.slack = slack.state;
      if (slack.error) body.slackError = slack.error;
    }
    const ok = body.database === 'ok' && (slack === undefined || slack.state === 'ok');
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: ok ? 'ok' : 'unavailable', ...body }));
  };
}

/**
 * Bolt's own `token` mode calls auth.test in the App's constructor and leaves its rejection
 * unhandled: with Slack unreachable the process dies. The bot's identity comes from our health
 * check instead (docs/decisions/010), asked for when a request needs it.
 */
function authorizeThrough(health: SlackHealth): Authorize<boolean> {
  return async () => {
    const { botToken, botId, botUserId } = await health.identity();
    return { botToken, botId, botUserId };
  };
}

/**
 * Every request runs inside this: a listener that fails after its loading modal went up replaces
 * it with an error in the person's language (src/slack/modal-opener.ts), then Bolt's error handler
 * logs the failure as before.
 */
function openersEnd(ctx: AppContext): Middleware<AnyMiddlewareArgs> {
  return async ({ next, body, client }) => {
    const userId = requesterOf(body);
    const failure = async () => {
      let locale = ctx.config.defaultLocale;
      if (userId) {
        const person = await findPersonBySlackId(ctx.db, userId).catch(() => null);
        locale = await localeFor(ctx, client, userId, person);
      }
      return messageModal('Pacesetter', t(locale, 'common.error'), t(locale, 'common.close'));
    };
    await finishingOpeners(next, failure, (err) =>
      ctx.logger.warn({ err, user: userId }, 'a loading modal could not be opened or replaced'),
    );
  };
}

function requesterOf(body: unknown): string | undefined {
  const b = body as { user_id?: unknown; user?: { id?: unknown } };
  const id = b.user_id ?? b.user?.id;
  return typeof id === 'string' ? id : undefined;
}

/** A public route that fails answers a plain 500 (never the error) and logs it. */
function guarded(
  ctx: AppContext,
  handler: (req: IncomingMessage & { params?: Record<string, string> }, res: ServerResponse) => Promise<void>,
) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      await handler(req, res);
    } catch (err) {
      ctx.logger.error({ err, path: req.url?.split('/').slice(0, 2).join('/') }, 'the public ballot page failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('500');
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
  const customRoutes = [
    { path: '/healthz', method: ['GET'], handler: healthHandler(ctx) },
    // The evaluation's public ballot page, only where the office gave the bot a public address.
    ...(ctx.config.publicUrl && !slack.appToken
      ? ballotRoutes(ctx).map((r) => ({ ...r, handler: guarded(ctx, r.handler) }))
      : []),
  ];
  const common = {
    // Without a watched health (tests, benchmarks), one that asks Slack at the first request.
    authorize: authorizeThrough(ctx.slack ?? slackHealth(slack, ctx.logger)),
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
  app.use(openersEnd(ctx));
  const router = new Router();
  registerCommands(router, ctx);
  router.mount(app, ctx.logger);
  app.error(async (error) => {
    if (error.code === ErrorCode.AuthorizationError) {
      // The health check already says why once a minute; this request is acknowledged and dropped.
      ctx.logger.warn({ err: error, slack: ctx.slack?.status() }, 'a request came while Slack does not answer the bot');
      return;
    }
    ctx.logger.error({ err: error }, 'unhandled error in a listener');
  });
  return app;
}
