import type { KnownBlock } from '@slack/types';
import { findRound, roundResultsOf, turnoutByBranch, voterBranches } from '../../db/queries/evaluation.js';
import { listBranches } from '../../db/queries/people.js';
import type { Plan } from '../../db/queries/plans.js';
import type { AppContext } from '../context.js';
import { roundState } from '../domain/evaluation.js';
import type { Person } from '../domain/types.js';
import { t, type Locale } from '../i18n/index.js';
import { resultsBlocks, turnoutBlocks, type EvaluationHome } from '../ui/evaluation.js';

/**
 * What leaders see of the evaluation (`/rankings evaluation`, the leaders' overview): turnout by
 * branch while it is open, the results once it has closed, nothing of the counts before. Shared by
 * /rankings and the App Home.
 */
export async function evaluationOverview(
  ctx: AppContext,
  plan: Plan,
  today: string,
  locale: Locale,
): Promise<KnownBlock[]> {
  const round = await findRound(ctx.db, plan.id);
  const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
  if (!round) return [section(t(locale, 'evaluation.no_round'))];
  const results = await roundResultsOf(ctx.db, round);
  if (results) return resultsBlocks(locale, { year: plan.year, settings: round.settings, results });
  if (roundState(round, today) === 'before')
    return [section(t(locale, 'evaluation.not_open', { opens: round.opens, closes: round.closes }))];
  const [turnout, branches] = await Promise.all([turnoutByBranch(ctx.db, round.id), listBranches(ctx.db)]);
  return turnoutBlocks(locale, {
    closes: round.closes,
    rows: branches.map((b) => ({
      branch: b,
      voted: turnout.get(b.id)?.voted ?? 0,
      eligible: turnout.get(b.id)?.eligible ?? 0,
    })),
  });
}

/** What the evaluation shows on a person's App Home: for leaders and admins, turnout or the results' spread; for a voter, the branches left to rate. */
export async function evaluationHome(
  ctx: AppContext,
  plan: Plan,
  today: string,
  person: Person,
): Promise<EvaluationHome | null> {
  const round = await findRound(ctx.db, plan.id);
  if (!round) return null;
  const state = roundState(round, today);
  const leader = person.roles.includes('leader') || person.roles.includes('admin');
  const toRate =
    state === 'open' ? (await voterBranches(ctx.db, round.id, person.id)).filter((m) => !m.voted).length : 0;
  if (state === 'closed' && leader) {
    const results = (await roundResultsOf(ctx.db, round)) ?? [];
    const rates = results.flatMap((r) => (r.satisfaction === null ? [] : [r.satisfaction]));
    return {
      state: 'closed' as const,
      closed: round.closedAt!.slice(0, 10),
      rated: rates.length,
      low: rates.length ? Math.min(...rates) : null,
      high: rates.length ? Math.max(...rates) : null,
    };
  }
  if (state === 'open' && leader) {
    const turnout = [...(await turnoutByBranch(ctx.db, round.id)).values()];
    return {
      state: 'running' as const,
      closes: round.closes,
      voted: turnout.reduce((s, x) => s + x.voted, 0),
      eligible: turnout.reduce((s, x) => s + x.eligible, 0),
      toRate,
    };
  }
  if (toRate > 0) return { state: 'voter', closes: round.closes, toRate };
  return null;
}
