import { join } from 'node:path';
import type { CompletionSeries } from '../domain/completion.js';
import { catalogues, t, type Locale, type MessageKey } from '../i18n/index.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { escapeHtml } from './html.js';

export const CHART_WIDTH = 960;
export const CHART_HEIGHT = 420;
const PALETTE = ['#d62728', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];
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

export function chartSvg(series: CompletionSeries, locale: Locale): string {
  const left = 56;
  const right = 210;
  const top = 48;
  const bottom = 48;
  const w = CHART_WIDTH - left - right;
  const h = CHART_HEIGHT - top - bottom;
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
  const every = Math.max(1, Math.ceil(n / 10));
  series.weekEnds.forEach((d, i) => {
    if (i % every !== 0 && i !== n - 1) return;
    parts.push(
      `<text x="${x(i)}" y="${top + h + 18}" font-size="11" text-anchor="middle" fill="#555">${d.slice(5)}</text>`,
    );
  });
  series.lines.forEach((line, li) => {
    const colour = PALETTE[li % PALETTE.length]!;
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
    if (path)
      parts.push(
        `<path d="${path.trim()}" fill="none" stroke="${colour}" stroke-width="2.5" stroke-linejoin="round"/>`,
      );
    const last = line.values.findLastIndex((v) => v !== null);
    if (last >= 0) parts.push(`<circle cx="${x(last)}" cy="${y(line.values[last]!)}" r="3.5" fill="${colour}"/>`);
    const ly = top + 10 + li * 22;
    const lastValue = last >= 0 ? ` ${line.values[last]!.toFixed(0)}%` : '';
    parts.push(
      `<line x1="${left + w + 16}" y1="${ly}" x2="${left + w + 40}" y2="${ly}" stroke="${colour}" stroke-width="3"/>`,
    );
    parts.push(
      `<text x="${left + w + 46}" y="${ly + 4}" font-size="12" fill="#222">${escapeHtml(t(locale, `common.category.${line.category}` as MessageKey) + lastValue)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
