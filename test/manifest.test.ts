import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findJob } from '../jobs/index.js';
import { runJob } from '../src/delivery/scheduler.js';
import type { FakeSlackCall } from '../src/playground/fake-slack.js';
import { startBot, type TestBot } from './helpers/bot.js';
import { ROOT } from './helpers/db.js';
import { LEADER, SECRETARY, seedJune } from './helpers/leaders.js';
import { discoverListeners } from './helpers/listeners.js';

interface Manifest {
  features: {
    slash_commands: { command: string; url?: string; description: string }[];
    app_home: { home_tab_enabled: boolean };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean } };
}

const manifest = parse(fs.readFileSync(path.join(ROOT, 'manifest.yml'), 'utf8')) as Manifest;

/**
 * The bot-token scopes a Web API call needs, from the method's page on docs.slack.dev (and Block
 * Kit's: a `file_input` needs `files:read`); undefined for a method this table does not know.
 * The bot is a member of no channel (it never joins one), so a post to a public channel needs
 * `chat:write.public` ("send messages to channels your Slack app isn't a member of").
 */
function scopesOf(call: FakeSlackCall): string[] | undefined {
  const channel = String(call.args.channel ?? call.args.channel_id ?? '');
  const history = channel.startsWith('D')
    ? 'im:history'
    : channel.startsWith('G')
      ? 'groups:history'
      : 'channels:history';
  const view = JSON.stringify(call.args.view ?? '');
  switch (call.method) {
    case 'chat.postMessage':
      if (/^[UWD]/.test(channel)) return ['chat:write'];
      // A private channel takes posts from members only, whatever the scopes.
      return channel.startsWith('G') ? ['chat:write'] : ['chat:write', 'chat:write.public'];
    case 'chat.update':
    case 'chat.postEphemeral':
      return ['chat:write'];
    case 'conversations.open':
      return ['im:write'];
    case 'conversations.history':
    case 'conversations.replies':
      return [history];
    case 'users.info':
      return ['users:read'];
    case 'files.getUploadURLExternal':
    case 'files.completeUploadExternal':
      return ['files:write'];
    case 'views.open':
    case 'views.update':
    case 'views.push':
      return view.includes('"type":"file_input"') ? ['files:read'] : [];
    // `upload` and `response_url` are no Web API methods: the URL an upload goes to, and a reply.
    case 'views.publish':
    case 'auth.test':
    case 'upload':
    case 'response_url':
      return [];
    default:
      return undefined;
  }
}

let bot: TestBot;
beforeAll(async () => {
  bot = await startBot();
});
afterAll(async () => {
  await bot.close();
});

describe('manifest.yml, the app a new user creates', () => {
  it('when the app registers its listeners, then the manifest declares exactly those commands and events', () => {
    const listeners = discoverListeners(bot.ctx);
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual(
      [...new Set(listeners.commands)].sort(),
    );
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual([...new Set(listeners.events)].sort());
    expect(manifest.settings.interactivity.is_enabled).toBe(listeners.actions.length + listeners.views.length > 0);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  });

  it('when Slack shows the commands, then each description fits its 2000-character limit and names both languages', () => {
    for (const c of manifest.features.slash_commands) {
      expect(c.description.length).toBeLessThanOrEqual(2000);
      expect(c.description).toMatch(/[\u4e00-\u9fff].*·.*[A-Za-z]/);
    }
  });

  it('when the bot does its work against Slack, then each scope it asks for is one a call it made needs, and every call it made is granted', async () => {
    const scopes = manifest.oauth_config.scopes.bot;
    // The fake answers missing_scope, as Slack does, to a history read the manifest does not grant.
    const working = await startBot({
      env: { LEADERS_CHANNEL: 'C0LEADERS', DIGEST_CHANNEL: 'C0DIGEST' },
      fake: { scopes },
      drain: { perChannelIntervalMs: 0, backoffBaseMs: 10 },
    });
    try {
      await seedJune(working.ctx.db);
      const at = async (iso: string, job: string) => {
        working.clock.set(iso);
        await runJob(working.ctx, findJob(job)!, { now: working.clock.now() });
      };
      // Reminders by DM; Slack loses its answer to one, so the bot reads that DM back for the key.
      working.fake.failNext('chat.postMessage', { answerLost: 500 });
      await at('2011-06-16T09:00:00+08:00', 'reminders');
      // The digest and its chart (in the digest's thread), the escalations in the leaders' channel.
      await at('2011-06-20T09:00:00+08:00', 'digest');
      await at('2011-06-20T09:30:00+08:00', 'escalations');
      working.clock.set('2011-06-20T10:00:00+08:00');
      // A secretary's report form (evidence as a Slack file), in their language; their Home tab.
      await working.driver.command({ command: '/report', user_id: SECRETARY });
      await working.driver.event({ type: 'app_home_opened', user: SECRETARY, tab: 'home' });
      // A leader posts the ranking where they typed the command: a channel nobody invited the bot to.
      await working.driver.command({ command: '/rankings', text: 'public', user_id: LEADER, channel_id: 'C0ANYWHERE' });

      const calls = working.fake.calls;
      // The bot joins no channel by itself: it is a member only where a person invited it, here nowhere.
      expect(calls.filter((c) => c.method === 'conversations.join')).toEqual([]);
      const unknown = calls.filter((c) => scopesOf(c) === undefined).map((c) => c.method);
      expect(unknown, 'a method missing from scopesOf: add the scopes its page on docs.slack.dev names').toEqual([]);
      const needed = new Set(calls.filter((c) => c.ok).flatMap((c) => scopesOf(c)!));
      // Slack sends slash commands only to an app with `commands`.
      if (discoverListeners(working.ctx).commands.length > 0) needed.add('commands');
      expect([...needed].sort()).toEqual([...scopes].sort());
      // A refusal for want of a scope is one the bot is built to do without (decision 001).
      const refused = calls.filter((c) => c.error === 'missing_scope').map((c) => `${c.method} ${scopesOf(c)}`);
      expect(
        refused.every((r) => r.endsWith('channels:history') || r.endsWith('groups:history')),
        refused.join(),
      ).toBe(true);
      // No scope lets an app share a file into a channel it is not in: the channels the bot must be
      // invited to, whatever it is granted (README, docs/scheduler.md).
      const mustBeMember = calls
        .filter((c) => c.method === 'files.completeUploadExternal' && /^[CG]/.test(String(c.args.channel_id ?? '')))
        .map((c) => String(c.args.channel_id));
      expect([...new Set(mustBeMember)]).toEqual(['C0DIGEST']);
    } finally {
      await working.close();
    }
  });
});
