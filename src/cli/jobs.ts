import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { DB } from '../../db/index.js';
import type { OutboxRow, RequeueSelector } from '../../db/queries/outbox.js';
import type { Clock } from '../clock.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import type { AppContext } from '../context.js';

export interface JobsCliDeps {
  io: { out: (line: string) => void; env: Record<string, string | undefined>; clock: Clock };
  openDb: () => Promise<DB>;
  /** Throws the command line's user error (printed without a stack, exit code 1). */
  fail: (message: string) => never;
}

const NowSchema = z.iso.datetime({
  offset: true,
  message: 'expected an ISO time with an offset, like 2011-06-20T09:00:00+08:00',
});

function configFor(deps: JobsCliDeps, needsSlack: boolean): Config {
  const env = Object.fromEntries(Object.entries(deps.io.env).filter(([, v]) => v));
  // A preview or a status needs no Slack credentials: placeholders keep the parser happy.
  const filled = needsSlack ? env : { SLACK_BOT_TOKEN: 'xoxb-not-used', SLACK_SIGNING_SECRET: 'not-used', ...env };
  try {
    return loadConfig(filled);
  } catch (err) {
    if (err instanceof ConfigError) deps.fail(err.message);
    throw err;
  }
}

function when(iso: string | Date | null, tz: string): string {
  if (iso === null) return '-';
  const d = typeof iso === 'string' ? DateTime.fromISO(iso) : DateTime.fromJSDate(iso);
  return d.setZone(tz).toFormat('yyyy-MM-dd HH:mm ZZ');
}

/** A context that sends: its outbox over the bot token, its clock the real one. */
async function sendingContext(deps: JobsCliDeps, config: Config): Promise<AppContext> {
  const [{ jobs }, { createOutbox, slackSender }, { createLogger }] = await Promise.all([
    import('../../jobs/index.js'),
    import('../delivery/outbox.js'),
    import('../logger.js'),
  ]);
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  return {
    db: await deps.openDb(),
    config,
    clock: deps.io.clock,
    logger,
    outbox: createOutbox({ sender: slackSender(config.slack, logger), jobs }),
  };
}

function selectorOf(opts: { key?: string[]; error?: string; all?: boolean }): RequeueSelector | null {
  const given = [opts.key !== undefined, opts.error !== undefined, opts.all === true].filter(Boolean).length;
  if (given !== 1) return null;
  if (opts.key !== undefined) return { keys: opts.key };
  if (opts.error !== undefined) return { error: opts.error };
  return { all: true };
}

function rowLine(r: OutboxRow): string {
  return `  ${r.key} (${r.job} to ${r.recipient}): ${r.state}${r.lastError ? `, ${r.lastError}` : ''}`;
}

/**
 * `jobs run`, `jobs status` and `jobs requeue`: the same code path as the scheduler's tick. The
 * jobs, the scheduler and what they pull in (the queries, the Slack client, the chart) are imported
 * when one of these runs: the rest of the command line, `--help` first, does without them.
 */
export function registerJobsCommands(program: Command, deps: JobsCliDeps): void {
  const group = program.command('jobs').description('the scheduled jobs: reminders, escalations, digest');
  const run = group
    .command('run')
    .description('run a job now, as the scheduler would (same code path)')
    .argument('<job>', 'the job to run')
    .option(
      '--now <iso>',
      'run the slot at or before this time, e.g. 2011-06-20T09:00:00+08:00 (what is sent is stamped with the real time)',
    )
    .option('--dry-run', 'print who would get what; send and record nothing')
    .action(async (name: string, opts: { now?: string; dryRun?: boolean }) => {
      const { jobs, findJob } = await import('../../jobs/index.js');
      const { runJob } = await import('../delivery/scheduler.js');
      const { OutboxStopped } = await import('../delivery/outbox.js');
      const { createLogger } = await import('../logger.js');
      const job = findJob(name);
      if (!job) deps.fail(`Unknown job "${name}". Jobs: ${jobs.map((j) => j.name).join(', ')}.`);
      let now = deps.io.clock.now();
      if (opts.now !== undefined) {
        const parsed = NowSchema.safeParse(opts.now);
        if (!parsed.success) deps.fail(`--now: ${parsed.error.issues[0]?.message ?? 'invalid time'}`);
        now = new Date(opts.now);
      }
      const dryRun = opts.dryRun === true;
      const config = configFor(deps, !dryRun);
      // --now only chooses the slot. Claims, sent times and retries keep the real clock: a claim
      // stamped in the past would look abandoned to a running bot, which would send it again.
      const ctx: AppContext = dryRun
        ? { db: await deps.openDb(), config, clock: deps.io.clock, logger: createLogger('warn') }
        : await sendingContext(deps, config);
      try {
        const outcome = await runJob(ctx, job!, { now, dryRun });
        for (const line of outcome.summary) deps.io.out(line);
      } catch (err) {
        if (err instanceof OutboxStopped) deps.fail(err.message);
        throw err;
      }
    });
  group
    .command('status')
    .description('last and next run of each job, and the outbox by state')
    .action(async () => {
      const { jobs } = await import('../../jobs/index.js');
      const { nextSlot } = await import('../delivery/scheduler.js');
      const { listJobRuns } = await import('../../db/queries/jobs.js');
      const { countByState, outboxByJob } = await import('../../db/queries/outbox.js');
      const { createLogger } = await import('../logger.js');
      const config = configFor(deps, false);
      const db = await deps.openDb();
      const ctx: AppContext = { db, config, clock: deps.io.clock, logger: createLogger('silent') };
      const runs = new Map((await listJobRuns(db)).map((r) => [r.job, r]));
      const now = deps.io.clock.now();
      deps.io.out('job          last slot done          last completed at       next run                last error');
      for (const job of jobs) {
        const schedule = await job.schedule(ctx);
        const r = runs.get(job.name);
        const tz = schedule.timezone;
        deps.io.out(
          `${job.name.padEnd(12)} ${when(r?.lastSlot ?? null, tz).padEnd(22)} ${when(r?.lastCompletedAt ?? null, tz).padEnd(23)} ${when(job.nextRun ? await job.nextRun(ctx, now) : nextSlot(schedule, now), tz).padEnd(23)} ${r?.lastError ?? '-'}`,
        );
      }
      const byJob = await outboxByJob(db);
      if (byJob.length > 0) {
        deps.io.out('');
        deps.io.out('outbox by job   pending sending sent    failed  blocked dead    last error (of a row not sent)');
        for (const j of byJob) {
          const n = j.counts;
          const cells = [n.pending, n.sending, n.sent, n.failed, n.blocked, n.dead].map((x) => String(x).padEnd(7));
          deps.io.out(`${j.job.padEnd(15)} ${cells.join(' ')} ${j.lastError ?? '-'}`);
        }
      }
      const c = await countByState(db);
      deps.io.out(
        `outbox: ${c.pending} pending, ${c.sending} sending, ${c.sent} sent, ${c.failed} failed (will retry), ${c.blocked} blocked (waiting for an operator: jobs requeue), ${c.dead} dead (undeliverable)`,
      );
    });
  group
    .command('requeue')
    .description(
      'send again messages that are dead, blocked (waiting for an operator) or failed, once what stopped them is fixed; give exactly one of --key, --error, --all',
    )
    .option('--key <key...>', 'rows by their outbox key (`jobs requeue --all --dry-run` lists them)')
    .option('--error <code>', 'rows whose last error is this Slack error, e.g. not_in_channel')
    .option('--all', 'every dead, blocked and failed row')
    .option('--dry-run', 'list the rows; change and send nothing')
    .action(async (opts: { key?: string[]; error?: string; all?: boolean; dryRun?: boolean }) => {
      const { findRequeueable, requeue } = await import('../../db/queries/outbox.js');
      const { drainOutbox, OutboxStopped } = await import('../delivery/outbox.js');
      const selector = selectorOf(opts);
      if (!selector) deps.fail('jobs requeue: give exactly one of --key KEY…, --error CODE or --all.');
      const dryRun = opts.dryRun === true;
      const config = configFor(deps, !dryRun);
      if (dryRun) {
        const rows = await findRequeueable(await deps.openDb(), selector!);
        deps.io.out(`Dry run: would requeue ${rows.length} row(s); nothing changed or sent.`);
        for (const r of rows) deps.io.out(rowLine(r));
        return;
      }
      const ctx = await sendingContext(deps, config);
      const rows = await requeue(ctx.db, selector!, { actor: 'cli', now: ctx.clock.now() });
      if (rows.length === 0)
        deps.fail('Nothing to requeue: no dead, blocked or failed row matches (jobs status shows the outbox).');
      deps.io.out(`Requeued ${rows.length} row(s):`);
      for (const r of rows) deps.io.out(rowLine(r));
      try {
        const sent = await drainOutbox(ctx);
        deps.io.out(
          `sent ${sent.sent} row(s) in ${sent.messages} message(s) (${sent.recovered} found already posted), ${sent.failed} to retry, ${sent.blocked} blocked, ${sent.dead} undeliverable`,
        );
      } catch (err) {
        if (err instanceof OutboxStopped) deps.fail(err.message);
        throw err;
      }
    });
  // `jobs run --help` names the jobs from the registry itself; commander awaits this hook before
  // it parses the subcommand (and prints its help), so the registry loads only for `jobs run`.
  group.hook('preSubcommand', async (_group, sub) => {
    if (sub !== run) return;
    const { jobs } = await import('../../jobs/index.js');
    run.registeredArguments[0]!.description = jobs.map((j) => j.name).join(' | ');
  });
}
