import type { KnownBlock } from '@slack/types';
import type { RankedBranch, RankingPeriod, SnapshotEntry } from '../domain/ranking.js';
import { rankChange } from '../domain/ranking.js';
import type { ScoreLine, ScoringMode, ScoringRules } from '../domain/scoring.js';
import type { Category, LocalDate } from '../domain/types.js';
import { pick, t, type Locale, type MessageKey } from '../i18n/index.js';
import { LIMITS, clip, escape, mrkdwn, plain } from './limits.js';

/** Leaders read on phones: the top of the table, then a pointer to `explain` and the export for the rest. */
export const TOP_N = 20;

export interface RankingView {
  locale: Locale;
  rows: readonly RankedBranch[];
  category: Category | null;
  period: RankingPeriod;
  mode: ScoringMode;
  today: LocalDate;
  rules: ScoringRules;
  /** The latest earlier monthly snapshot, for the arrows; null when none was kept yet. */
  previous: { month: string; entries: ReadonlyMap<number, SnapshotEntry> } | null;
}

export function formatScore(score: number | null, locale: Locale): string {
  return score === null ? t(locale, 'leaders.rankings.unscored') : score.toFixed(1);
}

function arrow(change: number | null): string {
  if (change === null || change === 0) return '';
  return change > 0 ? ` ▲${change}` : ` ▼${-change}`;
}

export function formulaText(locale: Locale, mode: ScoringMode, rules: ScoringRules): string {
  return t(locale, mode === 'final' ? 'leaders.formula.final' : 'leaders.formula.running', {
    onTime: rules.onTime,
    late: rules.late,
  });
}

/** Lines packed into sections under Slack's 3000-character section limit. */
export function sectionsOf(lines: readonly string[], max: number = LIMITS.sectionText): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let current = '';
  for (const line of lines) {
    const next = current === '' ? line : `${current}\n${line}`;
    if (next.length > max && current !== '') {
      blocks.push({ type: 'section', text: mrkdwn(current) });
      current = clip(line, max);
    } else current = clip(next, max);
  }
  if (current !== '') blocks.push({ type: 'section', text: mrkdwn(current) });
  return blocks;
}

export function rankingTitle(v: Pick<RankingView, 'locale' | 'category' | 'period' | 'mode' | 'today'>): string {
  const scope = v.category
    ? t(v.locale, `common.category.${v.category}` as MessageKey)
    : t(v.locale, 'leaders.rankings.scope.all');
  const period =
    v.period === 'month'
      ? t(v.locale, 'leaders.rankings.period.month', { month: v.today.slice(0, 7) })
      : t(v.locale, v.mode === 'final' ? 'leaders.rankings.period.final' : 'leaders.rankings.period.year');
  return t(v.locale, 'leaders.rankings.title', { scope, period });
}

/** The ranking as a message: top N, the count of the rest, the formula in one line. */
export function rankingBlocks(v: RankingView): { text: string; blocks: KnownBlock[] } {
  const { locale } = v;
  const title = rankingTitle(v);
  const inCategory = v.category !== null;
  const showChange = v.period === 'year' && v.previous !== null;
  const lines = v.rows.slice(0, TOP_N).map((r) => {
    const rank = (inCategory ? r.rankInCategory : r.rank) ?? '–';
    const change = showChange ? arrow(rankChange(r, v.previous?.entries.get(r.branch.id), inCategory)) : '';
    return `*${rank}.* ${escape(r.branch.name)} (${r.branch.code}) ${formatScore(r.score.score, locale)}${change}`;
  });
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(title, LIMITS.headerText) },
    {
      type: 'context',
      elements: [mrkdwn(t(locale, 'leaders.rankings.as_of', { today: v.today, count: v.rows.length }))],
    },
  ];
  if (lines.length === 0) blocks.push({ type: 'section', text: mrkdwn(t(locale, 'leaders.rankings.empty')) });
  else blocks.push(...sectionsOf(lines));
  if (v.rows.length > TOP_N)
    blocks.push({
      type: 'context',
      elements: [mrkdwn(t(locale, 'leaders.rankings.more', { count: v.rows.length - TOP_N }))],
    });
  const notes = [formulaText(locale, v.mode, v.rules)];
  if (v.period === 'year')
    notes.push(
      v.previous
        ? t(locale, 'leaders.rankings.change_since', { month: v.previous.month })
        : t(locale, 'leaders.rankings.no_change_yet'),
    );
  blocks.push({ type: 'context', elements: notes.map((n) => mrkdwn(n)) });
  return { text: title, blocks };
}

export interface ExplainView {
  locale: Locale;
  row: RankedBranch;
  total: number;
  totalInCategory: number;
  mode: ScoringMode;
  rules: ScoringRules;
  /** Exemption reasons by obligation id. */
  exemptReasons: ReadonlyMap<number, string>;
}

const STATE_MARK: Record<ScoreLine['state'], string> = {
  done_on_time: '✅',
  done_late: '🟡',
  returned: '↩️',
  overdue: '❌',
  open: '⏳',
  exempt: '➖',
};

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0$/, '');
}

export function stateLabel(line: Pick<ScoreLine, 'state' | 'daysLeft'>, locale: Locale): string {
  if (line.state === 'open')
    return line.daysLeft === 0
      ? t(locale, 'common.state.due_today')
      : t(locale, 'common.state.open', { days: line.daysLeft });
  if (line.state === 'overdue') return t(locale, 'common.state.overdue', { days: -line.daysLeft });
  return t(locale, `common.state.${line.state}` as MessageKey);
}

/** How a branch's score was made, task by task: what a secretary who disputes it is shown. */
export function explainBlocks(v: ExplainView): { text: string; blocks: KnownBlock[] } {
  const { locale, row } = v;
  const s = row.score;
  const title = t(locale, 'leaders.explain.title', {
    name: row.branch.name,
    code: row.branch.code,
    score: formatScore(s.score, locale),
  });
  const rankLine =
    row.rank === null
      ? t(locale, 'leaders.explain.unranked')
      : t(locale, 'leaders.explain.rank', {
          rank: row.rank,
          total: v.total,
          rankInCategory: row.rankInCategory ?? '–',
          totalInCategory: v.totalInCategory,
          category: t(locale, `common.category.${row.branch.category}` as MessageKey),
        });
  // Phones: what counts is shown item by item; what is not due yet fits in one line.
  const notDue = s.lines.filter((l) => !l.counted && l.state !== 'exempt');
  const lines = s.lines
    .filter((l) => l.counted || l.state === 'exempt')
    .map((l) => {
      const how =
        l.state === 'exempt'
          ? t(locale, 'leaders.explain.exempt', { reason: escape(v.exemptReasons.get(l.obligation.id) ?? '') })
          : t(locale, 'leaders.explain.counted', {
              weight: fmt(l.obligation.weight),
              credit: fmt(l.credit),
              earned: fmt(l.earned),
            });
      return `${STATE_MARK[l.state]} \`${l.obligation.code}\` ${escape(clip(pick(l.obligation.title, locale), 40))} — ${stateLabel(l, locale)} — ${how}`;
    });
  if (notDue.length > 0)
    lines.push(
      `${STATE_MARK.open} ${t(locale, 'leaders.explain.not_due', { count: notDue.length, codes: notDue.map((l) => l.obligation.code).join(', ') })}`,
    );
  const total = t(locale, 'leaders.explain.total', {
    earned: fmt(s.earned),
    possible: fmt(s.possible),
    score: formatScore(s.score, locale),
  });
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(title, LIMITS.headerText) },
    { type: 'context', elements: [mrkdwn(rankLine)] },
    ...sectionsOf(lines),
    { type: 'section', text: mrkdwn(total) },
    { type: 'context', elements: [mrkdwn(formulaText(locale, v.mode, v.rules))] },
  ];
  return {
    // The title is a plain-text header above; the notification text is mrkdwn, so it is escaped there.
    text: clip(`${escape(title)}\n${lines.join('\n')}\n${total}`, LIMITS.sectionText),
    blocks: blocks.slice(0, LIMITS.messageBlocks),
  };
}
