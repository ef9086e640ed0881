import type { Command } from 'commander';

export interface PlaygroundCliDeps {
  io: { out: (line: string) => void };
}

/** `playground reset`: the next `npm start` without Slack begins a new playground. */
export function registerPlaygroundCommand(program: Command, deps: PlaygroundCliDeps): void {
  program
    .command('playground')
    .description('the local playground that npm start opens when no Slack is configured')
    .command('reset')
    .description(
      'forget the playground (data/playground.db and data/playground.json); the next npm start begins afresh',
    )
    .action(async () => {
      const { removePlayground } = await import('./seed.js');
      const removed = removePlayground('data');
      deps.io.out(
        removed.length === 0
          ? 'There is no playground to forget here (no data/playground.db).'
          : `Removed ${removed.join(', ')}. The next npm start without Slack begins a new playground: the 2011 plan, the example roster, the clock at 2011-06-20 10:00. A playground still running keeps what it had until it stops: stop it first.`,
      );
    });
}
