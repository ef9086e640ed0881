import { loadConfig, type Config } from '../../src/config.js';

export const BENCH_SIGNING_SECRET = 'bench-signing-secret-0123456789';

/**
 * The configuration of a benchmark's bot: over HTTP, its database in `file`, Slack at `apiUrl`
 * (the fake), no scheduler (the benchmark runs the jobs when it measures them), no logging.
 */
export function benchBotConfig(file: string, apiUrl: string, extra: Record<string, string> = {}): Config {
  return loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
    SLACK_API_URL: apiUrl,
    DATABASE_URL: file,
    SCHEDULER: 'off',
    LOG_LEVEL: 'silent',
    ...extra,
  });
}
