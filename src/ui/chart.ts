import { join } from 'node:path';
import type { CompletionSeries } from '../domain/completion.js';
import type { Category } from '../domain/types.js';
import { catalogues, t, type Locale, type MessageKey } from '../i18n/index.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { escapeHtml } from './html.js';

export const CHART_WIDTH = 960;
export const CHART_HEIGHT = 420;
/** Where the lines are drawn; the right margin holds the labels at the lines' ends. */
export const PLOT = { left: 56, top: 48, width: CHART_WIDTH - 56 - 210, height: CHART_HEIGHT - 48 - 48 } as const;
/**
 * Each category its own colour and dash, fixed whatever else is drawn: two categories often have
 * the same completion (0 % early on, 100 % for the best), and a line drawn over another of the
 * same colour and dash hides it; with different dashes both show along the shared stretch. The
 * colours are Okabe and Ito's, told apart also by readers with a colour-vision deficiency.
 */
export const SERIES_STYLE: Record<Category, { colour: string; dash: string | null }> = {
  primary: { colour: '#0072B2', dash: null },
  secondary: { colour: '#D55E00', dash: '14 6' },
  kindergarten: { colour: '#009E73', dash: '2 5' },
  vocational: { colour: '#CC79A7', dash: '12 4 2 4' },
  adult: { colour: '#E69F00', dash: '6 4' },
  unit: { colour: '#56B4E9', dash: '12 4 2 4 2 4' },
  office: { colour: '#000000', dash: '3 3 3 9' },
};
/** Bottom to top: the solid line first, then dashes with ever more gap, through which those below show. */
const DRAW_ORDER: readonly Category[] = [
  'primary',
  'secondary',
  'vocational',
  'adult',
  'unit',
  'office',
  'kindergarten',
];
const LABEL_FONT = 12;
/** Labels at the lines' ends are at least this far apart vertically, so that none covers another. */
const LABEL_GAP = LABEL_FONT + 4;
/** Date labels on the axis are at least this far apart: an MM-DD label is about 32 px wide. */
const DATE_GAP = 48;
/**
 * The chart draws with one font shipped in the repository, never the machine's: a fresh Debian has
 * no CJK font, and resvg leaves characters it has no glyph for blank. The file is a subset of Noto
 * Sans SC (OFL) holding exactly `chartCharacters()`; scripts/build-chart-font.ts rebuilds it.
 */
export const CHART_FONT_FILE = join(PACKAGE_ROOT, 'assets', 'fonts', 'NotoSansSC-chart.ttf');
export const CHART_FONT_FAMILY = 'Noto Sans SC';
/** Catalogue keys the chart draws; a key added under these prefixes is put in the font by the build script. */
const CHART_KEY_PREFIXES = ['leaders.chart.', 'common.category.'];

/** Every character the chart can draw in either language: printable ASCII (dates, percentages, Latin labels) and the chart's catalogue texts. */
export function chartCharacters(): string {
  const chars = new Set<string>();
  for (let c = 0x20; c <= 0x7e; c++) chars.add(String.fromCodePoint(c));
  for (const catalogue of Object.values(catalogues)) {
    for (const [key, text] of Object.entries(catalogue)) {
      if (CHART_KEY_PREFIXES.some((p) => key.startsWith(p))) for (const ch of text) chars.add(ch);
    }
  }
  return [...chars].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!).join('');
}

/** Label positions as close to `wanted` as they can be while `gap` apart, within [min, max]; same order. */
export function spreadLabels(wanted: readonly number[], gap: number, min: number, max: number): number[] {
  const order = wanted.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y || a.i - b.i);
  const ys = order.map((o) => Math.min(Math.max(o.y, min), max));
  // Down from the top so that none is closer than `gap` to the one above it, then back up from the bottom.
  for (let k = 1; k < ys.length; k++) ys[k] = Math.max(ys[k]!, ys[k - 1]! + gap);
  if (ys.length > 0) ys[ys.length - 1] = Math.min(ys.at(-1)!, max);
  for (let k = ys.length - 2; k >= 0; k--) ys[k] = Math.min(ys[k]!, ys[k + 1]! - gap);
  const out = new Array<number>(wanted.length);
  order.forEach((o, k) => (out[o.i] = ys[k]!));
  return out;
}

/** The weeks whose date is written under the axis: evenly spaced, at least `gap` px apart, and always the last. */
export function dateLabelIndexes(n: number, spacing: number, gap: number): number[] {
  if (n === 0) return [];
  const step = Math.max(1, Math.ceil(gap / Math.max(spacing, 1)));
  const shown: number[] = [];
  for (let i = 0; i < n - 1; i += step) if ((n - 1 - i) * spacing >= gap) shown.push(i);
  shown.push(n - 1);
  return shown;
}

export function chartSvg(series: CompletionSeries, locale: Locale): string {
  const { left, top, width: w, height: h } = PLOT;
  const n = series.weekEnds.length;
  const x = (i: number) => left + (n <= 1 ? w / 2 : (w * i) / (n - 1));
  const y = (v: number) => top + h - (h * v) / 100;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" font-family="'${CHART_FONT_FAMILY}'">`,
    `<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="#ffffff"/>`,
    `<text x="${left}" y="28" font-size="18" font-weight="bold" fill="#222">${escapeHtml(t(locale, 'leaders.chart.title'))}</text>`,
  ];
  for (const v of [0, 25, 50, 75, 100]) {
    parts.push(`<line x1="${left}" y1="${y(v)}" x2="${left + w}" y2="${y(v)}" stroke="#e0e0e0" stroke-width="1"/>`);
    parts.push(`<text x="${left - 8}" y="${y(v) + 4}" font-size="12" text-anchor="end" fill="#555">${v}%</text>`);
  }
  parts.push(
    `<text x="${left}" y="${CHART_HEIGHT - 8}" font-size="12" fill="#555">${escapeHtml(t(locale, 'leaders.chart.axis'))}</text>`,
  );
  for (const i of dateLabelIndexes(n, n <= 1 ? w : w / (n - 1), DATE_GAP)) {
    parts.push(
      `<text class="date" x="${x(i)}" y="${top + h + 18}" font-size="11" text-anchor="middle" fill="#555">${series.weekEnds[i]!.slice(5)}</text>`,
    );
  }
  // Always in the same order, the solid line first: a dashed line drawn over it leaves it showing in its gaps.
  const drawn = series.lines
    .map((line) => ({ line, last: line.values.findLastIndex((v) => v !== null) }))
    .filter((d) => d.last >= 0)
    .sort((a, b) => DRAW_ORDER.indexOf(a.line.category) - DRAW_ORDER.indexOf(b.line.category));
  const labelYs = spreadLabels(
    drawn.map((d) => y(d.line.values[d.last]!)),
    LABEL_GAP,
    top,
    top + h,
  );
  drawn.forEach(({ line, last }, k) => {
    const { colour, dash } = SERIES_STYLE[line.category];
    const stroke = `stroke="${colour}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''}`;
    // A line breaks where there is no value (weeks before anything fell due).
    let path = '';
    let pen = false;
    line.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      path += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
      pen = true;
    });
    const endX = x(last);
    const endY = y(line.values[last]!);
    const labelY = labelYs[k]!;
    const labelX = left + w + 14;
    const name = t(locale, `common.category.${line.category}` as MessageKey);
    parts.push(
      `<g data-series="${line.category}">`,
      `<path d="${path.trim()}" fill="none" ${stroke} stroke-linejoin="round"/>`,
      `<circle cx="${endX}" cy="${endY}" r="3.5" fill="${colour}"/>`,
      // From the line's end to its label, which may sit higher or lower to stay clear of the others.
      `<polyline points="${endX + 4},${endY} ${labelX - 4},${labelY}" fill="none" stroke="${colour}" stroke-width="1"/>`,
      `<line x1="${labelX}" y1="${labelY}" x2="${labelX + 28}" y2="${labelY}" ${stroke}/>`,
      `<text class="label" x="${labelX + 34}" y="${labelY + 4}" font-size="${LABEL_FONT}" fill="#222">${escapeHtml(`${name} ${line.values[last]!.toFixed(0)}%`)}</text>`,
      '</g>',
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
