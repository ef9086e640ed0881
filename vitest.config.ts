import pg from 'pg';
import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const DEFAULT_TEST_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Why the suite cannot run on the PostgreSQL server at `url`, or null when it can: the server
 * answers, lets the test user in, and lets it create the tests' databases (test/helpers/pg.ts). A
 * developer's own server that wants a password or gives no such right is then not mistaken for
 * one the suite can use.
 */
async function postgresUnusable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ may: boolean }>(
      'select rolcreatedb or rolsuper as may from pg_roles where rolname = current_user',
    );
    return rows[0]?.may ? null : 'its user may not create databases';
  } catch (err) {
    return err instanceof Error ? err.message || 'no answer' : String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

// The suite runs on PostgreSQL too wherever a usable server answers (TEST_DATABASE_URL, else the
// project's machines' 127.0.0.1:5432). TEST_PG=on requires it (CI: a missing server fails the run rather than
// passing on SQLite alone); TEST_PG=off leaves it out.
const testServer = process.env.TEST_DATABASE_URL || DEFAULT_TEST_SERVER;
const choice = process.env.TEST_PG ?? 'auto';
if (!['on', 'off', 'auto'].includes(choice)) throw new Error(`TEST_PG must be on, off or auto, not ${choice}`);
const unusable = choice === 'off' ? 'TEST_PG=off' : await postgresUnusable(testServer);
const postgres = unusable === null;
const shown = testServer.replace(/\/\/[^@/]*@/, '//');
if (choice === 'on' && !postgres) {
  throw new Error(
    `TEST_PG=on but the suite cannot use the PostgreSQL server at ${shown} (${unusable}): start one or set TEST_DATABASE_URL.`,
  );
}
if (choice === 'off') {
  console.warn('TEST_PG=off: the suite runs on SQLite only, not on PostgreSQL.');
} else if (!postgres) {
  console.warn(
    `No usable PostgreSQL server at ${shown} (${unusable}): the suite runs on SQLite only (the pg project does not run). Set TEST_DATABASE_URL or start one.`,
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
