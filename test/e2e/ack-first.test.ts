import { afterEach, describe, expect, it } from 'vitest';
import { SlackDriver } from '../../src/playground/signed-request.js';
import { closeChecked, SIGNING_SECRET, startBot, type TestBot } from '../helpers/bot.js';

/**
 * Production runs Bolt with processBeforeResponse false: Slack gets its answer at ack() and the
 * listener goes on after it. The end-to-end files run a second time so (vitest.config.ts); these
 * tests hold the helper that makes that possible to what it promises.
 */

const SECRETARY = 'U0SEC00001';
let bot: TestBot;
afterEach(() => closeChecked(bot));

/** A driver that resolves with Bolt's HTTP answer and nothing more, as Slack sees it. */
function answerOnly(b: TestBot): SlackDriver {
  return new SlackDriver({
    baseUrl: b.baseUrl,
    signingSecret: SIGNING_SECRET,
    responseUrlBase: b.fake.responseUrlBase,
    teamId: b.fake.teamId,
    botUserId: b.fake.botUserId,
    botId: b.fake.botId,
    apiAppId: b.fake.appId,
  });
}

describe('the bot as production runs it: Bolt answers at ack() and the listener carries on', () => {
  it('when Bolt answers at ack(), then Slack has its answer while the listener still waits on Slack, and settled() waits for its end', async () => {
    bot = await startBot({ processBeforeResponse: false });
    expect(bot.processBeforeResponse).toBe(false);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    bot.fake.handle('views.open', async (args) => {
      await gate;
      return { ok: true, view: { ...(args.view as Record<string, unknown>), id: 'V0GATED' } };
    });
    // With the answer held until the listener ends, this would never resolve while the gate is shut.
    const res = await answerOnly(bot).command({ command: '/report', user_id: SECRETARY });
    expect(res.status).toBe(200);
    expect(bot.fake.callsTo('views.open')).toEqual([]);
    release();
    await bot.settled();
    expect(bot.fake.succeeded('views.open')).toHaveLength(1);
  });

  it("when a test sends a command through the bot's driver, then it resolves once the listener's Slack calls are answered, not at the answer", async () => {
    bot = await startBot({ processBeforeResponse: false });
    bot.fake.failNext('views.open', { timeoutMs: 300 });
    const res = await bot.driver.command({ command: '/report', user_id: SECRETARY });
    expect(res.status).toBe(200);
    const opened = bot.fake.succeeded('views.open');
    expect(opened).toHaveLength(1);
    expect((opened[0]!.args.view as { callback_id: string }).callback_id).toBe('report_submit');
  });

  it('when E2E_PROCESS_BEFORE_RESPONSE is false, then the bot of every test runs as production does', async () => {
    bot = await startBot();
    expect(bot.processBeforeResponse).toBe(process.env.E2E_PROCESS_BEFORE_RESPONSE !== 'false');
  });
});
