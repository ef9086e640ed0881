import type { KnownBlock } from '@slack/types';
import type { ChecklistItem } from '../domain/checklist.js';
import type { BranchStatus, Overview } from '../domain/progress.js';
import { pick, t, type Locale, type MessageKey } from '../i18n/index.js';
import { LIMITS, clip, escape, mrkdwn, plain } from './limits.js';
import { stateIcon, stateText } from './paper.js';

/** Opens a report's review (the review module's action); value = report id. */
export const REVIEW_REPORT_ACTION = 'report_review_open';

export function categoryLabel(category: string, locale: Locale): string {
  return t(locale, `common.category.${category}` as MessageKey);
}

/** "due 2011-06-30" or, after an approved extension, "due 2011-07-15, extended from 2011-06-30". */
export function dueText(item: ChecklistItem, locale: Locale): string {
  return item.due !== item.originalDue
    ? t(locale, 'progress.item.extended', { due: item.due, original: item.originalDue })
    : t(locale, 'progress.item.due', { due: item.due });
}

export function checklistLine(item: ChecklistItem, locale: Locale): string {
  const line = t(locale, 'progress.item', {
    icon: stateIcon(item.state),
    code: item.obligation.code,
    title: escape(pick(item.obligation.title, locale)),
    state: stateText(item, locale),
  });
  return `${line} · ${dueText(item, locale)}`;
}

/** Lines packed into as few section blocks as Slack's 3,000-character text limit allows. */
export function linesToSections(lines: string[], maxBlocks: number): KnownBlock[] {
  const texts: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = clip(raw, LIMITS.sectionText);
    if (current !== '' && current.length + 1 + line.length > LIMITS.sectionText) {
      texts.push(current);
      current = line;
    } else current = current === '' ? line : `${current}\n${line}`;
  }
  if (current !== '') texts.push(current);
  return texts.slice(0, Math.max(1, maxBlocks)).map((text) => ({ type: 'section', text: mrkdwn(text) }));
}

export function branchHeader(status: BranchStatus, locale: Locale): KnownBlock[] {
  const b = status.branch;
  return [
    {
      type: 'header',
      text: plain(
        t(locale, 'progress.branch.header', {
          name: b.name,
          code: b.code,
          category: categoryLabel(b.category, locale),
        }),
        LIMITS.headerText,
      ),
    },
    {
      type: 'context',
      elements: [
        mrkdwn(
          t(locale, 'progress.branch.counts', {
            done: status.done,
            total: status.total,
            overdue: status.overdue,
            returned: status.returned,
          }),
        ),
      ],
    },
  ];
}

/** A branch checklist for a message: header, counts, every item (next deadline first) in a few sections. */
export function branchChecklistBlocks(
  status: BranchStatus,
  locale: Locale,
  opts: { reviewButtons?: boolean } = {},
): KnownBlock[] {
  const blocks = [
    ...branchHeader(status, locale),
    ...linesToSections(
      status.items.map((i) => checklistLine(i, locale)),
      3,
    ),
  ];
  // A leader opens a waiting report from here; the review module handles `report_review_open`.
  const waiting = opts.reviewButtons
    ? status.items.filter((i) => i.report?.status === 'submitted').slice(0, LIMITS.actionsElements)
    : [];
  if (waiting.length > 0) {
    blocks.push({
      type: 'actions',
      elements: waiting.map((i) => ({
        type: 'button' as const,
        action_id: REVIEW_REPORT_ACTION,
        value: String(i.report!.id),
        text: plain(t(locale, 'progress.button.review', { code: i.obligation.code }), LIMITS.buttonText),
      })),
    });
  }
  return blocks;
}

/**
 * Several branches in one message (50 blocks at most): each branch in full while they fit, then
 * a line naming the rest, to be asked for one by one.
 */
export function branchesBlocks(
  statuses: BranchStatus[],
  locale: Locale,
  budget: number,
  opts: { reviewButtons?: boolean } = {},
): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let shown = 0;
  for (const s of statuses) {
    const next = branchChecklistBlocks(s, locale, opts);
    const reserve = shown < statuses.length - 1 ? 1 : 0;
    if (blocks.length + next.length + reserve > budget) break;
    blocks.push(...next, { type: 'divider' });
    shown++;
  }
  if (blocks.at(-1)?.type === 'divider') blocks.pop();
  const rest = statuses.slice(shown);
  if (rest.length > 0) {
    const codes = rest.map((s) => s.branch.code);
    blocks.push({
      type: 'section',
      text: mrkdwn(t(locale, 'progress.more_branches', { count: rest.length, codes: clip(codes.join(', '), 2000) })),
    });
  }
  return blocks;
}

export interface OverviewInput {
  locale: Locale;
  overview: Overview;
  today: string;
  papers: { owed: number; done: number; waiting: number };
  header?: boolean;
}

/** The leaders' summary: one line per category, the total, the papers and the worst laggards. Fits any number of branches. */
export function overviewBlocks(input: OverviewInput): KnownBlock[] {
  const { locale, overview } = input;
  const lines = overview.categories.map((c) =>
    t(locale, 'progress.summary.line', {
      category: categoryLabel(c.category, locale),
      branches: c.branches,
      pct: c.pct,
      overdue: c.overdue,
      overdueBranches: c.overdueBranches,
    }),
  );
  const laggards =
    overview.laggards.length > 0
      ? t(locale, 'progress.summary.laggards', {
          list: overview.laggards
            .map((s) => t(locale, 'progress.summary.laggard', { code: s.branch.code, overdue: s.overdue }))
            .join(locale === 'zh-CN' ? '，' : ', '),
        })
      : t(locale, 'progress.summary.none_overdue');
  const blocks: KnownBlock[] = [];
  if (input.header !== false)
    blocks.push({
      type: 'header',
      text: plain(t(locale, 'progress.summary.header', { date: input.today }), LIMITS.headerText),
    });
  blocks.push(
    {
      type: 'section',
      text: mrkdwn(
        t(locale, 'progress.summary.total', {
          branches: overview.all.branches,
          pct: overview.all.pct,
          overdue: overview.all.overdue,
        }),
      ),
    },
    ...linesToSections(lines, 2),
    { type: 'section', text: mrkdwn(t(locale, 'progress.summary.papers', input.papers)) },
    { type: 'context', elements: [mrkdwn(clip(laggards, LIMITS.sectionText))] },
  );
  return blocks;
}

export function textBlocks(text: string): KnownBlock[] {
  return [{ type: 'section', text: mrkdwn(text) }];
}
