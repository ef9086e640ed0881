import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../slack/fake-slack.js';
import { SlackDriver } from '../slack/signed-request.js';
import { ROOT, tempDir } from '../helpers/db.js';

const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const cleanEnv = { PATH: process.env.PATH ?? '', HOME: tempDir() };

describe('starting the bot as a new user does (npm start runs src/main.ts)', () => {
  let child: ReturnType<typeof spawn> | null = null;
  let fake: FakeSlack | null = null;
  afterEach(async () => {
    child?.kill('SIGTERM');
    await fake?.close();
  });

  it('when no variable is set, then it exits non-zero with one message naming each missing one and no stack trace', () => {
    const run = spawnSync(TSX, [path.join(ROOT, 'src/main.ts')], { cwd: tempDir(), env: cleanEnv, encoding: 'utf8' });
    // cwd is an empty folder: no .env is read.
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('SLACK_BOT_TOKEN: is required');
    expect(run.stderr).toContain('SLACK_SIGNING_SECRET: is required in HTTP mode');
    expect(run.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it(
    'when the variables are set, then /healthz answers 200 and /report opens a modal',
    { timeout: 30_000 },
    async () => {
      fake = await startFakeSlack();
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      const db = path.join(tempDir(), 'nested', 'pacesetter.db');
      const env = {
        ...cleanEnv,
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_SIGNING_SECRET: 'secret',
        SLACK_API_URL: fake.apiUrl,
        PORT: String(port),
        DATABASE_URL: db,
        LOG_LEVEL: 'warn',
      }; // the scheduler on, as a new user runs it
      for (const args of [
        ['plan', 'import', 'plans/2011-education.yaml'],
        ['roster', 'import', 'examples/roster.csv'],
      ]) {
        const r = spawnSync(TSX, ['src/cli/main.ts', ...args], { cwd: ROOT, env, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
      }
      child = spawn(TSX, [path.join(ROOT, 'src/main.ts')], { cwd: tempDir(), env, stdio: 'ignore' });
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 200));
        status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.status,
          () => 0,
        );
      }
      expect(status).toBe(200);
      const driver = new SlackDriver({
        baseUrl: `http://127.0.0.1:${port}`,
        signingSecret: 'secret',
        responseUrlBase: fake.responseUrlBase,
      });
      const res = await driver.command({ command: '/report', user_id: 'U0SEC00001' });
      expect(res.status).toBe(200);
      const opened = await fake.waitFor('views.open', 1, 5000);
      expect((opened[0]!.args.view as { callback_id: string }).callback_id).toBe('report_submit');
      await new Promise((r) => setTimeout(r, 500));
      expect(child.exitCode).toBeNull(); // the scheduler's start and catch-up did not bring it down
    },
  );
});
