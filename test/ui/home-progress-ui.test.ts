import { describe, expect, it } from 'vitest';
import type { Paper } from '../../src/domain/papers.js';
import { paperChecklist } from '../../src/domain/papers.js';
import { branchStatuses, overview } from '../../src/domain/progress.js';
import { CATEGORIES, type Branch, type Obligation } from '../../src/domain/types.js';
import { homeView } from '../../src/ui/home.js';
import { paperModal, paperReviewModal, paperStatusBlocks } from '../../src/ui/paper.js';
import { branchesBlocks, overviewBlocks } from '../../src/ui/progress.js';
import { validateBlockKit } from '../../src/playground/block-kit-limits.js';

const LONG = '很长的标题'.repeat(200);
const obligations: Obligation[] = Array.from({ length: 40 }, (_, i) => ({
  id: i + 1,
  planId: 1,
  activityCode: 'A',
  code: `A${String(i).padStart(2, '0')}-TASK-WITH-A-LONG-CODE`,
  title: { zh: LONG, en: LONG },
  description: null,
  kind: i === 39 ? 'paper' : 'report',
  paperKinds: i === 39 ? ['party_paper'] : [],
  appliesTo: i === 39 ? { kind: 'ranks', ranks: ['school_cadre'] } : { kind: 'all' },
  due: '2011-06-30',
  weight: 1,
  position: i,
}));
const branches: Branch[] = Array.from({ length: 30 }, (_, i) => ({
  id: i + 1,
  code: `B${i}`,
  name: LONG,
  category: CATEGORIES[i % CATEGORIES.length]!,
}));
const paper = (id: number): Paper => ({
  id,
  planId: 1,
  authorId: 1,
  kind: 'party_paper',
  title: LONG,
  abstract: LONG,
  link: 'https://example.org/p',
  fileId: 'F0ABC',
  filePermalink: 'https://files.example.org/F0ABC',
  coauthors: ['U0A', 'U0B'],
  status: id % 2 === 0 ? 'returned' : 'submitted',
  excellent: false,
  submittedAt: '2011-06-01T00:00:00.000Z',
  onTime: true,
  reviewedBy: null,
  reviewedAt: null,
  reviewComment: LONG,
  version: 1,
});
const papers = Array.from({ length: 30 }, (_, i) => paper(i + 1));
const statuses = branchStatuses(branches, {
  obligations,
  reports: [],
  today: '2011-07-01',
  extensions: new Map(),
  exemptions: new Map(),
});
const queue = {
  reports: Array.from({ length: 30 }, (_, i) => ({
    reportId: i + 1,
    obligationCode: `A${i}`,
    title: { zh: LONG, en: LONG },
    branchName: LONG,
    submittedAt: '2011-06-01T00:00:00.000Z',
  })),
  reportsTotal: 500,
  papers: papers.map((p) => ({ paper: p, authorName: LONG })),
  papersTotal: 400,
};

describe('the largest screens fit Slack', () => {
  it.each(['zh-CN', 'en'] as const)(
    'when one person is a secretary of 30 branches with 39 open tasks each, a leader with full queues and a cadre with 30 papers, then the Home tab is valid Block Kit (%s)',
    (locale) => {
      const view = homeView({
        locale,
        planTitle: LONG,
        updatedAt: '2011-07-01 09:00',
        branches: statuses,
        paper: { items: paperChecklist({ obligations, rank: 'school_cadre', papers, today: '2011-07-01' }), papers },
        leader: {
          overview: overview(statuses),
          today: '2011-07-01',
          papers: { owed: 1000, done: 10, waiting: 400 },
          queue,
        },
      });
      expect(validateBlockKit('home', view)).toEqual([]);
      expect(view.blocks.length).toBeLessThanOrEqual(100);
      const text = JSON.stringify(view.blocks);
      expect(text).toContain('report_review_open');
      expect(text).toContain('paper_review_open');
      expect(text).toContain('home_report');
    },
  );

  it('when a message carries 30 long branch checklists and the summary, then it is valid Block Kit within 50 blocks', () => {
    const summary = overviewBlocks({
      locale: 'zh-CN',
      overview: overview(statuses),
      today: '2011-07-01',
      papers: { owed: 1, done: 0, waiting: 0 },
    });
    const blocks = [...branchesBlocks(statuses, 'zh-CN', 50 - summary.length, { reviewButtons: true }), ...summary];
    expect(validateBlockKit('message', { text: 'x', blocks })).toEqual([]);
    expect(blocks.length).toBeLessThanOrEqual(50);
  });

  it('when a paper has the longest fields, then the paper, status and review views are valid Block Kit', () => {
    const items = paperChecklist({ obligations, rank: 'school_cadre', papers, today: '2011-07-01' });
    expect(
      validateBlockKit('modal', paperModal({ locale: 'en', items, privateMetadata: '{}', revising: paper(2) })),
    ).toEqual([]);
    expect(
      validateBlockKit(
        'modal',
        paperReviewModal({
          locale: 'zh-CN',
          paper: paper(1),
          authorName: LONG,
          privateMetadata: '{"paperId":1}',
        }),
      ),
    ).toEqual([]);
    expect(
      validateBlockKit('message', {
        text: 'x',
        blocks: paperStatusBlocks({ locale: 'zh-CN', items, papers, withButtons: true }),
      }),
    ).toEqual([]);
  });
});
