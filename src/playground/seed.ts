import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../clock.js';
import { PACKAGE_ROOT } from '../package-root.js';

export const PLAYGROUND_PLAN = path.join(PACKAGE_ROOT, 'plans', '2011-education.yaml');
export const PLAYGROUND_ROSTER = path.join(PACKAGE_ROOT, 'examples', 'roster.csv');

/** The playground's files in its data folder. */
export function playgroundFiles(dataDir: string) {
  return {
    db: path.join(dataDir, 'playground.db'),
    state: path.join(dataDir, 'playground.json'),
  };
}

/**
 * A new playground database: the shipped plan and the example roster, imported by the admin
 * command line's own code (`plan import`, `roster import`), into a file moved into place only when
 * both succeeded, so that a start interrupted half-way begins again next time.
 */
export async function seedDatabase(dbFile: string, clock: Clock): Promise<string[]> {
  const seeding = `${dbFile}.seeding`;
  for (const f of [seeding, `${seeding}-wal`, `${seeding}-shm`]) fs.rmSync(f, { force: true });
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  const { runCli } = await import('../cli/program.js');
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    out: (l: string) => out.push(l),
    err: (l: string) => err.push(l),
    env: { DATABASE_URL: seeding },
    clock,
  };
  for (const args of [
    ['plan', 'import', PLAYGROUND_PLAN],
    ['roster', 'import', PLAYGROUND_ROSTER],
  ]) {
    const code = await runCli(args, io);
    if (code !== 0) throw new Error(`the playground could not load ${args.slice(0, 2).join(' ')}: ${err.join('\n')}`);
  }
  fs.renameSync(seeding, dbFile);
  return out;
}

/** Forgets the playground: its database and its state file (`npm run cli -- playground reset`). */
export function removePlayground(dataDir: string): string[] {
  const files = playgroundFiles(dataDir);
  const removed: string[] = [];
  for (const f of [files.db, `${files.db}-wal`, `${files.db}-shm`, files.state]) {
    if (fs.existsSync(f)) {
      fs.rmSync(f, { force: true });
      removed.push(f);
    }
  }
  return removed;
}
