import { describe, expect, it } from 'vitest';
import { findJob } from '../../jobs/index.js';
import { createOutbox, messageKind } from '../../src/delivery/outbox.js';

describe('building an outbox', () => {
  const sender = { post: async () => ({ ts: '1' }), upload: async () => ({ id: 'F1' }) };
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

  it('when built for the registry, then it knows each job and the kinds they declare, and its own notice of dead rows', () => {
    const outbox = createOutbox({ sender, jobs: [findJob('reminders')!, findJob('escalations')!, findJob('digest')!] });
    expect(outbox.jobs).toEqual(['reminders', 'escalations', 'digest']);
    expect([...outbox.kinds.keys()].sort()).toEqual(['dead', 'escalation', 'reminder']);
    // One kind declared by two jobs is one kind.
    const twice = createOutbox({
      sender,
      jobs: [findJob('reminders')!, { name: 'again', messages: findJob('reminders')!.messages! }],
    });
    expect([...twice.kinds.keys()].sort()).toEqual(['dead', 'reminder']);
  });
});
