import { join } from 'node:path';
import { Resvg, type RenderedImage } from '@resvg/resvg-js';
import { findActivePlan } from '../db/queries/plans.js';
import { loadRankingData, type RankingData } from '../db/queries/rankings.js';
import type { AppContext } from './context.js';
import { addDays, isoWeekday } from './domain/calendar.js';
import { localDateOf } from './domain/time.js';
import { appliesToBranch, CATEGORIES, type Category, type LocalDate } from './domain/types.js';
import { catalogues, t, type Locale, type MessageKey } from './i18n/index.js';

/**
 * The weekly digest's picture: for each branch category, the share of the tasks due so far that
 * are done, at the end of every week of the plan. Drawn as SVG here and rasterised to PNG by resvg
 * on the bot's machine: no chart service, no browser, no network.
 */
export interface CompletionSeries {
  /** The last day of each week (Sunday), and today for the week under way. */
  weekEnds: LocalDate[];
  lines: { category: Category; values: (number | null)[] }[];
}

export type ChartInput = Pick<RankingData, 'branches' | 'obligations' | 'reports' | 'exemptions' | 'extensions'> & {
  starts: LocalDate;
  today: LocalDate;
  timezone: string;
};

/** Sundays from the plan's start to today, then today when it is not a Sunday. */
export function weekEnds(starts: LocalDate, today: LocalDate): LocalDate[] {
  const ends: LocalDate[] = [];
  for (let d = addDays(starts, (7 - isoWeekday(starts)) % 7); d <= today; d = addDays(d, 7)) ends.push(d);
  if (ends.at(-1) !== today && today >= starts) ends.push(today);
  return ends;
}

/** Percent (one decimal) of the items due by each week's end that were done by then; null before anything falls due. */
export function completionByWeek(input: ChartInput): CompletionSeries {
  const ends = weekEnds(input.starts, input.today);
  const doneOn = new Map<string, LocalDate>();
  for (const r of input.reports) {
    if (r.status === 'submitted' || r.status === 'accepted')
      doneOn.set(`${r.branchId}:${r.obligationId}`, localDateOf(new Date(r.submittedAt), input.timezone));
  }
  const items = new Map<Category, { due: LocalDate; done: LocalDate | null }[]>();
  for (const b of input.branches) {
    const list = items.get(b.category) ?? [];
    items.set(b.category, list);
    for (const o of input.obligations) {
      if (!appliesToBranch(o, b.category) || input.exemptions.get(b.id)?.has(o.id)) continue;
      list.push({ due: input.extensions.get(b.id)?.get(o.id) ?? o.due, done: doneOn.get(`${b.id}:${o.id}`) ?? null });
    }
  }
  const lines = CATEGORIES.filter((c) => items.has(c)).map((category) => {
    const list = items.get(category)!;
    const values = ends.map((end) => {
      let due = 0;
      let done = 0;
      for (const i of list) {
        if (i.due > end) continue;
        due++;
        if (i.done !== null && i.done <= end) done++;
      }
      return due === 0 ? null : Math.round((1000 * done) / due) / 10;
    });
    return { category, values };
  });
  return { weekEnds: ends, lines };
}

export const CHART_WIDTH = 960;
export const CHART_HEIGHT = 420;
const PALETTE = ['#d62728', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];
/**
 * The chart draws with one font shipped in the repository, never the machine's: a fresh Debian has
 * no CJK font, and resvg leaves characters it has no glyph for blank. The file is a subset of Noto
 * Sans SC (OFL) holding exactly `chartCharacters()`; scripts/build-chart-font.ts rebuilds it.
 */
export const CHART_FONT_FILE = join(import.meta.dirname, '..', 'assets', 'fonts', 'NotoSansSC-chart.ttf');
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

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
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
    `<text x="${left}" y="28" font-size="18" font-weight="bold" fill="#222">${xml(t(locale, 'leaders.chart.title'))}</text>`,
  ];
  for (const v of [0, 25, 50, 75, 100]) {
    parts.push(`<line x1="${left}" y1="${y(v)}" x2="${left + w}" y2="${y(v)}" stroke="#e0e0e0" stroke-width="1"/>`);
    parts.push(`<text x="${left - 8}" y="${y(v) + 4}" font-size="12" text-anchor="end" fill="#555">${v}%</text>`);
  }
  parts.push(
    `<text x="${left}" y="${CHART_HEIGHT - 8}" font-size="12" fill="#555">${xml(t(locale, 'leaders.chart.axis'))}</text>`,
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
      `<text x="${left + w + 46}" y="${ly + 4}" font-size="12" fill="#222">${xml(t(locale, `common.category.${line.category}` as MessageKey) + lastValue)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

/** The chart rasterised with only the shipped font, so that it looks the same on every machine. */
export function renderImage(svg: string): RenderedImage {
  return new Resvg(svg, {
    font: { fontFiles: [CHART_FONT_FILE], loadSystemFonts: false, defaultFontFamily: CHART_FONT_FAMILY },
    background: '#ffffff',
  }).render();
}

export function renderPng(svg: string): Buffer {
  return Buffer.from(renderImage(svg).asPng());
}

export interface ChartAttachment {
  filename: string;
  title: string;
  bytes: Buffer;
}

/** The digest's chart for the active plan as of `today`, in the workspace language; null without a plan. */
export async function digestChart(ctx: AppContext, digest: { today: LocalDate }): Promise<ChartAttachment | null> {
  const plan = await findActivePlan(ctx.db, digest.today);
  if (!plan) return null;
  const data = await loadRankingData(ctx.db, plan);
  const series = completionByWeek({ ...data, starts: plan.starts, today: digest.today, timezone: plan.timezone });
  if (series.weekEnds.length === 0) return null;
  const locale = ctx.config.defaultLocale;
  return {
    filename: `completion-${digest.today}.png`,
    title: t(locale, 'leaders.chart.title'),
    bytes: renderPng(chartSvg(series, locale)),
  };
}

/** Adds the chart to the digest's attachment producers (jobs/digest.ts `digestAttachments`), once. */
export function registerDigestChart<T extends { today: LocalDate }>(
  producers: Array<(ctx: AppContext, digest: T) => Promise<ChartAttachment | null>>,
): void {
  if (!producers.includes(digestChart)) producers.push(digestChart);
}
