import { afterEach, describe, expect, it } from 'vitest';
import { digestAttachments } from '../jobs/digest.js';
import { findJob } from '../jobs/index.js';
import { CHART_HEIGHT, CHART_WIDTH, chartSvg, completionByWeek, digestChart, registerDigestChart, renderPng, weekEnds } from '../src/digest-chart.js';
import type { Branch, Obligation, Report } from '../src/domain/types.js';
import { configureOutbox } from '../src/outbox.js';
import { runJob } from '../src/scheduler.js';
import { startBot, type TestBot } from './helpers/bot.js';
import { seedJune } from './helpers/leaders.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngSize(bytes: Buffer): { width: number; height: number } {
  // The IHDR chunk comes first: width and height are big-endian at bytes 16 and 20.
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

const ob = (id: number, due: string, appliesTo: Obligation['appliesTo'] = { kind: 'all' }): Obligation => ({
  id, planId: 1, activityCode: 'A', code: `O${id}`, title: { zh: 'o', en: 'o' }, description: null, kind: 'report', paperKinds: [], appliesTo, due, weight: 1, position: id,
});
const br = (id: number, category: Branch['category']): Branch => ({ id, code: `B${id}`, name: `b${id}`, category });
const rep = (branchId: number, obligationId: number, submittedAt: string, status: Report['status'] = 'submitted'): Report => ({
  id: branchId * 10 + obligationId, obligationId, branchId, status, heldOn: '2011-04-20', participants: 1, summary: '', evidence: [], submittedBy: 1, submittedAt, onTime: true, reviewedBy: null, reviewedAt: null, reviewComment: null, version: 1,
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
      reports: [rep(1, 1, '2011-04-14T02:00:00Z'), rep(2, 1, '2011-04-17T20:00:00Z'), rep(1, 2, '2011-04-20T02:00:00Z'), rep(3, 1, '2011-04-14T02:00:00Z', 'returned')],
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
    const svg = chartSvg({ weekEnds: ['2011-04-10', '2011-04-17'], lines: [{ category: 'primary', values: [null, 50] }] }, 'en');
    expect(svg).toContain('Completion by category, week by week');
    expect(svg).toContain('Primary school 50%');
    const png = renderPng(svg);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT });
  });

  it('when a label holds markup characters, then the SVG stays well formed', () => {
    const svg = chartSvg({ weekEnds: [], lines: [] }, 'zh-CN');
    expect(svg).toContain('各类别完成率（按周）');
    expect(() => renderPng(svg.replace('各类别完成率（按周）', 'a &amp; &lt;b&gt;'))).not.toThrow();
  });
});

describe('the chart in the weekly digest', () => {
  let bot: TestBot;
  afterEach(async () => {
    expect(bot.fake.violations).toEqual([]);
    await bot.close();
  });

  it('when the digest goes out, then the chart is uploaded in its thread as a PNG', async () => {
    bot = await startBot({ now: '2011-06-20T09:00:00+08:00', env: { DIGEST_CHANNEL: 'C0DIGEST' } });
    configureOutbox(bot.ctx, { drain: { perChannelIntervalMs: 0, backoffBaseMs: 10 } });
    await seedJune(bot.ctx.db);
    // The jobs registry puts the chart in the digest; registering again adds nothing.
    expect(digestAttachments).toContain(digestChart);
    const before = digestAttachments.length;
    registerDigestChart(digestAttachments);
    expect(digestAttachments.length).toBe(before);
    await runJob(bot.ctx, findJob('digest')!, { now: bot.clock.now() });
    const main = bot.fake.succeeded('chat.postMessage').find((c) => c.args.channel === 'C0DIGEST' && c.args.thread_ts === undefined)!;
    const chart = bot.fake.uploads.find((u) => u.filename === 'completion-2011-06-20.png');
    expect(chart).toMatchObject({ channelId: 'C0DIGEST', threadTs: (main.response as { ts: string }).ts, title: '各类别完成率（按周）' });
    expect([...chart!.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(chart!.bytes)).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT });
  });
});
