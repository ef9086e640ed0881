/**
 * The shape the project's design asks for (docs/architecture.md): commands/ holds listeners only, one
 * module per command with its buttons and modals; what several of them share lives under src/
 * (src/flows/, src/slack/). No command module imports another (commands/index.ts registers them),
 * and nothing but the app's composition root imports a command module.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/db.js';

/** The module specifiers a TypeScript file imports or re-exports, statically or dynamically. */
function specifiersOf(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  const bare = /^\s*import\s*['"]([^'"]+)['"]/gm;
  for (const re of [...patterns, bare]) for (const m of source.matchAll(re)) found.push(m[1]!);
  return found;
}

/** The repository-relative files a file imports (relative specifiers only; packages are not ours). */
function importsOf(file: string): string[] {
  const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return specifiersOf(source)
    .filter((s) => s.startsWith('.'))
    .map((s) =>
      path
        .relative(ROOT, path.resolve(ROOT, path.dirname(file), s))
        .split(path.sep)
        .join('/')
        .replace(/\.js$/, '.ts'),
    );
}

function tsFiles(dir: string): string[] {
  return (fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `${dir}/${f.split(path.sep).join('/')}`);
}

describe('the layout', () => {
  it('when an import is written in any of its forms, then the check finds it (so the checks below can fail)', () => {
    const source = [
      "import { a } from './report.js';",
      "import type { B } from '../commands/review.js';",
      "export { c } from './paper.js';",
      "import * as d from './home.js';",
      'import {\n  e,\n  f,\n} from "./progress.js";',
      "const g = await import('./rankings.js');",
      "import './prompts.js';",
      "import { z } from 'zod';",
    ].join('\n');
    expect(specifiersOf(source).sort()).toEqual(
      [
        './report.js',
        '../commands/review.js',
        './paper.js',
        './home.js',
        './progress.js',
        './rankings.js',
        './prompts.js',
        'zod',
      ].sort(),
    );
  });

  it('when a command module is read, then it imports no other command module (only commands/index.ts registers them)', () => {
    const commands = tsFiles('commands');
    expect(commands.length).toBeGreaterThan(5);
    const crossings = commands
      .filter((f) => f !== 'commands/index.ts')
      .flatMap((f) =>
        importsOf(f)
          .filter((target) => target.startsWith('commands/'))
          .map((target) => `${f} → ${target}`),
      );
    expect(crossings).toEqual([]);
  });

  it('when code outside commands/ is read, then only the composition root imports the command modules', () => {
    const outside = ['src', 'jobs', 'db'].flatMap(tsFiles);
    const importers = outside.filter((f) => importsOf(f).some((target) => target.startsWith('commands/')));
    expect(importers).toEqual(['src/app.ts']);
  });
});

describe('the repository', () => {
  // The project's working notes live outside the repository: a reader of a clone cannot follow a
  // reference to them, so what a file needs from them is written here, in docs/.
  const outside = /\b(?:DOMAIN|CONVENTIONS|DEVELOPERS)\.md\b|\.\.\/shared\b/;

  it('when a file would cite a note outside the repository, then the check finds it', () => {
    expect(outside.test('see CONVENTIONS.md')).toBe(true);
    expect(outside.test('(../shared/seed)')).toBe(true);
    expect(outside.test('see docs/architecture.md')).toBe(false);
  });

  it('when any tracked file is read, then it cites no document outside the repository', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f !== '' && !/\.(png|ttf|xlsx|docx|db)$/.test(f) && f !== 'test/architecture.test.ts')
      .filter((f) => fs.existsSync(path.join(ROOT, f)));
    const citing = files.filter((f) => outside.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(citing).toEqual([]);
  });
});
