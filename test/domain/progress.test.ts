import { describe, expect, it } from 'vitest';
import { branchCounts, branchStatuses, matchBranches, overview, parseProgressText } from '../../src/domain/progress.js';
import type { Branch, Obligation, Report } from '../../src/domain/types.js';
import { anObligation } from '../helpers/fixtures.js';

const ob = (id: number, due: string, over: Partial<Obligation> = {}): Obligation =>
  anObligation(id, `T${id}`, due, over);
const OBS = [
  ob(1, '2011-05-10'),
  ob(2, '2011-06-30'),
  ob(3, '2011-09-30', { appliesTo: { kind: 'categories', categories: ['office'] } }),
];
const br = (id: number, code: string, name: string, category: Branch['category']): Branch => ({
  id,
  code,
  name,
  category,
});
const BRANCHES = [
  br(1, 'YQ-ZX1', '延庆一中党总支', 'secondary'),
  br(2, 'YQ-ZX2', '延庆二中党支部', 'secondary'),
  br(3, 'YQ-JG1', '教工委机关党支部', 'office'),
];
const report = (branchId: number, obligationId: number, status: Report['status'] = 'accepted'): Report => ({
  id: branchId * 10 + obligationId,
  obligationId,
  branchId,
  status,
  heldOn: '2011-05-01',
  participants: 1,
  summary: 's',
  evidence: [],
  submittedBy: 1,
  submittedAt: '2011-05-01T00:00:00.000Z',
  onTime: true,
  reviewedBy: null,
  reviewedAt: null,
  reviewComment: null,
  version: 1,
});

describe('branch statuses and the leaders overview', () => {
  const statuses = branchStatuses(BRANCHES, {
    obligations: OBS,
    reports: [report(1, 1), report(1, 2, 'returned'), report(3, 1)],
    today: '2011-07-01',
    extensions: new Map([[2, new Map([[2, '2011-07-15']])]]),
    exemptions: new Map([[3, new Set([3])]]),
  });

  it('when reports, returns, extensions and exemptions mix, then each branch counts them right', () => {
    expect(statuses.map((s) => [s.branch.code, s.total, s.done, s.overdue, s.returned])).toEqual([
      ['YQ-ZX1', 2, 1, 0, 1],
      ['YQ-ZX2', 2, 0, 1, 0], // T2 extended to 07-15: not overdue yet
      ['YQ-JG1', 2, 1, 1, 0], // T3 exempted: out of the total
    ]);
  });

  it('when the overview is taken, then each category with branches has a line, and laggards come most overdue first', () => {
    const o = overview(statuses);
    expect(o.categories.map((c) => [c.category, c.branches, c.pct, c.overdue, c.overdueBranches])).toEqual([
      ['secondary', 2, 25, 1, 1],
      ['office', 1, 50, 1, 1],
    ]);
    expect(o.all).toMatchObject({ branches: 3, total: 6, done: 2, pct: 33 });
    expect(o.laggards.map((s) => s.branch.code)).toEqual(['YQ-JG1', 'YQ-ZX2']);
  });

  it('when no task applies, then completion reads 100%', () => {
    expect(overview([]).all.pct).toBe(100);
  });
});

describe('/progress text', () => {
  it.each([
    ['', { kind: 'mine' }],
    ['  ALL ', { kind: 'all' }],
    ['全部', { kind: 'all' }],
    ['help', { kind: 'help' }],
    ['延庆  一中', { kind: 'branch', query: '延庆 一中' }],
    ['x'.repeat(101), { kind: 'help' }],
  ])('when the text is %j, then the request is understood', (text, expected) => {
    expect(parseProgressText(text)).toEqual(expected);
  });

  it('when a leader names a branch, then exact codes (any case) and names win over parts of names', () => {
    expect(matchBranches(BRANCHES, 'yq-zx1').map((b) => b.code)).toEqual(['YQ-ZX1']);
    expect(matchBranches(BRANCHES, '延庆').map((b) => b.code)).toEqual(['YQ-ZX1', 'YQ-ZX2']);
    expect(matchBranches(BRANCHES, '延庆二中党支部').map((b) => b.code)).toEqual(['YQ-ZX2']);
    expect(matchBranches(BRANCHES, 'nope')).toEqual([]);
  });
});

describe('counts for the overview', () => {
  it('when counted without checklists, then every branch gets the same numbers as its checklist gives', () => {
    // A small deterministic mix of categories, reports, returns, extensions and exemptions.
    let seed = 7;
    const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const categories = ['primary', 'secondary', 'office', 'unit'] as const;
    const branches = Array.from({ length: 40 }, (_, i) =>
      br(i + 1, `B${i}`, `b${i}`, categories[i % categories.length]!),
    );
    const statuses: Report['status'][] = ['submitted', 'accepted', 'returned', 'withdrawn'];
    const reports = branches.flatMap((b) =>
      OBS.filter(() => rnd() < 0.6).map((o) => ({
        ...report(b.id, o.id, statuses[Math.floor(rnd() * 4)]!),
        onTime: rnd() < 0.5,
      })),
    );
    const extensions = new Map(branches.filter(() => rnd() < 0.3).map((b) => [b.id, new Map([[2, '2011-07-15']])]));
    const exemptions = new Map(branches.filter(() => rnd() < 0.3).map((b) => [b.id, new Set([1])]));
    const input = { obligations: OBS, reports, today: '2011-07-01', extensions, exemptions };
    const strip = ({
      branch,
      total,
      done,
      overdue,
      returned,
    }: {
      branch: Branch;
      total: number;
      done: number;
      overdue: number;
      returned: number;
    }) => ({ code: branch.code, total, done, overdue, returned });
    expect(branchCounts(branches, input).map(strip)).toEqual(branchStatuses(branches, input).map(strip));
  });
});
