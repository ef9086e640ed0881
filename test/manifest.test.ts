import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type TestBot } from './helpers/bot.js';
import { ROOT } from './helpers/db.js';
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

  it('when the code calls a Web API method, then the manifest grants its scope and no scope is unused', () => {
    const sources = ['commands', 'jobs', 'src']
      .flatMap((dir) =>
        fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' }).map((f) => path.join(ROOT, dir, f)),
      )
      .filter((f) => f.endsWith('.ts'))
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    const needs: Record<string, RegExp> = {
      commands: /app\.command\(/,
      'chat:write': /chat\.postMessage|chat\.update|chat\.postEphemeral/,
      'chat:write.public': /DIGEST_CHANNEL|digestChannel|notice/,
      'im:write': /conversations\.open/,
      'im:history': /conversations\.history/,
      'users:read': /users\.info/,
      'files:write': /filesUploadV2|files\.getUploadURLExternal/,
      'files:read': /file_input/,
    };
    for (const [scope, used] of Object.entries(needs)) {
      expect(sources, `${scope} is used`).toMatch(used);
    }
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(Object.keys(needs).sort());
  });
});
