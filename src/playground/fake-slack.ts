/**
 * An offline Slack Web API on loopback, for tests.
 *
 * Point a real `WebClient` (or Bolt's `clientOptions`) at it with
 * `slackApiUrl: fake.apiUrl`. It answers the methods Pacesetter uses the way
 * Slack does, records every call, checks Block Kit limits, and can be told to
 * fail, to be slow, or to rate-limit like the real thing.
 *
 * `calls` holds answered requests only (in answer order); a request held by a
 * `{ timeoutMs }` failure appears once it is answered. `messages()` holds what
 * people see: a message posted by a request whose answer was lost
 * (`{ answerLost }`) is there although its call is not ok. `violations` holds what
 * the code under test did wrong by Slack's rules (bad blocks, unknown
 * methods, reused trigger ids...), never injected failures or rate limits, so
 * `expect(fake.violations).toEqual([])` is a sound after-each check.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateBlockKit, BLOCK_KIT_LIMITS, type BlockKitKind } from './block-kit-limits.js';

export interface FakeSlackCall {
  method: string;
  args: Record<string, unknown>;
  /** Arrival time, ms since epoch (from `opts.now`). */
  at: number;
  /** When the whole request had arrived, before the fake parsed or checked it: `performance.now()` of this process (benchmarks time the caller to this point). */
  receivedAt: number;
  /** Request path, e.g. `/api/chat.postMessage` or `/response/abc`. */
  path: string;
  /** Bearer token or `token` argument, when one was sent. */
  token?: string;
  /** HTTP status served. */
  status: number;
  /** The `ok` field of the answer (false for 429/500 too). */
  ok: boolean;
  /** The `error` field of the answer, if any. */
  error?: string;
  /** The JSON body answered (e.g. `response.view.id` after views.open); a string for the upload endpoint. */
  response: Record<string, unknown> | string;
}

export type FakeSlackFailure =
  /** HTTP 429 with `Retry-After: retryAfter` (seconds) and `{ok:false,error:'ratelimited'}`. */
  | { status: 429; retryAfter: number }
  /** An HTTP 5xx with no Slack answer. */
  | { status: 500 | 502 | 503 | 504 }
  /** Hold the request this long, then answer normally (use a client `timeout` below it to simulate a lost answer). */
  | { timeoutMs: number }
  /** HTTP 200 with `{ ok: false, error }`, e.g. 'channel_not_found', 'is_archived', 'user_not_found'. */
  | { error: string }
  /**
   * Slack does the work (the message is posted), then its answer is lost: an HTTP 5xx, a connection
   * reset before any answer (the call is recorded with status 0), or the answer held this long
   * (use a client `timeout` below it).
   */
  | { answerLost: 500 | 502 | 503 | 504 | 'reset' }
  | { answerLost: 'late'; timeoutMs: number };

export interface FakeUserSpec {
  real_name?: string;
  name?: string;
  display_name?: string;
  email?: string;
  /** Only returned when the request has `include_locale=true`, like Slack. */
  locale?: string;
  /** IANA zone; default 'Asia/Shanghai'. */
  tz?: string;
  deleted?: boolean;
  is_bot?: boolean;
}

export interface FakeChannelSpec {
  /** Posting answers `is_archived`. */
  archived?: boolean;
  /** Posting answers `channel_not_found`. */
  missing?: boolean;
  /** The bot is not a member: posting and reading history answer `not_in_channel`. */
  notMember?: boolean;
}

export interface RateLimitConfig {
  /** chat.postMessage per channel per second; Slack allows about 1. Default 1. */
  postMessagePerChannelPerSecond?: number;
  /** Per-method per-minute limits, merged over DEFAULT_TIER_LIMITS. Use Infinity to lift one. */
  perMinute?: Record<string, number>;
}

export interface FakeSlackOptions {
  teamId?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  /** When set, every Web API call must carry this token (header or argument), else `invalid_auth`. */
  token?: string;
  /** Unknown user ids answer `user_not_found` instead of a default user. */
  strictUsers?: boolean;
  /** chat.update / chat.delete / chat.getPermalink on an unknown ts answer `message_not_found`. */
  strictMessages?: boolean;
  /** Enable Slack-like rate limits (off by default). `true` uses the defaults. */
  rateLimits?: boolean | RateLimitConfig;
  /**
   * Trigger ids live 3 s. Ids made by SlackDriver carry their issue time
   * (`<ms>.<n>.<hex>`); older than this answers `expired_trigger_id`.
   * Reuse answers `exchanged_trigger_id`. 0 disables the age check.
   */
  triggerTtlMs?: number;
  /** Seed users, as with setUser. */
  users?: Record<string, FakeUserSpec>;
  /** Clock for `at`, rate limits, trigger ages and message ts. Default Date.now. */
  now?: () => number;
  /**
   * The bot token's scopes, for the history methods: reading a DM needs `im:history`, a public
   * channel `channels:history`, a private one `groups:history`; without it Slack answers
   * `missing_scope`. Default: every scope granted.
   */
  scopes?: readonly string[];
  /** Listen on this loopback port (Slack coming up after the bot); default a free one. */
  port?: number;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  threadTs?: string;
  /** Set for chat.postEphemeral. */
  ephemeralTo?: string;
  metadata?: unknown;
  /** Number of chat.update calls applied. */
  edits: number;
}

export interface FakeView {
  id: string;
  hash: string;
  view: Record<string, unknown>;
  /** For a published Home tab. */
  userId?: string;
  method: string;
}

export interface FakeUpload {
  fileId: string;
  filename: string;
  title: string | undefined;
  bytes: Buffer;
  channelId: string | undefined;
  threadTs: string | undefined;
  initialComment: string | undefined;
}

/**
 * What the fake did, as it did it (after Slack's rules let the call through): a message posted,
 * edited or deleted (an ephemeral one has `ephemeralTo`), a view opened, pushed, updated or
 * published, a file shared, a response_url used. The playground draws the workspace from these.
 */
export type FakeSlackEvent =
  | { type: 'message'; change: 'posted' | 'updated' | 'deleted'; message: FakeMessage }
  | {
      type: 'view';
      method: 'views.open' | 'views.push' | 'views.update' | 'views.publish';
      view: FakeView;
      /** The trigger it was opened or pushed with. */
      triggerId?: string;
    }
  | { type: 'upload'; upload: FakeUpload; ts: string }
  | { type: 'response_url'; id: string; args: Record<string, unknown> };

/**
 * Where a response_url's messages go, as Slack knows from the request that carried it: the
 * channel, the person who acted, and the message acted on (none for a slash command).
 */
export interface ResponseTarget {
  channel: string;
  userId: string;
  messageTs?: string;
  /** The message acted on is an ephemeral one (replace_original replaces it for that person). */
  ephemeral?: boolean;
}

/** A file in the workspace: one the bot uploaded, or one a person chose in a file input (`addFile`). */
export interface FakeFile {
  fileId: string;
  filename: string;
  title: string;
  bytes: Buffer;
  /** Who shared it: the bot user, or the person. */
  userId: string;
  /** When it was shared, as a message ts. */
  ts: string;
}

/** What the fake holds that a workspace keeps across restarts: messages and files (never calls, views or failures). */
export interface FakeSlackSnapshot {
  messages: FakeMessage[];
  uploads: Array<Omit<FakeUpload, 'bytes'> & { bytes: string; ts: string }>;
  files: Array<Omit<FakeFile, 'bytes'> & { bytes: string }>;
}

export type FakeSlackHandler = (
  args: Record<string, unknown>,
  call: { method: string; token: string | undefined },
) => Record<string, unknown> | Promise<Record<string, unknown>>;

export interface FakeSlack {
  /** `http://127.0.0.1:PORT/api/`, for `slackApiUrl`. */
  readonly apiUrl: string;
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:PORT/response/`, for SlackDriver's `responseUrlBase`. */
  readonly responseUrlBase: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  readonly calls: readonly FakeSlackCall[];
  readonly violations: readonly string[];
  readonly uploads: readonly FakeUpload[];
  /** Number of HTTP 429s served (rate limits and injected ones). */
  readonly rateLimited: number;
  /** Requests currently held by a `{ timeoutMs }` failure. */
  readonly inFlight: number;
  callsTo(method: string): FakeSlackCall[];
  /** Calls to `method` that Slack answered with ok: true. */
  succeeded(method: string): FakeSlackCall[];
  /** Resolves with the calls to `method` once `count` of them have been answered. */
  waitFor(method: string, count?: number, timeoutMs?: number): Promise<FakeSlackCall[]>;
  failNext(method: string, failure: FakeSlackFailure, times?: number): void;
  /** Changes the token's scopes (see `FakeSlackOptions.scopes`): the app was reinstalled. */
  setScopes(scopes: readonly string[] | undefined): void;
  /** Forgets the failures still queued (for `method`, or all): Slack is healthy again. */
  clearFailures(method?: string): void;
  setUser(id: string, spec: FakeUserSpec): void;
  setChannel(id: string, spec: FakeChannelSpec): void;
  /** Answer `method` with your own handler (adds methods the fake lacks). */
  handle(method: string, handler: FakeSlackHandler): void;
  /** Current (edited, undeleted) non-ephemeral messages, oldest first; all channels when none given. */
  messages(channel?: string): FakeMessage[];
  ephemerals(channel?: string): FakeMessage[];
  view(id: string): FakeView | undefined;
  /** The Home tab last published for a user. */
  homeOf(userId: string): FakeView | undefined;
  responseUrl(id: string): string;
  /**
   * Makes a response_url act as Slack's does for the request that carried it: posting answers in
   * its channel (ephemeral to `userId` unless `response_type: 'in_channel'`), or replaces or deletes
   * the message acted on. An id never bound is only recorded (and checked), as before.
   */
  bindResponseUrl(id: string, target: ResponseTarget): void;
  /** Calls `listener` with everything the fake does from now on; returns the unsubscribe. */
  subscribe(listener: (event: FakeSlackEvent) => void): () => void;
  /** A file a person uploads through a file input: it gets a Slack file id, as Slack gives one. */
  addFile(file: { filename: string; bytes: Buffer; userId: string; title?: string }): FakeFile;
  /** A file by id: uploaded by the bot or added by a person. */
  file(id: string): FakeFile | undefined;
  /**
   * What Slack does with a view_submission's answer that carries a view (`response_action`
   * `update` or `push`): the view is checked like one sent to views.update or views.push and
   * stored (update keeps the id, push makes a new one). An invalid view answers its error.
   */
  answerSubmission(
    viewId: string,
    answer: { response_action: 'update' | 'push'; view: unknown },
  ): FakeView | { error: string };
  /** The messages and files, to keep (JSON) and `restore` in a later process. */
  snapshot(): FakeSlackSnapshot;
  /** Puts back what `snapshot` kept; the calls, views and failures start empty. */
  restore(snapshot: FakeSlackSnapshot): void;
  /** Forget calls, violations, uploads, messages, views, failures and rate windows; keeps users, channels and handlers. */
  reset(): void;
  close(): Promise<void>;
}

/** Slack's per-minute tiers: Tier 2 = 20, Tier 3 = 50, Tier 4 = 100. */
export const DEFAULT_TIER_LIMITS: Readonly<Record<string, number>> = {
  'chat.postEphemeral': 100,
  'chat.update': 50,
  'chat.delete': 50,
  'conversations.open': 50,
  'conversations.history': 50,
  'conversations.replies': 50,
  'users.info': 100,
  'users.lookupByEmail': 50,
  'views.open': 100,
  'views.update': 100,
  'views.push': 100,
  'views.publish': 100,
  'files.getUploadURLExternal': 100,
  'files.completeUploadExternal': 100,
};

/** Form fields that WebClient serialises as JSON strings. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata', 'unfurls', 'user_auth_blocks']);

const RESPONSE_URL_USES = 5;

type Json = Record<string, unknown>;

interface Answer {
  status: number;
  body: Json | string;
  headers?: Record<string, string>;
  /** Close the connection instead of answering. */
  reset?: boolean;
}

interface PendingUpload {
  fileId: string;
  filename: string;
  length: number | undefined;
  bytes: Buffer | undefined;
}

interface Waiter {
  method: string;
  count: number;
  resolve: (calls: FakeSlackCall[]) => void;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function tzOffsetSeconds(tz: string, at: number): number {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value;
    const m = part?.match(/GMT([+-])(\d{2}):(\d{2})/);
    if (!m) return 0;
    const secs = Number(m[2]) * 3600 + Number(m[3]) * 60;
    return m[1] === '-' ? -secs : secs;
  } catch {
    return 0;
  }
}

function tzLabel(tz: string, at: number): string {
  try {
    return (
      new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' })
        .formatToParts(at)
        .find((p) => p.type === 'timeZoneName')?.value ?? tz
    );
  } catch {
    return tz;
  }
}

async function parseArgs(req: IncomingMessage, raw: Buffer, url: URL): Promise<Json> {
  const args: Json = {};
  for (const [k, v] of url.searchParams) args[k] = v;
  const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
  if (raw.length === 0) return args;
  if (contentType.includes('application/json')) {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (isRecord(parsed)) Object.assign(args, parsed);
    return args;
  }
  if (contentType.includes('multipart/form-data')) {
    const form = await new Request('http://fake.invalid/', {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type']) },
      body: raw,
    }).formData();
    for (const [k, v] of form.entries()) {
      args[k] = typeof v === 'string' ? v : Buffer.from(await v.arrayBuffer());
    }
  } else {
    for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) args[k] = v;
  }
  for (const key of Object.keys(args)) {
    const v = args[key];
    if (JSON_FIELDS.has(key) && typeof v === 'string') {
      try {
        args[key] = JSON.parse(v);
      } catch {
        // Left as a string: the method answers invalid_blocks_format / invalid_arguments.
      }
    }
  }
  return args;
}

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const now = opts.now ?? (() => Date.now());
  const teamId = opts.teamId ?? 'T0FAKE';
  const botUserId = opts.botUserId ?? 'U0BOT';
  const botId = opts.botId ?? 'B0BOT';
  const appId = opts.appId ?? 'A0FAKE';
  const triggerTtlMs = opts.triggerTtlMs ?? 3000;
  const rateConfig: RateLimitConfig | undefined =
    opts.rateLimits === true
      ? {}
      : opts.rateLimits === false || opts.rateLimits === undefined
        ? undefined
        : opts.rateLimits;
  const perMinute: Record<string, number> = { ...DEFAULT_TIER_LIMITS, ...(rateConfig?.perMinute ?? {}) };
  const postPerSecond = rateConfig?.postMessagePerChannelPerSecond ?? 1;

  const users = new Map<string, FakeUserSpec>(Object.entries(opts.users ?? {}));
  const channels = new Map<string, FakeChannelSpec>();
  const handlers = new Map<string, FakeSlackHandler>();

  let calls: FakeSlackCall[] = [];
  let violations: string[] = [];
  let uploads: FakeUpload[] = [];
  let pendingUploads = new Map<string, PendingUpload>();
  let messages: FakeMessage[] = [];
  let views = new Map<string, FakeView>();
  let homes = new Map<string, string>();
  let failures = new Map<string, FakeSlackFailure[]>();
  let windows = new Map<string, number[]>();
  let usedTriggers = new Set<string>();
  let responseUrlUses = new Map<string, number>();
  let openedIms = new Set<string>();
  let waiters: Waiter[] = [];
  let responseTargets = new Map<string, ResponseTarget>();
  let fileStore = new Map<string, FakeFile>();
  const listeners = new Set<(event: FakeSlackEvent) => void>();
  let rateLimited = 0;
  let inFlight = 0;
  let seq = 0;
  const held = new Set<NodeJS.Timeout>();

  const nextSeq = (): number => ++seq;
  // Slack's ts is its clock in microseconds, unique in a channel: taken from `now`, kept increasing.
  let lastTsMicros = 0;
  const nextTs = (): string => {
    nextSeq();
    const micros = Math.max(now() * 1000, lastTsMicros + 100);
    lastTsMicros = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  };
  const nextId = (prefix: string): string => `${prefix}${nextSeq().toString(36).toUpperCase().padStart(10, '0')}`;
  const nextHash = (): string => `${Math.floor(now() / 1000)}.${nextSeq().toString(36).padStart(8, '0')}`;

  const violate = (text: string): void => {
    violations.push(text);
  };

  const emit = (event: FakeSlackEvent): void => {
    for (const listener of listeners) listener(event);
  };

  const fail = (error: string, extra: Json = {}): Answer => ({ status: 200, body: { ok: false, error, ...extra } });
  const ok = (body: Json = {}): Answer => ({ status: 200, body: { ok: true, ...body } });

  // ---- Block Kit -----------------------------------------------------------

  /** Returns an error answer when the payload breaks Slack's rules, recording a violation per problem. */
  const checkBlocks = (
    method: string,
    kind: BlockKitKind,
    payload: unknown,
    pointerPrefix: string,
  ): Answer | undefined => {
    if (kind === 'message' && isRecord(payload)) {
      const text = payload['text'];
      if (typeof text === 'string' && text.length > BLOCK_KIT_LIMITS.messageText) {
        violate(
          `${method}: message text is ${text.length} characters, limit ${BLOCK_KIT_LIMITS.messageText} [json-pointer:/text]`,
        );
        return fail('msg_too_long');
      }
      for (const key of ['blocks', 'attachments']) {
        if (payload[key] !== undefined && !Array.isArray(payload[key])) {
          violate(`${method}: ${key} is not a JSON array [json-pointer:/${key}]`);
          return fail(key === 'blocks' ? 'invalid_blocks_format' : 'invalid_attachments');
        }
      }
    }
    const errors = validateBlockKit(kind, payload).map((e) =>
      e.replace(/\[json-pointer:([^\]]*)\]$/, (_m, p: string) => `[json-pointer:${pointerPrefix}${p}]`),
    );
    if (errors.length === 0) return undefined;
    for (const e of errors) violate(`${method}: ${e}`);
    const messagesMeta = { messages: errors.map((e) => `[ERROR] ${e}`) };
    // Slack answers messages with invalid_blocks and views with invalid_arguments.
    return kind === 'message'
      ? fail('invalid_blocks', { errors, response_metadata: messagesMeta })
      : fail('invalid_arguments', { response_metadata: messagesMeta });
  };

  // ---- Users and channels --------------------------------------------------

  const userObject = (id: string, includeLocale: boolean): Json | undefined => {
    const spec = users.get(id);
    if (!spec && opts.strictUsers) return undefined;
    const s = spec ?? {};
    const tz = s.tz ?? 'Asia/Shanghai';
    const name = s.name ?? id.toLowerCase();
    const realName = s.real_name ?? `User ${id}`;
    const user: Json = {
      id,
      team_id: teamId,
      name,
      deleted: s.deleted ?? false,
      real_name: realName,
      tz,
      tz_label: tzLabel(tz, now()),
      tz_offset: tzOffsetSeconds(tz, now()),
      is_bot: s.is_bot ?? false,
      is_app_user: false,
      profile: {
        real_name: realName,
        display_name: s.display_name ?? '',
        real_name_normalized: realName,
        display_name_normalized: s.display_name ?? '',
        ...(s.email !== undefined ? { email: s.email } : {}),
        team: teamId,
      },
    };
    if (includeLocale && s.locale !== undefined) user['locale'] = s.locale;
    return user;
  };

  const dmChannelFor = (userId: string): string => `D${userId}`;

  /** Resolves a channel argument as Slack does (a user id posts to the DM) or answers an error. */
  const resolveChannel = (value: unknown): { channel: string } | { error: Answer } => {
    const channel = str(value);
    if (!channel) return { error: fail('channel_not_found') };
    const resolved = /^[UW][A-Z0-9]+$/.test(channel) ? dmChannelFor(channel) : channel;
    const spec = channels.get(resolved) ?? channels.get(channel);
    if (spec?.missing) return { error: fail('channel_not_found') };
    if (spec?.archived) return { error: fail('is_archived') };
    if (spec?.notMember) return { error: fail('not_in_channel') };
    return { channel: resolved };
  };

  /** The scope a history read of this conversation needs, when the fake was given the token's scopes. */
  let scopes = opts.scopes;
  const missingHistoryScope = (channel: string): Answer | undefined => {
    if (scopes === undefined) return undefined;
    const needed = channel.startsWith('D')
      ? 'im:history'
      : channel.startsWith('G')
        ? 'groups:history'
        : 'channels:history';
    if (scopes.includes(needed)) return undefined;
    return fail('missing_scope', { needed, provided: scopes.join(',') });
  };

  /**
   * One page of messages, newest first, as conversations.history and .replies answer: bounded by
   * `oldest`/`latest` (exclusive unless `inclusive`), `limit` (default 100, at most 999) and a
   * cursor; metadata's payload only with `include_all_metadata`.
   */
  const historyPage = (found: FakeMessage[], args: Json): Answer => {
    const oldest = Number(str(args['oldest']) ?? '0');
    const latest = str(args['latest']) === undefined ? Infinity : Number(str(args['latest']));
    const inclusive = truthy(args['inclusive']);
    const limit = Math.min(999, Math.max(1, Number(str(args['limit']) ?? '100') || 100));
    const inRange = found
      .filter((m) => {
        const t = Number(m.ts);
        return inclusive ? t >= oldest && t <= latest : t > oldest && t < latest;
      })
      .sort((a, b) => Number(b.ts) - Number(a.ts));
    const cursor = str(args['cursor']);
    const start = cursor
      ? Number(
          Buffer.from(cursor, 'base64')
            .toString('utf8')
            .replace(/^next:/, ''),
        )
      : 0;
    if (!Number.isInteger(start) || start < 0) return fail('invalid_cursor');
    const page = inRange.slice(start, start + limit);
    const more = start + limit < inRange.length;
    const withMetadata = truthy(args['include_all_metadata']);
    return ok({
      messages: page.map((m) => {
        const body = messageBody(m);
        if (!withMetadata && isRecord(m.metadata)) body['metadata'] = { event_type: m.metadata['event_type'] };
        return body;
      }),
      has_more: more,
      ...(more ? { response_metadata: { next_cursor: Buffer.from(`next:${start + limit}`).toString('base64') } } : {}),
    });
  };

  const findMessage = (channel: string, ts: string): FakeMessage | undefined =>
    messages.find((m) => m.channel === channel && m.ts === ts && m.ephemeralTo === undefined);

  const messageBody = (m: FakeMessage): Json => ({
    type: 'message',
    subtype: 'bot_message',
    text: m.text ?? '',
    user: botUserId,
    bot_id: botId,
    app_id: appId,
    team: teamId,
    ts: m.ts,
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(m.attachments ? { attachments: m.attachments } : {}),
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(m.metadata !== undefined ? { metadata: m.metadata } : {}),
  });

  const hasContent = (args: Json): boolean =>
    (typeof args['text'] === 'string' && args['text'] !== '') ||
    args['blocks'] !== undefined ||
    args['attachments'] !== undefined;

  // ---- Triggers and views --------------------------------------------------

  const checkTrigger = (method: string, args: Json): Answer | undefined => {
    const trigger = str(args['trigger_id']) ?? str(args['interactivity_pointer']);
    if (!trigger) {
      violate(`${method}: no trigger_id`);
      return fail('invalid_arguments');
    }
    if (usedTriggers.has(trigger)) {
      violate(`${method}: trigger_id ${trigger} was already used (trigger ids are single-use)`);
      return fail('exchanged_trigger_id');
    }
    usedTriggers.add(trigger);
    const issued = /^(\d{13})\./.exec(trigger);
    if (issued && triggerTtlMs > 0) {
      const age = now() - Number(issued[1]);
      if (age > triggerTtlMs) {
        violate(`${method}: trigger_id is ${age} ms old, Slack allows ${triggerTtlMs} ms`);
        return fail('expired_trigger_id');
      }
    }
    return undefined;
  };

  const storeView = (method: string, view: Json, id: string, userId?: string): FakeView => {
    const stored: FakeView = { id, hash: nextHash(), view, method, ...(userId !== undefined ? { userId } : {}) };
    views.set(id, stored);
    return stored;
  };

  const viewBody = (v: FakeView): Json => ({
    id: v.id,
    team_id: teamId,
    type: v.view['type'],
    blocks: v.view['blocks'] ?? [],
    private_metadata: v.view['private_metadata'] ?? '',
    callback_id: v.view['callback_id'] ?? '',
    external_id: v.view['external_id'] ?? '',
    state: { values: {} },
    hash: v.hash,
    title: v.view['title'],
    close: v.view['close'] ?? null,
    submit: v.view['submit'] ?? null,
    clear_on_close: v.view['clear_on_close'] ?? false,
    notify_on_close: v.view['notify_on_close'] ?? false,
    root_view_id: v.id,
    previous_view_id: null,
    app_id: appId,
    app_installed_team_id: teamId,
    bot_id: botId,
  });

  const viewArg = (method: string, args: Json): Json | Answer => {
    const view = args['view'];
    if (!isRecord(view)) {
      violate(`${method}: view is missing or not a JSON object`);
      return fail('invalid_arguments');
    }
    return view;
  };

  const isAnswer = (x: Json | Answer): x is Answer => typeof (x as Answer).status === 'number' && 'body' in x;

  // ---- Methods -------------------------------------------------------------

  const builtins: Record<string, (args: Json) => Answer | Promise<Answer>> = {
    'auth.test': () =>
      ok({
        url: 'https://fake-workspace.slack.com/',
        team: 'Fake Workspace',
        user: 'pacesetter',
        team_id: teamId,
        user_id: botUserId,
        bot_id: botId,
        is_enterprise_install: false,
      }),

    'chat.postMessage': (args) => {
      const r = resolveChannel(args['channel']);
      if ('error' in r) return r.error;
      if (!hasContent(args)) return fail('no_text');
      const bad = checkBlocks('chat.postMessage', 'message', args, '');
      if (bad) return bad;
      const m: FakeMessage = {
        channel: r.channel,
        ts: nextTs(),
        edits: 0,
        ...(typeof args['text'] === 'string' ? { text: args['text'] } : {}),
        ...(Array.isArray(args['blocks']) ? { blocks: args['blocks'] } : {}),
        ...(Array.isArray(args['attachments']) ? { attachments: args['attachments'] } : {}),
        ...(str(args['thread_ts']) ? { threadTs: str(args['thread_ts']) } : {}),
        ...(args['metadata'] !== undefined ? { metadata: args['metadata'] } : {}),
      };
      messages.push(m);
      emit({ type: 'message', change: 'posted', message: m });
      return ok({ channel: m.channel, ts: m.ts, message: messageBody(m) });
    },

    'conversations.history': (args) => {
      const r = resolveChannel(args['channel']);
      if ('error' in r) return r.error;
      const scope = missingHistoryScope(r.channel);
      if (scope) return scope;
      // A thread's replies are not in the channel's history (a parent is), as in Slack.
      const found = messages.filter(
        (m) =>
          m.channel === r.channel && m.ephemeralTo === undefined && (m.threadTs === undefined || m.threadTs === m.ts),
      );
      return historyPage(found, args);
    },

    'conversations.replies': (args) => {
      const r = resolveChannel(args['channel']);
      if ('error' in r) return r.error;
      const scope = missingHistoryScope(r.channel);
      if (scope) return scope;
      const ts = str(args['ts']);
      const parent = ts ? findMessage(r.channel, ts) : undefined;
      if (!ts || !parent) return fail('thread_not_found');
      const found = messages.filter(
        (m) => m.channel === r.channel && m.ephemeralTo === undefined && (m.ts === ts || m.threadTs === ts),
      );
      return historyPage(found, args);
    },

    'chat.postEphemeral': (args) => {
      const r = resolveChannel(args['channel']);
      if ('error' in r) return r.error;
      const user = str(args['user']);
      if (!user) return fail('user_not_in_channel');
      if (!hasContent(args)) return fail('no_text');
      const bad = checkBlocks('chat.postEphemeral', 'message', args, '');
      if (bad) return bad;
      const m: FakeMessage = {
        channel: r.channel,
        ts: nextTs(),
        edits: 0,
        ephemeralTo: user,
        ...(typeof args['text'] === 'string' ? { text: args['text'] } : {}),
        ...(Array.isArray(args['blocks']) ? { blocks: args['blocks'] } : {}),
        ...(str(args['thread_ts']) ? { threadTs: str(args['thread_ts']) } : {}),
      };
      messages.push(m);
      emit({ type: 'message', change: 'posted', message: m });
      return ok({ message_ts: m.ts });
    },

    'chat.update': (args) => {
      const r = resolveChannel(args['channel']);
      if ('error' in r) return r.error;
      const ts = str(args['ts']);
      if (!ts) return fail('message_not_found');
      if (!hasContent(args)) return fail('no_text');
      const bad = checkBlocks('chat.update', 'message', args, '');
      if (bad) return bad;
      let m = findMessage(r.channel, ts);
      if (!m) {
        if (opts.strictMessages) return fail('message_not_found');
        m = { channel: r.channel, ts, edits: 0 };
        messages.push(m);
      }
      if (typeof args['text'] === 'string') m.text = args['text'];
      if (Array.isArray(args['blocks'])) m.blocks = args['blocks'];
      if (Array.isArray(args['attachments'])) m.attachments = args['attachments'];
      if (args['metadata'] !== undefined) m.metadata = args['metadata'];
      m.edits += 1;
      emit({ type: 'message', change: 'updated', message: m });
      return ok({ channel: m.channel, ts: m.ts, text: m.text ?? '', message: messageBody(m) });
    },

    'chat.delete': (args) => {
      const r = resolveChannel(args['channel']);
      if ('error' in r) return r.error;
      const ts = str(args['ts']) ?? '';
      const m = findMessage(r.channel, ts);
      if (!m && opts.strictMessages) return fail('message_not_found');
      if (m) {
        messages = messages.filter((x) => x !== m);
        emit({ type: 'message', change: 'deleted', message: m });
      }
      return ok({ channel: r.channel, ts });
    },

    'chat.getPermalink': (args) => {
      const channel = str(args['channel']);
      const ts = str(args['message_ts']);
      if (!channel) return fail('channel_not_found');
      if (!ts) return fail('message_not_found');
      const m = findMessage(channel, ts);
      if (!m && opts.strictMessages) return fail('message_not_found');
      const base = `https://fake-workspace.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
      const permalink = m?.threadTs && m.threadTs !== ts ? `${base}?thread_ts=${m.threadTs}&cid=${channel}` : base;
      return ok({ channel, permalink });
    },

    'conversations.open': (args) => {
      const channelArg = str(args['channel']);
      if (channelArg) return ok({ channel: { id: channelArg } });
      const ids = (str(args['users']) ?? '')
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u !== '');
      if (ids.length === 0) {
        violate('conversations.open: neither users nor channel given');
        return fail('users_list_not_supplied');
      }
      for (const id of ids) {
        const spec = users.get(id);
        if (!spec && opts.strictUsers) return fail('user_not_found');
        if (spec?.deleted) return fail('user_disabled');
      }
      const id = ids.length === 1 ? dmChannelFor(ids[0] as string) : `G${[...ids].sort().join('')}`;
      const already = openedIms.has(id);
      openedIms.add(id);
      return ok({ no_op: already, already_open: already, channel: { id } });
    },

    'users.info': (args) => {
      const id = str(args['user']);
      if (!id) return fail('user_not_found');
      const user = userObject(id, truthy(args['include_locale']));
      return user ? ok({ user }) : fail('user_not_found');
    },

    'users.lookupByEmail': (args) => {
      const email = str(args['email'])?.toLowerCase();
      for (const [id, spec] of users) {
        if (email && spec.email?.toLowerCase() === email) return ok({ user: userObject(id, false) });
      }
      return fail('users_not_found');
    },

    'views.open': (args) => {
      const view = viewArg('views.open', args);
      if (isAnswer(view)) return view;
      const bad = checkBlocks('views.open', 'modal', view, '/view');
      if (bad) return bad;
      const triggerError = checkTrigger('views.open', args);
      if (triggerError) return triggerError;
      const opened = storeView('views.open', view, nextId('V'));
      emit({ type: 'view', method: 'views.open', view: opened, triggerId: str(args['trigger_id']) });
      return ok({ view: viewBody(opened) });
    },

    'views.push': (args) => {
      const view = viewArg('views.push', args);
      if (isAnswer(view)) return view;
      const bad = checkBlocks('views.push', 'modal', view, '/view');
      if (bad) return bad;
      const triggerError = checkTrigger('views.push', args);
      if (triggerError) return triggerError;
      const pushed = storeView('views.push', view, nextId('V'));
      emit({ type: 'view', method: 'views.push', view: pushed, triggerId: str(args['trigger_id']) });
      return ok({ view: viewBody(pushed) });
    },

    'views.update': (args) => {
      const view = viewArg('views.update', args);
      if (isAnswer(view)) return view;
      const kind: BlockKitKind = view['type'] === 'home' ? 'home' : 'modal';
      const bad = checkBlocks('views.update', kind, view, '/view');
      if (bad) return bad;
      let id = str(args['view_id']);
      const externalId = str(args['external_id']);
      if (!id && externalId) {
        id = [...views.values()].find((v) => v.view['external_id'] === externalId)?.id;
        if (!id) return fail('not_found');
      }
      if (!id) {
        violate('views.update: neither view_id nor external_id given');
        return fail('invalid_arguments');
      }
      const existing = views.get(id);
      const hash = str(args['hash']);
      if (existing && hash && hash !== existing.hash) return fail('hash_conflict');
      // A view_id the fake never issued (e.g. made up by SlackDriver) is taken as real.
      const updated = storeView('views.update', view, id, existing?.userId);
      emit({ type: 'view', method: 'views.update', view: updated });
      return ok({ view: viewBody(updated) });
    },

    'views.publish': (args) => {
      const userId = str(args['user_id']);
      if (!userId) {
        violate('views.publish: no user_id');
        return fail('invalid_arguments');
      }
      const view = viewArg('views.publish', args);
      if (isAnswer(view)) return view;
      const bad = checkBlocks('views.publish', 'home', view, '/view');
      if (bad) return bad;
      const existingId = homes.get(userId);
      const existing = existingId ? views.get(existingId) : undefined;
      const hash = str(args['hash']);
      if (existing && hash && hash !== existing.hash) return fail('hash_conflict');
      const stored = storeView('views.publish', view, existingId ?? nextId('V'), userId);
      homes.set(userId, stored.id);
      emit({ type: 'view', method: 'views.publish', view: stored });
      return ok({ view: viewBody(stored) });
    },

    'files.getUploadURLExternal': (args) => {
      const filename = str(args['filename']);
      const lengthArg = str(args['length']);
      if (!filename || !lengthArg) {
        violate('files.getUploadURLExternal: filename and length are required');
        return fail('invalid_arguments');
      }
      const fileId = nextId('F');
      pendingUploads.set(fileId, { fileId, filename, length: Number(lengthArg), bytes: undefined });
      return ok({ upload_url: `${baseUrl}/upload/${fileId}`, file_id: fileId });
    },

    'files.completeUploadExternal': (args) => {
      const files = args['files'];
      if (!Array.isArray(files) || files.length === 0) {
        violate('files.completeUploadExternal: files must be a JSON array of {id, title}');
        return fail('invalid_arguments');
      }
      const channelId = str(args['channel_id']) ?? str(args['channels']);
      const threadTs = str(args['thread_ts']);
      if (threadTs && !channelId) {
        violate('files.completeUploadExternal: thread_ts without channel_id');
        return fail('invalid_arguments');
      }
      if (channelId) {
        const r = resolveChannel(channelId);
        if ('error' in r) return r.error;
      }
      if (args['blocks'] !== undefined) {
        const bad = checkBlocks('files.completeUploadExternal', 'message', { blocks: args['blocks'] }, '');
        if (bad) return bad;
      }
      const done: FakeUpload[] = [];
      for (const f of files) {
        const id = isRecord(f) ? str(f['id']) : undefined;
        const pending = id ? pendingUploads.get(id) : undefined;
        if (!pending || !pending.bytes) {
          violate(`files.completeUploadExternal: file ${String(id)} was never uploaded`);
          return fail('file_not_found');
        }
        done.push({
          fileId: pending.fileId,
          filename: pending.filename,
          title: (isRecord(f) ? str(f['title']) : undefined) ?? pending.filename,
          bytes: pending.bytes,
          channelId,
          threadTs,
          initialComment: str(args['initial_comment']),
        });
      }
      for (const u of done) pendingUploads.delete(u.fileId);
      uploads.push(...done);
      for (const u of done) {
        const ts = nextTs();
        fileStore.set(u.fileId, {
          fileId: u.fileId,
          filename: u.filename,
          title: u.title ?? u.filename,
          bytes: u.bytes,
          userId: botUserId,
          ts,
        });
        emit({ type: 'upload', upload: u, ts });
      }
      return ok({
        files: done.map((u) => ({
          id: u.fileId,
          created: Math.floor(now() / 1000),
          name: u.filename,
          title: u.title,
          mimetype: '',
          filetype: u.filename.includes('.') ? u.filename.split('.').pop() : '',
          user: botUserId,
          size: u.bytes.length,
          url_private: `${baseUrl}/files/${u.fileId}/${encodeURIComponent(u.filename)}`,
          permalink: `https://fake-workspace.slack.com/files/${botUserId}/${u.fileId}/${encodeURIComponent(u.filename)}`,
          channels: u.channelId ? [u.channelId] : [],
        })),
      });
    },
  };

  // ---- Rate limits ---------------------------------------------------------

  /** Sliding-window limiter: returns seconds to wait, or 0 when the request may pass (and counts it). */
  const take = (key: string, limit: number, windowMs: number): number => {
    if (!Number.isFinite(limit)) return 0;
    const t = now();
    const times = (windows.get(key) ?? []).filter((x) => t - x < windowMs);
    windows.set(key, times);
    if (times.length >= limit) {
      const oldest = times[0] ?? t;
      return Math.max(1, Math.ceil((oldest + windowMs - t) / 1000));
    }
    times.push(t);
    return 0;
  };

  const rateLimit = (method: string, args: Json): number => {
    if (!rateConfig) return 0;
    if (method === 'chat.postMessage') {
      const raw = str(args['channel']) ?? '';
      const channel = /^[UW][A-Z0-9]+$/.test(raw) ? dmChannelFor(raw) : raw;
      const wait = take(`sec:${method}:${channel}`, postPerSecond, 1000);
      if (wait > 0) return wait;
    }
    const limit = perMinute[method];
    return limit === undefined ? 0 : take(`min:${method}`, limit, 60_000);
  };

  // ---- HTTP ----------------------------------------------------------------

  const takeFailure = (method: string): FakeSlackFailure | undefined => {
    const queue = failures.get(method);
    if (!queue || queue.length === 0) return undefined;
    const f = queue.shift();
    if (queue.length === 0) failures.delete(method);
    return f;
  };

  const failureAnswer = (f: FakeSlackFailure): Answer | undefined => {
    if ('answerLost' in f || 'timeoutMs' in f) return undefined;
    if ('error' in f) return fail(f.error);
    if (f.status === 429) {
      return {
        status: 429,
        headers: { 'retry-after': String(Math.max(0, Math.ceil(f.retryAfter))) },
        body: { ok: false, error: 'ratelimited' },
      };
    }
    return { status: f.status, body: { ok: false, error: 'fake_http_error' } };
  };

  const hold = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      inFlight += 1;
      const timer = setTimeout(() => {
        held.delete(timer);
        inFlight -= 1;
        resolve();
      }, ms);
      held.add(timer);
    });

  const notify = (): void => {
    waiters = waiters.filter((w) => {
      const matching = calls.filter((c) => c.method === w.method);
      if (matching.length < w.count) return true;
      w.resolve(matching);
      return false;
    });
  };

  const send = (res: ServerResponse, call: Omit<FakeSlackCall, 'status' | 'ok' | 'response'>, answer: Answer): void => {
    const body = answer.body;
    const okField = typeof body === 'string' ? answer.status === 200 : body['ok'] === true;
    const error = typeof body === 'string' ? undefined : str(body['error']);
    const recorded: FakeSlackCall = {
      ...call,
      status: answer.status,
      ok: okField,
      ...(error ? { error } : {}),
      response: body,
    };
    calls.push(recorded);
    if (answer.status === 429) rateLimited += 1;
    if (answer.reset) {
      res.socket?.destroy();
    } else if (!res.destroyed && !res.writableEnded) {
      const isText = typeof body === 'string';
      res.writeHead(answer.status, {
        'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
        ...(answer.headers ?? {}),
      });
      res.end(isText ? body : JSON.stringify(body));
    }
    notify();
  };

  /** Injected failures, then rate limits, then the method itself (and then a lost answer). */
  const answerFor = async (method: string, args: Json, run: () => Answer | Promise<Answer>): Promise<Answer> => {
    const failure = takeFailure(method);
    if (failure) {
      const answer = failureAnswer(failure);
      if (answer) return answer;
      if ('timeoutMs' in failure && !('answerLost' in failure)) await hold(failure.timeoutMs);
    }
    const wait = rateLimit(method, args);
    if (wait > 0) {
      return { status: 429, headers: { 'retry-after': String(wait) }, body: { ok: false, error: 'ratelimited' } };
    }
    const done = await run();
    if (!failure || !('answerLost' in failure)) return done;
    if (failure.answerLost === 'late') {
      await hold(failure.timeoutMs);
      return done;
    }
    if (failure.answerLost === 'reset') return { status: 0, body: { ok: false, error: 'answer_lost' }, reset: true };
    return { status: failure.answerLost, body: { ok: false, error: 'answer_lost' } };
  };

  const handleApi = async (method: string, args: Json, token: string | undefined): Promise<Answer> => {
    if (opts.token !== undefined && token !== opts.token) {
      return token === undefined ? fail('not_authed') : fail('invalid_auth');
    }
    const custom = handlers.get(method);
    if (custom) {
      const body = await custom(args, { method, token });
      return { status: 200, body: { ok: true, ...body } };
    }
    const builtin = builtins[method];
    if (!builtin) {
      violate(`${method}: unknown method (the fake does not implement it; add it or use fake.handle)`);
      return fail('unknown_method');
    }
    return builtin(args);
  };

  const handleUpload = (fileId: string, args: Json, raw: Buffer, multipart: boolean): Answer => {
    const pending = pendingUploads.get(fileId);
    if (!pending) {
      violate(`upload: POST to /upload/${fileId}, a file id files.getUploadURLExternal never issued`);
      return { status: 404, body: 'not_found' };
    }
    let bytes = raw;
    if (multipart) {
      const file = Object.values(args).find((v): v is Buffer => Buffer.isBuffer(v));
      bytes = file ?? Buffer.alloc(0);
    }
    if (pending.length !== undefined && pending.length !== bytes.length) {
      violate(`upload: ${pending.filename} declared length ${pending.length} but ${bytes.length} bytes arrived`);
    }
    pending.bytes = bytes;
    return { status: 200, body: `OK - ${bytes.length}` };
  };

  const handleResponseUrl = (id: string, args: Json): Answer => {
    const uses = (responseUrlUses.get(id) ?? 0) + 1;
    responseUrlUses.set(id, uses);
    if (uses > RESPONSE_URL_USES) {
      violate(`response_url: ${id} used ${uses} times, Slack allows ${RESPONSE_URL_USES}`);
      return { status: 404, body: { ok: false, error: 'used_url' } };
    }
    if (!truthy(args['delete_original'])) {
      const bad = checkBlocks('response_url', 'message', args, '');
      if (bad) return { ...bad, status: 400 };
    }
    const target = responseTargets.get(id);
    if (target) respondAt(target, args);
    emit({ type: 'response_url', id, args });
    return { status: 200, body: { ok: true } };
  };

  /** What Slack does with a response_url's message, for the request whose target is known. */
  const respondAt = (target: ResponseTarget, args: Json): void => {
    const original = target.messageTs
      ? messages.find(
          (m) =>
            m.channel === target.channel &&
            m.ts === target.messageTs &&
            (target.ephemeral ? m.ephemeralTo === target.userId : m.ephemeralTo === undefined),
        )
      : undefined;
    if (truthy(args['delete_original'])) {
      if (original) {
        messages = messages.filter((x) => x !== original);
        emit({ type: 'message', change: 'deleted', message: original });
      }
      return;
    }
    if (truthy(args['replace_original']) && original) {
      original.text = typeof args['text'] === 'string' ? args['text'] : '';
      if (Array.isArray(args['blocks'])) original.blocks = args['blocks'];
      else delete original.blocks;
      original.edits += 1;
      emit({ type: 'message', change: 'updated', message: original });
      return;
    }
    const inChannel = str(args['response_type']) === 'in_channel';
    const m: FakeMessage = {
      channel: target.channel,
      ts: nextTs(),
      edits: 0,
      ...(inChannel ? {} : { ephemeralTo: target.userId }),
      ...(typeof args['text'] === 'string' ? { text: args['text'] } : {}),
      ...(Array.isArray(args['blocks']) ? { blocks: args['blocks'] } : {}),
      ...(str(args['thread_ts']) ? { threadTs: str(args['thread_ts']) } : {}),
    };
    messages.push(m);
    emit({ type: 'message', change: 'posted', message: m });
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const at = now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const receivedAt = performance.now();
    const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
    const multipart = contentType.includes('multipart/form-data');
    // Upload bodies are file bytes, not arguments, unless sent as a form.
    const isUpload = url.pathname.startsWith('/upload/');
    let args: Json;
    try {
      args = isUpload && !multipart ? {} : await parseArgs(req, raw, url);
    } catch (e) {
      violate(`${url.pathname}: body could not be parsed (${e instanceof Error ? e.message : String(e)})`);
      send(res, { method: url.pathname, args: {}, at, receivedAt, path: url.pathname }, fail('invalid_form_data'));
      return;
    }
    const auth = req.headers['authorization'];
    const token =
      (typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined) ?? str(args['token']);
    const base = { at, receivedAt, path: url.pathname, ...(token !== undefined ? { token } : {}) };

    if (url.pathname.startsWith('/api/')) {
      const method = decodeURIComponent(url.pathname.slice('/api/'.length));
      const call = { method, args, ...base };
      send(res, call, await answerFor(method, args, () => handleApi(method, args, token)));
      return;
    }
    if (isUpload) {
      const fileId = decodeURIComponent(url.pathname.slice('/upload/'.length));
      const call = { method: 'upload', args: { file_id: fileId, bytes: raw.length }, ...base };
      send(res, call, await answerFor('upload', {}, () => handleUpload(fileId, args, raw, multipart)));
      return;
    }
    if (url.pathname.startsWith('/response/')) {
      const id = decodeURIComponent(url.pathname.slice('/response/'.length));
      const call = { method: 'response_url', args, ...base };
      send(res, call, await answerFor('response_url', args, () => handleResponseUrl(id, args)));
      return;
    }
    violate(`${req.method ?? 'GET'} ${url.pathname}: not a Slack endpoint`);
    send(res, { method: url.pathname, args, ...base }, { status: 404, body: { ok: false, error: 'not_found' } });
  };

  const server: Server = createServer((req, res) => {
    onRequest(req, res).catch((e: unknown) => {
      violate(`fake Slack crashed on ${req.url ?? ''}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      if (!res.writableEnded) res.end(JSON.stringify({ ok: false, error: 'fake_crashed' }));
    });
  });
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;

  const fake: FakeSlack = {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    responseUrlBase: `${baseUrl}/response/`,
    teamId,
    botUserId,
    botId,
    appId,
    get calls() {
      return calls;
    },
    get violations() {
      return violations;
    },
    get uploads() {
      return uploads;
    },
    get rateLimited() {
      return rateLimited;
    },
    get inFlight() {
      return inFlight;
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    succeeded: (method) => calls.filter((c) => c.method === method && c.ok),
    waitFor: (method, count = 1, timeoutMs = 2000) =>
      new Promise<FakeSlackCall[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          const seen = calls.map((c) => (c.ok ? c.method : `${c.method}(${c.error ?? c.status})`));
          reject(
            new Error(
              `fake Slack: expected ${count} call(s) to ${method} within ${timeoutMs} ms, got ${
                calls.filter((c) => c.method === method).length
              }. Calls answered so far: ${seen.length ? seen.join(', ') : 'none'}` +
                (violations.length ? `. Violations: ${violations.join(' | ')}` : ''),
            ),
          );
        }, timeoutMs);
        const waiter: Waiter = {
          method,
          count,
          resolve: (found) => {
            clearTimeout(timer);
            resolve(found);
          },
        };
        waiters.push(waiter);
        notify();
      }),
    failNext: (method, failure, times = 1) => {
      const queue = failures.get(method) ?? [];
      for (let i = 0; i < times; i++) queue.push(failure);
      failures.set(method, queue);
    },
    setScopes: (next) => {
      scopes = next;
    },
    clearFailures: (method) => {
      if (method === undefined) failures = new Map();
      else failures.delete(method);
    },
    setUser: (id, spec) => {
      users.set(id, spec);
    },
    setChannel: (id, spec) => {
      channels.set(id, spec);
    },
    handle: (method, handler) => {
      handlers.set(method, handler);
    },
    messages: (channel) =>
      messages.filter((m) => m.ephemeralTo === undefined && (channel === undefined || m.channel === channel)),
    ephemerals: (channel) =>
      messages.filter((m) => m.ephemeralTo !== undefined && (channel === undefined || m.channel === channel)),
    view: (id) => views.get(id),
    homeOf: (userId) => {
      const id = homes.get(userId);
      return id ? views.get(id) : undefined;
    },
    responseUrl: (id) => `${baseUrl}/response/${encodeURIComponent(id)}`,
    bindResponseUrl: (id, target) => {
      responseTargets.set(id, target);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    addFile: ({ filename, bytes, userId, title }) => {
      const file: FakeFile = { fileId: nextId('F'), filename, title: title ?? filename, bytes, userId, ts: nextTs() };
      fileStore.set(file.fileId, file);
      return file;
    },
    file: (id) => fileStore.get(id),
    answerSubmission: (viewId, answer) => {
      const method = answer.response_action === 'push' ? 'views.push' : 'views.update';
      if (!isRecord(answer.view)) {
        violate(`view_submission answer: response_action ${answer.response_action} without a view object`);
        return { error: 'invalid_arguments' };
      }
      const bad = checkBlocks(`view_submission answer (${answer.response_action})`, 'modal', answer.view, '/view');
      if (bad) return { error: typeof bad.body === 'string' ? bad.body : String(bad.body['error']) };
      const stored = storeView(method, answer.view, method === 'views.push' ? nextId('V') : viewId);
      emit({ type: 'view', method, view: stored });
      return stored;
    },
    snapshot: () => ({
      messages: messages.map((m) => ({ ...m })),
      uploads: uploads.map((u) => ({ ...u, bytes: u.bytes.toString('base64'), ts: fileStore.get(u.fileId)?.ts ?? '' })),
      files: [...fileStore.values()]
        .filter((f) => f.userId !== botUserId)
        .map((f) => ({ ...f, bytes: f.bytes.toString('base64') })),
    }),
    restore: (snap) => {
      messages = snap.messages.map((m) => ({ ...m }));
      uploads = snap.uploads.map(({ ts: _ts, ...u }) => ({ ...u, bytes: Buffer.from(u.bytes, 'base64') }));
      fileStore = new Map();
      for (const u of snap.uploads)
        fileStore.set(u.fileId, {
          fileId: u.fileId,
          filename: u.filename,
          title: u.title ?? u.filename,
          bytes: Buffer.from(u.bytes, 'base64'),
          userId: botUserId,
          ts: u.ts,
        });
      for (const f of snap.files) fileStore.set(f.fileId, { ...f, bytes: Buffer.from(f.bytes, 'base64') });
      // New ts and ids follow the restored ones, as Slack's never go back.
      for (const m of messages) lastTsMicros = Math.max(lastTsMicros, Math.round(Number(m.ts) * 1_000_000));
      for (const f of fileStore.values()) lastTsMicros = Math.max(lastTsMicros, Math.round(Number(f.ts) * 1_000_000));
      seq = Math.max(seq, messages.length + fileStore.size + 1000);
    },
    reset: () => {
      calls = [];
      violations = [];
      uploads = [];
      pendingUploads = new Map();
      messages = [];
      views = new Map();
      homes = new Map();
      failures = new Map();
      windows = new Map();
      usedTriggers = new Set();
      responseUrlUses = new Map();
      openedIms = new Set();
      responseTargets = new Map();
      fileStore = new Map();
      rateLimited = 0;
    },
    close: async () => {
      for (const t of held) clearTimeout(t);
      held.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return fake;
}
