/**
 * `/report` and `/progress` round trips of the real bot against a bare Bolt app (issue 3,
 * "Performance"). A store of 1,000 branches and a full year of reports is generated into a temp
 * file; the bot, the bare app and a payload control (a bare app sending the bot's own answers) each
 * run in their own process on loopback, all calling the same fake Slack in this process, fed signed
 * HTTP requests in rotating order. Timed from sending the command to the fake Slack answering the
 * views.open call (`/report`) or the response_url POST (`/progress`), and to its receiving it.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startFakeSlack, type FakeSlack } from '../src/playground/fake-slack.js';
import type { SlackDriver } from '../src/playground/signed-request.js';
import { BRANCHES, NOW, secretaryId, seed } from './commands/seed.js';
import { benchDriver, startServer } from './servers.js';

const SAMPLES = 300;
const WARMUP = 30;
const LEADER_SAMPLES = 40;

type AppName = 'bot' | 'bare' | 'echo';
type Target = { name: AppName; driver: SlackDriver };
/** One round trip, timed twice: to the fake Slack's answer, and to its having the whole request. */
type Sample = { answered: number; received: number };

/** One command: the time from sending it to the fake Slack receiving, then answering, the views.open or response_url call it causes. */
async function roundTrip(fake: FakeSlack, target: Target, command: string, user: string, text = ''): Promise<Sample> {
  const method = command === '/report' ? 'views.open' : 'response_url';
  const seen = fake.callsTo(method).length;
  const answered = fake.callsTo('response_url').length;
  const t0 = performance.now();
  const arrived = fake.waitFor(method, seen + 1, 10_000).then(
    (calls) => ({ answered: performance.now() - t0, received: calls[seen]!.receivedAt - t0 }),
    () => {
      // The fake's own message lists every call of the run; say only what this request got.
      const got = fake
        .callsTo('response_url')
        .slice(answered)
        .map((c) => JSON.stringify(c.args.text ?? '').slice(0, 120));
      throw new Error(
        `${target.name} ${command} ${text} from ${user}: no ${method} within 10 s${got.length ? `; it answered ${got.join(', ')}` : ''}`,
      );
    },
  );
  const res = await target.driver.command({ command, text, user_id: user });
  if (res.status !== 200) throw new Error(`${target.name} ${command} answered ${res.status}`);
  return arrived;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), p99: percentile(sorted, 0.99) };
}

const ms = (n: number) => `${n.toFixed(2)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

/** The bot's answers to one secretary, as the fake Slack received them, for the payload control. */
async function botPayloads(fake: FakeSlack, bot: Target, user: string, file: string): Promise<void> {
  await roundTrip(fake, bot, '/report', user);
  await roundTrip(fake, bot, '/progress', user);
  const view = fake.callsTo('views.open').at(-1)!.args.view;
  const answer = fake.callsTo('response_url').at(-1)!.args;
  fs.writeFileSync(file, JSON.stringify({ view, answer }));
}

/** Each round takes the apps in a different order, so none is always first after the others. */
const rotate = <T>(list: T[], by: number): T[] => list.map((_, k) => list[(k + by) % list.length]!);

async function main() {
  const started = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacesetter-bench-'));
  const file = path.join(dir, 'bench.db');
  const seeded = await seed(file);
  const fake = await startFakeSlack({ triggerTtlMs: 0 });
  const children: ChildProcess[] = [];
  const start = async (name: AppName, script: string, args: string[]): Promise<Target> => {
    const { child, baseUrl } = await startServer(path.join(import.meta.dirname, 'commands', script), args);
    children.push(child);
    return { name, driver: benchDriver(fake, baseUrl) };
  };
  const commands = ['/report', '/progress'] as const;
  const results: Record<string, Record<AppName, Sample[]>> = Object.fromEntries(
    [...commands, '/progress all'].map((c) => [c, { bot: [], bare: [], echo: [] }]),
  );
  const userAt = (i: number) => secretaryId(seeded.withOpenTasks[(i * 37) % seeded.withOpenTasks.length]!);
  try {
    const bot = await start('bot', 'bot-server.ts', [file, fake.apiUrl, NOW]);
    const bare = await start('bare', 'bare-server.ts', [fake.apiUrl]);
    const payloadFile = path.join(dir, 'payloads.json');
    await botPayloads(fake, bot, userAt(0), payloadFile);
    const echo = await start('echo', 'echo-server.ts', [fake.apiUrl, payloadFile]);
    const targets = [bot, bare, echo];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      // A different secretary each time (no warm per-person cache), one with something left to
      // report (else /report answers instead of opening the modal), and the apps in rotating order.
      const user = userAt(i);
      for (const command of commands) {
        for (const target of rotate(targets, i)) {
          const t = await roundTrip(fake, target, command, user);
          if (i >= WARMUP) results[command]![target.name].push(t);
        }
      }
    }
    for (let i = 0; i < LEADER_SAMPLES; i++) {
      for (const target of rotate([bot, bare], i)) {
        results['/progress all']![target.name].push(await roundTrip(fake, target, '/progress', `UBL${i % 5}`, 'all'));
      }
    }
  } finally {
    for (const child of children) child.kill();
    await fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // Only the answers were expected: a users.info or views.publish here would be a Slack round trip
  // the bare app does not make.
  const othersCount = new Map<string, number>();
  for (const c of fake.calls)
    if (c.method !== 'views.open' && c.method !== 'response_url')
      othersCount.set(c.method, (othersCount.get(c.method) ?? 0) + 1);
  const others = [...othersCount].map(([m, n]) => `${m} ×${n}`);
  // Each app has its own token (the payload control sends copies of the bot's modal under its own).
  const botModals = fake.callsTo('views.open').filter((c) => c.token === 'xoxb-bench');
  const allReportModals =
    botModals.length > 0 &&
    botModals.every((c) => (c.args.view as { callback_id?: string }).callback_id === 'report_submit');
  const of = (command: string, app: AppName, clock: keyof Sample) => stats(results[command]![app].map((s) => s[clock]));
  const table = (clock: keyof Sample) => {
    const rows = ['| command | app | p50 | p90 | p99 |', '|---|---|---|---|---|'];
    for (const command of [...commands, '/progress all']) {
      const base = of(command, 'bare', clock);
      for (const app of ['bare', 'bot', 'echo'] as const) {
        if (results[command]![app].length === 0) continue;
        const x = of(command, app, clock);
        rows.push(`| \`${command}\` | ${app} | ${ms(x.p50)} | ${ms(x.p90)} | ${ms(x.p99)} |`);
        if (app !== 'bare')
          rows.push(
            `| \`${command}\` | **${app} ÷ bare** | **${ratio(x.p50, base.p50)}** | **${ratio(x.p90, base.p90)}** | ${ratio(x.p99, base.p99)} |`,
          );
      }
    }
    return rows;
  };
  const verdicts = (clock: keyof Sample) =>
    commands.map((command) => {
      const b = of(command, 'bot', clock);
      const base = of(command, 'bare', clock);
      const p50ok = b.p50 / base.p50 <= 1.2;
      const p90ok = b.p90 / base.p90 <= 1.3;
      return `- \`${command}\`: p50 ${ratio(b.p50, base.p50)} (target ≤ 1.2×: ${p50ok ? 'met' : 'NOT met'}), p90 ${ratio(b.p90, base.p90)} (target ≤ 1.3×: ${p90ok ? 'met' : 'NOT met'}).`;
    });
  const out: string[] = [
    '## Commands: /report and /progress against a bare Bolt app',
    '',
    `Store: ${BRANCHES} branches, ${seeded.people} people, ${seeded.reports} reports (a full year of the 2011 plan), on SQLite in a temp file; the clock at ${NOW}.`,
    `Three apps, each in its own process, fed signed HTTP on loopback request by request in rotating order: the real bot (\`bot\`); a bare Bolt app whose handlers only ack and answer with a one-block modal or a one-line message (\`bare\`); and a payload control (\`echo\`), a bare app whose handlers send the bot's own modal and checklist (captured from the bot at the start) and do nothing else. ${SAMPLES} samples per command and app after ${WARMUP} warm-up rounds, each /report and /progress from a different secretary, chosen among the ${seeded.withOpenTasks.length} whose branch has a task not yet accepted.`,
    '',
    'Timed from sending the command to the fake Slack answering the `views.open` call (`/report`, the modal opening) or the `response_url` POST (`/progress`, the answer):',
    '',
    ...table('answered'),
    '',
    'Targets (p99 is reported, not judged):',
    ...verdicts('answered'),
    `- \`/progress all\` (a leader's summary over all ${BRANCHES} branches, ${LEADER_SAMPLES} samples against the bare \`/progress\`) is shown for information; the issue sets no target for it.`,
    "- `echo ÷ bare` is what the size of the bot's answers costs by itself (its serialising in the app, its parsing and Block Kit checks in the fake Slack); `bot ÷ echo` is what the bot's own work adds.",
    '',
    "The same requests timed only to the fake Slack having the whole request, before it parses and checks it (the fake's own work, in this benchmark's process, left out):",
    '',
    ...table('received'),
    '',
    ...verdicts('received'),
    '',
    `Checks: every modal the bot opened (${botModals.length}) was the report modal: ${allReportModals ? 'yes' : 'NO'}; other Slack calls: ${others.length > 0 ? others.join(', ') : 'none'}; Block Kit violations seen by the fake Slack: ${fake.violations.length}${fake.violations.length > 0 ? ` (${fake.violations.slice(0, 3).join('; ')})` : ''}. Run time ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  ];
  console.log(out.join('\n'));
}

await main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
