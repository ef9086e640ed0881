import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit.js';
import { excellentItemsSince } from '../../db/queries/papers.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { lastView, selectOptions } from '../helpers/views.js';

const CADRE = 'U0MEM00001'; // 李晓梅, school-level cadre: owes a party paper, typical case or success story
const SECRETARY_CADRE = 'U0SEC00001'; // 王建国, secretary and school-level cadre
const DIVISION = 'U0SEC00009'; // 马骏, secretary of the office, division-level leader: owes a research report
const PLAIN_MEMBER = 'U0MEM00002'; // 赵志强, rank member: owes nothing
const LEADER = 'U0LDR00002'; // 林淑珍, leader
const LEADER_2 = 'U0LDR00001'; // 黄卫东, leader and member

let bot: TestBot;
let viewSeq = 0;
beforeEach(async () => {
  bot = await startBot();
});
afterEach(() => closeChecked(bot));

function paperState(v: {
  kind?: string;
  title?: string;
  abstract?: string;
  link?: string;
  files?: Record<string, unknown>[];
  coauthors?: string[];
}) {
  return {
    kind: { value: { type: 'static_select', selected_option: v.kind === undefined ? null : { value: v.kind } } },
    title: { value: { type: 'plain_text_input', value: v.title ?? null } },
    abstract: { value: { type: 'plain_text_input', value: v.abstract ?? null } },
    link: { value: { type: 'url_text_input', value: v.link ?? null } },
    file: { value: { type: 'file_input', files: v.files ?? [] } },
    coauthors: { value: { type: 'multi_users_select', selected_users: v.coauthors ?? [] } },
  };
}

const GOOD = { title: '以党建促进校风建设', abstract: '总结我校三年来的做法。', link: 'https://example.org/paper.pdf' };

async function openPaper(user: string) {
  const res = await bot.driver.command({ command: '/paper', user_id: user });
  expect(res.status).toBe(200);
  return lastView(bot.fake);
}

async function submitPaper(
  user: string,
  state: ReturnType<typeof paperState>,
  opts: { viewId?: string; metadata?: string } = {},
) {
  const view = opts.metadata === undefined ? await openPaper(user) : null;
  return bot.driver.viewSubmission({
    user_id: user,
    view: {
      id: opts.viewId ?? `VPAPER${++viewSeq}`,
      callback_id: 'paper_submit',
      private_metadata: opts.metadata ?? view!.private_metadata,
      state: { values: state },
    },
  });
}

/** A review submitted from a modal showing `version` (by default the paper as it is now). */
async function review(user: string, paperId: number, decision: string | null, comment?: string, version?: number) {
  const v =
    version ??
    (await bot.ctx.db.selectFrom('papers').select('version').where('id', '=', paperId).executeTakeFirst())?.version;
  return bot.driver.viewSubmission({
    user_id: user,
    view: {
      callback_id: 'paper_review_submit',
      private_metadata: JSON.stringify({ paperId, v }),
      state: {
        values: {
          decision: {
            value: { type: 'radio_buttons', selected_option: decision === null ? null : { value: decision } },
          },
          comment: { value: { type: 'plain_text_input', value: comment ?? null } },
        },
      },
    },
  });
}

async function papers() {
  return bot.ctx.db.selectFrom('papers').selectAll().orderBy('id').execute();
}

function lastDmTo(user: string) {
  return bot.fake
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === user)
    .at(-1);
}

describe('/paper: submitting', () => {
  it('when a school cadre types /paper, then the modal says what they owe and marks the kinds that count', async () => {
    const view = await openPaper(CADRE);
    expect(view.callback_id).toBe('paper_submit');
    expect(view.blocks[0]!.text!.text).toContain('A09-PAPER');
    expect(view.blocks[0]!.text!.text).toContain('您尚需完成');
    const options = selectOptions(view, 'kind');
    expect(options.map((o) => o.value)).toEqual(['research_report', 'party_paper', 'typical_case', 'success_story']);
    expect(options.find((o) => o.value === 'party_paper')!.text.text).toContain('计入您的任务');
    expect(options.find((o) => o.value === 'research_report')!.text.text).not.toContain('计入');
  });

  it('when a division-level leader types /paper, then the modal says a research report is owed', async () => {
    const view = await openPaper(DIVISION);
    expect(view.blocks[0]!.text!.text).toContain('A09-RESEARCH');
    expect(selectOptions(view, 'kind').find((o) => o.value === 'research_report')!.text.text).toContain('计入');
  });

  it.each([
    ['party_paper', CADRE],
    ['typical_case', SECRETARY_CADRE],
    ['success_story', 'U0MEM00003'],
    ['research_report', DIVISION],
  ])(
    'when a %s is submitted by someone who owes it, then it is stored on time, audited, confirmed and counts',
    async (kind, user) => {
      const res = await submitPaper(user, paperState({ kind, ...GOOD }));
      expect(res.status).toBe(200);
      expect(res.body).toBe('');
      const rows = await papers();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        kind,
        title: GOOD.title,
        link: GOOD.link,
        status: 'submitted',
        on_time: 1,
        excellent: 0,
      });
      expect(await listAudit(bot.ctx.db, { action: 'paper.submit' })).toHaveLength(1);
      expect(String(lastDmTo(user)!.args.text)).toContain('按时');
      await bot.driver.command({ command: '/paper', text: 'status', user_id: user });
      const status = bot.fake.callsTo('response_url').at(-1)!;
      expect(status.args.response_type).toBe('ephemeral');
      expect(JSON.stringify(status.args.blocks)).toContain('按时完成');
    },
  );

  it('when the paper is a Slack file with co-authors, then the file id, permalink and co-authors are kept (not the author)', async () => {
    await submitPaper(
      CADRE,
      paperState({
        kind: 'typical_case',
        title: '典型案例',
        abstract: '摘要',
        files: [
          {
            id: 'F0ABC123',
            name: 'case.docx',
            permalink: 'https://fake-workspace.slack.com/files/U0MEM00001/F0ABC123/case.docx',
          },
        ],
        coauthors: ['U0MEM00002', CADRE],
      }),
    );
    const [row] = await papers();
    expect(row).toMatchObject({
      file_id: 'F0ABC123',
      file_permalink: 'https://fake-workspace.slack.com/files/U0MEM00001/F0ABC123/case.docx',
      link: null,
    });
    expect(JSON.parse(row!.coauthors)).toEqual(['U0MEM00002']);
  });

  it('when Slack delivers the same submission twice, then one paper is stored and one confirmation sent', async () => {
    const view = await openPaper(CADRE);
    const send = () =>
      bot.driver.viewSubmission(
        {
          user_id: CADRE,
          view: {
            id: 'VSAME0001',
            callback_id: 'paper_submit',
            private_metadata: view.private_metadata,
            state: { values: paperState({ kind: 'party_paper', ...GOOD }) },
          },
        },
        { retryNum: 1 },
      );
    await send();
    await send();
    expect(await papers()).toHaveLength(1);
    expect(bot.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === CADRE)).toHaveLength(1);
  });

  it('when every field is bad, then each is marked inline and nothing is stored', async () => {
    const res = await submitPaper(
      CADRE,
      paperState({ title: '   ', abstract: 'x'.repeat(2001), link: 'ftp://nope', coauthors: ['not-a-user'] }),
    );
    const body = res.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors).sort()).toEqual(['abstract', 'coauthors', 'kind', 'link', 'title']);
    expect(body.errors.abstract).toBe('最多 2000 个字符。');
    expect(await papers()).toEqual([]);
    expect(await listAudit(bot.ctx.db, { action: 'paper.submit' })).toEqual([]);
  });

  it('when neither a link nor a file is given, then the link field asks for one', async () => {
    const res = await submitPaper(CADRE, paperState({ kind: 'party_paper', title: 't', abstract: 'a' }));
    expect((res.json() as { errors: Record<string, string> }).errors).toEqual({ link: '请填写链接或上传文件。' });
  });

  it('when a member whose rank owes nothing submits, then the paper is accepted as voluntary', async () => {
    const view = await openPaper(PLAIN_MEMBER);
    expect(view.blocks[0]!.text!.text).toContain('未要求您的职级');
    await submitPaper(PLAIN_MEMBER, paperState({ kind: 'success_story', ...GOOD }));
    expect(await papers()).toHaveLength(1);
    expect(String(lastDmTo(PLAIN_MEMBER)!.args.text)).toContain('非您职级的必报任务');
  });

  it('when a paper comes after the due date, then it counts as late', async () => {
    bot.clock.set('2011-12-02T10:00:00+08:00');
    await submitPaper(CADRE, paperState({ kind: 'party_paper', ...GOOD }));
    expect((await papers())[0]!.on_time).toBe(0);
    expect(String(lastDmTo(CADRE)!.args.text)).toContain('逾期');
  });

  it('when the cadre uses Slack in English, then the modal and the errors are in English', async () => {
    await bot.setLocale(CADRE, 'en-US');
    const view = await openPaper(CADRE);
    expect(view.title.text).toBe('Submit a paper');
    expect(view.blocks[0]!.text!.text).toContain('You still owe');
    const res = await submitPaper(CADRE, paperState({ kind: 'party_paper', title: 't', abstract: 'a' }));
    expect((res.json() as { errors: Record<string, string> }).errors.link).toBe('Give a link or attach a file.');
  });

  it('when someone not in the roster types /paper, then they are told whom to ask and no modal opens', async () => {
    await bot.setLocale('U0STRANGER', 'en-US');
    await bot.driver.command({ command: '/paper', user_id: 'U0STRANGER' });
    expect(bot.fake.callsTo('views.open')).toEqual([]);
    expect(String(bot.fake.callsTo('response_url').at(-1)!.args.text)).toContain('campaign office');
  });

  it('when /paper gets text it does not know, then it answers with its help', async () => {
    await bot.driver.command({ command: '/paper', text: 'banana', user_id: CADRE });
    expect(bot.fake.callsTo('views.open')).toEqual([]);
    expect(String(bot.fake.callsTo('response_url').at(-1)!.args.text)).toContain('/paper status');
  });
});

describe('/paper: review by leaders', () => {
  async function submitted(user = CADRE, kind = 'party_paper'): Promise<number> {
    await submitPaper(user, paperState({ kind, ...GOOD }));
    return (await papers()).at(-1)!.id;
  }

  it('when a leader opens a paper from the Home tab, then the review modal shows it', async () => {
    const id = await submitted();
    await bot.driver.blockAction({
      user_id: LEADER,
      actions: [{ action_id: 'paper_review_open', value: String(id) }],
      container: { type: 'view', view_id: 'VHOME' },
    });
    const view = lastView(bot.fake);
    expect(view.callback_id).toBe('paper_review_submit');
    expect(JSON.stringify(view.blocks)).toContain(GOOD.title);
    expect(JSON.parse(view.private_metadata)).toEqual({ paperId: id, v: 1 });
  });

  it('when a leader accepts a paper, then it is accepted, audited and the author is told', async () => {
    const id = await submitted();
    const res = await review(LEADER, id, 'accept');
    expect(res.body).toBe('');
    expect((await papers())[0]).toMatchObject({ status: 'accepted', excellent: 0, review_comment: null });
    expect(await listAudit(bot.ctx.db, { action: 'paper.review.accept' })).toHaveLength(1);
    expect(String(lastDmTo(CADRE)!.args.text)).toContain('已由林淑珍审核通过');
  });

  it('when a leader marks a paper excellent, then the digest query features it', async () => {
    const id = await submitted();
    await review(LEADER, id, 'excellent', '值得推广');
    expect((await papers())[0]).toMatchObject({ status: 'accepted', excellent: 1, review_comment: '值得推广' });
    expect(String(lastDmTo(CADRE)!.args.text)).toContain('优秀');
    const featured = await excellentItemsSince(bot.ctx.db, 1, '2011-06-01T00:00:00.000Z');
    expect(featured.map((f) => [f.title, f.authorName])).toEqual([[GOOD.title, '李晓梅']]);
    expect(await excellentItemsSince(bot.ctx.db, 1, '2011-07-01T00:00:00.000Z')).toEqual([]);
  });

  it('when a leader returns a paper with a comment, then the author gets a Revise button, revises, and it waits for review again', async () => {
    const id = await submitted();
    await review(LEADER, id, 'return', '请补充数据');
    expect((await papers())[0]).toMatchObject({ status: 'returned', review_comment: '请补充数据' });
    const dm = lastDmTo(CADRE)!;
    expect(JSON.stringify(dm.args.blocks)).toContain('请补充数据');
    expect(JSON.stringify(dm.args.blocks)).toContain('paper_revise');

    // Returned: does not count as done.
    await bot.driver.command({ command: '/paper', text: 'status', user_id: CADRE });
    expect(JSON.stringify(bot.fake.callsTo('response_url').at(-1)!.args.blocks)).toContain('已退回');

    await bot.driver.blockAction({ user_id: CADRE, actions: [{ action_id: 'paper_revise', value: String(id) }] });
    const view = lastView(bot.fake);
    expect(view.title.text).toBe('修改论文');
    expect(JSON.stringify(view.blocks)).toContain('请补充数据');
    const res = await bot.driver.viewSubmission({
      user_id: CADRE,
      view: {
        id: 'VREVISE1',
        callback_id: 'paper_submit',
        private_metadata: view.private_metadata,
        state: { values: paperState({ kind: 'party_paper', ...GOOD, title: '修改稿' }) },
      },
    });
    expect(res.body).toBe('');
    const rows = await papers();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ title: '修改稿', status: 'submitted', review_comment: '请补充数据' });
    expect(await listAudit(bot.ctx.db, { action: 'paper.revise' })).toHaveLength(1);
    await review(LEADER, id, 'accept');
    expect((await papers())[0]!.status).toBe('accepted');
  });

  it('when the author revises a paper after the leader opened it, then the review is refused as stale and the new version waits', async () => {
    const id = await submitted();
    await bot.driver.blockAction({ user_id: LEADER, actions: [{ action_id: 'paper_review_open', value: String(id) }] });
    const opened = lastView(bot.fake);
    expect(JSON.parse(opened.private_metadata)).toEqual({ paperId: id, v: 1 });

    await bot.driver.blockAction({ user_id: CADRE, actions: [{ action_id: 'paper_revise', value: String(id) }] });
    await submitPaper(CADRE, paperState({ kind: 'party_paper', ...GOOD, title: '第二稿' }), {
      metadata: lastView(bot.fake).private_metadata,
    });
    expect((await papers())[0]).toMatchObject({ title: '第二稿', status: 'submitted', version: 2 });

    const res = await bot.driver.viewSubmission({
      user_id: LEADER,
      view: {
        callback_id: 'paper_review_submit',
        private_metadata: opened.private_metadata,
        state: {
          values: {
            decision: { value: { type: 'radio_buttons', selected_option: { value: 'excellent' } } },
            comment: { value: { type: 'plain_text_input', value: null } },
          },
        },
      },
    });
    expect((res.json() as { errors: Record<string, string> }).errors.decision).toBe(
      '您打开后作者又修改了该论文。请关闭本窗口，重新打开后审核新版本。',
    );
    expect((await papers())[0]).toMatchObject({ status: 'submitted', excellent: 0, reviewed_by: null });
    expect(await listAudit(bot.ctx.db, { action: 'paper.review.excellent' })).toEqual([]);

    // Reopened, the new version is reviewed.
    await bot.driver.blockAction({ user_id: LEADER, actions: [{ action_id: 'paper_review_open', value: String(id) }] });
    expect(JSON.parse(lastView(bot.fake).private_metadata)).toEqual({ paperId: id, v: 2 });
    await review(LEADER, id, 'accept', undefined, 2);
    expect((await papers())[0]!.status).toBe('accepted');
  });

  it('when Slack delivers the same paper review twice, then one change, one audit record, one DM', async () => {
    const id = await submitted();
    const dms = () => bot.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === CADRE).length;
    const before = dms();
    await review(LEADER, id, 'return', '请补充数据', 1);
    const again = await review(LEADER, id, 'return', '请补充数据', 1);
    expect(again.body).toBe('');
    expect(await listAudit(bot.ctx.db, { action: 'paper.review.return' })).toHaveLength(1);
    expect(dms() - before).toBe(1);
  });

  it('when a return has no comment, then the comment is asked for and nothing changes', async () => {
    const id = await submitted();
    const res = await review(LEADER, id, 'return');
    expect((res.json() as { errors: Record<string, string> }).errors).toEqual({
      comment: '退回时请说明原因，便于作者修改。',
    });
    const none = await review(LEADER, id, null);
    expect(Object.keys((none.json() as { errors: Record<string, string> }).errors)).toEqual(['decision']);
    expect((await papers())[0]!.status).toBe('submitted');
  });

  it('when two leaders review the same paper, then the first decision stands', async () => {
    const id = await submitted();
    await review(LEADER, id, 'accept');
    const second = await review(LEADER_2, id, 'return', 'no');
    expect((second.json() as { errors: Record<string, string> }).errors.decision).toContain('已审核');
    expect((await papers())[0]!.status).toBe('accepted');
  });

  it('when a leader tries to review their own paper, then it is refused and logged', async () => {
    const id = await submitted(LEADER_2, 'research_report');
    const res = await review(LEADER_2, id, 'excellent');
    expect((res.json() as { errors: Record<string, string> }).errors.decision).toContain('不能审核自己的论文');
    expect((await papers())[0]!.status).toBe('submitted');
    expect((await listAudit(bot.ctx.db, { action: 'access.denied' })).map((a) => a.actor)).toEqual([LEADER_2]);
  });

  it('when a leader is a co-author of the paper, then they cannot open or submit its review, are told who may, and it is logged', async () => {
    await submitPaper(CADRE, paperState({ kind: 'party_paper', ...GOOD, coauthors: [LEADER_2] }));
    const id = (await papers())[0]!.id;
    await bot.driver.blockAction({
      user_id: LEADER_2,
      actions: [{ action_id: 'paper_review_open', value: String(id) }],
    });
    const refusal = '您是该论文的合作者，不能审核。请由既非作者、也非合作者的领导审核。';
    const shown = lastView(bot.fake);
    expect(shown.callback_id).not.toBe('paper_review_submit');
    expect(JSON.stringify(shown.blocks)).toContain(refusal);
    const res = await review(LEADER_2, id, 'excellent');
    expect((res.json() as { errors: Record<string, string> }).errors.decision).toBe(refusal);
    expect((await papers())[0]).toMatchObject({ status: 'submitted', excellent: 0 });
    expect((await listAudit(bot.ctx.db, { action: 'access.denied' })).map((a) => a.subject_type)).toEqual([
      'action.paper_review_open',
      'view.paper_review_submit',
    ]);
    await review(LEADER, id, 'accept');
    expect((await papers())[0]!.status).toBe('accepted');
  });

  it('when an accepted paper is revised with an old button, then nothing changes', async () => {
    const id = await submitted();
    await review(LEADER, id, 'accept');
    await bot.driver.blockAction({ user_id: CADRE, actions: [{ action_id: 'paper_revise', value: String(id) }] });
    expect(JSON.stringify(lastView(bot.fake).blocks)).toContain('不能再修改');
    const res = await submitPaper(CADRE, paperState({ kind: 'party_paper', ...GOOD, title: 'sneaky' }), {
      metadata: JSON.stringify({ planId: 1, paperId: id }),
    });
    expect((res.json() as { response_action: string }).response_action).toBe('errors');
    expect((await papers())[0]!.title).toBe(GOOD.title);
  });
});
