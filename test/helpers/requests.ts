/**
 * Slack requests in a line each, for tests that send many of them (the permission matrix): a
 * button pressed, a modal submitted, a slash command. Each returns the driver's answer unchecked,
 * so that the test says what it expects of it.
 */
import type { BlockActionInput, DriverResponse } from '../../src/playground/signed-request.js';
import type { TestBot } from './bot.js';

/** Slack's `view.state.values`: block id → action id → the element's value. */
export type StateValues = Record<string, Record<string, unknown>>;

/** `user` presses the button `actionId` carrying `value`: from a message, or from the view `from` names. */
export function press(
  bot: TestBot,
  user: string,
  actionId: string,
  value: string,
  from: Pick<BlockActionInput, 'view'> = {},
): Promise<DriverResponse> {
  return bot.driver.blockAction({ user_id: user, actions: [{ action_id: actionId, value }], ...from });
}

/**
 * `user` submits the modal `callbackId` with its private metadata and `values`. Metadata given as
 * a string is sent as it is (a view's own, or garbage); an object is sent as its JSON.
 */
export function submit(
  bot: TestBot,
  user: string,
  callbackId: string,
  metadata: string | Record<string, unknown>,
  values: StateValues,
  viewId?: string,
): Promise<DriverResponse> {
  return bot.driver.viewSubmission({
    user_id: user,
    view: {
      // The driver gives a view without an id a fresh one; an `id: undefined` would erase it.
      ...(viewId === undefined ? {} : { id: viewId }),
      callback_id: callbackId,
      private_metadata: typeof metadata === 'string' ? metadata : JSON.stringify(metadata),
      state: { values },
    },
  });
}

/** `user` sends the slash command `command` with `text`. */
export function slash(bot: TestBot, user: string, command: string, text = ''): Promise<DriverResponse> {
  return bot.driver.command({ command, text, user_id: user });
}
