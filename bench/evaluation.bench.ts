/**
 * The year-end evaluation under load (issue 12, "Performance"). (a) A members' meeting: 500
 * members vote in Slack (the DM's button, the ballot modal, its submission) and 500 mass
 * representatives on the public page (GET and POST), all within 60 s, while the reminders run of
 * the day (the campaign's reminders and the evaluation's, 3 days before its close) sends. The bot
 * runs in its own process on loopback with its real HTTP receiver, SQLite in a temp file and the
 * fake Slack in this process; a bare node:http server in another process answers the same ballot
 * page from memory, asked the same requests in the same run. (b) Tallying a closed round of 1,000
 * branches and 50,000 ballots: the database work, median of several runs.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { openDatabase } from '../db/index.js';
import { branchCounts, findRound } from '../db/queries/evaluation.js';
import { listBranches } from '../db/queries/people.js';
import { roundResults } from '../src/domain/evaluation.js';
import { startFakeSlack, type FakeView } from '../src/playground/fake-slack.js';
import { noticePage } from '../src/ui/ballot-page.js';
import { MEETING_NOW, seedMeeting, seedTally, TALLY_MEMBERS } from './evaluation/seed.js';
import { prng } from './seed-common.js';
import { benchDriver, startServer } from './servers.js';

/** The meeting's ballots arrive over the first 50 s; each voter takes 1 to 10 s to choose, so all are in within 60 s. */
const ARRIVALS_MS = 50_000;
const THINK_MS: [number, number] = [1_000, 10_000];
const ACK_LIMIT_MS = 3_000;
const WARMUP = 20;
const TALLY_RUNS = 15;

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: sorted.length ? percentile(sorted, 0.5) : NaN,
    p99: sorted.length ? percentile(sorted, 0.99) : NaN,
    max: sorted.at(-1) ?? NaN,
  };
}
const ms = (n: number) => `${n.toFixed(1)} ms`;
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

/** A server of bench/evaluation/; the bot's stdin is how the run is told to start the reminders. */
const startChild = (script: string, args: string[], stdin: 'ignore' | 'pipe' = 'ignore') =>
  startServer(path.join(import.meta.dirname, 'evaluation', script), args, stdin);

async function timedFetch(url: string, init?: RequestInit): Promise<{ status: number; ms: number; body: string }> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, { redirect: 'manual', ...init });
    const body = await res.text();
    return { status: res.status, ms: performance.now() - t0, body };
  } catch (err) {
    // Reported as a problem (status 0) rather than stopping the run.
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { status: 0, ms: performance.now() - t0, body: cause?.code ?? cause?.message ?? String(err) };
  }
}

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

async function meeting(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacesetter-bench-evaluation-'));
  const file = path.join(dir, 'bench.db');
  const store = await seedMeeting(file);
  const fake = await startFakeSlack();
  const opened = new Map<string, { at: number; view: FakeView }>();
  fake.subscribe((e) => {
    if (e.type === 'view' && e.method === 'views.open' && e.triggerId)
      opened.set(e.triggerId, { at: performance.now(), view: e.view });
  });
  const waitForModal = async (triggerId: string, limitMs: number) => {
    const until = performance.now() + limitMs;
    while (performance.now() < until) {
      const o = opened.get(triggerId);
      if (o) return o;
      await sleep(5);
    }
    return null;
  };
  const children: ChildProcess[] = [];
  try {
    const bot = await startChild('bot-server.ts', [file, fake.apiUrl, MEETING_NOW], 'pipe');
    children.push(bot.child);
    const driver = benchDriver(fake, bot.baseUrl);
    // The bare server answers with the bot's own pages and headers.
    const sample = store.codes[0]!.code;
    const res = await fetch(`${bot.baseUrl}/ballot/${sample}?lang=zh`);
    const ballotBody = await res.text();
    if (res.status !== 200 || !ballotBody.includes('q_overall'))
      throw new Error(`the ballot page answered ${res.status}`);
    const headers = Object.fromEntries(
      [
        'content-type',
        'content-security-policy',
        'x-content-type-options',
        'referrer-policy',
        'cache-control',
        'x-frame-options',
      ].map((h) => [h, res.headers.get(h) ?? '']),
    );
    const pagesFile = path.join(dir, 'pages.json');
    fs.writeFileSync(
      pagesFile,
      JSON.stringify({
        ballot: { body: ballotBody, headers },
        thanks: { body: noticePage({ locale: 'zh-CN', path: `/ballot/${sample}`, notice: 'thanks' }), headers },
      }),
    );
    const bare = await startChild('bare-server.ts', [pagesFile]);
    children.push(bare.child);

    // Warm-up: ballot pages from both servers, and ballot modals opened (not submitted) in Slack.
    for (let i = 0; i < WARMUP; i++) {
      const c = store.codes[i]!.code;
      await timedFetch(`${bot.baseUrl}/ballot/${c}?lang=zh`);
      await timedFetch(`${bare.baseUrl}/ballot/${c}?lang=zh`);
      const m = store.members[i]!;
      const r = await driver.blockAction({
        user_id: m.user,
        actions: [{ action_id: 'evaluation_vote', value: String(m.branchId) }],
      });
      await waitForModal(r.triggerId!, 5_000);
    }
    const postsBefore = fake.callsTo('chat.postMessage').length;
    const callsBefore = fake.calls.length;

    const rnd = prng(1212);
    const think = () => THINK_MS[0] + rnd() * (THINK_MS[1] - THINK_MS[0]);
    const grade = () => (rnd() < 0.7 ? 'satisfied' : rnd() < 0.8 ? 'basic' : 'dissatisfied');
    const pressAcks: number[] = [];
    const submitAcks: number[] = [];
    const toModal: number[] = [];
    const problems: string[] = [];
    const botGet: number[] = [];
    const botPost: number[] = [];
    const bareGet: number[] = [];
    const barePost: number[] = [];
    let lastBallotAt = 0;

    const t0 = performance.now();
    const reminded = new Promise<{ at: number; line: string }>((resolve) => {
      createInterface({ input: bot.child.stdout! }).on('line', (line) => {
        if (line.startsWith('REMINDED ')) resolve({ at: performance.now() - t0, line: line.slice(9) });
      });
    });
    bot.child.stdin!.write('remind\n');

    const slackVoter = async (m: { user: string; branchId: number }, startAt: number, wait: number) => {
      await sleep(startAt);
      const a = performance.now();
      const press = await driver.blockAction({
        user_id: m.user,
        actions: [{ action_id: 'evaluation_vote', value: String(m.branchId) }],
      });
      pressAcks.push(performance.now() - a);
      if (press.status !== 200) return void problems.push(`${m.user}: the button answered ${press.status}`);
      const modal = await waitForModal(press.triggerId!, 10_000);
      if (!modal) return void problems.push(`${m.user}: no modal within 10 s`);
      toModal.push(modal.at - a);
      await sleep(wait);
      const b = performance.now();
      const done = await driver.viewSubmission({
        user_id: m.user,
        view: {
          id: modal.view.id,
          callback_id: String(modal.view.view.callback_id),
          private_metadata: String(modal.view.view.private_metadata),
          state: { values: { q_overall: radio(grade()), q_commitments: radio(grade()) } },
        },
      });
      submitAcks.push(performance.now() - b);
      lastBallotAt = Math.max(lastBallotAt, performance.now() - t0);
      if (done.status !== 200 || done.body !== '')
        problems.push(`${m.user}: the submission answered ${done.status} ${done.body.slice(0, 120)}`);
    };
    const representative = async (c: { code: string }, startAt: number, wait: number, bareFirst: boolean) => {
      await sleep(startAt);
      const fields = { lang: 'zh', q_overall: grade(), q_commitments: grade() };
      const pair = async (base: string, get: number[], post: number[], who: string) => {
        const g = await timedFetch(`${base}/ballot/${c.code}?lang=zh`);
        if (g.status !== 0) get.push(g.ms);
        if (g.status !== 200) problems.push(`${who} GET ${g.status} ${g.status === 0 ? g.body : ''}`);
        return fields;
      };
      const order = bareFirst
        ? ([
            [bare.baseUrl, bareGet, barePost, 'bare'],
            [bot.baseUrl, botGet, botPost, 'bot'],
          ] as const)
        : ([
            [bot.baseUrl, botGet, botPost, 'bot'],
            [bare.baseUrl, bareGet, barePost, 'bare'],
          ] as const);
      for (const [base, get, post, who] of order) await pair(base, get, post, who);
      await sleep(wait);
      for (const [base, , post, who] of order) {
        const p = await timedFetch(`${base}/ballot/${c.code}`, form(fields));
        if (p.status !== 0) post.push(p.ms);
        if (p.status !== 200) problems.push(`${who} POST ${p.status} ${p.status === 0 ? p.body : ''}`);
        if (who === 'bot') lastBallotAt = Math.max(lastBallotAt, performance.now() - t0);
      }
    };
    const runs: Promise<void>[] = [];
    store.members.forEach((m) =>
      runs.push(
        slackVoter(m, rnd() * ARRIVALS_MS, think()).catch((err: unknown) => {
          const cause = (err as { cause?: { code?: string } }).cause;
          problems.push(`${m.user}: ${cause?.code ?? String(err)}`);
        }),
      ),
    );
    store.codes.forEach((c, i) => runs.push(representative(c, rnd() * ARRIVALS_MS, think(), i % 2 === 0)));
    await Promise.all(runs);
    const meetingMs = performance.now() - t0;
    const remindedAt = await reminded;
    const posts = fake.callsTo('chat.postMessage').length - postsBefore;
    const slackCalls = fake.calls.length - callsBefore;
    const loadAvg = os.loadavg()[0]!;
    for (const child of children) child.kill();
    children.length = 0;

    // What the store says: every ballot counted once, in Slack and on the page.
    const db = openDatabase(file);
    const counted = await db
      .selectFrom('evaluation_counts')
      .select(['source', (eb) => eb.fn.sum<number>('count').as('n')])
      .where('question', '=', 'overall')
      .groupBy('source')
      .execute();
    const bySource = Object.fromEntries(counted.map((r) => [r.source, Number(r.n)]));
    const usedCodes = await db
      .selectFrom('evaluation_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('used', '=', 1)
      .executeTakeFirstOrThrow();
    await db.destroy();

    const press = stats(pressAcks);
    const submit = stats(submitAcks);
    const all = stats([...pressAcks, ...submitAcks]);
    const modal = stats(toModal);
    const bg = stats(botGet);
    const bp = stats(botPost);
    const xg = stats(bareGet);
    const xp = stats(barePost);
    const botPage = stats([...botGet, ...botPost]);
    const barePage = stats([...bareGet, ...barePost]);
    const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
    const rem = JSON.parse(remindedAt.line) as {
      reminders?: { summary: string[]; ms: number };
      evaluation?: { summary: string[]; ms: number };
      error?: string;
    };
    const over = [...pressAcks, ...submitAcks].filter((t) => t >= ACK_LIMIT_MS).length;
    return [
      "### (a) A members' meeting: 500 ballots in Slack and 500 on the public page within 60 s, while reminders are sent",
      '',
      `Store: ${store.people} people in 1,000 branches, ${store.reports} reports, the round open since 2011-12-12 with ${store.voters} voter pairs and every invitation sent; the clock at ${MEETING_NOW} (3 days before the close: the evaluation reminds everyone who has not voted). At t = 0 the bot runs the day's reminders run (the campaign's reminders job and the evaluation job, at once, as the scheduler does) while ${store.members.length} members (ten in each of 50 branches) and ${store.codes.length} representatives (ten codes in each of those branches) start at random moments of the first ${ARRIVALS_MS / 1000} s and take 1 to 10 s to choose. A member presses the DM's button (\`evaluation_vote\`), the bot opens the ballot modal, the member submits it; a representative GETs \`/ballot/<code>\` and POSTs the form. Each representative's GET and POST go to the bare node:http server too (alternately first), so that both servers answer the same requests under the same load. Fake Slack's rate limits off (its default tier for views.open is 100 a minute; whether Slack would open 500 modals a minute for one app is not measured here); trigger ids expire after 3 s as Slack's do.`,
      '',
      '| Slack | n | p50 | p99 | max | target |',
      '| --- | --- | --- | --- | --- | --- |',
      `| ack of the button (the HTTP answer to Slack) | ${press.n} | ${ms(press.p50)} | ${ms(press.p99)} | ${ms(press.max)} | < 3 s |`,
      `| ack of the ballot's submission (its checks and the counting transaction) | ${submit.n} | ${ms(submit.p50)} | ${ms(submit.p99)} | ${ms(submit.max)} | < 3 s |`,
      `| **every ack** | ${all.n} | ${ms(all.p50)} | **${ms(all.p99)}** | **${ms(all.max)}** | < 3 s: ${over === 0 ? 'met' : `NOT met (${over} over)`} |`,
      `| button to the modal open (views.open answered) | ${modal.n} | ${ms(modal.p50)} | ${ms(modal.p99)} | ${ms(modal.max)} | trigger lives 3 s |`,
      '',
      '| public page | n | p50 | p99 | max |',
      '| --- | --- | --- | --- | --- |',
      `| bot: GET the ballot | ${bg.n} | ${ms(bg.p50)} | ${ms(bg.p99)} | ${ms(bg.max)} |`,
      `| bot: POST the ballot (counted) | ${bp.n} | ${ms(bp.p50)} | ${ms(bp.p99)} | ${ms(bp.max)} |`,
      `| bare node:http: GET | ${xg.n} | ${ms(xg.p50)} | ${ms(xg.p99)} | ${ms(xg.max)} |`,
      `| bare node:http: POST | ${xp.n} | ${ms(xp.p50)} | ${ms(xp.p99)} | ${ms(xp.max)} |`,
      `| **bot ÷ bare**, GET and POST together | – | ${ratio(botPage.p50, barePage.p50)} | **${ratio(botPage.p99, barePage.p99)}** | ${ratio(botPage.max, barePage.max)} |`,
      '',
      `- The ballots took ${(lastBallotAt / 1000).toFixed(1)} s from the first arrival to the last ballot answered (target: within 60 s); the whole run ${(meetingMs / 1000).toFixed(1)} s.`,
      `- The reminders run ${rem.error ? `FAILED: ${rem.error}` : `ended ${(remindedAt.at / 1000).toFixed(1)} s after t = 0 (reminders job ${((rem.reminders?.ms ?? 0) / 1000).toFixed(1)} s, evaluation job ${((rem.evaluation?.ms ?? 0) / 1000).toFixed(1)} s)`}: "${rem.reminders?.summary[0] ?? ''}"; "${rem.evaluation?.summary[0] ?? ''}". ${posts} chat.postMessage calls reached the fake Slack during the run (${slackCalls} Slack calls in all), the thank-you DMs of the ballots included.`,
      `- Counted: ${bySource.slack ?? 0} ballots in Slack and ${bySource.public ?? 0} on the page (of ${store.members.length} and ${store.codes.length}); ${usedCodes.n} codes used. Problems: ${problems.length === 0 ? 'none' : `${problems.length} (${problems.slice(0, 5).join('; ')})`}. Block Kit violations seen by the fake Slack: ${fake.violations.length}. Load average at the end: ${loadAvg.toFixed(1)}.`,
    ];
  } finally {
    for (const child of children) child.kill();
    await fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function radio(value: string) {
  return { value: { type: 'radio_buttons', selected_option: { value } } };
}

async function tally(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacesetter-bench-tally-'));
  const file = path.join(dir, 'bench.db');
  const seeded = await seedTally(file);
  const db = openDatabase(file);
  const round = (await findRound(db, seeded.planId))!;
  const dbWork: number[] = [];
  const ranking: number[] = [];
  let headline = 0;
  let branches = 0;
  for (let i = 0; i <= TALLY_RUNS; i++) {
    const t0 = performance.now();
    const [list, counts] = await Promise.all([listBranches(db), branchCounts(db, round.id)]);
    const t1 = performance.now();
    const results = roundResults(round.settings, list, counts);
    const t2 = performance.now();
    headline = results.reduce((s, r) => s + r.ballots, 0);
    branches = results.length;
    // The first run warms the statement cache and the JIT.
    if (i === 0) continue;
    dbWork.push(t1 - t0);
    ranking.push(t2 - t1);
  }
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const worst = (xs: number[]) => Math.max(...xs);
  const d = median(dbWork);
  return [
    '### (b) Tallying a round of 1,000 branches and 50,000 ballots',
    '',
    `Store: ${branches} branches of a secretary and ${TALLY_MEMBERS + 1} members, five leaders rating every branch (${seeded.voters} voter pairs), ${seeded.codes} ballot codes; the closed round holds ${seeded.ballots} ballots (${headline} counted on the headline question), as counts per branch, source, question and grade. Database work = the branches and every non-zero count with each branch's turnout (\`listBranches\`, \`branchCounts\`: what \`roundResultsOf\` reads); ranking = \`roundResults\` (pure: satisfaction rates, ranks within categories). Median and worst of ${TALLY_RUNS} runs after one warm-up.`,
    '',
    '| step | median | worst | target | median ÷ target |',
    '| --- | --- | --- | --- | --- |',
    `| database work | **${ms(d)}** | ${ms(worst(dbWork))} | < 200 ms | ${(d / 200).toFixed(2)} |`,
    `| ranking (pure) | ${ms(median(ranking))} | ${ms(worst(ranking))} | – | – |`,
  ];
}

async function main() {
  const started = performance.now();
  const a = await meeting();
  const b = await tally();
  console.log(
    [
      "## The year-end evaluation: a members' meeting under a reminders run, and tallying 50,000 ballots",
      '',
      ...a,
      '',
      ...b,
      '',
      `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, Node ${process.version}, shared with other work (load average ${os.loadavg()[0]!.toFixed(1)} at the end). Run time ${((performance.now() - started) / 1000).toFixed(0)} s.`,
    ].join('\n'),
  );
}

await main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
