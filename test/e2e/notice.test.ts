import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { listAudit } from '../../db/queries/audit.js';
import { claimNotice, listNotices, NOTICE_CLAIM_TTL_MS } from '../../db/queries/notices.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { ADMIN, LEADER, putReport, SECRETARY, seedJune } from '../helpers/leaders.js';

let bot: TestBot;
beforeEach(async () => {
  bot = await startBot();
  await seedJune(bot.ctx.db);
});
afterEach(() => closeChecked(bot));

interface ModalBlock {
  type: string;
  block_id?: string;
  element?: { type: string; initial_value?: string; initial_conversation?: string };
  elements?: { text: string }[];
}
interface OpenedModal {
  id: string;
  hash: string;
  callback_id: string;
  private_metadata: string;
  blocks: ModalBlock[];
}

/** The modal as Slack holds it after the bot's last views.open or views.update. */
function currentModal(): OpenedModal {
  const call = [...bot.fake.calls]
    .reverse()
    .find((c) => c.ok && (c.method === 'views.open' || c.method === 'views.update'));
  if (!call) throw new Error('no modal');
  const view = (call.response as { view: OpenedModal }).view;
  return view;
}

/** The notice text a state carries. */
function text(values: ReturnType<typeof state>): string {
  const body = Object.entries(values).find(([block]) => block.startsWith('body-'))![1] as { value: { value: string } };
  return body.value.value;
}

function bodyBlock(view: OpenedModal): ModalBlock {
  return view.blocks.find((b) => b.block_id?.startsWith('body-'))!;
}

function state(
  view: OpenedModal,
  v: { days?: string | null; channel?: string | null; title?: string | null; body?: string | null },
) {
  return {
    days: { value: { type: 'number_input', value: v.days === undefined ? '7' : v.days } },
    channel: {
      value: { type: 'conversations_select', selected_conversation: v.channel === undefined ? 'C0NOTICES' : v.channel },
    },
    title: { value: { type: 'plain_text_input', value: v.title === undefined ? '关于任务逾期情况的通报' : v.title } },
    [bodyBlock(view).block_id!]: {
      value: {
        type: 'plain_text_input',
        value: v.body === undefined ? bodyBlock(view).element!.initial_value! : v.body,
      },
    },
  };
}

/** `/pacesetter notice` (or `text`) in the leaders' channel. */
async function openNotice(user = LEADER, text = 'notice') {
  const res = await bot.driver.command({
    command: '/pacesetter',
    text,
    user_id: user,
    channel_id: 'C0LEADERS',
  });
  expect(res.status).toBe(200);
}

async function submit(view: OpenedModal, values: ReturnType<typeof state>, user = LEADER) {
  return bot.driver.viewSubmission({
    user_id: user,
    view: { id: view.id, callback_id: 'notice_submit', private_metadata: view.private_metadata, state: { values } },
  });
}

describe('/pacesetter notice', () => {
  it('when a leader asks for a notice, then a modal drafts it in the workspace language, naming the branches overdue by 7 days or more', async () => {
    await bot.setLocale(LEADER, 'en-US');
    await openNotice();
    const view = currentModal();
    expect(view.callback_id).toBe('notice_submit');
    expect(view.blocks.find((b) => b.block_id === 'days')!.element!.initial_value).toBe('7');
    expect(view.blocks.find((b) => b.block_id === 'channel')!.element!.initial_conversation).toBe('C0LEADERS');
    expect(view.blocks.find((b) => b.type === 'context')!.elements![0]!.text).toBe(
      '7 branches have tasks overdue by 7 days or more. Changing the days? Press “Redraft for these days”: your edits to the text are replaced.',
    );
    const body = bodyBlock(view).element!.initial_value!;
    expect(body.split('\n')[0]).toBe('截至 2011-06-20，以下 7 个基层党组织有任务逾期 7 天以上，请各位书记抓紧报送：');
    expect(body).toContain('• 第二小学党支部（YQ-XX2）：A03-COMMIT（逾期 20 天）、A08-REGISTER（逾期 20 天）');
    expect(body).not.toContain('YQ-ZX1');
    expect(body).not.toContain('A01-NOMINATE'); // 5 days only
  });

  it('when the leader changes the days and redrafts, then the text is drafted again for those days', async () => {
    await openNotice();
    const first = currentModal();
    const res = await bot.driver.blockAction({
      user_id: LEADER,
      actions: [{ action_id: 'notice_redraft', block_id: 'redraft', type: 'button', value: 'redraft' }],
      view: {
        id: first.id,
        hash: first.hash,
        callback_id: 'notice_submit',
        private_metadata: first.private_metadata,
        state: { values: state(first, { days: '30' }) },
      },
    });
    expect(res.status).toBe(200);
    const second = currentModal();
    expect(second.id).toBe(first.id);
    expect(bodyBlock(second).block_id).toBe('body-1');
    const body = bodyBlock(second).element!.initial_value!;
    // Only A07-COBUILD (due May 10, 41 days) is 30 days overdue; YQ-XX1 did it late and YQ-XX2 did it.
    expect(body).toContain('以下 6 个基层党组织有任务逾期 30 天以上');
    expect(body).toContain('• 永宁小学党支部（YQ-XX3）：A07-COBUILD（逾期 41 天）');
    expect(body).not.toContain('YQ-XX2');
    expect(second.blocks.find((b) => b.block_id === 'channel')!.element!.initial_conversation).toBe('C0NOTICES');
  });

  it('when the leader edits the wording and publishes, then it is posted as edited, kept with the branches named, audited, and listed', async () => {
    await openNotice();
    const view = currentModal();
    const edited = `${bodyBlock(view).element!.initial_value!}\n请于6月25日前补报。<!channel>`;
    const res = await submit(view, state(view, { title: '关于6月任务逾期情况的通报', body: edited }));
    expect(res.status).toBe(200);
    // Answered at once: the form gives way to "publishing", and the modal then says where it went.
    expect(res.json()).toMatchObject({
      response_action: 'update',
      view: { blocks: [{ text: { text: '正在发布通报到 <#C0NOTICES>……' } }] },
    });
    expect(bot.fake.view(view.id)!.view).toMatchObject({
      blocks: [{ text: { text: '通报已发布到 <#C0NOTICES>：关于6月任务逾期情况的通报' } }],
    });

    const posted = bot.fake.messages('C0NOTICES');
    expect(posted).toHaveLength(1);
    const blocks = posted[0]!.blocks as { type: string; text: { text: string } }[];
    expect(blocks[0]!.text.text).toBe('关于6月任务逾期情况的通报');
    const shown = blocks
      .slice(1)
      .map((b) => b.text.text)
      .join('\n');
    expect(shown).toContain('请于6月25日前补报。&lt;!channel&gt;');
    expect(shown).toContain('• 第二小学党支部（YQ-XX2）');

    const notices = await bot.ctx.db.selectFrom('notices').selectAll().execute();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      title: '关于6月任务逾期情况的通报',
      body: edited,
      min_overdue_days: 7,
      channel_id: 'C0NOTICES',
      message_ts: posted[0]!.ts,
      submission_key: view.id,
    });
    // The longest overdue first: six branches with A07-COBUILD 41 days overdue, then YQ-XX2 at 20 days.
    expect(JSON.parse(notices[0]!.branch_codes)).toEqual([
      'YQ-CJ1',
      'YQ-JG1',
      'YQ-XX3',
      'YQ-YEY1',
      'YQ-ZJ1',
      'YQ-ZS1',
      'YQ-XX2',
    ]);
    expect(await listAudit(bot.ctx.db, { action: 'notice.publish' })).toHaveLength(1);

    // Slack delivers the same submission again: nothing is posted twice.
    const again = await submit(view, state(view, { title: '关于6月任务逾期情况的通报', body: edited }));
    expect(again.json()).toMatchObject({
      response_action: 'update',
      view: { blocks: [{ text: { text: '该通报已于 2011-06-20 发布到 <#C0NOTICES>，不会重复发布。' } }] },
    });
    expect(bot.fake.messages('C0NOTICES')).toHaveLength(1);
    expect(await bot.ctx.db.selectFrom('notices').selectAll().execute()).toHaveLength(1);

    await bot.driver.command({ command: '/pacesetter', text: 'notices', user_id: LEADER });
    const list = bot.fake.callsTo('response_url').at(-1)!.args as { blocks: { text: { text: string } }[] };
    expect(list.blocks.map((b) => b.text.text).join('\n')).toContain(
      '2011-06-20 · <#C0NOTICES> · 关于6月任务逾期情况的通报 · 7 个基层党组织，逾期 ≥ 7 天',
    );
  });

  it('when the leader presses Publish twice while the post is on its way, then it is posted once and the second press is told it is being published', async () => {
    await openNotice();
    const view = currentModal();
    const values = state(view, {});
    // Slack holds the first post a moment: the second submission of the same view arrives meanwhile.
    bot.fake.failNext('chat.postMessage', { timeoutMs: 300 });
    const first = submit(view, values);
    await vi.waitFor(() => expect(bot.fake.inFlight).toBe(1));
    const second = await submit(view, values);
    const firstRes = await first;

    expect(bot.fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(bot.fake.messages('C0NOTICES')).toHaveLength(1);
    const answer = second.json() as { response_action: string; view: { blocks: { text: { text: string } }[] } };
    expect(answer.response_action).toBe('update');
    expect(answer.view.blocks[0]!.text.text).toContain('该通报正在发布');
    expect((firstRes.json() as { response_action: string }).response_action).toBe('update');
    const notices = await bot.ctx.db.selectFrom('notices').selectAll().execute();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ state: 'published', message_ts: bot.fake.messages('C0NOTICES')[0]!.ts });
    expect(await listAudit(bot.ctx.db, { action: 'notice.publish' })).toHaveLength(1);
    // The modal says where it went.
    expect(bot.fake.view(view.id)!.view).toMatchObject({
      blocks: [{ text: { text: expect.stringContaining('通报已发布到 <#C0NOTICES>') } }],
    });
  });

  it('when the same notice is published again from a second modal, then it is not posted twice', async () => {
    await openNotice();
    const first = currentModal();
    await submit(first, state(first, {}));
    await openNotice();
    const second = currentModal();
    expect(second.id).not.toBe(first.id);
    const res = await submit(second, state(second, {}));
    expect(JSON.stringify(res.json())).toContain('该通报已于 2011-06-20 发布到 <#C0NOTICES>');
    expect(bot.fake.messages('C0NOTICES')).toHaveLength(1);
    // Another channel, or other words, is another notice.
    await submit(second, state(second, { channel: 'C0OTHER' }));
    expect(bot.fake.messages('C0OTHER')).toHaveLength(1);
  });

  it('when the process died after claiming a notice, then the claim holds for ten minutes and is then taken over, posting once', async () => {
    await openNotice();
    const view = currentModal();
    const values = state(view, {});
    // The claim of a process that died before posting: a row 'publishing', nothing in the channel.
    const plan = await bot.ctx.db.selectFrom('plans').select('id').executeTakeFirstOrThrow();
    const leader = await bot.ctx.db
      .selectFrom('people')
      .select('id')
      .where('slack_user_id', '=', LEADER)
      .executeTakeFirstOrThrow();
    const claimed = await claimNotice(
      bot.ctx.db,
      {
        planId: plan.id,
        title: values.title.value.value!,
        body: text(values),
        minOverdueDays: 7,
        branchCodes: [],
        channelId: 'C0NOTICES',
        publishedBy: leader.id,
        submissionKey: 'VDEAD',
      },
      { actor: LEADER, now: bot.clock.now() },
    );
    expect(claimed.outcome).toBe('claimed');

    bot.clock.advance(NOTICE_CLAIM_TTL_MS - 60_000);
    const early = await submit(view, values);
    expect(JSON.stringify(early.json())).toContain('该通报正在发布到 <#C0NOTICES>（2011-06-20 10:00 开始）');
    expect(bot.fake.callsTo('chat.postMessage')).toEqual([]);

    bot.clock.advance(2 * 60_000);
    const late = await submit(view, values);
    expect((late.json() as { response_action: string }).response_action).toBe('update');
    expect(bot.fake.messages('C0NOTICES')).toHaveLength(1);
    expect(await bot.ctx.db.selectFrom('notices').select(['state', 'submission_key']).execute()).toEqual([
      { state: 'published', submission_key: view.id },
    ]);
    expect((await listAudit(bot.ctx.db, { action: 'notice.claim_expired' })).map((a) => a.details)).toEqual([
      expect.objectContaining({ submissionKey: 'VDEAD', channelId: 'C0NOTICES' }),
    ]);
  });

  it('when Slack does not answer the post, then the leader is told it may be there and the claim holds until it expires', async () => {
    await openNotice();
    const view = currentModal();
    // The interactive client tries three times; none is answered.
    bot.fake.failNext('chat.postMessage', { status: 503 }, 3);
    await submit(view, state(view, {}));
    expect(bot.fake.callsTo('chat.postMessage')).toHaveLength(3);
    expect(JSON.stringify(bot.fake.view(view.id)!.view)).toContain('可能已发布到 <#C0NOTICES>，也可能没有');
    expect(await bot.ctx.db.selectFrom('notices').select('state').execute()).toEqual([{ state: 'publishing' }]);
    const again = await submit(view, state(view, {}));
    expect(JSON.stringify(again.json())).toContain('该通报正在发布');
    expect(bot.fake.callsTo('chat.postMessage')).toHaveLength(3);
  });

  it('when the fields are bad, then the modal shows inline errors and nothing is posted or kept', async () => {
    await openNotice();
    const view = currentModal();
    const res = await submit(view, state(view, { days: '0', channel: null, title: '  ', body: '' }));
    const answer = res.json() as { response_action: string; errors: Record<string, string> };
    expect(answer.response_action).toBe('errors');
    expect(answer.errors).toEqual({
      days: '请输入 1 到 365 之间的整数天数。',
      channel: '请选择频道。',
      title: '请输入标题，不超过 150 个字。',
      'body-0': '请输入正文，不超过 3000 个字。',
    });
    expect(bot.fake.callsTo('chat.postMessage')).toEqual([]);
    expect(await bot.ctx.db.selectFrom('notices').selectAll().execute()).toEqual([]);
  });

  it('when the channel cannot be posted to, then the leader is told in the modal and nothing is kept; another channel from the same modal posts once', async () => {
    bot.fake.setChannel('C0ARCHIVED', { archived: true });
    await openNotice();
    const view = currentModal();
    const edited = `${bodyBlock(view).element!.initial_value!}\n请于6月25日前补报。`;
    const res = await submit(view, state(view, { channel: 'C0ARCHIVED', body: edited }));
    expect((res.json() as { response_action: string }).response_action).toBe('update');
    // The form comes back with the reason and the leader's text, and the claim is given up.
    const back = currentModal();
    expect(back.id).toBe(view.id);
    expect(back.callback_id).toBe('notice_submit');
    const said = back.blocks.find((b) => b.type === 'section') as { text: { text: string } } | undefined;
    expect(said!.text.text).toContain('is_archived');
    expect(bodyBlock(back).element!.initial_value).toBe(edited);
    expect(back.blocks.find((b) => b.block_id === 'channel')!.element!.initial_conversation).toBe('C0ARCHIVED');
    expect(await bot.ctx.db.selectFrom('notices').selectAll().execute()).toEqual([]);
    expect((await listAudit(bot.ctx.db, { action: 'notice.release' })).map((a) => a.details)).toEqual([
      expect.objectContaining({ channelId: 'C0ARCHIVED', error: 'is_archived' }),
    ]);

    await submit(back, state(back, { channel: 'C0NOTICES' }));
    expect(bot.fake.messages('C0NOTICES')).toHaveLength(1);
    expect(bot.fake.messages('C0NOTICES')[0]!.text).toContain('请于6月25日前补报。');
    expect(await bot.ctx.db.selectFrom('notices').select(['state', 'channel_id']).execute()).toEqual([
      { state: 'published', channel_id: 'C0NOTICES' },
    ]);
  });

  it('when a secretary asks for a notice, then no modal opens and the attempt is logged; a forged submission posts nothing', async () => {
    await openNotice(SECRETARY);
    expect(bot.fake.callsTo('views.open')).toEqual([]);
    expect((bot.fake.callsTo('response_url').at(-1)!.args as { text: string }).text).toBe(
      '此操作仅限领导。本次尝试已记录。',
    );

    await openNotice();
    const view = currentModal();
    const res = await submit(view, state(view, {}), ADMIN);
    expect((res.json() as { response_action: string }).response_action).toBe('errors');
    expect(bot.fake.callsTo('chat.postMessage')).toEqual([]);
    const denied = await listAudit(bot.ctx.db, { action: 'access.denied' });
    expect(denied.map((d) => [d.actor, d.subject_type])).toEqual([
      [SECRETARY, 'command./pacesetter notice'],
      [ADMIN, 'view.notice_submit'],
    ]);
  });

  it('when a leader presses “Draft a notice” on an escalation, then the modal opens with the days it carries', async () => {
    await bot.driver.blockAction({
      user_id: LEADER,
      actions: [
        { action_id: 'escalation_draft_notice', type: 'button', value: JSON.stringify({ minOverdueDays: 14 }) },
      ],
    });
    const view = currentModal();
    expect(view.blocks.find((b) => b.block_id === 'days')!.element!.initial_value).toBe('14');
    expect(bodyBlock(view).element!.initial_value).toContain('逾期 14 天以上');

    await bot.driver.blockAction({
      user_id: SECRETARY,
      actions: [{ action_id: 'escalation_draft_notice', type: 'button', value: '{"minOverdueDays": "x"}' }],
    });
    expect(bot.fake.callsTo('views.open')).toHaveLength(1);
    expect((await listAudit(bot.ctx.db, { action: 'access.denied' })).map((d) => d.subject_type)).toEqual([
      'action.escalation_draft_notice',
    ]);
  });
});

describe('/pacesetter notice assessment', () => {
  /** Seven more primary schools, each with A07-COBUILD only (25): 第一小学 first, 永宁小学 alone last. */
  async function tenPrimarySchools(): Promise<void> {
    for (let i = 0; i < 7; i++) {
      const code = `P-${i}`;
      await bot.ctx.db
        .insertInto('branches')
        .values({
          code,
          name: `小学支部${i}`,
          category: 'primary',
          active: 1,
          created_at: '2011-04-10T00:00:00.000Z',
          updated_at: '2011-04-10T00:00:00.000Z',
        })
        .execute();
      await putReport(bot.ctx.db, { branch: code, obligation: 'A07-COBUILD' });
    }
  }

  const openAssessmentNotice = (user = LEADER) => openNotice(user, 'notice assessment');

  it('when a leader asks after the assessment is final, then the draft commends the advanced and names the lagging by category, and the edited text is published once', async () => {
    await tenPrimarySchools();
    bot.clock.set('2012-01-03T10:00:00+08:00');
    await openAssessmentNotice();
    const view = currentModal();
    expect(view.callback_id).toBe('notice_submit');
    expect(view.blocks.find((b) => b.block_id === 'days')).toBeUndefined();
    expect(view.blocks.find((b) => b.block_id === 'title')!.element!.initial_value).toBe(
      '关于 2011 年年终考核情况的通报',
    );
    const body = bodyBlock(view).element!.initial_value!;
    expect(body.split('\n').slice(0, 3)).toEqual([
      '2011 年创先争优年终考核（2012-01-03）已完成。分类通报如下：',
      '小学先进：第一小学党支部。',
      '小学落后：永宁小学党支部。',
    ]);
    expect(body).not.toContain('暂定');
    expect(body).toContain('两周内报送活动办公室');

    const values = { ...state(view, { title: '关于 2011 年年终考核情况的通报', body: `${body}\n特此通报。` }) };
    delete (values as Record<string, unknown>).days;
    const res = await submit(view, values);
    expect(res.status).toBe(200);
    await bot.settled();
    const posts = bot.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0NOTICES');
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0]!.args.blocks)).toContain('特此通报。');
    const [notice] = await listNotices(bot.ctx.db, 1, 5);
    expect(notice!.branchCodes).toEqual(['YQ-XX1', 'YQ-XX3']);
    expect(notice!.minOverdueDays).toBe(0);
    // A second delivery of the same submission publishes nothing more.
    await submit(view, values);
    await bot.settled();
    expect(bot.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0NOTICES')).toHaveLength(1);
  });

  it('when asked before the plan’s final date, then the draft says the assessment is provisional; a secretary is refused', async () => {
    await openAssessmentNotice();
    expect(bodyBlock(currentModal()).element!.initial_value!).toContain('本考核结果在 2011-12-31 前为暂定。');
    const opened = bot.fake.callsTo('views.open').length;
    await openAssessmentNotice(SECRETARY);
    expect(bot.fake.callsTo('views.open').length).toBe(opened);
    expect((await listAudit(bot.ctx.db, { action: 'access.denied' })).length).toBeGreaterThan(0);
  });
});
