import type { Clock } from '../clock.js';

/** The playground's clock: set to a moment of the plan year, it runs on from there at the real pace. */
export interface PlaygroundClock extends Clock {
  set(at: Date): void;
  /** Milliseconds since the epoch, for the fake Slack and the request driver. */
  ms(): number;
}

/** A working day inside the 2011 plan: a Monday, the morning's reminders and the week's digest due. */
export const PLAYGROUND_START = '2011-06-20T10:00:00+08:00';

export function runningClock(start: Date, realNow: () => number = Date.now): PlaygroundClock {
  let base = start.getTime();
  let realAtBase = realNow();
  const ms = () => base + (realNow() - realAtBase);
  return {
    now: () => new Date(ms()),
    ms,
    set: (at) => {
      base = at.getTime();
      realAtBase = realNow();
    },
  };
}
