import cron from 'node-cron';
import { jobs } from '../jobs/index.js';
import type { AppContext } from './context.js';

/** Starts one cron task per job; node-cron produces ticks, each job decides what to do with them. */
export async function startScheduler(ctx: AppContext): Promise<{ stop(): void }> {
  const tasks: { stop(): void }[] = [];
  for (const job of jobs) {
    const { cron: expression, timezone } = await job.schedule(ctx);
    const task = cron.schedule(
      expression,
      async () => {
        try {
          const result = await job.run(ctx, { now: ctx.clock.now(), dryRun: false });
          ctx.logger.info({ job: job.name, summary: result.summary }, 'job ran');
        } catch (err) {
          ctx.logger.error({ err, job: job.name }, 'job failed');
        }
      },
      { timezone, name: job.name, noOverlap: true },
    );
    tasks.push(task);
  }
  ctx.logger.info({ jobs: jobs.map((j) => j.name) }, 'scheduler started');
  return { stop: () => tasks.forEach((t) => t.stop()) };
}
