/**
 * Replicas (issue 15, "Performance"). Two parts:
 *
 * 1. The 09:00 burst: 1,000 "Report now" presses within 10 s (one every 10 ms, spread round-robin
 *    over the replicas) while the reminders run sends, on SQLite with one process and on PostgreSQL
 *    with 1, 2 and 3 replicas, beside a bare Bolt app (one process per replica) under the same
 *    burst. Store: 1,000 branches and a year of reports (bench/commands/seed.ts). Measured: the ack
 *    (the HTTP answer to the press) p50/p99, and the throughput (presses whose modal Slack opened,
 *    per second, from the first press to the last modal).
 * 2. Reminders for 10,000 branches planned and sent by 3 replicas ticking the same slot at once,
 *    against the fake Slack with its rate limits on (in its own process), beside one replica
 *    alone: time, messages a second, duplicates, lost.
 *
 * Needs PostgreSQL (TEST_DATABASE_URL or 127.0.0.1:5432); the databases it creates are dropped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { WebClient } from '@slack/web-api';
import pg from 'pg';
import { copyDatabase } from '../db/copy.js';
import { openDatabase } from '../db/index.js';
import { migrateToLatest } from '../db/migrate.js';
import { listObligations } from '../db/queries/plans.js';
import { startFakeSlack, type FakeSlack } from '../src/playground/fake-slack.js';
import type { SlackDriver } from '../src/playground/signed-request.js';
import { appliesToBranch, type Category } from '../src/domain/types.js';
import type { ReplicaAnswer, ReplicaCommand } from '../test/helpers/replica-process.js';
import { BENCH_SIGNING_SECRET } from './commands/shared.js';
import { NOW, secretaryId, seed } from './commands/seed.js';
import { branchCode, seedStore } from './seed-common.js';
import { benchDriver, startServer, type Workspace } from './servers.js';

const SERVER = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const PRESSES = 1000;
const SPACING_MS = 10;
// BENCH_BRANCHES lowers it for a quick run (the figures then say so).
const BIG = Number(process.env.BENCH_BRANCHES ?? 10_000);
const BIG_NOW = '2011-06-20T09:00:00+08:00';
const ROOT = path.resolve(import.meta.dirname, '..');
const prefix = `pacesetter_bench_${process.pid}`;
const admin = new pg.Pool({ connectionString: SERVER, max: 1 });
const created: string[] = [];
const children: ChildProcess[] = [];

const urlOf = (name: string) => {
  const u = new URL(SERVER);
  u.pathname = `/${name}`;
  return u.href;
};
async function createDatabase(name: string, template = 'template0'): Promise<string> {
  await admin.query(`create database "${name}" template "${template}"`);
  created.push(name);
  return urlOf(name);
}

/** Creates the PostgreSQL database `name`, migrated and holding a copy of the SQLite store `file`, to clone runs from. */
async function templateFrom(file: string, name: string): Promise<void> {
  const template = await createDatabase(name);
  const source = openDatabase(file);
  const target = openDatabase(template);
  await migrateToLatest(target);
  await copyDatabase(source, target);
  await source.destroy();
  await target.destroy();
}

// ---------------------------------------------------------------------------
// Processes

interface Replica {
  child: ChildProcess;
  driver: SlackDriver;
  ask(command: ReplicaCommand): Promise<ReplicaAnswer>;
  errors: string[];
}

let driverCount = 0;
function driverFor(fake: Workspace, baseUrl: string) {
  // Trigger ids carry the issue time and a per-driver counter: drivers of different processes get
  // clocks far apart, so that no two mint the same id (the fake refuses a reused one; its age check is off).
  const offset = ++driverCount * 1e10;
  return benchDriver(fake, baseUrl, () => Date.now() + offset);
}

async function startReplica(databaseUrl: string, apiUrl: string, fake: Workspace, now: string): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/replica-process.ts')], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
      SLACK_API_URL: apiUrl,
      LOG_LEVEL: 'error',
      REPLICA_NOW: now,
      PROCESS_BEFORE_RESPONSE: 'false',
      REPLICA_DRAIN: 'defaults',
      REPLICA_SEND_TIMEOUT_MS: '30000',
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  children.push(child);
  const errors: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => errors.push(l));
  const pending = new Map<number, (a: ReplicaAnswer) => void>();
  let id = 0;
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`replica exited (${code}): ${errors.slice(-3).join(' | ')}`)));
    child.on('message', (a: ReplicaAnswer) => (a.kind === 'ready' ? resolve(a.port) : pending.get(a.id)?.(a)));
  });
  return {
    child,
    errors,
    driver: driverFor(fake, `http://127.0.0.1:${port}`),
    ask: (command) =>
      new Promise((resolve) => {
        pending.set(++id, resolve);
        child.send({ ...command, id });
      }),
  };
}

async function startBare(apiUrl: string, fake: Workspace): Promise<SlackDriver> {
  const { child, baseUrl } = await startServer(path.join(import.meta.dirname, 'replicas', 'bare-replica.ts'), [apiUrl]);
  children.push(child);
  return driverFor(fake, baseUrl);
}

const stopAll = () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
};

// ---------------------------------------------------------------------------
// Part 1: the burst

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

interface Press {
  user: string;
  value: string;
}

async function presses(file: string, withOpen: number[]): Promise<Press[]> {
  const db = openDatabase(file);
  const plan = await db.selectFrom('plans').select('id').executeTakeFirstOrThrow();
  const obligations = (await listObligations(db, plan.id)).filter((o) => o.kind !== 'paper');
  const branches = new Map(
    (await db.selectFrom('branches').select(['id', 'code', 'category']).execute()).map((b) => [b.code, b]),
  );
  await db.destroy();
  return Array.from({ length: PRESSES }, (_, i) => {
    const index = withOpen[(i * 37) % withOpen.length]!;
    const b = branches.get(`B${String(index).padStart(4, '0')}`)!;
    const applying = obligations.filter((o) => appliesToBranch(o, b.category as Category));
    const o = applying[i % applying.length]!;
    return { user: secretaryId(index), value: JSON.stringify({ o: o.id, b: b.id }) };
  });
}

interface BurstResult {
  name: string;
  p50: number;
  p99: number;
  max: number;
  throughput: number;
  opened: number;
  non200: number;
  /** views.open calls Slack answered with an error, and successful ones for a press already opened. */
  refused: number;
  repeated: number;
  reminders: string;
}

async function burst(
  name: string,
  fake: FakeSlack,
  drivers: SlackDriver[],
  list: Press[],
  reminders?: () => Promise<{ ms: number; posts: number }>,
): Promise<BurstResult> {
  const seen = fake.callsTo('views.open').length;
  const acks: number[] = [];
  let non200 = 0;
  const t0 = performance.now();
  const sending = reminders?.();
  const requests = list.map(
    (p, i) =>
      new Promise<void>((resolve) => {
        setTimeout(
          () => {
            const start = performance.now();
            void drivers[i % drivers.length]!.blockAction({
              user_id: p.user,
              actions: [{ action_id: 'prompt_report_now', value: p.value }],
            }).then(
              (res) => {
                acks.push(performance.now() - start);
                if (res.status !== 200) non200++;
                resolve();
              },
              () => {
                non200++;
                resolve();
              },
            );
          },
          Math.max(0, t0 + i * SPACING_MS - performance.now()),
        );
      }),
  );
  await Promise.all(requests);
  await fake.waitFor('views.open', seen + list.length, 60_000).catch(() => []);
  const last = performance.now();
  // A modal counts once per press (its trigger_id) and only when Slack opened it: a call answered
  // with an error, or a second call for the same press, is counted apart.
  const calls = fake.callsTo('views.open').slice(seen);
  const opened = new Set(calls.filter((c) => c.ok).map((c) => String(c.args['trigger_id'])));
  const refused = calls.filter((c) => !c.ok).length;
  const repeated = calls.filter((c) => c.ok).length - opened.size;
  const sent = await sending;
  const sorted = acks.sort((a, b) => a - b);
  return {
    name,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? 0,
    throughput: opened.size / ((last - t0) / 1000),
    opened: opened.size,
    refused,
    repeated,
    non200,
    reminders: sent ? `${sent.posts} DMs in ${(sent.ms / 1000).toFixed(1)} s` : '—',
  };
}

async function partBurst(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacesetter-bench-'));
  const file = path.join(dir, 'store.db');
  const seeded = await seed(file);
  const list = await presses(file, seeded.withOpenTasks);
  await templateFrom(file, `${prefix}_burst`);
  const fake = await startFakeSlack({ triggerTtlMs: 0 });
  const results: BurstResult[] = [];
  let n = 0;
  const reminderRun = (replicas: Replica[]) => async () => {
    const before = fake.callsTo('chat.postMessage').length;
    const t = performance.now();
    await Promise.all(replicas.map((r) => r.ask({ kind: 'tick', job: 'reminders', now: NOW })));
    return { ms: performance.now() - t, posts: fake.callsTo('chat.postMessage').length - before };
  };
  try {
    for (const config of ['sqlite:1', 'pg:1', 'pg:2', 'pg:3', 'bare:1', 'bare:2', 'bare:3']) {
      const [kind, count] = [config.split(':')[0]!, Number(config.split(':')[1])];
      let drivers: SlackDriver[];
      let replicas: Replica[] = [];
      if (kind === 'bare') {
        drivers = await Promise.all(Array.from({ length: count }, () => startBare(fake.apiUrl, fake)));
      } else {
        // Each configuration on a fresh copy of the store, so that its reminders are still to send.
        let url: string;
        if (kind === 'sqlite') {
          url = path.join(dir, `run-${++n}.db`);
          fs.copyFileSync(file, url);
        } else url = await createDatabase(`${prefix}_run${++n}`, `${prefix}_burst`);
        replicas = await Promise.all(Array.from({ length: count }, () => startReplica(url, fake.apiUrl, fake, NOW)));
        drivers = replicas.map((r) => r.driver);
      }
      // Warm-up: a few presses on each process (the first request loads code), and their modals
      // opened before the burst counts (the answer comes at ack(), the modal after it).
      const warmed = fake.callsTo('views.open').length + drivers.length * 5;
      for (const d of drivers)
        for (const p of list.slice(0, 5))
          await d.blockAction({ user_id: p.user, actions: [{ action_id: 'prompt_report_now', value: p.value }] });
      await fake.waitFor('views.open', warmed, 30_000);
      const name =
        kind === 'bare' ? `bare Bolt × ${count}` : `${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} × ${count}`;
      results.push(await burst(name, fake, drivers, list, kind === 'bare' ? undefined : reminderRun(replicas)));
      const errors = replicas.flatMap((r) => r.errors);
      if (errors.length > 0)
        results.at(-1)!.reminders += ` (${errors.length} error lines: ${errors[0]!.slice(0, 120)})`;
      stopAll();
    }
  } finally {
    stopAll();
    await fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const bare = (count: number) => results.find((r) => r.name === `bare Bolt × ${count}`)!;
  const rows = results.map((r) => {
    const m = /× (\d)/.exec(r.name);
    const base = bare(Number(m?.[1] ?? 1));
    const vs = r.name.startsWith('bare')
      ? ''
      : ` (${(r.p50 / base.p50).toFixed(2)}× / ${(r.p99 / base.p99).toFixed(2)}×)`;
    return `| ${r.name} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms${vs} | ${r.max.toFixed(0)} ms | ${r.throughput.toFixed(1)}/s | ${r.opened}/${PRESSES} | ${r.refused} / ${r.repeated} | ${r.non200} | ${r.reminders} |`;
  });
  return [
    '## Replicas: the 09:00 burst',
    '',
    `${PRESSES} "Report now" presses, one every ${SPACING_MS} ms (${(PRESSES * SPACING_MS) / 1000} s), spread round-robin over the processes, each a real secretary's button on a store of 1,000 branches and a year of reports; at the first press every replica is ticked for the reminders slot of ${NOW} (one runs it: the job's lock), which plans and sends its DMs through the outbox with the default drain (32 in flight). The bot answers at ack() as in production; the ack is the HTTP answer to the press, the throughput counts presses whose modal the fake Slack opened (once per press, by its trigger_id), per second from the first press to the last modal; views.open calls the fake answered with an error (429 under its limits, an expired trigger) and successful second calls for one press are counted apart. The bare Bolt app opens a one-block modal and sends no reminders. In brackets: the p50 and p99 ratios to the bare app with as many processes.`,
    '',
    '| setup | ack p50 | ack p99 | ack max | throughput | modals | views.open refused / repeated | errors | reminders meanwhile |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Target: every ack under 3 s: ${results.every((r) => r.max < 3000 && r.non200 === 0) ? 'met' : 'NOT met'}; a modal opened twice for one press: ${results.some((r) => r.repeated > 0) ? 'yes' : 'never'}.`,
  ];
}

// ---------------------------------------------------------------------------
// Part 2: 10,000 branches' reminders by 3 replicas, against Slack's limits

async function startRemoteFake() {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'sending', 'fake-server.ts')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  const apiUrl = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fake Slack exited with ${code}`)));
  });
  const client = new WebClient('xoxb-bench', { slackApiUrl: apiUrl, retryConfig: { retries: 0 } });
  return {
    apiUrl,
    stats: async () => (await client.apiCall('bench.stats')) as unknown as { texts: string[]; rateLimited: number },
  };
}

async function partSend(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacesetter-bench-'));
  const file = path.join(dir, 'big.db');
  const lines: string[] = [];
  const categories: Category[] = ['primary', 'secondary', 'kindergarten', 'vocational', 'adult', 'unit'];
  for (let i = 0; i < BIG; i++)
    lines.push(
      `${branchCode(i, 5)},支部${i},${categories[i % categories.length]},US${String(i).padStart(6, '0')},书记${i},secretary,school_cadre`,
    );
  const db = openDatabase(file);
  await seedStore(db, lines);
  await db.destroy();
  await templateFrom(file, `${prefix}_big`);
  const rows: string[] = [];
  try {
    for (const count of [1, 3]) {
      const fake = await startRemoteFake();
      const url = await createDatabase(`${prefix}_big${count}`, `${prefix}_big`);
      const ids = { responseUrlBase: 'http://127.0.0.1/', teamId: 'T0', botUserId: 'U0', botId: 'B0', appId: 'A0' };
      const replicas = await Promise.all(
        Array.from({ length: count }, () => startReplica(url, fake.apiUrl, ids, BIG_NOW)),
      );
      const t0 = performance.now();
      const answers = await Promise.all(replicas.map((r) => r.ask({ kind: 'tick', job: 'reminders', now: BIG_NOW })));
      const seconds = (performance.now() - t0) / 1000;
      const stats = await fake.stats();
      const texts = new Map<string, number>();
      for (const t of stats.texts) texts.set(t, (texts.get(t) ?? 0) + 1);
      const check = openDatabase(url);
      const states = await check.selectFrom('outbox').select(['state', 'dedupe_key', 'recipient']).execute();
      await check.destroy();
      const recipients = new Set(states.map((s) => s.recipient));
      const notSent = states.filter((s) => s.state !== 'sent').length;
      // Each recipient gets one DM a run (its items grouped); a second post to one would be a duplicate.
      const posts = stats.texts.length;
      const duplicates = posts - recipients.size;
      const ran = answers.filter((a) => a.kind === 'done' && !a.summary.includes('slot already run')).length;
      const errors = replicas.flatMap((r) => r.errors).length;
      rows.push(
        `| ${count} | ${states.length} rows for ${recipients.size} people | ${posts} | ${seconds.toFixed(1)} s | ${(posts / seconds).toFixed(0)} | ${stats.rateLimited} | ${ran} | ${Math.max(0, duplicates)} | ${notSent} | ${errors} |`,
      );
      stopAll();
    }
  } finally {
    stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return [
    `## Replicas: reminders for ${BIG.toLocaleString('en')} branches by 3 replicas`,
    '',
    `${BIG.toLocaleString('en')} branches with a secretary each, the 2011 plan, nothing reported; every replica is ticked for the reminders slot of ${BIG_NOW} at once, on PostgreSQL, against the fake Slack with its rate limits on (about one chat.postMessage a second per channel, Slack's tiers for other methods) in its own process. Time from the ticks to the last replica's answer (planning, queueing and sending); one replica alone beside it.`,
    '',
    '| replicas | outbox | DMs posted | time | DMs/s | 429s | ran the slot | duplicates | not sent | error lines |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    "Each person gets one DM (their items grouped), so Slack's per-channel limit sets no floor here (0 s): the time is the bot's own work and the fake Slack's, on this machine's two cores. The slot runs in one replica (the job's lock); the others wait, then find it done, so three replicas take about as long as one: they are there to take over when one dies, not to send faster, since Slack's limits are per workspace and channel, not per process.",
  ];
}

async function main() {
  const started = performance.now();
  try {
    // BENCH_PART=burst or send runs one part alone.
    const part = process.env.BENCH_PART;
    const out = [...(part !== 'send' ? await partBurst() : []), '', ...(part !== 'burst' ? await partSend() : [])];
    out.push(
      '',
      `Machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, load average ${os.loadavg()[0]!.toFixed(1)}; run time ${((performance.now() - started) / 1000).toFixed(0)} s.`,
    );
    console.log(out.join('\n'));
  } finally {
    stopAll();
    for (const name of created.reverse())
      await admin.query(`drop database if exists "${name}" with (force)`).catch(() => undefined);
    await admin.end();
  }
}

await main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
