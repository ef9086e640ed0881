import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { boltLogger } from '../src/app.js';

function captured(level: string) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: pino({ level }, sink) };
}

describe("Bolt's logger, written through pino", () => {
  it('when Bolt logs at a level pino writes, then the words are joined into one message of the bolt component', () => {
    const { lines, logger } = captured('info');
    boltLogger(logger).warn('listener', 42, 'failed');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, component: 'bolt', msg: 'listener 42 failed' });
  });

  it('when Bolt logs at a level pino leaves out, then nothing is formatted or written', () => {
    const { lines, logger } = captured('info');
    let formatted = 0;
    const costly = { toString: () => `${++formatted}` };
    boltLogger(logger).debug('request body', costly);
    expect(formatted).toBe(0);
    expect(lines).toEqual([]);
  });
});
