import { commitmentsOfPerson, reopenedUntil, waitingForConfirmation } from '../../db/queries/commitments.js';
import type { PlanToday } from '../../db/queries/plans.js';
import type { AppContext } from '../context.js';
import {
  canEditCommitments,
  fulfilmentOpen,
  mustCommit,
  windowState,
  type CommitmentRules,
  type WindowState,
} from '../domain/commitments.js';
import type { LocalDate, Person } from '../domain/types.js';
import { t, type Locale } from '../i18n/index.js';
import type { CommitmentsHome, MineInput, QueueLine } from '../ui/commitments.js';

/** What /commit and the App Home share: the person's window, their list, the confirmer's queue. */

export interface CommitmentWindow {
  state: WindowState;
  /** The leader's reopening for this person, when there is one. */
  until: LocalDate | null;
}

export async function commitmentWindow(
  ctx: AppContext,
  planId: number,
  rules: CommitmentRules,
  today: LocalDate,
  person: Pick<Person, 'id'>,
): Promise<CommitmentWindow> {
  const until = await reopenedUntil(ctx.db, planId, person.id);
  return { state: windowState(rules, today, until), until };
}

/** The window's line for the member's own list, in words. */
export function windowLine(locale: Locale, rules: CommitmentRules, today: LocalDate, w: CommitmentWindow): string {
  const line =
    w.state === 'before'
      ? t(locale, 'commitments.mine.window_before', { opens: rules.opens, closes: rules.closes })
      : w.state === 'open'
        ? t(locale, 'commitments.mine.window_open', { closes: rules.closes })
        : w.state === 'reopened'
          ? t(locale, 'commitments.mine.window_reopened', { until: w.until ?? '' })
          : t(locale, 'commitments.mine.window_closed', { closes: rules.closes });
  return fulfilmentOpen(rules, today)
    ? `${line} ${t(locale, 'commitments.mine.fulfilment', { due: rules.fulfilment.due })}`
    : line;
}

/** The member's list as /commit and the App Home show it. */
export async function mineInput(
  ctx: AppContext,
  found: PlanToday,
  rules: CommitmentRules,
  person: Pick<Person, 'id'>,
  locale: Locale,
): Promise<MineInput> {
  const [commitments, w] = await Promise.all([
    commitmentsOfPerson(ctx.db, found.plan.id, person.id),
    commitmentWindow(ctx, found.plan.id, rules, found.today, person),
  ]);
  return {
    locale,
    commitments,
    max: rules.per_person.max,
    windowLine: windowLine(locale, rules, found.today, w),
    canEdit: canEditCommitments(w.state),
    canFulfil: fulfilmentOpen(rules, found.today),
  };
}

/**
 * The fulfilment a confirmer may confirm: their branches' (every branch for a leader), never their
 * own, oldest report first.
 */
export async function confirmationQueue(ctx: AppContext, planId: number, confirmer: Person): Promise<QueueLine[]> {
  const leader = confirmer.roles.includes('leader');
  const branches = await ctx.db.selectFrom('branches').select(['id', 'name', 'active']).execute();
  const branchIds = leader ? branches.filter((b) => b.active === 1).map((b) => b.id) : confirmer.secretaryOf;
  const names = new Map(branches.map((b) => [b.id, b.name]));
  const waiting = await waitingForConfirmation(ctx.db, planId, branchIds);
  return waiting
    .filter((c) => c.personId !== confirmer.id)
    .map((c) => ({ commitment: c, personName: c.personName, branchName: names.get(c.branchId) ?? '' }));
}

/**
 * The App Home's part. A member sees their commitments while there is something to see or do: in
 * the window (or a leader's reopening) if the plan asks them, and whenever they have commitments. A
 * secretary sees the fulfilment waiting for them. Leaders confirm only as a fallback (a secretary's
 * own commitments), from `/commit queue`: their Home does not list every branch's queue.
 */
export async function commitmentsHome(
  ctx: AppContext,
  found: PlanToday,
  person: Person,
  locale: Locale,
): Promise<CommitmentsHome | null> {
  const rules = found.plan.settings.commitments;
  if (!rules) return null;
  const required = mustCommit(rules, person);
  const [mine, queue] = await Promise.all([
    mineInput(ctx, found, rules, person, locale),
    person.secretaryOf.length > 0
      ? confirmationQueue(ctx, found.plan.id, { ...person, roles: person.roles.filter((r) => r !== 'leader') })
      : Promise.resolve(null),
  ]);
  const showMine = mine.commitments.length > 0 || (required && mine.canEdit);
  if (!showMine && (queue === null || queue.length === 0)) return null;
  return { mine: showMine ? mine : null, queue };
}
