import type { WebClient } from '@slack/web-api';
import { DateTime } from 'luxon';
import { listPapersByAuthor, listPapersForPlan, papersAwaitingReview } from '../../db/queries/papers.js';
import { findPersonBySlackId, listBranches, listLeaders } from '../../db/queries/people.js';
import { findActivePlan, type Plan } from '../../db/queries/plans.js';
import {
  listRankedPeople,
  loadChecklistInputs,
  loadOverviewInputs,
  reportsAwaitingReview,
} from '../../db/queries/progress.js';
import type { AppContext } from '../context.js';
import { paperChecklist, paperObligationsFor } from '../domain/papers.js';
import { branchCounts, branchStatuses, overview, paperOverview } from '../domain/progress.js';
import { localDateOf } from '../domain/time.js';
import type { Person } from '../domain/types.js';
import { pick, t, type Locale } from '../i18n/index.js';
import { homeView, REVIEW_LIST_MAX, type HomeInput } from '../ui/home.js';
import { localeFor } from './locale.js';

/** Gathers what the person's Home shows, by role. */
export async function homeInput(ctx: AppContext, person: Person | null, locale: Locale): Promise<HomeInput> {
  const now = ctx.clock.now();
  const plan: Plan | null = await findActivePlan(ctx.db, now.toISOString().slice(0, 10));
  const zone = plan?.timezone ?? 'UTC';
  const updatedAt = DateTime.fromJSDate(now, { zone }).toFormat('yyyy-LL-dd HH:mm');
  const base = {
    locale,
    planTitle: plan ? pick(plan.title, locale) : null,
    updatedAt,
    branches: [],
    paper: null,
    leader: null,
  };
  if (!person) return { ...base, notice: t(locale, 'common.not_in_roster') };
  if (!plan) return { ...base, notice: t(locale, 'common.no_plan') };
  const today = localDateOf(now, plan.timezone);

  const [inputs, papers, branches] = await Promise.all([
    loadChecklistInputs(ctx.db, plan, person.secretaryOf),
    listPapersByAuthor(ctx.db, person.id, plan.id),
    listBranches(ctx.db, person.secretaryOf),
  ]);
  const owes = paperObligationsFor(inputs.obligations, person.rank).length > 0;
  const paper =
    owes || papers.length > 0
      ? { items: paperChecklist({ obligations: inputs.obligations, rank: person.rank, papers, today }), papers }
      : null;

  let leader: HomeInput['leader'] = null;
  if (person.roles.includes('leader')) {
    const [all, allBranches, people, allPapers, reportQueue, paperQueue] = await Promise.all([
      loadOverviewInputs(ctx.db, plan),
      listBranches(ctx.db),
      listRankedPeople(ctx.db),
      listPapersForPlan(ctx.db, plan.id),
      reportsAwaitingReview(ctx.db, plan.id, REVIEW_LIST_MAX),
      papersAwaitingReview(ctx.db, plan.id, REVIEW_LIST_MAX),
    ]);
    const counts = paperOverview({ people, obligations: all.obligations, papers: allPapers, today });
    leader = {
      overview: overview(branchCounts(allBranches, { ...all, today })),
      today,
      papers: { ...counts, waiting: paperQueue.total },
      queue: {
        reports: reportQueue.items,
        reportsTotal: reportQueue.total,
        papers: paperQueue.items,
        papersTotal: paperQueue.total,
      },
    };
  }
  return { ...base, branches: branchStatuses(branches, { ...inputs, today }), paper, leader };
}

/**
 * Publishes the person's App Home. Called after every change that concerns them; a failure to
 * refresh a Home tab must never fail the change that caused it, so errors are logged, not thrown.
 */
export async function publishHome(ctx: AppContext, client: WebClient, slackUserId: string): Promise<void> {
  try {
    const person = await findPersonBySlackId(ctx.db, slackUserId);
    const locale = await localeFor(ctx, client, slackUserId, person);
    const view = homeView(await homeInput(ctx, person, locale));
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
