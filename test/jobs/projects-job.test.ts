import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listOutbox } from '../../db/queries/outbox.js';
import { submitScores } from '../../db/queries/projects.js';
import { findJob } from '../../jobs/index.js';
import { runJob } from '../../src/delivery/scheduler.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { addLeaders, branchIdOf, P, personIdOf, seedProject } from '../helpers/projects.js';

let bot: TestBot;
beforeEach(async () => {
  bot = await startBot({ now: '2011-11-01T10:00:00+08:00', drain: { perChannelIntervalMs: 0 } });
  await addLeaders(bot);
});
afterEach(() => closeChecked(bot));

async function run(at: string) {
  bot.clock.set(at);
  return runJob(bot.ctx, findJob('projects')!, { now: bot.clock.now() });
}

/** A project of YQ-ZX1 at the assessment, with three assessors of whom one has scored. */
async function assessing(): Promise<number> {
  const db = bot.ctx.db;
  const meta = { actor: 'test', now: new Date('2011-10-20T02:00:00Z') };
  const assessors = await Promise.all([P.leader2, P.leader3, P.leader4].map((u) => personIdOf(bot, u)));
  const id = await seedProject(db, {
    branchId: await branchIdOf(bot, 'YQ-ZX1'),
    secretaryId: await personIdOf(bot, P.secZx1),
    meta,
    until: 'assessment',
    title: '党员先锋岗',
    assessment: { assessorIds: assessors, adminId: await personIdOf(bot, P.admin) },
  });
  await submitScores(
    db,
    {
      projectId: id,
      assessorId: assessors[0]!,
      sheet: { innovation: 8, practicability: 8, effect: 8, spread: 8 },
      comment: null,
    },
    meta,
  );
  return id;
}

const dms = (user: string) => bot.fake.succeeded('chat.postMessage').filter((c) => c.args.channel === user);

describe('the projects job: the committee’s dates on working days', () => {
  it('when the assessment date is a week away, then each assessor who has not scored gets one DM with a Score button, once', async () => {
    const id = await assessing();
    // The first run names the stage fourteen days before (the latest since the start); the next, seven.
    await run('2011-11-17T09:00:00+08:00');
    expect(JSON.stringify(dms(P.leader3)[0]!.args.blocks)).toContain('还有 8 天');
    const result = await run('2011-11-18T09:00:00+08:00');
    expect(result.completed).toBe(true);
    expect(dms(P.leader2)).toEqual([]);
    for (const who of [P.leader3, P.leader4]) {
      const dm = dms(who).at(-1);
      expect(dms(who)).toHaveLength(2);
      expect(JSON.stringify(dm!.args.blocks)).toContain('评分（截止：还有 7 天（2011-11-25））');
      expect(JSON.stringify(dm!.args.blocks)).toContain(`"action_id":"project_score","value":"${id}"`);
    }
    // The same day again: nothing twice.
    await run('2011-11-18T10:00:00+08:00');
    expect(dms(P.leader3)).toHaveLength(2);
    const rows = (await listOutbox(bot.ctx.db)).filter((r) => r.job === 'projects');
    expect(rows.map((r) => r.state)).toEqual(['sent', 'sent', 'sent', 'sent']);
  });

  it('when the day is a weekend, then nothing goes out and the run does not count', async () => {
    await assessing();
    await run('2011-11-25T09:00:00+08:00');
    const sent = dms(P.leader3).length;
    expect(sent).toBe(1);
    const saturday = await run('2011-11-26T09:00:00+08:00');
    expect(saturday.completed).toBe(false);
    expect(saturday.summary[0]).toContain('a day off');
    expect(dms(P.leader3)).toHaveLength(sent);
  });

  it('when the assessment is overdue by more than the escalation days, then the admins hear how many sheets are missing', async () => {
    await assessing();
    await run('2011-12-01T09:00:00+08:00');
    await run('2011-12-02T09:00:00+08:00');
    const admin = dms(P.admin).map((c) => JSON.stringify(c.args.blocks));
    expect(admin.some((t) => t.includes('尚有 2 份评分未交'))).toBe(true);
  });
});
