import type { BranchItem, ItemState } from './owed.js';
import type { LocalDate, Obligation } from './types.js';

/**
 * A branch's score, from the plan's weights and its `scoring` settings:
 *
 *   score = 100 × Σ(weight × credit) ÷ Σ(weight of the obligations that count)
 *
 * credit is `on_time` (1 by default) for a report made on time, `late` (0.5) for a late one, 0 for
 * an overdue or returned one. Exempted obligations leave the denominator. During the year
 * (`running`) an obligation counts once its due date has passed or once it is reported: a branch
 * is not marked down for work that is not due yet, nor held back for work it did early. At the
 * year end (`final`) every obligation that applies counts.
 */
export interface ScoringRules {
  onTime: number;
  late: number;
}

export type ScoringMode = 'running' | 'final';

export interface ScoreLine {
  obligation: Pick<Obligation, 'id' | 'code' | 'title' | 'weight' | 'position'>;
  state: ItemState;
  due: LocalDate;
  daysLeft: number;
  /** Whether the obligation is in the denominator. */
  counted: boolean;
  credit: number;
  earned: number;
  possible: number;
}

export interface BranchScore {
  earned: number;
  possible: number;
  /** 0–100 with one decimal, or null when nothing counts yet. */
  score: number | null;
  lines: ScoreLine[];
}

export function creditFor(state: ItemState, rules: ScoringRules): number {
  if (state === 'done_on_time') return rules.onTime;
  if (state === 'done_late') return rules.late;
  return 0;
}

/**
 * Whether an item is in the denominator: never when exempt; at the year end always; during the
 * year once reported or once its due date has passed. A report returned before its due date can
 * still be put right in time, so it counts only once the date passes.
 */
export function counts(item: Pick<BranchItem, 'state' | 'daysLeft'>, mode: ScoringMode): boolean {
  if (item.state === 'exempt') return false;
  if (mode === 'final') return true;
  if (item.state === 'open') return false;
  return item.state !== 'returned' || item.daysLeft < 0;
}

/** One decimal, so that 2/3 and 4/6 are the same score and tie. */
export function roundScore(x: number): number {
  return Math.round(x * 10) / 10;
}

export function scoreItems(
  items: readonly Pick<BranchItem, 'obligation' | 'state' | 'due' | 'daysLeft'>[],
  rules: ScoringRules,
  mode: ScoringMode,
): BranchScore {
  let earned = 0;
  let possible = 0;
  const lines = items.map((item): ScoreLine => {
    const counted = counts(item, mode);
    const credit = counted ? creditFor(item.state, rules) : 0;
    const lineEarned = credit * item.obligation.weight;
    const linePossible = counted ? item.obligation.weight : 0;
    earned += lineEarned;
    possible += linePossible;
    return {
      obligation: item.obligation,
      state: item.state,
      due: item.due,
      daysLeft: item.daysLeft,
      counted,
      credit,
      earned: lineEarned,
      possible: linePossible,
    };
  });
  // Plan order, whatever order the items came in (a checklist puts open items first).
  lines.sort((a, b) => a.obligation.position - b.obligation.position);
  return { earned, possible, score: possible > 0 ? roundScore((100 * earned) / possible) : null, lines };
}

/** The mode a ranking uses on a day: `final` once the plan's period is over. */
export function modeOn(today: LocalDate, planEnds: LocalDate): ScoringMode {
  return today > planEnds ? 'final' : 'running';
}
