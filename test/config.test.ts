import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration from the environment', () => {
  it('when only the required variables are set, then the defaults fill the rest', () => {
    const c = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' });
    expect(c).toMatchObject({
      port: 3000,
      databaseUrl: 'data/pacesetter.db',
      scheduler: true,
      defaultLocale: 'zh-CN',
      logLevel: 'info',
      escalateAfterDays: 3,
    });
    expect(c.slack.apiUrl).toBeUndefined();
  });

  it('when SLACK_APP_TOKEN is set, then no signing secret is needed (Socket Mode)', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slack.appToken).toBe('xapp-1');
  });

  it('when several variables are wrong, then one error names each of them', () => {
    let error: unknown;
    try {
      loadConfig({
        SLACK_BOT_TOKEN: 'xoxp-user',
        PORT: '99999',
        DEFAULT_LOCALE: 'fr',
        SCHEDULER: 'maybe',
        LEADERS_CHANNEL: '#leaders',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(names.sort()).toEqual([
      'DEFAULT_LOCALE',
      'LEADERS_CHANNEL',
      'PORT',
      'SCHEDULER',
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
    ]);
  });

  it('when a variable is set but empty, then it counts as not set', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', PORT: '', SLACK_API_URL: '' }).port).toBe(
      3000,
    );
  });
});
