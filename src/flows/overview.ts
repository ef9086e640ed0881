import type { DB } from '../../db/index.js';
import { listPapersForPlan, papersAwaitingReview, type PaperWaiting } from '../../db/queries/papers.js';
import { listBranches } from '../../db/queries/people.js';
import type { Plan } from '../../db/queries/plans.js';
import { listRankedPeople, loadOverviewInputs } from '../../db/queries/progress.js';
import { branchCounts, overview, paperOverview, type Overview } from '../domain/progress.js';
import type { LocalDate } from '../domain/types.js';

export interface LeadersOverview {
  overview: Overview;
  papers: { owed: number; done: number; waiting: number };
  /** The first papers waiting for review, at most the number asked. */
  paperQueue: PaperWaiting[];
}

/**
 * What leaders see of the whole plan, in /progress and on their Home: each category's progress,
 * the laggards, the papers owed, done and waiting. Reads the whole plan once.
 */
export async function leadersOverview(
  db: DB,
  plan: Plan,
  today: LocalDate,
  paperQueueMax = 0,
): Promise<LeadersOverview> {
  const [branches, inputs, people, papers, waiting] = await Promise.all([
    listBranches(db),
    loadOverviewInputs(db, plan),
    listRankedPeople(db),
    listPapersForPlan(db, plan.id),
    papersAwaitingReview(db, plan.id, paperQueueMax),
  ]);
  const counts = paperOverview({ people, obligations: inputs.obligations, papers, today });
  return {
    overview: overview(branchCounts(branches, { ...inputs, today })),
    papers: { ...counts, waiting: waiting.total },
    paperQueue: waiting.items,
  };
}
