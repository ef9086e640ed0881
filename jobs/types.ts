import type { AppContext } from '../src/context.js';
import type { MessageKind } from '../src/delivery/outbox.js';

/** When a job's slots fall: every day at a local time, or one weekday a week. */
export interface JobSchedule {
  timezone: string;
  /** Local wall-clock time, 'HH:MM'. */
  time: string;
  /** ISO weekday 1 = Monday … 7 = Sunday for a weekly job; absent for a daily one. */
  weekday?: number;
}

export interface JobRunOptions {
  /** The clock: the tick's time, or `--now` from the command line. */
  now: Date;
  /** The scheduled instant being run: the latest slot at or before `now`. */
  slot: Date;
  /** The latest slot whose run completed, from job_runs; null when none did. */
  lastSlot: Date | null;
  /** Run by catch-up after the slot had passed (the digest says it is late). */
  late: boolean;
  /** Print who would get what; send and record nothing. */
  dryRun: boolean;
}

export interface JobResult {
  /** Lines for the command line and the log. */
  summary: string[];
  /**
   * Whether the slot counts as done. A reminder run on a day off is not: the next working day's
   * run then covers every stage since the last real one.
   */
  completed: boolean;
}

export interface Job {
  name: string;
  schedule(ctx: AppContext): Promise<JobSchedule>;
  /** When the job next does its work, if not at every tick (the digest ticks daily, posts weekly). */
  nextRun?(ctx: AppContext, now: Date): Promise<Date>;
  run(ctx: AppContext, opts: JobRunOptions): Promise<JobResult>;
  /** The grouped kinds of message it queues: the outbox renders their rows with these at send time. */
  messages?: readonly MessageKind[];
}
