import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { EVIL_LINK, HOSTILE, messageTexts, mrkdwnTexts, payloadProblems, shown } from '../helpers/mrkdwn.js';
import {
  branchId,
  click,
  command,
  obligationId,
  PEOPLE,
  postsTo,
  reportsRows,
  shownView,
  slackFile,
  submitShownReport,
  submitView,
} from '../helpers/reporting.js';
import type { FakeSlackCall } from '../../src/playground/fake-slack.js';

// People's text, and names from the roster, through the real bot: whatever it sends to Slack
// (messages, replies, modals, Home tabs) shows that text and makes none of its markup live.
const SEC = PEOPLE.secretaryZx1;
const CADRE = PEOPLE.member;
const LEADER = PEOPLE.leader2;
const BRANCH_NAME = `延庆一中党总支${HOSTILE}`;
const SEC_NAME = `王建国${HOSTILE}`;
const LEADER_NAME = `林淑珍${HOSTILE}`;

let bot: TestBot;
beforeEach(async () => {
  bot = await startBot();
  const db = bot.ctx.db;
  await db.updateTable('branches').set({ name: BRANCH_NAME }).where('code', '=', 'YQ-ZX1').execute();
  await db.updateTable('people').set({ name: SEC_NAME }).where('slack_user_id', '=', SEC).execute();
  await db.updateTable('people').set({ name: LEADER_NAME }).where('slack_user_id', '=', LEADER).execute();
});
afterEach(() => closeChecked(bot));

const SENDS = new Set(['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'response_url']);
const VIEWS = new Set(['views.open', 'views.update', 'views.push', 'views.publish']);

/** The mrkdwn of everything the bot sent: each message's text and blocks, each view's blocks. */
function sentTexts(calls: readonly FakeSlackCall[] = bot.fake.calls): string[] {
  return calls.flatMap((c) => {
    if (SENDS.has(c.method)) return messageTexts(c.args as { text?: unknown; blocks?: unknown });
    if (VIEWS.has(c.method)) return mrkdwnTexts(c.args.view);
    return [];
  });
}

/** Nothing the bot sent has live markup but the `allowed` mentions, and no send asks Slack to link names. */
function expectAllInert(allowed: string[] = []) {
  expect(payloadProblems(sentTexts(), allowed)).toEqual([]);
  for (const c of bot.fake.calls.filter((c) => SENDS.has(c.method))) {
    expect(c.args).not.toHaveProperty('link_names');
    expect(c.args).not.toHaveProperty('parse');
  }
}

function textOf(calls: readonly FakeSlackCall[]): string {
  return sentTexts(calls).map(shown).join('\n');
}

describe('a report, its review and its comment', () => {
  it('when a secretary reports with markup in the summary, a gov.cn-looking link to evil.example and a file, then leaders, the review card, the DM and the Homes show it all as text and link only where it says', async () => {
    await command(bot, SEC, 'A01-EVENT');
    const res = await submitShownReport(bot, SEC, {
      obligationId: await obligationId(bot, 'A01-EVENT'),
      heldOn: '2011-06-18',
      participants: '42',
      summary: `摘要 ${HOSTILE}`,
      evidence: `${EVIL_LINK}\nhttps://www.gov.cn/notice`,
      files: [slackFile('F0PHOTO001', '照片<!channel>.jpg')],
    });
    expect(res.body).toBe('');
    const row = (await reportsRows(bot))[0]!;
    expect(JSON.parse(row.evidence)).toMatchObject([
      { type: 'link', url: 'https://evil.example/x|https://www.gov.cn/notice%3E' },
      { type: 'link', url: 'https://www.gov.cn/notice' },
      { type: 'file', fileId: 'F0PHOTO001', name: '照片<!channel>.jpg' },
    ]);
    // The leaders hear of it: the branch and the secretary named as written.
    expect(textOf(postsTo(bot, LEADER))).toContain(BRANCH_NAME);
    expect(textOf(postsTo(bot, LEADER))).toContain(SEC_NAME);

    await click(bot, LEADER, 'report_review_open', String(row.id));
    const card = shownView(bot);
    const cardText = mrkdwnTexts(card).join('\n');
    expect(shown(cardText)).toContain(`摘要 ${HOSTILE}`);
    expect(shown(cardText)).toContain('照片<!channel>.jpg');
    expect(cardText).toContain('1. <https://evil.example/x%7Chttps://www.gov.cn/notice%3E|evil.example/');
    expect(cardText).toContain('2. <https://www.gov.cn/notice|www.gov.cn/notice>');

    const comment = `请补充照片 ${HOSTILE}`;
    await submitView(
      bot,
      LEADER,
      { ...card, callback_id: 'report_review' },
      {
        decision: { value: { type: 'radio_buttons', selected_option: { value: 'return' } } },
        comment: { value: { type: 'plain_text_input', value: comment } },
      },
    );
    const toSecretary = textOf(postsTo(bot, SEC));
    expect(toSecretary).toContain(comment);
    expect(toSecretary).toContain(LEADER_NAME);

    await bot.driver.event({ type: 'app_home_opened', user: SEC, channel: `D${SEC}`, tab: 'home' });
    await bot.driver.event({ type: 'app_home_opened', user: LEADER, channel: `D${LEADER}`, tab: 'home' });
    await command(bot, LEADER, 'YQ-ZX1', '/progress');
    await command(bot, LEADER, BRANCH_NAME.slice(0, 7), '/progress');
    await command(bot, LEADER, '<!channel>', '/progress');
    // A branch's name heads its part of the Home as plain text, which Slack shows as written.
    expect(JSON.stringify(bot.fake.callsTo('views.publish').map((c) => c.args.view))).toContain(
      JSON.stringify(BRANCH_NAME).slice(1, -1),
    );
    expect(textOf(bot.fake.callsTo('response_url'))).toContain('<!channel>');
    expectAllInert();
  });
});

describe('a paper, its review and its comment', () => {
  it('when a cadre submits a paper with markup in the title and abstract and a gov.cn-looking link, then the DM, the review modal and the returned DM show it as text', async () => {
    const title = `论文${HOSTILE}`;
    const abstract = `摘要${HOSTILE}`;
    await bot.driver.command({ command: '/paper', user_id: CADRE });
    const form = shownView(bot);
    const res = await submitView(
      bot,
      CADRE,
      form,
      {
        kind: { value: { type: 'static_select', selected_option: { value: 'party_paper' } } },
        title: { value: { type: 'plain_text_input', value: title } },
        abstract: { value: { type: 'plain_text_input', value: abstract } },
        link: { value: { type: 'url_text_input', value: EVIL_LINK } },
        file: { value: { type: 'file_input', files: [] } },
        coauthors: { value: { type: 'multi_users_select', selected_users: ['U0MEM00002'] } },
      },
      'paper_submit',
    );
    expect(res.body).toBe('');
    const paper = await bot.ctx.db.selectFrom('papers').selectAll().executeTakeFirstOrThrow();
    expect(paper.link).toBe('https://evil.example/x|https://www.gov.cn/notice%3E');
    expect(textOf(postsTo(bot, CADRE))).toContain(title);

    await click(bot, LEADER, 'paper_review_open', String(paper.id));
    const review = shownView(bot);
    expect(review.callback_id).toBe('paper_review_submit');
    const reviewText = mrkdwnTexts(review).join('\n');
    expect(shown(reviewText)).toContain(title);
    expect(shown(reviewText)).toContain(abstract);
    expect(reviewText).toContain('<https://evil.example/x%7Chttps://www.gov.cn/notice%3E|evil.example/');
    expect(reviewText).toContain('<@U0MEM00002>');

    const comment = `请修改 ${HOSTILE}`;
    await submitView(
      bot,
      LEADER,
      review,
      {
        decision: { value: { type: 'radio_buttons', selected_option: { value: 'return' } } },
        comment: { value: { type: 'plain_text_input', value: comment } },
      },
      'paper_review_submit',
    );
    const toAuthor = textOf(postsTo(bot, CADRE));
    expect(toAuthor).toContain(comment);
    expect(toAuthor).toContain(LEADER_NAME);
    await bot.driver.event({ type: 'app_home_opened', user: CADRE, channel: `D${CADRE}`, tab: 'home' });
    await bot.driver.command({ command: '/paper', text: 'status', user_id: CADRE });
    expect(textOf(bot.fake.callsTo('response_url'))).toContain(title);
    // The co-author is the one mention the bot writes itself.
    expectAllInert(['<@U0MEM00002>']);
  });
});

describe('a notice', () => {
  it('when a leader publishes a notice with markup, then its *bold* and _italic_ show as formatting, and no <!channel>, mention or link of theirs is live, in the message or its notification', async () => {
    await bot.driver.command({ command: '/pacesetter', text: 'notice', user_id: LEADER, channel_id: 'C0LEADERS' });
    const view = shownView(bot);
    const bodyBlock = view.blocks.find((b) => b.block_id?.startsWith('body-'))!.block_id!;
    const title = `通报${HOSTILE}`;
    const body = `*请各支部注意* _尽快报送_\n${HOSTILE}\n<!channel> 请于6月25日前补报。`;
    const res = await submitView(
      bot,
      LEADER,
      view,
      {
        days: { value: { type: 'number_input', value: '7' } },
        channel: { value: { type: 'conversations_select', selected_conversation: 'C0NOTICES' } },
        title: { value: { type: 'plain_text_input', value: title } },
        [bodyBlock]: { value: { type: 'plain_text_input', value: body } },
      },
      'notice_submit',
    );
    expect(res.status).toBe(200);
    const posted = postsTo(bot, 'C0NOTICES');
    expect(posted).toHaveLength(1);
    const texts = messageTexts(posted[0]!.args as { text?: unknown; blocks?: unknown });
    expect(texts.map(shown).join('\n')).toContain(body);
    expect(texts.join('\n')).toContain('*请各支部注意* _尽快报送_');
    expect(String(posted[0]!.args.text)).toContain('&lt;!channel&gt; 请于6月25日前补报。');

    await bot.driver.command({ command: '/pacesetter', text: 'notices', user_id: LEADER });
    expect(textOf(bot.fake.callsTo('response_url'))).toContain('通报a|b > c < d & e <!channel>');
    expectAllInert(['<#C0NOTICES>']);
  });
});

describe('an extension and an exemption', () => {
  it('when a secretary gives markup as the reason for an extension and a leader as the reason for an exemption, then the leaders’ DM, the replies and the explanation show it as text', async () => {
    const value = JSON.stringify({ o: await obligationId(bot, 'A01-EVENT'), b: await branchId(bot, 'YQ-ZX1') });
    await click(bot, SEC, 'prompt_extension', value);
    const reason = `校舍改造 ${HOSTILE}`;
    await submitView(
      bot,
      SEC,
      shownView(bot),
      {
        new_due: { value: { type: 'datepicker', selected_date: '2011-07-15' } },
        reason: { value: { type: 'plain_text_input', value: reason } },
      },
      'extension_request',
    );
    expect(textOf(postsTo(bot, LEADER))).toContain(reason);
    expect(textOf(postsTo(bot, LEADER))).toContain(BRANCH_NAME);

    const exempt = `党员集中外出培训 ${HOSTILE}`;
    await bot.driver.command({ command: '/pacesetter', text: `exempt YQ-ZX1 A03-COMMIT ${exempt}`, user_id: LEADER });
    expect(textOf(bot.fake.callsTo('response_url').slice(-1))).toContain(BRANCH_NAME);
    await bot.driver.command({
      command: '/rankings',
      text: 'explain YQ-ZX1',
      user_id: LEADER,
      channel_id: 'C0GENERAL',
    });
    const explained = textOf(bot.fake.callsTo('response_url').slice(-1));
    expect(explained).toContain('党员集中外出培训 a|b > c < d & e <!channel>');
    expectAllInert();
  });
});
