import cron from 'node-cron';
import { getJobRun, markJobCompleted, markJobFailed, markJobStarted, withJobLock } from '../../db/queries/jobs.js';
import { jobs as registry } from '../../jobs/index.js';
import { cronExpression, latestSlot } from '../../jobs/slots.js';
import type { Job, JobResult } from '../../jobs/types.js';
import type { AppContext } from '../context.js';

export { cronExpression, latestSlot, nextSlot } from '../../jobs/slots.js';

// ---------------------------------------------------------------------------
// Running a job: the one path for the tick, catch-up and `cli jobs run`.

export interface RunJobOptions {
  now: Date;
  dryRun?: boolean;
  late?: boolean;
  /**
   * A scheduled run (a tick, catch-up): it holds the job's lock across replicas and skips a slot
   * that is already recorded as completed, so each slot runs once however many processes tick.
   * A run from the command line is not: rerunning a slot by hand is always allowed (decision 001).
   */
  once?: boolean;
}

export interface RunJobOutcome extends JobResult {
  job: string;
  slot: Date;
}

export type JobRunner = (ctx: AppContext, job: Job, opts: RunJobOptions) => Promise<RunJobOutcome>;

/**
 * A runner through which each job runs one at a time: a tick that comes while catch-up (or a slow
 * drain) is still running waits for it, then runs and finds only what is left to do. Each
 * scheduler has its own; a dry run sends and records nothing, so it waits for nobody.
 */
export function oneAtATime(run: JobRunner = runJob): JobRunner {
  const running = new Map<string, Promise<unknown>>();
  return async (ctx, job, opts) => {
    if (opts.dryRun === true) return run(ctx, job, opts);
    const previous = running.get(job.name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => run(ctx, job, opts));
    running.set(job.name, next);
    try {
      return await next;
    } finally {
      if (running.get(job.name) === next) running.delete(job.name);
    }
  };
}

/** Runs a job for the latest slot at or before `opts.now`, and records it unless a dry run. */
export async function runJob(ctx: AppContext, job: Job, opts: RunJobOptions): Promise<RunJobOutcome> {
  if (opts.once !== true || opts.dryRun === true) return runSlot(ctx, job, opts);
  return withJobLock(ctx.db, job.name, () => runSlot(ctx, job, opts));
}

/** What a scheduled run answers when another replica (or an earlier run here) already completed the slot. */
export const SLOT_ALREADY_RUN = 'slot already run';

async function runSlot(ctx: AppContext, job: Job, opts: RunJobOptions): Promise<RunJobOutcome> {
  const dryRun = opts.dryRun === true;
  const schedule = await job.schedule(ctx);
  const slot = latestSlot(schedule, opts.now);
  const record = await getJobRun(ctx.db, job.name);
  const recorded = record.lastSlot ? new Date(record.lastSlot) : null;
  // Read under the job's lock: whoever held it before has recorded its slot or has let go of it.
  if (opts.once === true && recorded !== null && recorded.getTime() >= slot.getTime())
    return { job: job.name, slot, summary: [SLOT_ALREADY_RUN], completed: true };
  // A preview of a slot at or before the last one run shows that slot as its own run would have
  // been (after the slot before it), not "already ran".
  const lastSlot =
    dryRun && recorded !== null && recorded.getTime() >= slot.getTime()
      ? latestSlot(schedule, new Date(slot.getTime() - 1))
      : recorded;
  if (!dryRun) await markJobStarted(ctx.db, job.name, ctx.clock.now());
  try {
    const result = await job.run(ctx, {
      now: opts.now,
      slot,
      lastSlot,
      late: opts.late === true,
      dryRun,
    });
    if (!dryRun && result.completed) await markJobCompleted(ctx.db, job.name, slot, ctx.clock.now());
    return { job: job.name, slot, ...result };
  } catch (err) {
    if (!dryRun) await markJobFailed(ctx.db, job.name, err instanceof Error ? err.message : String(err));
    throw err;
  }
}

/**
 * The runner of ticks and catch-up: one run of a job at a time in this process, each slot once
 * across processes (`once`).
 */
export function scheduledRunner(): JobRunner {
  return oneAtATime((ctx, job, opts) => runJob(ctx, job, { ...opts, once: true }));
}

/**
 * Runs, once, each job whose latest slot passed while the process was down, if it is within the
 * horizon (CATCH_UP_HOURS). Only the latest slot is run: reminders are recomputed for that day
 * (their window reaches back to the last completed run, so nothing missed is lost and nothing is
 * sent twice), and only the latest missed digest is posted, marked late.
 */
export async function catchUp(
  ctx: AppContext,
  jobs: Job[] = registry,
  run: JobRunner = runJob,
): Promise<RunJobOutcome[]> {
  const now = ctx.clock.now();
  const horizonMs = ctx.config.catchUpHours * 3600_000;
  const outcomes: RunJobOutcome[] = [];
  for (const job of jobs) {
    const slot = latestSlot(await job.schedule(ctx), now);
    const record = await getJobRun(ctx.db, job.name);
    if (record.lastSlot !== null && new Date(record.lastSlot).getTime() >= slot.getTime()) continue;
    if (now.getTime() - slot.getTime() > horizonMs) {
      ctx.logger.warn(
        { job: job.name, slot },
        'catch-up: the missed slot is beyond CATCH_UP_HOURS; waiting for the next one',
      );
      continue;
    }
    try {
      const outcome = await run(ctx, job, { now, late: now.getTime() - slot.getTime() > 60_000 });
      ctx.logger.info({ job: job.name, slot, summary: outcome.summary }, 'catch-up ran');
      outcomes.push(outcome);
    } catch (err) {
      ctx.logger.error({ err, job: job.name }, 'catch-up failed');
    }
  }
  return outcomes;
}

/**
 * Starts one cron task per job (node-cron only produces the ticks), then catches up in the
 * background: a tick that falls during catch-up waits for it instead of being lost.
 *
 * Where Slack is watched (ctx.slack), nothing runs while it does not answer: a run would record
 * its slot as done with nothing sent. A tick then is skipped, and each time Slack answers again
 * (the first time included) catch-up runs what was missed. `caughtUp` is the first catch-up.
 */
export async function startScheduler(
  ctx: AppContext,
  jobs: Job[] = registry,
): Promise<{ stop(): void; caughtUp: Promise<RunJobOutcome[]> }> {
  const run = scheduledRunner();
  const tasks: { stop(): void }[] = [];
  let stopped = false;
  const slackAnswers = () => ctx.slack === undefined || ctx.slack.status().state === 'ok';
  for (const job of jobs) {
    const schedule = await job.schedule(ctx);
    const task = cron.schedule(
      cronExpression(schedule),
      async () => {
        if (!slackAnswers()) {
          ctx.logger.warn(
            { job: job.name, slack: ctx.slack?.status() },
            'job skipped: Slack does not answer; catch-up runs it when Slack answers',
          );
          return;
        }
        try {
          const outcome = await run(ctx, job, { now: ctx.clock.now() });
          ctx.logger.info({ job: job.name, summary: outcome.summary }, 'job ran');
        } catch (err) {
          ctx.logger.error({ err, job: job.name }, 'job failed');
        }
      },
      { timezone: schedule.timezone, name: job.name },
    );
    tasks.push(task);
  }
  ctx.logger.info({ jobs: jobs.map((j) => j.name) }, 'scheduler started');
  let firstCatchUp: (outcomes: RunJobOutcome[]) => void = () => undefined;
  const caughtUp = new Promise<RunJobOutcome[]>((resolve) => (firstCatchUp = resolve));
  const catchUpNow = () => {
    if (stopped) return;
    void catchUp(ctx, jobs, run)
      .catch((err: unknown) => {
        ctx.logger.error({ err }, 'catch-up failed');
        return [];
      })
      .then(firstCatchUp);
  };
  if (slackAnswers()) catchUpNow();
  else ctx.logger.warn({ slack: ctx.slack?.status() }, 'catch-up waits until Slack answers');
  ctx.slack?.onAnswering(catchUpNow);
  return {
    stop: () => {
      stopped = true;
      tasks.forEach((t) => t.stop());
    },
    caughtUp,
  };
}
