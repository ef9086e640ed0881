import type { AppContext } from '../src/context.js';
import type { Router } from '../src/slack/router.js';
import * as report from './report.js';
import * as review from './review.js';
import * as prompts from './prompts.js';
import * as paper from './paper.js';
import * as progress from './progress.js';
import * as home from './home.js';
import * as rankings from './rankings.js';
import * as pacesetter from './pacesetter.js';
import * as project from './project.js';
import * as commend from './commend.js';
import * as evaluation from './evaluation.js';
import * as commit from './commit.js';
import * as inspect from './inspect.js';

/** Every slash command with its modals and buttons; one module each, registered in this order. */
const COMMANDS: readonly { register(router: Router, ctx: AppContext): void }[] = [
  report,
  review,
  prompts,
  paper,
  progress,
  home,
  rankings,
  pacesetter,
  project,
  commend,
  evaluation,
  commit,
  inspect,
];

export function registerCommands(router: Router, ctx: AppContext): void {
  for (const command of COMMANDS) command.register(router, ctx);
}
