import { LogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/**
 * Whether Slack answers the bot, from auth.test (docs/decisions/010). The bot starts without it
 * and waits: /healthz says why, the scheduler holds its runs, and requests use the identity once
 * Slack has given it. Only a refused token is final: no retry makes Slack accept it.
 */

export type SlackState = 'checking' | 'ok' | 'unreachable' | 'refused';

export interface SlackStatus {
  state: SlackState;
  /** Why not ok: Slack's error (`token_revoked`), the network's (`ENOTFOUND`, `ECONNREFUSED`), `timeout`, `http_503`. */
  error?: string;
}

/** Who the bot is in its workspace, as auth.test says. */
export interface BotIdentity {
  botToken: string;
  botId: string;
  botUserId: string;
  teamId: string;
}

export interface SlackHealth {
  status(): SlackStatus;
  /**
   * The bot's identity. Asks Slack now when it never answered; once it has, the identity is kept
   * through an outage (the workspace's request reached us, so let the listener try). Throws while
   * Slack never answered, and once it refuses the token.
   */
  identity(): Promise<BotIdentity>;
  /** `listener` runs each time Slack answers after not answering, the first answer included. */
  onAnswering(listener: () => void): void;
  /**
   * Checks now and goes on checking: with backoff while Slack does not answer (a line in the log
   * once a minute), every `okEveryMs` while it does. Resolves with the first check's status.
   */
  watch(): Promise<SlackStatus>;
  stop(): void;
}

/** What Slack answers for a token it will not accept: the operator must act, and then restart. */
const REFUSALS: Record<string, string> = {
  invalid_auth:
    'the token is not valid, or this address is not on the app\'s allowed IP list. Copy the "Bot User OAuth Token" (xoxb-…) from the app\'s OAuth & Permissions page into SLACK_BOT_TOKEN',
  not_authed:
    'Slack received no token. Set SLACK_BOT_TOKEN; if SLACK_API_URL points at a proxy, make it pass the Authorization header on',
  token_revoked:
    'the token was revoked (the app was removed from the workspace, or its tokens were regenerated). Reinstall the app and put its new Bot User OAuth Token in SLACK_BOT_TOKEN',
  account_inactive:
    "the bot's user or the workspace was deactivated. Ask a workspace admin to reinstall the app, then put its new Bot User OAuth Token in SLACK_BOT_TOKEN",
  token_expired:
    'the token expired (token rotation is on for the app). Turn token rotation off on the OAuth & Permissions page and put the new Bot User OAuth Token in SLACK_BOT_TOKEN',
};

export function isRefusal(error: string | undefined): boolean {
  return error !== undefined && Object.hasOwn(REFUSALS, error);
}

/** The one line an operator reads when Slack refuses the token: what Slack said and what to do. */
export function refusalLine(error: string): string {
  const advice = REFUSALS[error] ?? 'Slack refused the token';
  return `Pacesetter cannot start: Slack refused SLACK_BOT_TOKEN (${error}): ${advice}, then start Pacesetter again.`;
}

export interface AuthAnswer {
  user_id?: string;
  bot_id?: string;
  team_id?: string;
}

export interface HealthOptions {
  /** One auth.test; it throws what @slack/web-api throws. */
  check: () => Promise<AuthAnswer>;
  botToken: string;
  logger: Logger;
  /** Waits after the n-th failure in a row: firstRetryMs · 2^(n-1), at most maxRetryMs. */
  firstRetryMs?: number;
  maxRetryMs?: number;
  okEveryMs?: number;
  logEveryMs?: number;
}

interface Failure {
  error: string;
  refused: boolean;
  /** Slack's Retry-After, when it rate-limited the check. */
  retryAfterMs?: number;
}

/** Sorts what a failed auth.test threw: a refusal of the token, or Slack not answering (and why). */
export function failureOf(err: unknown): Failure {
  const e = err as {
    code?: string;
    data?: { error?: string };
    statusCode?: number;
    retryAfter?: number;
    original?: { name?: string; code?: string | number; cause?: { code?: string } };
  };
  if (e?.code === 'slack_webapi_platform_error') {
    const error = e.data?.error ?? 'unknown_error';
    return { error, refused: isRefusal(error) };
  }
  if (e?.code === 'slack_webapi_rate_limited_error') {
    return { error: 'ratelimited', refused: false, retryAfterMs: (e.retryAfter ?? 1) * 1000 };
  }
  if (e?.code === 'slack_webapi_http_error') return { error: `http_${e.statusCode ?? 'error'}`, refused: false };
  if (e?.code === 'slack_webapi_request_error') {
    const original = e.original;
    if (original?.name === 'TimeoutError' || original?.name === 'AbortError')
      return { error: 'timeout', refused: false };
    const code = original?.cause?.code ?? (typeof original?.code === 'string' ? original.code : undefined);
    return { error: code ?? 'request_error', refused: false };
  }
  return { error: err instanceof Error ? err.message : String(err), refused: false };
}

/** The health of the bot's Slack, checked with auth.test through a client of its own. */
export function slackHealth(slack: Config['slack'], logger: Logger): SlackHealth {
  // No retries in the client: the loop decides when to ask again, and a check must end soon.
  const client = new WebClient(slack.botToken, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logger: debugOnly(logger),
  });
  return createSlackHealth({ check: () => client.auth.test(), botToken: slack.botToken, logger });
}

export function createSlackHealth(opts: HealthOptions): SlackHealth {
  const { check, botToken, logger } = opts;
  const firstRetryMs = opts.firstRetryMs ?? 1000;
  const maxRetryMs = opts.maxRetryMs ?? 30_000;
  const okEveryMs = opts.okEveryMs ?? 60_000;
  const logEveryMs = opts.logEveryMs ?? 60_000;

  let status: SlackStatus = { state: 'checking' };
  let identity: BotIdentity | null = null;
  let refusal: Error | null = null;
  let inFlight: Promise<SlackStatus> | null = null;
  let failuresInARow = 0;
  let downSince = 0;
  let lastLogged = 0;
  let lastFailure: Failure | null = null;
  let timer: NodeJS.Timeout | undefined;
  let watching = false;
  const listeners: (() => void)[] = [];

  const answering = (): void => {
    for (const listener of listeners) {
      try {
        listener();
      } catch (err) {
        logger.error({ err }, 'a part waiting for Slack failed when it answered');
      }
    }
  };

  const record = (next: SlackStatus, failure?: Failure): void => {
    const before = status.state;
    status = next;
    const now = Date.now();
    if (next.state === 'ok') {
      failuresInARow = 0;
      if (before === 'unreachable' || before === 'refused')
        logger.info({ downForSeconds: Math.round((now - downSince) / 1000) }, 'Slack answers again');
      if (before !== 'ok') answering();
      return;
    }
    failuresInARow += 1;
    if (before === 'ok' || before === 'checking') downSince = now;
    // A refusal at the first check is the caller's to report (main.ts exits with one line).
    if (failure?.refused && before === 'checking') return;
    const changed = before !== next.state;
    if (!changed && now - lastLogged < logEveryMs) return;
    lastLogged = now;
    const fields = { error: next.error, attempts: failuresInARow, since: new Date(downSince).toISOString() };
    if (next.state === 'refused')
      logger.error(fields, 'Slack refuses the bot token; nothing can be sent until it is replaced');
    else logger.warn(fields, 'Slack does not answer; retrying with backoff, /healthz answers 503, scheduled runs wait');
  };

  const checkOnce = (): Promise<SlackStatus> =>
    (inFlight ??= (async () => {
      try {
        const answer = await check();
        identity = {
          botToken,
          botId: answer.bot_id ?? '',
          botUserId: answer.user_id ?? '',
          teamId: answer.team_id ?? '',
        };
        refusal = null;
        lastFailure = null;
        record({ state: 'ok' });
      } catch (err) {
        const failure = failureOf(err);
        lastFailure = failure;
        if (failure.refused) refusal = err instanceof Error ? err : new Error(failure.error);
        record({ state: failure.refused ? 'refused' : 'unreachable', error: failure.error }, failure);
      }
      return status;
    })().finally(() => {
      inFlight = null;
    }));

  const schedule = (): void => {
    if (!watching) return;
    let wait = okEveryMs;
    if (status.state !== 'ok') {
      wait = Math.min(maxRetryMs, firstRetryMs * 2 ** Math.max(0, failuresInARow - 1));
      if (lastFailure?.retryAfterMs !== undefined) wait = Math.max(wait, lastFailure.retryAfterMs);
    }
    timer = setTimeout(() => {
      void checkOnce().then(schedule);
    }, wait);
  };

  return {
    status: () => ({ ...status }),
    async identity() {
      if (status.state !== 'refused' && identity) return identity;
      if (status.state === 'refused' && refusal) throw refusal;
      const now = await checkOnce();
      if (now.state === 'ok' && identity) return identity;
      throw refusal ?? new Error(`Slack does not answer (${now.error ?? 'unknown'})`);
    },
    onAnswering(listener) {
      listeners.push(listener);
    },
    async watch() {
      watching = true;
      const first = await checkOnce();
      schedule();
      return first;
    },
    stop() {
      watching = false;
      clearTimeout(timer);
    },
  };
}

/** The health client's own lines are noise next to the loop's: debug only. */
function debugOnly(logger: Logger): SlackLogger {
  const debug = (...msg: unknown[]) => logger.debug({ slack: msg.map(String).join(' ') }, 'web-api (health check)');
  return { debug, info: debug, warn: debug, error: debug, setLevel() {}, getLevel: () => LogLevel.DEBUG, setName() {} };
}
