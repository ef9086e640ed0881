import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import {
  allText,
  blockOf,
  branchId,
  buttonsOf,
  click,
  command,
  denials,
  errorsOf,
  lastReply,
  LEADERS,
  obligationId,
  optionLabels,
  PEOPLE,
  postsTo,
  reportsRows,
  reportValues,
  type ReportValues,
  shownView,
  slackFile,
  submitShownReport,
  submitView,
} from '../helpers/reporting.js';

const SEC = PEOPLE.secretaryZx1;
const TWO = PEOPLE.secretaryTwo;

let bot: TestBot;
beforeEach(async () => {
  bot = await startBot();
});
afterEach(() => closeChecked(bot));

/** Chooses a branch in the picker modal's menu, as Slack sends the choice (the label is what the menu showed). */
async function pickBranch(
  user: string,
  picker: { id: string; hash: string; private_metadata: string },
  branch: number,
  label: string,
) {
  await bot.driver.blockAction({
    user_id: user,
    view: { id: picker.id, hash: picker.hash, callback_id: 'report_pick', private_metadata: picker.private_metadata },
    actions: [
      {
        action_id: 'report_branch_pick',
        type: 'static_select',
        selected_option: { text: { type: 'plain_text', text: label }, value: String(branch) },
      },
    ],
  });
}

async function reportOnce(user = SEC, code = 'A01-EVENT', extra: Parameters<typeof reportValues>[0] = {}) {
  await command(bot, user, code);
  const view = shownView(bot);
  const res = await submitView(
    bot,
    user,
    view,
    reportValues({
      obligationId: await obligationId(bot, code),
      heldOn: '2011-06-18',
      participants: '42',
      summary: '“党在我心中”演讲比赛',
      ...extra,
    }),
  );
  expect(res.body).toBe('');
  return view;
}

describe('a secretary of one branch', () => {
  it('when they type /report, then the tasks of their branch open at once, with no branch menu', async () => {
    await command(bot, SEC);
    const view = shownView(bot);
    expect(view.callback_id).toBe('report_submit');
    expect(blockOf(view, 'branch')).toBeUndefined();
    expect(JSON.parse(view.private_metadata)).toMatchObject({ branchId: await branchId(bot, 'YQ-ZX1') });
  });

  it('when a task is already reported, then the list shows it as reported', async () => {
    await reportOnce();
    await command(bot, SEC);
    const labels = optionLabels(shownView(bot));
    expect(labels.find((l) => l.startsWith('A01-EVENT'))).toContain('（已报送）');
    expect(labels.find((l) => l.startsWith('A06-RISKS'))).not.toContain('已报送');
  });
});

describe('a secretary of two branches', () => {
  it('when they type /report, then they first choose the branch, and the tasks of that branch follow', async () => {
    await command(bot, TWO);
    const picker = shownView(bot);
    expect(picker.callback_id).toBe('report_pick');
    expect(picker.submit).toBeUndefined();
    const menu = blockOf(picker, 'branch')!.elements![0] as {
      action_id: string;
      options: { text: { text: string }; value: string }[];
    };
    expect(menu.action_id).toBe('report_branch_pick');
    expect(menu.options.map((o) => o.text.text)).toEqual(['YQ-XX2 第二小学党支部', 'YQ-XX3 永宁小学党支部']);

    const xx3 = await branchId(bot, 'YQ-XX3');
    await pickBranch(TWO, picker, xx3, 'YQ-XX3');
    const form = shownView(bot);
    expect(bot.fake.callsTo('views.update')).toHaveLength(1);
    expect(form.id).toBe(picker.id);
    expect(form.callback_id).toBe('report_submit');
    expect(JSON.parse(form.private_metadata)).toMatchObject({ branchId: xx3 });
    expect(allText(form)).toContain('永宁小学党支部');
    const codes = optionLabels(form).map((l) => l.split(' ')[0]);
    expect(codes).toContain('A10-ETHICS'); // schools
    expect(codes).not.toContain('A02-SELFCHECK'); // the office only

    await submitView(
      bot,
      TWO,
      form,
      reportValues({
        obligationId: await obligationId(bot, 'A06-RISKS'),
        heldOn: '2011-06-17',
        participants: '12',
        summary: '廉政风险点排查',
      }),
    );
    const rows = await reportsRows(bot);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.branch_id).toBe(xx3);
  });

  it('when they name the branch and the task, then the modal opens on that task of that branch', async () => {
    await command(bot, TWO, 'yq-xx2 a06-risks');
    const view = shownView(bot);
    expect(JSON.parse(view.private_metadata)).toMatchObject({ branchId: await branchId(bot, 'YQ-XX2') });
    expect((blockOf(view, 'obligation')!.element!.initial_option as { value: string }).value).toBe(
      String(await obligationId(bot, 'A06-RISKS')),
    );
    // The menu stays, to switch branch.
    expect(blockOf(view, 'branch')).toBeDefined();
  });

  it('when they name a branch that is not theirs, then no modal opens and the attempt is logged', async () => {
    await command(bot, TWO, 'YQ-ZX1');
    expect(bot.fake.callsTo('views.open')).toEqual([]);
    expect(String(lastReply(bot).text)).toContain('YQ-ZX1');
    expect((await denials(bot)).map((d) => d.actor)).toEqual([TWO]);
  });

  it('when the branch menu is forged to another branch, then the modal says no, nothing is shown of that branch, and it is logged', async () => {
    await command(bot, TWO);
    const picker = shownView(bot);
    const zx1 = await branchId(bot, 'YQ-ZX1');
    await pickBranch(TWO, picker, zx1, 'x');
    const view = shownView(bot);
    expect(allText(view)).toContain('无权');
    expect(allText(view)).not.toContain('延庆一中');
    expect(await denials(bot)).toHaveLength(1);
  });

  it('when they use Slack in English, then the branch step is in English', async () => {
    await bot.setLocale(TWO, 'en-US');
    await command(bot, TWO);
    const picker = shownView(bot);
    expect(picker.title.text).toBe('Report completion');
    expect(allText(picker)).toContain('several branches');
  });
});

describe('evidence', () => {
  it('when several links and a Slack file are given, then each is kept, the file with its id and permalink', async () => {
    const file = slackFile('F0PHOTO001', '演讲比赛.jpg');
    await reportOnce(SEC, 'A01-EVENT', {
      evidence: 'https://example.org/a\n\n  https://example.org/b  \nhttps://example.org/a',
      files: [file],
    });
    const row = (await reportsRows(bot))[0]!;
    expect(JSON.parse(row.evidence)).toEqual([
      { type: 'link', url: 'https://example.org/a' },
      { type: 'link', url: 'https://example.org/b' },
      // Links are stored normalised, a Slack file's permalink too.
      { type: 'file', fileId: 'F0PHOTO001', permalink: new URL(file.permalink).href, name: '演讲比赛.jpg' },
    ]);
  });

  it('when one line is not a link, then the error names the line and nothing is stored', async () => {
    await command(bot, SEC);
    const res = await submitShownReport(bot, SEC, {
      obligationId: await obligationId(bot, 'A01-EVENT'),
      heldOn: '2011-06-18',
      participants: '3',
      summary: 'ok',
      evidence: 'https://example.org/a\nwww.example.org',
    });
    expect(errorsOf(res).evidence).toBe('第 2 行不是以 http:// 或 https:// 开头的链接。');
    expect(await reportsRows(bot)).toEqual([]);
  });

  it('when more than ten links, too many files or a malformed file come in, then the fields are marked and nothing is stored', async () => {
    await bot.setLocale(SEC, 'en-US');
    await command(bot, SEC);
    const view = shownView(bot);
    const links = Array.from({ length: 11 }, (_, i) => `https://example.org/${i}`).join('\n');
    const files = Array.from({ length: 6 }, (_, i) => slackFile(`F0FILE000${i}`, `${i}.jpg`));
    const event = await obligationId(bot, 'A01-EVENT');
    const submitEvidence = async (evidence: Pick<ReportValues, 'evidence' | 'files'>) =>
      submitView(
        bot,
        SEC,
        view,
        reportValues({ obligationId: event, heldOn: '2011-06-18', participants: '3', summary: 'ok', ...evidence }),
      );
    const res = await submitEvidence({ evidence: links, files });
    expect(errorsOf(res)).toEqual({ evidence: 'At most 10 links.', files: 'At most 5 files, shared from Slack.' });
    const bad = await submitEvidence({ files: [{ id: '../../etc' }] });
    expect(Object.keys(errorsOf(bad))).toEqual(['files']);
    expect(await reportsRows(bot)).toEqual([]);
  });
  it('when the summary is too long, the date is before the plan year or the metadata is not ours, then each is refused and nothing is stored', async () => {
    await command(bot, SEC);
    const view = shownView(bot);
    const event = await obligationId(bot, 'A01-EVENT');
    const res = await submitView(
      bot,
      SEC,
      view,
      reportValues({ obligationId: event, heldOn: '2010-12-31', participants: '100001', summary: '字'.repeat(2001) }),
    );
    expect(errorsOf(res)).toEqual({
      held_on: '日期须在工作安排期间内（2011-01-01 至 2011-06-20）。',
      participants: '请输入 0 到 100000 之间的整数。',
      summary: '最多 2000 个字符。',
    });
    const garbled = await submitView(
      bot,
      SEC,
      { ...view, private_metadata: '{not json' },
      reportValues({ obligationId: event, heldOn: '2011-06-18', participants: '1', summary: 'x' }),
    );
    expect(errorsOf(garbled).obligation).toContain('无权');
    const extra = await submitView(
      bot,
      SEC,
      { ...view, private_metadata: JSON.stringify({ ...JSON.parse(view.private_metadata), admin: true }) },
      reportValues({ obligationId: event, heldOn: '2011-06-18', participants: '1', summary: 'x' }),
    );
    expect(errorsOf(extra).obligation).toContain('无权');
    expect(await reportsRows(bot)).toEqual([]);
    expect(await denials(bot)).toHaveLength(2);
  });
});

describe('edit, withdraw and replace', () => {
  it('when the author presses Edit on the confirmation, then the modal is filled in, and submitting replaces the report and keeps the history', async () => {
    const file = slackFile('F0PHOTO001', 'photo.jpg');
    await reportOnce(SEC, 'A01-EVENT', { evidence: 'https://example.org/a', files: [file] });
    const confirmation = postsTo(bot, SEC).at(-1)!;
    const [edit, withdraw] = buttonsOf(confirmation);
    expect(edit).toEqual({ action_id: 'report_edit', value: String((await reportsRows(bot))[0]!.id) });
    expect(withdraw!.action_id).toBe('report_withdraw');

    await click(bot, SEC, 'report_edit', edit!.value);
    const view = shownView(bot);
    expect((blockOf(view, 'obligation')!.element!.initial_option as { value: string }).value).toBe(
      String(await obligationId(bot, 'A01-EVENT')),
    );
    expect(blockOf(view, 'summary')!.element!.initial_value).toBe('“党在我心中”演讲比赛');
    expect(blockOf(view, 'participants')!.element!.initial_value).toBe('42');
    expect(blockOf(view, 'held_on')!.element!.initial_date).toBe('2011-06-18');
    expect(blockOf(view, 'evidence')!.element!.initial_value).toBe('https://example.org/a');
    expect((blockOf(view, 'keep_files')!.element!.initial_options as { value: string }[]).map((o) => o.value)).toEqual([
      'F0PHOTO001',
    ]);

    const leaderDmsBefore = LEADERS.map((l) => postsTo(bot, l).length);
    // The file is unticked; a file id the report never had is ignored.
    await submitView(
      bot,
      SEC,
      view,
      reportValues({
        obligationId: await obligationId(bot, 'A01-EVENT'),
        heldOn: '2011-06-19',
        participants: '45',
        summary: '修改后的摘要',
        evidence: 'https://example.org/b',
        keepFiles: ['F0SOMEONEELSE'],
      }),
    );
    const rows = await reportsRows(bot);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ version: 2, participants: 45, summary: '修改后的摘要', status: 'submitted' });
    expect(JSON.parse(rows[0]!.evidence)).toEqual([{ type: 'link', url: 'https://example.org/b' }]);
    const history = await listAudit(bot.ctx.db, { action: 'report.replace' });
    expect(history).toHaveLength(1);
    expect((history[0]!.details.previous as { summary: string }).summary).toBe('“党在我心中”演讲比赛');
    expect(String(postsTo(bot, SEC).at(-1)!.args.text)).toContain('替换');
    // An edit while the report waits for review does not tell the leaders again.
    expect(LEADERS.map((l) => postsTo(bot, l).length)).toEqual(leaderDmsBefore);
  });

  it('when the author withdraws, then the task is open again, the message says so, and a second press changes nothing', async () => {
    await reportOnce();
    const id = String((await reportsRows(bot))[0]!.id);
    await click(bot, SEC, 'report_withdraw', id);
    expect(lastReply(bot)).toMatchObject({ replace_original: true });
    expect(String(lastReply(bot).text)).toContain('已撤回');
    expect((await reportsRows(bot))[0]).toMatchObject({ status: 'withdrawn', version: 2 });
    expect(await listAudit(bot.ctx.db, { action: 'report.withdraw' })).toHaveLength(1);

    await command(bot, SEC);
    expect(optionLabels(shownView(bot)).find((l) => l.startsWith('A01-EVENT'))).not.toContain('已报送');

    await click(bot, SEC, 'report_withdraw', id);
    expect(String(lastReply(bot).text)).toBe('该报送已撤回。');
    expect(await listAudit(bot.ctx.db, { action: 'report.withdraw' })).toHaveLength(1);
  });

  it('when a withdrawn task is reported again, then it is a report again and the leaders hear of it', async () => {
    await reportOnce();
    await click(bot, SEC, 'report_withdraw', String((await reportsRows(bot))[0]!.id));
    await reportOnce();
    expect((await reportsRows(bot))[0]).toMatchObject({ status: 'submitted', version: 3 });
    expect(postsTo(bot, PEOPLE.leader1)).toHaveLength(2);
  });

  it('when a second report of the same task comes from /report, then it replaces the first', async () => {
    await reportOnce();
    await reportOnce(SEC, 'A01-EVENT', { summary: '第二次报送' });
    const rows = await reportsRows(bot);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ summary: '第二次报送', version: 2 });
    expect(await listAudit(bot.ctx.db, { action: 'report.submit' })).toHaveLength(1);
    expect(await listAudit(bot.ctx.db, { action: 'report.replace' })).toHaveLength(1);
  });

  it("when someone presses Edit or Withdraw with another branch's report id, then nothing changes and it is logged", async () => {
    await reportOnce();
    const id = String((await reportsRows(bot))[0]!.id);
    for (const [user, actionId] of [
      [PEOPLE.secretaryZx2, 'report_withdraw'],
      [PEOPLE.secretaryZx2, 'report_edit'],
      [PEOPLE.member, 'report_withdraw'],
      [PEOPLE.leader1, 'report_edit'],
    ] as const) {
      await click(bot, user, actionId, id);
      expect(String(lastReply(bot).text)).toContain('无权');
    }
    await click(bot, SEC, 'report_withdraw', '1 OR 1=1');
    expect(bot.fake.callsTo('views.open')).toHaveLength(1); // only the secretary's own /report
    expect((await reportsRows(bot))[0]).toMatchObject({ status: 'submitted', version: 1 });
    expect((await denials(bot)).map((d) => d.actor)).toEqual([
      PEOPLE.secretaryZx2,
      PEOPLE.secretaryZx2,
      PEOPLE.member,
      PEOPLE.leader1,
      SEC,
    ]);
  });

  it('when a branch has two secretaries, then only the author changes a report, until the author leaves the branch', async () => {
    const zx1 = await branchId(bot, 'YQ-ZX1');
    const other = (
      await bot.ctx.db
        .selectFrom('people')
        .select('id')
        .where('slack_user_id', '=', PEOPLE.secretaryZx2)
        .executeTakeFirstOrThrow()
    ).id;
    const author = (
      await bot.ctx.db.selectFrom('people').select('id').where('slack_user_id', '=', SEC).executeTakeFirstOrThrow()
    ).id;
    await bot.ctx.db.insertInto('branch_secretaries').values({ branch_id: zx1, person_id: other }).execute();
    await reportOnce();
    const id = String((await reportsRows(bot))[0]!.id);

    await click(bot, PEOPLE.secretaryZx2, 'report_withdraw', id);
    expect(String(lastReply(bot).text)).toBe('该报送由 王建国 提交，只有其本人可以修改或撤回。');
    await command(bot, PEOPLE.secretaryZx2, 'YQ-ZX1');
    const res = await submitShownReport(bot, PEOPLE.secretaryZx2, {
      obligationId: await obligationId(bot, 'A01-EVENT'),
      heldOn: '2011-06-18',
      participants: '1',
      summary: 'mine',
    });
    expect(errorsOf(res).obligation).toBe('该任务由 王建国 报送，只有其本人可以修改。');
    expect((await reportsRows(bot))[0]).toMatchObject({ version: 1, status: 'submitted' });

    // The author hands the branch over: the remaining secretary takes the report over.
    await bot.ctx.db
      .deleteFrom('branch_secretaries')
      .where('branch_id', '=', zx1)
      .where('person_id', '=', author)
      .execute();
    await click(bot, PEOPLE.secretaryZx2, 'report_withdraw', id);
    expect((await reportsRows(bot))[0]!.status).toBe('withdrawn');
  });

  it('when the secretary reads English, then the confirmation and its buttons are in English', async () => {
    await bot.setLocale(SEC, 'en-US');
    await reportOnce();
    const dm = postsTo(bot, SEC).at(-1)!;
    expect(String(dm.args.text)).toMatch(/^Reported \*A01-EVENT\* .* \(on time\)\. Thank you!$/);
    expect(allText({ blocks: dm.args.blocks as unknown[] })).toContain('"Withdraw"');
  });

  it('when Slack delivers the same submission twice, then one report, one audit record and one confirmation', async () => {
    await command(bot, SEC);
    const view = { ...shownView(bot), id: 'V0RETRIED01' };
    const values = reportValues({
      obligationId: await obligationId(bot, 'A01-EVENT'),
      heldOn: '2011-06-18',
      participants: '42',
      summary: 'x',
    });
    await submitView(bot, SEC, view, values);
    const again = await submitView(bot, SEC, view, values);
    expect(again.body).toBe('');
    expect(await reportsRows(bot)).toHaveLength(1);
    expect((await reportsRows(bot))[0]!.version).toBe(1);
    expect(await listAudit(bot.ctx.db, { subjectType: 'report' })).toHaveLength(1);
    expect(postsTo(bot, SEC)).toHaveLength(1);
    expect(postsTo(bot, PEOPLE.leader1)).toHaveLength(1);
  });
});

describe('command text', () => {
  it('when the text is help or nonsense, then the usage is shown and no modal opens', async () => {
    await command(bot, SEC, 'help');
    expect(String(lastReply(bot).text)).toContain('用法');
    await command(bot, SEC, 'one two three');
    expect(String(lastReply(bot).text)).toContain('用法');
    await command(bot, SEC, '<script>');
    expect(String(lastReply(bot).text)).toContain('用法');
    expect(bot.fake.callsTo('views.open')).toEqual([]);
  });

  it('when the text names an unknown task, then the person is told and the list opens', async () => {
    await bot.setLocale(SEC, 'en-US');
    await command(bot, SEC, 'A99-NOPE');
    expect(String(lastReply(bot).text)).toContain('There is no task `A99-NOPE`');
    expect(shownView(bot).callback_id).toBe('report_submit');
  });
});
