import type { App } from '@slack/bolt';
import type { AppContext } from '../src/context.js';
import * as report from './report.js';

/** Every slash command with its modals and buttons; one module each. */
export function registerCommands(app: App, ctx: AppContext): void {
  report.register(app, ctx);
}
