import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { DB } from '../../db/index.js';
import type { Clock } from '../clock.js';
import { fixedClock } from '../clock.js';
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

/**
 * `jobs run` and `jobs status`: the same code path as the scheduler's tick. The jobs, the scheduler
 * and what they pull in (the queries, the Slack client, the chart) are imported when one of these
 * runs: the rest of the command line, `--help` first, does without them.
 */
export function registerJobsCommands(program: Command, deps: JobsCliDeps): void {
  const group = program.command('jobs').description('the scheduled jobs: reminders, escalations, digest');
  const run = group
    .command('run')
    .description('run a job now, as the scheduler would (same code path)')
    .argument('<job>', 'the job to run')
    .option('--now <iso>', 'the clock for this run, e.g. 2011-06-20T09:00:00+08:00')
    .option('--dry-run', 'print who would get what; send and record nothing')
    .action(async (name: string, opts: { now?: string; dryRun?: boolean }) => {
      const { jobs, findJob } = await import('../../jobs/index.js');
      const { runJob } = await import('../delivery/scheduler.js');
      const { createLogger } = await import('../logger.js');
      const { createOutbox, slackSender } = await import('../delivery/outbox.js');
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
      const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
      const ctx: AppContext = {
        db: await deps.openDb(),
        config,
        clock: opts.now !== undefined ? fixedClock(now) : deps.io.clock,
        logger,
        ...(dryRun ? {} : { outbox: createOutbox({ sender: slackSender(config.slack, logger), jobs }) }),
      };
      const outcome = await runJob(ctx, job!, { now, dryRun });
      for (const line of outcome.summary) deps.io.out(line);
    });
  group
    .command('status')
    .description('last and next run of each job, and the outbox by state')
    .action(async () => {
      const { jobs } = await import('../../jobs/index.js');
      const { nextSlot } = await import('../delivery/scheduler.js');
      const { listJobRuns } = await import('../../db/queries/jobs.js');
      const { countByState } = await import('../../db/queries/outbox.js');
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
      const c = await countByState(db);
      deps.io.out(
        `outbox: ${c.pending} pending, ${c.sending} sending, ${c.sent} sent, ${c.failed} failed (will retry), ${c.dead} dead (undeliverable)`,
      );
    });
  // `jobs run --help` names the jobs from the registry itself; commander awaits this hook before
  // it parses the subcommand (and prints its help), so the registry loads only for `jobs run`.
  group.hook('preSubcommand', async (_group, sub) => {
    if (sub !== run) return;
    const { jobs } = await import('../../jobs/index.js');
    run.registeredArguments[0]!.description = jobs.map((j) => j.name).join(' | ');
  });
}
