import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDb } from '../helpers/db.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { takeLoggedErrors } from '../helpers/logs.js';

/**
 * The loading modal (src/slack/modal-opener.ts) goes up when a listener is slow to open its modal.
 * Slowness here is users.info held by the fake Slack for longer than the opener waits (1.5 s).
 * Trigger ages are not checked: the held call would otherwise expire the trigger on a slow machine.
 */

let bot: TestBot;
let rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);

beforeEach(async () => {
  rejections = [];
  process.on('unhandledRejection', onRejection);
  bot = await startBot({ fake: { triggerTtlMs: 0 } });
});
afterEach(async () => {
  process.off('unhandledRejection', onRejection);
  await closeChecked(bot);
});

const viewText = (view: unknown) => JSON.stringify(view);

describe('the loading modal', () => {
  it('when the loading modal cannot be opened, then no rejection goes unhandled and the report modal still opens', async () => {
    bot.fake.failNext('users.info', { timeoutMs: 2500 });
    bot.fake.failNext('views.open', { error: 'internal_error' });
    const res = await bot.driver.command({ command: '/report', user_id: 'U0SEC00001' });
    expect(res.status).toBe(200);
    const opens = bot.fake.callsTo('views.open');
    expect(opens.map((c) => c.error ?? 'ok')).toEqual(['internal_error', 'ok']);
    expect((opens[1]!.args.view as { callback_id: string }).callback_id).toBe('report_submit');
    expect(rejections).toEqual([]);
  });

  it.each([
    ['en-US', 'Something went wrong on our side'],
    ['zh-CN', '系统出现问题'],
  ])(
    'when the listener fails after the loading modal went up (Slack locale %s), then the loading modal shows the error in that language',
    async (locale, text) => {
      await bot.setLocale('U0SEC00001', locale);
      bot.fake.failNext('users.info', { timeoutMs: 2500 });
      // The report modal replaces the loading one with views.update; Slack refuses it.
      bot.fake.failNext('views.update', { error: 'invalid_arguments' });
      await bot.driver.command({ command: '/report', user_id: 'U0SEC00001' });
      const loading = bot.fake.succeeded('views.open');
      expect(loading).toHaveLength(1);
      expect(viewText(loading[0]!.args.view)).toContain('Loading');
      const id = (loading[0]!.response as { view: { id: string } }).view.id;
      const updates = bot.fake.callsTo('views.update');
      expect(updates.map((c) => [c.args.view_id, c.error ?? 'ok'])).toEqual([
        [id, 'invalid_arguments'],
        [id, 'ok'],
      ]);
      const shown = viewText(bot.fake.view(id)!.view);
      expect(shown).toContain(text);
      expect(shown).not.toContain('Loading');
      expect(rejections).toEqual([]);
      // The failure is not hidden behind the error view: Bolt's error handler logs it.
      expect(takeLoggedErrors()).toMatchObject([
        { msg: 'unhandled error in a listener', err: { message: expect.stringContaining('invalid_arguments') } },
      ]);
    },
  );

  it('when the listener fails before the loading modal went up, then none goes up later and the error opens instead', async () => {
    await bot.setLocale('U0SEC00001', 'en-US');
    await bot.ctx.db.destroy(); // the first query of the listener fails at once
    await bot.driver.command({ command: '/report', user_id: 'U0SEC00001' });
    await new Promise((r) => setTimeout(r, 2000)); // past the opener's 1.5 s
    bot.ctx.db = (await freshDb()).db;
    const opened = bot.fake.succeeded('views.open').map((c) => viewText(c.args.view));
    expect(opened).toHaveLength(1);
    expect(opened[0]).toContain('Something went wrong on our side');
    expect(opened[0]).not.toContain('Loading');
    expect(rejections).toEqual([]);
    expect(takeLoggedErrors()).toMatchObject([
      { msg: 'unhandled error in a listener', err: { message: 'driver has already been destroyed' } },
    ]);
  });
});
