import { createLogger } from '../../src/logger.js';
import { startPlayground, type Playground, type PlaygroundOptions } from '../../src/playground/start.js';
import type { FakeMessage } from '../../src/playground/fake-slack.js';
import { tempDir } from './db.js';

export interface TestPlayground {
  pg: Playground;
  dataDir: string;
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  /** A POST to the page's API, as the page sends it. */
  post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
  get(path: string, params?: Record<string, string>): Promise<{ status: number; text: string }>;
  /** Waits until `find` returns something (the bot works after it acknowledged), else fails after `timeoutMs`. */
  until<T>(find: () => T | undefined | null | false, what: string, timeoutMs?: number): Promise<T>;
  /** The messages of a person's DM with the bot. */
  dm(userId: string): FakeMessage[];
  stop(): Promise<void>;
}

/** The playground as `npm start` runs it, in a data folder of its own, on a free port. */
export async function startTestPlayground(
  opts: Partial<PlaygroundOptions> & { dataDir?: string } = {},
): Promise<TestPlayground> {
  const dataDir = opts.dataDir ?? tempDir('playground-');
  const pg = await startPlayground({
    env: {},
    port: 0,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    ...opts,
    dataDir,
  });
  const origin = new URL(pg.url).origin;
  const until = async <T>(find: () => T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> => {
    const started = Date.now();
    for (;;) {
      const found = find();
      if (found) return found;
      if (Date.now() - started > timeoutMs) throw new Error(`playground: no ${what} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return {
    pg,
    dataDir,
    origin,
    post: async (path, body) => {
      const res = await fetch(`${origin}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-playground': '1' },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    },
    get: async (path, params = {}) => {
      const res = await fetch(`${origin}${path}?${new URLSearchParams(params).toString()}`);
      return { status: res.status, text: await res.text() };
    },
    until,
    dm: (userId) => pg.fake.messages(`D${userId}`),
    stop: () => pg.stop(),
  };
}
