import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/index.js';
import { countByState, enqueue, listOutbox } from '../../db/queries/outbox.js';
import { digestJob } from '../../jobs/digest.js';
import { escalationsJob } from '../../jobs/escalations.js';
import { findJob } from '../../jobs/index.js';
import { fixedClock } from '../../src/clock.js';
import type { AppContext } from '../../src/context.js';
import { createOutbox, drainOutbox, messageKind, slackSender, type OutboxJob } from '../../src/delivery/outbox.js';
import { runJob } from '../../src/delivery/scheduler.js';
import { testLogger } from '../helpers/logs.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';

let bot: TestBot;
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await closeChecked(bot);
});

const FAST = { perChannelIntervalMs: 0, backoffBaseMs: 10 };

/** Another process on the same database and the same fake Slack, whose outbox knows only these jobs. */
function processWith(jobs: OutboxJob[], at: string): AppContext {
  const db = openDatabase(bot.ctx.config.databaseUrl);
  closers.push(() => db.destroy());
  const logger = testLogger();
  return {
    db,
    config: bot.ctx.config,
    clock: fixedClock(at),
    logger,
    outbox: createOutbox({ sender: slackSender(bot.ctx.config.slack, logger), jobs, drain: FAST }),
  };
}

describe('the outbox renders each kind with what its job declared', () => {
  it('when a job declares its own grouped kind, then the rows waiting for one person go out as one message of its rendering', async () => {
    bot = await startBot({ now: '2011-06-16T09:00:00+08:00', drain: FAST });
    const tally = messageKind<{ n: number }>('tally', (locale, items) => [
      {
        text: `${locale}: ${items.map((i) => i.n).join('+')}`,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `${items.length} item(s)` } }],
        indexes: items.map((_, i) => i),
      },
    ]);
    const ctx = processWith([{ name: 'tallies', messages: [tally] }], '2011-06-16T09:00:00+08:00');
    const rows = [1, 2, 3].map((n) => ({
      job: 'tallies',
      key: `tally:${n}`,
      recipient: 'U0SEC00001',
      payload: tally.payload('en', { n }),
    }));
    await enqueue(ctx.db, rows, ctx.clock.now());
    const result = await drainOutbox(ctx);
    expect(result).toMatchObject({ sent: 3, messages: 1, failed: 0, dead: 0 });
    const posts = bot.fake.succeeded('chat.postMessage');
    expect(posts.map((c) => [c.args.channel, c.args.text])).toEqual([['U0SEC00001', 'en: 1+2+3']]);
  });

  it('when rows are of a kind this process was not built with, then they wait (not lost, not left sending) and a process that knows the kind sends each once', async () => {
    bot = await startBot({ now: '2011-06-16T09:00:00+08:00', drain: FAST });
    const at = '2011-06-16T09:00:00+08:00';
    // An outbox without the reminders job: it has no renderer for the reminder rows it claims.
    const other = processWith([escalationsJob, digestJob], at);
    await runJob(other, findJob('reminders')!, { now: new Date(at) });
    const queued = await listOutbox(bot.ctx.db, { job: 'reminders' });
    expect(queued.length).toBeGreaterThan(0);
    expect(bot.fake.succeeded('chat.postMessage')).toEqual([]);
    expect(await countByState(bot.ctx.db)).toMatchObject({ sending: 0, sent: 0, dead: 0, failed: queued.length });
    expect(queued.every((r) => r.lastError === 'no message kind "reminder" in this outbox')).toBe(true);

    bot.clock.set('2011-06-16T09:06:00+08:00'); // past the wait before a later run
    await drainOutbox(bot.ctx);
    const recipients = new Set(queued.map((r) => r.recipient));
    const posts = bot.fake.succeeded('chat.postMessage');
    expect(posts.map((c) => String(c.args.channel)).sort()).toEqual([...recipients].sort());
    expect(await countByState(bot.ctx.db)).toMatchObject({ pending: 0, sending: 0, failed: 0, dead: 0 });
  });
});
