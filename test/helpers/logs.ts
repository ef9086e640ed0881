import { Writable } from 'node:stream';
import { LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import { pino } from 'pino';
import type { Logger } from '../../src/logger.js';

/** An error or fatal line a test logger wrote, parsed. */
export interface LoggedError {
  level: 'error' | 'fatal';
  msg: string;
  /** pino's serialised `err`, when one was logged. */
  err?: { type?: string; message?: string; stack?: string; code?: string; data?: unknown };
  /** Every other field of the line (component, job, user...). */
  fields: Record<string, unknown>;
}

const ERROR = 50;
const FATAL = 60;
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

let logged: LoggedError[] = [];

function collect(line: string): void {
  const parsed = JSON.parse(line) as Record<string, unknown>;
  const level = typeof parsed.level === 'number' ? parsed.level : 0;
  if (level < ERROR) return;
  const { msg, err, level: _level, time: _time, pid: _pid, hostname: _hostname, app: _app, ...fields } = parsed;
  logged.push({
    level: level >= FATAL ? 'fatal' : 'error',
    msg: typeof msg === 'string' ? msg : '',
    ...(err !== undefined ? { err: err as LoggedError['err'] } : {}),
    fields,
  });
}

/**
 * The logger a test's app uses. Its error and fatal lines are collected and fail the test in
 * test/setup.ts unless the test takes them (`takeLoggedErrors`): a listener's exception, which Bolt
 * and app.error log and otherwise swallow, must not pass unseen. TEST_LOG_LEVEL=debug (say) also
 * prints every line at that level, for a person reading a failing test.
 */
export function testLogger(): Logger {
  const shown = process.env.TEST_LOG_LEVEL;
  const shownIndex = shown === undefined ? -1 : LEVELS.indexOf(shown);
  // Never above error: the collected lines must be written whatever a person asked to see.
  const level = shownIndex >= 0 && shownIndex < LEVELS.indexOf('error') ? shown! : 'error';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      const line = String(chunk);
      collect(line);
      if (shownIndex >= 0) process.stderr.write(line);
      done();
    },
  });
  // pino writes to a plain Writable synchronously, so a line is collected before the call returns.
  return pino({ level, base: { app: 'pacesetter' } }, sink);
}

/** For a test that expects error logs: returns those logged so far and forgets them. */
export function takeLoggedErrors(): LoggedError[] {
  const taken = logged;
  logged = [];
  return taken;
}

/** test/setup.ts: the lines nobody took, as text for the failure message, and forgets them. */
export function unexpectedLoggedErrors(): string[] {
  return takeLoggedErrors().map((e) => {
    const where = Object.keys(e.fields).length > 0 ? ` ${JSON.stringify(e.fields)}` : '';
    const err = e.err ? `\n    ${e.err.stack ?? `${e.err.type ?? 'Error'}: ${e.err.message ?? ''}`}` : '';
    return `[${e.level}] ${e.msg}${where}${err}`;
  });
}

/** A logger for a Slack client or a Bolt app of a test that says nothing (a test's fake Slack is the witness). */
export const silentSlackLogger: SlackLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};
