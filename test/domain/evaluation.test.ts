import { describe, expect, it } from 'vitest';
import { addDays, createWorkCalendar } from '../../src/domain/calendar.js';
import { planEvaluationMessages, type EvaluationMessage, type VoterDue } from '../../src/domain/evaluation.js';
import type { LocalDate } from '../../src/domain/types.js';
import { REMIND_DAYS_BEFORE } from '../../jobs/evaluation.js';

/**
 * The evaluation job's planning (src/domain/evaluation.ts `planEvaluationMessages`): the
 * invitation once to every voter with a branch to rate, the reminders 3 and 1 days before the
 * close on working days (a day off's reminder caught up on the next working day), nobody who has
 * voted for every branch they may rate. The 2011 round: Monday 2011-12-12 to Friday 2011-12-23.
 */

const calendar = createWorkCalendar();
const round = { id: 7, opens: '2011-12-12', closes: '2011-12-23' };

const voter = (personId: number, pending: number[], locale: string | null = 'zh-CN'): VoterDue => ({
  personId,
  slackUserId: `U${personId}`,
  locale,
  pending,
});
/** A member of branch 1 who has not voted, a leader with three branches left, and one who has voted for all. */
const voters = [voter(1, [1]), voter(2, [1, 2, 3], null), voter(3, [])];

function plan(today: LocalDate, lastRunDate: LocalDate | null, r: typeof round = round, v = voters) {
  return planEvaluationMessages({
    round: r,
    voters: v,
    today,
    calendar,
    remindDaysBefore: REMIND_DAYS_BEFORE,
    lastRunDate,
  });
}
const kinds = (messages: EvaluationMessage[]) => messages.map((m) => `${m.kind} ${m.recipient}`);

/** Every working day from `from` to `to`, each with the working day before it as the last run (the job on every slot). */
function everyWorkingDay(from: LocalDate, to: LocalDate, r: typeof round = round) {
  const out: { day: LocalDate; messages: EvaluationMessage[] }[] = [];
  let last: LocalDate | null = null;
  for (let d = from; d <= to; d = addDays(d, 1)) {
    if (!calendar.isWorkday(d)) continue;
    out.push({ day: d, messages: plan(d, last, r) });
    last = d;
  }
  return out;
}

describe('the evaluation job: invitations and reminders', () => {
  it('invites every voter with a branch to rate on the first day, with the branches still to rate, and nobody who has voted for all', () => {
    const first = plan('2011-12-12', null);
    expect(first).toEqual([
      {
        kind: 'invite',
        key: 'evaluation:invite:7:1',
        recipient: 'U1',
        locale: 'zh-CN',
        pending: [1],
        closes: '2011-12-23',
      },
      {
        kind: 'invite',
        key: 'evaluation:invite:7:2',
        recipient: 'U2',
        locale: null,
        pending: [1, 2, 3],
        closes: '2011-12-23',
      },
    ]);
  });

  it('invites each voter once over the round: every day plans the same invitation key, which the outbox sends once', () => {
    const run = everyWorkingDay('2011-12-12', '2011-12-23');
    const inviteKeys = new Set(run.flatMap((r) => r.messages.filter((m) => m.kind === 'invite').map((m) => m.key)));
    expect([...inviteKeys]).toEqual(['evaluation:invite:7:1', 'evaluation:invite:7:2']);
    // A voter added to the roster's electorate later (or whose invitation failed) is still invited.
    expect(kinds(plan('2011-12-14', '2011-12-13', round, [voter(4, [2])]))).toEqual(['invite U4']);
  });

  it('reminds those who have not voted 3 and 1 days before the close, once each day, and never on other days', () => {
    const run = everyWorkingDay('2011-12-12', '2011-12-23');
    const reminded = run
      .map((r) => ({ day: r.day, who: r.messages.filter((m) => m.kind === 'remind').map((m) => m.recipient) }))
      .filter((r) => r.who.length > 0);
    // The close is Friday 12-23: Tuesday 12-20 (3 days) and Thursday 12-22 (1 day), both working days.
    expect(reminded).toEqual([
      { day: '2011-12-20', who: ['U1', 'U2'] },
      { day: '2011-12-22', who: ['U1', 'U2'] },
    ]);
    const keys = run.flatMap((r) => r.messages.filter((m) => m.kind === 'remind').map((m) => m.key));
    expect(keys).toEqual([
      'evaluation:remind:7:1:2011-12-20',
      'evaluation:remind:7:2:2011-12-20',
      'evaluation:remind:7:1:2011-12-22',
      'evaluation:remind:7:2:2011-12-22',
    ]);
    // A reminder names what is left: the leader's three branches.
    expect(
      run.find((r) => r.day === '2011-12-20')!.messages.find((m) => m.kind === 'remind' && m.recipient === 'U2')!
        .pending,
    ).toEqual([1, 2, 3]);
  });

  it('reminds nobody who has voted: those with nothing left get no invitation and no reminder on any day', () => {
    const run = everyWorkingDay('2011-12-12', '2011-12-23');
    expect(run.flatMap((r) => r.messages).filter((m) => m.recipient === 'U3')).toEqual([]);
    // The member votes after the first reminder: on the second reminder day only the leader is left.
    const afterVoting = plan('2011-12-22', '2011-12-21', round, [voter(1, []), voter(2, [3], null)]);
    expect(kinds(afterVoting)).toEqual(['invite U2', 'remind U2']);
    expect(plan('2011-12-22', '2011-12-21', round, [voter(1, []), voter(3, [])])).toEqual([]);
  });

  it('sends nothing before the round, after its close, or on a day off', () => {
    expect(plan('2011-12-09', null)).toEqual([]);
    expect(plan('2011-12-26', '2011-12-23')).toEqual([]);
    // Saturday 12-17 and Sunday 12-18.
    expect(calendar.isWorkday('2011-12-17')).toBe(false);
    expect(plan('2011-12-17', '2011-12-16')).toEqual([]);
    expect(plan('2011-12-18', '2011-12-16')).toEqual([]);
  });

  it('catches up a reminder whose day was a day off, or missed, on the next working day, and only then', () => {
    // Closing Monday 2011-12-26: 3 days before is Friday 12-23; 1 day before is Sunday 12-25, caught up on Monday.
    const monday = { id: 8, opens: '2011-12-12', closes: '2011-12-26' };
    const run = everyWorkingDay('2011-12-12', '2011-12-26', monday);
    expect(run.filter((r) => r.messages.some((m) => m.kind === 'remind')).map((r) => r.day)).toEqual([
      '2011-12-23',
      '2011-12-26',
    ]);
    // The job did not run on Thursday 12-22 (the process was down): Friday's run sends the reminder.
    expect(kinds(plan('2011-12-23', '2011-12-21')).filter((k) => k.startsWith('remind'))).toEqual([
      'remind U1',
      'remind U2',
    ]);
    // Without an earlier run in the round there is nothing to catch up: only the day itself reminds.
    expect(kinds(plan('2011-12-23', null)).filter((k) => k.startsWith('remind'))).toEqual([]);
    expect(kinds(plan('2011-12-23', '2011-12-09')).filter((k) => k.startsWith('remind'))).toEqual([]);
  });

  it('does not remind on the opening day, even when it is a reminder day: the invitation is the first word', () => {
    const short = { id: 9, opens: '2011-12-20', closes: '2011-12-23' };
    expect(kinds(plan('2011-12-20', null, short))).toEqual(['invite U1', 'invite U2']);
    expect(kinds(plan('2011-12-22', '2011-12-21', short))).toEqual([
      'invite U1',
      'remind U1',
      'invite U2',
      'remind U2',
    ]);
  });
});
