import type { EvaluationExport } from '../domain/evaluation.js';
import { pick, t, type Locale, type MessageKey } from '../i18n/index.js';
import type { Table } from './workbook.js';

/**
 * The evaluation's sheet (评议): one row a branch, in code order, with its ballots, electorate,
 * turnout, satisfaction rate and rank in category, then every question's counts by grade. Only a
 * closed round has one: the counts are not shown before the close.
 */
export function evaluationTable(data: EvaluationExport, locale: Locale): Table {
  const h = (key: string) => t(locale, `evaluation.sheet.${key}` as MessageKey);
  const rate = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);
  const pairs = data.settings.questions.flatMap((q) => data.settings.grades.map((g) => ({ q, g })));
  return {
    key: 'evaluation',
    name: h('title'),
    headers: [
      ...['code', 'branch', 'category', 'ballots', 'eligible', 'turnout', 'satisfaction', 'rank'].map(h),
      ...pairs.map(({ q, g }) => `${pick(q.title, locale)} · ${pick(g.title, locale)}`),
      h('weight'),
    ],
    widths: [12, 24, 14, 8, 12, 10, 10, 10, ...pairs.map(() => 14), 10],
    rows: data.results.map((r) => [
      r.branch.code,
      r.branch.name,
      t(locale, `common.category.${r.branch.category}` as MessageKey),
      r.ballots,
      r.eligible,
      rate(r.turnout),
      rate(r.satisfaction),
      r.rank,
      ...pairs.map(({ q, g }) => r.byQuestion[q.code]?.[g.code] ?? 0),
      data.settings.weight,
    ]),
  };
}
