import type { AppContext } from '../src/context.js';

export interface JobRunOptions {
  /** The slot being run: the tick's time, or `--now` from the command line. */
  now: Date;
  /** Print who would get what; send and record nothing. */
  dryRun: boolean;
}

export interface JobResult {
  /** Lines for the command line and the log. */
  summary: string[];
}

export interface Job {
  name: string;
  /** A cron expression and its timezone; node-cron only produces the ticks. */
  schedule(ctx: AppContext): Promise<{ cron: string; timezone: string }>;
  run(ctx: AppContext, opts: JobRunOptions): Promise<JobResult>;
}
