import { branchChecklist } from '../../src/domain/checklist.js';
import type { DigestData } from '../../src/domain/digest.js';
import type { EscalationItem } from '../../src/domain/escalations.js';
import { paperChecklist, type Paper } from '../../src/domain/papers.js';
import { branchStatuses, type BranchStatus } from '../../src/domain/progress.js';
import { rankBranches } from '../../src/domain/ranking.js';
import type { Branch, Obligation, Report } from '../../src/domain/types.js';
import type { Locale } from '../../src/i18n/index.js';
import type { HomeInput } from '../../src/ui/home.js';
import type { ReportCardInput } from '../../src/ui/review.js';
import { anObligation, aReminderItem } from './fixtures.js';
import { EVIL_LINK, HOSTILE } from './mrkdwn.js';

// One branch's year as people could write it: every name, title and text carries HOSTILE (every
// piece of Slack markup), for the tests that feed it through the builders of src/ui
// (test/ui/escaping.test.ts, test/playground/render-builders.test.ts). A test that needs more
// (script for an HTML page) changes the piece it needs.

export const LOCALES: Locale[] = ['zh-CN', 'en'];
export const title = { zh: `任务${HOSTILE}`, en: `Task ${HOSTILE}` };
export const obligation: Obligation = anObligation(1, 'A01-EVENT', '2011-06-30', { title });
const paperObligation: Obligation = {
  ...obligation,
  id: 2,
  code: 'A09-PAPER',
  kind: 'paper',
  paperKinds: ['party_paper'],
  appliesTo: { kind: 'ranks', ranks: ['school_cadre'] },
  position: 2,
};
export const branch: Branch = { id: 1, code: 'YQ-ZX1', name: `第一中学${HOSTILE}`, category: 'secondary' };

/** The title of the task as a reader of `locale` sees it. */
export function titleIn(locale: Locale): string {
  return title[locale === 'zh-CN' ? 'zh' : 'en'];
}

/** A report of the branch's task, returned with a comment; `over` changes the rest. */
export function aReport(over: Partial<Report> = {}): Report {
  return {
    id: 7,
    obligationId: 1,
    branchId: 1,
    status: 'returned',
    heldOn: '2011-06-18',
    participants: 42,
    summary: `摘要 ${HOSTILE}`,
    evidence: [{ type: 'link', url: EVIL_LINK }],
    submittedBy: 1,
    submittedAt: '2011-06-20T02:00:00.000Z',
    onTime: true,
    reviewedBy: 2,
    reviewedAt: '2011-06-21T02:00:00.000Z',
    reviewComment: `点评 ${HOSTILE}`,
    version: 2,
    ...over,
  };
}

/** The review card of `report`, submitted (again) and extended to 2011-07-15, by `authorName`. */
export function aCard(report: Report, authorName: string): ReportCardInput {
  return {
    report: { ...report, status: 'submitted' },
    obligation,
    branchName: branch.name,
    authorName,
    due: '2011-07-15',
    originalDue: '2011-06-30',
    submittedLocal: '2011-06-20 10:00',
  };
}

/** A paper returned with a comment, its link the evil one; `over` changes the rest. */
export function aPaper(over: Partial<Paper> = {}): Paper {
  return {
    id: 3,
    version: 1,
    planId: 1,
    authorId: 1,
    kind: 'party_paper',
    title: `论文${HOSTILE}`,
    abstract: `摘要${HOSTILE}`,
    link: EVIL_LINK,
    fileId: 'F0PAPER001',
    filePermalink: 'https://acme.slack.com/files/U0/F0PAPER001/paper.docx',
    coauthors: ['U0MEM00002'],
    status: 'returned',
    excellent: false,
    submittedAt: '2011-06-01T00:00:00.000Z',
    onTime: true,
    reviewedBy: 2,
    reviewedAt: '2011-06-02T00:00:00.000Z',
    reviewComment: `点评${HOSTILE}`,
    ...over,
  };
}

/** The branch's checklist on 2011-06-20 with `report` in it. */
export function itemsWith(report: Report) {
  return branchChecklist({ obligations: [obligation], category: 'secondary', reports: [report], today: '2011-06-20' });
}

/** A school cadre's paper checklist on 2011-06-20 with `papers` in it. */
export function paperItemsWith(papers: Paper[]) {
  return paperChecklist({ obligations: [paperObligation], rank: 'school_cadre', papers, today: '2011-06-20' });
}

/** The branch's status on 2011-06-20, its report submitted. */
export function statusesWith(report: Report): BranchStatus[] {
  return branchStatuses([branch], {
    obligations: [obligation],
    reports: [{ ...report, status: 'submitted' }],
    today: '2011-06-20',
    extensions: new Map(),
    exemptions: new Map(),
  });
}

const line = { branches: 1, total: 1, done: 0, overdue: 1, overdueBranches: 1, pct: 0 };
/** The leaders' overview: the one branch, overdue. */
export const overview = {
  all: line,
  categories: [{ ...line, category: 'secondary' as const }],
  laggards: [{ branch, total: 1, done: 0, overdue: 1, returned: 0 }],
};

/** The ranking on 2011-07-20 of the branch with `report` accepted, the year so far. */
export function rankedWith(report: Report, obligations: Obligation[], exemptions: Map<number, Set<number>>) {
  return rankBranches({
    branches: [branch],
    obligations,
    reports: [{ ...report, status: 'accepted' }],
    exemptions,
    extensions: new Map(),
    today: '2011-07-20',
    rules: { onTime: 1, late: 0.5 },
    mode: 'running',
    period: 'year',
  });
}

/** The branch's reminder three days before its task is due. */
export const reminder = aReminderItem({
  title,
  branchName: branch.name,
  stage: { key: 'before:3', kind: 'before', nominal: '2011-06-27', sendOn: '2011-06-27' },
  daysLeft: 3,
});

/** A leader's escalation of the branch's task `code` (obligation `obligationId`), nine days late. */
export function anEscalation(obligationId: number, code: string): EscalationItem {
  return {
    key: 'e',
    recipient: 'U0LDR00001',
    locale: null,
    obligationId,
    code,
    title,
    branchId: 1,
    branchCode: 'YQ-ZX1',
    branchName: branch.name,
    personName: `李晓梅${HOSTILE}`,
    due: '2011-06-30',
    overdueDays: 9,
    afterDays: 7,
  };
}

/** The weekly digest of 2011-06-13 to 2011-06-19: the branch overdue, an excellent paper. */
export function aDigest(projects: DigestData['projects']): DigestData {
  return {
    weekStart: '2011-06-13',
    weekEnd: '2011-06-19',
    today: '2011-06-20',
    late: false,
    overall: { total: 1, done: 0, due: 1, doneOfDue: 0 },
    byCategory: [],
    reportsThisWeek: 1,
    papersThisWeek: 1,
    dueSoon: [{ code: 'A01-EVENT', title, due: '2011-06-30', open: 1 }],
    overdueBranches: [{ code: 'YQ-ZX1', name: branch.name, category: 'secondary', codes: ['A01-EVENT'] }],
    overduePapers: 0,
    excellent: [{ title: `论文${HOSTILE}`, author: `李晓梅${HOSTILE}`, kind: 'party_paper' }],
    projects,
  };
}

/** A leader's App Home: the branch's status, a paper of theirs, and both waiting in the review queue. */
export function aLeaderHome(
  locale: Locale,
  statuses: BranchStatus[],
  paper: { items: ReturnType<typeof paperItemsWith>; papers: Paper[] },
): HomeInput {
  return {
    locale,
    planTitle: `2011 ${HOSTILE}`,
    updatedAt: '2011-06-20 10:00',
    branches: statuses,
    paper,
    leader: {
      overview,
      today: '2011-06-20',
      papers: { owed: 1, done: 0, waiting: 1 },
      queue: {
        reports: [
          {
            reportId: 7,
            obligationCode: 'A01-EVENT',
            title,
            branchName: branch.name,
            submittedAt: '2011-06-20T02:00:00Z',
          },
        ],
        reportsTotal: 1,
        papers: [{ paper: paper.papers[0]!, authorName: `李晓梅${HOSTILE}` }],
        papersTotal: 1,
      },
    },
  };
}
