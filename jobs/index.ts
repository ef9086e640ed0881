import type { Job } from './types.js';

/** The registry: every job the scheduler runs and `cli jobs run` can preview. */
export const jobs: Job[] = [];

export function findJob(name: string): Job | undefined {
  return jobs.find((j) => j.name === name);
}
