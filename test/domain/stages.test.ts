import { describe, expect, it } from 'vitest';
import { addDays, createWorkCalendar } from '../../src/domain/calendar.js';
import {
  DEFAULT_STAGES,
  latestStageInWindow,
  parseStageKey,
  stagesDueInWindow,
  stagesFor,
  type Stage,
  type StageConfig,
} from '../../src/domain/stages.js';

const cal = createWorkCalendar();
const brief = (stages: Stage[]) => stages.map((s) => `${s.key} ${s.nominal}->${s.sendOn}`);

describe('reminder stages', () => {
  it('when using the defaults, then they are 14, 7, 3 and 1 days before, on the due date and weekly after', () => {
    expect(DEFAULT_STAGES).toEqual({ daysBefore: [14, 7, 3, 1], onDue: true, overdueEvery: 7 });
  });

  it('when no stage falls on a day off, then each is sent on its own date', () => {
    // 2011-06-30 is a Thursday, the deadline for the "Party members show love" visits.
    expect(brief(stagesFor('2011-06-30', DEFAULT_STAGES, cal, '2011-07-10'))).toEqual([
      'before:14 2011-06-16->2011-06-16',
      'before:7 2011-06-23->2011-06-23',
      'before:3 2011-06-27->2011-06-27',
      'before:1 2011-06-29->2011-06-29',
      'due 2011-06-30->2011-06-30',
      'overdue:1 2011-07-07->2011-07-07',
    ]);
  });

  it('when a stage falls on National Day, then it is sent on the working day before', () => {
    // Due on the make-up Saturday 2011-10-08: 7, 3 and 1 days before are all in the holiday.
    expect(brief(stagesFor('2011-10-08', DEFAULT_STAGES, cal, '2011-10-08'))).toEqual([
      'before:14 2011-09-24->2011-09-23',
      'before:7 2011-10-01->2011-09-30',
      'before:3 2011-10-05->2011-09-30',
      'before:1 2011-10-07->2011-09-30',
      'due 2011-10-08->2011-10-08',
    ]);
  });

  it('when stages collapse onto one sending day, then all are returned and the latest names the reminder', () => {
    const window = stagesDueInWindow('2011-10-08', DEFAULT_STAGES, cal, '2011-09-29', '2011-09-30');
    expect(window.map((s) => s.key)).toEqual(['before:7', 'before:3', 'before:1']);
    expect(latestStageInWindow('2011-10-08', DEFAULT_STAGES, cal, '2011-09-29', '2011-09-30')?.key).toBe('before:1');
  });

  it('when the due date is the Dragon Boat holiday, then the due stage goes to the working day before', () => {
    // 2011-06-06 (Mon) is a holiday; before:1 is Sunday 06-05 and before:3 is Friday 06-03.
    const stages = stagesFor('2011-06-06', DEFAULT_STAGES, cal, '2011-06-06');
    expect(brief(stages).slice(2)).toEqual([
      'before:3 2011-06-03->2011-06-03',
      'before:1 2011-06-05->2011-06-03',
      'due 2011-06-06->2011-06-03',
    ]);
    expect(latestStageInWindow('2011-06-06', DEFAULT_STAGES, cal, '2011-06-02', '2011-06-03')?.key).toBe('due');
  });

  it('when an overdue stage falls on National Day, then it is sent on the next working day, never earlier', () => {
    // Due Saturday 2011-09-24: overdue:1 is 10-01 (holiday), overdue:2 is 10-08 (make-up Saturday).
    const stages = stagesFor('2011-09-24', DEFAULT_STAGES, cal, '2011-10-16');
    expect(brief(stages.filter((s) => s.kind !== 'before'))).toEqual([
      'due 2011-09-24->2011-09-23',
      'overdue:1 2011-10-01->2011-10-08',
      'overdue:2 2011-10-08->2011-10-08',
    ]);
    expect(latestStageInWindow('2011-09-24', DEFAULT_STAGES, cal, '2011-09-30', '2011-10-08')?.key).toBe('overdue:2');
  });

  it('when overdue stages are generated, then they stop at the until date', () => {
    const stages = stagesFor('2011-09-24', DEFAULT_STAGES, cal, '2011-10-17');
    expect(stages.at(-1)).toEqual({ key: 'overdue:3', kind: 'overdue', nominal: '2011-10-15', sendOn: '2011-10-17' });
    const longAfter = stagesFor('2011-01-05', DEFAULT_STAGES, cal, '2011-12-31');
    expect(longAfter.filter((s) => s.kind === 'overdue').length).toBe(51);
  });

  it('when overdue reminders are off, then nothing is sent after the due date', () => {
    const cfg: StageConfig = { ...DEFAULT_STAGES, overdueEvery: 0 };
    expect(stagesFor('2011-06-30', cfg, cal, '2011-12-31').at(-1)?.key).toBe('due');
    expect(stagesDueInWindow('2011-06-30', cfg, cal, '2011-07-01', '2011-12-31')).toEqual([]);
  });

  it('when the due-date reminder is off, then there is no due stage', () => {
    const cfg: StageConfig = { ...DEFAULT_STAGES, onDue: false };
    expect(stagesFor('2011-06-30', cfg, cal, '2011-07-10').map((s) => s.key)).toEqual([
      'before:14',
      'before:7',
      'before:3',
      'before:1',
      'overdue:1',
    ]);
  });

  it('when daysBefore is unsorted or repeated, then each stage appears once in date order', () => {
    const cfg: StageConfig = { daysBefore: [1, 14, 3, 14], onDue: true, overdueEvery: 7 };
    expect(stagesFor('2011-06-30', cfg, cal, '2011-06-30').map((s) => s.key)).toEqual([
      'before:14',
      'before:3',
      'before:1',
      'due',
    ]);
  });

  it('when a stage is before the plan starts, then it is still returned for the caller to filter', () => {
    expect(stagesFor('2011-01-05', DEFAULT_STAGES, cal, '2011-01-05')[0]).toEqual({
      key: 'before:14',
      kind: 'before',
      nominal: '2010-12-22',
      sendOn: '2010-12-22',
    });
  });

  it('when the year has no holiday data (2031), then a Saturday stage moves to Friday and a Sunday one to Monday', () => {
    // Due Sunday 2031-06-08: before:7 is Sunday 06-01 -> Friday 05-30; overdue:1 Sunday 06-15 -> Monday 06-16.
    const stages = stagesFor('2031-06-08', DEFAULT_STAGES, cal, '2031-06-16');
    expect(stages.find((s) => s.key === 'before:7')?.sendOn).toBe('2031-05-30');
    expect(stages.find((s) => s.key === 'due')?.sendOn).toBe('2031-06-06');
    expect(stages.find((s) => s.key === 'overdue:1')?.sendOn).toBe('2031-06-16');
  });

  it('when the plan adds a local holiday, then the stage moves around it', () => {
    const local = createWorkCalendar({ holidays: ['2011-06-29'] });
    expect(stagesFor('2011-06-30', DEFAULT_STAGES, local, '2011-06-30').find((s) => s.key === 'before:1')?.sendOn).toBe(
      '2011-06-28',
    );
  });
});

describe('stages in a scheduler window', () => {
  it('when the window starts from the beginning, then every stage up to the end is returned', () => {
    expect(stagesDueInWindow('2011-06-30', DEFAULT_STAGES, cal, null, '2011-06-27').map((s) => s.key)).toEqual([
      'before:14',
      'before:7',
      'before:3',
    ]);
  });

  it('when a stage was sent on the last run day, then the next window does not repeat it', () => {
    expect(stagesDueInWindow('2011-06-30', DEFAULT_STAGES, cal, '2011-06-27', '2011-06-28')).toEqual([]);
    expect(latestStageInWindow('2011-06-30', DEFAULT_STAGES, cal, '2011-06-27', '2011-06-28')).toBeNull();
    expect(latestStageInWindow('2011-06-30', DEFAULT_STAGES, cal, '2011-06-27', '2011-06-29')?.key).toBe('before:1');
  });

  it('when the scheduler was down for days, then the catch-up window names the latest missed stage', () => {
    const missed = stagesDueInWindow('2011-06-30', DEFAULT_STAGES, cal, '2011-06-20', '2011-07-01');
    expect(missed.map((s) => s.key)).toEqual(['before:7', 'before:3', 'before:1', 'due']);
    expect(latestStageInWindow('2011-06-30', DEFAULT_STAGES, cal, '2011-06-20', '2011-07-01')?.key).toBe('due');
  });

  it('when the window is empty or reversed, then no stage is returned', () => {
    expect(stagesDueInWindow('2011-06-30', DEFAULT_STAGES, cal, '2011-06-29', '2011-06-29')).toEqual([]);
    expect(stagesDueInWindow('2011-06-30', DEFAULT_STAGES, cal, '2011-07-01', '2011-06-29')).toEqual([]);
  });

  it('when the last run was inside National Day, then an overdue stage nominally in the holiday still counts', () => {
    // overdue:1 of an item due 2011-09-24 is nominally 10-01 but sent on 10-08.
    expect(stagesDueInWindow('2011-09-24', DEFAULT_STAGES, cal, '2011-10-03', '2011-10-08').map((s) => s.key)).toEqual([
      'overdue:1',
      'overdue:2',
    ]);
  });

  it('when comparing windows with the full list over 2011, then they always agree', () => {
    const configs: StageConfig[] = [
      DEFAULT_STAGES,
      { daysBefore: [2], onDue: false, overdueEvery: 1 },
      { daysBefore: [10, 5], onDue: true, overdueEvery: 3 },
    ];
    const dues = ['2011-01-03', '2011-02-08', '2011-06-06', '2011-09-24', '2011-10-05', '2011-10-08'];
    let compared = 0;
    for (const cfg of configs) {
      for (const due of dues) {
        for (let after = '2010-12-20'; after <= '2011-12-31'; after = addDays(after, 5)) {
          for (const span of [1, 2, 9, 40]) {
            const upto = addDays(after, span);
            const expected = stagesFor(due, cfg, cal, upto).filter((s) => s.sendOn > after);
            expect(stagesDueInWindow(due, cfg, cal, after, upto), `${due} (${after}, ${upto}]`).toEqual(expected);
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });
});

describe('stage configuration and keys', () => {
  it('when the configuration is invalid, then planning throws', () => {
    expect(() => stagesFor('2011-06-30', { daysBefore: [0], onDue: true, overdueEvery: 7 }, cal, '2011-07-01')).toThrow(
      RangeError,
    );
    expect(() =>
      stagesFor('2011-06-30', { daysBefore: [3], onDue: true, overdueEvery: -7 }, cal, '2011-07-01'),
    ).toThrow(RangeError);
    expect(() =>
      stagesFor('2011-06-30', { daysBefore: [2.5], onDue: true, overdueEvery: 7 }, cal, '2011-07-01'),
    ).toThrow(RangeError);
  });

  it('when a date is malformed, then planning throws', () => {
    expect(() => stagesFor('2011-6-30', DEFAULT_STAGES, cal, '2011-07-01')).toThrow(RangeError);
    expect(() => stagesDueInWindow('2011-06-30', DEFAULT_STAGES, cal, '2011-06-31', '2011-07-01')).toThrow(RangeError);
  });

  it('when a stage key is parsed, then its kind and number come back', () => {
    expect(parseStageKey('before:14')).toEqual({ kind: 'before', n: 14 });
    expect(parseStageKey('due')).toEqual({ kind: 'due', n: 0 });
    expect(parseStageKey('overdue:2')).toEqual({ kind: 'overdue', n: 2 });
    expect(parseStageKey('overdue:0')).toBeNull();
    expect(parseStageKey('later')).toBeNull();
  });

  it('when the defaults are used, then they cannot be changed by accident', () => {
    expect(Object.isFrozen(DEFAULT_STAGES)).toBe(true);
    expect(Object.isFrozen(DEFAULT_STAGES.daysBefore)).toBe(true);
  });
});
