import { describe, expect, it } from 'vitest';
import { findJob } from '../../jobs/index.js';
import type { Job } from '../../jobs/types.js';
import type { AppContext } from '../../src/context.js';
import { createOutbox, messageKind } from '../../src/delivery/outbox.js';
import { oneAtATime, type JobRunner, type RunJobOptions } from '../../src/delivery/scheduler.js';

const job = (name: string): Job => ({
  name,
  schedule: async () => ({ timezone: 'Asia/Shanghai', time: '09:00' }),
  run: async () => ({ summary: [], completed: true }),
});
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A runner whose runs each wait until the test lets them finish (or fail); it records what started and ended. */
function heldRunner() {
  const events: string[] = [];
  const held = new Map<string, { finish(): void; fail(): void }>();
  const tag = (j: Job, opts: RunJobOptions) => `${j.name} ${opts.now.toISOString().slice(11, 16)}`;
  const run: JobRunner = async (_ctx, j, opts) => {
    const t = tag(j, opts);
    events.push(`start ${t}`);
    await new Promise<void>((resolve, reject) =>
      held.set(t, { finish: resolve, fail: () => reject(new Error(`${t} failed`)) }),
    );
    events.push(`end ${t}`);
    return { job: j.name, slot: opts.now, summary: [], completed: true };
  };
  return { run, events, held };
}

const at = (hhmm: string) => new Date(`2011-06-16T${hhmm}:00Z`);
const ctx = {} as AppContext;

describe("the scheduler's runner", () => {
  it('when a tick comes while the same job is still running, then it starts once that run ended; another job and a dry run do not wait', async () => {
    const { run, events, held } = heldRunner();
    const queued = oneAtATime(run);
    const reminders = job('reminders');
    const first = queued(ctx, reminders, { now: at('01:00') });
    const second = queued(ctx, reminders, { now: at('01:01') });
    const digest = queued(ctx, job('digest'), { now: at('01:00') });
    const preview = queued(ctx, reminders, { now: at('01:02'), dryRun: true });
    await settle();
    expect([...events].sort()).toEqual(['start digest 01:00', 'start reminders 01:00', 'start reminders 01:02']);

    held.get('reminders 01:00')!.finish();
    await first;
    await settle();
    expect(events).toContain('start reminders 01:01');
    expect(events.indexOf('start reminders 01:01')).toBeGreaterThan(events.indexOf('end reminders 01:00'));

    for (const t of ['reminders 01:01', 'digest 01:00', 'reminders 01:02']) held.get(t)!.finish();
    expect((await second).slot).toEqual(at('01:01'));
    await Promise.all([digest, preview]);
  });

  it('when a run fails, then the failure is its caller’s and the next run of the job still goes', async () => {
    const { run, events, held } = heldRunner();
    const queued = oneAtATime(run);
    const reminders = job('reminders');
    const failing = queued(ctx, reminders, { now: at('01:00') });
    const next = queued(ctx, reminders, { now: at('01:01') });
    await settle();
    expect(events).toEqual(['start reminders 01:00']);
    held.get('reminders 01:00')!.fail();
    await expect(failing).rejects.toThrow('reminders 01:00 failed');
    await settle();
    expect(events).toEqual(['start reminders 01:00', 'start reminders 01:01']);
    held.get('reminders 01:01')!.finish();
    expect((await next).job).toBe('reminders');
  });

  it('when two runners run the same job, then neither waits for the other (each scheduler has its own)', async () => {
    const { run, events } = heldRunner();
    void oneAtATime(run)(ctx, job('reminders'), { now: at('01:00') });
    void oneAtATime(run)(ctx, job('reminders'), { now: at('01:01') });
    await settle();
    expect([...events].sort()).toEqual(['start reminders 01:00', 'start reminders 01:01']);
  });
});

describe('building an outbox', () => {
  const sender = {
    post: async () => ({ ts: '1' }),
    upload: async () => ({ id: 'F1' }),
    findSent: async () => new Map<string, string>(),
  };
  const render = () => [];

  it('when two kinds share a name, or a kind takes a plain row kind, then the outbox is refused at start', () => {
    const reminders = findJob('reminders')!;
    expect(() =>
      createOutbox({ sender, jobs: [reminders, { name: 'other', messages: [messageKind('reminder', render)] }] }),
    ).toThrow('two message kinds are named "reminder"');
    expect(() => createOutbox({ sender, jobs: [{ name: 'x', messages: [messageKind('dead', render)] }] })).toThrow(
      'two message kinds are named "dead"',
    );
    expect(() => createOutbox({ sender, jobs: [{ name: 'x', messages: [messageKind('file', render)] }] })).toThrow(
      '"file" is a plain row\'s kind',
    );
  });

  it('when built for the registry, then it knows each job and the kinds they declare, and its own notices of dead and blocked rows', () => {
    const outbox = createOutbox({ sender, jobs: [findJob('reminders')!, findJob('escalations')!, findJob('digest')!] });
    expect(outbox.jobs).toEqual(['reminders', 'escalations', 'digest']);
    expect([...outbox.kinds.keys()].sort()).toEqual(['blocked', 'dead', 'escalation', 'reminder']);
    // One kind declared by two jobs is one kind.
    const twice = createOutbox({
      sender,
      jobs: [findJob('reminders')!, { name: 'again', messages: findJob('reminders')!.messages! }],
    });
    expect([...twice.kinds.keys()].sort()).toEqual(['blocked', 'dead', 'reminder']);
  });
});
