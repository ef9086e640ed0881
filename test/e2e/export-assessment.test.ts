/** The export's assessment, summary and inspections sheets, read back cell by cell from the XLSX a leader receives. */
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { rows } from '../helpers/sheets.js';
import { listRectificationItems } from '../../db/queries/inspections.js';
import { recordInspection } from '../helpers/inspections.js';
import { personId, putNomination, putPaper, putReport, seedJune } from '../helpers/leaders.js';
import { branchIdOf, P } from '../helpers/projects.js';

let bot: TestBot;
beforeEach(async () => {
  bot = await startBot({ drain: { perChannelIntervalMs: 0 } });
  await seedJune(bot.ctx.db);
});

/** A paper of YQ-ZX1's member and an awarded commendation of the same branch (a bonus of 0.5). */
async function seedCampaign(): Promise<void> {
  const db = bot.ctx.db;
  const member = await personId(db, P.member);
  await putPaper(db, member);
  await putNomination(db, {
    branchId: await branchIdOf(bot, 'YQ-ZX1'),
    nominee: member,
    nominatedBy: await personId(db, P.secZx1),
    status: 'awarded',
  });
}
afterEach(() => closeChecked(bot));

async function exported(): Promise<ExcelJS.Workbook> {
  await bot.driver.command({ command: '/pacesetter', text: 'export', user_id: P.leader2 });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bot.fake.uploads[0]!.bytes as unknown as ArrayBuffer);
  return wb;
}

describe('the export’s year-end sheets', () => {
  it('when a leader exports in June, then the assessment sheet has every branch’s components, parts, bonus, score, rank in its category and grade, provisional', async () => {
    await seedCampaign();
    await recordInspection(bot, P.leader2, 'YQ-ZX1', { rating: 'good', items: '2011-06-30 补开推迟的党员大会' });
    const wb = await exported();
    expect(wb.worksheets.map((w) => w.name).slice(-3)).toEqual(['年终考核', '汇总', '督查']);
    const p = (
      branch: string[],
      task: number,
      inspection: number | null,
      bonus: number,
      score: number,
      rank: number,
    ) => {
      // Weights 60 / 20 / 10 / 10: with the inspection the divisor is 70, without it 60 (task score alone).
      const divisor = inspection === null ? 60 : 70;
      const part = (v: number, w: number) => Math.round((v * w * 100) / divisor) / 100;
      return [
        ...branch,
        task,
        part(task, 60),
        null,
        null,
        inspection,
        inspection === null ? null : part(inspection, 10),
        null,
        null,
        bonus,
        score,
        rank,
        '一般',
        '暂定',
      ];
    };
    expect(rows(wb.getWorksheet('年终考核')!)).toEqual([
      [
        '类别',
        '组织代码',
        '基层党组织',
        '任务得分 (60)',
        '任务得分：计分',
        '评议满意率 (20)',
        '评议满意率：计分',
        '督查评定 (10)',
        '督查评定：计分',
        '公开承诺兑现 (10)',
        '公开承诺兑现：计分',
        '加分',
        '得分',
        '类别内排名',
        '考核等级',
        '状态',
      ],
      p(['成人学校', 'YQ-CJ1', '县成人学校党支部'], 0, null, 0, 0, 1),
      p(['机关', 'YQ-JG1', '教工委机关党支部'], 0, null, 0, 0, 1),
      p(['小学', 'YQ-XX1', '第一小学党支部'], 87.5, null, 0, 87.5, 1),
      p(['小学', 'YQ-XX2', '第二小学党支部'], 25, null, 0, 25, 2),
      p(['小学', 'YQ-XX3', '永宁小学党支部'], 0, null, 0, 0, 3),
      p(['幼儿园', 'YQ-YEY1', '县幼儿园党支部'], 0, null, 0, 0, 1),
      p(['职业学校', 'YQ-ZJ1', '县职业学校党总支'], 0, null, 0, 0, 1),
      p(['直属部门', 'YQ-ZS1', '教育考试中心党支部'], 0, null, 0, 0, 1),
      // 100 × 60 ÷ 70 = 85.71, 100 (好) × 10 ÷ 70 = 14.29, the commendation's 0.5: 100.5.
      p(['中学', 'YQ-ZX1', '延庆一中党总支'], 100, 100, 0.5, 100.5, 1),
      p(['中学', 'YQ-ZX2', '延庆二中党支部'], 100, null, 0, 100, 2),
    ]);
  });

  it('when a leader exports, then the summary sheet counts by category and in total, the county’s inspection once in the total and in each category it set tasks in', async () => {
    await seedCampaign();
    await recordInspection(bot, P.leader2, 'YQ-ZX1', { rating: 'good', items: '2011-06-30 补开推迟的党员大会' });
    await recordInspection(bot, P.admin, 'all', {
      items: 'YQ-ZX1 2011-07-10 公开党务公开目录\nYQ-JG1 2011-07-20 完成效能自查报告',
    });
    // The first task reported and accepted: one closed.
    const [first] = await listRectificationItems(bot.ctx.db, 1);
    await putReport(bot.ctx.db, { branch: 'YQ-ZX1', obligation: first!.code, status: 'accepted' });
    const wb = await exported();
    const zero = (n: number) => Array.from({ length: n }, () => 0);
    // branches, activities, participants, on time, late, papers, six stages, awarded, commendations, ballots.
    const line = (scope: string, counts: number[], inspections: number[]) => [
      scope,
      ...counts,
      null,
      null,
      ...inspections,
    ];
    expect(rows(wb.getWorksheet('汇总')!)).toEqual([
      [
        '类别',
        '基层党组织数',
        '开展活动（报送）',
        '参加人次',
        '按时报送',
        '逾期报送',
        '论文',
        '创新项目：项目备案',
        '创新项目：指导实施',
        '创新项目：项目申报',
        '创新项目：项目评估',
        '创新项目：综合评审',
        '创新项目：项目奖励',
        '获奖创新项目',
        '表彰',
        '评议票数',
        '评议参评率 %',
        '评议满意率 %',
        '督查次数',
        '整改任务',
        '已通过的整改任务',
      ],
      line('小学', [3, 5, 100, 4, 1, 0, ...zero(6), 0, 0, 0], [0, 0, 0]),
      line('中学', [2, 9, 180, 9, 0, 1, ...zero(6), 0, 1, 0], [2, 2, 1]),
      line('幼儿园', [1, 0, 0, 0, 0, 0, ...zero(6), 0, 0, 0], [0, 0, 0]),
      line('职业学校', [1, 0, 0, 0, 0, 0, ...zero(6), 0, 0, 0], [0, 0, 0]),
      line('成人学校', [1, 0, 0, 0, 0, 0, ...zero(6), 0, 0, 0], [0, 0, 0]),
      line('直属部门', [1, 0, 0, 0, 0, 0, ...zero(6), 0, 0, 0], [0, 0, 0]),
      line('机关', [1, 0, 0, 0, 0, 0, ...zero(6), 0, 0, 0], [1, 1, 0]),
      line('合计', [10, 14, 280, 13, 1, 1, ...zero(6), 0, 1, 0], [2, 3, 1]),
    ]);
    // The county's inspection by 宋明, unrated: one line for each branch it set a task for, not yet passed.
    const inspected = ['党员活动记录、三会一课台账', '组织生活记录不全'];
    const countyLine = (code: string, name: string, category: string, task: string) => [
      '2011-06-17',
      '巡回检查',
      code,
      name,
      category,
      '宋明',
      '是',
      null,
      '否',
      ...inspected,
      task,
      1,
      0,
    ];
    // The inspections sheet: the branch's own, then the county's once for each branch it set tasks for.
    expect(rows(wb.getWorksheet('督查')!)).toEqual([
      [
        '督查日期',
        '督查类型',
        '组织代码',
        '基层党组织',
        '类别',
        '督查人',
        '县督查',
        '评定',
        '两张皮',
        '检查内容',
        '发现的问题',
        '整改任务',
        '整改任务数',
        '已通过的整改任务',
      ],
      [
        '2011-06-17',
        '巡回检查',
        'YQ-ZX1',
        '延庆一中党总支',
        '中学',
        '林淑珍',
        '否',
        '好',
        '否',
        '党员活动记录、三会一课台账',
        '组织生活记录不全',
        `${first!.code} 2011-06-30 补开推迟的党员大会`,
        1,
        1,
      ],
      countyLine('YQ-ZX1', '延庆一中党总支', '中学', 'R2-1 2011-07-10 公开党务公开目录'),
      countyLine('YQ-JG1', '教工委机关党支部', '机关', 'R2-2 2011-07-20 完成效能自查报告'),
    ]);
  });
});
