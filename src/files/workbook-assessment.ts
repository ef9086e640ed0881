import type { ExportData } from '../../db/queries/export.js';
import { COMPONENTS, type EvaluationInput } from '../domain/assessment.js';
import { isClosed } from '../domain/inspections.js';
import { PROJECT_STAGES } from '../domain/projects.js';
import { CATEGORIES, type Category } from '../domain/types.js';
import { t, type Locale, type MessageKey } from '../i18n/index.js';
import { componentLabel, gradeLabel } from '../ui/assessment.js';
import { kindLabel, ratingLabel } from '../ui/inspections.js';
import { stageLabel } from '../ui/projects.js';
import type { Cell, Table } from './workbook.js';

/** Tenths and hundredths as the numbers a spreadsheet sums: 925 → 92.5, 8711 → 87.11. */
const fromTenths = (v: number | null) => (v === null ? null : v / 10);
const fromCents = (v: number | null) => (v === null ? null : v / 100);
/** A rate as a percentage to one decimal, or nothing when there is nothing to divide by. */
const percent = (num: number, den: number) => (den > 0 ? Math.round((1000 * num) / den) / 10 : null);

/**
 * The export's year-end sheets: the assessment (one row per branch, every component's value and
 * part, the bonus, the score, the rank in its category, the grade), the summary for the county
 * leading group (per category and in total), and the inspections (one row per inspection and
 * branch: a county inspection has a row for each branch it set tasks for).
 */
export function assessmentTables(data: ExportData, locale: Locale): Table[] {
  const h = (key: string, vars?: Record<string, string | number>) => t(locale, key as MessageKey, vars);
  const category = (c: string) => t(locale, `common.category.${c}` as MessageKey);
  const yesNo = (b: boolean) => t(locale, b ? 'leaders.yes' : 'leaders.no');
  const { assessment, rules, inspections, items } = data.assessment;
  const ratings = data.plan.settings.inspections.ratings;
  const branchById = new Map(data.branches.map((b) => [b.id, b]));
  const status = h(assessment.provisional ? 'assess.status.provisional' : 'assess.status.final');

  const sheet: Table = {
    key: 'assessment',
    name: h('assess.sheet.assessment'),
    headers: [
      h('assess.col.category'),
      h('assess.col.code'),
      h('assess.col.branch'),
      ...COMPONENTS.flatMap((c) => {
        const component = `${componentLabel(locale, c)} (${rules.weights[c]})`;
        return [h('assess.col.value', { component }), h('assess.col.part', { component: componentLabel(locale, c) })];
      }),
      h('assess.col.bonus'),
      h('assess.col.score'),
      h('assess.col.rank'),
      h('assess.col.grade'),
      h('assess.col.status'),
    ],
    widths: [14, 12, 24, ...COMPONENTS.flatMap(() => [12, 10]), 8, 8, 10, 10, 8],
    rows: assessment.rows.map((r) => [
      category(r.branch.category),
      r.branch.code,
      r.branch.name,
      ...COMPONENTS.flatMap((c) => {
        const part = r.parts.find((p) => p.component === c)!;
        const counted = part.value10 !== null && part.weight > 0;
        return [fromTenths(part.value10), counted ? fromCents(part.cents) : null];
      }),
      r.cents === null ? null : fromCents(r.bonusCents),
      fromCents(r.cents),
      r.cents === null ? null : r.rankInCategory,
      r.grade === null ? null : gradeLabel(locale, r.grade),
      status,
    ]),
  };

  // ---- the summary: one row per category with branches, then the total ----
  const categoryOfBranch = (id: number | null) => (id === null ? undefined : branchById.get(id)?.category);
  const categoryOfCode = new Map(data.branches.map((b) => [b.code, b.category]));
  const evaluationOf = new Map(
    assessment.rows.map((r) => [
      r.branch.id,
      r.parts.find((p) => p.component === 'evaluation')?.inputs as EvaluationInput | null | undefined,
    ]),
  );
  const reports = data.reports.filter((r) => r.status !== 'withdrawn');
  const papers = data.papers.filter((p) => p.status !== 'withdrawn');
  const nominations = data.campaign.nominations.filter((n) => n.status === 'awarded');
  /** The county's inspections count in each category they set tasks in, and once in the total. */
  const inspectionCategories = new Map<number, Set<Category>>();
  for (const i of inspections) {
    const set = new Set<Category>();
    const own = categoryOfBranch(i.branchId);
    if (own) set.add(own);
    inspectionCategories.set(i.id, set);
  }
  for (const item of items) {
    const c = categoryOfBranch(item.branchId);
    if (c) inspectionCategories.get(item.inspectionId)?.add(c);
  }

  const summaryRow = (label: string, inScope: (c: Category | undefined) => boolean): Cell[] => {
    const rs = reports.filter((r) => inScope(categoryOfBranch(r.branchId)));
    const projects = data.campaign.projects.filter((p) => inScope(p.branchCategory));
    const scopeBranches = data.branches.filter((b) => inScope(b.category));
    let ballots = 0;
    let eligible = 0;
    let eligibleBallots = 0;
    let satisfied = 0;
    let rated = 0;
    for (const b of scopeBranches) {
      const e = evaluationOf.get(b.id);
      if (!e || e.ballots <= 0) continue;
      ballots += e.ballots;
      if (e.eligible !== null && e.eligible > 0) {
        eligible += e.eligible;
        eligibleBallots += e.ballots;
      }
      if (e.satisfaction !== null) {
        satisfied += e.satisfaction * e.ballots;
        rated += e.ballots;
      }
    }
    const scopeItems = items.filter((i) => inScope(categoryOfBranch(i.branchId)));
    return [
      label,
      scopeBranches.length,
      rs.length,
      rs.reduce((s, r) => s + r.participants, 0),
      rs.filter((r) => r.onTime).length,
      rs.filter((r) => !r.onTime).length,
      papers.filter((p) => inScope(p.branchCode === null ? undefined : categoryOfCode.get(p.branchCode))).length,
      ...PROJECT_STAGES.map((stage) => projects.filter((p) => p.stage === stage).length),
      projects.filter((p) => p.stage === 'award' && p.tier !== null).length,
      nominations.filter((n) => inScope(n.branchCategory)).length,
      ballots,
      percent(eligibleBallots, eligible),
      percent(satisfied, rated),
      inspections.filter((i) => [...inspectionCategories.get(i.id)!].some((c) => inScope(c)) || inScope(undefined))
        .length,
      scopeItems.length,
      scopeItems.filter(isClosed).length,
    ];
  };
  const present = CATEGORIES.filter((c) => data.branches.some((b) => b.category === c));
  const summary: Table = {
    key: 'summary',
    name: h('assess.sheet.summary'),
    headers: [
      h('assess.sum.scope'),
      h('assess.sum.branches'),
      h('assess.sum.events'),
      h('assess.sum.participants'),
      h('assess.sum.on_time'),
      h('assess.sum.late'),
      h('assess.sum.papers'),
      ...PROJECT_STAGES.map((s) => h('assess.sum.projects_stage', { stage: stageLabel(locale, s) })),
      h('assess.sum.project_awards'),
      h('assess.sum.commendations'),
      h('assess.sum.ballots'),
      `${h('assess.sum.turnout')} %`,
      `${h('assess.sum.satisfaction')} %`,
      h('assess.sum.inspections'),
      h('assess.sum.items'),
      h('assess.sum.items_closed'),
    ],
    widths: [14, 10, 12, 10, 10, 10, 8, ...PROJECT_STAGES.map(() => 14), 12, 8, 10, 10, 10, 10, 10, 14],
    rows: [
      ...present.map((c) => summaryRow(category(c), (x) => x === c)),
      summaryRow(h('assess.sum.total'), () => true),
    ],
  };

  // ---- the inspections: each branch's history, the county's inspections once per branch they concern ----
  const itemsOf = new Map<number, typeof items>();
  for (const x of items) {
    const list = itemsOf.get(x.inspectionId);
    if (list) list.push(x);
    else itemsOf.set(x.inspectionId, [x]);
  }
  const inspectionRows: Cell[][] = [];
  for (const i of inspections) {
    const own = itemsOf.get(i.id) ?? [];
    const branchIds = i.branchId !== null ? [i.branchId] : [...new Set(own.map((x) => x.branchId))];
    for (const id of branchIds) {
      const b = branchById.get(id);
      const mine = own.filter((x) => x.branchId === id);
      inspectionRows.push([
        i.heldOn,
        kindLabel(locale, i.kind),
        b?.code ?? null,
        b?.name ?? null,
        b ? category(b.category) : null,
        i.inspectorName,
        yesNo(i.branchId === null),
        i.rating === null ? null : ratingLabel(locale, ratings, i.rating),
        yesNo(i.twoSkins),
        i.checked,
        i.findings,
        mine.map((x) => `${x.code} ${x.due} ${x.text}`).join('\n') || null,
        mine.length,
        mine.filter(isClosed).length,
      ]);
    }
  }
  const inspectionSheet: Table = {
    key: 'inspections',
    name: h('inspect.sheet.name'),
    headers: [
      'held_on',
      'kind',
      'code',
      'branch',
      'category',
      'inspector',
      'county',
      'rating',
      'two_skins',
      'checked',
      'findings',
      'items',
      'items_count',
      'items_closed',
    ].map((k) => h(`inspect.col.${k}`)),
    widths: [12, 12, 12, 24, 14, 12, 8, 8, 8, 30, 40, 40, 10, 12],
    rows: inspectionRows,
  };
  return [sheet, summary, inspectionSheet];
}
