/** The export's projects, commendations and public commitments sheets, read back cell by cell from the XLSX a leader receives. */
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confirmAwards, proposeTierRows, submitScores } from '../../db/queries/projects.js';
import { confirmFulfilment, findCommitment, makeCommitment, reportFulfilment } from '../../db/queries/commitments.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { rows } from '../helpers/sheets.js';
import { putNomination } from '../helpers/leaders.js';
import { addLeaders, branchIdOf, P, personIdOf, seedProject } from '../helpers/projects.js';

let bot: TestBot;
beforeEach(async () => {
  bot = await startBot({ now: '2011-12-20T10:00:00+08:00' });
  await addLeaders(bot);
});
afterEach(() => closeChecked(bot));

/** Two projects: YQ-ZX1's awarded (three sheets), YQ-ZX2's at the assessment with one sheet of three. */
async function seed(): Promise<void> {
  const db = bot.ctx.db;
  const at = (iso: string) => ({ actor: 'test', now: new Date(iso) });
  const admin = await personIdOf(bot, P.admin);
  const assessors = await Promise.all([P.leader2, P.leader3, P.leader4].map((u) => personIdOf(bot, u)));
  const ids: number[] = [];
  for (const [sec, branch] of [
    [P.secZx1, 'YQ-ZX1'],
    [P.secZx2, 'YQ-ZX2'],
  ] as const) {
    const id = await seedProject(db, {
      branchId: await branchIdOf(bot, branch),
      secretaryId: await personIdOf(bot, sec),
      meta: at('2011-05-10T02:00:00Z'),
      times: ['2011-05-10T02:00:00Z', '2011-05-12T02:00:00Z', '2011-10-20T02:00:00Z', '2011-11-01T02:00:00Z'],
      until: 'assessment',
      title: `${branch} 党员先锋岗`,
      keys: `V${branch}`,
      assessment: { assessorIds: assessors, adminId: admin },
    });
    ids.push(id);
  }
  const sheets = [
    { innovation: 9, practicability: 9, effect: 9, spread: 9 },
    { innovation: 8, practicability: 9, effect: 9, spread: 8 },
    { innovation: 9, practicability: 9, effect: 9, spread: 9 },
  ];
  for (const [k, a] of assessors.entries())
    await submitScores(
      db,
      { projectId: ids[0]!, assessorId: a, sheet: sheets[k]!, comment: null },
      at('2011-11-20T02:00:00Z'),
    );
  await submitScores(
    db,
    { projectId: ids[1]!, assessorId: assessors[0]!, sheet: sheets[0]!, comment: null },
    at('2011-11-20T02:00:00Z'),
  );
  await proposeTierRows(
    db,
    { entries: [{ projectId: ids[0]!, tier: 'first', reason: null }], personId: assessors[0]!, replaceAdjusted: false },
    at('2011-12-01T02:00:00Z'),
  );
  await confirmAwards(
    db,
    { planId: 1, channelId: 'C0AWARDS', personId: admin, submissionKey: 'VCONFIRM', render: () => [] },
    at('2011-12-10T02:00:00Z'),
  );
  // One nomination awarded, one struck after an objection.
  for (const [n, status] of [
    [P.member, 'awarded'],
    [P.member2, 'struck'],
  ] as const) {
    const nomination = await putNomination(db, {
      branchId: await branchIdOf(bot, 'YQ-ZX1'),
      nominee: await personIdOf(bot, n),
      nominatedBy: await personIdOf(bot, P.secZx1),
      status,
    });
    if (status === 'struck')
      await db
        .insertInto('objections')
        .values({
          nomination_id: nomination,
          raised_by: admin,
          raised_at: '2011-06-21T02:00:00.000Z',
          text: 't',
          status: 'upheld',
          decided_by: admin,
          decided_at: '2011-06-22T02:00:00.000Z',
          reason: 'r',
          submission_key: null,
        })
        .execute();
  }
}

describe('the export’s innovation projects and commendations', () => {
  it('when a leader exports, then the projects sheet has each project’s stage, scores once all are in, and award, and the commendations sheet each nomination', async () => {
    await seed();
    await bot.driver.command({ command: '/pacesetter', text: 'export', user_id: P.leader2 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bot.fake.uploads[0]!.bytes as unknown as ArrayBuffer);
    expect(rows(wb.getWorksheet('创新项目')!)).toEqual([
      [
        '项目编号',
        '组织代码',
        '基层党组织',
        '类别',
        '项目名称',
        '环节',
        '备案时间',
        '申报时间',
        '已评分/评估专家',
        '平均分',
        '极差',
        '项目奖励',
      ],
      [
        'P-0001',
        'YQ-ZX1',
        '延庆一中党总支',
        '中学',
        'YQ-ZX1 党员先锋岗',
        '项目奖励',
        '2011-05-10 10:00',
        '2011-10-20 10:00',
        '3/3',
        8.83,
        0.5,
        '一等奖',
      ],
      // The second project's single sheet is not read: no average before every assessor has scored.
      [
        'P-0002',
        'YQ-ZX2',
        '延庆二中党支部',
        '中学',
        'YQ-ZX2 党员先锋岗',
        '项目评估',
        '2011-05-10 10:00',
        '2011-10-20 10:00',
        '1/3',
        null,
        null,
        null,
      ],
    ]);
    expect(rows(wb.getWorksheet('表彰')!)).toEqual([
      ['推荐编号', '表彰', '类别', '推荐对象', '组织代码', '推荐组织', '状态', '异议成立', '异议不成立', '推荐时间'],
      ['№1', '“七一”表彰', '优秀共产党员', '李晓梅', 'YQ-ZX1', '延庆一中党总支', '已表彰', 0, 0, '2011-06-10 10:00'],
      [
        '№2',
        '“七一”表彰',
        '优秀共产党员',
        '赵志强',
        'YQ-ZX1',
        '延庆一中党总支',
        '因异议成立取消',
        1,
        0,
        '2011-06-10 10:00',
      ],
    ]);
  });
});

describe('the export’s public commitments', () => {
  /** 李晓梅: one confirmed fulfilled, one partly and waiting; 王建国: one unreported; 赵志强 (YQ-ZX1) none. */
  async function seedCommitments() {
    const db = bot.ctx.db;
    const zx1 = await branchIdOf(bot, 'YQ-ZX1');
    const meta = (iso: string) => ({ actor: 'test', now: new Date(iso) });
    const make = async (slack: string, text: string, area: 'duties' | 'study' | null, key: string) => {
      const r = await makeCommitment(
        db,
        { planId: 1, personId: await personIdOf(bot, slack), branchId: zx1, text, area, max: 5, submissionKey: key },
        meta('2011-05-10T02:00:00Z'),
      );
      if (r.outcome !== 'made') throw new Error(r.outcome);
      return r.commitment.id;
    };
    const a = await make(P.member, '每月上好一节党员示范课', 'duties', 'VC1');
    const b = await make(P.member, '结对帮扶两名学困生 =SUM(A1)', null, 'VC2');
    await make(P.secZx1, '带头讲党课', 'study', 'VC3');
    const member = await personIdOf(bot, P.member);
    await reportFulfilment(
      db,
      { id: a, personId: member, outcome: 'fulfilled', note: '上了12节', link: 'https://example.org/kb' },
      meta('2011-12-05T02:00:00Z'),
    );
    await reportFulfilment(
      db,
      { id: b, personId: member, outcome: 'partly', note: '帮扶1名', link: null },
      meta('2011-12-05T02:00:00Z'),
    );
    const version = (await findCommitment(db, a))!.version;
    const done = await confirmFulfilment(
      db,
      { id: a, version, confirmerId: await personIdOf(bot, P.secZx1), decision: 'confirmed', comment: '很好' },
      meta('2011-12-06T02:00:00Z'),
    );
    expect(done.outcome).toBe('done');
  }

  it('when a leader exports, then the rates sheet has a row per branch and the commitments sheet a row per commitment, then one per person asked who made none', async () => {
    await seedCommitments();
    await bot.driver.command({ command: '/pacesetter', text: 'export', user_id: P.leader2 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bot.fake.uploads[0]!.bytes as unknown as ArrayBuffer);

    const rates = rows(wb.getWorksheet('承诺情况')!);
    expect(rates[0]).toEqual([
      '组织代码',
      '基层党组织',
      '类别',
      '应承诺人数',
      '已承诺人数',
      '承诺率（%）',
      '兑现情况已确认（项）',
      '已兑现',
      '部分兑现',
    ]);
    const branches = await bot.ctx.db.selectFrom('branches').select('code').where('active', '=', 1).execute();
    expect(rates).toHaveLength(branches.length + 1);
    expect(rates.find((r) => r[0] === 'YQ-ZX1')).toEqual(['YQ-ZX1', '延庆一中党总支', '中学', 3, 2, 66.7, 1, 1, 0]);
    expect(rates.find((r) => r[0] === 'YQ-ZX2')).toEqual(['YQ-ZX2', '延庆二中党支部', '中学', 2, 0, 0, 0, 0, 0]);

    const people = rows(wb.getWorksheet('公开承诺')!);
    const zx1 = ['YQ-ZX1', '延庆一中党总支'];
    expect(people.slice(0, 5)).toEqual([
      ['组织代码', '基层党组织', '姓名', '序号', '方面', '公开承诺', '承诺时间', '兑现情况', '说明', '链接', '确认', '点评'],
      [...zx1, '李晓梅', 1, '岗位职责', '每月上好一节党员示范课', '2011-05-10 10:00', '已兑现', '上了12节', 'https://example.org/kb', '已确认', '很好'],
      // A formula-like text stays text (the workbook writes strings, not formulas).
      [...zx1, '李晓梅', 2, null, '结对帮扶两名学困生 =SUM(A1)', '2011-05-10 10:00', '部分兑现', '帮扶1名', null, '待书记确认', null],
      [...zx1, '王建国', 1, '学习', '带头讲党课', '2011-05-10 10:00', null, null, null, '未报送', null],
      [...zx1, '赵志强', null, null, '（未作出公开承诺）', null, null, null, null, null, null],
    ]); // prettier-ignore
    // One row for each person asked who made none: as many as the rates say are missing.
    const missing = people.slice(1).filter((r) => r[5] === '（未作出公开承诺）').length;
    const owed = rates.slice(1).reduce((n, r) => n + Number(r[3]) - Number(r[4]), 0);
    expect(missing).toBe(owed);
    expect(people).toHaveLength(1 + 3 + owed);
  });
});
