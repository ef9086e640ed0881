import type { App } from '@slack/bolt';
import type { AppContext } from '../src/context.js';
import * as report from './report.js';
import * as review from './review.js';
import * as prompts from './prompts.js';
import * as paper from './paper.js';
import * as progress from './progress.js';
import * as home from './home.js';
import * as rankings from './rankings.js';
import * as pacesetter from './pacesetter.js';

/** Every slash command with its modals and buttons; one module each. */
export function registerCommands(app: App, ctx: AppContext): void {
  report.register(app, ctx);
  review.register(app, ctx);
  prompts.register(app, ctx);
  paper.register(app, ctx);
  progress.register(app, ctx);
  home.register(app, ctx);
  rankings.register(app, ctx);
  pacesetter.register(app, ctx);
}
