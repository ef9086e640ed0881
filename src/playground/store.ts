/**
 * What the playground keeps beside its database (data/playground.json): its clock, each person's
 * Slack language, the workspace's messages and files, and the last job runs. The database holds
 * what the bot stores, as it would with a real Slack; this file holds what Slack itself would.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { FakeSlackSnapshot } from './fake-slack.js';

const LocaleSchema = z.enum(['zh-CN', 'en']);

const StateSchema = z.object({
  version: z.literal(1),
  clock: z.iso.datetime({ offset: true }),
  locales: z.record(z.string(), LocaleSchema),
  slack: z.object({
    messages: z.array(z.looseObject({ channel: z.string(), ts: z.string(), edits: z.number() })),
    uploads: z.array(z.looseObject({ fileId: z.string(), filename: z.string(), bytes: z.string(), ts: z.string() })),
    files: z.array(z.looseObject({ fileId: z.string(), filename: z.string(), bytes: z.string(), ts: z.string() })),
  }),
  jobLog: z.array(z.object({ at: z.string(), job: z.string(), lines: z.array(z.string()) })),
});

export type PlaygroundState = Omit<z.infer<typeof StateSchema>, 'slack'> & { slack: FakeSlackSnapshot };

export const JOB_LOG_MAX = 20;

export function emptyState(clock: Date): PlaygroundState {
  return {
    version: 1,
    clock: clock.toISOString(),
    locales: {},
    slack: { messages: [], uploads: [], files: [] },
    jobLog: [],
  };
}

/** The kept state, or null when there is none or it cannot be read (then the playground starts from its database alone). */
export function readState(file: string): { state: PlaygroundState | null; problem: string | null } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: null, problem: null };
    return { state: null, problem: (err as Error).message };
  }
  try {
    const parsed = StateSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return { state: null, problem: parsed.error.issues[0]?.message ?? 'not valid' };
    return { state: parsed.data as unknown as PlaygroundState, problem: null };
  } catch (err) {
    return { state: null, problem: (err as Error).message };
  }
}

/** Writes the state whole (to a new file, then renamed over the old one), so a crash never leaves half of it. */
export function writeState(file: string, state: PlaygroundState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state));
  fs.renameSync(tmp, file);
}

/** Saves at most every `delayMs`, and once more when flushed (on stop). */
export function debouncedSaver(save: () => void, delayMs = 300): { schedule(): void; flush(): void } {
  let timer: NodeJS.Timeout | null = null;
  return {
    schedule: () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        save();
      }, delayMs);
    },
    flush: () => {
      if (timer) clearTimeout(timer);
      timer = null;
      save();
    },
  };
}
