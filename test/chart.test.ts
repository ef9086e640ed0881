import * as fontkit from 'fontkit';
import { afterEach, describe, expect, it } from 'vitest';
import { digestJob } from '../jobs/digest.js';
import { findJob } from '../jobs/index.js';
import { completionByWeek, weekEnds, type CompletionSeries } from '../src/domain/completion.js';
import { digestChart, renderImage, renderPng } from '../src/files/chart.js';
import {
  CHART_FONT_FAMILY,
  CHART_FONT_FILE,
  CHART_HEIGHT,
  CHART_WIDTH,
  PLOT,
  chartCharacters,
  chartSvg,
  spreadLabels,
} from '../src/ui/chart.js';
import { CATEGORIES } from '../src/domain/types.js';
import { catalogues, t, type Locale, type MessageKey } from '../src/i18n/index.js';
import type { Branch, Category, Obligation, Report } from '../src/domain/types.js';
import { runJob } from '../src/delivery/scheduler.js';
import { startBot, type TestBot } from './helpers/bot.js';
import { seedJune } from './helpers/leaders.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngSize(bytes: Buffer): { width: number; height: number } {
  // The IHDR chunk comes first: width and height are big-endian at bytes 16 and 20.
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

const ob = (id: number, due: string, appliesTo: Obligation['appliesTo'] = { kind: 'all' }): Obligation => ({
  id,
  planId: 1,
  activityCode: 'A',
  code: `O${id}`,
  title: { zh: 'o', en: 'o' },
  description: null,
  kind: 'report',
  paperKinds: [],
  appliesTo,
  due,
  weight: 1,
  position: id,
});
const br = (id: number, category: Branch['category']): Branch => ({ id, code: `B${id}`, name: `b${id}`, category });
const rep = (
  branchId: number,
  obligationId: number,
  submittedAt: string,
  status: Report['status'] = 'submitted',
): Report => ({
  id: branchId * 10 + obligationId,
  obligationId,
  branchId,
  status,
  heldOn: '2011-04-20',
  participants: 1,
  summary: '',
  evidence: [],
  submittedBy: 1,
  submittedAt,
  onTime: true,
  reviewedBy: null,
  reviewedAt: null,
  reviewComment: null,
  version: 1,
});

describe('the completion series', () => {
  it('when the plan starts on a Friday, then the weeks end on Sundays and the week under way ends today', () => {
    expect(weekEnds('2011-04-08', '2011-04-27')).toEqual(['2011-04-10', '2011-04-17', '2011-04-24', '2011-04-27']);
    expect(weekEnds('2011-04-08', '2011-04-24')).toEqual(['2011-04-10', '2011-04-17', '2011-04-24']);
    expect(weekEnds('2011-04-08', '2011-04-01')).toEqual([]);
  });

  it('when tasks fall due, then each category shows the share of due items done by each week end, in the plan timezone', () => {
    const series = completionByWeek({
      branches: [br(1, 'primary'), br(2, 'primary'), br(3, 'office')],
      obligations: [ob(1, '2011-04-15'), ob(2, '2011-04-22', { kind: 'categories', categories: ['primary'] })],
      // Submitted 2011-04-17 20:00 UTC = 04-18 in Shanghai: done in the third week, not the second.
      reports: [
        rep(1, 1, '2011-04-14T02:00:00Z'),
        rep(2, 1, '2011-04-17T20:00:00Z'),
        rep(1, 2, '2011-04-20T02:00:00Z'),
        rep(3, 1, '2011-04-14T02:00:00Z', 'returned'),
      ],
      exemptions: new Map([[2, new Set([2])]]),
      extensions: new Map(),
      starts: '2011-04-08',
      today: '2011-04-24',
      timezone: 'Asia/Shanghai',
    });
    expect(series.weekEnds).toEqual(['2011-04-10', '2011-04-17', '2011-04-24']);
    expect(series.lines).toEqual([
      { category: 'primary', values: [null, 50, 100] },
      { category: 'office', values: [null, 0, 0] },
    ]);
  });
});

describe('the chart image', () => {
  it('when rendered, then it is a PNG of the chart size, drawn without any network', () => {
    const svg = chartSvg(
      { weekEnds: ['2011-04-10', '2011-04-17'], lines: [{ category: 'primary', values: [null, 50] }] },
      'en',
    );
    expect(svg).toContain('Completion by category, week by week');
    expect(svg).toContain('Primary school 50%');
    const png = renderPng(svg);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT });
  });

  it('when a text the chart draws holds markup, then it is drawn as those very characters and opens no element', () => {
    // The chart's words come from the catalogues; a translator's `&` or `<` must not break the SVG
    // (resvg refuses a bare `&`) nor add an element (a well-formed `<tspan>` would render silently).
    const markup = (key: string) => `${key} & <tspan fill="red">x</tspan> "q" &amp; <b`;
    const drawnKeys = ['leaders.chart.title', ...CATEGORIES.map((c) => `common.category.${c}`)] as MessageKey[];
    const saved = LOCALES.map((locale) => ({ locale, texts: { ...catalogues[locale] } }));
    try {
      for (const locale of LOCALES) for (const key of drawnKeys) catalogues[locale][key] = markup(key);
      for (const locale of LOCALES) {
        const svg = chartSvg(FULL, locale);
        expect(svg).not.toContain('<tspan fill="red">');
        expect(() => renderPng(svg)).not.toThrow();
        const drawn = drawnText(svg);
        for (const key of drawnKeys) expect(drawn, `${locale} ${key}`).toContain(markup(key));
      }
    } finally {
      for (const { locale, texts } of saved) Object.assign(catalogues[locale], texts);
    }
  });
});

describe('the chart lines', () => {
  const weeks = weekEnds('2011-04-08', '2011-12-31');
  const yearOf = (value: (category: string, i: number) => number | null): CompletionSeries => ({
    weekEnds: weeks,
    lines: CATEGORIES.map((category) => ({ category, values: weeks.map((_, i) => value(category, i)) })),
  });
  // The case that hid 中学 under 机关: every category with the same completion every week.
  const SAME = yearOf((_, i) => (i < 3 ? null : Math.min(100, i * 2.5)));

  /** Each series' path element, by category. */
  function paths(svg: string): Map<string, string> {
    return new Map([...svg.matchAll(/<g data-series="(\w+)"><path ([^>]*)\/>/g)].map((m) => [m[1]!, m[2]!]));
  }
  const attr = (tag: string, name: string) => tag.match(new RegExp(`\\b${name}="([^"]*)"`))?.[1] ?? null;

  it('when every category is drawn, then no two series share a colour, and no two share a dash pattern', () => {
    const drawn = paths(chartSvg(SAME, 'zh-CN'));
    expect([...drawn.keys()].sort()).toEqual([...CATEGORIES].sort());
    const colours = [...drawn.values()].map((p) => attr(p, 'stroke'));
    const dashes = [...drawn.values()].map((p) => attr(p, 'stroke-dasharray') ?? 'solid');
    expect(new Set(colours).size).toBe(CATEGORIES.length);
    expect(new Set(dashes).size).toBe(CATEGORIES.length);
  });

  it('when the lines of any two categories coincide, then each one’s colour shows in the plot and goes with it when it is removed', () => {
    // Given in reverse order, so that the drawing order is the chart's own, not the caller's.
    const only = (...categories: string[]): CompletionSeries => ({
      ...SAME,
      lines: SAME.lines.filter((l) => categories.includes(l.category)).reverse(),
    });
    const pixelsOf = (series: CompletionSeries) => renderImage(chartSvg(series, 'zh-CN')).pixels;
    const colours = new Map([...paths(chartSvg(SAME, 'zh-CN'))].map(([c, p]) => [c, attr(p, 'stroke')!]));
    const alone = new Map(CATEGORIES.map((c) => [c, pixelsOf(only(c))]));
    // The plot only, without the labels in the right margin (a removed series takes its label with it).
    const box = { x0: PLOT.left, x1: PLOT.left + PLOT.width - 4, y0: PLOT.top - 4, y1: PLOT.top + PLOT.height + 4 };
    /** Pixels of the series' own colour in `both` that are gone in `without`: what of it could be seen. */
    function seen(category: string, both: Uint8Array | Buffer, without: Uint8Array | Buffer): number {
      const hex = colours.get(category)!;
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
      const near = (p: Uint8Array | Buffer, i: number) =>
        Math.abs(p[i]! - r) + Math.abs(p[i + 1]! - g) + Math.abs(p[i + 2]! - b) < 60;
      let n = 0;
      for (let y = box.y0; y < box.y1; y++)
        for (let x = box.x0; x < box.x1; x++) {
          const i = 4 * (y * CHART_WIDTH + x);
          if (near(both, i) && !near(without, i)) n++;
        }
      return n;
    }
    const hidden: string[] = [];
    CATEGORIES.forEach((a, i) =>
      CATEGORIES.slice(i + 1).forEach((b) => {
        const both = pixelsOf(only(a, b));
        for (const [shown, other] of [
          [a, b],
          [b, a],
        ] as const)
          if (seen(shown, both, alone.get(other)!) < 100) hidden.push(`${shown} under ${other}`);
      }),
    );
    expect(hidden).toEqual([]);
  });

  /** The labels at the lines' ends: where they are and what they say. */
  function labels(svg: string): { y: number; text: string }[] {
    return [...svg.matchAll(/<text class="label" x="[\d.]+" y="([\d.]+)"[^>]*>([^<]*)<\/text>/g)].map((m) => ({
      y: Number(m[1]),
      text: m[2]!,
    }));
  }

  it('when lines end at the same value, then each is labelled with its name and value, and no two labels overlap', () => {
    const shown = labels(chartSvg(SAME, 'en'));
    const end = SAME.lines[0]!.values.at(-1)!.toFixed(0);
    expect(shown.map((l) => l.text).sort()).toEqual(
      [
        'Primary school',
        'Secondary school',
        'Kindergarten',
        'Vocational school',
        'Adult school',
        'Affiliated unit',
        'Committee office',
      ]
        .map((name) => `${name} ${end}%`)
        .sort(),
    );
    const ys = shown.map((l) => l.y).sort((a, b) => a - b);
    for (let i = 1; i < ys.length; i++) expect(ys[i]! - ys[i - 1]!).toBeGreaterThanOrEqual(12);
    for (const y of ys) expect(y).toBeLessThanOrEqual(PLOT.top + PLOT.height + 4);
  });

  it('when lines end far apart, then each label sits level with its line’s end', () => {
    const ends = new Map(CATEGORIES.map((c, i) => [c, i * 15]));
    const shown = labels(
      chartSvg(
        yearOf((c, i) => (i === weeks.length - 1 ? ends.get(c as Category)! : 50)),
        'zh-CN',
      ),
    );
    for (const c of CATEGORIES) {
      const label = shown.find((l) => l.text === `${t('zh-CN', `common.category.${c}`)} ${ends.get(c)}%`)!;
      expect(label.y - 4).toBeCloseTo(PLOT.top + PLOT.height - (PLOT.height * ends.get(c)!) / 100, 5);
    }
  });

  it('when a year of weeks is drawn, then the dates under the axis are thinned to at least 40 px apart, and the last week has its date', () => {
    const dates = [...chartSvg(SAME, 'zh-CN').matchAll(/<text class="date" x="([\d.]+)"[^>]*>([^<]+)<\/text>/g)];
    expect(dates.length).toBeGreaterThanOrEqual(8);
    expect(dates.at(-1)![2]).toBe('12-31');
    const xs = dates.map((m) => Number(m[1]));
    for (let i = 1; i < xs.length; i++) expect(xs[i]! - xs[i - 1]!).toBeGreaterThanOrEqual(40);
  });

  it('when labels are spread, then they keep their order, stay inside the bounds and as near as they can to where they belong', () => {
    expect(spreadLabels([100, 100, 100], 16, 0, 400)).toEqual([100, 116, 132]);
    expect(spreadLabels([400, 50, 400], 16, 0, 400)).toEqual([384, 50, 400]);
    expect(spreadLabels([0, 0], 16, 10, 400)).toEqual([10, 26]);
    expect(spreadLabels([], 16, 0, 400)).toEqual([]);
  });
});

const LOCALES: Locale[] = ['zh-CN', 'en'];
// Every category, so that every category name is drawn.
const FULL: CompletionSeries = {
  weekEnds: ['2011-04-10', '2011-04-17'],
  lines: CATEGORIES.map((category, i) => ({ category, values: [null, i * 12.5] })),
};

/** The characters of every text element, entities decoded. */
function drawnText(svg: string): string {
  const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
  return texts
    .join('')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** Pixels that are not white inside a box of a rendered image (RGBA); the whole image without a box. */
function inkIn(svg: string, box?: { x: number; y: number; w: number; h: number }): number {
  const image = renderImage(svg);
  // Each read of `pixels` copies the whole image out of resvg: read it once.
  const pixels = image.pixels;
  const { x: x0, y: y0, w, h } = box ?? { x: 0, y: 0, w: image.width, h: image.height };
  let ink = 0;
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      const i = 4 * (y * image.width + x);
      if (pixels[i]! < 200 || pixels[i + 1]! < 200 || pixels[i + 2]! < 200) ink++;
    }
  }
  return ink;
}

describe('the chart font', () => {
  const font = fontkit.openSync(CHART_FONT_FILE) as fontkit.Font;

  it('when the shipped font is loaded, then its family is the one the chart asks resvg for', () => {
    expect(font.familyName).toBe(CHART_FONT_FAMILY);
  });

  it('when any catalogue text the chart draws changes, then the shipped font still has a glyph for every character of it in both languages', () => {
    // chartCharacters() is read from the catalogues: a translator's new character fails here until
    // `npx tsx scripts/build-chart-font.ts` rebuilds the subset.
    const missing = [...chartCharacters()].filter((ch) => !font.hasGlyphForCodePoint(ch.codePointAt(0)!));
    expect(missing).toEqual([]);
    expect(chartCharacters()).toContain('幼');
  });

  it('when the chart is drawn in either language, then every character it draws is one the font was built for', () => {
    const known = new Set(chartCharacters());
    for (const locale of LOCALES) {
      const text = drawnText(chartSvg(FULL, locale));
      expect(text.length).toBeGreaterThan(20);
      expect([...text].filter((ch) => !known.has(ch))).toEqual([]);
    }
  });

  it('when the Chinese title is rendered with only the shipped font, then its glyphs are drawn, and the same render twice gives the same bytes', () => {
    const svg = chartSvg({ weekEnds: [], lines: [] }, 'zh-CN');
    const titleBox = { x: 56, y: 8, w: 200, h: 26 };
    const blank = inkIn(svg.replace('各类别完成率（按周）', ''), titleBox);
    expect(blank).toBe(0);
    expect(inkIn(svg, titleBox)).toBeGreaterThan(300);
    expect(renderPng(svg).equals(renderPng(svg))).toBe(true);
  });

  it('when each character the chart can draw is rendered alone with only the shipped font, then each leaves ink', () => {
    const blank = [...chartCharacters()]
      .filter((ch) => ch !== ' ')
      .filter((ch) => {
        const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" font-family="'${CHART_FONT_FAMILY}'"><text x="4" y="24" font-size="24">${ch.replace('&', '&amp;').replace('<', '&lt;')}</text></svg>`;
        return inkIn(svg) === 0;
      });
    expect(blank).toEqual([]);
  });
});

describe('the chart in the weekly digest', () => {
  let bot: TestBot;
  afterEach(async () => {
    expect(bot.fake.violations).toEqual([]);
    await bot.close();
  });

  it('when the digest goes out, then the chart is uploaded in its thread as a PNG', async () => {
    bot = await startBot({
      now: '2011-06-20T09:00:00+08:00',
      env: { DIGEST_CHANNEL: 'C0DIGEST' },
      drain: { perChannelIntervalMs: 0, backoffBaseMs: 10 },
    });
    await seedJune(bot.ctx.db);
    // The digest the jobs registry runs declares the chart among its attachments, once.
    expect(findJob('digest')).toBe(digestJob);
    expect(digestJob.attachments.filter((a) => a === digestChart)).toHaveLength(1);
    await runJob(bot.ctx, findJob('digest')!, { now: bot.clock.now() });
    expect(bot.fake.uploads.filter((u) => u.filename === 'completion-2011-06-20.png')).toHaveLength(1);
    const main = bot.fake
      .succeeded('chat.postMessage')
      .find((c) => c.args.channel === 'C0DIGEST' && c.args.thread_ts === undefined)!;
    const chart = bot.fake.uploads.find((u) => u.filename === 'completion-2011-06-20.png');
    expect(chart).toMatchObject({
      channelId: 'C0DIGEST',
      threadTs: (main.response as { ts: string }).ts,
      title: '各类别完成率（按周）',
    });
    expect([...chart!.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(chart!.bytes)).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT });
  });
});
