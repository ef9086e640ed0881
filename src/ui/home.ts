import type { KnownBlock, View } from '@slack/types';
import { isDone } from '../domain/checklist.js';
import type { Paper, PaperItem } from '../domain/papers.js';
import type { BranchStatus, Overview } from '../domain/progress.js';
import type { PaperKind } from '../domain/types.js';
import { pick, t, type Locale } from '../i18n/index.js';
import { LIMITS, clip, escape, mrkdwn, plain } from './limits.js';
import { PAPER_ACTIONS, paperKindLabel, paperStatusBlocks } from './paper.js';
import { branchHeader, checklistLine, overviewBlocks, REVIEW_REPORT_ACTION } from './progress.js';
import { projectsHomeBlocks, type ProjectsHome } from './projects.js';
import { commendationsHomeBlocks, type CommendationsHome } from './commendations.js';
import { evaluationHomeBlocks, type EvaluationHome } from './evaluation.js';
import { commitmentsHomeBlocks, type CommitmentsHome } from './commitments.js';

export const HOME_ACTIONS = {
  /** Opens the report modal for one open task; value `{"o":obligationId,"b":branchId}`. */
  report: 'home_report',
  /** Opens a report's review (handled by the review module); value = report id. */
  reviewReport: REVIEW_REPORT_ACTION,
} as const;

/** Review items listed per kind before "N more". */
export const REVIEW_LIST_MAX = 10;
/** Open tasks with a button, per branch, before "N more". */
const OPEN_ITEMS_MAX = 20;

export interface HomeReviewQueue {
  reports: {
    reportId: number;
    obligationCode: string;
    title: { zh: string; en: string };
    branchName: string;
    submittedAt: string;
  }[];
  reportsTotal: number;
  papers: { paper: Pick<Paper, 'id' | 'title' | 'kind' | 'submittedAt'>; authorName: string }[];
  papersTotal: number;
}

export interface HomeInput {
  locale: Locale;
  planTitle: string | null;
  /** Local time of the update, e.g. `2011-06-20 10:00`. */
  updatedAt: string;
  /** Set for people not in the roster, or when no plan is loaded: the whole Home is this text. */
  notice?: string;
  branches: BranchStatus[];
  paper: { items: PaperItem[]; papers: Paper[] } | null;
  leader: {
    overview: Overview;
    today: string;
    papers: { owed: number; done: number; waiting: number };
    queue: HomeReviewQueue;
  } | null;
  /** Innovation projects and commendations (src/ui/projects.ts, src/ui/commendations.ts); absent without them. */
  projects?: ProjectsHome | null;
  commendations?: CommendationsHome | null;
  /** The year-end evaluation (src/ui/evaluation.ts): turnout or results for leaders, branches left to rate for a voter. */
  evaluation?: EvaluationHome | null;
  /** Public commitments (src/ui/commitments.ts): the member's own, the secretary's queue; absent without them. */
  commitments?: CommitmentsHome | null;
}

function reportButton(value: string, locale: Locale) {
  return {
    type: 'button' as const,
    action_id: HOME_ACTIONS.report,
    value,
    text: plain(t(locale, 'home.button.report'), LIMITS.buttonText),
  };
}

/** A branch: header, counts, each open task with a Report button, the done ones in one line. */
function branchSection(status: BranchStatus, locale: Locale, budget: number): KnownBlock[] {
  const blocks: KnownBlock[] = branchHeader(status, locale);
  const open = status.items.filter((i) => !isDone(i.state) && i.state !== 'exempt');
  const done = status.items.filter((i) => isDone(i.state) || i.state === 'exempt');
  const room = Math.max(0, Math.min(OPEN_ITEMS_MAX, budget - blocks.length - 2));
  const shown = open.length > room ? open.slice(0, Math.max(0, room - 1)) : open;
  for (const item of shown) {
    blocks.push({
      type: 'section',
      text: mrkdwn(checklistLine(item, locale)),
      accessory: reportButton(JSON.stringify({ o: item.obligation.id, b: status.branch.id }), locale),
    });
  }
  if (shown.length < open.length) {
    blocks.push({
      type: 'context',
      elements: [
        mrkdwn(t(locale, 'home.secretary.more_items', { count: open.length - shown.length, code: status.branch.code })),
      ],
    });
  }
  if (open.length === 0)
    blocks.push({
      type: 'section',
      text: mrkdwn(t(locale, 'home.secretary.all_done', { branch: escape(status.branch.name) })),
    });
  if (done.length > 0) {
    blocks.push({
      type: 'context',
      elements: [
        mrkdwn(
          clip(t(locale, 'home.secretary.done_line', { codes: done.map((i) => i.obligation.code).join(', ') }), 2000),
        ),
      ],
    });
  }
  return blocks;
}

function reviewBlocks(queue: HomeReviewQueue, locale: Locale): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(t(locale, 'home.leader.review_header'), LIMITS.headerText) },
  ];
  if (queue.reportsTotal + queue.papersTotal === 0) {
    blocks.push({ type: 'section', text: mrkdwn(t(locale, 'home.leader.review_none')) });
    return blocks;
  }
  const button = (actionId: string, value: number) => ({
    type: 'button' as const,
    action_id: actionId,
    value: String(value),
    text: plain(t(locale, 'home.button.review'), LIMITS.buttonText),
  });
  for (const r of queue.reports.slice(0, REVIEW_LIST_MAX)) {
    blocks.push({
      type: 'section',
      text: mrkdwn(
        t(locale, 'home.review.report', {
          code: r.obligationCode,
          title: escape(pick(r.title, locale)),
          branch: escape(r.branchName),
          date: r.submittedAt.slice(0, 10),
        }),
      ),
      accessory: button(HOME_ACTIONS.reviewReport, r.reportId),
    });
  }
  for (const p of queue.papers.slice(0, REVIEW_LIST_MAX)) {
    blocks.push({
      type: 'section',
      text: mrkdwn(
        t(locale, 'home.review.paper', {
          title: escape(p.paper.title),
          kind: paperKindLabel(p.paper.kind as PaperKind, locale),
          author: escape(p.authorName),
          date: p.paper.submittedAt.slice(0, 10),
        }),
      ),
      accessory: button(PAPER_ACTIONS.reviewOpen, p.paper.id),
    });
  }
  const more =
    queue.reportsTotal -
    Math.min(queue.reports.length, REVIEW_LIST_MAX) +
    queue.papersTotal -
    Math.min(queue.papers.length, REVIEW_LIST_MAX);
  if (more > 0) blocks.push({ type: 'context', elements: [mrkdwn(t(locale, 'home.review.more', { count: more }))] });
  return blocks;
}

/**
 * The App Home, by role, on one screen and always within Slack's 100 blocks: a secretary's open
 * tasks with Report buttons, a cadre's paper, a leader's overview and review queue.
 */
export function homeView(input: HomeInput): View {
  const { locale } = input;
  const top: KnownBlock[] = [
    { type: 'header', text: plain(t(locale, 'home.header', { plan: input.planTitle ?? '' }), LIMITS.headerText) },
    { type: 'context', elements: [mrkdwn(t(locale, 'home.updated', { time: input.updatedAt }))] },
  ];
  if (input.notice !== undefined)
    return { type: 'home', blocks: [...top, { type: 'section', text: mrkdwn(input.notice) }] };

  const paper = input.paper
    ? paperStatusBlocks({ locale, items: input.paper.items, papers: input.paper.papers, withButtons: true })
    : [];
  const leader = input.leader
    ? [
        { type: 'header' as const, text: plain(t(locale, 'home.leader.header'), LIMITS.headerText) },
        ...overviewBlocks({
          locale,
          overview: input.leader.overview,
          today: input.leader.today,
          papers: input.leader.papers,
          header: false,
        }),
        ...reviewBlocks(input.leader.queue, locale),
      ]
    : [];
  const campaign = [
    ...commitmentsHomeBlocks(locale, input.commitments),
    ...projectsHomeBlocks(locale, input.projects),
    ...commendationsHomeBlocks(locale, input.commendations),
    ...(input.evaluation ? evaluationHomeBlocks(locale, input.evaluation) : []),
  ];
  // Blocks left for the branches once the other parts (and their dividers) are placed.
  let budget = LIMITS.viewBlocks - top.length - paper.length - leader.length - campaign.length - 4;
  const branchBlocks: KnownBlock[] = [];
  let shownBranches = 0;
  for (const status of input.branches) {
    if (budget < 6) break;
    const part = branchSection(status, locale, budget - 2);
    branchBlocks.push(...part, { type: 'divider' });
    budget -= part.length + 1;
    shownBranches++;
  }
  if (shownBranches < input.branches.length) {
    branchBlocks.push({
      type: 'context',
      elements: [mrkdwn(t(locale, 'home.secretary.more_branches', { count: input.branches.length - shownBranches }))],
    });
  } else if (branchBlocks.at(-1)?.type === 'divider') branchBlocks.pop();

  // The work first: a secretary's tasks, a leader's picture and queue, then the person's own paper.
  const parts = [branchBlocks, campaign, leader, paper].filter((p) => p.length > 0);
  const body: KnownBlock[] = [];
  for (const part of parts) {
    if (body.length > 0) body.push({ type: 'divider' });
    body.push(...part);
  }
  if (body.length === 0)
    body.push(
      { type: 'section', text: mrkdwn(t(locale, 'home.member.none')) },
      ...paperStatusBlocks({ locale, items: [], papers: [], withButtons: true }).slice(-1),
    );
  return { type: 'home', blocks: [...top, ...body].slice(0, LIMITS.viewBlocks) };
}
