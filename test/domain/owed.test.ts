import { describe, expect, it } from 'vitest';
import { branchChecklist } from '../../src/domain/checklist.js';
import { collectOwed, forEachPaperItem, isDone, itemsByBranch, type BranchesInput } from '../../src/domain/owed.js';
import type { Branch, Obligation, Report } from '../../src/domain/types.js';
import { anObligation } from '../helpers/fixtures.js';

const OBS: Obligation[] = [
  anObligation(1, 'A01', '2011-05-31'),
  anObligation(2, 'A02', '2011-06-30'),
  anObligation(3, 'A03', '2011-09-30', { appliesTo: { kind: 'categories', categories: ['office'] } }),
  anObligation(4, 'P01', '2011-11-30', {
    kind: 'paper',
    paperKinds: ['party_paper', 'typical_case'],
    appliesTo: { kind: 'ranks', ranks: ['school_cadre'] },
  }),
];
const PRIMARY: Branch = { id: 1, code: 'P1', name: '一小', category: 'primary' };
const OFFICE: Branch = { id: 2, code: 'O1', name: '机关', category: 'office' };
const TODAY = '2011-07-01';

/** A report as the one query reads it, in full (a `Report` is a `ReportState`). */
const state = (branchId: number, obligationId: number, status: Report['status'], onTime = true): Report => ({
  id: branchId * 100 + obligationId,
  obligationId,
  branchId,
  status,
  heldOn: '2011-05-20',
  participants: 1,
  summary: '',
  evidence: [],
  submittedBy: 1,
  submittedAt: '2011-05-20T02:00:00.000Z',
  onTime,
  reviewedBy: null,
  reviewedAt: null,
  reviewComment: null,
  version: 1,
});

function input(over: Partial<BranchesInput<Report>> = {}): BranchesInput<Report> {
  return {
    obligations: OBS,
    branches: [PRIMARY, OFFICE],
    reports: [],
    exemptions: new Map(),
    extensions: new Map(),
    today: TODAY,
    ...over,
  };
}

const statesOf = (i: BranchesInput<Report>, branchId: number) =>
  itemsByBranch(i)
    .get(branchId)!
    .map((x) => [x.obligation.code, x.state]);

describe('what a branch owes', () => {
  it('when the category decides, then a branch owes the tasks of its category and never a paper task', () => {
    expect(statesOf(input(), PRIMARY.id)).toEqual([
      ['A01', 'overdue'],
      ['A02', 'overdue'],
    ]);
    expect(statesOf(input(), OFFICE.id)).toEqual([
      ['A01', 'overdue'],
      ['A02', 'overdue'],
      ['A03', 'open'],
    ]);
  });

  it('when reports are submitted, accepted, returned or withdrawn, then only submitted and accepted ones count, on time or late', () => {
    const reports = [state(2, 1, 'submitted', false), state(2, 2, 'returned'), state(2, 3, 'withdrawn')];
    expect(statesOf(input({ reports }), OFFICE.id)).toEqual([
      ['A01', 'done_late'],
      ['A02', 'returned'],
      ['A03', 'open'], // withdrawn: as good as none
    ]);
    expect(statesOf(input({ reports: [state(1, 1, 'accepted')] }), PRIMARY.id)[0]).toEqual(['A01', 'done_on_time']);
  });

  it('when a task is exempted, then it is exempt whatever its report, and an extension moves its due date', () => {
    const i = input({
      reports: [state(1, 1, 'accepted')],
      exemptions: new Map([[1, new Set([1])]]),
      extensions: new Map([[1, new Map([[2, '2011-07-15']])]]),
    });
    const items = itemsByBranch(i).get(PRIMARY.id)!;
    expect(items.map((x) => [x.obligation.code, x.state, x.due, x.originalDue, x.daysLeft])).toEqual([
      ['A01', 'exempt', '2011-05-31', '2011-05-31', -31],
      ['A02', 'open', '2011-07-15', '2011-06-30', 14],
    ]);
    // The other branch keeps the plan's dates.
    expect(statesOf(i, OFFICE.id)[1]).toEqual(['A02', 'overdue']);
  });

  it('when a checklist, the bulk items and the job items are taken of the same facts, then they agree item by item', () => {
    let seed = 11;
    const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const categories = ['primary', 'office', 'unit'] as const;
    const branches = Array.from({ length: 30 }, (_, i) => ({
      id: i + 1,
      code: `B${i}`,
      name: `b${i}`,
      category: categories[i % 3]!,
    }));
    const statuses: Report['status'][] = ['submitted', 'accepted', 'returned', 'withdrawn'];
    const reports = branches.flatMap((b) =>
      [1, 2, 3].filter(() => rnd() < 0.6).map((o) => state(b.id, o, statuses[Math.floor(rnd() * 4)]!, rnd() < 0.5)),
    );
    const i = input({
      branches,
      reports,
      exemptions: new Map(branches.filter(() => rnd() < 0.3).map((b) => [b.id, new Set([2])])),
      extensions: new Map(branches.filter(() => rnd() < 0.3).map((b) => [b.id, new Map([[1, '2011-07-20']])])),
    });
    const bulk = itemsByBranch(i);
    const owed = collectOwed({ ...i, people: [], papers: [] });
    expect(owed).toHaveLength([...bulk.values()].reduce((n, l) => n + l.length, 0));
    for (const branch of branches) {
      const items = bulk.get(branch.id)!;
      const checklist = branchChecklist({
        obligations: OBS,
        category: branch.category,
        reports: reports.filter((r) => r.branchId === branch.id),
        today: TODAY,
        exemptObligationIds: i.exemptions.get(branch.id)!,
        extendedDue: i.extensions.get(branch.id)!,
      });
      const key = (x: { obligation: Obligation; due: string; state: string }) =>
        `${x.obligation.id}:${x.due}:${x.state}`;
      expect(checklist.map(key).sort()).toEqual(items.map(key).sort());
      const jobs = owed.filter((o) => o.branch?.id === branch.id);
      expect(jobs.map((o) => [o.obligation.id, o.due, o.done, o.exempt])).toEqual(
        items.map((x) => [x.obligation.id, x.due, isDone(x.state), x.state === 'exempt']),
      );
    }
  });
});

describe('what a person owes', () => {
  const people = [
    { id: 10, rank: 'school_cadre' as const, branchId: 1 },
    { id: 11, rank: 'school_cadre' as const, branchId: null },
    { id: 12, rank: 'member' as const, branchId: 1 },
    { id: 13, rank: null, branchId: 1 },
  ];
  const paper = (authorId: number, kind: string, status: string) => ({ authorId, kind, status });

  it('when papers of several kinds and statuses are in, then a cadre is done with one of their own, of an allowed kind, that counts', () => {
    const done = new Map<number, boolean>();
    forEachPaperItem(
      {
        obligations: OBS,
        people: [...people, { id: 14, rank: 'school_cadre' as const, branchId: 1 }],
        papers: [
          paper(10, 'typical_case', 'accepted'),
          paper(11, 'research_report', 'submitted'), // a kind this task does not take
          paper(11, 'party_paper', 'returned'),
          paper(12, 'party_paper', 'accepted'), // a member owes none
          paper(14, 'party_paper', 'withdrawn'),
        ],
      },
      (ob, person, isDone) => done.set(person.id, isDone),
    );
    expect([...done]).toEqual([
      [10, true],
      [11, false],
      [14, false],
    ]);
  });

  it('when the jobs list what is owed, then a paper item carries its author, the author’s branch and the plan’s date', () => {
    const items = collectOwed({ ...input({ branches: [PRIMARY] }), people, papers: [] }).filter((o) => o.person);
    expect(
      items.map((o) => [o.person!.id, o.branch?.code ?? null, o.obligation.code, o.due, o.done, o.exempt]),
    ).toEqual([
      [10, 'P1', 'P01', '2011-11-30', false, false],
      [11, null, 'P01', '2011-11-30', false, false],
    ]);
  });
});
