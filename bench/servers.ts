/**
 * What the benchmarks that compare the bot with a bare app share: each server runs in its own
 * process (so that neither shares a heap or an event loop with the other, or with the fake Slack),
 * and is fed signed requests as the fake Slack's workspace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { FakeSlack } from '../src/playground/fake-slack.js';
import { SlackDriver } from '../src/playground/signed-request.js';
import { BENCH_SIGNING_SECRET } from './commands/shared.js';

/**
 * Starts `node --import tsx script ...args` and waits for its `PORT n` line. Its stdin is a pipe
 * when the benchmark talks to it (`stdin: 'pipe'`), else closed.
 */
export async function startServer(
  script: string,
  args: string[],
  stdin: 'ignore' | 'pipe' = 'ignore',
): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: [stdin, 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    lines.on('line', (line) => {
      const m = /^PORT (\d+)$/.exec(line);
      if (m) resolve(m[1]!);
    });
  });
  return { child, baseUrl: `http://127.0.0.1:${port}` };
}

/** The ids of the fake Slack's workspace that a signed request carries. */
export type Workspace = Pick<FakeSlack, 'responseUrlBase' | 'teamId' | 'botUserId' | 'botId' | 'appId'>;

/** Signed requests to the server at `baseUrl` from the fake Slack's workspace; `now` stamps its trigger ids. */
export function benchDriver(fake: Workspace, baseUrl: string, now?: () => number): SlackDriver {
  return new SlackDriver({
    ...(now ? { now } : {}),
    baseUrl,
    signingSecret: BENCH_SIGNING_SECRET,
    responseUrlBase: fake.responseUrlBase,
    teamId: fake.teamId,
    botUserId: fake.botUserId,
    botId: fake.botId,
    apiAppId: fake.appId,
  });
}
