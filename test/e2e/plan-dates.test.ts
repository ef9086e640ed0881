/**
 * One date, one plan (issue 10): every command, button and job picks the plan in force by the
 * plan's own date (Asia/Shanghai for the shipped plan), not by the UTC date, which in Shanghai is
 * still the day before until 08:00. Two plans are loaded, 2011 (04-08 to 12-31) and 2012 (the same
 * plan a year later), and each screen is asked at 07:30 in Shanghai.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { planContext } from '../../jobs/common.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { loadPlanForYear } from '../helpers/db.js';
import { putReport } from '../helpers/leaders.js';
import { shownView } from '../helpers/reporting.js';

const SECRETARY = 'U0SEC00001'; // 王建国, secretary of YQ-ZX1 (secondary), school cadre
const CADRE = 'U0MEM00001'; // 李晓梅, school cadre
const LEADER = 'U0LDR00002';

let bot: TestBot;
afterEach(() => closeChecked(bot));

/** The bot at `now`, with the 2011 plan (and one accepted report in it) and the 2012 plan. */
async function twoPlansAt(now: string): Promise<{ plan2011: number; plan2012: number }> {
  bot = await startBot({ now });
  // Stored before the 2012 plan exists, so the task code names the 2011 obligation.
  await putReport(bot.ctx.db, { branch: 'YQ-ZX1', obligation: 'A07-COBUILD', status: 'accepted' });
  const { planId: plan2012 } = await loadPlanForYear(bot.ctx.db, 2012);
  const { id: plan2011 } = await bot.ctx.db
    .selectFrom('plans')
    .select('id')
    .where('year', '=', 2011)
    .executeTakeFirstOrThrow();
  return { plan2011, plan2012 };
}

async function reply(command: string, user: string, text = ''): Promise<string> {
  const before = bot.fake.calls.length;
  const res = await bot.driver.command({ command, text, user_id: user });
  expect(res.status).toBe(200);
  const answer = bot.fake.calls.slice(before).find((c) => c.method === 'response_url');
  return JSON.stringify(answer?.args ?? null);
}

async function homeTitle(user: string): Promise<string> {
  await bot.driver.event({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home' });
  const blocks = (bot.fake.homeOf(user)?.view.blocks ?? []) as { text?: { text: string } }[];
  return blocks[0]?.text?.text ?? '';
}

describe('the plan in force at 07:30 in Shanghai', () => {
  it('when it is the first day of the 2011 plan (still the day before in UTC), then every screen shows the 2011 plan', async () => {
    const { plan2011 } = await twoPlansAt('2011-04-08T07:30:00+08:00');

    await bot.driver.command({ command: '/report', user_id: SECRETARY });
    expect(JSON.parse(shownView(bot).private_metadata)).toMatchObject({ planId: plan2011 });

    const progress = await reply('/progress', SECRETARY);
    expect(progress).toContain('A07-COBUILD');
    expect(progress).toContain('截止 2011-05-31');
    expect(progress).not.toContain('2012-');

    // The accepted report belongs to the 2011 plan: only there does the branch have a score.
    const explained = await reply('/rankings', LEADER, 'explain YQ-ZX1');
    expect(explained).toContain('A07-COBUILD');
    expect(explained).not.toContain('暂无到期任务');

    expect(await reply('/paper', CADRE, 'status')).toContain('还有 236 天到期');
    expect(await homeTitle(SECRETARY)).toContain('2011年');
    expect((await planContext(bot.ctx, bot.clock.now()))?.plan.id).toBe(plan2011);
  });

  it('when it is the day after the 2011 plan ends (still its last day in UTC), then every screen shows the 2012 plan', async () => {
    const { plan2012 } = await twoPlansAt('2012-01-01T07:30:00+08:00');

    await bot.driver.command({ command: '/report', user_id: SECRETARY });
    expect(JSON.parse(shownView(bot).private_metadata)).toMatchObject({ planId: plan2012 });

    const progress = await reply('/progress', SECRETARY);
    expect(progress).toContain('截止 2012-05-31');
    expect(progress).not.toContain('2011-05-31');

    // Nothing of the 2012 plan is due yet; in the 2011 plan everything would be overdue.
    expect(await reply('/rankings', LEADER, 'explain YQ-ZX1')).toContain('暂无到期任务');

    expect(await reply('/paper', CADRE, 'status')).toContain('还有 334 天到期');
    expect(await homeTitle(SECRETARY)).toContain('2012年');
    expect((await planContext(bot.ctx, bot.clock.now()))?.plan.id).toBe(plan2012);
  });
});
