import { describe, expect, it } from 'vitest';
import { assess, defaultAssessment } from '../../src/domain/assessment.js';
import { DEFAULT_RATINGS, type Inspection, type RectificationItem } from '../../src/domain/inspections.js';
import { assessmentNames } from '../../src/domain/notice.js';
import type { Branch } from '../../src/domain/types.js';
import type { Locale } from '../../src/i18n/index.js';
import { blockedReportMessages, deadReportMessages } from '../../src/ui/admin-notice.js';
import {
  branchListBlocks,
  branchPosts,
  commitmentModal,
  commitmentReminderMessages,
  commitmentsHomeBlocks,
  confirmationModal,
  fulfilmentModal,
  mineBlocks,
  queueBlocks,
  type CommitmentsHome,
  type MineInput,
  type ShownCommitment,
} from '../../src/ui/commitments.js';
import { digestMessages } from '../../src/ui/digest.js';
import { escalationMessages } from '../../src/ui/escalation.js';
import { homeView } from '../../src/ui/home.js';
import { messageModal } from '../../src/ui/limits.js';
import { assessmentBlocks, assessmentExplainLines } from '../../src/ui/assessment.js';
import { inspectionDm, inspectionHistoryLines, inspectionModal } from '../../src/ui/inspections.js';
import {
  draftAssessmentNotice,
  draftNotice,
  noticeListBlocks,
  noticeMessage,
  noticeModal,
} from '../../src/ui/notice.js';
import { paperModal, paperReviewedMessage, paperReviewModal, paperStatusBlocks } from '../../src/ui/paper.js';
import { branchChecklistBlocks, branchesBlocks, overviewBlocks, textBlocks } from '../../src/ui/progress.js';
import {
  extensionDecidedBlocks,
  extensionModal,
  extensionRequestBlocks,
  promptButtons,
} from '../../src/ui/prompt-buttons.js';
import { explainBlocks, rankingBlocks, sectionsOf } from '../../src/ui/rankings.js';
import { reminderMessages } from '../../src/ui/reminder.js';
import { branchPickerModal, loadingModal, reportModal, reportSavedBlocks } from '../../src/ui/report-modal.js';
import {
  reportArrivedBlocks,
  reportCard,
  reviewButton,
  reviewedBlocks,
  reviewedModal,
  reviewModal,
} from '../../src/ui/review.js';
import { DEFAULT_GRADES, DEFAULT_QUESTIONS, roundResults } from '../../src/domain/evaluation.js';
import {
  ballotModal,
  evaluationHomeBlocks,
  evaluationMessages,
  resultsBlocks,
  turnoutBlocks,
} from '../../src/ui/evaluation.js';
import * as hostile from '../helpers/hostile.js';
import { EVIL_LINK, HOSTILE } from '../helpers/mrkdwn.js';
import { expectDrawn, markupProblems, rendered } from '../helpers/rendered.js';

// Every builder of src/ui, drawn by the playground's page: no block or element of theirs is left
// undrawn, and the people's text they carry (here: every piece of markup Slack and HTML know)
// shows as text. The e2e suite checks the same of every payload the bot sends (closeChecked).

/** A report summary that would run script if any page put it into HTML as it is. */
const INJECTION = `<img src=x onerror="globalThis.pwned=1"><script>globalThis.pwned=1</script>"'&`;
const { branch, LOCALES, obligation, overview, reminder } = hostile;
const report = hostile.aReport({
  summary: `摘要 ${INJECTION} ${HOSTILE}`,
  evidence: [
    { type: 'link', url: EVIL_LINK },
    { type: 'file', fileId: 'F0PHOTO001', permalink: 'https://acme.slack.com/files/U0/F0PHOTO001/x', name: INJECTION },
  ],
  reviewComment: `点评 ${INJECTION}`,
});
const card = hostile.aCard(report, `王建国${INJECTION}`);
const paper = hostile.aPaper({ title: `论文${INJECTION}` });
const items = hostile.itemsWith(report);
const paperItems = hostile.paperItemsWith([paper]);
const statuses = hostile.statusesWith(report);
const ranked = hostile.rankedWith(report, [obligation], new Map());
const escalation = hostile.anEscalation(1, 'A01-EVENT');

const commitment: ShownCommitment = {
  id: 5,
  text: `每月上好一节示范课${INJECTION}`,
  area: 'duties',
  outcome: 'partly',
  outcomeNote: `上了9节${HOSTILE}`,
  outcomeLink: EVIL_LINK,
  confirmation: 'returned',
  confirmComment: `请补充课表${HOSTILE}`,
};
const commitmentPeople = [
  { name: `李晓梅${HOSTILE}`, commitments: [commitment, { ...commitment, id: 6, area: null, outcome: null }] },
];
const commitmentRate = { required: 4, committed: 3, fulfilled: 1, partly: 1, confirmed: 2 };
const mine = (locale: Locale): MineInput => ({
  locale,
  commitments: [commitment, { ...commitment, id: 6, outcome: null, confirmation: null }],
  max: 5,
  windowLine: `2011-05-31 ${HOSTILE}`,
  canEdit: true,
  canFulfil: true,
});
const queueLines = Array.from({ length: 7 }, (_, i) => ({
  commitment: { ...commitment, id: 10 + i, confirmation: null, version: 2 },
  personName: `赵志强${HOSTILE}`,
  branchName: branch.name,
}));
const commitmentsHome = (locale: Locale): CommitmentsHome => ({ mine: mine(locale), queue: queueLines });
const inspection: Inspection = {
  id: 4,
  planId: 1,
  branchId: 1,
  heldOn: '2011-06-17',
  kind: 'roving',
  checked: `台账${HOSTILE}`,
  findings: `发现的问题 ${INJECTION} ${HOSTILE}`,
  rating: 'average',
  twoSkins: true,
  inspectorId: 2,
  inspectorName: `林淑珍${HOSTILE}`,
  createdAt: '2011-06-17T02:00:00.000Z',
};
const rectification: RectificationItem[] = [
  { id: 1, inspectionId: 4, branchId: 1, obligationId: 9, code: 'R4-1', text: `补开${HOSTILE}`, due: '2011-06-30', reportStatus: 'accepted' },
  { id: 2, inspectionId: 4, branchId: 1, obligationId: 10, code: 'R4-2', text: `完善${INJECTION}`, due: '2011-07-15', reportStatus: null },
]; // prettier-ignore
const assessmentRules = defaultAssessment('2011-12-31');
const branches = [branch, { ...branch, id: 2, code: 'YQ-ZX2' }, { ...branch, id: 3, code: 'YQ-ZX3' }];
const assessment = assess({
  branches,
  rules: { ...assessmentRules, grades: { by: 'thresholds', thresholds: { advanced: 90, good: 80, average: 60 } } },
  obligations: new Map(branches.map((b, i) => [b.id, { score: 95 - 30 * i, earned: 3, possible: 4 }])),
  evaluation: new Map([[1, { ballots: 40, eligible: 50, turnout: 0.8, counts: { satisfied: 30 }, satisfaction: 0.9 }]]),
  inspections: new Map([[1, { scores: [{ id: 4, heldOn: '2011-06-17', rating: 'average', twoSkins: true, score: 50 }] }]]),
  commitments: new Map([[1, { required: 10, committed: 10, fulfilled: 8, partly: 2, confirmed: 10 }]]),
  awards: new Map([[1, { projects: [{ title: `项目${HOSTILE}`, tier: 'first' }], commendations: [] }]]),
  today: '2011-12-20',
}); // prettier-ignore

/** Every payload every builder of src/ui makes, in one language: messages, modals, the Home. */
function payloads(locale: Locale): [string, { type?: string; blocks?: unknown; text?: string }][] {
  const rules = { onTime: 1, late: 0.5 };
  const draft = draftNotice(locale, [{ branch, tasks: [{ code: 'A01-EVENT', daysOverdue: 9 }] }], '2011-06-20', 7);
  const home = homeView({
    ...hostile.aLeaderHome(locale, statuses, { items: paperItems, papers: [paper] }),
    commitments: commitmentsHome(locale),
  });
  const posts = branchPosts(locale, {
    branchName: branch.name,
    closes: '2011-05-31',
    people: Array.from({ length: 50 }, () => commitmentPeople[0]!),
    count: 100,
  });
  const digest = digestMessages(
    locale,
    hostile.aDigest({ registration: 1, implementation: 2, application: 0, assessment: 0, review: 0, award: 0 }),
  );
  const dead = [{ key: 'k', job: 'reminders', recipient: 'U0SEC00001', error: `channel_not_found ${HOSTILE}` }];
  const messages = (name: string, list: { text: string; blocks: unknown[] }[]) =>
    list.map((m, i): [string, { blocks: unknown; text: string }] => [`${name} ${i}`, m]);
  return [
    ['reportModal', reportModal({ locale, branch, items, today: '2011-06-20', selectedObligationId: 1, privateMetadata: '{}', branches: [branch, { ...branch, id: 2 }], editing: { report, submittedLocal: '2011-06-20 10:00', reviewerName: `黄卫东${HOSTILE}` } })],
    ['branchPickerModal', branchPickerModal({ locale, branches: [branch, { ...branch, id: 2 }], privateMetadata: '{}' })],
    ['loadingModal', loadingModal()],
    ['reportSavedBlocks', { blocks: reportSavedBlocks(locale, 'saved', 7) }],
    ['reviewModal', reviewModal(locale, card, '{"r":7,"v":2}')],
    ['reviewedModal', reviewedModal(locale, card, 'ok')],
    ['reportCard', { blocks: reportCard(locale, card) }],
    ['reviewButton', { blocks: [{ type: 'actions', elements: [reviewButton(locale, 7)] }] }],
    ['reportArrivedBlocks', { blocks: reportArrivedBlocks(locale, 'arrived', 7) }],
    ['reviewedBlocks', { blocks: reviewedBlocks(locale, { text: 'x', comment: `点评 ${INJECTION}`, decision: 'return', reportId: 7 }) }],
    ['promptButtons', { blocks: [promptButtons(locale, { obligationId: 1, branchId: 1 })] }],
    ['extensionModal', extensionModal({ locale, branchName: branch.name, obligation, due: '2011-06-30', originalDue: '2011-06-30', privateMetadata: '{}' })],
    ['extensionRequestBlocks', { blocks: extensionRequestBlocks(locale, `延期 ${HOSTILE}`, 3) }],
    ['extensionDecidedBlocks', { blocks: extensionDecidedBlocks('延期 &lt;!channel&gt;', '已批准') }],
    ['paperModal', paperModal({ locale, items: paperItems, privateMetadata: '{}', revising: paper })],
    ['paperModal new', paperModal({ locale, items: paperItems, privateMetadata: '{}' })],
    ['paperReviewModal', paperReviewModal({ locale, paper: { ...paper, status: 'submitted' }, authorName: `李晓梅${HOSTILE}`, privateMetadata: '{}' })],
    ['paperReviewedMessage', paperReviewedMessage({ locale, paper, leaderName: `林淑珍${HOSTILE}` })],
    ['paperStatusBlocks', { blocks: paperStatusBlocks({ locale, items: paperItems, papers: [paper], withButtons: true }) }],
    ['branchChecklistBlocks', { blocks: branchChecklistBlocks(statuses[0]!, locale, { reviewButtons: true }) }],
    ['branchesBlocks', { blocks: branchesBlocks(statuses, locale, 50, { reviewButtons: true }) }],
    ['overviewBlocks', { blocks: overviewBlocks({ locale, overview, today: '2011-06-20', papers: { owed: 1, done: 0, waiting: 1 } }) }],
    ['textBlocks', { blocks: textBlocks(`*text* ${HOSTILE}`) }],
    ['homeView', home],
    ['rankingBlocks', rankingBlocks({ locale, rows: ranked, category: null, period: 'year', mode: 'running', today: '2011-07-20', rules, previous: null })],
    ['explainBlocks', explainBlocks({ locale, row: ranked[0]!, total: 1, totalInCategory: 1, mode: 'running', rules, exemptReasons: new Map([[1, `豁免${HOSTILE}`]]) })],
    ['noticeModal', noticeModal({ locale, days: 7, count: 1, draft, rev: 0, channelId: 'C0NOTICES', privateMetadata: '{}' })],
    ['noticeModal error', noticeModal({ locale, days: 7, count: 1, draft, rev: 1, channelId: null, privateMetadata: '{}', error: `not_in_channel ${HOSTILE}` })],
    ['noticeMessage', noticeMessage(`通报${HOSTILE}`, `请各支部抓紧报送。${HOSTILE}`)],
    ['noticeListBlocks', noticeListBlocks(locale, [{ publishedAt: '2011-06-20', channelId: 'C0NOTICES', title: `通报${HOSTILE}`, branchCount: 3, minOverdueDays: 7 }])],
    ['messageModal', messageModal('Pacesetter', `*note* ${HOSTILE}`, 'Close')],
    ['inspectionModal', inspectionModal({ locale, county: false, branch, ratings: DEFAULT_RATINGS, today: '2011-06-20', privateMetadata: '{}' })],
    ['inspectionModal county', inspectionModal({ locale, county: true, branch: null, ratings: DEFAULT_RATINGS, today: '2011-06-20', privateMetadata: '{}' })],
    ['inspectionDm', inspectionDm({ locale, inspection, branchName: branch.name, ratings: DEFAULT_RATINGS, items: rectification })],
    ['inspectionDm county', inspectionDm({ locale, inspection: { ...inspection, branchId: null, rating: null, twoSkins: false }, branchName: branch.name, ratings: DEFAULT_RATINGS, items: [] })],
    ['inspectionHistoryLines', { blocks: sectionsOf(inspectionHistoryLines({ locale, inspections: [inspection, { ...inspection, id: 5, branchId: null, rating: null }], items: rectification, ratings: DEFAULT_RATINGS })) }],
    ['inspectionHistoryLines none', { blocks: sectionsOf(inspectionHistoryLines({ locale, inspections: [], items: [], ratings: DEFAULT_RATINGS })) }],
    ['assessmentBlocks', assessmentBlocks({ locale, year: 2011, assessment, rules: assessmentRules, category: null })],
    ['assessmentExplainLines', { blocks: sectionsOf(assessmentExplainLines({ locale, row: assessment.rows[0]!, assessment, rules: assessmentRules, ratings: DEFAULT_RATINGS, totalInCategory: 3 })) }],
    ['noticeModal assessment', noticeModal({ locale, days: 7, count: 2, draft: draftAssessmentNotice(locale, { year: 2011, today: '2011-12-20', provisional: true, finalOn: '2011-12-31', names: assessmentNames(assessment.rows) }), rev: 0, channelId: null, privateMetadata: '{}', source: 'assessment' })],
    ...messages('reminderMessages', reminderMessages(locale, [reminder])),
    ...messages('escalationMessages', escalationMessages(locale, [escalation])),
    ['digest main', digest.main],
    ...messages('digest thread', digest.thread),
    ...messages('deadReportMessages', deadReportMessages(locale, dead)),
    ...messages('blockedReportMessages', blockedReportMessages(locale, dead)),
    ['commitments mineBlocks', { blocks: mineBlocks(mine(locale)) }],
    ['commitmentModal', commitmentModal({ locale, branchName: branch.name, closes: '2011-05-31', max: 5, editing: commitment, privateMetadata: '{}' })],
    ['commitmentModal new', commitmentModal({ locale, branchName: branch.name, closes: '2011-05-31', max: 5, editing: null, privateMetadata: '{}' })],
    ['fulfilmentModal', fulfilmentModal({ locale, commitment, privateMetadata: '{}' })],
    ['confirmationModal', confirmationModal({ locale, personName: `李晓梅${HOSTILE}`, commitment: { ...commitment, confirmation: null }, privateMetadata: '{}' })],
    ['commitments branchListBlocks', { blocks: branchListBlocks(locale, { branchName: branch.name, rate: commitmentRate, people: commitmentPeople }) }],
    ['commitments branchListBlocks empty', { blocks: branchListBlocks(locale, { branchName: branch.name, rate: { ...commitmentRate, committed: 0 }, people: [] }) }],
    ['commitments queueBlocks', { blocks: queueBlocks(locale, queueLines) }],
    ['commitments queueBlocks none', { blocks: queueBlocks(locale, []) }],
    ['commitments post main', posts.main],
    ...messages('commitments post thread', posts.thread),
    ...messages('commitmentReminderMessages', commitmentReminderMessages(locale, [{ kind: 'commit', closes: '2011-05-31', daysLeft: 3 }, { kind: 'commit', closes: '2011-05-31', daysLeft: 0 }, { kind: 'fulfil', due: '2011-12-20', unreported: 2 }, { kind: 'confirm', waiting: 4 }])),
    ['commitmentsHomeBlocks', { type: 'home', blocks: commitmentsHomeBlocks(locale, commitmentsHome(locale)) }],
    ...evaluationPayloads(locale),
  ]; // prettier-ignore
}

/** The evaluation's builders (src/ui/evaluation.ts): the ballot both ways, the DMs, turnout, results, the Home part. */
function evaluationPayloads(locale: Locale): [string, { type?: string; blocks?: unknown; text?: string }][] {
  const settings = { questions: DEFAULT_QUESTIONS, grades: DEFAULT_GRADES, weight: 20 };
  const evil: Branch = { ...branch, name: `延庆一中${HOSTILE}` };
  const message = (kind: 'invite' | 'remind', pending: number[]) => ({
    message: { kind, key: 'k', recipient: 'U1', locale: null, pending, closes: '2011-12-23' },
    branches: pending.map((id) => ({ id, name: `组织${id}${HOSTILE}` })),
  });
  const messages = (name: string, list: { text: string; blocks: unknown[] }[]) =>
    list.map((m, i): [string, { blocks: unknown; text: string }] => [`${name} ${i}`, m]);
  const results = roundResults(
    settings,
    [evil],
    [{ branchId: evil.id, counts: { slack: { overall: { satisfied: 3, basic: 1 } } }, eligible: 5, counted: 4 }],
  );
  return [
    ['ballotModal one branch', ballotModal({ locale, settings, closes: '2011-12-23', branch: evil, choices: [], privateMetadata: '{}' })],
    ['ballotModal choice', ballotModal({ locale, settings, closes: '2011-12-23', branch: null, choices: [evil, { ...evil, id: 2, code: 'YQ-ZX2' }], privateMetadata: '{}' })],
    ...messages('evaluationMessages invite', evaluationMessages(locale, [message('invite', [1, 2])])),
    ...messages('evaluationMessages remind many', evaluationMessages(locale, [message('remind', [1, 2, 3, 4, 5, 6])])),
    ['turnoutBlocks', { blocks: turnoutBlocks(locale, { closes: '2011-12-23', rows: [{ branch: evil, voted: 2, eligible: 5 }] }) }],
    ['resultsBlocks', { blocks: resultsBlocks(locale, { year: 2011, settings, results }) }],
    ['evaluationHomeBlocks running', { blocks: evaluationHomeBlocks(locale, { state: 'running', closes: '2011-12-23', voted: 3, eligible: 9, toRate: 2 }) }],
    ['evaluationHomeBlocks closed', { blocks: evaluationHomeBlocks(locale, { state: 'closed', closed: '2011-12-24', rated: 3, low: 0.5, high: 1 }) }],
  ]; // prettier-ignore
}

describe('every builder of src/ui as the playground draws it', () => {
  it('when each payload is drawn in either language, then every block and element shows and no markup but the page’s own is made', () => {
    for (const locale of LOCALES) {
      const all = payloads(locale);
      expect(all.length).toBeGreaterThan(35);
      for (const [name, payload] of all) {
        try {
          expectDrawn(payload);
        } catch (err) {
          throw new Error(`${locale} ${name}: ${(err as Error).message}`);
        }
      }
    }
  });

  it('when a report’s summary, comment, author and file name hold HTML, then the review card, the report modal and the returned DM show it as text and run nothing', () => {
    const escaped =
      '&lt;img src=x onerror=&quot;globalThis.pwned=1&quot;&gt;&lt;script&gt;globalThis.pwned=1&lt;/script&gt;&quot;&#39;&amp;';
    for (const locale of LOCALES) {
      const review = rendered(reviewModal(locale, card, '{"r":7,"v":2}'));
      const form = rendered(
        reportModal({ locale, branch, items, today: '2011-06-20', selectedObligationId: 1, privateMetadata: '{}', editing: { report, submittedLocal: '2011-06-20 10:00', reviewerName: 'x' } }),
      ); // prettier-ignore
      const dm = rendered({
        blocks: reviewedBlocks(locale, { text: 'x', comment: `点评 ${INJECTION}`, decision: 'return', reportId: 7 }),
      });
      for (const html of [review, form, dm]) {
        expect(html).not.toMatch(/<script|<img src="?x/i);
        expect(markupProblems(html)).toEqual([]);
        expect(html).toContain(escaped);
      }
      // The summary is in the card; it is the value of the form's text field when it is edited again.
      expect(review).toContain(`摘要 ${escaped}`);
      expect(form).toMatch(new RegExp(`>\\n?摘要 ${escaped.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      // A link is drawn only where the bot made one, to where its label says it goes.
      expect(review).not.toMatch(/<a [^>]*>gov\.cn<\/a>/);
      expect(review).toContain('href="https://evil.example/x%7Chttps://www.gov.cn/notice%3E"');
    }
  });
});
