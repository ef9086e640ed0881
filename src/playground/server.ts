/**
 * The playground's HTTP server, on the bot's port: the page and its endpoints under /playground,
 * everything else (/slack/events, /healthz) passed to the bot, which listens on a loopback port of
 * its own. It listens on 127.0.0.1 only and answers only requests from this machine to this
 * address, so that neither another machine nor a web page elsewhere (DNS rebinding, a form posted
 * from another site) can drive the workspace.
 */
import fs from 'node:fs';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { toLocale, type Locale } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { jobLogHtml, JOBS, modalHtml, paneHtml, pageHtml, type Pane } from './page.js';
import { RawValueSchema, RawValuesSchema } from './state.js';
import { mimeOf, type Workspace, type WorkspaceChange } from './workspace.js';

export const LOOPBACK_HOST = '127.0.0.1';

/** Whether a socket's remote address is this machine. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export interface PlaygroundControls {
  clock(): Date;
  setClock(at: Date): void;
  runJob(job: string): Promise<string[]>;
  jobLog(): { at: string; job: string; lines: string[] }[];
}

export interface PlaygroundServerOptions {
  host: string;
  port: number;
  ws: Workspace;
  controls: PlaygroundControls;
  /** The bot's own address (loopback), where everything outside /playground goes. */
  botUrl: string;
  assetsDir: string;
  logger: Logger;
}

export interface PlaygroundServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

class BadRequest extends Error {}

const MAX_JSON = 1024 * 1024;
const MAX_UPLOAD = 20 * 1024 * 1024;

const UserSchema = z.string().regex(/^[UW][A-Z0-9]{2,30}$/);
const PaneSchema = z.union([z.literal('home'), z.literal('dm'), z.string().regex(/^[CGD][A-Z0-9]{2,40}$/)]);
const SurfaceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), channel: z.string().max(50), ts: z.string().max(30) }),
  z.object({ type: z.literal('view'), viewId: z.string().max(50) }),
]);
const Bodies = {
  command: z.object({
    user: UserSchema,
    channel: z.string().regex(/^[CGD][A-Z0-9]{2,40}$/),
    text: z.string().max(4000),
  }),
  act: z.object({
    user: UserSchema,
    surface: SurfaceSchema,
    block: z.string().max(255),
    action: z.string().max(255),
    value: RawValueSchema,
    values: RawValuesSchema,
  }),
  submit: z.object({ user: UserSchema, view: z.string().max(50), values: RawValuesSchema }),
  close: z.object({ user: UserSchema, view: z.string().max(50), all: z.boolean() }),
  open: z.object({ user: UserSchema, tab: z.enum(['home', 'messages']) }),
  locale: z.object({ user: UserSchema, locale: z.enum(['zh-CN', 'en']) }),
  clock: z.object({ local: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/) }),
  job: z.object({ job: z.enum(JOBS) }),
};

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new BadRequest(`body larger than ${max} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function jsonBody<T extends z.ZodType>(req: IncomingMessage, schema: T): Promise<z.infer<T>> {
  const raw = await readBody(req, MAX_JSON);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BadRequest('body is not JSON');
  }
  const result = schema.safeParse(parsed);
  if (!result.success)
    throw new BadRequest(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return result.data;
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

/** The page's own policy: scripts only from here, no frames; what the bot's blocks link to may show as images. */
const PAGE_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: http: https:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

function pageLocale(req: IncomingMessage, url: URL): Locale {
  const asked = url.searchParams.get('lang');
  if (asked === 'zh-CN' || asked === 'en') return asked;
  const accept = String(req.headers['accept-language'] ?? '');
  return toLocale(accept.split(',')[0]?.trim() || null, 'zh-CN');
}

export async function startPlaygroundServer(opts: PlaygroundServerOptions): Promise<PlaygroundServer> {
  const { ws, controls, logger } = opts;
  if (opts.host !== LOOPBACK_HOST)
    throw new Error(`The playground listens on ${LOOPBACK_HOST} only (asked to listen on ${opts.host}).`);
  const assets = new Map<string, string>();
  for (const f of fs.readdirSync(opts.assetsDir)) assets.set(f, path.join(opts.assetsDir, f));
  const sse = new Set<ServerResponse>();
  let port = opts.port;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  const broadcast = (change: WorkspaceChange) => {
    const line = `data: ${JSON.stringify(change)}\n\n`;
    for (const res of sse) res.write(line);
  };
  const unsubscribe = ws.onChange(broadcast);
  const heartbeat = setInterval(() => {
    for (const res of sse) res.write(': keep-alive\n\n');
  }, 15_000);

  const userOf = (url: URL): string => {
    const user = UserSchema.safeParse(url.searchParams.get('user'));
    if (!user.success || !ws.person(user.data)) throw new BadRequest('unknown user');
    return user.data;
  };

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /playground/api/pane': {
        const pane = PaneSchema.safeParse(url.searchParams.get('pane'));
        if (!pane.success) throw new BadRequest('unknown pane');
        return send(res, 200, 'text/html; charset=utf-8', paneHtml(ws, userOf(url), pane.data as Pane).value);
      }
      case 'GET /playground/api/modal':
        return send(res, 200, 'text/html; charset=utf-8', modalHtml(ws, userOf(url)).value);
      case 'GET /playground/api/joblog':
        return send(
          res,
          200,
          'text/html; charset=utf-8',
          jobLogHtml(pageLocale(req, url), controls.jobLog(), ws.timezone).value,
        );
      case 'GET /playground/api/clock':
        return sendJson(res, 200, { now: controls.clock().toISOString(), timezone: ws.timezone });
      case 'GET /playground/api/events': {
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        res.write('retry: 1000\n\n');
        sse.add(res);
        req.on('close', () => sse.delete(res));
        return;
      }
      case 'POST /playground/api/command': {
        const b = await jsonBody(req, Bodies.command);
        return sendJson(res, 200, await ws.command(b.user, b.channel, b.text));
      }
      case 'POST /playground/api/act': {
        const b = await jsonBody(req, Bodies.act);
        return sendJson(res, 200, await ws.act(b.user, b.surface, b.block, b.action, b.value, b.values));
      }
      case 'POST /playground/api/submit': {
        const b = await jsonBody(req, Bodies.submit);
        return sendJson(res, 200, await ws.submit(b.user, b.view, b.values));
      }
      case 'POST /playground/api/close': {
        const b = await jsonBody(req, Bodies.close);
        return sendJson(res, 200, await ws.closeModal(b.user, b.view, b.all));
      }
      case 'POST /playground/api/open': {
        const b = await jsonBody(req, Bodies.open);
        if (!ws.person(b.user)) throw new BadRequest('unknown user');
        return sendJson(res, 200, await ws.openAppTab(b.user, b.tab));
      }
      case 'POST /playground/api/locale': {
        const b = await jsonBody(req, Bodies.locale);
        if (!ws.person(b.user)) throw new BadRequest('unknown user');
        await ws.setLocale(b.user, b.locale);
        return sendJson(res, 200, { ok: true });
      }
      case 'POST /playground/api/clock': {
        const b = await jsonBody(req, Bodies.clock);
        const at = DateTime.fromISO(b.local, { zone: ws.timezone });
        if (!at.isValid) throw new BadRequest('not a time');
        controls.setClock(at.toJSDate());
        ws.emit({ kind: 'clock' });
        return sendJson(res, 200, { now: controls.clock().toISOString() });
      }
      case 'POST /playground/api/job': {
        const b = await jsonBody(req, Bodies.job);
        try {
          return sendJson(res, 200, { ok: true, lines: await controls.runJob(b.job) });
        } catch (err) {
          return sendJson(res, 200, { ok: false, error: err instanceof Error ? err.message : String(err) });
        }
      }
      case 'POST /playground/api/upload': {
        const user = userOf(url);
        const name = z.string().min(1).max(255).safeParse(url.searchParams.get('name'));
        if (!name.success || /[\\/]/.test(name.data)) throw new BadRequest('a file name is required');
        const bytes = await readBody(req, MAX_UPLOAD);
        const file = ws.upload(user, name.data, bytes);
        return sendJson(res, 200, { id: file.fileId, name: file.filename, size: file.bytes.length });
      }
      default:
        return sendJson(res, 404, { error: 'not_found' });
    }
  };

  const page = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const locale = pageLocale(req, url);
    // An admin may have imported another roster into the playground's database meanwhile.
    const people = await ws.refreshPeople();
    const asked = url.searchParams.get('user');
    const user = people.find((p) => p.slackUserId === asked);
    const pane = PaneSchema.safeParse(url.searchParams.get('pane'));
    if (
      !user ||
      !pane.success ||
      (pane.data !== 'home' && pane.data !== 'dm' && !ws.channels.some((c) => c.id === pane.data))
    ) {
      const first = user ?? people[0];
      if (!first) return send(res, 503, 'text/plain; charset=utf-8', 'The playground has nobody in its roster.');
      const next = new URLSearchParams({ user: first.slackUserId, pane: 'dm', lang: locale });
      return send(res, 302, 'text/plain; charset=utf-8', '', { location: `/playground?${next.toString()}` });
    }
    const markup = pageHtml({ ws, locale, user, pane: pane.data, clock: controls.clock(), jobLog: controls.jobLog() });
    send(res, 200, 'text/html; charset=utf-8', markup.value, { 'content-security-policy': PAGE_POLICY });
  };

  const proxy = (req: IncomingMessage, res: ServerResponse) => {
    const target = new URL(req.url ?? '/', opts.botUrl);
    const upstream = httpRequest(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      logger.warn({ err }, 'playground: the bot did not answer a request passed to it');
      if (!res.headersSent) sendJson(res, 502, { error: 'bot_unreachable' });
      else res.destroy();
    });
    req.pipe(upstream);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // Only this machine, and only by the address the playground gave: a page of another site
    // that resolves its own name to 127.0.0.1 sends its own Host and is turned away.
    if (!isLoopbackAddress(req.socket.remoteAddress)) {
      res.writeHead(403).end();
      req.socket.destroy();
      return;
    }
    if (!allowedHosts().has(String(req.headers.host ?? ''))) return sendJson(res, 403, { error: 'unknown_host' });
    const url = new URL(req.url ?? '/', `http://${LOOPBACK_HOST}:${port}`);
    if (url.pathname === '/' && req.method === 'GET')
      return send(res, 302, 'text/plain', '', { location: '/playground' });
    if (!url.pathname.startsWith('/playground')) return proxy(req, res);
    if (req.method === 'POST') {
      // A form or fetch from another site cannot set this header without a preflight, which is never answered.
      const origin = req.headers.origin;
      if (
        req.headers['x-playground'] !== '1' ||
        (origin !== undefined && !allowedHosts().has(origin.replace(/^http:\/\//, '')))
      )
        return sendJson(res, 403, { error: 'cross_site' });
    }
    try {
      if (url.pathname === '/playground' && req.method === 'GET') return await page(req, res, url);
      if (url.pathname.startsWith('/playground/static/') && req.method === 'GET') {
        const file = assets.get(url.pathname.slice('/playground/static/'.length));
        if (!file) return sendJson(res, 404, { error: 'not_found' });
        return send(res, 200, contentTypeOf(file), fs.readFileSync(file));
      }
      const fileMatch = /^\/playground\/files\/([A-Z0-9]+)\/[^/]*$/.exec(url.pathname);
      if (fileMatch && req.method === 'GET') {
        const file = ws.file(fileMatch[1]!);
        if (!file) return sendJson(res, 404, { error: 'file_not_found' });
        return send(res, 200, mimeOf(file.filename), file.bytes, {
          'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        });
      }
      if (url.pathname.startsWith('/playground/api/')) return await api(req, res, url);
      return sendJson(res, 404, { error: 'not_found' });
    } catch (err) {
      if (err instanceof BadRequest) return sendJson(res, 400, { error: err.message });
      logger.error({ err, url: url.pathname }, 'playground: a request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
    }
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, LOOPBACK_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${LOOPBACK_HOST}:${port}/playground`,
    port,
    close: async () => {
      clearInterval(heartbeat);
      unsubscribe();
      for (const res of sse) res.end();
      sse.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function contentTypeOf(file: string): string {
  if (file.endsWith('.js')) return 'text/javascript; charset=utf-8';
  if (file.endsWith('.css')) return 'text/css; charset=utf-8';
  return mimeOf(file);
}
