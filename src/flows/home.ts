import type { WebClient } from '@slack/web-api';
import { DateTime } from 'luxon';
import { listPapersByAuthor } from '../../db/queries/papers.js';
import { findPersonWithBranches, listLeaders } from '../../db/queries/people.js';
import { findPlanToday } from '../../db/queries/plans.js';
import { loadChecklistInputs, reportsAwaitingReview } from '../../db/queries/progress.js';
import type { AppContext } from '../context.js';
import { paperChecklist, paperObligationsFor } from '../domain/papers.js';
import { branchStatuses } from '../domain/progress.js';
import type { Branch, Person } from '../domain/types.js';
import { pick, t, type Locale } from '../i18n/index.js';
import { localeFor } from '../slack/locale.js';
import { homeView, REVIEW_LIST_MAX, type HomeInput } from '../ui/home.js';
import { leadersOverview } from './overview.js';
import { projectsHome } from './projects.js';
import { commendationsHome } from './commendations.js';
import { evaluationHome } from './evaluation.js';
import { commitmentsHome } from './commitments.js';

/** Gathers what the person's Home shows, by role. */
export async function homeInput(
  ctx: AppContext,
  found: { person: Person; branches: Branch[] } | null,
  locale: Locale,
): Promise<HomeInput> {
  const now = ctx.clock.now();
  const planToday = await findPlanToday(ctx.db, now);
  const plan = planToday?.plan ?? null;
  const updatedAt = DateTime.fromJSDate(now, { zone: plan?.timezone ?? 'UTC' }).toFormat('yyyy-LL-dd HH:mm');
  const base = {
    locale,
    planTitle: plan ? pick(plan.title, locale) : null,
    updatedAt,
    branches: [],
    paper: null,
    leader: null,
  };
  if (!found) return { ...base, notice: t(locale, 'common.not_in_roster') };
  if (!planToday) return { ...base, notice: t(locale, 'common.no_plan') };
  const { person, branches } = found;
  const { today } = planToday;

  const [inputs, papers] = await Promise.all([
    loadChecklistInputs(ctx.db, planToday.plan, person.secretaryOf),
    listPapersByAuthor(ctx.db, person.id, planToday.plan.id),
  ]);
  const owes = paperObligationsFor(inputs.obligations, person.rank).length > 0;
  const paper =
    owes || papers.length > 0
      ? { items: paperChecklist({ obligations: inputs.obligations, rank: person.rank, papers, today }), papers }
      : null;

  let leader: HomeInput['leader'] = null;
  if (person.roles.includes('leader')) {
    const [all, reportQueue] = await Promise.all([
      leadersOverview(ctx.db, planToday.plan, today, REVIEW_LIST_MAX),
      reportsAwaitingReview(ctx.db, planToday.plan.id, REVIEW_LIST_MAX),
    ]);
    leader = {
      overview: all.overview,
      today,
      papers: all.papers,
      queue: {
        reports: reportQueue.items,
        reportsTotal: reportQueue.total,
        papers: all.paperQueue,
        papersTotal: all.papers.waiting,
      },
    };
  }
  const [projects, commendations, commitments, evaluation] = await Promise.all([
    projectsHome(ctx, planToday, person, branches),
    commendationsHome(ctx, planToday, person, branches),
    commitmentsHome(ctx, planToday, person, locale),
    evaluationHome(ctx, planToday.plan, today, person),
  ]);
  return {
    ...base,
    branches: branchStatuses(branches, { ...inputs, today }),
    paper,
    leader,
    projects,
    commendations,
    evaluation,
    commitments,
  };
}

/**
 * Publishes the person's App Home. Called after every change that concerns them; a failure to
 * refresh a Home tab must never fail the change that caused it, so errors are logged, not thrown.
 */
export async function publishHome(ctx: AppContext, client: WebClient, slackUserId: string): Promise<void> {
  try {
    const found = await findPersonWithBranches(ctx.db, slackUserId);
    const locale = await localeFor(ctx, client, slackUserId, found?.person ?? null);
    const view = homeView(await homeInput(ctx, found, locale));
    await client.views.publish({ user_id: slackUserId, view });
  } catch (err) {
    ctx.logger.warn({ err, user: slackUserId }, 'could not publish the App Home');
  }
}

/**
 * Refreshes every leader's Home, whose review queue and overview change with each submission.
 * Leaders are few (tens); each Home reads the plan's report states once.
 */
export async function publishLeadersHomes(ctx: AppContext, client: WebClient): Promise<void> {
  try {
    for (const leader of await listLeaders(ctx.db)) await publishHome(ctx, client, leader.slackUserId);
  } catch (err) {
    ctx.logger.warn({ err }, "could not refresh the leaders' Home tabs");
  }
}
