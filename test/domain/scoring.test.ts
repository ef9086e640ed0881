import { describe, expect, it } from 'vitest';
import { overdueBranches } from '../../src/domain/notice.js';
import { parsePacesetterText } from '../../src/domain/leader-requests.js';
import {
  categoryRanking,
  competitionRanks,
  parseRankingsText,
  rankBranches,
  rankChange,
  type RankingInput,
} from '../../src/domain/ranking.js';
import { counts, modeOn, scoreItems } from '../../src/domain/scoring.js';
import { branchChecklist } from '../../src/domain/checklist.js';
import type { Branch, Obligation, Report } from '../../src/domain/types.js';
import { draftNotice } from '../../src/ui/notice.js';
import { anObligation } from '../helpers/fixtures.js';

const rules = { onTime: 1, late: 0.5 };

function ob(
  id: number,
  code: string,
  due: string,
  weight = 1,
  appliesTo: Obligation['appliesTo'] = { kind: 'all' },
): Obligation {
  return anObligation(id, code, due, { weight, appliesTo });
}

function report(branchId: number, obligationId: number, status: Report['status'], onTime = true): Report {
  return {
    id: branchId * 100 + obligationId,
    obligationId,
    branchId,
    status,
    heldOn: '2011-05-01',
    participants: 10,
    summary: 's',
    evidence: [],
    submittedBy: 1,
    submittedAt: '2011-05-01T02:00:00.000Z',
    onTime,
    reviewedBy: null,
    reviewedAt: null,
    reviewComment: null,
    version: 1,
  };
}

const branch = (id: number, code: string, category: Branch['category'] = 'primary'): Branch => ({
  id,
  code,
  name: `Branch ${code}`,
  category,
});

// Due dates: two passed (May), one not yet (September) on 2011-06-20.
const obligations = [
  ob(1, 'A01', '2011-05-10', 1),
  ob(2, 'A02', '2011-05-31', 2),
  ob(3, 'A03', '2011-09-30', 1),
  ob(4, 'A04', '2011-06-30', 1, { kind: 'categories', categories: ['secondary'] }),
];
const today = '2011-06-20';

function input(over: Partial<RankingInput> = {}): RankingInput {
  return {
    branches: [],
    obligations,
    reports: [],
    exemptions: new Map(),
    extensions: new Map(),
    today,
    rules,
    mode: 'running',
    period: 'year',
    ...over,
  };
}

function itemsFor(reports: Report[], extra: { exempt?: number[]; today?: string } = {}) {
  return branchChecklist({
    obligations,
    category: 'primary',
    reports,
    today: extra.today ?? today,
    exemptObligationIds: new Set(extra.exempt ?? []),
  });
}

describe('a branch score', () => {
  it('when every task due is done on time, then the score is 100 and the task not yet due does not count', () => {
    const s = scoreItems(itemsFor([report(1, 1, 'accepted'), report(1, 2, 'submitted')]), rules, 'running');
    expect(s).toMatchObject({ earned: 3, possible: 3, score: 100 });
    expect(s.lines.find((l) => l.obligation.code === 'A03')).toMatchObject({ counted: false, earned: 0, possible: 0 });
  });

  it('when a task is done late, then it earns the late credit times its weight', () => {
    const s = scoreItems(itemsFor([report(1, 1, 'accepted'), report(1, 2, 'submitted', false)]), rules, 'running');
    expect(s).toMatchObject({ earned: 2, possible: 3, score: 66.7 });
  });

  it('when a task is overdue or returned, then it earns nothing but still counts', () => {
    const s = scoreItems(itemsFor([report(1, 2, 'returned')]), rules, 'running');
    expect(s).toMatchObject({ earned: 0, possible: 3, score: 0 });
    expect(s.lines.map((l) => l.state)).toEqual(['overdue', 'returned', 'open']);
  });

  it('when a task not yet due is already reported, then it counts (early work is not held back)', () => {
    const s = scoreItems(itemsFor([report(1, 3, 'submitted')]), rules, 'running');
    expect(s).toMatchObject({ earned: 1, possible: 4, score: 25 });
  });

  it('when a report is returned before its due date, then it does not count until the date passes', () => {
    const s = scoreItems(itemsFor([report(1, 3, 'returned')]), rules, 'running');
    expect(s.lines.find((l) => l.obligation.code === 'A03')).toMatchObject({ state: 'returned', counted: false });
    expect(s).toMatchObject({ earned: 0, possible: 3 });
    expect(counts({ state: 'returned', daysLeft: -1 }, 'running')).toBe(true);
    expect(counts({ state: 'returned', daysLeft: 0 }, 'running')).toBe(false);
    expect(counts({ state: 'returned', daysLeft: 5 }, 'final')).toBe(true);
  });

  it('when a task is exempted, then it leaves the denominator', () => {
    const s = scoreItems(itemsFor([report(1, 1, 'accepted')], { exempt: [2] }), rules, 'running');
    expect(s).toMatchObject({ earned: 1, possible: 1, score: 100 });
    expect(s.lines.find((l) => l.obligation.code === 'A02')).toMatchObject({ state: 'exempt', counted: false });
  });

  it('when the year is over, then every task that applies counts', () => {
    expect(modeOn('2012-01-01', '2011-12-31')).toBe('final');
    expect(modeOn('2011-12-31', '2011-12-31')).toBe('running');
    const s = scoreItems(itemsFor([report(1, 1, 'accepted')]), rules, 'final');
    expect(s).toMatchObject({ earned: 1, possible: 4, score: 25 });
  });

  it('when nothing is due or reported yet, then there is no score', () => {
    const s = scoreItems(itemsFor([], { today: '2011-04-20' }), rules, 'running');
    expect(s.score).toBeNull();
  });
});

describe('the ranking', () => {
  it('when scores tie, then they share a rank and the next rank skips (1, 2, 2, 4)', () => {
    const ranked = competitionRanks(
      [
        { c: 'D', s: 50 },
        { c: 'B', s: 80 },
        { c: 'A', s: 100 },
        { c: 'C', s: 80 },
        { c: 'E', s: null },
      ],
      (r) => r.s,
      (r) => r.c,
    );
    expect(ranked.map((r) => [r.row.c, r.rank])).toEqual([
      ['A', 1],
      ['B', 2],
      ['C', 2],
      ['D', 4],
      ['E', null],
    ]);
  });

  it('when scores differ only by rounding, then they tie', () => {
    const branches = [branch(1, 'P1'), branch(2, 'P2'), branch(3, 'P3')];
    // P1: 2 of 3 on the first two tasks; P2 the same by other means; P3 none.
    const reports = [report(1, 2, 'accepted'), report(2, 1, 'accepted'), report(2, 2, 'submitted', false)];
    const ranked = rankBranches(input({ branches, reports }));
    expect(ranked.map((r) => [r.branch.code, r.score.score, r.rank])).toEqual([
      ['P1', 66.7, 1],
      ['P2', 66.7, 1],
      ['P3', 0, 3],
    ]);
  });

  it('when branches are of different categories, then each also has a rank within its category', () => {
    const branches = [branch(1, 'P1'), branch(2, 'S1', 'secondary'), branch(3, 'S2', 'secondary')];
    const reports = [
      report(1, 1, 'accepted'),
      report(2, 1, 'accepted'),
      report(2, 2, 'accepted'),
      report(3, 1, 'accepted'),
      report(3, 2, 'accepted', false),
    ];
    const ranked = rankBranches(input({ branches, reports }));
    expect(ranked.map((r) => [r.branch.code, r.rank, r.rankInCategory])).toEqual([
      ['S1', 1, 1],
      ['S2', 2, 2],
      ['P1', 3, 1],
    ]);
    expect(categoryRanking(ranked, 'secondary').map((r) => r.branch.code)).toEqual(['S1', 'S2']);
  });

  it('when an extension was approved, then the task is not overdue before the new date', () => {
    const branches = [branch(1, 'P1')];
    const ranked = rankBranches(
      input({
        branches,
        reports: [report(1, 1, 'accepted')],
        extensions: new Map([[1, new Map([[2, '2011-07-15']])]]),
      }),
    );
    expect(ranked[0]!.score).toMatchObject({ earned: 1, possible: 1, score: 100 });
  });

  it('when the period is the month, then only the tasks the plan puts due in that month count', () => {
    const branches = [branch(1, 'P1')];
    const ranked = rankBranches(
      input({ branches, reports: [report(1, 1, 'accepted')], today: '2011-05-31', period: 'month' }),
    );
    expect(ranked[0]!.score.lines.map((l) => l.obligation.code)).toEqual(['A01', 'A02']);
    expect(ranked[0]!.score).toMatchObject({ earned: 1, possible: 1 });
  });

  it('when compared with last month, then places gained are positive and a newcomer has no arrow', () => {
    const [row] = rankBranches(input({ branches: [branch(1, 'P1')], reports: [report(1, 1, 'accepted')] }));
    expect(rankChange(row!, { branchId: 1, score: 10, rank: 4, rankInCategory: 2 }, false)).toBe(3);
    expect(rankChange(row!, { branchId: 1, score: 10, rank: 4, rankInCategory: 2 }, true)).toBe(1);
    expect(rankChange(row!, undefined, false)).toBeNull();
  });
});

describe('reading the commands', () => {
  const aliases = new Map([['中学', 'secondary' as const]]);
  it('when /rankings has words in any order, then they are read; an unknown word asks for the usage', () => {
    expect(parseRankingsText('')).toEqual({ kind: 'list', category: null, period: 'year', public: false });
    expect(parseRankingsText('public MONTH primary')).toEqual({
      kind: 'list',
      category: 'primary',
      period: 'month',
      public: true,
    });
    expect(parseRankingsText('中学', aliases)).toMatchObject({ category: 'secondary' });
    expect(parseRankingsText('explain 延庆 一中')).toEqual({ kind: 'explain', branch: '延庆 一中' });
    expect(parseRankingsText('explain')).toEqual({ kind: 'invalid' });
    expect(parseRankingsText('everything')).toEqual({ kind: 'invalid' });
    expect(parseRankingsText('x'.repeat(400))).toEqual({ kind: 'invalid' });
  });

  it('when /pacesetter exempt lacks a reason or a valid code, then it is invalid', () => {
    expect(parsePacesetterText('exempt YQ-ZX1 a04-openness merged into another school')).toEqual({
      kind: 'exempt',
      branch: 'YQ-ZX1',
      obligation: 'A04-OPENNESS',
      reason: 'merged into another school',
    });
    expect(parsePacesetterText('exempt YQ-ZX1 A04-OPENNESS')).toEqual({ kind: 'invalid', usage: 'exempt' });
    expect(parsePacesetterText('exempt YQ-ZX1 <script> why')).toEqual({ kind: 'invalid', usage: 'exempt' });
    expect(parsePacesetterText('unexempt YQ-ZX1 A04-OPENNESS')).toEqual({
      kind: 'unexempt',
      branch: 'YQ-ZX1',
      obligation: 'A04-OPENNESS',
      reason: null,
    });
    expect(parsePacesetterText('export 2011')).toEqual({ kind: 'export', year: 2011 });
    expect(parsePacesetterText('export 11x')).toEqual({ kind: 'invalid', usage: 'export' });
    expect(parsePacesetterText('')).toEqual({ kind: 'help' });
    expect(parsePacesetterText('dance')).toEqual({ kind: 'invalid', usage: 'help' });
  });
});

describe('the notice', () => {
  const branches = [branch(1, 'P1'), branch(2, 'P2'), branch(3, 'P3')];
  it('when tasks are overdue by at least N days, then those branches are named, the longest overdue first, exempted tasks never', () => {
    // A01 is 41 days overdue on 2011-06-20, A02 20 days.
    const reports = [report(1, 1, 'accepted'), report(1, 2, 'accepted'), report(3, 2, 'returned')];
    const found = overdueBranches(input({ branches, reports, exemptions: new Map([[2, new Set([1])]]) }), 20);
    expect(found.map((o) => [o.branch.code, o.tasks])).toEqual([
      [
        'P3',
        [
          { code: 'A01', daysOverdue: 41 },
          { code: 'A02', daysOverdue: 20 },
        ],
      ],
      ['P2', [{ code: 'A02', daysOverdue: 20 }]],
    ]);
    expect(overdueBranches(input({ branches, reports }), 30).map((o) => o.branch.code)).toEqual(['P2', 'P3']);
  });

  it('when hundreds of branches are overdue, then the draft still fits the 3000-character text field', () => {
    const many = Array.from({ length: 400 }, (_, i) => branch(i + 1, `YQ-B${i}`));
    const draft = draftNotice('zh-CN', overdueBranches(input({ branches: many }), 1), today, 1);
    expect(draft.body.length).toBeLessThanOrEqual(3000);
    expect(draft.body).toContain('另有');
    expect(draft.body.startsWith('截至 2011-06-20，以下 400 个基层党组织有任务逾期 1 天以上')).toBe(true);
  });
});
