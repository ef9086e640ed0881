import { describe, expect, it } from 'vitest';
import type { OverdueBranch } from '../../src/domain/notice.js';
import { rankBranches } from '../../src/domain/ranking.js';
import type { Branch, Obligation, Report } from '../../src/domain/types.js';
import { draftNotice, noticeListBlocks, noticeMessage, noticeModal } from '../../src/ui/notice.js';
import { explainBlocks, rankingBlocks, TOP_N } from '../../src/ui/rankings.js';
import { validateBlockKit } from '../../src/playground/block-kit-limits.js';

const rules = { onTime: 1, late: 0.5 };
const longTitle = '开展“绿色引领创先争优，生态校园从我做起”主题活动'.repeat(6);
const obligations: Obligation[] = Array.from({ length: 60 }, (_, i) => ({
  id: i + 1,
  planId: 1,
  activityCode: 'A',
  code: `A${String(i).padStart(2, '0')}-TASK-WITH-A-LONG-CODE`,
  title: { zh: longTitle, en: longTitle },
  description: null,
  kind: 'report',
  paperKinds: [],
  appliesTo: { kind: 'all' },
  due: i % 2 === 0 ? '2011-05-10' : '2011-09-30',
  weight: 1 + (i % 3),
  position: i,
}));
const branches: Branch[] = Array.from({ length: 1000 }, (_, i) => ({
  id: i + 1,
  code: `YQ-${String(i).padStart(4, '0')}`,
  name: `县第${i}中学党总支部<委员会>&`.repeat(3),
  category: i % 2 ? 'primary' : 'secondary',
}));
const reports: Report[] = branches.flatMap((b) =>
  obligations.slice(0, b.id % 30).map((o) => ({
    id: b.id * 100 + o.id,
    obligationId: o.id,
    branchId: b.id,
    status: 'accepted' as const,
    heldOn: '2011-05-01',
    participants: 1,
    summary: '',
    evidence: [],
    submittedBy: 1,
    submittedAt: '2011-05-02T00:00:00Z',
    onTime: o.id % 4 !== 0,
    reviewedBy: null,
    reviewedAt: null,
    reviewComment: null,
    version: 1,
  })),
);
const ranked = rankBranches({
  branches,
  obligations,
  reports,
  exemptions: new Map([[1, new Set([1, 2, 3])]]),
  extensions: new Map(),
  today: '2011-06-20',
  rules,
  mode: 'running',
  period: 'year',
});

describe('the leaders’ messages stay within Block Kit limits', () => {
  it('when 1,000 branches with long names are ranked, then the message shows the top 20 and fits', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const message = rankingBlocks({
        locale,
        rows: ranked,
        category: null,
        period: 'year',
        mode: 'running',
        today: '2011-06-20',
        rules,
        previous: { month: '2011-05', entries: new Map() },
      });
      expect(validateBlockKit('message', message)).toEqual([]);
      const lines = message.blocks
        .filter((b) => b.type === 'section')
        .flatMap((b) => ('text' in b && b.text ? b.text.text.split('\n') : []));
      expect(lines).toHaveLength(TOP_N);
      expect(lines[0]).toContain('&lt;委员会&gt;&amp;');
    }
  });

  it('when a branch has sixty long tasks, then its explanation fits', () => {
    const row = ranked.find((r) => r.branch.id === 29)!;
    const message = explainBlocks({
      locale: 'zh-CN',
      row,
      total: 1000,
      totalInCategory: 500,
      mode: 'final',
      rules,
      exemptReasons: new Map([[1, '理由'.repeat(300)]]),
    });
    expect(validateBlockKit('message', message)).toEqual([]);
    expect(Array.from(message.text).length).toBeLessThanOrEqual(3000);
  });

  it('when the notice names hundreds of branches with long names, then the modal, the message and the list fit', () => {
    const overdue: OverdueBranch[] = branches.map((b) => ({
      branch: b,
      tasks: obligations.slice(0, 6).map((o) => ({ code: o.code, daysOverdue: 41 })),
    }));
    const draft = draftNotice('zh-CN', overdue, '2011-06-20', 7);
    expect(draft.body.length).toBeLessThanOrEqual(3000);
    expect(draft.body).toContain(' +2');
    const modal = noticeModal({
      locale: 'en',
      days: 7,
      count: overdue.length,
      draft,
      rev: 3,
      channelId: 'C0GENERAL',
      privateMetadata: JSON.stringify({ planId: 1, rev: 3 }),
    });
    expect(validateBlockKit('modal', modal)).toEqual([]);
    expect(validateBlockKit('message', noticeMessage('标'.repeat(150), draft.body))).toEqual([]);
    const list = noticeListBlocks(
      'zh-CN',
      Array.from({ length: 15 }, () => ({
        publishedAt: '2011-06-20',
        channelId: 'C0GENERAL',
        title: longTitle,
        branchCount: 300,
        minOverdueDays: 7,
      })),
    );
    expect(validateBlockKit('message', list)).toEqual([]);
  });
});
