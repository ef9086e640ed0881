import net from 'node:net';
import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const DEFAULT_TEST_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Whether a PostgreSQL server answers at TEST_DATABASE_URL (or the machines' 127.0.0.1:5432). */
async function postgresReachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || 5432) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

// The suite runs on PostgreSQL too wherever a server answers (TEST_DATABASE_URL, else the project's
// machines' 127.0.0.1:5432). TEST_PG=on requires it (CI: a missing server fails the run rather than
// passing on SQLite alone); TEST_PG=off leaves it out.
const testServer = process.env.TEST_DATABASE_URL || DEFAULT_TEST_SERVER;
const choice = process.env.TEST_PG ?? 'auto';
if (!['on', 'off', 'auto'].includes(choice)) throw new Error(`TEST_PG must be on, off or auto, not ${choice}`);
const postgres = choice !== 'off' && (await postgresReachable(testServer));
const shown = testServer.replace(/\/\/[^@/]*@/, '//');
if (choice === 'on' && !postgres) {
  throw new Error(`TEST_PG=on but no PostgreSQL server answers at ${shown}: start one or set TEST_DATABASE_URL.`);
}
if (choice === 'off') {
  console.warn('TEST_PG=off: the suite runs on SQLite only, not on PostgreSQL.');
} else if (!postgres) {
  console.warn(
    `No PostgreSQL server at ${shown}: the suite runs on SQLite only (the pg project does not run). Set TEST_DATABASE_URL or start one.`,
  );
}

// The whole suite again on PostgreSQL, each test its own database (test/helpers/pg.ts), except
// the pure layers (src/domain and src/ui have no database by the architecture's rule).
const pgProject: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'pg',
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'test/domain/**', 'test/ui/**'],
    globalSetup: ['test/pg-global-setup.ts'],
    env: { TEST_DATABASE: 'pg', TEST_DATABASE_URL: testServer },
  },
};

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    // Guards against a hang, not performance targets (those are benchmarks): CI shares 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // SQLite files and loopback servers per test file; two cores on CI.
    pool: 'forks',
    projects: [
      // Every test; the bot answers Slack once its listener has run (processBeforeResponse: true).
      { extends: true, test: { name: 'all', include: ['test/**/*.test.ts'] } },
      {
        // The files that drive listeners through signed requests, again as production runs them: Bolt
        // answers at ack() and the listener carries on (test/helpers/bot.ts waits for its end). The
        // scheduler files run jobs, not listeners, and the start files spawn the bot, which already
        // runs as production does: a second pass of those would repeat the same thing.
        extends: true,
        test: {
          name: 'ack-first',
          include: ['test/e2e/**/*.test.ts'],
          exclude: [
            ...configDefaults.exclude,
            'test/e2e/scheduler-*.test.ts',
            'test/e2e/start*.test.ts',
            'test/e2e/slack-health.test.ts',
          ],
          env: { E2E_PROCESS_BEFORE_RESPONSE: 'false' },
        },
      },
      ...(postgres ? [pgProject] : []),
    ],
  },
});
