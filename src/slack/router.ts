import type {
  AllMiddlewareArgs,
  App,
  Middleware,
  SlackAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewAction,
  SlackViewMiddlewareArgs,
} from '@slack/bolt';
import type { Logger } from '../logger.js';

type Listener<Args> = (args: Args & AllMiddlewareArgs) => Promise<void>;

/**
 * Where the commands register their listeners: the same calls as Bolt's `App` (`command`,
 * `action`, `view`, `event`), each keyed by one exact name. Bolt runs every registered listener's
 * middleware for every request, so thirty listeners cost every request thirty chains; the router
 * gives Bolt one listener per kind and finds the handler by name (docs/decisions/007).
 */
export class Router {
  private readonly commands = new Map<string, Listener<SlackCommandMiddlewareArgs>>();
  private readonly actions = new Map<string, Listener<SlackActionMiddlewareArgs>>();
  private readonly views = new Map<string, Listener<SlackViewMiddlewareArgs>>();
  private readonly events = new Map<string, Listener<SlackEventMiddlewareArgs>>();

  command(name: string, listener: Middleware<SlackCommandMiddlewareArgs>): void {
    add(this.commands, 'command', name, listener);
  }

  action<A extends SlackAction = SlackAction>(
    actionId: string,
    listener: Middleware<SlackActionMiddlewareArgs<A>>,
  ): void {
    add(this.actions, 'action', actionId, listener as unknown as Listener<SlackActionMiddlewareArgs>);
  }

  /** A modal's submission, by callback_id. */
  view<V extends SlackViewAction = SlackViewAction>(
    callbackId: string,
    listener: Middleware<SlackViewMiddlewareArgs<V>>,
  ): void {
    add(this.views, 'view', callbackId, listener as unknown as Listener<SlackViewMiddlewareArgs>);
  }

  event<E extends string>(type: E, listener: Middleware<SlackEventMiddlewareArgs<E>>): void {
    add(this.events, 'event', type, listener as unknown as Listener<SlackEventMiddlewareArgs>);
  }

  /**
   * Gives the app one listener per kind. A name nobody registered (a button of a message from an
   * older version, a forged id) is acknowledged, so Slack shows no error, logged, and does nothing.
   */
  mount(app: App, logger: Logger): void {
    const unknown = (kind: string, name: string) =>
      logger.warn({ kind, name }, 'no listener for this name; acknowledged and ignored');
    if (this.commands.size > 0) {
      app.command(/^\//, async (args) => {
        const listener = this.commands.get(args.command.command);
        if (listener) return listener(args);
        await args.ack();
        unknown('command', args.command.command);
      });
    }
    if (this.actions.size > 0) {
      app.action({ type: 'block_actions' }, async (args) => {
        const actionId = 'action_id' in args.action ? args.action.action_id : '';
        const listener = this.actions.get(actionId);
        if (listener) return listener(args as unknown as SlackActionMiddlewareArgs & AllMiddlewareArgs);
        await args.ack();
        unknown('action', actionId);
      });
    }
    if (this.views.size > 0) {
      app.view({ callback_id: /.*/, type: 'view_submission' }, async (args) => {
        const listener = this.views.get(args.view.callback_id);
        if (listener) return listener(args);
        await args.ack();
        unknown('view', args.view.callback_id);
      });
    }
    for (const [type, listener] of this.events)
      app.event(type, listener as Middleware<SlackEventMiddlewareArgs<string>>);
  }
}

function add<L>(map: Map<string, L>, kind: string, name: string, listener: unknown): void {
  if (map.has(name)) throw new Error(`two listeners for the ${kind} ${name}`);
  map.set(name, listener as L);
}
