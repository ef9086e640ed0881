import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../src/playground/fake-slack.js';
import { SlackDriver } from '../../src/playground/signed-request.js';
import { ROOT, tempDir } from '../helpers/db.js';
import { freePort } from '../helpers/ports.js';

const cleanEnv = { PATH: process.env.PATH ?? '', HOME: tempDir() };
const scripts = (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

/** What `npm start` or `npm run cli` runs, as node's arguments: the test runs that command, without npm around it. */
function npmScript(name: 'start' | 'cli'): string[] {
  const [bin, ...args] = scripts[name]!.split(/\s+/);
  expect(bin, `npm run ${name}`).toBe('node');
  return args.map((a) => path.join(ROOT, a));
}

describe('starting the bot as a new user does (npm start runs the build in dist/)', () => {
  let child: ReturnType<typeof spawn> | null = null;
  let fake: FakeSlack | null = null;
  // npm ci builds dist/ (prepare); building again here tests what the current source compiles to
  // (tsc -b does nothing when dist/ is up to date).
  beforeAll(() => {
    const build = spawnSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['-b', 'tsconfig.build.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(build.status, build.stdout + build.stderr).toBe(0);
  }, 180_000);
  afterEach(async () => {
    child?.kill('SIGTERM');
    await fake?.close();
  });

  // Without any Slack variable npm start opens the playground (below); with the playground off, or
  // in production, the missing variables are named as before.
  for (const off of [{ PLAYGROUND: 'off' }, { NODE_ENV: 'production' }]) {
    it(`when no Slack variable is set and ${Object.entries(off)[0]!.join('=')}, then it exits non-zero with one message naming each missing one and no stack trace`, () => {
      const run = spawnSync(process.execPath, npmScript('start'), {
        cwd: tempDir(),
        env: { ...cleanEnv, ...off },
        encoding: 'utf8',
      });
      // cwd is an empty folder: no .env is read.
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('SLACK_BOT_TOKEN: is required');
      expect(run.stderr).toContain('SLACK_SIGNING_SECRET: is required in HTTP mode');
      expect(run.stderr).not.toMatch(/\bat .*\.[jt]s:\d+/);
    });
  }

  it(
    'when no variable is set at all, then it prints one line with the playground’s address, the page answers, and `playground reset` makes the next start a new one',
    { timeout: 60_000 },
    async () => {
      const port = await freePort();
      const cwd = tempDir();
      child = spawn(process.execPath, npmScript('start'), {
        cwd,
        env: { ...cleanEnv, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      for (let i = 0; i < 150 && !stdout.includes('\n'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(stdout.split('\n')[0], stderr).toContain(`Pacesetter playground: http://127.0.0.1:${port}/playground`);
      expect(stdout).toContain('SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET');
      const page = await fetch(`http://127.0.0.1:${port}/playground?user=U0SEC00001&pane=dm&lang=en`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Pacesetter playground');
      expect(fs.existsSync(path.join(cwd, 'data', 'playground.db'))).toBe(true);
      // It listens on the loopback address only.
      const elsewhere = await fetch(`http://[::1]:${port}/playground`).then(
        (r) => r.status,
        () => 0,
      );
      expect(elsewhere).toBe(0);
      const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout.trim().split('\n')).toHaveLength(1);
      expect(stderr).toBe('');

      const reset = spawnSync(process.execPath, [...npmScript('cli'), 'playground', 'reset'], {
        cwd,
        env: cleanEnv,
        encoding: 'utf8',
      });
      expect(reset.status, reset.stderr).toBe(0);
      expect(reset.stdout).toContain('Removed data/playground.db');
      expect(fs.existsSync(path.join(cwd, 'data', 'playground.db'))).toBe(false);
      expect(fs.existsSync(path.join(cwd, 'data', 'playground.json'))).toBe(false);
    },
  );

  it(
    'when the variables are set, then /healthz answers 200 and /report opens a modal',
    { timeout: 30_000 },
    async () => {
      fake = await startFakeSlack();
      const port = await freePort();
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
        const r = spawnSync(process.execPath, [...npmScript('cli'), ...args], { cwd: ROOT, env, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
      }
      child = spawn(process.execPath, npmScript('start'), { cwd: tempDir(), env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 200));
        status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.status,
          () => 0,
        );
      }
      expect(status, stderr).toBe(200);
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
