import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createWorkCalendar } from '../../src/domain/calendar.js';
import {
  eligibilityRefusal,
  nominationQuotaRefusal,
  nominationsOpen,
  nomineeKey,
  publicityPeriod,
  reviewAllowed,
  roundAppliesTo,
  roundPhase,
  shortlistRefusal,
  type AwardCategory,
  type Round,
} from '../../src/domain/commendations.js';
import { parseCommendText } from '../../src/domain/commendation-forms.js';
import { parsePlan } from '../../src/domain/plan.js';
import { PLAN_2011 } from '../helpers/db.js';

const source = fs.readFileSync(PLAN_2011, 'utf8');
const parsed = parsePlan(source);
if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
const [july1, ethics] = parsed.value.commendations!.rounds as [Round, Round];
const category = (round: Round, code: string) => round.categories.find((c) => c.code === code)! as AwardCategory;

function problems(edit: (s: string) => string): string[] {
  const p = parsePlan(edit(source));
  if (p.ok) throw new Error('the edited plan was accepted');
  return p.problems;
}

describe('the plan file’s commendations section', () => {
  it('when the shipped 2011 plan is read, then it has the July 1 round with four categories and the ethics round for schools, with the seed’s dates', () => {
    expect(july1).toMatchObject({
      code: 'JULY1',
      nominations_due: '2011-06-15',
      announce_by: '2011-06-30',
      obligation: 'A01-NOMINATE',
    });
    expect(july1.categories.map((c) => [c.title.zh, c.nominee])).toEqual([
      ['先进基层党组织', 'branch'],
      ['优秀共产党员', 'person'],
      ['优秀党务工作者', 'person'],
      ['优秀基层党建创新项目', 'project'],
    ]);
    expect(ethics).toMatchObject({
      nominations_due: '2011-08-31',
      announce_by: '2011-09-09',
      obligation: 'A10-MODELS',
    });
    expect(ethics.applies_to?.categories).toEqual(['primary', 'secondary', 'kindergarten', 'vocational', 'adult']);
    expect(category(ethics, 'ETHICS-MODEL').title.zh).toBe('师德标兵');
  });

  it('when a round’s dates are outside the plan or out of order, a quota is below zero, or eligibility fits no nominee, then each is named', () => {
    const found = problems((s) =>
      s
        .replace('nominations_due: 2011-08-31', 'nominations_due: 2012-08-31')
        .replace('announce_by: 2011-06-30 # the meeting', 'announce_by: 2011-06-01 # the meeting')
        .replace('quota: { per_branch: 1, total: 15 }', 'quota: { per_branch: -1, total: 15 }')
        .replace('eligibility: { max_overdue: 0 }', 'eligibility: { max_overdue: 0, min_stage: award }'),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        "commendations.rounds[1].nominations_due: must be within the plan's period 2011-04-08 to 2011-12-31",
        'commendations.rounds[0].categories[2].quota.per_branch: must be 0 or more',
      ]),
    );
    const order = problems((s) =>
      s.replace('announce_by: 2011-06-30 # the meeting', 'announce_by: 2011-06-01 # the meeting'),
    );
    expect(order).toEqual(['commendations.rounds[0].announce_by: 2011-06-01 is before nominations_due 2011-06-15']);
    const kind = problems((s) =>
      s.replace('eligibility: { max_overdue: 0 }', 'eligibility: { max_overdue: 0, min_stage: award }'),
    );
    expect(kind).toEqual([
      'commendations.rounds[0].categories[0].eligibility.min_stage: only a category whose nominee is project has min_stage',
    ]);
  });

  it('when a project category has no projects section, or a round names an unknown obligation, then it is refused', () => {
    const noProjects =
      source.slice(0, source.indexOf('\n# Innovation projects (activity 8)')) +
      source.slice(source.indexOf('\n# Commendation rounds'));
    const p = parsePlan(noProjects.replace('obligation: A10-MODELS', 'obligation: A10-NOPE'));
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.problems).toEqual([
      'commendations.rounds[0].categories[3].nominee: a project nominee needs the plan to have a projects section',
      'commendations.rounds[1].obligation: A10-NOPE is not a report obligation of this plan',
    ]);
  });
});

describe('nominations: quotas and eligibility', () => {
  const advanced = category(july1, 'ADVANCED-BRANCH');
  const member = category(july1, 'EXCELLENT-MEMBER');
  const project = category(july1, 'EXCELLENT-PROJECT');

  it('when a branch nominates itself as advanced, then it must have no more overdue tasks than the plan allows', () => {
    expect(eligibilityRefusal(advanced, 3, { kind: 'branch', branchId: 3, overdue: 0 })).toBeNull();
    expect(eligibilityRefusal(advanced, 3, { kind: 'branch', branchId: 3, overdue: 2 })).toEqual({
      key: 'overdue',
      overdue: 2,
      max: 0,
    });
    expect(eligibilityRefusal(advanced, 3, { kind: 'branch', branchId: 4, overdue: 0 })).toEqual({
      key: 'outside_branch',
    });
  });

  it('when a person is nominated, then they must be in the roster and in the nominating branch', () => {
    const person = (v: Partial<{ personId: number | null; branchId: number | null; active: boolean }>) => ({
      kind: 'person' as const,
      personId: 9,
      branchId: 3,
      rank: 'member' as const,
      active: true,
      ...v,
    });
    expect(eligibilityRefusal(member, 3, person({}))).toBeNull();
    expect(eligibilityRefusal(member, 3, person({ branchId: 4 }))).toEqual({ key: 'outside_branch' });
    expect(eligibilityRefusal(member, 3, person({ personId: null }))).toEqual({ key: 'not_in_roster' });
    expect(eligibilityRefusal(member, 3, person({ active: false }))).toEqual({ key: 'not_in_roster' });
    const ranked = { ...member, eligibility: { ranks: ['school_cadre' as const] } };
    expect(eligibilityRefusal(ranked, 3, person({}))).toEqual({ key: 'rank' });
    expect(eligibilityRefusal(advanced, 3, person({}))).toEqual({ key: 'not_applicable' });
  });

  it('when a project is nominated, then it is the branch’s own and has reached 申报', () => {
    expect(
      eligibilityRefusal(project, 3, { kind: 'project', projectId: 1, branchId: 3, stage: 'application' }),
    ).toBeNull();
    expect(eligibilityRefusal(project, 3, { kind: 'project', projectId: 1, branchId: 3, stage: 'award' })).toBeNull();
    expect(
      eligibilityRefusal(project, 3, { kind: 'project', projectId: 1, branchId: 3, stage: 'implementation' }),
    ).toEqual({
      key: 'stage',
      stage: 'implementation',
      min: 'application',
    });
    expect(eligibilityRefusal(project, 3, { kind: 'project', projectId: 1, branchId: 5, stage: 'award' })).toEqual({
      key: 'not_own_project',
    });
  });

  it('when a branch has used its nominations, or the date passed, or publicity began, then no more', () => {
    expect(nominationQuotaRefusal(member, 1)).toBeNull();
    expect(nominationQuotaRefusal(member, 2)).toEqual({ key: 'quota', quota: 2 });
    expect(nominationsOpen(july1, '2011-06-15', null, false)).toBeNull();
    expect(nominationsOpen(july1, '2011-06-16', null, false)).toEqual({ key: 'closed', due: '2011-06-15' });
    expect(nominationsOpen(july1, '2011-06-16', '2011-06-18', false)).toBeNull();
    expect(nominationsOpen(july1, '2011-06-10', null, true)).toEqual({ key: 'publicity_started' });
    expect(roundAppliesTo(ethics, 'primary')).toBe(true);
    expect(roundAppliesTo(ethics, 'office')).toBe(false);
    expect(roundAppliesTo(july1, 'office')).toBe(true);
  });

  it('when nominees are keyed, then a person, a branch and a project never share a key', () => {
    expect(new Set([nomineeKey('person', 1), nomineeKey('branch', 1), nomineeKey('project', 1)]).size).toBe(3);
  });
});

describe('the shortlist, the publicity and the round’s phase', () => {
  const model = category(ethics, 'ETHICS-MODEL');

  it('when the shortlist fills, then the total and the per-category places hold', () => {
    const five = Array.from({ length: 5 }, () => ({ branchCategory: 'primary' as const }));
    expect(shortlistRefusal(model, five, 'secondary')).toBeNull();
    expect(shortlistRefusal(model, [...five, ...five.slice(0, 3)], 'primary')).toEqual({
      key: 'per_category',
      quota: 8,
      category: 'primary',
    });
    const twenty = Array.from({ length: 20 }, () => ({ branchCategory: 'secondary' as const }));
    expect(shortlistRefusal(model, twenty, 'adult')).toEqual({ key: 'total', quota: 20 });
  });

  it('when publicity starts, then it lasts the plan’s working days, past holidays', () => {
    const calendar = createWorkCalendar({});
    expect(publicityPeriod(calendar, '2011-06-20', 5)).toEqual({ from: '2011-06-20', to: '2011-06-24' });
    // Saturday start: from Monday.
    expect(publicityPeriod(calendar, '2011-06-18', 5)).toEqual({ from: '2011-06-20', to: '2011-06-24' });
    // Across National Day (Oct 1–7) and its make-up working days (Oct 8–9).
    expect(publicityPeriod(calendar, '2011-09-29', 5)).toEqual({ from: '2011-09-29', to: '2011-10-10' });
  });

  it('when the round is read on a day, then its phase follows the dates and the publicity', () => {
    expect(roundPhase(july1, '2011-06-15', null)).toBe('nominating');
    expect(roundPhase(july1, '2011-06-16', null)).toBe('reviewing');
    const p = { startsOn: '2011-06-20', endsOn: '2011-06-24', announcedAt: null };
    expect(roundPhase(july1, '2011-06-24', p)).toBe('publicity');
    expect(roundPhase(july1, '2011-06-27', p)).toBe('closing');
    expect(roundPhase(july1, '2011-06-27', { ...p, announcedAt: '2011-06-27T02:00:00Z' })).toBe('announced');
  });

  it('when a leader decides, then each decision applies to its statuses only', () => {
    expect(reviewAllowed('submitted', 'accept')).toBe(true);
    expect(reviewAllowed('returned', 'accept')).toBe(false);
    expect(reviewAllowed('accepted', 'shortlist')).toBe(true);
    expect(reviewAllowed('shortlisted', 'unshortlist')).toBe(true);
    expect(reviewAllowed('awarded', 'return')).toBe(false);
  });

  it('when /commend is typed, then review takes a round, a category and a page', () => {
    expect(parseCommendText('')).toEqual({ kind: 'mine' });
    expect(parseCommendText('review JULY1 EXCELLENT-MEMBER 2')).toEqual({
      kind: 'review',
      round: 'JULY1',
      category: 'EXCELLENT-MEMBER',
      page: 2,
    });
    expect(parseCommendText('评审')).toEqual({ kind: 'review', round: null, category: null, page: 1 });
    expect(parseCommendText('review <script>')).toEqual({ kind: 'help' });
  });
});
