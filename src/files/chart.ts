import { createRequire } from 'node:module';
import type { RenderedImage } from '@resvg/resvg-js';
import { findActivePlan } from '../../db/queries/plans.js';
import { loadRankingData } from '../../db/queries/rankings.js';
import type { AppContext } from '../context.js';
import { completionByWeek } from '../domain/completion.js';
import type { LocalDate } from '../domain/types.js';
import { t } from '../i18n/index.js';
import { CHART_FONT_FAMILY, CHART_FONT_FILE, chartSvg } from '../ui/chart.js';

// resvg is a native addon that only the weekly digest uses: loaded on the first chart rather than at
// every start of the bot and the CLI; require (which caches it) keeps renderImage synchronous.
const require = createRequire(import.meta.url);

/** The chart rasterised with only the shipped font, so that it looks the same on every machine. */
export function renderImage(svg: string): RenderedImage {
  const { Resvg } = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
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
