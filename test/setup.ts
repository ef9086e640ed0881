import net from 'node:net';
import { afterAll, afterEach, beforeEach, vi } from 'vitest';
import { unexpectedLoggedErrors } from './helpers/logs.js';
import { dropTestDatabases } from './helpers/pg.js';

// The network is closed in tests: only loopback may be reached (the fake Slack, the bot itself).
const LOOPBACK = /^(127\.|::1$|localhost$|::ffff:127\.)/;
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const first = args[0] as { host?: string; path?: string } | number | string | undefined;
  const host =
    typeof first === 'object' && first !== null ? first.host : typeof args[1] === 'string' ? args[1] : undefined;
  const isPipe = typeof first === 'object' && first !== null && typeof first.path === 'string';
  if (!isPipe && host !== undefined && !LOOPBACK.test(host)) {
    throw new Error(`Network is closed in tests: attempted to connect to ${host}`);
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;

// An unexpected console.error fails the test (epic-stack's habit): errors must be expected or fixed.
let consoleErrors: unknown[][] = [];
beforeEach(() => {
  consoleErrors = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    consoleErrors.push(args);
  });
});
afterEach(() => {
  vi.mocked(console.error).mockRestore();
  const logged = unexpectedLoggedErrors();
  if (consoleErrors.length > 0) {
    const shown = consoleErrors.map((a) => a.map(String).join(' ')).join('\n');
    consoleErrors = [];
    throw new Error(`Unexpected console.error:\n${shown}`);
  }
  if (logged.length > 0)
    throw new Error(`Unexpected error logged (take it with takeLoggedErrors()):\n${logged.join('\n')}`);
});

// Each test file's PostgreSQL databases (the `pg` project) are dropped when it ends: a drop writes
// the catalogue and the WAL, a second or more each on a loaded machine, so the hook gets its time.
afterAll(dropTestDatabases, 600_000);

// The same for a line logged outside any test (a beforeAll, an afterAll, a listener still running).
afterAll(() => {
  const logged = unexpectedLoggedErrors();
  if (logged.length > 0) throw new Error(`Unexpected error logged outside a test:\n${logged.join('\n')}`);
});

/** For a test that expects console.error: returns what was written so far and clears it. */
export function takeConsoleErrors(): string[] {
  const taken = consoleErrors.map((a) => a.map(String).join(' '));
  consoleErrors = [];
  return taken;
}
