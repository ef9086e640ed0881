import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { runCliLines } from '../helpers/cli.js';
import { rows } from '../helpers/sheets.js';
import { tempDir } from '../helpers/db.js';
import {
  branchId,
  LEADER,
  obligationId,
  personId,
  putExtension,
  putPaper,
  SECRETARY,
  seedJune,
} from '../helpers/leaders.js';

let bot: TestBot;
beforeEach(async () => {
  bot = await startBot();
  await seedJune(bot.ctx.db);
  const db = bot.ctx.db;
  await putExtension(
    db,
    {
      obligationId: await obligationId(db, 'A08-REGISTER'),
      branchId: await branchId(db, 'YQ-XX2'),
      requestedBy: await personId(db, 'U0SEC00004'),
    },
    {
      requested_at: '2011-05-25T01:00:00.000Z',
      new_due: '2011-06-30',
      reason: '校长外出学习',
      status: 'approved',
      decided_by: await personId(db, LEADER),
      decided_at: '2011-05-26T02:30:00.000Z',
    },
  );
  await putPaper(db, await personId(db, 'U0MEM00001'), { link: 'https://example.org/paper.pdf', excellent: 1 });
  await bot.driver.command({ command: '/pacesetter', text: 'exempt YQ-CJ1 A03-COMMIT 学校搬迁', user_id: LEADER });
});
afterEach(() => closeChecked(bot));

async function exportFor(user: string, text = 'export') {
  await bot.driver.command({ command: '/pacesetter', text, user_id: user });
  return bot.fake.callsTo('response_url').at(-1)!.args as { text: string };
}

/** The column of a task in the matrix sheet, whose header is the task's code and title. */
function matrixColumn(matrix: unknown[][]): (code: string) => number {
  return (code) => {
    const i = matrix[0]!.findIndex((h) => String(h).startsWith(`${code} `));
    if (i < 0) throw new Error(`no column for ${code}`);
    return i;
  };
}

async function workbook(bytes: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

describe('/pacesetter export', () => {
  it('when a leader exports, then an XLSX with every sheet comes in a DM, with Chinese headers, and reads back cell by cell', async () => {
    const reply = await exportFor(LEADER);
    expect(reply.text).toBe('2011 年工作簿已通过私信发送给您。');
    expect(bot.fake.callsTo('conversations.open')[0]!.args.users).toBe(LEADER);
    expect(bot.fake.uploads).toHaveLength(1);
    const upload = bot.fake.uploads[0]!;
    expect(upload.filename).toBe('pacesetter-2011-2011-06-20.xlsx');
    expect(upload.channelId).toMatch(/^D/);
    expect(upload.initialComment).toBe('2011 年年终考核工作簿：10 个基层党组织，13 份报送，截至 2011-06-20。');

    const wb = await workbook(upload.bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '基层党组织',
      '各基层党组织任务完成情况',
      '报送',
      '论文',
      '免报',
      '延期',
      '创新项目',
      '表彰',
      '承诺情况',
      '公开承诺',
      '年终考核',
      '汇总',
      '督查',
    ]);

    const sheet = wb.getWorksheet('基层党组织')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    const branches = rows(sheet);
    expect(branches[0]).toEqual([
      '排名',
      '类别内排名',
      '组织代码',
      '基层党组织',
      '类别',
      '得分',
      '实得分',
      '应得分',
      '按时完成',
      '逾期完成',
      '逾期未报',
      '已退回',
      '免报',
    ]);
    expect(branches.slice(1, 5)).toEqual([
      [1, 1, 'YQ-ZX1', '延庆一中党总支', '中学', 100, 4, 4, 4, 0, 0, 0, 0],
      [1, 1, 'YQ-ZX2', '延庆二中党支部', '中学', 100, 4, 4, 4, 0, 0, 0, 0],
      [3, 1, 'YQ-XX1', '第一小学党支部', '小学', 87.5, 3.5, 4, 3, 1, 0, 0, 0],
      // The extension moves A08-REGISTER to June 30: not due yet, so 1 of 3.
      [4, 2, 'YQ-XX2', '第二小学党支部', '小学', 33.3, 1, 3, 1, 0, 2, 0, 0],
    ]);
    expect(branches.find((r) => r[2] === 'YQ-CJ1')).toEqual([
      5,
      1,
      'YQ-CJ1',
      '县成人学校党支部',
      '成人学校',
      0,
      0,
      3,
      0,
      0,
      3,
      0,
      1,
    ]);
    expect(branches).toHaveLength(11);

    const matrixSheet = wb.getWorksheet('各基层党组织任务完成情况')!;
    const matrix = rows(matrixSheet);
    // Each task column is headed with its code and title, and the header row wraps them in full.
    expect(matrix[0]!.slice(0, 6)).toEqual([
      '组织代码',
      '基层党组织',
      '类别',
      'A01-EVENT 开展至少一次庆祝建党90周年主题活动',
      'A01-LOVE 开展“共产党员献爱心”和走访慰问活动',
      'A01-NOMINATE 推荐“七一”表彰对象',
    ]);
    expect(matrix[0]!.filter((h) => String(h).startsWith('A09-PAPER'))).toEqual([]);
    expect(matrixSheet.getRow(1).getCell(4).alignment).toMatchObject({ wrapText: true });
    expect(matrixSheet.getRow(1).height).toBeGreaterThanOrEqual(45);
    const col = matrixColumn(matrix);
    expect(matrix[1]![0]).toBe('截止日期');
    expect(matrix[1]![col('A07-COBUILD')]).toBe('2011-05-10');
    const xx1 = matrix.find((r) => r[0] === 'YQ-XX1')!;
    expect(xx1[col('A07-COBUILD')]).toBe('逾期完成 2011-05-12');
    expect(xx1[col('A03-COMMIT')]).toBe('按时完成 2011-05-02');
    // The due date is in the row above: a cell does not repeat it, unless the branch's own differs.
    expect(xx1[col('A01-EVENT')]).toBe('还有 10 天到期');
    expect(xx1[col('A02-SELFCHECK')]).toBeNull();
    const xx2 = matrix.find((r) => r[0] === 'YQ-XX2')!;
    expect(xx2[col('A03-COMMIT')]).toBe('已逾期 20 天');
    expect(xx2[col('A08-REGISTER')]).toBe('还有 10 天到期 · 截止 2011-06-30（原定 2011-05-31，已延期）');
    expect(matrix.find((r) => r[0] === 'YQ-CJ1')![col('A03-COMMIT')]).toBe('已免报');
    expect(matrix.find((r) => r[0] === 'YQ-JG1')![col('A02-SELFCHECK')]).toBe('还有 102 天到期');
    expect(
      matrix
        .slice(2)
        .flatMap((r) => r.slice(3))
        .filter((c) => String(c).includes('截止日期')),
    ).toEqual([]);

    const reports = rows(wb.getWorksheet('报送')!);
    expect(reports[0]).toEqual([
      '组织代码',
      '基层党组织',
      '任务',
      '标题',
      '状态',
      '按时完成',
      '开展日期',
      '参加人数',
      '报送时间',
      '审核时间',
      '审核意见',
      '版本',
      '简要情况',
    ]);
    expect(reports).toHaveLength(14);
    expect(reports.find((r) => r[0] === 'YQ-XX1' && r[2] === 'A07-COBUILD')).toEqual([
      'YQ-XX1',
      '第一小学党支部',
      'A07-COBUILD',
      '利用“三八”“五一”“五四”开展党群共建活动',
      '已报送',
      '否',
      '2011-05-01',
      20,
      '2011-05-12 11:00',
      null,
      null,
      1,
      'A07-COBUILD done',
    ]);
    expect(reports.find((r) => r[0] === 'YQ-ZX2')![4]).toBe('已通过');

    expect(rows(wb.getWorksheet('论文')!)).toEqual([
      ['作者', '组织代码', '类型', '标题', '状态', '优秀', '按时完成', '报送时间', '链接'],
      [
        '李晓梅',
        'YQ-ZX1',
        '党建论文',
        '新时期学校党建工作的思考',
        '已通过',
        '是',
        '是',
        '2011-06-01 16:00',
        'https://example.org/paper.pdf',
      ],
    ]);
    expect(rows(wb.getWorksheet('免报')!)).toEqual([
      ['组织代码', '基层党组织', '任务', '理由', '批准人', '批准时间', '撤销时间'],
      ['YQ-CJ1', '县成人学校党支部', 'A03-COMMIT', '学校搬迁', '林淑珍', '2011-06-20 10:00', null],
    ]);
    expect(rows(wb.getWorksheet('延期')!)).toEqual([
      ['组织代码', '基层党组织', '任务', '申请时间', '新截止日期', '理由', '状态', '审批时间'],
      [
        'YQ-XX2',
        '第二小学党支部',
        'A08-REGISTER',
        '2011-05-25 09:00',
        '2011-06-30',
        '校长外出学习',
        '已同意',
        '2011-05-26 10:30',
      ],
    ]);
    expect((await listAudit(bot.ctx.db, { action: 'export.xlsx' })).map((a) => a.actor)).toEqual([LEADER]);
  });

  it('when the leader reads English, then the sheets and headers are in English', async () => {
    await bot.setLocale(LEADER, 'en-GB');
    expect((await exportFor(LEADER, 'export 2011')).text).toBe('The 2011 workbook is in your direct messages.');
    const wb = await workbook(bot.fake.uploads[0]!.bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Branches',
      'Tasks by branch',
      'Reports',
      'Papers',
      'Exemptions',
      'Extensions',
      'Innovation projects',
      'Commendations',
      'Commitment rates',
      'Public commitments',
      'Assessment',
      'Summary',
      'Inspections',
    ]);
    expect(rows(wb.getWorksheet('Branches')!)[3]).toEqual([
      3,
      1,
      'YQ-XX1',
      '第一小学党支部',
      'Primary school',
      87.5,
      3.5,
      4,
      3,
      1,
      0,
      0,
      0,
    ]);
    const matrix = rows(wb.getWorksheet('Tasks by branch')!);
    const col = matrixColumn(matrix);
    expect(matrix[0]![col('A03-COMMIT')]).toBe("A03-COMMIT Record members' public commitments");
    expect(matrix.find((r) => r[0] === 'YQ-XX1')![col('A03-COMMIT')]).toBe('Done on time 2011-05-02');
    expect(matrix.find((r) => r[0] === 'YQ-XX2')![col('A03-COMMIT')]).toBe('Overdue by 20 days');
    expect(matrix.find((r) => r[0] === 'YQ-XX2')![col('A08-REGISTER')]).toBe(
      'Due in 10 days · due 2011-06-30 (extended from 2011-05-31)',
    );
    expect(matrix[1]![0]).toBe('Due');
  });

  it('when there is no plan for the year asked, or the year is not a year, then the leader is told and nothing is sent', async () => {
    expect((await exportFor(LEADER, 'export 2012')).text).toBe('没有 2012 年的工作安排。');
    expect((await exportFor(LEADER, 'export soon')).text).toContain('用法：`/pacesetter export [年份]`');
    expect(bot.fake.uploads).toEqual([]);
  });

  it('when the upload fails, then the leader is told and nothing is audited as sent', async () => {
    bot.fake.failNext('files.getUploadURLExternal', { error: 'not_allowed_token_type' });
    expect((await exportFor(LEADER)).text).toContain('工作簿发送失败（not_allowed_token_type）');
    expect(await listAudit(bot.ctx.db, { action: 'export.xlsx' })).toEqual([]);
  });

  it('when a secretary asks for the export, then nothing is sent and the attempt is logged', async () => {
    expect((await exportFor(SECRETARY)).text).toBe('此操作仅限领导。本次尝试已记录。');
    expect(bot.fake.uploads).toEqual([]);
    expect(bot.fake.callsTo('conversations.open')).toEqual([]);
    expect((await listAudit(bot.ctx.db, { action: 'access.denied' })).map((d) => d.subject_type)).toEqual([
      'command./pacesetter export',
    ]);
  });
});

describe('npm run cli -- export', () => {
  async function cli(...argv: string[]) {
    return cliAt('2011-06-20T10:00:00+08:00', ...argv);
  }
  async function cliAt(now: string, ...argv: string[]) {
    return runCliLines(argv, { DATABASE_URL: bot.ctx.config.databaseUrl }, now);
  }

  it('when a plan is exported years after its end, then overdue days are counted to the plan’s last day, not to the export', async () => {
    // A task due on the plan's last day, exported after it: overdue, but by no day of the plan.
    await bot.ctx.db.updateTable('obligations').set({ due: '2011-12-31' }).where('code', '=', 'A05-GREEN').execute();
    const file = path.join(tempDir(), 'late.xlsx');
    const { code, out } = await cliAt(
      '2026-12-01T10:00:00+08:00',
      'export',
      '--format',
      'xlsx',
      '--out',
      file,
      '--year',
      '2011',
    );
    expect(code).toBe(0);
    expect(out[0]).toBe('Exported plan 2011 as of 2026-12-01: 10 branches, 13 reports, 1 papers.');
    const matrix = rows((await workbook(fs.readFileSync(file))).getWorksheet('各基层党组织任务完成情况')!);
    const col = matrixColumn(matrix);
    const xx2 = matrix.find((r) => r[0] === 'YQ-XX2')!;
    // 2011-05-31 to 2011-12-31: 214 days; 2011-06-30 to 2011-12-31: 184.
    expect(xx2[col('A03-COMMIT')]).toBe('已逾期 214 天');
    expect(xx2[col('A08-REGISTER')]).toBe('已逾期 184 天 · 截止 2011-06-30（原定 2011-05-31，已延期）');
    expect(matrix.find((r) => r[0] === 'YQ-XX1')![col('A01-EVENT')]).toBe('已逾期 184 天');
    expect(xx2[col('A05-GREEN')]).toBe('逾期未报');
    // No cell counts past the plan's 267 days (2011-04-08 to 2011-12-31).
    const counted = matrix
      .slice(2)
      .flatMap((r) => r.slice(3))
      .map((c) => /已逾期 (\d+) 天/.exec(String(c))?.[1])
      .filter((d) => d !== undefined)
      .map(Number);
    expect(counted.length).toBeGreaterThan(20);
    expect(Math.max(...counted)).toBeLessThanOrEqual(267);
  });

  it('when asked for XLSX, then the same workbook is written to the file', async () => {
    const file = path.join(tempDir(), 'out', 'assessment.xlsx');
    const { code, out } = await cli('export', '--format', 'xlsx', '--out', file, '--year', '2011');
    expect(code).toBe(0);
    expect(out[0]).toBe('Exported plan 2011 as of 2011-06-20: 10 branches, 13 reports, 1 papers.');
    const wb = await workbook(fs.readFileSync(file));
    expect(rows(wb.getWorksheet('基层党组织')!)[3]).toEqual([
      3,
      1,
      'YQ-XX1',
      '第一小学党支部',
      '小学',
      87.5,
      3.5,
      4,
      3,
      1,
      0,
      0,
      0,
    ]);
  });

  it('when asked for CSV, then each table is a UTF-8 CSV file that quotes what needs quoting', async () => {
    const file = path.join(tempDir(), 'assessment.csv');
    const { code, out } = await cli('export', '--format', 'csv', '--out', file, '--lang', 'en');
    expect(code).toBe(0);
    expect(out.slice(1).map((l) => path.basename(l.trim()))).toEqual([
      'assessment.csv',
      'assessment-matrix.csv',
      'assessment-reports.csv',
      'assessment-papers.csv',
      'assessment-exemptions.csv',
      'assessment-extensions.csv',
      'assessment-projects.csv',
      'assessment-commendations.csv',
      'assessment-commitment-rates.csv',
      'assessment-commitments.csv',
      'assessment-assessment.csv',
      'assessment-summary.csv',
      'assessment-inspections.csv',
    ]);
    const lines = fs.readFileSync(file, 'utf8').split('\r\n');
    expect(lines[0]).toBe(
      '\uFEFFRank,Rank in category,Branch code,Branch,Category,Score,Points earned,Points possible,On time,Late,Overdue,Returned,Exempted',
    );
    expect(lines[3]).toBe('3,1,YQ-XX1,第一小学党支部,Primary school,87.5,3.5,4,3,1,0,0,0');
    const reports = fs.readFileSync(file.replace('.csv', '-reports.csv'), 'utf8');
    expect(reports).toContain(',"Union and youth-league events around Mar 8, May 1 and May 4",Submitted,no,');
  });

  it('when the format is unknown, then it says so and writes nothing', async () => {
    const file = path.join(tempDir(), 'x.pdf');
    const { code, err } = await cli('export', '--format', 'pdf', '--out', file);
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('expected --format xlsx or --format csv');
    expect(fs.existsSync(file)).toBe(false);
  });
});
