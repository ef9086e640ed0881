import { addDays, assertLocalDate, daysBetween, type LocalDate, type WorkCalendar } from './calendar.js';

export interface StageConfig {
  /** Calendar days before the due date at which to remind, e.g. [14, 7, 3, 1]. Each >= 1. */
  daysBefore: number[];
  /** Remind on the due date itself. */
  onDue: boolean;
  /** Remind every this many calendar days after the due date; 0 = no overdue reminders. */
  overdueEvery: number;
}

export const DEFAULT_STAGES: StageConfig = Object.freeze({
  daysBefore: Object.freeze([14, 7, 3, 1]) as number[],
  onDue: true,
  overdueEvery: 7,
});

export type StageKind = 'before' | 'due' | 'overdue';

export interface Stage {
  /** 'before:14', 'due', 'overdue:1' (first overdue reminder), 'overdue:2', … */
  key: string;
  kind: StageKind;
  /** The calendar date the stage stands for, working day or not. */
  nominal: LocalDate;
  /** The working day on which the reminder goes out. */
  sendOn: LocalDate;
}

/** Throws on a config that cannot be planned; the plan-file parser should have caught it first. */
export function validateStageConfig(cfg: StageConfig): void {
  for (const n of cfg.daysBefore) {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`Stage daysBefore must hold integers >= 1, got ${n}`);
    }
  }
  if (!Number.isInteger(cfg.overdueEvery) || cfg.overdueEvery < 0) {
    throw new RangeError(`Stage overdueEvery must be an integer >= 0, got ${cfg.overdueEvery}`);
  }
}

/** The inverse of Stage.key: which kind, and the day count ('before') or ordinal ('overdue'). */
export function parseStageKey(key: string): { kind: StageKind; n: number } | null {
  if (key === 'due') return { kind: 'due', n: 0 };
  const m = /^(before|overdue):([1-9]\d*)$/.exec(key);
  if (!m) return null;
  return { kind: m[1] as StageKind, n: Number(m[2]) };
}

/**
 * Stages on or before the due date go out on the working day before a day off, so the warning
 * still comes in time; overdue stages go out on the working day after, never before the item is
 * actually overdue.
 */
function beforeAndDueStages(due: LocalDate, cfg: StageConfig, cal: WorkCalendar): Stage[] {
  const out: Stage[] = [];
  const days = [...new Set(cfg.daysBefore)].sort((a, b) => b - a);
  for (const n of days) {
    const nominal = addDays(due, -n);
    out.push({ key: `before:${n}`, kind: 'before', nominal, sendOn: cal.previousWorkday(nominal) });
  }
  if (cfg.onDue) {
    out.push({ key: 'due', kind: 'due', nominal: due, sendOn: cal.previousWorkday(due) });
  }
  return out;
}

function overdueStage(due: LocalDate, k: number, cfg: StageConfig, cal: WorkCalendar): Stage {
  const nominal = addDays(due, k * cfg.overdueEvery);
  return { key: `overdue:${k}`, kind: 'overdue', nominal, sendOn: cal.nextWorkday(nominal) };
}

/**
 * Overdue stages k >= firstK whose nominal date is <= until. The nominal date bounds sendOn from
 * below, so nothing past `until` can be sent by `until`.
 */
function overdueStages(due: LocalDate, cfg: StageConfig, cal: WorkCalendar, firstK: number, until: LocalDate): Stage[] {
  const out: Stage[] = [];
  if (cfg.overdueEvery === 0) return out;
  const lastK = Math.floor(daysBetween(due, until) / cfg.overdueEvery);
  for (let k = Math.max(1, firstK); k <= lastK; k++) out.push(overdueStage(due, k, cfg, cal));
  return out;
}

// previousWorkday and nextWorkday are monotone, before/due stages send on or before the due date
// and overdue ones after it, so ordering by nominal date also orders by sendOn.
function byNominal(a: Stage, b: Stage): number {
  return a.nominal < b.nominal ? -1 : a.nominal > b.nominal ? 1 : 0;
}

/**
 * All stages of an item due on `due` whose sendOn is <= until, ordered by sendOn (then by nominal
 * date). Stages before the plan's start are included; the caller filters them.
 */
export function stagesFor(due: LocalDate, cfg: StageConfig, cal: WorkCalendar, until: LocalDate): Stage[] {
  assertLocalDate(due);
  assertLocalDate(until);
  validateStageConfig(cfg);
  return [...beforeAndDueStages(due, cfg, cal), ...overdueStages(due, cfg, cal, 1, until)]
    .filter((s) => s.sendOn <= until)
    .sort(byNominal);
}

/**
 * The stages whose sendOn falls in (afterExclusive, uptoInclusive], ordered by sendOn.
 * afterExclusive null means "from the beginning". The cost does not grow with how long the item
 * has been overdue: only overdue stages near the window are built.
 */
export function stagesDueInWindow(
  due: LocalDate,
  cfg: StageConfig,
  cal: WorkCalendar,
  afterExclusive: LocalDate | null,
  uptoInclusive: LocalDate,
): Stage[] {
  assertLocalDate(due);
  assertLocalDate(uptoInclusive);
  if (afterExclusive !== null) assertLocalDate(afterExclusive);
  validateStageConfig(cfg);
  if (afterExclusive !== null && afterExclusive >= uptoInclusive) return [];

  let firstK = 1;
  if (afterExclusive !== null && cfg.overdueEvery > 0) {
    // w is the last workday <= afterExclusive. A stage with nominal <= w is sent by w at the
    // latest, so it is before the window; one with nominal > w is sent on a workday > w, hence
    // after afterExclusive. So the window starts at the first k whose nominal is after w.
    const w = cal.previousWorkday(afterExclusive);
    firstK = Math.floor(daysBetween(due, w) / cfg.overdueEvery) + 1;
  }
  const inWindow = (s: Stage): boolean =>
    s.sendOn <= uptoInclusive && (afterExclusive === null || s.sendOn > afterExclusive);
  return [...beforeAndDueStages(due, cfg, cal), ...overdueStages(due, cfg, cal, firstK, uptoInclusive)]
    .filter(inWindow)
    .sort(byNominal);
}

/**
 * The stage to name in the single reminder sent for the window (afterExclusive, uptoInclusive]:
 * the one with the latest nominal date, or null when no stage fell in the window.
 */
export function latestStageInWindow(
  due: LocalDate,
  cfg: StageConfig,
  cal: WorkCalendar,
  afterExclusive: LocalDate | null,
  uptoInclusive: LocalDate,
): Stage | null {
  const stages = stagesDueInWindow(due, cfg, cal, afterExclusive, uptoInclusive);
  return stages.at(-1) ?? null;
}
