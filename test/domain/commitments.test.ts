import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  branchRates,
  canConfirm,
  canEditCommitments,
  canReportFulfilment,
  computedCommitmentsDone,
  CommitmentsSchema,
  fulfilmentOpen,
  fulfilmentState,
  mayConfirm,
  mustCommit,
  parseCommitmentForm,
  parseConfirmForm,
  parseFulfilmentForm,
  percentOf,
  planCommitmentReminders,
  postingDue,
  windowState,
} from '../../src/domain/commitments.js';
import { parsePlan } from '../../src/domain/plan.js';
import { PLAN_2011 } from '../helpers/db.js';

const source = fs.readFileSync(PLAN_2011, 'utf8');

function problems(edit: (s: string) => string): string[] {
  const parsed = parsePlan(edit(source));
  if (parsed.ok) throw new Error('the edited plan was accepted');
  return parsed.problems;
}
const computed = (s: string, threshold = '\n        threshold: 90') =>
  s.replace(/(code: A03-COMMIT[\s\S]*?)kind: report/, `$1kind: commitments${threshold}`);

const rules = CommitmentsSchema.parse({
  opens: '2011-04-11',
  closes: '2011-05-31',
  fulfilment: { opens: '2011-12-01', due: '2011-12-20' },
});

describe('the plan file’s commitments section', () => {
  it('when the shipped 2011 plan is read, then members and activists commit 1 to 5 by May 31 and report fulfilment in December', () => {
    const parsed = parsePlan(source);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect(parsed.value.commitments).toEqual({
      ranks: ['division_leader', 'school_cadre', 'member', 'activist'],
      opens: '2011-04-11',
      closes: '2011-05-31',
      per_person: { min: 1, max: 5 },
      fulfilment: { opens: '2011-12-01', due: '2011-12-20' },
    });
  });

  it('when only the dates are given, then every rank of party member and activists must commit, 1 to 5 each', () => {
    expect(rules.ranks).toEqual(['division_leader', 'school_cadre', 'member', 'activist']);
    expect(rules.per_person).toEqual({ min: 1, max: 5 });
  });

  it('when the limits leave 1 to 5 and a rank is unknown, then each is named by its path', () => {
    expect(
      problems((s) =>
        s
          .replace('per_person: { min: 1, max: 5 }', 'per_person: { min: 0, max: 7 }')
          .replace('ranks: [division_leader, school_cadre, member, activist]', 'ranks: [member, volunteer]'),
      ),
    ).toEqual([
      'commitments.ranks[1]: "volunteer" is not a person rank; expected one of division_leader, school_cadre, member, activist',
      'commitments.per_person.min: at least 1',
      'commitments.per_person.max: at most 5',
    ]);
  });

  it('when the window closes before it opens, fulfilment opens inside it, or min is above max, then each is named by its path', () => {
    expect(
      problems((s) =>
        s
          .replace('  closes: 2011-05-31\n', '  closes: 2011-04-01\n')
          .replace('    opens: 2011-12-01\n', '    opens: 2011-03-01\n')
          .replace('per_person: { min: 1, max: 5 }', 'per_person: { min: 4, max: 2 }'),
      ),
    ).toEqual(
      expect.arrayContaining([
        'commitments.per_person.min: must not be more than per_person.max',
        'commitments.closes: must not be before opens (2011-04-11)',
        'commitments.fulfilment.opens: must not be before closes (2011-04-01)',
      ]),
    );
  });

  it('when a date is not a date, a key is unknown or a date lies outside the plan, then each is named by its path', () => {
    expect(
      problems((s) =>
        s
          .replace('    due: 2011-12-20\n', '    due: 2012-03-01\n')
          .replace('  opens: 2011-04-11\n', '  opens: 2011-04-31\n  colour: red\n'),
      ),
    ).toEqual([
      'commitments.opens: expected a date like 2011-06-30',
      'commitments: Unrecognized key: "colour"',
      "commitments.fulfilment.due: must be within the plan's period 2011-04-08 to 2011-12-31",
    ]);
  });

  it('when an obligation is kind: commitments, then it needs a threshold from 1 to 100 and the section; no other kind has a threshold', () => {
    expect(parsePlan(computed(source)).ok).toBe(true);
    expect(problems((s) => computed(s, ''))).toEqual([
      'activities[2].obligations[0].threshold: required for a commitments obligation: the percent of those who must commit, like 90',
    ]);
    expect(problems((s) => computed(s, '\n        threshold: 120'))).toEqual([
      'activities[2].obligations[0].threshold: expected a percent from 1 to 100',
    ]);
    expect(
      problems((s) => s.replace(/(code: A03-REVIEW[\s\S]*?)kind: report/, '$1kind: report\n        threshold: 50')),
    ).toEqual(['activities[2].obligations[1].threshold: only a commitments obligation has a threshold']);
    expect(problems((s) => computed(s).replace(/\ncommitments:\n[\s\S]*?due: 2011-12-20\n/, '\n'))).toEqual([
      "activities[2].obligations[0].kind: a commitments obligation needs the plan's commitments section (who, window, fulfilment)",
    ]);
  });
});

describe('who commits, and when', () => {
  it('when a person has a listed rank and a branch and is active, then they must commit; otherwise not', () => {
    expect(mustCommit(rules, { rank: 'activist', branchId: 1 })).toBe(true);
    expect(mustCommit(rules, { rank: 'member', branchId: null })).toBe(false);
    expect(mustCommit(rules, { rank: null, branchId: 1 })).toBe(false);
    expect(mustCommit(rules, { rank: 'member', branchId: 1, active: false })).toBe(false);
    expect(mustCommit({ ranks: ['activist'] }, { rank: 'member', branchId: 1 })).toBe(false);
  });

  it('when today is before, inside, on the last day of or after the window, then the window says so; a reopening lets one person edit until its date, both days included', () => {
    expect(windowState(rules, '2011-04-10', null)).toBe('before');
    expect(windowState(rules, '2011-04-11', null)).toBe('open');
    expect(windowState(rules, '2011-05-31', null)).toBe('open');
    expect(windowState(rules, '2011-06-01', null)).toBe('closed');
    expect(windowState(rules, '2011-06-10', '2011-06-10')).toBe('reopened');
    expect(windowState(rules, '2011-06-11', '2011-06-10')).toBe('closed');
    expect(['before', 'open', 'reopened', 'closed'].map((s) => canEditCommitments(s as never))).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(postingDue(rules, '2011-05-31')).toBe(false);
    expect(postingDue(rules, '2011-06-01')).toBe(true);
    expect(fulfilmentOpen(rules, '2011-11-30')).toBe(false);
    expect(fulfilmentOpen(rules, '2011-12-01')).toBe(true);
  });

  it('when fulfilment moves from unreported to waiting to returned or confirmed, then only a waiting one is confirmable and a confirmed one is final', () => {
    const c = { status: 'active' as const, outcome: null, confirmation: null };
    expect(fulfilmentState(c)).toBe('unreported');
    expect(canConfirm(c)).toBe(false);
    const waiting = { ...c, outcome: 'partly' as const };
    expect([fulfilmentState(waiting), canConfirm(waiting), canReportFulfilment(waiting)]).toEqual([
      'waiting',
      true,
      true,
    ]);
    const returned = { ...waiting, confirmation: 'returned' as const };
    expect([fulfilmentState(returned), canConfirm(returned), canReportFulfilment(returned)]).toEqual([
      'returned',
      false,
      true,
    ]);
    const confirmed = { ...waiting, confirmation: 'confirmed' as const };
    expect([fulfilmentState(confirmed), canConfirm(confirmed), canReportFulfilment(confirmed)]).toEqual([
      'confirmed',
      false,
      false,
    ]);
    expect(canConfirm({ ...waiting, status: 'withdrawn' })).toBe(false);
  });

  it('when someone confirms, then the branch’s secretary or a leader may, and nobody their own', () => {
    const commitment = { personId: 7, branchId: 2 };
    expect(mayConfirm({ id: 1, secretaryOf: [2], leader: false }, commitment)).toBe(true);
    expect(mayConfirm({ id: 1, secretaryOf: [3], leader: false }, commitment)).toBe(false);
    expect(mayConfirm({ id: 1, secretaryOf: [], leader: true }, commitment)).toBe(true);
    expect(mayConfirm({ id: 7, secretaryOf: [2], leader: true }, commitment)).toBe(false);
  });
});

describe('the forms’ limits', () => {
  it('when a commitment is empty, over 200 characters (counted as characters, not UTF-16 units) or names an unknown area, then the field is named', () => {
    expect(parseCommitmentForm({ text: '  ', area: null })).toEqual({
      ok: false,
      errors: { text: { key: 'commitments.error.text_empty' } },
    });
    expect(parseCommitmentForm({ text: '长'.repeat(201), area: 'hobbies' })).toEqual({
      ok: false,
      errors: {
        text: { key: 'commitments.error.text_long', params: { max: 200 } },
        area: { key: 'commitments.error.area' },
      },
    });
    // 200 characters outside the BMP are 400 UTF-16 units: still 200 characters.
    expect(parseCommitmentForm({ text: '𠀀'.repeat(200), area: '' })).toEqual({
      ok: true,
      value: { text: '𠀀'.repeat(200), area: null },
    });
    expect(parseCommitmentForm({ text: ' 认真学习党章 ', area: 'study' })).toEqual({
      ok: true,
      value: { text: '认真学习党章', area: 'study' },
    });
  });

  it('when fulfilment has no outcome, no note, a note over 500 characters or a link that is not http(s), then each field is named', () => {
    const bad = parseFulfilmentForm({ outcome: 'maybe', note: '', link: 'javascript:alert(1)' });
    expect(bad.ok ? null : Object.keys(bad.errors).sort()).toEqual(['link', 'note', 'outcome']);
    const long = parseFulfilmentForm({ outcome: 'not', note: '字'.repeat(501), link: null });
    expect(long.ok ? null : long.errors).toEqual({
      note: { key: 'commitments.error.note_long', params: { max: 500 } },
    });
    expect(parseFulfilmentForm({ outcome: 'fulfilled', note: '上了12节', link: ' https://example.org/kb ' })).toEqual({
      ok: true,
      value: { outcome: 'fulfilled', note: '上了12节', link: 'https://example.org/kb' },
    });
  });

  it('when a secretary returns without a commentary, then the commentary is required; confirming needs none', () => {
    expect(parseConfirmForm({ decision: 'returned', comment: ' ' })).toEqual({
      ok: false,
      errors: { comment: { key: 'commitments.error.comment_required' } },
    });
    expect(parseConfirmForm({ decision: 'confirmed', comment: null })).toEqual({
      ok: true,
      value: { decision: 'confirmed', comment: null },
    });
    const forged = parseConfirmForm({ decision: 'accepted', comment: null });
    expect(forged.ok ? null : Object.keys(forged.errors)).toEqual(['decision']);
  });
});

describe('rates and the computed obligation', () => {
  const localDate = (iso: string) => iso.slice(0, 10);
  const done = (firstCommitted: (string | null)[], threshold: number) =>
    computedCommitmentsDone({
      firstCommitted,
      threshold,
      due: '2011-05-31',
      localDate,
      planStartIso: '2011-04-08T00:00:00.000Z',
    });

  it('when the share of those who must commit reaches the threshold, then the task is done at the k-th earliest first commitment, on time by the due date', () => {
    const firsts = ['2011-05-03T02:00:00Z', null, '2011-04-20T02:00:00Z', '2011-06-02T02:00:00Z'];
    // 50 % of 4 needs 2: done at the second earliest, on time.
    expect(done(firsts, 50)).toEqual({ onTime: true, doneAt: '2011-05-03T02:00:00Z' });
    // 75 % needs 3: the third came on June 2, late.
    expect(done(firsts, 75)).toEqual({ onTime: false, doneAt: '2011-06-02T02:00:00Z' });
    // 90 % of 4 needs 4 (rounded up): not done while one has not committed.
    expect(done(firsts, 90)).toBeNull();
    // 60 % of 5 is exactly 3: no rounding up past an exact share.
    expect(done(['2011-04-12T00:00:00Z', '2011-04-13T00:00:00Z', '2011-04-14T00:00:00Z', null, null], 60)).toEqual({
      onTime: true,
      doneAt: '2011-04-14T00:00:00Z',
    });
    // Nobody asked: done, on time, from the plan's start.
    expect(done([], 90)).toEqual({ onTime: true, doneAt: '2011-04-08T00:00:00.000Z' });
  });

  it('when rates are counted, then committed counts people asked with an active commitment and fulfilment counts what the secretary confirmed', () => {
    const people = [
      { id: 1, branchId: 10, required: true },
      { id: 2, branchId: 10, required: true },
      { id: 3, branchId: 10, required: false },
      { id: 4, branchId: 20, required: true },
    ];
    const c = (personId: number, extra: object = {}) => ({
      personId,
      branchId: 10,
      status: 'active' as const,
      outcome: null,
      confirmation: null,
      ...extra,
    });
    const rates = branchRates(people, [
      c(1, { outcome: 'fulfilled', confirmation: 'confirmed' }),
      c(1, { outcome: 'partly', confirmation: 'confirmed' }),
      c(2, { status: 'withdrawn' }),
      c(3, { outcome: 'partly' }),
    ]);
    expect(rates.get(10)).toEqual({ required: 2, committed: 1, fulfilled: 1, partly: 1, confirmed: 2 });
    expect(rates.get(20)).toEqual({ required: 1, committed: 0, fulfilled: 0, partly: 0, confirmed: 0 });
    expect([percentOf(2, 3), percentOf(0, 0)]).toEqual([66.7, null]);
  });

  it('when the job plans reminders, then members without a commitment hear on the days before the close and on it, members with fulfilment unreported before the due date, secretaries with fulfilment waiting every day from December 1', () => {
    const base = {
      rules,
      daysBefore: [7, 3, 1],
      people: [
        { id: 1, required: true, committed: 0, unreported: 0 },
        { id: 2, required: true, committed: 1, unreported: 1 },
        { id: 3, required: false, committed: 0, unreported: 0 },
      ],
      secretaries: [
        { id: 9, waiting: 2 },
        { id: 8, waiting: 0 },
      ],
    };
    const on = (today: string, until: Record<string, number>) =>
      planCommitmentReminders({ ...base, today, daysUntil: (d) => until[d] ?? 99 });
    expect(on('2011-05-24', { '2011-05-31': 7 })).toEqual([
      { kind: 'commit', personId: 1, closes: '2011-05-31', daysLeft: 7 },
    ]);
    expect(on('2011-05-31', { '2011-05-31': 0 })).toEqual([
      { kind: 'commit', personId: 1, closes: '2011-05-31', daysLeft: 0 },
    ]);
    expect(on('2011-05-26', { '2011-05-31': 5 })).toEqual([]);
    expect(on('2011-12-05', { '2011-05-31': -188, '2011-12-20': 15 })).toEqual([
      { kind: 'confirm', personId: 9, waiting: 2 },
    ]);
    expect(on('2011-12-17', { '2011-05-31': -200, '2011-12-20': 3 })).toEqual([
      { kind: 'fulfil', personId: 2, due: '2011-12-20', daysLeft: 3, unreported: 1 },
      { kind: 'confirm', personId: 9, waiting: 2 },
    ]);
  });
});
