/**
 * Start-up (issue 9, "Run what was compiled"): how long the admin CLI takes to print `--help` and
 * to run a job's empty slot, and how long the bot takes from its start to a healthy `/healthz`,
 * each run as `npm start` and `npm run cli` run it (node on the build in dist/, the command read
 * from package.json), beside `node -e ''` and the old way (tsx on src/) in the same rounds.
 * Issue 11 (the playground): `npm start` with no Slack variable, in a folder with no playground
 * yet, to its page answering, and that page loaded in Chromium until it listens to the workspace.
 * Each sample is a fresh process; the rounds rotate the order so that the machine's noise falls
 * on every row alike.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchBrowser } from '../test/helpers/browser.js';
import { freshDb, loadPlan, loadRoster, ROOT, tempDir } from '../test/helpers/db.js';
import { freePort } from '../test/helpers/ports.js';
import { startFakeSlack } from '../src/playground/fake-slack.js';
import { buildDist } from './build.js';

const ROUNDS = 12;
const TARGETS = { help: 300, jobs: 500, healthz: 1000, playground: 3000, page: 1000 };
// An empty slot: the first reminders run of the 2011 plan, before anything is due in two weeks.
const EMPTY_SLOT = '2011-04-12T09:00:00+08:00';

const scripts = (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;
/** `node …` from an npm script, as argv for process.execPath; the benchmark measures what npm would run. */
function nodeArgs(script: string): string[] {
  const [bin, ...args] = (scripts[script] ?? '').split(/\s+/);
  if (bin !== 'node') throw new Error(`npm run ${script} is "${scripts[script]}", not node on the build`);
  return args.map((a) => (a.startsWith('-') ? a : path.join(ROOT, a)));
}
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

const buildMs = buildDist();

// One store as a new user has it after the README's steps (the plan and the example roster),
// copied for every sample so that each job run and each start finds the same state.
const { db, file: seeded } = await freshDb();
await loadPlan(db);
await loadRoster(db);
await db.destroy();
const fake = await startFakeSlack();
// An empty folder as the working directory: no .env is read.
const cwd = tempDir();

function freshStore(): string {
  const file = path.join(tempDir(), 'pacesetter.db');
  fs.copyFileSync(seeded, file);
  return file;
}

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: cwd,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-secret',
    SLACK_API_URL: fake.apiUrl,
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** Milliseconds from spawning to the process's exit; a non-zero exit fails the benchmark. */
function timeToExit(cmd: string, args: string[], extra: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, args, { cwd, env: env(extra), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = performance.now() - start;
      if (code === 0) resolve(ms);
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${stderr}`));
    });
  });
}

/**
 * Milliseconds from spawning `what` to the first 200 from `url` (polled every 5 ms); then it is
 * stopped. An exit before that, or 60 s without one, fails the benchmark.
 */
async function timeToFirst200(
  what: string,
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv },
  url: string,
): Promise<number> {
  const start = performance.now();
  const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${stderr}`);
      const status = await fetch(url).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) return performance.now() - start;
      if (performance.now() - start > 60_000) throw new Error(`no 200 from ${url} within 60 s:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** Milliseconds from spawning the bot to its first 200 on /healthz. */
async function timeToHealthy(cmd: string, args: string[]): Promise<number> {
  const port = await freePort();
  const opts = { cwd, env: env({ PORT: String(port), DATABASE_URL: freshStore() }) };
  return timeToFirst200('the bot', cmd, args, opts, `http://127.0.0.1:${port}/healthz`);
}

/** `npm start` as a new user runs it: no Slack variable, no .env, an empty folder (no playground yet). */
function playgroundEnv(port: number): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: cwd, PORT: String(port) };
}

/** Milliseconds from spawning `npm start` without Slack to the first 200 of its page. */
async function timeToPlayground(): Promise<number> {
  const port = await freePort();
  const page = `http://127.0.0.1:${port}/playground?user=U0SEC00001&pane=dm&lang=en`;
  const opts = { cwd: tempDir(), env: playgroundEnv(port) };
  return timeToFirst200('the playground', process.execPath, nodeArgs('start'), opts, page);
}

// The page row: one playground (started as above) and one Chromium for all its samples; each
// sample is a new browser context (no cache, no cookies), timed from navigating to the page's
// `data-ready` (its first pane drawn and its event stream open).
const browserSkip = browserSkipReason();
let pageBrowser: Browser | null = null;
let pagePlayground: { url: string; stop: () => Promise<void> } | null = null;
if (!browserSkip) {
  const port = await freePort();
  const child = spawn(process.execPath, nodeArgs('start'), {
    cwd: tempDir(),
    env: playgroundEnv(port),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the playground exited with ${code}`)));
  });
  pagePlayground = {
    url: `http://127.0.0.1:${port}/playground?user=U0SEC00001&pane=dm&lang=en`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
  pageBrowser = await launchBrowser();
}

async function timeToPage(): Promise<number> {
  const context = await pageBrowser!.newContext();
  try {
    const page = await context.newPage();
    const start = performance.now();
    await page.goto(pagePlayground!.url);
    await page.waitForSelector('body[data-ready="1"]');
    return performance.now() - start;
  } finally {
    await context.close();
  }
}

interface Row {
  label: string;
  what: string;
  target?: number;
  sample: () => Promise<number>;
}

const rows: Row[] = [
  { label: 'baseline', what: "`node -e ''`", sample: () => timeToExit(process.execPath, ['-e', '']) },
  {
    label: 'help',
    what: '`npm run cli -- --help` (node on dist/)',
    target: TARGETS.help,
    sample: () => timeToExit(process.execPath, [...nodeArgs('cli'), '--help']),
  },
  {
    label: 'help-tsx',
    what: '`--help`, the old way (tsx on src/)',
    sample: () => timeToExit(TSX, [path.join(ROOT, 'src/cli/main.ts'), '--help']),
  },
  {
    label: 'help-npm',
    what: '`npm run cli -- --help` through npm itself',
    sample: () => timeToExit('npm', ['run', '--silent', '--prefix', ROOT, 'cli', '--', '--help']),
  },
  {
    label: 'jobs',
    what: '`npm run cli -- jobs run reminders`, an empty slot (node on dist/)',
    target: TARGETS.jobs,
    sample: () =>
      timeToExit(process.execPath, [...nodeArgs('cli'), 'jobs', 'run', 'reminders', '--now', EMPTY_SLOT], {
        DATABASE_URL: freshStore(),
      }),
  },
  {
    label: 'jobs-tsx',
    what: 'the same job run, the old way (tsx on src/)',
    sample: () =>
      timeToExit(TSX, [path.join(ROOT, 'src/cli/main.ts'), 'jobs', 'run', 'reminders', '--now', EMPTY_SLOT], {
        DATABASE_URL: freshStore(),
      }),
  },
  {
    label: 'healthz',
    what: '`npm start` to a healthy `/healthz` (node on dist/)',
    target: TARGETS.healthz,
    sample: () => timeToHealthy(process.execPath, nodeArgs('start')),
  },
  {
    label: 'healthz-tsx',
    what: 'start to a healthy `/healthz`, the old way (tsx on src/)',
    sample: () => timeToHealthy(TSX, [path.join(ROOT, 'src/main.ts')]),
  },
  {
    label: 'playground',
    what: '`npm start` without Slack, first start (plan and roster loaded), to its page answering',
    target: TARGETS.playground,
    sample: () => timeToPlayground(),
  },
  ...(pageBrowser
    ? [
        {
          label: 'page',
          what: 'the playground page in Chromium, a fresh context, to drawn and listening',
          target: TARGETS.page,
          sample: () => timeToPage(),
        },
      ]
    : []),
];

// One warm-up round (the file system cache, the fake Slack), not counted.
for (const row of rows) await row.sample();
const samples = new Map<string, number[]>(rows.map((r) => [r.label, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[(round + i) % rows.length]!;
    samples.get(row.label)!.push(await row.sample());
  }
}
await fake.close();
await pageBrowser?.close();
await pagePlayground?.stop();

const sorted = (label: string) => [...samples.get(label)!].sort((a, b) => a - b);
const median = (label: string) => {
  const s = sorted(label);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (x: number) => `${x.toFixed(0)} ms`;
const base = median('baseline');
const table = rows.map((r) => {
  const s = sorted(r.label);
  return `| ${r.what} | ${ms(s[0]!)} | ${ms(median(r.label))} | ${ms(s[s.length - 1]!)} | ${(median(r.label) / base).toFixed(1)}× |`;
});
const verdicts = rows
  .filter((r) => r.target !== undefined)
  .map((r) => {
    const m = median(r.label);
    const head = `- ${r.what}: median **${ms(m)}** (target < ${ms(r.target!)}: ${m < r.target! ? 'met' : 'NOT met'}; slowest ${ms(sorted(r.label).at(-1)!)})`;
    if (!samples.has(`${r.label}-tsx`)) return `${head}.`;
    const old = median(`${r.label}-tsx`);
    return `${head}; the old way ${ms(old)}, ${(old / m).toFixed(1)}× as long.`;
  });

console.log(`## Start-up: the CLI and the bot, run from the build

Each sample is a new process on this machine, timed from spawning it: to its exit for the CLI, to the first
200 from \`/healthz\` (polled every 5 ms) for the bot. \`npm start\` and \`npm run cli\` are read from
package.json (\`${scripts.start}\`, \`${scripts.cli}\`) and run with node directly, so npm's own start-up is left out
but for one row that shows it. The store is the README's first steps (the 2011 plan and the example roster,
SQLite in a temp file, copied fresh for every job run and every start); the bot runs with its scheduler on
and talks to the fake Slack (src/playground/fake-slack.ts) in this benchmark's process, as Bolt calls
\`auth.test\` when it starts. The empty slot is \`jobs run reminders --now ${EMPTY_SLOT}\`, sending nothing.
The playground rows run \`npm start\` with no Slack variable in an empty folder, as a new user does after
\`npm ci\`: the first start creates data/playground.db (the plan and the roster through the CLI's import) and
answers its page while the morning's jobs catch up behind it; the page row loads that page in Chromium
(${browserSkip ?? 'a new context each sample, to the page drawn and its event stream open'}).
${ROUNDS} rounds after one warm-up round, the order rotating each round. \`npm run build\` (\`${scripts.build}\`, which does nothing
when dist/ is up to date) took ${(buildMs / 1000).toFixed(1)} s before the rounds. tsx keeps its compiled files in the temp
folder between runs, so the old way is measured with that cache warm, at its fastest.

| what | fastest | median | slowest | median ÷ \`node -e ''\` |
|---|---|---|---|---|
${table.join('\n')}

${verdicts.join('\n')}

Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)} at the end.
`);
