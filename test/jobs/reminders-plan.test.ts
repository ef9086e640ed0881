import { describe, expect, it } from 'vitest';
import { createWorkCalendar } from '../../src/domain/calendar.js';
import { planReminders, type ReminderPlanInput, type ScheduleData } from '../../src/domain/reminders.js';
import { DEFAULT_STAGES } from '../../src/domain/stages.js';
import { anObligation } from '../helpers/fixtures.js';

const cal = createWorkCalendar();

const ob = anObligation;

function data(over: Partial<ScheduleData> = {}): ScheduleData {
  return {
    obligations: [
      ob(1, 'A01-EVENT', '2011-06-30'),
      ob(2, 'A01-LOVE', '2011-06-30'),
      ob(3, 'A04-OPEN', '2011-09-30', { appliesTo: { kind: 'categories', categories: ['primary', 'secondary'] } }),
    ],
    branches: [
      { id: 10, code: 'ZX1', name: '一中', category: 'secondary' },
      { id: 11, code: 'XX2', name: '二小', category: 'primary' },
      { id: 12, code: 'XX3', name: '永宁小学', category: 'primary' },
      { id: 13, code: 'YEY', name: '幼儿园', category: 'kindergarten' },
    ],
    people: [
      {
        id: 1,
        slackUserId: 'U1',
        name: '王',
        branchId: 10,
        rank: 'school_cadre',
        locale: null,
        isAdmin: false,
        isLeader: false,
      },
      {
        id: 2,
        slackUserId: 'U2',
        name: '周',
        branchId: 11,
        rank: 'school_cadre',
        locale: 'en-US',
        isAdmin: false,
        isLeader: false,
      },
      { id: 3, slackUserId: 'U3', name: '吴', branchId: 13, rank: null, locale: null, isAdmin: false, isLeader: false },
    ],
    secretaries: [
      { branchId: 10, personId: 1 },
      { branchId: 11, personId: 2 },
      { branchId: 12, personId: 2 },
      { branchId: 13, personId: 3 },
    ],
    reports: [],
    papers: [],
    extensions: new Map(),
    exemptions: new Map(),
    snoozes: [],
    ...over,
  };
}

function input(over: Partial<ReminderPlanInput> = {}): ReminderPlanInput {
  return {
    data: data(),
    calendar: cal,
    stages: DEFAULT_STAGES,
    planStarts: '2011-04-08',
    planEnds: '2011-12-31',
    today: '2011-06-16',
    lastRunDate: '2011-06-15',
    ...over,
  };
}

function itemsOf(plan: ReturnType<typeof planReminders>) {
  if (plan.status !== 'planned') throw new Error(`skipped: ${plan.reason}`);
  return plan.messages.map((m) => ({
    to: m.slackUserId,
    items: m.items.map((i) => `${i.code}@${i.branchCode ?? 'paper'}:${i.stage.key}`),
  }));
}

describe('planning reminders', () => {
  it('when a secretary has several items at a stage, then one message lists all of them, across the branches they lead', () => {
    // 2011-06-16 is 14 days before 06-30.
    expect(itemsOf(planReminders(input()))).toEqual([
      { to: 'U1', items: ['A01-EVENT@ZX1:before:14', 'A01-LOVE@ZX1:before:14'] },
      {
        to: 'U2',
        items: [
          'A01-EVENT@XX2:before:14',
          'A01-EVENT@XX3:before:14',
          'A01-LOVE@XX2:before:14',
          'A01-LOVE@XX3:before:14',
        ],
      },
      { to: 'U3', items: ['A01-EVENT@YEY:before:14', 'A01-LOVE@YEY:before:14'] },
    ]);
  });

  it('when no stage fell since the last run, then nobody is reminded', () => {
    expect(itemsOf(planReminders(input({ today: '2011-06-17', lastRunDate: '2011-06-16' })))).toEqual([]);
  });

  it('when the bot missed several stages, then the next run mentions each item once, under its latest stage', () => {
    // Last run 06-16; down until 06-28: before:7 (06-23) and before:3 (06-27) were missed.
    const plan = planReminders(input({ today: '2011-06-28', lastRunDate: '2011-06-16' }));
    const u1 = itemsOf(plan).find((m) => m.to === 'U1')!;
    expect(u1.items).toEqual(['A01-EVENT@ZX1:before:3', 'A01-LOVE@ZX1:before:3']);
  });

  it('when today is a weekend, an official holiday or the plan is over, then nothing is planned', () => {
    expect(planReminders(input({ today: '2011-06-18' }))).toEqual({ status: 'skipped', reason: 'day_off' });
    expect(planReminders(input({ today: '2011-06-06', lastRunDate: '2011-06-03' }))).toEqual({
      status: 'skipped',
      reason: 'day_off',
    }); // 端午节
    expect(planReminders(input({ today: '2012-01-04' }))).toEqual({ status: 'skipped', reason: 'outside_plan' });
  });

  it('when a stage falls on a weekend, then the warning goes out on the working day before it', () => {
    // 2011-07-10 is a Sunday; 7 days before 07-17 (Sunday) is 07-10: sent Friday 07-08.
    const d = data({ obligations: [ob(5, 'X-SUN', '2011-07-17')] });
    expect(
      itemsOf(planReminders(input({ data: d, today: '2011-07-08', lastRunDate: '2011-07-07' })))[0]!.items,
    ).toEqual(['X-SUN@ZX1:before:7']);
    expect(itemsOf(planReminders(input({ data: d, today: '2011-07-11', lastRunDate: '2011-07-08' })))).toEqual([]);
  });

  it('when a make-up working day comes, then reminders go out on it', () => {
    // 2011-10-12 is due; 2011-10-09 (Sunday) was a make-up working day after National Day.
    const d = data({ obligations: [ob(6, 'X-MAKEUP', '2011-10-12')] });
    expect(
      itemsOf(planReminders(input({ data: d, today: '2011-10-09', lastRunDate: '2011-09-30' })))[0]!.items,
    ).toEqual(['X-MAKEUP@ZX1:before:3']);
  });

  it('when a branch has reported, is exempt, or got an extension, then it is reminded accordingly', () => {
    const d = data({
      reports: [
        { obligationId: 1, branchId: 10, status: 'submitted', onTime: true },
        { obligationId: 1, branchId: 11, status: 'returned', onTime: true },
      ],
      exemptions: new Map([[10, new Set([2])]]),
      extensions: new Map([[13, new Map([[2, '2011-07-15']])]]),
    });
    const msgs = itemsOf(planReminders(input({ data: d })));
    expect(msgs.find((m) => m.to === 'U1')).toBeUndefined();
    expect(msgs.find((m) => m.to === 'U2')!.items).toContain('A01-EVENT@XX2:before:14'); // returned: still owed
    expect(msgs.find((m) => m.to === 'U3')!.items).toEqual(['A01-EVENT@YEY:before:14']);
  });

  it('when the secretary snoozed an item, then it is not reminded before the snooze ends', () => {
    const d = data({ snoozes: [{ personId: 1, obligationId: 1, branchId: 10, untilDate: '2011-06-20' }] });
    expect(itemsOf(planReminders(input({ data: d }))).find((m) => m.to === 'U1')!.items).toEqual([
      'A01-LOVE@ZX1:before:14',
    ]);
    const after = itemsOf(planReminders(input({ data: d, today: '2011-06-23', lastRunDate: '2011-06-22' }))).find(
      (m) => m.to === 'U1',
    )!;
    expect(after.items).toContain('A01-EVENT@ZX1:before:7');
  });

  it('when a snooze ends, then the item is reminded that day even with no new stage, once', () => {
    const d = data({ snoozes: [{ personId: 1, obligationId: 1, branchId: 10, untilDate: '2011-06-20' }] });
    const plan = planReminders(input({ data: d, today: '2011-06-20', lastRunDate: '2011-06-17' }));
    if (plan.status !== 'planned') throw new Error(plan.reason);
    const u1 = plan.messages.find((m) => m.slackUserId === 'U1')!;
    expect(u1.items.map((i) => [i.code, i.stage.key, i.key])).toEqual([
      ['A01-EVENT', 'before:14', 'reminder:1:b10:U1:2011-06-30:snooze:2011-06-20'],
    ]);
    expect(itemsOf(planReminders(input({ data: d, today: '2011-06-21', lastRunDate: '2011-06-20' })))).toEqual([]);
  });

  it('when a cadre owes a paper and has none of an allowed kind, then they are reminded personally', () => {
    const paper = ob(7, 'A09-PAPER', '2011-11-30', {
      kind: 'paper',
      paperKinds: ['party_paper', 'typical_case'],
      appliesTo: { kind: 'ranks', ranks: ['school_cadre'] },
    });
    const d = data({
      obligations: [paper],
      papers: [
        {
          authorId: 2,
          kind: 'party_paper',
          status: 'submitted',
          title: 'x',
          excellent: false,
          submittedAt: '2011-11-01T00:00:00Z',
          reviewedAt: null,
        },
      ],
    });
    const msgs = itemsOf(planReminders(input({ data: d, today: '2011-11-16', lastRunDate: '2011-11-15' })));
    expect(msgs).toEqual([{ to: 'U1', items: ['A09-PAPER@ZX1:before:14'] }]);
  });

  it('when an item is overdue, then it is reminded every 7 days, on the next working day when that is a day off', () => {
    const d = data({ obligations: [ob(8, 'X-OVER', '2011-09-23')] }); // overdue:1 nominal 09-30, overdue:2 10-07 (holiday) -> 10-08 (make-up Saturday)
    expect(
      itemsOf(planReminders(input({ data: d, today: '2011-09-30', lastRunDate: '2011-09-29' })))[0]!.items,
    ).toEqual(['X-OVER@ZX1:overdue:1']);
    expect(
      itemsOf(planReminders(input({ data: d, today: '2011-10-08', lastRunDate: '2011-09-30' })))[0]!.items,
    ).toEqual(['X-OVER@ZX1:overdue:2']);
  });

  it('when the same stage is planned twice, then the keys are equal, so the outbox holds it once', () => {
    const a = planReminders(input());
    const b = planReminders(input());
    expect(a).toEqual(b);
    if (a.status !== 'planned') throw new Error('skipped');
    const keys = a.messages.flatMap((m) => m.items.map((i) => i.key));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys[0]).toBe('reminder:1:b10:U1:2011-06-30:before:14');
  });
});
