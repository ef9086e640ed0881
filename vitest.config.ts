import { configDefaults, defineConfig } from 'vitest/config';

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
    ],
  },
});
