import { registerCommands } from '../../commands/index.js';
import type { AppContext } from '../../src/context.js';
import type { Router } from '../../src/slack/router.js';

export interface Listeners {
  commands: string[];
  actions: string[];
  views: string[];
  events: string[];
}

/**
 * Every listener the app registers (commands, action ids, view callback ids, events), found by
 * registering the app's commands on a recorder, so that a new one is covered without a list to keep.
 */
export function discoverListeners(ctx: AppContext): Listeners {
  const found: Listeners = { commands: [], actions: [], views: [], events: [] };
  const name = (c: unknown, key: string): string | null =>
    typeof c === 'string'
      ? c
      : typeof c === 'object' && c !== null && typeof (c as Record<string, unknown>)[key] === 'string'
        ? ((c as Record<string, unknown>)[key] as string)
        : null;
  const recorder: Router = new Proxy({} as Router, {
    get: (_target, prop) => (first: unknown) => {
      const bucket =
        prop === 'command'
          ? found.commands
          : prop === 'action'
            ? found.actions
            : prop === 'view'
              ? found.views
              : prop === 'event'
                ? found.events
                : null;
      const id = name(first, prop === 'view' ? 'callback_id' : 'action_id');
      if (bucket && id) bucket.push(id);
      return recorder;
    },
  });
  registerCommands(recorder, ctx);
  return found;
}
