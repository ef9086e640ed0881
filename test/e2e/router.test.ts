/**
 * The router (src/slack/router.ts): one Bolt listener per kind, the handler found by name. A name
 * nobody registered is acknowledged and logged, and changes nothing; a name registered twice is a
 * programming error found at start.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Router } from '../../src/slack/router.js';
import { startBot, type TestBot } from '../helpers/bot.js';
import { discoverListeners } from '../helpers/listeners.js';

const SECRETARY = 'U0SEC00001';

let bot: TestBot;
let warn: ReturnType<typeof vi.fn>;

beforeAll(async () => {
  bot = await startBot();
});
afterEach(() => {
  expect(bot.fake.violations).toEqual([]);
  bot.fake.reset();
});
afterAll(async () => {
  await bot.close();
});

function watchWarnings() {
  warn = vi.fn();
  bot.ctx.logger.warn = warn as unknown as typeof bot.ctx.logger.warn;
}

describe('names nobody registered', () => {
  it('when a button with an unknown action id is pressed, then it is acknowledged at once, logged, and nothing is called', async () => {
    watchWarnings();
    const res = await bot.driver.blockAction({
      user_id: SECRETARY,
      actions: [{ action_id: 'button_of_an_older_version', value: '7' }],
    });
    expect(res.status).toBe(200);
    expect(warn).toHaveBeenCalledWith({ kind: 'action', name: 'button_of_an_older_version' }, expect.any(String));
    expect(bot.fake.calls.map((c) => c.method).filter((m) => m !== 'auth.test')).toEqual([]);
  });

  it('when a modal with an unknown callback id is submitted, then it is acknowledged (the modal closes) and logged', async () => {
    watchWarnings();
    const res = await bot.driver.viewSubmission({
      user_id: SECRETARY,
      view: { callback_id: 'modal_of_an_older_version', state: { values: {} } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(warn).toHaveBeenCalledWith({ kind: 'view', name: 'modal_of_an_older_version' }, expect.any(String));
  });

  it('when an unknown slash command arrives, then it is acknowledged and logged', async () => {
    watchWarnings();
    const res = await bot.driver.command({ command: '/unknown', user_id: SECRETARY });
    expect(res.status).toBe(200);
    expect(warn).toHaveBeenCalledWith({ kind: 'command', name: '/unknown' }, expect.any(String));
  });

  it('when a registered name arrives, then no warning is logged', async () => {
    watchWarnings();
    const res = await bot.driver.command({ command: '/progress', user_id: SECRETARY, text: 'help' });
    expect(res.status).toBe(200);
    await bot.fake.waitFor('response_url');
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('registration', () => {
  it('when one name is registered twice, then the router refuses it', () => {
    const router = new Router();
    router.action('same_id', async () => undefined);
    expect(() => router.action('same_id', async () => undefined)).toThrow('two listeners for the action same_id');
  });

  it('when the app registers its commands, then every name is unique and the known ones are there', () => {
    const found = discoverListeners(bot.ctx);
    for (const list of [found.commands, found.actions, found.views, found.events])
      expect(new Set(list).size).toBe(list.length);
    expect(found.commands).toEqual(
      expect.arrayContaining(['/report', '/progress', '/paper', '/rankings', '/pacesetter']),
    );
    expect(found.events).toEqual(['app_home_opened']);
  });
});
