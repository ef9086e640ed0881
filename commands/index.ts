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

/** Every slash command with its modals and buttons; one module each. */
export function registerCommands(router: Router, ctx: AppContext): void {
  report.register(router, ctx);
  review.register(router, ctx);
  prompts.register(router, ctx);
  paper.register(router, ctx);
  progress.register(router, ctx);
  home.register(router, ctx);
  rankings.register(router, ctx);
  pacesetter.register(router, ctx);
  project.register(router, ctx);
  commend.register(router, ctx);
  evaluation.register(router, ctx);
  commit.register(router, ctx);
  inspect.register(router, ctx);
}
