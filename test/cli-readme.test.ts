import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildCli, runCli } from '../src/cli/program.js';
import { fixedClock } from '../src/clock.js';
import { ROOT } from './helpers/db.js';

const io = (out: string[]) => ({
  out: (l: string) => out.push(l),
  err: (l: string) => out.push(l),
  env: {},
  clock: fixedClock('2011-06-20T10:00:00+08:00'),
});

/** Every command that does something (no subcommands), by its path: `jobs requeue`. */
function leaves(command: Command, prefix: string[] = []): { path: string; command: Command }[] {
  return command.commands.flatMap((c) => {
    const here = [...prefix, c.name()];
    return c.commands.length === 0 ? [{ path: here.join(' '), command: c }] : leaves(c, here);
  });
}

/** The first cell of each row of the README's table of the admin command line. */
function readmeCommands(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The admin command line'), readme.indexOf('## Using the bot'));
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.slice(2, l.indexOf('` |') + 1));
}

/** Whether `flag` stands inside `[…]` in `row`. */
function bracketed(row: string, flag: string): boolean {
  const before = row.slice(0, row.indexOf(flag));
  return before.split('[').length > before.split(']').length;
}

describe("the README's table of the command line", () => {
  const commands = leaves(buildCli(io([])));

  it('when the command line has a command, then the README lists it with every option, the required ones outside brackets', () => {
    const rows = readmeCommands();
    expect(commands.map((c) => c.path)).toContain('jobs requeue');
    for (const { path: name, command } of commands) {
      const row = rows.find((r) => r.startsWith(`\`${name}`));
      expect(row, `README row for ${name}`).toBeDefined();
      for (const option of command.options) {
        const flag = option.long!;
        expect(row, `${name} ${flag}`).toContain(flag);
        // A required option is not written as optional ([--out FILE]).
        if (option.mandatory) expect(bracketed(row!, flag), `${name} ${flag} is required`).toBe(false);
      }
    }
    expect(rows.length).toBe(commands.length);
  });

  it('when --help is asked of a command with required options or arguments, then it marks them', async () => {
    const out: string[] = [];
    expect(await runCli(['export', '--help'], io(out))).toBe(0);
    expect(out.join('\n')).toMatch(
      /--format <format>[\s\S]*\(required\)[\s\S]*--out <file>\s+where to write \(required\)/,
    );
    out.length = 0;
    expect(await runCli(['jobs', 'run', '--help'], io(out))).toBe(0);
    expect(out.join('\n')).toContain('Usage: pacesetter jobs run [options] <job>');
    out.length = 0;
    expect(await runCli(['jobs', 'requeue', '--help'], io(out))).toBe(0);
    expect(out.join('\n')).toContain('give exactly one of --key, --error, --all');
  });
});
