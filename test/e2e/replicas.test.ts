import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DB } from '../../db/index.js';
import { listOutbox } from '../../db/queries/outbox.js';
import { addDays } from '../../src/domain/calendar.js';
import { startFakeSlack, type FakeSlack } from '../../src/playground/fake-slack.js';
import { SlackDriver } from '../../src/playground/signed-request.js';
import { SLOT_ALREADY_RUN } from '../../src/delivery/scheduler.js';
import { loadPlan, loadRoster, ROOT } from '../helpers/db.js';
import { createTestDatabase, onPostgres } from '../helpers/pg.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { lastView } from '../helpers/views.js';
import type { ReplicaAnswer, ReplicaCommand, ReplicaRequest } from '../helpers/replica-process.js';

/**
 * Three bot processes on one PostgreSQL database (docs/decisions/012-postgres-replicas.md),
 * driven over signed HTTP spread across them, ticking every reminder slot of the 2011 plan at
 * once; one of them SIGKILLed while Slack holds the answer to a message it posted, and the
 * database "restarted" once in the middle of a run (a TCP proxy between the replicas and the
 * server cuts every connection and refuses new ones for a while: the server aborts their
 * transactions and frees their locks, as a restart does, while its data stays). The fake Slack's
 * record must then hold every reminder once: no duplicate, none lost.
 *
 * PostgreSQL only: replicas on several machines is what the server database is for; SQLite's
 * processes on one machine are tested in test/db-writers.test.ts and scheduler-faults.
 */
const SECRET = 'replica-signing-secret-0123456789';
const SECRETARY = 'U0SEC00001';

interface Replica {
  name: string;
  child: ChildProcess;
  driver: SlackDriver;
  errors: string[];
  pending: Map<number, (a: ReplicaAnswer) => void>;
  exited: Promise<void>;
}

let fake: FakeSlack;
let proxy: TcpProxy;
let db: DB;
let replicaUrl: string;
let requestId = 0;
const replicas: Replica[] = [];
/** Error lines of the replicas that no cut connection or kill explains. */
const unexplained: string[] = [];
let errorsExpected = false;

async function startReplica(name: string): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/replica-process.ts')], {
    env: {
      ...process.env,
      DATABASE_URL: replicaUrl,
      SLACK_BOT_TOKEN: 'xoxb-replica-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const replica: Replica = {
    name,
    child,
    driver: undefined as unknown as SlackDriver,
    errors: [],
    pending: new Map(),
    exited: new Promise((resolve) => child.once('exit', () => resolve())),
  };
  readline.createInterface({ input: child.stderr! }).on('line', (line) => {
    replica.errors.push(line);
    if (!errorsExpected) unexplained.push(`${name}: ${line}`);
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready`)));
    child.on('message', (answer: ReplicaAnswer) => {
      if (answer.kind === 'ready') resolve(answer.port);
      else replica.pending.get(answer.id)?.(answer);
    });
  });
  replica.driver = new SlackDriver({
    baseUrl: `http://127.0.0.1:${port}`,
    signingSecret: SECRET,
    responseUrlBase: fake.responseUrlBase,
    teamId: fake.teamId,
    botUserId: fake.botUserId,
    botId: fake.botId,
    apiAppId: fake.appId,
  });
  replicas.push(replica);
  return replica;
}

function ask(replica: Replica, request: ReplicaCommand): Promise<ReplicaAnswer> {
  const id = ++requestId;
  return new Promise((resolve, reject) => {
    replica.pending.set(id, resolve);
    // A replica that dies (unless the test killed it) must fail the test, not hang it.
    void replica.exited.then(() =>
      reject(new Error(`${replica.name} exited: ${replica.errors.slice(-3).join(' | ')}`)),
    );
    replica.child.send({ ...request, id } as ReplicaRequest);
  });
}

const alive = () => replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
const tick = (r: Replica, day: string) => ask(r, { kind: 'tick', job: 'reminders', now: `${day}T09:00:00+08:00` });
const outboxPosts = () =>
  fake
    .messages()
    .filter((m) => (m.metadata as { event_type?: string } | undefined)?.event_type === 'pacesetter_outbox');
const until = async (done: () => boolean) => {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
};

/** A report of the secretary's branch: /report opened on one replica, submitted on the next. */
const writes: { day: string; obligation: string; status: number; body: string }[] = [];
async function reportThrough(day: string, opener: Replica, submitter: Replica): Promise<void> {
  const opened = await opener.driver.command({ command: '/report', text: '', user_id: SECRETARY });
  expect(opened.status).toBe(200);
  const view = lastView(fake);
  const options = (view.blocks.find((b) => b.block_id === 'obligation')?.element as { options?: { value: string }[] })
    .options!;
  const obligation = options[writes.length % options.length]!.value;
  const res = await submitter.driver.viewSubmission({
    user_id: SECRETARY,
    view: {
      callback_id: 'report_submit',
      private_metadata: view.private_metadata,
      state: {
        values: {
          obligation: {
            value: {
              type: 'static_select',
              selected_option: { value: obligation },
            },
          },
          held_on: { value: { type: 'datepicker', selected_date: addDays(day, -1) } },
          participants: { value: { type: 'number_input', value: '12' } },
          summary: { value: { type: 'plain_text_input', value: `held before ${day}` } },
          evidence: { value: { type: 'plain_text_input', value: null } },
          files: { value: { type: 'file_input', files: [] } },
        },
      },
    },
  });
  writes.push({ day, obligation, status: res.status, body: res.body });
}

describe.skipIf(!onPostgres())('three replicas on one PostgreSQL', () => {
  beforeAll(async () => {
    fake = await startFakeSlack({ triggerTtlMs: 0 });
    const url = await createTestDatabase();
    db = openDatabase(url);
    await loadPlan(db);
    await loadRoster(db);
    const target = new URL(url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    target.port = String(proxy.port);
    replicaUrl = target.href;
    await Promise.all(['r1', 'r2', 'r3'].map(startReplica));
  });

  afterAll(async () => {
    for (const r of alive()) r.child.kill('SIGTERM');
    await Promise.all(replicas.map((r) => r.exited));
    await db?.destroy();
    await proxy?.close();
    await fake?.close();
  });

  it('when three replicas tick a year of reminders at once, one is killed mid-send and the database restarts, then every reminder is in Slack once and every write is answered', async () => {
    let killed = false;
    let restarted = false;
    let day = '2011-04-08';
    let i = 0;
    for (; day <= '2011-12-31'; day = addDays(day, 1), i++) {
      const before = outboxPosts().length;
      if (!killed && day >= '2011-06-01') {
        // The first replica starts alone, and Slack posts its first message but holds the answer:
        // it is killed then, holding the job's lock and rows claimed, one posted with no ts recorded.
        fake.failNext('chat.postMessage', { answerLost: 'late', timeoutMs: 4000 });
        const [first, ...others] = alive();
        let answered = false;
        void tick(first!, day).then(
          () => (answered = true),
          () => undefined, // the kill below
        );
        await until(() => answered || outboxPosts().length > before);
        if (!answered) {
          errorsExpected = true;
          first!.child.kill('SIGKILL');
          await first!.exited;
          first!.pending.clear();
          killed = true;
          // A rolling replacement, as a process manager would start.
          others.push(await startReplica('r4'));
        }
        await Promise.all(others.map((r) => tick(r, day)));
        errorsExpected = false;
      } else if (killed && !restarted && day >= '2011-09-01') {
        const runs = Promise.all(alive().map((r) => tick(r, day)));
        let ended = false;
        void runs.then(() => (ended = true));
        await until(() => ended || outboxPosts().length > before);
        errorsExpected = true;
        await proxy.restart(1500);
        restarted = true;
        await runs;
        // Every replica is asked again once the server is back (a cron tick would be the next day's).
        await Promise.all(alive().map((r) => tick(r, day)));
        errorsExpected = false;
        await reportThrough(day, alive()[0]!, alive()[1]!);
      } else {
        const answers = await Promise.all(alive().map((r) => tick(r, day)));
        expect(answers.every((a) => a.kind === 'done')).toBe(true);
        const ran = answers.filter((a) => a.kind === 'done' && !a.summary.includes(SLOT_ALREADY_RUN));
        // A slot that sent ran in one process, the others found it done (a day off is not a
        // completed slot, so there each one looks and finds nothing to send).
        if (outboxPosts().length > before) expect(ran).toHaveLength(1);
      }
      if (i % 20 === 5) await reportThrough(day, alive()[i % 3]!, alive()[(i + 1) % 3]!);
    }
    expect(killed).toBe(true);
    expect(restarted).toBe(true);
    // Rows claimed by the killed replica wait out their claim: the next runs take them over.
    await Promise.all(alive().map((r) => ask(r, { kind: 'drain', now: '2012-01-01T09:00:00+08:00' })));

    const rows = (await listOutbox(db)).filter((r) => r.job === 'reminders');
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.filter((r) => r.state !== 'sent').map((r) => `${r.key} ${r.state}`)).toEqual([]);
    const posts = outboxPosts();
    const keys = posts.map((m) => (m.metadata as { event_payload: { key: string } }).event_payload.key);
    // No duplicate: each message key posted once.
    expect(keys.filter((k, n) => keys.indexOf(k) !== n)).toEqual([]);
    // None lost: every row recorded sent is a message the fake Slack holds, in its recipient's DM.
    const posted = new Set(posts.map((m) => m.ts));
    expect(rows.filter((r) => !posted.has(r.messageTs!)).map((r) => r.key)).toEqual([]);
    // And each posted message is one a row records.
    const recorded = new Set((await listOutbox(db)).map((r) => r.messageTs));
    expect(posts.filter((m) => !recorded.has(m.ts)).map((m) => m.metadata)).toEqual([]);
    // Every write was answered, on whichever replica it reached.
    expect(writes.length).toBeGreaterThan(5);
    expect(writes.filter((w) => w.status !== 200 || w.body !== '')).toEqual([]);
    // What was stored came from these writes (a submission the bot refuses, a task not open yet,
    // also closes the modal and says why in a message, so not every answered write stores a report).
    const stored = await db.selectFrom('reports').select('obligation_id').execute();
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.filter((r) => !writes.some((w) => w.obligation === String(r.obligation_id)))).toEqual([]);
    expect(unexplained).toEqual([]);
  }, 900_000);
});
