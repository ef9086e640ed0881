import { describe, expect, it } from 'vitest';
import { branchStatuses } from '../../src/domain/progress.js';
import type { Evidence } from '../../src/domain/types.js';
import { deadReportMessages } from '../../src/ui/admin-notice.js';
import { digestMessages } from '../../src/ui/digest.js';
import { escalationMessages } from '../../src/ui/escalation.js';
import { homeView } from '../../src/ui/home.js';
import { draftNotice, noticeListBlocks, noticeMessage, noticeModal } from '../../src/ui/notice.js';
import { paperModal, paperReviewedMessage, paperReviewModal, paperStatusBlocks } from '../../src/ui/paper.js';
import { branchesBlocks, overviewBlocks } from '../../src/ui/progress.js';
import { extensionDecidedBlocks, extensionModal } from '../../src/ui/prompt-buttons.js';
import { explainBlocks, rankingBlocks } from '../../src/ui/rankings.js';
import { reminderMessages } from '../../src/ui/reminder.js';
import { reportModal } from '../../src/ui/report-modal.js';
import { reviewedBlocks, reviewedModal, reviewModal } from '../../src/ui/review.js';
import { reportModalEditing } from '../helpers/fixtures.js';
import {
  aCard,
  aDigest,
  aLeaderHome,
  anEscalation,
  aPaper,
  aReport,
  branch,
  itemsWith,
  LOCALES,
  obligation,
  overview,
  paperItemsWith,
  rankedWith,
  reminder,
  statusesWith,
  titleIn,
} from '../helpers/hostile.js';
import { EVIL_LINK, HOSTILE, messageTexts, mrkdwnTexts, payloadProblems, shown } from '../helpers/mrkdwn.js';
import { validateBlockKit } from '../../src/playground/block-kit-limits.js';

// Every builder of src/ui is given people's text (and names and titles from the roster and the
// plan) that tries every piece of Slack markup; what it renders must show that text, inert.
const evidence: Evidence[] = [
  { type: 'link', url: EVIL_LINK },
  { type: 'link', url: 'https://www.gov.cn/notice?a=1&b=<2>' },
  { type: 'file', fileId: 'F0PHOTO001', permalink: 'https://acme.slack.com/files/U0/F0PHOTO001/x|y', name: HOSTILE },
];
const report = aReport({ evidence });
const card = aCard(report, `王建国${HOSTILE}`);
const paper = aPaper({ coauthors: ['U0MEM00002', '<!channel>'] });

/** The mrkdwn of a payload has no live markup but the mentions named, and shows the hostile text. */
function expectInert(texts: string[], opts: { allowed?: string[]; shows?: string[] } = {}) {
  expect(texts.length).toBeGreaterThan(0);
  expect(payloadProblems(texts, opts.allowed)).toEqual([]);
  const all = texts.map(shown).join('\n');
  for (const s of opts.shows ?? [HOSTILE]) expect(all).toContain(s);
}

describe('a person’s text in every builder of src/ui', () => {
  it('when a report carries markup in its summary, evidence, comment and names, then the review card shows it all as text and links only where it says it goes', () => {
    for (const locale of LOCALES) {
      const form = reviewModal(locale, card, '{"r":7,"v":2}');
      expect(validateBlockKit('modal', form)).toEqual([]);
      expectInert(mrkdwnTexts(form.blocks), { shows: [`摘要 ${HOSTILE}`, `王建国${HOSTILE}`, `第一中学${HOSTILE}`] });
      // The link goes where its label says: evil.example, with the `|` and `>` kept in the address.
      const text = mrkdwnTexts(form.blocks).join('\n');
      expect(text).toContain('<https://evil.example/x%7Chttps://www.gov.cn/notice%3E|evil.example/');
      expect(text).toContain('<https://www.gov.cn/notice?a=1&amp;b=%3C2%3E|www.gov.cn/notice');
      expectInert(mrkdwnTexts(reviewedModal(locale, card, 'ok').blocks), { shows: [`摘要 ${HOSTILE}`] });
    }
  });

  it('when a leader’s comment carries markup, then the secretary’s DM and the report modal show it as text', () => {
    for (const locale of LOCALES) {
      const dm = reviewedBlocks(locale, { text: 'x', comment: `点评 ${HOSTILE}`, decision: 'return', reportId: 7 });
      expectInert(mrkdwnTexts(dm), { shows: [`点评 ${HOSTILE}`] });
      const view = reportModal(
        reportModalEditing(
          locale,
          { branch, items: itemsWith(report), branches: [branch, { ...branch, id: 2 }] },
          report,
          `黄卫东${HOSTILE}`,
        ),
      );
      expectInert(mrkdwnTexts(view.blocks), { shows: [`点评 ${HOSTILE}`, `黄卫东${HOSTILE}`, `第一中学${HOSTILE}`] });
    }
  });

  it('when a paper carries markup in its title, abstract, link, co-authors and comment, then the review modal, the DM and the status show it as text', () => {
    for (const locale of LOCALES) {
      const review = paperReviewModal({
        locale,
        paper: { ...paper, status: 'submitted' },
        authorName: `李晓梅${HOSTILE}`,
        privateMetadata: '{"paperId":3}',
      });
      expect(validateBlockKit('modal', review)).toEqual([]);
      // A co-author is a Slack user id: a real one is a mention, anything else is text.
      expectInert(mrkdwnTexts(review.blocks), {
        allowed: ['<@U0MEM00002>'],
        shows: [`论文${HOSTILE}`, `摘要${HOSTILE}`, `李晓梅${HOSTILE}`, '<!channel>'],
      });
      const reviewText = mrkdwnTexts(review.blocks).join('\n');
      expect(reviewText).toContain('<https://evil.example/x%7Chttps://www.gov.cn/notice%3E|evil.example/');
      expect(reviewText).toContain('<@U0MEM00002>');

      const dm = paperReviewedMessage({ locale, paper, leaderName: `林淑珍${HOSTILE}` });
      expectInert(messageTexts(dm), { shows: [`论文${HOSTILE}`, `林淑珍${HOSTILE}`, `点评${HOSTILE}`] });

      const items = paperItemsWith([]);
      const status = paperStatusBlocks({ locale, items, papers: [paper], withButtons: true });
      expectInert(mrkdwnTexts(status), { shows: [`论文${HOSTILE}`, titleIn(locale)] });
      const form = paperModal({ locale, items, privateMetadata: '{}', revising: paper });
      expectInert(mrkdwnTexts(form.blocks), { shows: [`论文${HOSTILE}`, `点评${HOSTILE}`] });
      expectInert(mrkdwnTexts(paperModal({ locale, items, privateMetadata: '{}' }).blocks), {
        shows: [titleIn(locale)],
      });
    }
  });

  it('when a leader writes markup into a notice, then the message keeps *bold* and _italic_ but no mention or link of theirs is live, nor in the list of notices', () => {
    const body = `请各支部抓紧报送。${HOSTILE}\n第二行 <!channel>`;
    const message = noticeMessage(`通报${HOSTILE}`, body);
    expect(validateBlockKit('message', message)).toEqual([]);
    expectInert(messageTexts(message), { shows: [body, '*bold* _x_'] });
    expect(mrkdwnTexts(message.blocks).join('\n')).toContain('*bold* _x_');
    // The header is plain text: Slack shows it as written.
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: `通报${HOSTILE}` } });
    for (const locale of LOCALES) {
      const list = noticeListBlocks(locale, [
        {
          publishedAt: '2011-06-20',
          channelId: 'C0NOTICES',
          title: `通报${HOSTILE}`,
          branchCount: 3,
          minOverdueDays: 7,
        },
      ]);
      // The list cuts titles at 80 characters.
      expectInert(messageTexts(list), { allowed: ['<#C0NOTICES>'], shows: ['通报a|b > c < d & e <!channel> <!here>'] });
    }
  });

  it('when branch names carry markup, then the drafted notice, the modal and the leaders’ lists show them as text', () => {
    for (const locale of LOCALES) {
      const draft = draftNotice(locale, [{ branch, tasks: [{ code: 'A01-EVENT', daysOverdue: 9 }] }], '2011-06-20', 7);
      const modal = noticeModal({ locale, days: 7, count: 1, draft, rev: 0, channelId: null, privateMetadata: '{}' });
      expect(payloadProblems(mrkdwnTexts(modal.blocks))).toEqual([]);
      // The draft goes into a text field as plain text; it is escaped when it is published.
      expectInert(messageTexts(noticeMessage(draft.title, draft.body)), { shows: [`第一中学${HOSTILE}`] });
    }
  });

  it('when names and titles carry markup, then /progress, the overview and the App Home show them as text', () => {
    const statuses = statusesWith(report);
    const items = paperItemsWith([paper]);
    for (const locale of LOCALES) {
      const t = titleIn(locale);
      expectInert(mrkdwnTexts(branchesBlocks(statuses, locale, 50, { reviewButtons: true })), { shows: [t] });
      expect(
        payloadProblems(
          mrkdwnTexts(
            overviewBlocks({ locale, overview, today: '2011-06-20', papers: { owed: 1, done: 0, waiting: 1 } }),
          ),
        ),
      ).toEqual([]);
      const home = homeView(aLeaderHome(locale, statuses, { items, papers: [paper] }));
      expect(validateBlockKit('home', home)).toEqual([]);
      expectInert(mrkdwnTexts(home.blocks), { shows: [t, `第一中学${HOSTILE}`, `论文${HOSTILE}`, `李晓梅${HOSTILE}`] });
      const allDone = homeView({
        locale,
        planTitle: null,
        updatedAt: '2011-06-20 10:00',
        branches: branchStatuses([branch], {
          obligations: [],
          reports: [],
          today: '2011-06-20',
          extensions: new Map(),
          exemptions: new Map(),
        }),
        paper: null,
        leader: null,
      });
      expectInert(mrkdwnTexts(allDone.blocks), { shows: [`第一中学${HOSTILE}`] });
    }
  });

  it('when a secretary gives markup as the reason for an extension, then the leaders’ decided message and the request modal show names and titles as text', () => {
    for (const locale of LOCALES) {
      const modal = extensionModal({
        locale,
        branchName: branch.name,
        obligation,
        due: '2011-06-30',
        originalDue: '2011-06-30',
        privateMetadata: '{}',
      });
      expectInert(mrkdwnTexts(modal.blocks), {
        shows: [`第一中学${HOSTILE}`, titleIn(locale)],
      });
      // The request's text is written by the command (escaped there); the builder places it as given.
      expect(payloadProblems(mrkdwnTexts(extensionDecidedBlocks('延期 &lt;!channel&gt;', '已批准')))).toEqual([]);
    }
  });

  it('when branch names, titles, exemption reasons and people carry markup, then rankings, explanations, reminders, escalations, the digest and the dead-letter report show them as text', () => {
    const ranked = rankedWith(
      report,
      [obligation, { ...obligation, id: 3, code: 'A03-COMMIT', position: 3 }],
      new Map([[1, new Set([3])]]),
    );
    const escalation = anEscalation(2, 'A09-PAPER');
    for (const locale of LOCALES) {
      const t = titleIn(locale);
      const ranking = rankingBlocks({
        locale,
        rows: ranked,
        category: null,
        period: 'year',
        mode: 'running',
        today: '2011-07-20',
        rules: { onTime: 1, late: 0.5 },
        previous: null,
      });
      expectInert(messageTexts(ranking), { shows: [`第一中学${HOSTILE}`] });
      const explain = explainBlocks({
        locale,
        row: ranked[0]!,
        total: 1,
        totalInCategory: 1,
        mode: 'running',
        rules: { onTime: 1, late: 0.5 },
        exemptReasons: new Map([[3, `豁免理由${HOSTILE}`]]),
      });
      expectInert(messageTexts(explain), { shows: [`豁免理由${HOSTILE}`, `第一中学${HOSTILE}`] });
      for (const m of reminderMessages(locale, [reminder]))
        expectInert(messageTexts(m), { shows: [t, `第一中学${HOSTILE}`] });
      for (const m of escalationMessages(locale, [escalation]))
        expectInert(messageTexts(m), { shows: [t, `第一中学${HOSTILE}`, `李晓梅${HOSTILE}`] });
      const digest = digestMessages(locale, aDigest(null));
      expectInert([...messageTexts(digest.main), ...digest.thread.flatMap(messageTexts)], {
        shows: [t, `第一中学${HOSTILE}`, `论文${HOSTILE}`, `李晓梅${HOSTILE}`],
      });
      for (const m of deadReportMessages(locale, [
        { key: 'k', job: 'reminders', recipient: 'U0SEC00001', error: `channel_not_found ${HOSTILE}` },
        { key: 'k2', job: 'digest', recipient: 'C0DIGEST', error: 'not_in_channel' },
      ]))
        expectInert(messageTexts(m), {
          allowed: ['<@U0SEC00001>', '<#C0DIGEST>'],
          shows: [`channel_not_found ${HOSTILE}`],
        });
    }
  });
});

describe('the evidence of a report in the review card', () => {
  const longLinks = Array.from({ length: 10 }, (_, i): Evidence => ({
    type: 'link',
    url: `https://example.org/${'p'.repeat(950)}${i}`,
  }));
  const files = Array.from({ length: 5 }, (_, i): Evidence => ({
    type: 'file',
    fileId: `F${i}AAAA`,
    permalink: `https://acme.slack.com/files/U0/F${i}AAAA/${'长'.repeat(100)}.jpg`,
    name: `照片${i}`,
  }));
  const evidenceText = (view: { blocks: unknown[] }) => mrkdwnTexts(view.blocks).join('\n');

  it('when a report has ten long links and five files, then every one is shown, numbered, each link whole and with a short label', () => {
    const view = reviewModal(
      'zh-CN',
      { ...card, report: { ...card.report, evidence: [...longLinks, ...files] } },
      '{}',
    );
    expect(validateBlockKit('modal', view)).toEqual([]);
    const texts = mrkdwnTexts(view.blocks);
    expect(payloadProblems(texts)).toEqual([]);
    const text = texts.join('\n');
    for (const [i, e] of longLinks.entries()) {
      if (e.type !== 'link') continue;
      expect(text).toContain(`${i + 1}. <${e.url}|example.org/`);
    }
    for (let i = 0; i < 5; i++) expect(text).toContain(`${i + 11}. 文件: 照片${i} · <https://acme.slack.com/`);
    const labels = [...text.matchAll(/<https:[^|>]*\|([^>]*)>/g)].map((m) => m[1]!);
    expect(labels).toHaveLength(15);
    for (const label of labels) expect(Array.from(label).length).toBeLessThanOrEqual(60);
  });

  it('when a report somehow holds hundreds of links, then the card stays within a modal and says how many more there are', () => {
    const many = Array.from({ length: 300 }, (_, i): Evidence => ({
      type: 'link',
      url: `https://example.org/${'q'.repeat(900)}/${i}`,
    }));
    for (const locale of LOCALES) {
      const view = reviewModal(locale, { ...card, report: { ...card.report, evidence: many } }, '{}');
      expect(validateBlockKit('modal', view)).toEqual([]);
      const text = evidenceText(view);
      expect(payloadProblems(mrkdwnTexts(view.blocks))).toEqual([]);
      const shownCount = [...text.matchAll(/<https:/g)].length;
      expect(shownCount).toBeGreaterThan(10);
      expect(shownCount).toBeLessThan(300);
      expect(shown(text)).toContain(
        locale === 'zh-CN' ? `另有 ${300 - shownCount} 项佐证未显示` : `${300 - shownCount} more not shown`,
      );
    }
  });
});
