/** The export's projects and commendations sheets, read back cell by cell from the XLSX a leader receives. */
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  confirmAwards,
  applyProject,
  assignAssessors,
  moveProject,
  proposeTierRows,
  registerProject,
  submitScores,
} from '../../db/queries/projects.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { addLeaders, branchIdOf, P, personIdOf } from '../helpers/projects.js';

let bot: TestBot;
beforeEach(async () => {
  bot = await startBot({ now: '2011-12-20T10:00:00+08:00' });
  await addLeaders(bot);
});
afterEach(() => closeChecked(bot));

function rows(ws: ExcelJS.Worksheet): unknown[][] {
  const out: unknown[][] = [];
  ws.eachRow({ includeEmpty: true }, (row) => {
    out.push(Array.from({ length: ws.columnCount }, (_, i) => row.getCell(i + 1).value ?? null));
  });
  return out;
}

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
    const by = await personIdOf(bot, sec);
    const reg = await registerProject(
      db,
      {
        title: `${branch} 党员先锋岗`,
        aims: 'a',
        approach: 'b',
        expected: 'c',
        planId: 1,
        branchId: await branchIdOf(bot, branch),
        personId: by,
        perBranch: 1,
        submissionKey: `V${branch}1`,
        report: null,
      },
      at('2011-05-10T02:00:00Z'),
    );
    if (reg.outcome !== 'registered') throw new Error(reg.outcome);
    const id = reg.project.id;
    ids.push(id);
    await moveProject(
      db,
      {
        projectId: id,
        from: 'registration',
        to: 'implementation',
        comment: null,
        personId: by,
        submissionKey: `V${branch}2`,
      },
      at('2011-05-12T02:00:00Z'),
    );
    await applyProject(
      db,
      { projectId: id, results: 'r', links: [], personId: by, submissionKey: `V${branch}3`, report: null },
      at('2011-10-20T02:00:00Z'),
    );
    await assignAssessors(
      db,
      { projectId: id, assessorIds: assessors, personId: admin, comment: null, submissionKey: `V${branch}4` },
      at('2011-11-01T02:00:00Z'),
    );
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
    const person = await personIdOf(bot, n);
    const row = await db
      .insertInto('nominations')
      .values({
        plan_id: 1,
        round: 'JULY1',
        category: 'EXCELLENT-MEMBER',
        branch_id: await branchIdOf(bot, 'YQ-ZX1'),
        nominee_kind: 'person',
        nominee_branch_id: null,
        nominee_person_id: person,
        nominee_project_id: null,
        nominee_key: `p:${person}`,
        citation: 'c',
        evidence_link: null,
        status,
        nominated_by: await personIdOf(bot, P.secZx1),
        nominated_at: '2011-06-10T02:00:00.000Z',
        reviewed_by: null,
        reviewed_at: null,
        review_comment: null,
        submission_key: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (status === 'struck')
      await db
        .insertInto('objections')
        .values({
          nomination_id: row.id,
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
