import { randomUUID } from 'node:crypto';
import type { KnownBlock, LogLevel, Logger as SlackLogger, WebClient } from '@slack/web-api';
import {
  claimableRecipients,
  claimRecipient,
  clearSentAs,
  enqueue,
  findByKey,
  listInState,
  markSending,
  markSent,
  release,
  renewClaim,
  type OutboxRow,
} from '../../db/queries/outbox.js';
import { listAdmins } from '../../db/queries/people.js';
import type { AppContext } from '../context.js';
import { toLocale, type Locale } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { blockedReportMessages, deadReportMessages, type DeadItem } from '../ui/admin-notice.js';

/** A message sent as it is, one row one message; a thread reply goes after its parent (the row keyed `threadOf`). */
export interface MessagePayload {
  kind: 'message';
  text: string;
  blocks?: KnownBlock[];
  threadOf?: string;
}

/** A summary and its thread, as a Block Kit builder renders a long post (the award list, a branch's commitments). */
export interface ThreadedPosts {
  main: { text: string; blocks: KnownBlock[] };
  thread: { text: string; blocks: KnownBlock[] }[];
}

/** The rows of `job` that post a summary and its thread once (a key each, the replies after their parent). */
export function threadedPostRows(job: string, key: string, channel: string, posts: ThreadedPosts) {
  return [
    {
      job,
      key,
      recipient: channel,
      payload: { kind: 'message', text: posts.main.text, blocks: posts.main.blocks } satisfies MessagePayload,
    },
    ...posts.thread.map((m, i) => ({
      job,
      key: `${key}:thread:${i + 1}`,
      recipient: channel,
      payload: { kind: 'message', text: m.text, blocks: m.blocks, threadOf: key } satisfies MessagePayload,
    })),
  ];
}

/** A file uploaded on its own, into its parent's thread when `threadOf` is set. */
export interface FilePayload {
  kind: 'file';
  filename: string;
  title: string;
  base64: string;
  threadOf?: string;
}

/**
 * One item of a grouped kind: the rows of one kind and locale that wait for the same recipient go
 * out together, rendered at send time by the kind's renderer (one DM per person per run, one
 * escalation post grouped by branch).
 */
export interface GroupedPayload<Item = unknown> {
  kind: string;
  locale: Locale;
  item: Item;
}

/** What an outbox row holds. Plain messages and files go one by one, in the order they were queued. */
export type OutboxPayload = MessagePayload | FilePayload | GroupedPayload;

/** A message a kind renders; `indexes` are the items (by position among those given) it delivers. */
export interface GroupedMessage {
  text: string;
  blocks: KnownBlock[];
  indexes: number[];
}

/** A grouped kind, declared by the job that queues it (and two by the outbox: the admins' notices of undelivered messages). */
export interface MessageKind<Item = unknown> {
  readonly name: string;
  render(locale: Locale, items: Item[]): GroupedMessage[];
  payload(locale: Locale, item: Item): GroupedPayload<Item>;
}

export function messageKind<Item>(
  name: string,
  render: (locale: Locale, items: Item[]) => GroupedMessage[],
): MessageKind<Item> {
  return { name, render, payload: (locale, item) => ({ kind: name, locale, item }) };
}

/** The metadata event type of every message the outbox sends; its payload is `{ key }`, the row's outbox key. */
export const OUTBOX_EVENT = 'pacesetter_outbox';

/** The Slack calls the outbox makes. */
export interface SlackSender {
  /** Posts a message whose metadata carries `key`, so that its fate can be read back from the channel. */
  post(args: {
    channel: string;
    text: string;
    blocks?: KnownBlock[];
    threadTs?: string;
    key: string;
  }): Promise<{ ts: string }>;
  upload(args: {
    channel: string;
    threadTs?: string;
    filename: string;
    title: string;
    bytes: Buffer;
  }): Promise<{ id: string }>;
  /**
   * The messages posted to `channel` (a user id: the bot's DM with them) since `oldest` whose
   * metadata carries one of `keys`, as key → ts; in the thread of `threadTs` when given.
   */
  findSent(args: {
    channel: string;
    keys: ReadonlySet<string>;
    oldest: Date;
    threadTs?: string;
  }): Promise<Map<string, string>>;
}

export interface DrainOptions {
  /** DMs to different people in flight at once. Slack's per-channel limit makes one channel serial anyway. */
  concurrency?: number;
  /** Gap between two posts to the same channel: Slack allows about one message a second per channel. */
  perChannelIntervalMs?: number;
  /** A 429 asking to wait longer than this gives the rows back for a later run instead of waiting. */
  maxInlineWaitMs?: number;
  /** Transient failures (5xx, network) retried inline this many times before the row waits for a later run. */
  inlineTries?: number;
  backoffBaseMs?: number;
}

export interface DrainResult {
  sent: number;
  messages: number;
  failed: number;
  /** Rows waiting for an operator (the bot not in a channel …); admins are told. */
  blocked: number;
  dead: number;
  rateLimited: number;
  /** Rows found already posted (their answer had been lost) and recorded without sending again. */
  recovered: number;
}

/**
 * Slack refused the token or one of its scopes: nothing can be sent until an operator fixes it.
 * The run stops at once; every row waits (not dead, its attempts not counted) for the next run.
 */
export class OutboxStopped extends Error {
  constructor(readonly slackError: string) {
    super(
      `Slack refused the bot token or one of its scopes (${slackError}): nothing more was sent. ` +
        'Fix SLACK_BOT_TOKEN, or reinstall the app from manifest.yml; the messages wait and go out on the next run (or `jobs requeue`).',
    );
    this.name = 'OutboxStopped';
  }
}

/** What the outbox needs to know of a job it sends for: its name and the grouped kinds it queues. */
export interface OutboxJob {
  name: string;
  messages?: readonly MessageKind[];
}

/** The outbox of a context: built once by the composition root (main.ts, the CLI, tests). */
export interface Outbox {
  sender: SlackSender;
  /** Drain settings of this context; a call's own options win. */
  drain: DrainOptions;
  /** The grouped kinds by name: the jobs' and the outbox's own. */
  kinds: ReadonlyMap<string, MessageKind>;
  /** The jobs whose undeliverable rows admins are told about (not the admins' own notices). */
  jobs: readonly string[];
}

/** A row claimed longer ago than this was left by a process that died; another may take it. */
export const CLAIM_TTL_MS = 10 * 60 * 1000;
/** After this many claims a row stops being retried and admins are told. */
export const MAX_ATTEMPTS = 8;
const LATER_MS = 5 * 60 * 1000;

/** A row's message may be in its recipient's history since this long before the row was written (clocks differ). */
const HISTORY_MARGIN_MS = 60 * 60 * 1000;

const deadNotice = messageKind<DeadItem>('dead', deadReportMessages);
const blockedNotice = messageKind<DeadItem>('blocked', blockedReportMessages);

/**
 * The outbox for these jobs. A sender that fails on purpose (tests) goes in here; so do drain
 * settings (a test against a fake without rate limits need not space posts a second apart).
 */
export function createOutbox(opts: { sender: SlackSender; jobs: readonly OutboxJob[]; drain?: DrainOptions }): Outbox {
  const kinds = new Map<string, MessageKind>();
  for (const kind of [deadNotice, blockedNotice, ...opts.jobs.flatMap((j) => j.messages ?? [])]) {
    // A row names its kind by this string alone: two renderers under one name would mix them up.
    if (kind.name === 'message' || kind.name === 'file')
      throw new Error(`outbox: "${kind.name}" is a plain row's kind, not a grouped one`);
    if (kinds.has(kind.name) && kinds.get(kind.name) !== kind)
      throw new Error(`outbox: two message kinds are named "${kind.name}"`);
    kinds.set(kind.name, kind);
  }
  return { sender: opts.sender, drain: opts.drain ?? {}, kinds, jobs: opts.jobs.map((j) => j.name) };
}

/** The Slack sender over the bot token: the outbox's own Web API client. */
export function slackSender(
  slack: { botToken: string; apiUrl: string | undefined },
  logger: Logger,
  opts: { timeoutMs?: number } = {},
): SlackSender {
  // The Web API client is loaded when the first row is sent: a job run with nothing to send (the
  // CLI's every slot) does not pay the 0.1 s of loading it. One promise, so concurrent sends share it.
  let loaded: Promise<WebClient> | undefined;
  const api = (): Promise<WebClient> =>
    (loaded ??= import('@slack/web-api').then(
      ({ WebClient }) =>
        // Retries off (the outbox decides), and a 429 rejected at once with its Retry-After instead of
        // pausing every other send of the client.
        new WebClient(slack.botToken, {
          slackApiUrl: slack.apiUrl,
          retryConfig: { retries: 0 },
          rejectRateLimitedCalls: true,
          // A request Slack never answers must not hold its rows forever; a timeout is retried like a
          // 5xx (the answer may have been lost after Slack posted: the case decision 001 describes).
          timeout: opts.timeoutMs ?? 30_000,
          // The outbox logs each failure with its row; the client's own lines go to debug.
          logger: quietLogger(logger),
        }),
    ));
  // A DM's channel id never changes: one conversations.open per person and process.
  const ims = new Map<string, string>();
  const conversationOf = async (channel: string): Promise<string> => {
    if (!/^[UW]/.test(channel)) return channel;
    const known = ims.get(channel);
    if (known) return known;
    const res = await (await api()).conversations.open({ users: channel });
    const id = String(res.channel?.id);
    ims.set(channel, id);
    return id;
  };
  return {
    async post({ channel, text, blocks, threadTs, key }) {
      const client = await api();
      const res = await client.chat.postMessage({
        channel,
        text,
        ...(blocks ? { blocks } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        unfurl_links: false,
        metadata: { event_type: OUTBOX_EVENT, event_payload: { key } },
      });
      return { ts: String(res.ts) };
    },
    async upload({ channel, threadTs, filename, title, bytes }) {
      const client = await api();
      const res = threadTs
        ? await client.files.uploadV2({ channel_id: channel, thread_ts: threadTs, filename, title, file: bytes })
        : await client.files.uploadV2({ channel_id: channel, filename, title, file: bytes });
      const files = (res as { files?: { files?: { id?: string }[] }[] }).files ?? [];
      return { id: files[0]?.files?.[0]?.id ?? 'uploaded' };
    },
    async findSent({ channel, keys, oldest, threadTs }) {
      const found = new Map<string, string>();
      if (keys.size === 0) return found;
      const client = await api();
      const id = await conversationOf(channel);
      const common = {
        channel: id,
        oldest: (oldest.getTime() / 1000).toFixed(6),
        include_all_metadata: true,
        limit: 200,
      };
      let cursor: string | undefined;
      do {
        const page = threadTs
          ? await client.conversations.replies({ ...common, ts: threadTs, ...(cursor ? { cursor } : {}) })
          : await client.conversations.history({ ...common, ...(cursor ? { cursor } : {}) });
        for (const m of (page.messages ?? []) as {
          ts?: string;
          metadata?: { event_type?: string; event_payload?: { key?: unknown } };
        }[]) {
          const key = m.metadata?.event_type === OUTBOX_EVENT ? m.metadata.event_payload?.key : undefined;
          if (typeof key === 'string' && keys.has(key) && m.ts && !found.has(key)) found.set(key, m.ts);
        }
        if (found.size === keys.size) break;
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      return found;
    },
  };
}

function quietLogger(logger: Logger): SlackLogger {
  const debug = (...msg: unknown[]) => logger.debug({ slack: msg.map(String).join(' ') }, 'web-api');
  return {
    debug,
    info: debug,
    warn: debug,
    error: debug,
    setLevel() {},
    getLevel: () => 'debug' as LogLevel,
    setName() {},
  };
}

/**
 * What Slack's answer says of a failed send: 'unsent' (Slack refused it, or it never left),
 * 'unknown' (Slack answered an error after it may have posted: a 5xx, internal_error), or
 * 'inflight' (no answer: a timeout or a dropped connection; Slack may still be posting it).
 */
type Fate = 'unsent' | 'unknown' | 'inflight';

type Failure =
  | { type: 'rate'; retryAfterMs: number }
  | { type: 'transient'; error: string; fate: Fate }
  /** The token or its scopes: nothing can be sent until an operator fixes it. */
  | { type: 'stop'; error: string }
  /** The channel: the operator invites the bot or corrects the setting, then requeues. */
  | { type: 'blocked'; error: string }
  | { type: 'permanent'; error: string };

const TRANSIENT_PLATFORM = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Errors about the token and its grants, not about a message: the whole run stops and the rows wait. */
const AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'missing_scope',
  'no_permission',
  'not_allowed_token_type',
  'team_access_not_granted',
  'ekm_access_denied',
  'org_login_required',
]);

/** Errors about a channel an operator sets or invites the bot to: its rows wait, blocked, until requeued. */
const CHANNEL_ERRORS = new Set(['not_in_channel', 'channel_not_found']);

/** Network failures before the request reached Slack: nothing can have been posted. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Sorts a Slack error into: wait and go on, try again, stop the run, wait for an operator, or give up. */
export function classify(err: unknown): Failure {
  const e = err as {
    code?: string;
    retryAfter?: number;
    data?: { error?: string };
    statusCode?: number;
    message?: string;
    original?: { name?: string; code?: string; cause?: { code?: string } };
  };
  if (e?.code === 'slack_webapi_rate_limited_error')
    return { type: 'rate', retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000 };
  if (e?.code === 'slack_webapi_platform_error') {
    const code = e.data?.error ?? 'unknown_error';
    if (code === 'ratelimited') return { type: 'rate', retryAfterMs: 1000 };
    if (AUTH_ERRORS.has(code)) return { type: 'stop', error: code };
    if (CHANNEL_ERRORS.has(code)) return { type: 'blocked', error: code };
    if (TRANSIENT_PLATFORM.has(code)) return { type: 'transient', error: code, fate: 'unknown' };
    return { type: 'permanent', error: code };
  }
  if (e?.code === 'slack_webapi_http_error')
    return { type: 'transient', error: `http_${e.statusCode ?? 'error'}`, fate: 'unknown' };
  if (e?.code === 'slack_webapi_request_error') {
    const original = e.original;
    if (original?.name === 'TimeoutError') return { type: 'transient', error: 'network_timeout', fate: 'inflight' };
    const code = original?.cause?.code ?? original?.code ?? 'error';
    return { type: 'transient', error: `network_${code}`, fate: NOT_CONNECTED.has(code) ? 'unsent' : 'inflight' };
  }
  // Not an answer from Slack (a renderer this process lacks …): nothing left this process.
  return { type: 'transient', error: e?.message ?? String(err), fate: 'unsent' };
}

interface Unit {
  rows: OutboxRow[];
  /** The key its message carries in its metadata: its first row's. None for a file (files carry no metadata) or a kind this process cannot render. */
  lead: string | undefined;
  /** Built at send time from the rows' payloads. */
  send: (threadTs: string | undefined) => Promise<string>;
  threadOf: string | undefined;
  tries: number;
  /** An earlier send of it in this run may have been posted: read the history before sending again. */
  unsure: boolean;
}

/** A unit not tried yet in this run. */
function freshUnit(
  rows: OutboxRow[],
  lead: string | undefined,
  threadOf: string | undefined,
  send: Unit['send'],
): Unit {
  return { rows, lead, threadOf, tries: 0, unsure: false, send };
}

function groupedUnits(
  recipient: string,
  rows: OutboxRow[],
  sender: SlackSender,
  kinds: ReadonlyMap<string, MessageKind>,
): Unit[] {
  const payloads = rows.map((r) => r.payload as GroupedPayload);
  const { kind: name, locale } = payloads[0]!;
  const kind = kinds.get(name);
  if (!kind) {
    // A row queued by a job this process was not built with (another version sharing the
    // database): the rows wait for a process that knows the kind, and die after MAX_ATTEMPTS.
    return [
      freshUnit(rows, undefined, undefined, () =>
        Promise.reject(new Error(`no message kind "${name}" in this outbox`)),
      ),
    ];
  }
  const items = payloads.map((p) => p.item);
  return kind.render(locale, items).map((m) => {
    const unitRows = m.indexes.map((i) => rows[i]!);
    const lead = unitRows[0]!.key;
    return freshUnit(
      unitRows,
      lead,
      undefined,
      async () => (await sender.post({ channel: recipient, text: m.text, blocks: m.blocks, key: lead })).ts,
    );
  });
}

function unitsFor(
  recipient: string,
  rows: OutboxRow[],
  sender: SlackSender,
  kinds: ReadonlyMap<string, MessageKind>,
): Unit[] {
  const units: Unit[] = [];
  const groups = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const payload = row.payload as OutboxPayload;
    if (payload.kind === 'message') {
      const p = payload as MessagePayload;
      units.push(
        freshUnit(
          [row],
          row.key,
          p.threadOf,
          async (threadTs) =>
            (
              await sender.post({
                channel: recipient,
                text: p.text,
                ...(p.blocks ? { blocks: p.blocks } : {}),
                ...(threadTs ? { threadTs } : {}),
                key: row.key,
              })
            ).ts,
        ),
      );
    } else if (payload.kind === 'file') {
      const p = payload as FilePayload;
      units.push(
        freshUnit(
          [row],
          undefined,
          p.threadOf,
          async (threadTs) =>
            (
              await sender.upload({
                channel: recipient,
                ...(threadTs ? { threadTs } : {}),
                filename: p.filename,
                title: p.title,
                bytes: Buffer.from(p.base64, 'base64'),
              })
            ).id,
        ),
      );
    } else {
      const k = `${payload.kind}:${(payload as GroupedPayload).locale}`;
      const list = groups.get(k);
      if (list) list.push(row);
      else groups.set(k, [row]);
    }
  }
  for (const list of groups.values()) units.push(...groupedUnits(recipient, list, sender, kinds));
  return units.sort((a, b) => a.rows[0]!.id - b.rows[0]!.id);
}

/** A recipient's claimed rows; `units` are built once the fate of rows left by an earlier sender is known. */
interface Queue {
  rows: OutboxRow[];
  units: Unit[] | null;
  checkTries: number;
}

const isPerson = (recipient: string): boolean => /^[UW]/.test(recipient);

/** Where a row's message would be: before the row was written there was none (less a margin for clocks). */
const oldestOf = (rows: OutboxRow[]): Date =>
  new Date(Math.min(...rows.map((r) => new Date(r.createdAt).getTime())) - HISTORY_MARGIN_MS);

/**
 * Sends what the outbox holds: claim a recipient's rows, send, record Slack's ts. Different
 * recipients go in parallel (bounded); one recipient's messages go in order, spaced to Slack's
 * per-channel rate. A 429 waits for Retry-After and goes on; 5xx and network errors are retried
 * a few times, then left for a later run. Every message carries its row's key as metadata, and
 * a row that may already have been posted (an answer lost, a sender that died) is looked up in
 * its recipient's history before it is sent again. A channel the bot cannot post to blocks its
 * rows until an operator requeues them; a refused token or scope stops the run (OutboxStopped);
 * errors that will not heal are recorded as dead. Admins hear of blocked and dead rows once.
 * No transaction is open while Slack is called.
 */
export async function drainOutbox(ctx: AppContext, opts: DrainOptions = {}): Promise<DrainResult> {
  const outbox = ctx.outbox;
  if (!outbox) throw new Error('No outbox in this context: sending needs SLACK_BOT_TOKEN');
  const result: DrainResult = { sent: 0, messages: 0, failed: 0, blocked: 0, dead: 0, rateLimited: 0, recovered: 0 };
  for (let pass = 0; pass < 4; pass++) {
    const before = result.sent + result.failed + result.blocked + result.dead;
    const stopped = await drainPass(ctx, outbox, opts, result);
    if (stopped !== null) throw new OutboxStopped(stopped);
    const reported = await reportUndelivered(ctx, outbox);
    if (result.sent + result.failed + result.blocked + result.dead === before && reported === 0) break;
  }
  return result;
}

/** One pass over what is claimable now. Returns the Slack error that stopped it, or null. */
async function drainPass(
  ctx: AppContext,
  outbox: Outbox,
  given: DrainOptions,
  result: DrainResult,
): Promise<string | null> {
  const opts = { ...outbox.drain, ...given };
  const concurrency = opts.concurrency ?? 32;
  // The next post to a channel leaves a full interval after the previous one was answered, so
  // its arrival is at least that long after the previous arrival.
  const interval = opts.perChannelIntervalMs ?? 1000;
  const maxInlineWait = opts.maxInlineWaitMs ?? 30_000;
  const inlineTries = opts.inlineTries ?? 3;
  const backoffBase = opts.backoffBaseMs ?? 500;
  const claimer = `${process.pid}:${randomUUID()}`;
  const { sender, kinds } = outbox;
  const expiry = () => new Date(ctx.clock.now().getTime() - CLAIM_TTL_MS);
  const recipients = await claimableRecipients(ctx.db, ctx.clock.now(), expiry());
  if (recipients.length === 0) return null;
  const sentTs = new Map<string, string>();
  let stopped: string | null = null;

  const queues = new Map<string, Queue | null>(recipients.map((r) => [r, null]));
  const nextAt = new Map<string, number>();
  const busy = new Set<string>();
  const inflight = new Set<Promise<void>>();

  const parentTs = async (key: string): Promise<string | null | 'dead'> => {
    const hit = sentTs.get(key);
    if (hit) return hit;
    const row = await findByKey(ctx.db, key);
    if (!row) return 'dead';
    if (row.state === 'dead') return 'dead';
    return row.state === 'sent' ? row.messageTs : null;
  };

  const claimed = (queue: Queue): OutboxRow[] => (queue.units ? queue.units.flatMap((u) => u.rows) : queue.rows);

  const recordSent = async (rows: OutboxRow[], ts: string): Promise<void> => {
    await markSent(
      ctx.db,
      rows.map((r) => r.id),
      claimer,
      ts,
      ctx.clock.now(),
    );
    for (const r of rows) sentTs.set(r.key, ts);
  };

  /**
   * Reads the recipient's history for rows that may already have been posted: those found are
   * recorded as sent with the ts found, and left out of what is sent. A channel whose history the
   * bot may not read (channels:history is not asked for) cannot be checked: its rows go again.
   */
  const settleFate = async (recipient: string, rows: OutboxRow[]): Promise<OutboxRow[]> => {
    const unsure = rows.filter((r) => r.sentAs !== null);
    if (unsure.length === 0) return rows;
    const byThread = new Map<string | undefined, OutboxRow[]>();
    for (const r of unsure) {
      const threadOf = (r.payload as { threadOf?: string }).threadOf;
      byThread.set(threadOf, [...(byThread.get(threadOf) ?? []), r]);
    }
    const found = new Set<number>();
    for (const [threadOf, list] of byThread) {
      let threadTs: string | undefined;
      if (threadOf !== undefined) {
        const parent = await parentTs(threadOf);
        // A reply is only ever sent after its parent: with no parent posted, neither is the reply.
        if (parent === null || parent === 'dead') continue;
        threadTs = parent;
      }
      const hits = await lookUp(recipient, new Set(list.map((r) => r.sentAs!)), oldestOf(list), threadTs);
      const byTs = new Map<string, OutboxRow[]>();
      for (const r of list) {
        const ts = hits.get(r.sentAs!);
        if (ts !== undefined) byTs.set(ts, [...(byTs.get(ts) ?? []), r]);
      }
      for (const [ts, sent] of byTs) {
        await recordSent(sent, ts);
        for (const r of sent) found.add(r.id);
        result.sent += sent.length;
        result.recovered += sent.length;
        result.messages += 1;
      }
    }
    // What was looked for and not found, or could not have been posted, was not: no need to look again.
    await clearSentAs(
      ctx.db,
      unsure.filter((r) => !found.has(r.id)).map((r) => r.id),
      claimer,
    );
    if (found.size > 0)
      ctx.logger.info(
        { recipient, keys: rows.filter((r) => found.has(r.id)).map((r) => r.key) },
        'outbox: already posted (the answer had been lost); recorded, not sent again',
      );
    return rows.filter((r) => !found.has(r.id));
  };

  const lookUp = async (
    recipient: string,
    keys: ReadonlySet<string>,
    oldest: Date,
    threadTs: string | undefined,
  ): Promise<Map<string, string>> => {
    try {
      return await sender.findSent({ channel: recipient, keys, oldest, ...(threadTs ? { threadTs } : {}) });
    } catch (err) {
      const f = classify(err);
      if (!isPerson(recipient) && (f.type === 'blocked' || (f.type === 'stop' && f.error === 'missing_scope'))) {
        ctx.logger.warn(
          { recipient, error: f.error },
          "outbox: cannot read this channel's history to check a message whose answer was lost; sending it again",
        );
        return new Map();
      }
      // A DM's history is read with im:history, which the manifest grants: without it (an app
      // not reinstalled since) the rows wait for the operator, like a channel the bot is not in.
      if (f.type === 'stop' && f.error === 'missing_scope') throw new HistoryScopeMissing(err);
      throw err;
    }
  };

  /** Gives back every row this recipient holds, as waiting for the next run (the run stopped). */
  const giveBack = async (queue: Queue | null, error: string): Promise<void> => {
    if (!queue) return;
    const ids = claimed(queue).map((r) => r.id);
    queue.units = [];
    queue.rows = [];
    await release(ctx.db, ids, claimer, { state: 'failed', notBefore: ctx.clock.now(), error, refund: true });
  };

  /**
   * What a failure does to the rows it concerns (`rows`: a unit's, or all the recipient's when the
   * history check failed). `fromPost`: the failure is the post's own answer, not the history check's.
   * Returns the wait before the recipient's next step.
   */
  const onFailure = async (
    recipient: string,
    queue: Queue,
    unit: Unit | null,
    f: Failure,
    fromPost: boolean,
  ): Promise<number> => {
    const now = ctx.clock.now();
    const all = () => claimed(queue).map((r) => r.id);
    const rows = unit ? unit.rows : claimed(queue);
    const ids = rows.map((r) => r.id);
    const drop = () => {
      if (unit) queue.units!.shift();
      else queue.units = [];
    };
    const keys = rows.map((r) => r.key);
    // Slack answered the post with an error that means it did not post it: nothing to look up later.
    if (unit && fromPost && !unit.unsure && (f.type !== 'transient' || f.fate === 'unsent'))
      await clearSentAs(ctx.db, ids, claimer);
    if (f.type === 'rate') {
      result.rateLimited += 1;
      if (f.retryAfterMs <= maxInlineWait) {
        await renewClaim(ctx.db, all(), claimer, now);
        return f.retryAfterMs;
      }
      // Slack asks for a long pause: give back every row of this recipient for a later run.
      const every = all();
      queue.units = [];
      queue.rows = [];
      await release(ctx.db, every, claimer, {
        state: 'failed',
        notBefore: new Date(now.getTime() + f.retryAfterMs),
        error: 'ratelimited',
      });
      result.failed += every.length;
      return 0;
    }
    if (f.type === 'stop') {
      stopped ??= f.error;
      ctx.logger.error(
        { recipient, error: f.error },
        'outbox: Slack refused the bot token or a scope; the run stops and every message waits',
      );
      await giveBack(queue, f.error);
      return 0;
    }
    if (f.type === 'blocked') {
      // The channel is wrong for every row of this recipient, not only this one: all wait.
      const every = all();
      queue.units = [];
      queue.rows = [];
      await release(ctx.db, every, claimer, { state: 'blocked', notBefore: now, error: f.error, refund: true });
      result.blocked += every.length;
      ctx.logger.warn(
        { recipient, error: f.error, keys },
        'outbox: waiting for an operator (invite the bot, fix the channel setting), then jobs requeue; admins will be told',
      );
      return 0;
    }
    if (f.type === 'transient') {
      if (unit && fromPost && f.fate !== 'unsent') unit.unsure = true;
      // With no answer at all Slack may still be posting it: the history is read a while later, not now.
      const later = f.fate === 'inflight';
      if (unit) unit.tries += 1;
      else queue.checkTries += 1;
      const tries = unit ? unit.tries : queue.checkTries;
      if (!later && tries < inlineTries) return backoffBase * 2 ** (tries - 1);
      drop();
      const exhausted = rows.every((r) => r.attempts >= MAX_ATTEMPTS);
      await release(ctx.db, ids, claimer, {
        state: exhausted ? 'dead' : 'failed',
        notBefore: new Date(now.getTime() + LATER_MS),
        error: f.error,
      });
      if (exhausted) result.dead += ids.length;
      else result.failed += ids.length;
      ctx.logger.warn(
        { recipient, error: f.error, keys },
        exhausted ? 'outbox: giving up' : 'outbox: will retry later',
      );
      return 0;
    }
    drop();
    await release(ctx.db, ids, claimer, {
      state: 'dead',
      notBefore: now,
      error: f.error,
    });
    result.dead += ids.length;
    ctx.logger.warn({ recipient, error: f.error, keys }, 'outbox: will not heal; admins will be told');
    return 0;
  };

  /** One step for a recipient: claim its rows, settle their fate, or send its next unit. Returns the wait before its next step. */
  const step = async (recipient: string): Promise<number> => {
    let queue = queues.get(recipient);
    if (queue === null || queue === undefined) {
      const rows = await claimRecipient(ctx.db, recipient, claimer, ctx.clock.now(), expiry());
      queue = { rows, units: rows.length === 0 ? [] : null, checkTries: 0 };
      queues.set(recipient, queue);
      return 0;
    }
    if (queue.units === null) {
      try {
        const rest = await settleFate(recipient, queue.rows);
        queue.rows = rest;
        queue.units = unitsFor(recipient, rest, sender, kinds);
        return 0;
      } catch (err) {
        const f =
          err instanceof HistoryScopeMissing ? ({ type: 'blocked', error: 'missing_scope' } as const) : classify(err);
        return onFailure(recipient, queue, null, f, false);
      }
    }
    const unit = queue.units[0]!;
    const ids = unit.rows.map((r) => r.id);
    let threadTs: string | undefined;
    if (unit.threadOf) {
      const parent = await parentTs(unit.threadOf);
      if (parent === 'dead') {
        queue.units.shift();
        await release(ctx.db, ids, claimer, {
          state: 'dead',
          notBefore: ctx.clock.now(),
          error: 'parent_message_dead',
        });
        result.dead += ids.length;
        return 0;
      }
      if (parent === null) {
        // The parent is still queued elsewhere (or waits for an operator): leave this reply for the next pass.
        queue.units.shift();
        await release(ctx.db, ids, claimer, {
          state: 'pending',
          notBefore: ctx.clock.now(),
          error: null,
          refund: true,
        });
        return 0;
      }
      threadTs = parent;
    }
    if (unit.unsure && unit.lead !== undefined) {
      // An earlier try of this message in this run may have been posted: look before sending again.
      let hits: Map<string, string>;
      try {
        hits = await lookUp(recipient, new Set([unit.lead]), oldestOf(unit.rows), threadTs);
      } catch (err) {
        const f =
          err instanceof HistoryScopeMissing ? ({ type: 'blocked', error: 'missing_scope' } as const) : classify(err);
        return onFailure(recipient, queue, unit, f, false);
      }
      const ts = hits.get(unit.lead);
      if (ts === undefined) unit.unsure = false;
      else {
        queue.units.shift();
        await recordSent(unit.rows, ts);
        result.sent += ids.length;
        result.recovered += ids.length;
        result.messages += 1;
        ctx.logger.info({ recipient, keys: unit.rows.map((r) => r.key) }, 'outbox: already posted; not sent again');
        return interval;
      }
    }
    try {
      if (unit.lead !== undefined) await markSending(ctx.db, ids, claimer, unit.lead);
      const ts = await unit.send(threadTs);
      queue.units.shift();
      await recordSent(unit.rows, ts);
      result.sent += ids.length;
      result.messages += 1;
      // Counted from the answer: Slack counts arrivals, and a post sent a second after the previous
      // one left can arrive sooner than a second after it arrived (tried: 429s by the hundred).
      return interval;
    } catch (err) {
      return onFailure(recipient, queue, unit, classify(err), true);
    }
  };

  for (;;) {
    const now = Date.now();
    let earliest = Infinity;
    for (const [recipient, queue] of queues) {
      if (stopped !== null) {
        // Nothing more is sent: what is claimed goes back untouched; what is not is left as it is.
        if (busy.has(recipient)) continue;
        queues.delete(recipient);
        await giveBack(queue, stopped);
        continue;
      }
      if (inflight.size >= concurrency) break;
      if (busy.has(recipient)) continue;
      if (queue !== null && queue.units !== null && queue.units.length === 0) {
        queues.delete(recipient);
        continue;
      }
      const at = nextAt.get(recipient) ?? 0;
      if (at > now) {
        earliest = Math.min(earliest, at);
        continue;
      }
      busy.add(recipient);
      const p: Promise<void> = step(recipient)
        .then(
          (waitMs) => {
            nextAt.set(recipient, Date.now() + waitMs);
          },
          (err: unknown) => {
            // A database error: stop this recipient; its claimed rows expire and are retried.
            ctx.logger.error({ err, recipient }, 'outbox: send step failed');
            queues.set(recipient, { rows: [], units: [], checkTries: 0 });
          },
        )
        .finally(() => {
          busy.delete(recipient);
          inflight.delete(p);
        });
      inflight.add(p);
    }
    if (queues.size === 0 && inflight.size === 0) return stopped;
    // Wake when a send finishes or the earliest paced recipient is due; the timer is cleared so
    // that a long drain does not leave thousands of them behind.
    let timer: NodeJS.Timeout | undefined;
    const waits: Promise<unknown>[] = [...inflight];
    const delay = Number.isFinite(earliest) ? earliest - now : inflight.size === 0 ? 5 : undefined;
    if (delay !== undefined)
      waits.push(new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, delay)))));
    await Promise.race(waits);
    clearTimeout(timer);
  }
}

/** A DM's history could not be read for want of im:history: the rows wait for the operator. */
class HistoryScopeMissing extends Error {
  constructor(cause: unknown) {
    super('missing_scope (im:history)', { cause });
  }
}

/**
 * Tells each admin, once, about messages that wait for them (blocked) or could not be delivered
 * (dead). A row requeued and stopped again is told of again. Returns rows queued.
 */
async function reportUndelivered(ctx: AppContext, outbox: Outbox): Promise<number> {
  const jobs = [...outbox.jobs];
  const found = [
    ...(await listInState(ctx.db, 'dead', jobs)).map((row) => ({ row, kind: deadNotice })),
    ...(await listInState(ctx.db, 'blocked', jobs)).map((row) => ({ row, kind: blockedNotice })),
  ];
  if (found.length === 0) return 0;
  const admins = await listAdmins(ctx.db);
  const rows = admins.flatMap((admin) =>
    found.map(({ row, kind }) => ({
      job: 'admin',
      key: `${kind.name}:${row.key}${row.requeues > 0 ? `:r${row.requeues}` : ''}:${admin.slackUserId}`,
      recipient: admin.slackUserId,
      payload: kind.payload(toLocale(admin.locale, ctx.config.defaultLocale), {
        key: row.key,
        job: row.job,
        recipient: row.recipient,
        error: row.lastError ?? 'unknown',
      }),
    })),
  );
  if (admins.length === 0)
    ctx.logger.warn({ rows: found.length }, 'outbox: undelivered messages and no admin in the roster to tell');
  const added = await enqueue(ctx.db, rows, ctx.clock.now());
  return added.length;
}
