import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // Guards against a hang, not performance targets (those are benchmarks): CI shares 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // SQLite files and loopback servers per test file; two cores on CI.
    pool: 'forks',
  },
});
