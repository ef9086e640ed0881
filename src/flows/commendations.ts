import { listNominations, openObjections } from '../../db/queries/commendations.js';
import type { PlanToday } from '../../db/queries/plans.js';
import type { AppContext } from '../context.js';
import { roundAppliesTo, roundPhase, type CommendationRules } from '../domain/commendations.js';
import type { Branch, Person } from '../domain/types.js';
import type { Caller } from '../slack/caller.js';
import type { CommendationsHome } from '../ui/commendations.js';
import { sectionToday, type SectionToday } from './plan-section.js';
import { findPublicity } from '../../db/queries/commendations.js';

/** The Home's commendations part: the rounds a secretary's branches nominate in now, an admin's objections. */
export async function commendationsHome(
  ctx: AppContext,
  planToday: PlanToday,
  person: Person,
  branches: readonly Branch[],
): Promise<CommendationsHome | null> {
  const rules = planToday.plan.settings.commendations;
  if (!rules) return null;
  const rounds: CommendationsHome['rounds'] = [];
  for (const round of rules.rounds) {
    const mine = branches.filter((b) => roundAppliesTo(round, b.category));
    if (mine.length === 0) continue;
    const publicity = await findPublicity(ctx.db, planToday.plan.id, round.code);
    if (roundPhase(round, planToday.today, publicity) !== 'nominating') continue;
    const made = (
      await listNominations(ctx.db, planToday.plan.id, { round: round.code, branchIds: mine.map((b) => b.id) })
    ).filter((n) => n.status !== 'withdrawn').length;
    rounds.push({ round, made, due: round.nominations_due });
  }
  let objections: CommendationsHome['objections'] = [];
  if (person.roles.includes('admin')) {
    const open = await openObjections(ctx.db, planToday.plan.id);
    const nominees = await listNominations(ctx.db, planToday.plan.id, { ids: open.map((o) => o.nominationId) });
    const byId = new Map(nominees.map((n) => [n.id, n]));
    objections = open.flatMap((o) =>
      byId.has(o.nominationId) ? [{ id: o.id, nominee: byId.get(o.nominationId)! }] : [],
    );
  }
  return { rounds, objections };
}

export type CommendToday = SectionToday<CommendationRules>;

/** The plan in force with its commendations section; the caller is told when there is none. */
export function commendToday(caller: Caller): Promise<CommendToday | null> {
  return sectionToday(caller, 'commendations', 'commend.no_section');
}
