import type { KnownBlock } from '@slack/types';
import {
  centsText,
  COMPONENTS,
  tenthsText,
  type AssessedBranch,
  type Assessment,
  type AssessmentRules,
  type ComponentPart,
  type EvaluationInput,
  type InspectionsInput,
  type CommitmentsInput,
  type ObligationsInput,
} from '../domain/assessment.js';
import type { Rating } from '../domain/inspections.js';
import { CATEGORIES, type Category } from '../domain/types.js';
import { pick, t, type Locale } from '../i18n/index.js';
import { sectionsOf } from './rankings.js';
import { escape } from './limits.js';

/** Branches shown per category in Slack; the export has them all. */
export const ASSESSMENT_TOP_N = 15;

export function gradeLabel(locale: Locale, grade: AssessedBranch['grade']): string {
  return grade === null ? t(locale, 'assess.grade.none') : t(locale, `assess.grade.${grade}`);
}

export function componentLabel(locale: Locale, c: ComponentPart['component']): string {
  return t(locale, `assess.component.${c}`);
}

function gradesText(locale: Locale, rules: AssessmentRules): string {
  const g = rules.grades;
  if (g.by === 'shares') return t(locale, 'assess.grades.shares', { ...g.shares! });
  return t(locale, 'assess.grades.thresholds', { ...g.thresholds! });
}

/** `/rankings year`: each category's branches by rank, with score and grade; provisional until the plan's date. */
export function assessmentBlocks(v: {
  locale: Locale;
  year: number;
  assessment: Assessment;
  rules: AssessmentRules;
  category: Category | null;
}): { text: string; blocks: KnownBlock[] } {
  const { locale, assessment } = v;
  const title = assessment.provisional
    ? t(locale, 'assess.title.provisional', { year: v.year, date: assessment.finalOn })
    : t(locale, 'assess.title.final', { year: v.year });
  const lines: string[] = [title];
  for (const category of CATEGORIES) {
    if (v.category && category !== v.category) continue;
    const rows = assessment.rows.filter((r) => r.branch.category === category);
    if (rows.length === 0) continue;
    lines.push(
      '',
      t(locale, 'assess.category', { category: t(locale, `common.category.${category}`), count: rows.length }),
    );
    for (const r of rows.slice(0, ASSESSMENT_TOP_N))
      lines.push(
        r.cents === null
          ? t(locale, 'assess.row.none', { branch: escape(r.branch.name), code: r.branch.code })
          : t(locale, 'assess.row', {
              rank: r.rankInCategory ?? '–',
              branch: escape(r.branch.name),
              code: r.branch.code,
              score: centsText(r.cents),
              grade: gradeLabel(locale, r.grade),
            }),
      );
    if (rows.length > ASSESSMENT_TOP_N) lines.push(t(locale, 'assess.more', { count: rows.length - ASSESSMENT_TOP_N }));
  }
  const weights = COMPONENTS.map((c) => `${componentLabel(locale, c)} ${v.rules.weights[c]}`).join(
    locale === 'zh-CN' ? '、' : ', ',
  );
  const blocks = sectionsOf(lines).slice(0, 47);
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: t(locale, 'assess.weights', { weights, cap: v.rules.bonus.cap }) },
      { type: 'mrkdwn', text: gradesText(locale, v.rules) },
      { type: 'mrkdwn', text: t(locale, 'assess.hint') },
    ],
  });
  return { text: title.replace(/\*/g, ''), blocks };
}

function inputsLine(locale: Locale, part: ComponentPart, ratings: readonly Rating[]): string | null {
  if (part.inputs === null) return null;
  switch (part.component) {
    case 'obligations': {
      const o = part.inputs as ObligationsInput;
      return t(locale, 'assess.explain.inputs.obligations', { earned: round2(o.earned), possible: round2(o.possible) });
    }
    case 'evaluation': {
      const e = part.inputs as EvaluationInput;
      return t(locale, 'assess.explain.inputs.evaluation', {
        ballots: e.ballots,
        turnout: e.turnout === null ? '—' : `${round2(100 * e.turnout)} %`,
        rate: e.satisfaction === null ? '—' : round2(100 * e.satisfaction),
      });
    }
    case 'inspections': {
      const i = part.inputs as InspectionsInput;
      const list = i.scores.map((s) =>
        t(locale, 'assess.explain.inputs.inspection', {
          date: s.heldOn,
          rating: pick(ratings.find((r) => r.code === s.rating)?.title ?? { zh: s.rating, en: s.rating }, locale),
          twoSkins: s.twoSkins ? t(locale, 'assess.explain.inputs.two_skins') : '',
          score: s.score,
        }),
      );
      return t(locale, 'assess.explain.inputs.inspections', { count: i.scores.length, list: list.join('; ') });
    }
    case 'commitments': {
      const c = part.inputs as CommitmentsInput;
      return t(locale, 'assess.explain.inputs.commitments', { ...c });
    }
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * `/rankings explain BRANCH`: each component with its weight, inputs and part, the bonus, and the
 * sum: the same whole-number arithmetic as the score, so the text matches it to the last digit.
 */
export function assessmentExplainLines(v: {
  locale: Locale;
  row: AssessedBranch;
  assessment: Assessment;
  rules: AssessmentRules;
  ratings: readonly Rating[];
  totalInCategory: number;
}): string[] {
  const { locale, row } = v;
  const lines = [
    t(locale, 'assess.explain.title', {
      branch: escape(row.branch.name),
      code: row.branch.code,
      provisional: v.assessment.provisional
        ? t(locale, 'assess.explain.provisional', { date: v.assessment.finalOn })
        : '',
    }),
  ];
  if (row.cents === null) return [...lines, t(locale, 'assess.explain.no_score')];
  for (const part of row.parts) {
    const component = componentLabel(locale, part.component);
    if (part.weight === 0) lines.push(t(locale, 'assess.explain.unweighted', { component }));
    else if (part.value10 === null)
      lines.push(t(locale, 'assess.explain.left_out', { component, weight: part.weight }));
    else
      lines.push(
        t(locale, 'assess.explain.part', {
          component,
          value: tenthsText(part.value10),
          weight: part.weight,
          divisor: part.divisor,
          part: centsText(part.cents),
        }),
      );
    const inputs = inputsLine(locale, part, v.ratings);
    if (inputs) lines.push(inputs);
  }
  if (row.bonusLines.length === 0) lines.push(t(locale, 'assess.explain.bonus_none'));
  else
    lines.push(
      t(locale, 'assess.explain.bonus', {
        lines: row.bonusLines
          .map((l) => t(locale, 'assess.explain.bonus_line', { name: escape(l.name), code: l.code, points: l.points }))
          .join(' '),
        raw: centsText(row.bonusRawCents),
        bonus: centsText(row.bonusCents),
        cap: v.rules.bonus.cap,
      }),
    );
  const terms = [
    ...row.parts.filter((p) => p.value10 !== null && p.weight > 0).map((p) => centsText(p.cents)),
    centsText(row.bonusCents),
  ];
  lines.push(
    t(locale, 'assess.explain.total', {
      sum: terms.join(' + '),
      score: centsText(row.cents),
      rank: row.rankInCategory ?? '–',
      total: v.totalInCategory,
      category: t(locale, `common.category.${row.branch.category}`),
      grade: gradeLabel(locale, row.grade),
    }),
    t(locale, 'assess.explain.formula', { divisor: row.parts[0]?.divisor ?? 0 }),
  );
  return lines;
}
