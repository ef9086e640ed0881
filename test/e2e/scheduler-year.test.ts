import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOutbox, type OutboxRow } from '../../db/queries/outbox.js';
import { submitReport } from '../../db/queries/reports.js';
import { findJob } from '../../jobs/index.js';
import { addDays, createWorkCalendar, isoWeekday } from '../../src/domain/calendar.js';
import { localDateOf } from '../../src/domain/time.js';
import { appliesToBranch, type Category } from '../../src/domain/types.js';
import type { ReminderItem } from '../../src/domain/reminders.js';
import type { EscalationItem } from '../../src/domain/escalations.js';
import { listObligations } from '../../db/queries/plans.js';
import { runJob } from '../../src/delivery/scheduler.js';
import { startBot, type TestBot } from '../helpers/bot.js';

/**
 * A whole plan year, April to December 2011, on a simulated clock: the shipped plan, the example
 * roster (a branch of every category), one secretary who reports two days early, one who reports
 * ten days late, and the rest who never report. The jobs are driven per simulated slot, the way
 * the cron tick drives them, against the fake Slack.
 */
const TZ = 'Asia/Shanghai';
const ON_TIME = 'YQ-ZX1';
const LATE = 'YQ-XX1';
const NEVER = 'YQ-ZJ1';
const cal = createWorkCalendar();

interface Sent {
  day: string;
  job: string;
  channel: string;
  threadTs: unknown;
}

let bot: TestBot;
const sent: Sent[] = [];
let rows: OutboxRow[] = [];
const reportedOn = new Map<string, string>();

beforeAll(async () => {
  bot = await startBot({
    now: '2011-04-08T08:00:00+08:00',
    env: { LEADERS_CHANNEL: 'C0LEADERS', DIGEST_CHANNEL: 'C0DIGEST' },
    drain: { perChannelIntervalMs: 0 },
  });
  const db = bot.ctx.db;
  const plan = await db.selectFrom('plans').select('id').executeTakeFirstOrThrow();
  const obligations = await listObligations(db, plan.id);
  const branches = await db.selectFrom('branches').selectAll().execute();
  const secretary = await db
    .selectFrom('people')
    .select('id')
    .where('slack_user_id', '=', 'U0SEC00001')
    .executeTakeFirstOrThrow();
  // When each report comes in: on time two days before the due date, late ten days after it.
  const schedule = new Map<string, { obligationId: number; branchId: number; onTime: boolean }[]>();
  for (const b of branches.filter((x) => x.code === ON_TIME || x.code === LATE)) {
    for (const ob of obligations.filter((o) => appliesToBranch(o, b.category as Category))) {
      const day = b.code === ON_TIME ? addDays(ob.due, -2) : addDays(ob.due, 10);
      const list = schedule.get(day) ?? [];
      list.push({ obligationId: ob.id, branchId: b.id, onTime: b.code === ON_TIME });
      schedule.set(day, list);
      reportedOn.set(`${ob.id}:b${b.id}`, day);
    }
  }
  const jobs = [
    { job: findJob('reminders')!, time: '09:00' },
    { job: findJob('digest')!, time: '09:00' },
    { job: findJob('escalations')!, time: '09:30' },
  ];
  for (let day = '2011-04-08'; day <= '2011-12-31'; day = addDays(day, 1)) {
    for (const r of schedule.get(day) ?? []) {
      await submitReport(
        db,
        { ...r, heldOn: day, participants: 20, summary: 'held', evidence: [], submittedBy: secretary.id },
        { actor: 'test', now: new Date(`${day}T08:00:00+08:00`) },
      );
    }
    for (const { job, time } of jobs) {
      bot.clock.set(`${day}T${time}:00+08:00`);
      const before = bot.fake.calls.length;
      await runJob(bot.ctx, job, { now: bot.clock.now() });
      for (const c of bot.fake.calls.slice(before)) {
        if (c.method === 'chat.postMessage' && c.ok)
          sent.push({ day, job: job.name, channel: String(c.args.channel), threadTs: c.args.thread_ts });
      }
    }
  }
  rows = await listOutbox(db);
}, 600_000);

afterAll(async () => {
  expect(bot.fake.violations).toEqual([]);
  await bot.close();
});

const reminderRows = () =>
  rows.filter((r) => r.job === 'reminders').map((r) => ({ row: r, item: (r.payload as { item: ReminderItem }).item }));
const escalationRows = () =>
  rows
    .filter((r) => r.job === 'escalations')
    .map((r) => ({ row: r, item: (r.payload as { item: EscalationItem }).item }));
const sentDay = (r: OutboxRow) => localDateOf(new Date(r.sentAt!), TZ);

describe('a simulated plan year, April to December 2011', () => {
  it('when the year is over, then every message went out, none on a weekend or an official holiday', () => {
    expect(sent.length).toBeGreaterThan(100);
    expect(rows.every((r) => r.state === 'sent')).toBe(true);
    expect(sent.filter((s) => !cal.isWorkday(s.day))).toEqual([]);
    expect(sent.some((s) => s.day === '2011-06-06' || s.day === '2011-10-03' || s.day === '2011-10-01')).toBe(false);
  });

  it('when a make-up working day falls on a weekend, then reminders go out on it', () => {
    const makeUp = ['2011-10-08', '2011-10-09', '2011-12-31'];
    expect(makeUp.every((d) => isoWeekday(d) >= 6 && cal.isWorkday(d))).toBe(true);
    expect(sent.filter((s) => makeUp.includes(s.day) && s.job === 'reminders').length).toBeGreaterThan(0);
  });

  it('when a secretary is reminded, then it is one DM a run, and each stage of each item is sent once', () => {
    const perRun = new Map<string, number>();
    for (const s of sent.filter((x) => x.job === 'reminders'))
      perRun.set(`${s.day}:${s.channel}`, (perRun.get(`${s.day}:${s.channel}`) ?? 0) + 1);
    expect([...perRun.values()].every((n) => n === 1)).toBe(true);
    const keys = reminderRows().map(
      ({ item, row }) => `${item.obligationId}:${item.branchId}:${row.recipient}:${item.due}:${item.stage.key}`,
    );
    expect(new Set(keys).size).toBe(keys.length);
    // A never-reporter's A01-EVENT (due Thursday 06-30): every stage, then weekly until the year ends.
    const never = reminderRows().filter(({ item }) => item.branchCode === NEVER && item.code === 'A01-EVENT');
    const overdue = Array.from({ length: 26 }, (_, i) => `overdue:${i + 1}`);
    expect(never.map(({ item }) => item.stage.key)).toEqual([
      'before:14',
      'before:7',
      'before:3',
      'before:1',
      'due',
      ...overdue,
    ]);
    expect(never.map(({ row }) => sentDay(row)).slice(0, 6)).toEqual([
      '2011-06-16',
      '2011-06-23',
      '2011-06-27',
      '2011-06-29',
      '2011-06-30',
      '2011-07-07',
    ]);
  });

  it('when a branch has reported, then nothing more is sent about that item', () => {
    const early = reminderRows().filter(({ item }) => item.branchCode === ON_TIME && item.code === 'A01-EVENT');
    expect(early.map(({ item }) => item.stage.key)).toEqual(['before:14', 'before:7', 'before:3']);
    for (const { item, row } of reminderRows().filter(
      ({ item: i }) => i.branchId !== null && (i.branchCode === ON_TIME || i.branchCode === LATE),
    )) {
      expect(sentDay(row) < reportedOn.get(`${item.obligationId}:b${item.branchId}`)!).toBe(true);
    }
  });

  it('when a branch never reports, then its overdue items are escalated to the leaders once each; the on-time branch never is', () => {
    const esc = escalationRows();
    const never = esc.filter(({ item }) => item.branchCode === NEVER);
    expect(never.length).toBeGreaterThan(10);
    expect(new Set(never.map(({ item }) => item.code)).size).toBe(never.length);
    // The on-time branch's own reports never; its cadres' unwritten papers do get escalated.
    expect(esc.filter(({ item }) => item.branchCode === ON_TIME && item.personName === null)).toEqual([]);
    expect(esc.filter(({ item }) => item.branchCode === LATE).length).toBeGreaterThan(0);
    const first = never.find(({ item }) => item.code === 'A01-EVENT')!;
    expect(sentDay(first.row)).toBe('2011-07-04'); // 4 days overdue on the first working day after 07-03
    expect(sent.filter((s) => s.job === 'escalations').every((s) => s.channel === 'C0LEADERS')).toBe(true);
  });

  it('when weeks pass, then exactly one digest is posted each week, on its Monday or the next working day', () => {
    const digests = sent.filter((s) => s.job === 'digest' && s.channel === 'C0DIGEST' && s.threadTs === undefined);
    const weekOf = (d: string) => addDays(d, -(isoWeekday(d) - 1));
    const weeks = digests.map((d) => weekOf(d.day));
    expect(new Set(weeks).size).toBe(weeks.length);
    // Mondays from 04-11 to 12-26: 38 weeks.
    expect(weeks.length).toBe(38);
    expect(digests.find((d) => weekOf(d.day) === '2011-06-06')!.day).toBe('2011-06-07'); // 端午节 Monday
    expect(digests.find((d) => weekOf(d.day) === '2011-10-03')!.day).toBe('2011-10-08'); // National Day week: make-up Saturday
  });
});
