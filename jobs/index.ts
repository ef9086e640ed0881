import { digestJob } from './digest.js';
import { escalationsJob } from './escalations.js';
import { evaluationJob } from './evaluation.js';
import { commitmentsJob } from './commitments.js';
import { projectsJob } from './projects.js';
import { remindersJob } from './reminders.js';
import type { Job } from './types.js';

/** The registry: every job the scheduler runs and `cli jobs run` can preview. */
export const jobs: Job[] = [remindersJob, escalationsJob, digestJob, projectsJob, commitmentsJob, evaluationJob];

export function findJob(name: string): Job | undefined {
  return jobs.find((j) => j.name === name);
}
