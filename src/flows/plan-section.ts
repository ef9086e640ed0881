import type { PlanToday } from '../../db/queries/plans.js';
import type { PlanSettings } from '../domain/plan-settings.js';
import type { MessageKey } from '../i18n/index.js';
import type { Caller } from '../slack/caller.js';

/** The plan in force and the rules of one of its optional sections. */
export interface SectionToday<R> {
  found: PlanToday;
  rules: R;
}

/**
 * The plan in force with one of its optional sections (projects, commendations); the caller is told
 * when there is no plan, or `missing` when the plan has no such section.
 */
export async function sectionToday<K extends 'projects' | 'commendations'>(
  caller: Caller,
  section: K,
  missing: MessageKey,
): Promise<SectionToday<NonNullable<PlanSettings[K]>> | null> {
  const found = await caller.today();
  if (!found) {
    await caller.say(caller.t('common.no_plan'));
    return null;
  }
  const rules = found.plan.settings[section];
  if (!rules) {
    await caller.say(caller.t(missing, { year: found.plan.year }));
    return null;
  }
  return { found, rules: rules as NonNullable<PlanSettings[K]> };
}
