import { runCli, type CliIO } from '../../src/cli/program.js';
import { fixedClock, type Clock } from '../../src/clock.js';
import type { TestBot } from './bot.js';

/**
 * The admin command line run in-process with `env`, at `now` (an ISO time, or a clock such as the
 * bot's), its output and error lines kept apart.
 */
export async function runCliLines(
  argv: string[],
  env: Record<string, string>,
  now: string | Clock,
): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env,
    clock: typeof now === 'string' ? fixedClock(now) : now,
  });
  return { code, out, err };
}

/**
 * What an operator's command line needs to reach the bot's database and the fake Slack, at the bot's
 * clock, with `env` added; its output and error lines go into `out` in order, an error marked `ERR`.
 */
export function operatorCli(bot: TestBot, env: Record<string, string> = {}): { out: string[]; io: CliIO } {
  const out: string[] = [];
  const io: CliIO = {
    out: (l: string) => out.push(l),
    err: (l: string) => out.push(`ERR ${l}`),
    env: {
      DATABASE_URL: bot.ctx.config.databaseUrl,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: 's',
      SLACK_API_URL: bot.fake.apiUrl,
      LOG_LEVEL: 'silent',
      ...env,
    },
    clock: bot.clock,
  };
  return { out, io };
}
