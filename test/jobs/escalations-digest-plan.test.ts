import { describe, expect, it } from 'vitest';
import { createWorkCalendar } from '../../src/domain/calendar.js';
import { buildDigest } from '../../src/domain/digest.js';
import { planEscalations } from '../../src/domain/escalations.js';
import type { ScheduleData } from '../../src/domain/reminders.js';
import { digestMessages } from '../../src/ui/digest.js';
import { escalationMessages } from '../../src/ui/escalation.js';
import { validateBlockKit } from '../../src/playground/block-kit-limits.js';
import { anObligation } from '../helpers/fixtures.js';

const cal = createWorkCalendar();
const ob = anObligation;

function roster(n: number): ScheduleData {
  const branches = Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    code: `B${String(i + 1).padStart(3, '0')}`,
    name: `第${i + 1}支部`,
    category: (['primary', 'secondary', 'kindergarten'] as const)[i % 3]!,
  }));
  return {
    obligations: [
      ob(1, 'A07-COBUILD', '2011-05-10'),
      ob(2, 'A03-COMMIT', '2011-05-31'),
      ob(3, 'A01-EVENT', '2011-06-30'),
    ],
    branches,
    people: [
      {
        id: 1,
        slackUserId: 'UL',
        name: '领导',
        branchId: null,
        rank: null,
        locale: null,
        isAdmin: false,
        isLeader: true,
      },
    ],
    secretaries: [],
    reports: branches
      .filter((b) => b.id % 2 === 0)
      .map((b) => ({
        obligationId: 1,
        branchId: b.id,
        status: 'accepted' as const,
        onTime: true,
      })),
    papers: [
      {
        authorId: 1,
        kind: 'research_report',
        status: 'accepted',
        title: '关于…的调研报告',
        excellent: true,
        submittedAt: '2011-05-20T00:00:00.000Z',
        reviewedAt: '2011-05-31T00:00:00.000Z',
      },
    ],
    extensions: new Map(),
    exemptions: new Map([[1, new Set([2])]]),
    snoozes: [],
  };
}

describe('planning escalations', () => {
  it('when items are overdue by more than the threshold, then each is escalated to each recipient, keyed by item and due date', () => {
    const plan = planEscalations({
      data: roster(4),
      calendar: cal,
      planStarts: '2011-04-08',
      planEnds: '2011-12-31',
      today: '2011-06-03',
      afterDays: 3,
      recipients: [{ id: 'C0LEAD', locale: null }],
    });
    if (plan.status !== 'planned') throw new Error(plan.reason);
    // A07 (due 05-10) is overdue for odd branches; A03 (due 05-31) only 3 days: not yet.
    expect(plan.items.map((i) => `${i.branchCode}:${i.code}:${i.overdueDays}`)).toEqual([
      'B001:A07-COBUILD:24',
      'B003:A07-COBUILD:24',
    ]);
    expect(plan.items[0]!.key).toBe('escalation:1:b1:2011-05-10:C0LEAD');
  });

  it('when today is a day off, then nothing is escalated', () => {
    expect(
      planEscalations({
        data: roster(2),
        calendar: cal,
        planStarts: '2011-04-08',
        planEnds: '2011-12-31',
        today: '2011-06-04',
        afterDays: 3,
        recipients: [{ id: 'C', locale: null }],
      }),
    ).toEqual({ status: 'skipped', reason: 'day_off' });
  });

  it('when 300 branches are escalated at once, then every message fits Slack and carries the draft-notice button', () => {
    const plan = planEscalations({
      data: roster(300),
      calendar: cal,
      planStarts: '2011-04-08',
      planEnds: '2011-12-31',
      today: '2011-06-10',
      afterDays: 3,
      recipients: [{ id: 'C', locale: null }],
    });
    if (plan.status !== 'planned') throw new Error(plan.reason);
    const messages = escalationMessages('zh-CN', plan.items);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.flatMap((m) => m.indexes).sort((a, b) => a - b)).toEqual(plan.items.map((_, i) => i));
    for (const m of messages) {
      expect(validateBlockKit('message', { blocks: m.blocks })).toEqual([]);
      const actions = m.blocks.find((b) => b.type === 'actions') as {
        elements: { action_id: string; value: string }[];
      };
      expect(actions.elements[0]!.action_id).toBe('escalation_draft_notice');
      expect(JSON.parse(actions.elements[0]!.value)).toEqual({ minOverdueDays: 10 });
      expect(JSON.stringify(m.blocks)).toContain('逾期超过 3 天');
    }
  });
});

describe('the weekly digest', () => {
  it('when built, then it counts completion overall and by category, the week, what falls due, the overdue and the excellent', () => {
    const d = buildDigest({
      data: roster(6),
      today: '2011-06-06',
      weekStartAt: '2011-05-30T01:00:00.000Z',
      slotAt: '2011-06-06T01:00:00.000Z',
      late: false,
      received: { reports: 3, papers: 0 },
    });
    expect(d.overall).toEqual({ total: 17, done: 3, due: 11, doneOfDue: 3 });
    expect(d.byCategory.map((c) => c.category)).toEqual(['primary', 'secondary', 'kindergarten']);
    expect(d.reportsThisWeek).toBe(3);
    expect(d.dueSoon).toEqual([]);
    expect(d.overdueBranches[0]).toMatchObject({ code: 'B003', codes: ['A07-COBUILD', 'A03-COMMIT'] });
    expect(d.excellent).toEqual([{ title: '关于…的调研报告', author: '领导', kind: 'research_report' }]);
    expect(
      buildDigest({
        data: roster(6),
        today: '2011-06-20',
        weekStartAt: '2011-06-13T01:00:00.000Z',
        slotAt: '2011-06-20T01:00:00.000Z',
        late: false,
        received: { reports: 0, papers: 0 },
      }).dueSoon,
    ).toEqual([{ code: 'A01-EVENT', title: { zh: 'A01-EVENT', en: 'A01-EVENT' }, due: '2011-06-30', open: 6 }]);
  });

  it('when the roster has 300 branches, then the summary fits one message and the overdue list goes to thread replies that fit too', () => {
    const d = buildDigest({
      data: roster(300),
      today: '2011-07-04',
      weekStartAt: '2011-06-27T01:00:00.000Z',
      slotAt: '2011-07-04T01:00:00.000Z',
      late: true,
      received: { reports: 0, papers: 0 },
    });
    const m = digestMessages('en', d);
    expect(validateBlockKit('message', { blocks: m.main.blocks })).toEqual([]);
    expect(JSON.stringify(m.main.blocks)).toContain('Posted late');
    expect(m.thread.length).toBe(2);
    for (const reply of m.thread) expect(validateBlockKit('message', { blocks: reply.blocks })).toEqual([]);
    expect(m.thread.map((r) => JSON.stringify(r.blocks)).join('')).toContain('B300');
  });
});
