import { afterEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit.js';
import { approvedExtensions } from '../../db/queries/extensions.js';
import { activeSnoozes } from '../../db/queries/snoozes.js';
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
  obligationId,
  PEOPLE,
  postsTo,
  reportsRows,
  shownView,
  submitShownReport,
  submitView,
} from '../helpers/reporting.js';

const SEC = PEOPLE.secretaryZx1;

let bot: TestBot;
async function start(now = '2011-06-20T10:00:00+08:00') {
  bot = await startBot({ now });
}
afterEach(() => closeChecked(bot));

async function prompt(code = 'A01-EVENT', branch: string | null = 'YQ-ZX1') {
  return JSON.stringify({ o: await obligationId(bot, code), b: branch === null ? null : await branchId(bot, branch) });
}

async function extensions() {
  return bot.ctx.db.selectFrom('extensions').selectAll().orderBy('id').execute();
}

function extensionValues(newDue: string | null, reason: string | null) {
  return {
    new_due: { value: { type: 'datepicker', selected_date: newDue } },
    reason: { value: { type: 'plain_text_input', value: reason } },
  };
}

async function askExtension(newDue: string | null, reason: string | null, user: string = SEC, viewId?: string) {
  await click(bot, user, 'prompt_extension', await prompt());
  const view = shownView(bot);
  expect(view.callback_id).toBe('extension_request');
  return {
    view,
    res: await submitView(
      bot,
      user,
      { ...view, ...(viewId ? { id: viewId } : {}) },
      extensionValues(newDue, reason),
      'extension_request',
    ),
  };
}

describe('Report now', () => {
  it('when pressed, then the report modal opens with the task chosen', async () => {
    await start();
    await click(bot, SEC, 'prompt_report_now', await prompt('A06-RISKS'));
    const view = shownView(bot);
    expect(view.callback_id).toBe('report_submit');
    expect((blockOf(view, 'obligation')!.element!.initial_option as { value: string }).value).toBe(
      String(await obligationId(bot, 'A06-RISKS')),
    );
  });

  it('when pressed on a paper reminder, then the person is pointed to /paper', async () => {
    await start();
    await click(bot, PEOPLE.member, 'prompt_report_now', await prompt('A09-PAPER', null));
    expect(String(lastReply(bot).text)).toContain('/paper');
    expect(bot.fake.callsTo('views.open')).toEqual([]);
  });

  it('when the value names another branch, a task of another category or is not JSON, then nothing opens and it is logged', async () => {
    await start();
    await click(bot, SEC, 'prompt_report_now', await prompt('A01-EVENT', 'YQ-ZX2'));
    await click(bot, SEC, 'prompt_report_now', await prompt('A02-SELFCHECK'));
    await click(bot, SEC, 'prompt_report_now', '{"o":1,"b":1,"x":"extra"}');
    await click(bot, SEC, 'prompt_report_now', 'not json');
    await click(bot, PEOPLE.secretaryZx2, 'prompt_report_now', await prompt('A09-RESEARCH', null)); // a paper of another rank
    expect(bot.fake.callsTo('views.open')).toEqual([]);
    expect(String(lastReply(bot).text)).toContain('无权');
    expect(await denials(bot)).toHaveLength(5);
  });
});

describe('Remind me tomorrow', () => {
  it('when pressed on a Friday before a holiday, then no reminder until the next working day, and pressing again changes nothing', async () => {
    // 2011-06-03 is a Friday; 06-04/05 the weekend and 06-06 the Dragon Boat Festival.
    await start('2011-06-03T18:00:00+08:00');
    const me = (
      await bot.ctx.db.selectFrom('people').select('id').where('slack_user_id', '=', SEC).executeTakeFirstOrThrow()
    ).id;
    await click(bot, SEC, 'prompt_snooze', await prompt());
    expect(String(lastReply(bot).text)).toContain('2011-06-07');
    expect(lastReply(bot)).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    await click(bot, SEC, 'prompt_snooze', await prompt());
    expect(await bot.ctx.db.selectFrom('snoozes').selectAll().execute()).toHaveLength(1);
    expect(await listAudit(bot.ctx.db, { action: 'reminder.snooze' })).toHaveLength(1);
    expect(await activeSnoozes(bot.ctx.db, me, '2011-06-06')).toEqual([
      {
        personId: me,
        obligationId: await obligationId(bot, 'A01-EVENT'),
        branchId: await branchId(bot, 'YQ-ZX1'),
        until: '2011-06-07',
      },
    ]);
    expect(await activeSnoozes(bot.ctx.db, me, '2011-06-07')).toEqual([]);
  });

  it('when a cadre snoozes their paper, then it is stored without a branch, in their language', async () => {
    await start('2011-06-24T09:00:00+08:00');
    await bot.setLocale(PEOPLE.member, 'en-US');
    await click(bot, PEOPLE.member, 'prompt_snooze', await prompt('A09-PAPER', null));
    expect(String(lastReply(bot).text)).toContain('before 2011-06-27');
    expect(await bot.ctx.db.selectFrom('snoozes').select(['branch_id', 'until_date']).execute()).toEqual([
      { branch_id: null, until_date: '2011-06-27' },
    ]);
  });

  it('when someone snoozes a task of a branch that is not theirs, then nothing is stored and it is logged', async () => {
    await start();
    await click(bot, PEOPLE.member, 'prompt_snooze', await prompt());
    expect(await bot.ctx.db.selectFrom('snoozes').selectAll().execute()).toEqual([]);
    expect(await denials(bot)).toHaveLength(1);
  });
});

describe('Ask for an extension', () => {
  it("when a field is bad, then each error is inline, in the person's language, and nothing is stored", async () => {
    await start();
    const { view, res } = await askExtension(null, '   ');
    expect(errorsOf(res)).toEqual({ new_due: '请选择新的日期。', reason: '请填写理由。' });
    expect(allText(view)).toContain('截止 2011-06-30');
    expect(errorsOf(await submitView(bot, SEC, view, extensionValues('2011-06-30', 'x'), 'extension_request'))).toEqual(
      { new_due: '新的日期须晚于当前截止日期 2011-06-30。' },
    );
    expect(errorsOf(await submitView(bot, SEC, view, extensionValues('2012-01-05', 'x'), 'extension_request'))).toEqual(
      { new_due: '新的日期不能晚于工作安排结束日 2011-12-31。' },
    );
    expect(
      errorsOf(await submitView(bot, SEC, view, extensionValues('2011-02-30', 'x'.repeat(501)), 'extension_request')),
    ).toEqual({ new_due: '请选择新的日期。', reason: '最多 500 个字符。' });
    await bot.setLocale(SEC, 'en-US');
    expect(errorsOf(await submitView(bot, SEC, view, extensionValues('2011-06-01', 'x'), 'extension_request'))).toEqual(
      { new_due: 'The new date must be after the current due date, 2011-06-30.' },
    );
    expect(await extensions()).toEqual([]);
  });

  it("when a leader approves, then the branch's due date moves, shown with the original, and the secretary is told", async () => {
    await start();
    const { res } = await askExtension('2011-07-15', '七一活动与期末考试冲突');
    expect(res.body).toBe('');
    const [ext] = await extensions();
    expect(ext).toMatchObject({ status: 'pending', new_due: '2011-07-15', reason: '七一活动与期末考试冲突' });
    expect(String(postsTo(bot, SEC).at(-1)!.args.text)).toContain('2011-07-15');
    const leaderDm = postsTo(bot, PEOPLE.leader2).at(-1)!;
    expect(String(leaderDm.args.text)).toContain('七一活动与期末考试冲突');
    expect(buttonsOf(leaderDm)).toEqual([
      { action_id: 'extension_approve', value: String(ext!.id) },
      { action_id: 'extension_refuse', value: String(ext!.id) },
    ]);

    await click(bot, PEOPLE.leader2, 'extension_approve', String(ext!.id), {
      message: { ts: '1308535200.000100', text: String(leaderDm.args.text) },
    });
    expect(lastReply(bot)).toMatchObject({ replace_original: true });
    expect(allText({ blocks: lastReply(bot).blocks as unknown[] })).toContain('林淑珍：已同意');
    expect((await extensions())[0]).toMatchObject({ status: 'approved' });
    expect(String(postsTo(bot, SEC).at(-1)!.args.text)).toContain('截止 2011-07-15（原定 2011-06-30，已延期）');
    const map = await approvedExtensions(bot.ctx.db, 1, [await branchId(bot, 'YQ-ZX1')]);
    expect(map.get(await branchId(bot, 'YQ-ZX1'))?.get(await obligationId(bot, 'A01-EVENT'))).toBe('2011-07-15');

    // The other leader's buttons still work, and change nothing.
    await click(bot, PEOPLE.leader1, 'extension_refuse', String(ext!.id));
    expect(String(lastReply(bot).text)).toBe('该申请已审批：林淑珍，已同意。');
    expect((await extensions())[0]!.status).toBe('approved');
    expect(await listAudit(bot.ctx.db, { subjectType: 'extension' })).toHaveLength(2); // the request and one decision

    // A report after the original date but before the new one is on time.
    bot.clock.set('2011-07-05T10:00:00+08:00');
    await command(bot, SEC, 'A01-EVENT');
    expect(allText(shownView(bot))).toContain('A01-EVENT: 截止 2011-07-15（原定 2011-06-30，已延期）');
    await submitShownReport(bot, SEC, {
      obligationId: await obligationId(bot, 'A01-EVENT'),
      heldOn: '2011-07-01',
      participants: '40',
      summary: '七一主题活动',
    });
    expect((await reportsRows(bot))[0]!.on_time).toBe(1);
  });

  it('when a leader refuses, then the due date stays and the secretary is told', async () => {
    await start();
    await askExtension('2011-07-15', '人手不足');
    const [ext] = await extensions();
    await click(bot, PEOPLE.leader1, 'extension_refuse', String(ext!.id));
    expect((await extensions())[0]).toMatchObject({ status: 'refused' });
    expect(String(postsTo(bot, SEC).at(-1)!.args.text)).toContain('仍截止 2011-06-30');
    expect((await approvedExtensions(bot.ctx.db, 1)).size).toBe(0);
  });

  it('when a request is already waiting, then a second one is refused inline; the same delivery twice stores one', async () => {
    await start();
    await askExtension('2011-07-15', '第一次', SEC, 'V0EXTREQ01');
    const retry = await submitView(
      bot,
      SEC,
      { id: 'V0EXTREQ01', private_metadata: shownView(bot).private_metadata },
      extensionValues('2011-07-15', '第一次'),
      'extension_request',
    );
    expect(retry.body).toBe('');
    const { res } = await askExtension('2011-07-20', '第二次');
    expect(errorsOf(res).new_due).toBe('该任务已有一项申请在等待领导审批。');
    expect(await extensions()).toHaveLength(1);
    expect(postsTo(bot, PEOPLE.leader1)).toHaveLength(1);
  });

  it('when a secretary or a member presses Approve, then nothing is decided and it is logged', async () => {
    await start();
    await askExtension('2011-07-15', '理由');
    const [ext] = await extensions();
    await click(bot, SEC, 'extension_approve', String(ext!.id));
    expect(String(lastReply(bot).text)).toBe('只有领导可以审批延期申请。');
    await click(bot, PEOPLE.member, 'extension_refuse', String(ext!.id));
    await click(bot, PEOPLE.admin, 'extension_approve', String(ext!.id));
    expect((await extensions())[0]!.status).toBe('pending');
    expect((await denials(bot)).map((d) => d.actor)).toEqual([SEC, PEOPLE.member, PEOPLE.admin]);
  });

  it('when the request is forged for another branch, then nothing is stored and it is logged', async () => {
    await start();
    await click(bot, SEC, 'prompt_extension', await prompt('A01-EVENT', 'YQ-ZX2'));
    expect(bot.fake.callsTo('views.open')).toEqual([]);
    const forged = {
      private_metadata: JSON.stringify({ o: await obligationId(bot, 'A01-EVENT'), b: await branchId(bot, 'YQ-ZX2') }),
    };
    const res = await submitView(bot, SEC, forged, extensionValues('2011-07-15', 'x'), 'extension_request');
    expect(errorsOf(res).new_due).toContain('无权');
    expect(await extensions()).toEqual([]);
    expect(await denials(bot)).toHaveLength(2);
  });

  it('when the task is already reported, then no extension is offered', async () => {
    await start();
    await command(bot, SEC, 'A01-EVENT');
    await submitShownReport(bot, SEC, {
      obligationId: await obligationId(bot, 'A01-EVENT'),
      heldOn: '2011-06-18',
      participants: '4',
      summary: 'done',
    });
    await click(bot, SEC, 'prompt_extension', await prompt());
    expect(String(lastReply(bot).text)).toBe('该任务已报送，无需延期。');
    expect(bot.fake.callsTo('views.open')).toHaveLength(1);
  });
});

describe('no leader decides their own extension', () => {
  async function makeSecretary(user: string, branch: string) {
    const person = await bot.ctx.db
      .selectFrom('people')
      .select('id')
      .where('slack_user_id', '=', user)
      .executeTakeFirstOrThrow();
    await bot.ctx.db
      .insertInto('branch_secretaries')
      .values({ branch_id: await branchId(bot, branch), person_id: person.id })
      .execute();
  }

  it('when a leader is also a secretary of the branch, then they cannot approve its extension, are told who may, and it is logged; another leader decides', async () => {
    await start();
    await makeSecretary(PEOPLE.leader1, 'YQ-ZX1');
    await askExtension('2011-07-15', '期末考试');
    const [ext] = await extensions();
    await click(bot, PEOPLE.leader1, 'extension_approve', String(ext!.id));
    expect(String(lastReply(bot).text)).toBe(
      '您是延庆一中党总支的书记，不能审批本组织的延期申请。请由不担任延庆一中党总支书记的领导审批。',
    );
    expect((await extensions())[0]!.status).toBe('pending');
    expect(await listAudit(bot.ctx.db, { action: 'extension.approve' })).toEqual([]);
    expect((await denials(bot)).map((d) => [d.actor, d.subject_type])).toEqual([
      [PEOPLE.leader1, 'action.extension_approve'],
    ]);
    await click(bot, PEOPLE.leader2, 'extension_approve', String(ext!.id));
    expect((await extensions())[0]!.status).toBe('approved');
  });

  it('when a leader who is a secretary asked for the extension themselves, then they cannot decide it either way', async () => {
    await start();
    await makeSecretary(PEOPLE.leader1, 'YQ-ZX1');
    await askExtension('2011-07-15', '期末考试', PEOPLE.leader1);
    const [ext] = await extensions();
    await bot.setLocale(PEOPLE.leader1, 'en-US');
    await click(bot, PEOPLE.leader1, 'extension_refuse', String(ext!.id));
    expect(String(lastReply(bot).text)).toBe(
      'You asked for this extension, so you cannot decide it. It is decided by a leader who did not ask for it and is not a secretary of 延庆一中党总支.',
    );
    expect((await extensions())[0]!.status).toBe('pending');
    expect(await denials(bot)).toHaveLength(1);
  });
});
