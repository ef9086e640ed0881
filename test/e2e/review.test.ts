import { afterEach, describe, expect, it } from 'vitest';
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
  obligationId,
  optionLabels,
  PEOPLE,
  postsTo,
  reportsRows,
  reportValues,
  shownView,
  submitShownReport,
  submitView,
} from '../helpers/reporting.js';

const SEC = PEOPLE.secretaryZx1;
const LEADER = PEOPLE.leader2;

let bot: TestBot;
async function start(env: Record<string, string> = {}) {
  bot = await startBot({ env });
}
afterEach(() => closeChecked(bot));

async function report(summary = '红歌合唱比赛') {
  await command(bot, SEC, 'A01-EVENT');
  await submitShownReport(bot, SEC, {
    obligationId: await obligationId(bot, 'A01-EVENT'),
    heldOn: '2011-06-18',
    participants: '60',
    summary,
    evidence: 'https://example.org/photos',
  });
  return (await reportsRows(bot))[0]!;
}

async function openReview(user: string, reportId: number) {
  await click(bot, user, 'report_review_open', String(reportId));
  return shownView(bot);
}

function reviewValues(decision: 'accept' | 'return' | null, comment: string | null = null) {
  return {
    decision: { value: { type: 'radio_buttons', selected_option: decision ? { value: decision } : null } },
    comment: { value: { type: 'plain_text_input', value: comment } },
  };
}

async function review(
  user: string,
  view: { id?: string; private_metadata: string },
  decision: 'accept' | 'return' | null,
  comment: string | null = null,
) {
  return submitView(bot, user, { ...view, callback_id: 'report_review' }, reviewValues(decision, comment));
}

describe('leaders hear of a report', () => {
  it('when a report arrives, then each leader gets one DM with a Review button, in their language', async () => {
    await start();
    await bot.setLocale(PEOPLE.leader1, 'en-US');
    const row = await report();
    const [l1, l2] = [postsTo(bot, PEOPLE.leader1), postsTo(bot, PEOPLE.leader2)];
    expect(l1).toHaveLength(1);
    expect(l2).toHaveLength(1);
    expect(String(l1[0]!.args.text)).toBe(
      "*延庆一中党总支* reported *A01-EVENT* Hold at least one event for the Party's 90th anniversary (on time), by 王建国.",
    );
    expect(String(l2[0]!.args.text)).toContain('报送了 *A01-EVENT*');
    expect(buttonsOf(l2[0])).toEqual([{ action_id: 'report_review_open', value: String(row.id) }]);
  });

  it('when LEADERS_CHANNEL is set, then one post goes to that channel and no DM', async () => {
    await start({ LEADERS_CHANNEL: 'C0LEADERS' });
    await report();
    expect(postsTo(bot, 'C0LEADERS')).toHaveLength(1);
    expect(postsTo(bot, PEOPLE.leader1)).toEqual([]);
    expect(postsTo(bot, PEOPLE.leader2)).toEqual([]);
  });
});

describe('a leader reviews', () => {
  it('when a leader accepts, then the report is accepted, the secretary is told, and it can no longer be changed', async () => {
    await start();
    const row = await report();
    const view = await openReview(LEADER, row.id);
    expect(view.callback_id).toBe('report_review');
    expect(allText(view)).toContain('红歌合唱比赛');
    expect(allText(view)).toContain('https://example.org/photos');
    expect(allText(view)).toContain('王建国');
    const res = await review(LEADER, view, 'accept', '很好');
    expect(res.body).toBe('');
    expect((await reportsRows(bot))[0]).toMatchObject({ status: 'accepted', review_comment: '很好' });
    expect(await listAudit(bot.ctx.db, { action: 'report.accept' })).toHaveLength(1);
    const told = postsTo(bot, SEC).at(-1)!;
    expect(String(told.args.text)).toContain('林淑珍 审核通过');
    expect(allText({ blocks: told.args.blocks as unknown[] })).toContain('很好');
    expect(buttonsOf(told)).toEqual([]);

    // The secretary cannot edit, withdraw or replace it any more.
    await click(bot, SEC, 'report_withdraw', String(row.id));
    expect(String(lastReply(bot).text)).toContain('领导已审核');
    await click(bot, SEC, 'report_edit', String(row.id));
    expect(String(lastReply(bot).text)).toContain('领导已审核');
    await command(bot, SEC);
    const list = shownView(bot);
    expect(optionLabels(list).some((l) => l.startsWith('A01-EVENT'))).toBe(false);
    expect(allText(list)).toContain('A01-EVENT');
    const forced = await submitView(
      bot,
      SEC,
      list,
      reportValues({
        obligationId: await obligationId(bot, 'A01-EVENT'),
        heldOn: '2011-06-18',
        participants: '1',
        summary: 'overwrite',
      }),
    );
    expect(errorsOf(forced).obligation).toBe('该报送已被领导审核通过，不能再修改。');
    expect((await reportsRows(bot))[0]).toMatchObject({ status: 'accepted', summary: '红歌合唱比赛', version: 1 });
  });

  it('when a leader returns it, then a comment is required, the secretary gets a Revise button, and the task is not done until resubmitted', async () => {
    await start();
    const row = await report();
    const view = await openReview(LEADER, row.id);
    expect(errorsOf(await review(LEADER, view, 'return', '   '))).toEqual({
      comment: '请填写审核意见，让书记知道需要修改什么。',
    });
    expect(errorsOf(await review(LEADER, view, null))).toEqual({ decision: '请选择通过或退回。' });
    expect(errorsOf(await review(LEADER, view, 'return', 'x'.repeat(1001)))).toEqual({ comment: '最多 1000 个字符。' });
    expect((await reportsRows(bot))[0]!.status).toBe('submitted');

    await review(LEADER, view, 'return', '请补充照片');
    expect((await reportsRows(bot))[0]).toMatchObject({ status: 'returned', review_comment: '请补充照片' });
    const told = postsTo(bot, SEC).at(-1)!;
    expect(String(told.args.text)).toContain('退回');
    expect(buttonsOf(told)).toEqual([{ action_id: 'report_revise', value: String(row.id) }]);

    await command(bot, SEC);
    expect(optionLabels(shownView(bot)).find((l) => l.startsWith('A01-EVENT'))).toContain('（已退回）');

    await click(bot, SEC, 'report_revise', String(row.id));
    const revise = shownView(bot);
    expect(allText(revise)).toContain('请补充照片');
    expect(blockOf(revise, 'summary')!.element!.initial_value).toBe('红歌合唱比赛');
    const leaderDms = postsTo(bot, LEADER).length;
    await submitView(
      bot,
      SEC,
      revise,
      reportValues({
        obligationId: await obligationId(bot, 'A01-EVENT'),
        heldOn: '2011-06-18',
        participants: '60',
        summary: '红歌合唱比赛（附照片）',
        evidence: 'https://example.org/photos2',
      }),
    );
    expect((await reportsRows(bot))[0]).toMatchObject({ status: 'submitted', version: 2, reviewed_by: null });
    expect(postsTo(bot, LEADER)).toHaveLength(leaderDms + 1);
    expect(String(postsTo(bot, LEADER).at(-1)!.args.text)).toContain('重新报送');

    const again = await openReview(LEADER, row.id);
    await review(LEADER, again, 'accept');
    expect((await reportsRows(bot))[0]!.status).toBe('accepted');
  });

  it('when the secretary edits after the leader opened it, then the leader is asked to reopen, and nothing is reviewed', async () => {
    await start();
    const row = await report();
    const view = await openReview(LEADER, row.id);
    await report('改过的摘要');
    expect(errorsOf(await review(LEADER, view, 'accept')).decision).toContain('重新打开');
    expect((await reportsRows(bot))[0]!.status).toBe('submitted');
  });

  it('when two leaders review the same report, then the second is told who was first and nothing changes', async () => {
    await start();
    const row = await report();
    const first = await openReview(PEOPLE.leader1, row.id);
    const second = await openReview(PEOPLE.leader2, row.id);
    await review(PEOPLE.leader1, first, 'accept');
    expect(errorsOf(await review(PEOPLE.leader2, second, 'return', 'no')).decision).toBe(
      '该报送已由 黄卫东 审核（已通过）。',
    );
    expect((await reportsRows(bot))[0]!.status).toBe('accepted');
    // Opened again, it shows the decision instead of the form.
    const reopened = await openReview(PEOPLE.leader2, row.id);
    expect(reopened.callback_id).toBeUndefined();
    expect(allText(reopened)).toContain('黄卫东 已审核');
  });

  it('when Slack delivers the same review twice, then one change, one audit record, one DM', async () => {
    await start();
    const row = await report();
    const view = { ...(await openReview(LEADER, row.id)), id: 'V0REVIEW01' };
    await review(LEADER, view, 'return', '请补充');
    const dms = postsTo(bot, SEC).length;
    const again = await review(LEADER, view, 'return', '请补充');
    expect(again.body).toBe('');
    expect(await listAudit(bot.ctx.db, { action: 'report.return' })).toHaveLength(1);
    expect(postsTo(bot, SEC)).toHaveLength(dms);
  });

  it('when a withdrawn report is opened, then the leader sees it was withdrawn and cannot review it', async () => {
    await start();
    const row = await report();
    const view = await openReview(LEADER, row.id);
    await click(bot, SEC, 'report_withdraw', String(row.id));
    expect(errorsOf(await review(LEADER, view, 'accept')).decision).toBe('书记已撤回该报送，无需审核。');
    expect(allText(await openReview(LEADER, row.id))).toContain('书记已撤回');
  });

  it('when the leader uses Slack in English, then the review modal and its errors are in English', async () => {
    await start();
    await bot.setLocale(LEADER, 'en-US');
    const row = await report();
    const view = await openReview(LEADER, row.id);
    expect(view.title.text).toBe('Review report');
    expect(errorsOf(await review(LEADER, view, 'return'))).toEqual({
      comment: 'Write a comment so that the secretary knows what to change.',
    });
  });
});

describe('only leaders review', () => {
  it('when a secretary, a member or an admin presses Review, then they are refused, no form opens, and it is logged', async () => {
    await start();
    const row = await report();
    for (const user of [SEC, PEOPLE.member, PEOPLE.admin]) {
      const view = await openReview(user, row.id);
      expect(view.callback_id).toBeUndefined();
      expect(allText(view)).toContain('只有领导');
    }
    expect((await denials(bot)).map((d) => d.actor)).toEqual([SEC, PEOPLE.member, PEOPLE.admin]);
  });

  it('when a secretary forges a review submission, then nothing changes and it is logged', async () => {
    await start();
    const row = await report();
    const forged = { private_metadata: JSON.stringify({ r: row.id, v: 1 }) };
    expect(errorsOf(await review(SEC, forged, 'accept')).decision).toBe('只有领导可以审核报送。');
    expect(errorsOf(await review(LEADER, { private_metadata: '{"r":"1; drop table"}' }, 'accept')).decision).toContain(
      '无权',
    );
    expect((await reportsRows(bot))[0]!.status).toBe('submitted');
    expect((await denials(bot)).map((d) => d.actor)).toEqual([SEC, LEADER]);
  });

  it('when a leader presses Review with an id that does not exist or is malformed, then they are told and nothing breaks', async () => {
    await start();
    expect(allText(await openReview(LEADER, 9999))).toContain('已不存在');
    await click(bot, LEADER, 'report_review_open', 'abc');
    expect(String(lastReply(bot).text)).toContain('无权');
  });
});

describe('no leader reviews their own report', () => {
  async function setSecretary(user: string, branch: string, on: boolean) {
    const person = await bot.ctx.db
      .selectFrom('people')
      .select('id')
      .where('slack_user_id', '=', user)
      .executeTakeFirstOrThrow();
    const branch_id = await branchId(bot, branch);
    if (on) await bot.ctx.db.insertInto('branch_secretaries').values({ branch_id, person_id: person.id }).execute();
    else
      await bot.ctx.db
        .deleteFrom('branch_secretaries')
        .where('branch_id', '=', branch_id)
        .where('person_id', '=', person.id)
        .execute();
  }

  it('when a leader is also a secretary of the branch, then they cannot open or submit a review of its report, are told who may, and it is logged; another leader reviews it', async () => {
    await start();
    await setSecretary(PEOPLE.leader1, 'YQ-ZX1', true);
    const row = await report();
    const refusal = '您是延庆一中党总支的书记，不能审核本组织的报送。请由不担任延庆一中党总支书记的领导审核。';
    const shown = await openReview(PEOPLE.leader1, row.id);
    expect(shown.callback_id).toBeUndefined();
    expect(allText(shown)).toContain(refusal);
    const forged = { private_metadata: JSON.stringify({ r: row.id, v: row.version }) };
    expect(errorsOf(await review(PEOPLE.leader1, forged, 'accept')).decision).toBe(refusal);
    expect((await reportsRows(bot))[0]!.status).toBe('submitted');
    expect(await listAudit(bot.ctx.db, { action: 'report.accept' })).toEqual([]);
    expect((await denials(bot)).map((d) => [d.actor, d.subject_type])).toEqual([
      [PEOPLE.leader1, 'action.report_review_open'],
      [PEOPLE.leader1, 'view.report_review'],
    ]);

    await bot.setLocale(PEOPLE.leader1, 'en-US');
    expect(errorsOf(await review(PEOPLE.leader1, forged, 'accept')).decision).toBe(
      'You are a secretary of 延庆一中党总支, so you cannot review its reports. They are reviewed by a leader who is not a secretary of 延庆一中党总支.',
    );

    await review(LEADER, await openReview(LEADER, row.id), 'accept');
    expect((await reportsRows(bot))[0]!.status).toBe('accepted');
  });

  it('when a leader submitted a report as secretary and then handed the branch over, then they still cannot review it', async () => {
    await start();
    await setSecretary(PEOPLE.leader1, 'YQ-ZX1', true);
    await command(bot, PEOPLE.leader1, 'A01-EVENT');
    await submitShownReport(bot, PEOPLE.leader1, {
      obligationId: await obligationId(bot, 'A01-EVENT'),
      heldOn: '2011-06-18',
      participants: '60',
      summary: '红歌合唱比赛',
    });
    const row = (await reportsRows(bot))[0]!;
    await setSecretary(PEOPLE.leader1, 'YQ-ZX1', false);
    const refusal = '该报送由您提交，您不能审核。请由未提交该报送、且不担任延庆一中党总支书记的领导审核。';
    expect(allText(await openReview(PEOPLE.leader1, row.id))).toContain(refusal);
    const forged = { private_metadata: JSON.stringify({ r: row.id, v: row.version }) };
    expect(errorsOf(await review(PEOPLE.leader1, forged, 'return', '自己退回')).decision).toBe(refusal);
    expect((await reportsRows(bot))[0]!.status).toBe('submitted');
    expect(await denials(bot)).toHaveLength(2);
  });
});
