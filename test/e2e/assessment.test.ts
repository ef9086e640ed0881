/** The year-end assessment over signed HTTP: provisional before the plan's date, final after, explained to the last digit. */
import { afterEach, describe, expect, it } from 'vitest';
import { loadAssessment } from '../../db/queries/assessment.js';
import { findPlanToday } from '../../db/queries/plans.js';
import { centsText } from '../../src/domain/assessment.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { lastEphemeral, P, slash, textOf } from '../helpers/projects.js';

let bot: TestBot;
afterEach(() => closeChecked(bot));

describe('/rankings year', () => {
  it('when asked before the plan’s final date, then the assessment is labelled provisional; after it, final with grades', async () => {
    bot = await startBot({ now: '2011-11-20T10:00:00+08:00' });
    await slash(bot, P.leader2, '/rankings', 'year');
    expect(textOf(lastEphemeral(bot).blocks)).toContain('暂定');
    bot.clock.set('2012-01-03T10:00:00+08:00');
    await slash(bot, P.leader2, '/rankings', '全年');
    const shown = textOf(lastEphemeral(bot).blocks);
    expect(shown).not.toContain('暂定');
    expect(shown).toMatch(/先进|良好|一般|落后/);
  });

  it('when a branch is explained, then the text shows every part and the score it adds up to, for every branch of the roster', async () => {
    bot = await startBot({ now: '2011-11-20T10:00:00+08:00' });
    const found = (await findPlanToday(bot.ctx.db, bot.clock.now()))!;
    const { assessment } = await loadAssessment(bot.ctx.db, found.plan, found.today);
    expect(assessment.rows.length).toBeGreaterThan(3);
    for (const row of assessment.rows) {
      await slash(bot, P.leader2, '/rankings', `explain ${row.branch.code}`);
      const shown = textOf(lastEphemeral(bot).blocks);
      if (row.cents === null) {
        expect(shown).toContain('暂无考核项数据');
        continue;
      }
      const parts = row.parts.filter((p) => p.value10 !== null && p.weight > 0).map((p) => centsText(p.cents));
      expect(shown, row.branch.code).toContain(
        `${[...parts, centsText(row.bonusCents)].join(' + ')} = *${centsText(row.cents)}*`,
      );
    }
  });
});
