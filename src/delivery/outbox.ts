import { randomUUID } from 'node:crypto';
import { LogLevel, WebClient, type KnownBlock, type Logger as SlackLogger } from '@slack/web-api';
import {
  claimableRecipients,
  claimRecipient,
  enqueue,
  findByKey,
  listDead,
  markSent,
  release,
  renewClaim,
  type OutboxRow,
} from '../../db/queries/outbox.js';
import { listAdmins } from '../../db/queries/people.js';
import type { AppContext } from '../context.js';
import { toLocale, type Locale } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { deadReportMessages, type DeadItem } from '../ui/admin-notice.js';

/** A message sent as it is, one row one message; a thread reply goes after its parent (the row keyed `threadOf`). */
export interface MessagePayload {
  kind: 'message';
  text: string;
  blocks?: KnownBlock[];
  threadOf?: string;
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

/** A grouped kind, declared by the job that queues it (and one by the outbox: the admins' dead-message notice). */
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

/** The two Slack calls the outbox makes. */
export interface SlackSender {
  post(args: { channel: string; text: string; blocks?: KnownBlock[]; threadTs?: string }): Promise<{ ts: string }>;
  upload(args: {
    channel: string;
    threadTs?: string;
    filename: string;
    title: string;
    bytes: Buffer;
  }): Promise<{ id: string }>;
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
  dead: number;
  rateLimited: number;
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

const deadNotice = messageKind<DeadItem>('dead', deadReportMessages);

/**
 * The outbox for these jobs. A sender that fails on purpose (tests) goes in here; so do drain
 * settings (a test against a fake without rate limits need not space posts a second apart).
 */
export function createOutbox(opts: { sender: SlackSender; jobs: readonly OutboxJob[]; drain?: DrainOptions }): Outbox {
  const kinds = new Map<string, MessageKind>();
  for (const kind of [deadNotice, ...opts.jobs.flatMap((j) => j.messages ?? [])]) {
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
export function slackSender(slack: { botToken: string; apiUrl: string | undefined }, logger: Logger): SlackSender {
  // Retries off (the outbox decides), and a 429 rejected at once with its Retry-After instead of
  // pausing every other send of the client.
  const client = new WebClient(slack.botToken, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    // A request Slack never answers must not hold its rows forever; a timeout is retried like a
    // 5xx (the answer may have been lost after Slack posted: the case decision 001 describes).
    timeout: 30_000,
    // The outbox logs each failure with its row; the client's own lines go to debug.
    logger: quietLogger(logger),
  });
  return {
    async post({ channel, text, blocks, threadTs }) {
      const res = await client.chat.postMessage({
        channel,
        text,
        ...(blocks ? { blocks } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        unfurl_links: false,
      });
      return { ts: String(res.ts) };
    },
    async upload({ channel, threadTs, filename, title, bytes }) {
      const res = threadTs
        ? await client.files.uploadV2({ channel_id: channel, thread_ts: threadTs, filename, title, file: bytes })
        : await client.files.uploadV2({ channel_id: channel, filename, title, file: bytes });
      const files = (res as { files?: { files?: { id?: string }[] }[] }).files ?? [];
      return { id: files[0]?.files?.[0]?.id ?? 'uploaded' };
    },
  };
}

function quietLogger(logger: Logger): SlackLogger {
  const debug = (...msg: unknown[]) => logger.debug({ slack: msg.map(String).join(' ') }, 'web-api');
  return { debug, info: debug, warn: debug, error: debug, setLevel() {}, getLevel: () => LogLevel.DEBUG, setName() {} };
}

type Failure =
  { type: 'rate'; retryAfterMs: number } | { type: 'transient'; error: string } | { type: 'permanent'; error: string };

const TRANSIENT_PLATFORM = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

/** Sorts a Slack error into: wait and go on, try again, or give up (recorded and reported). */
export function classify(err: unknown): Failure {
  const e = err as {
    code?: string;
    retryAfter?: number;
    data?: { error?: string };
    statusCode?: number;
    message?: string;
  };
  if (e?.code === 'slack_webapi_rate_limited_error')
    return { type: 'rate', retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000 };
  if (e?.code === 'slack_webapi_platform_error') {
    const code = e.data?.error ?? 'unknown_error';
    if (code === 'ratelimited') return { type: 'rate', retryAfterMs: 1000 };
    return TRANSIENT_PLATFORM.has(code) ? { type: 'transient', error: code } : { type: 'permanent', error: code };
  }
  if (e?.code === 'slack_webapi_http_error') return { type: 'transient', error: `http_${e.statusCode ?? 'error'}` };
  return { type: 'transient', error: e?.message ?? String(err) };
}

interface Unit {
  rows: OutboxRow[];
  /** Built at send time from the rows' payloads. */
  send: (threadTs: string | undefined) => Promise<string>;
  threadOf: string | undefined;
  tries: number;
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
      {
        rows,
        threadOf: undefined,
        tries: 0,
        send: () => Promise.reject(new Error(`no message kind "${name}" in this outbox`)),
      },
    ];
  }
  const items = payloads.map((p) => p.item);
  return kind.render(locale, items).map((m) => ({
    rows: m.indexes.map((i) => rows[i]!),
    threadOf: undefined,
    tries: 0,
    send: async () => (await sender.post({ channel: recipient, text: m.text, blocks: m.blocks })).ts,
  }));
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
      units.push({
        rows: [row],
        threadOf: p.threadOf,
        tries: 0,
        send: async (threadTs) =>
          (
            await sender.post({
              channel: recipient,
              text: p.text,
              ...(p.blocks ? { blocks: p.blocks } : {}),
              ...(threadTs ? { threadTs } : {}),
            })
          ).ts,
      });
    } else if (payload.kind === 'file') {
      const p = payload as FilePayload;
      units.push({
        rows: [row],
        threadOf: p.threadOf,
        tries: 0,
        send: async (threadTs) =>
          (
            await sender.upload({
              channel: recipient,
              ...(threadTs ? { threadTs } : {}),
              filename: p.filename,
              title: p.title,
              bytes: Buffer.from(p.base64, 'base64'),
            })
          ).id,
      });
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

/**
 * Sends what the outbox holds: claim a recipient's rows, send, record Slack's ts. Different
 * recipients go in parallel (bounded); one recipient's messages go in order, spaced to Slack's
 * per-channel rate. A 429 waits for Retry-After and goes on; 5xx and network errors are retried
 * a few times, then left for a later run; errors that will not heal are recorded as dead and
 * reported to admins once. No transaction is open while Slack is called.
 */
export async function drainOutbox(ctx: AppContext, opts: DrainOptions = {}): Promise<DrainResult> {
  const outbox = ctx.outbox;
  if (!outbox) throw new Error('No outbox in this context: sending needs SLACK_BOT_TOKEN');
  const result: DrainResult = { sent: 0, messages: 0, failed: 0, dead: 0, rateLimited: 0 };
  for (let pass = 0; pass < 4; pass++) {
    const before = result.sent + result.failed + result.dead;
    await drainPass(ctx, outbox, opts, result);
    const reported = await reportDead(ctx, outbox);
    if (result.sent + result.failed + result.dead === before && reported === 0) break;
  }
  return result;
}

async function drainPass(ctx: AppContext, outbox: Outbox, given: DrainOptions, result: DrainResult): Promise<void> {
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
  if (recipients.length === 0) return;
  const sentTs = new Map<string, string>();

  const queues = new Map<string, Unit[] | null>(recipients.map((r) => [r, null]));
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

  /** One step for a recipient: claim its rows, or send its next unit. Returns the wait before its next step. */
  const step = async (recipient: string): Promise<number> => {
    const queue = queues.get(recipient);
    if (queue === null || queue === undefined) {
      const rows = await claimRecipient(ctx.db, recipient, claimer, ctx.clock.now(), expiry());
      queues.set(recipient, unitsFor(recipient, rows, sender, kinds));
      return 0;
    }
    const unit = queue[0]!;
    const ids = unit.rows.map((r) => r.id);
    let threadTs: string | undefined;
    if (unit.threadOf) {
      const parent = await parentTs(unit.threadOf);
      if (parent === 'dead') {
        queue.shift();
        await release(ctx.db, ids, claimer, {
          state: 'dead',
          notBefore: ctx.clock.now(),
          error: 'parent_message_dead',
        });
        result.dead += ids.length;
        return 0;
      }
      if (parent === null) {
        // The parent is still queued elsewhere: leave this reply for the next pass.
        queue.shift();
        await release(ctx.db, ids, claimer, { state: 'pending', notBefore: ctx.clock.now(), error: null });
        return 0;
      }
      threadTs = parent;
    }
    try {
      const ts = await unit.send(threadTs);
      queue.shift();
      await markSent(ctx.db, ids, claimer, ts, ctx.clock.now());
      for (const r of unit.rows) sentTs.set(r.key, ts);
      result.sent += ids.length;
      result.messages += 1;
      // Counted from the answer: Slack counts arrivals, and a post sent a second after the previous
      // one left can arrive sooner than a second after it arrived (tried: 429s by the hundred).
      return interval;
    } catch (err) {
      const f = classify(err);
      const now = ctx.clock.now();
      if (f.type === 'rate') {
        result.rateLimited += 1;
        if (f.retryAfterMs <= maxInlineWait) {
          await renewClaim(
            ctx.db,
            queue.flatMap((u) => u.rows.map((r) => r.id)),
            claimer,
            now,
          );
          return f.retryAfterMs;
        }
        // Slack asks for a long pause: give back every row of this recipient for a later run.
        const all = queue.flatMap((u) => u.rows.map((r) => r.id));
        queue.length = 0;
        await release(ctx.db, all, claimer, {
          state: 'failed',
          notBefore: new Date(now.getTime() + f.retryAfterMs),
          error: 'ratelimited',
        });
        result.failed += all.length;
        return 0;
      }
      if (f.type === 'transient') {
        unit.tries += 1;
        if (unit.tries < inlineTries) return backoffBase * 2 ** (unit.tries - 1);
        queue.shift();
        const exhausted = unit.rows.every((r) => r.attempts >= MAX_ATTEMPTS);
        await release(ctx.db, ids, claimer, {
          state: exhausted ? 'dead' : 'failed',
          notBefore: new Date(now.getTime() + LATER_MS),
          error: f.error,
        });
        if (exhausted) result.dead += ids.length;
        else result.failed += ids.length;
        ctx.logger.warn(
          { recipient, error: f.error, keys: unit.rows.map((r) => r.key) },
          exhausted ? 'outbox: giving up' : 'outbox: will retry later',
        );
        return 0;
      }
      queue.shift();
      await release(ctx.db, ids, claimer, { state: 'dead', notBefore: now, error: f.error });
      result.dead += ids.length;
      ctx.logger.warn(
        { recipient, error: f.error, keys: unit.rows.map((r) => r.key) },
        'outbox: will not heal; admins will be told',
      );
      return 0;
    }
  };

  for (;;) {
    const now = Date.now();
    let earliest = Infinity;
    for (const [recipient, queue] of queues) {
      if (inflight.size >= concurrency) break;
      if (busy.has(recipient)) continue;
      if (queue !== null && queue.length === 0) {
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
            queues.set(recipient, []);
          },
        )
        .finally(() => {
          busy.delete(recipient);
          inflight.delete(p);
        });
      inflight.add(p);
    }
    if (queues.size === 0 && inflight.size === 0) return;
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

/** Tells each admin, once, about messages that could not be delivered. Returns rows queued. */
async function reportDead(ctx: AppContext, outbox: Outbox): Promise<number> {
  const dead = await listDead(ctx.db, [...outbox.jobs]);
  if (dead.length === 0) return 0;
  const admins = await listAdmins(ctx.db);
  const rows = admins.flatMap((admin) =>
    dead.map((d) => ({
      job: 'admin',
      key: `dead:${d.key}:${admin.slackUserId}`,
      recipient: admin.slackUserId,
      payload: deadNotice.payload(toLocale(admin.locale, ctx.config.defaultLocale), {
        key: d.key,
        job: d.job,
        recipient: d.recipient,
        error: d.lastError ?? 'unknown',
      }),
    })),
  );
  if (admins.length === 0)
    ctx.logger.warn({ dead: dead.length }, 'outbox: undeliverable messages and no admin in the roster to tell');
  const added = await enqueue(ctx.db, rows, ctx.clock.now());
  return added.length;
}
