import fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import type { DB } from '../../db/index.js';
import { registerExportCommand } from './export.js';
import { registerJobsCommands } from './jobs.js';
import type { Clock } from '../clock.js';

// `--help` must answer at once: what an action needs (the database, the parsers and what they pull
// in) is imported when that action runs, not when the command tree is built.

/** The command line only needs the database; Slack settings are read by the commands that send. */
const CliEnvSchema = z.object({ DATABASE_URL: z.string().min(1).default('data/pacesetter.db') });

export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
  clock: Clock;
}

class UserError extends Error {}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(
      `Cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
}

function list(label: string, codes: string[]): string {
  return codes.length === 0 ? '' : `  ${label}: ${codes.join(', ')}`;
}

export function buildCli(io: CliIO): Command {
  let db: DB | null = null;
  const openDb = async () => {
    if (db) return db;
    const { openDatabase } = await import('../../db/index.js');
    const { migrateToLatest } = await import('../../db/migrate.js');
    const env = CliEnvSchema.parse(Object.fromEntries(Object.entries(io.env).filter(([, v]) => v)));
    db = openDatabase(env.DATABASE_URL);
    await migrateToLatest(db);
    return db;
  };

  const program = new Command('pacesetter')
    .description('Pacesetter admin command line: load the plan and the roster, run jobs, export.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError();
  program.hook('postAction', async () => {
    await db?.destroy();
    db = null;
  });

  const dbCmd = program.command('db').description('the database');
  dbCmd
    .command('migrate')
    .description('apply pending migrations (also done on start)')
    .action(async () => {
      const { openDatabase } = await import('../../db/index.js');
      const { migrateToLatest } = await import('../../db/migrate.js');
      const env = CliEnvSchema.parse(Object.fromEntries(Object.entries(io.env).filter(([, v]) => v)));
      db = openDatabase(env.DATABASE_URL);
      const applied = await migrateToLatest(db);
      io.out(applied.length === 0 ? 'The database is up to date.' : `Applied: ${applied.join(', ')}`);
    });

  const plan = program.command('plan').description("the year's plan (YAML)");
  plan
    .command('import')
    .description('validate and load a plan file; re-importing updates by code')
    .argument('<file>', 'plan file, e.g. plans/2011-education.yaml')
    .option('--dry-run', 'validate and show what would change; write nothing')
    .action(async (file: string, opts: { dryRun?: boolean }) => {
      const { parsePlan } = await import('../domain/plan.js');
      const { importPlan } = await import('../../db/queries/plans.js');
      const parsed = parsePlan(readFile(file));
      if (!parsed.ok)
        throw new UserError(
          `${file} is not a valid plan; nothing was imported:\n${parsed.problems.map((p) => `  ${p}`).join('\n')}`,
        );
      const result = await importPlan(await openDb(), parsed.value, {
        actor: 'cli',
        now: io.clock.now(),
        dryRun: opts.dryRun,
      });
      io.out(
        `${opts.dryRun ? 'Dry run: would import' : 'Imported'} plan ${result.year} (${result.created ? 'new' : 'updated'}).`,
      );
      for (const [what, c] of [
        ['activities', result.activities],
        ['obligations', result.obligations],
      ] as const) {
        io.out(
          `${what}: ${c.added.length} added, ${c.updated.length} updated, ${c.retired.length} retired, ${c.unchanged} unchanged`,
        );
        for (const line of [list('added', c.added), list('updated', c.updated), list('retired', c.retired)])
          if (line) io.out(line);
      }
    });
  plan
    .command('show')
    .description('print a plan (default: the active one)')
    .argument('[year]', 'the plan year')
    .action(async (yearText: string | undefined) => {
      const { findActivePlan, findPlanByYear, listActivities, listObligations } =
        await import('../../db/queries/plans.js');
      const { localDateOf } = await import('../domain/time.js');
      const d = await openDb();
      const year = yearText === undefined ? undefined : z.coerce.number().int().min(2000).max(2100).safeParse(yearText);
      if (year && !year.success) throw new UserError(`Expected a year like 2011, got "${yearText}".`);
      const now = io.clock.now();
      const p = year?.success
        ? await findPlanByYear(d, year.data)
        : await findActivePlan(d, localDateOf(now, 'Asia/Shanghai'));
      if (!p) throw new UserError(year?.success ? `No plan for ${year.data}.` : 'No plan has been imported yet.');
      io.out(`${p.year} ${p.title.zh} / ${p.title.en}`);
      io.out(
        `period ${p.starts} to ${p.ends}, timezone ${p.timezone}; reminders at ${p.settings.reminders.time}, ${p.settings.reminders.days_before.join('/')} days before`,
      );
      const obligations = await listObligations(d, p.id);
      for (const a of await listActivities(d, p.id)) {
        io.out(`\n${a.code} ${a.title_zh} / ${a.title_en}`);
        for (const o of obligations.filter((ob) => ob.activityCode === a.code)) {
          const scope =
            o.appliesTo.kind === 'all'
              ? 'all branches'
              : o.appliesTo.kind === 'categories'
                ? o.appliesTo.categories.join(',')
                : `ranks ${o.appliesTo.ranks.join(',')}`;
          io.out(
            `  ${o.code.padEnd(16)} due ${o.due}  w${o.weight}  ${o.kind.padEnd(6)} ${scope}\n    ${o.title.zh} / ${o.title.en}`,
          );
        }
      }
    });

  const roster = program.command('roster').description('branches, secretaries, cadres and leaders (CSV)');
  roster
    .command('import')
    .description('validate and load a roster; people and branches not in the file are marked removed')
    .argument('<file>', 'roster CSV, e.g. examples/roster.csv')
    .option('--dry-run', 'validate and show what would change; write nothing')
    .action(async (file: string, opts: { dryRun?: boolean }) => {
      const { parseRoster } = await import('../domain/roster.js');
      const { importRoster } = await import('../../db/queries/roster.js');
      const parsed = parseRoster(readFile(file));
      if (!parsed.ok)
        throw new UserError(
          `${file} is not a valid roster; nothing was imported:\n${parsed.problems.map((p) => `  ${p}`).join('\n')}`,
        );
      const c = await importRoster(await openDb(), parsed.value, {
        actor: 'cli',
        now: io.clock.now(),
        dryRun: opts.dryRun,
      });
      io.out(
        `${opts.dryRun ? 'Dry run: would import' : 'Imported'} ${parsed.value.branches.length} branches and ${parsed.value.people.length} people.`,
      );
      io.out(
        `branches: ${c.branches.added.length} added, ${c.branches.updated.length} updated, ${c.branches.removed.length} removed from roster`,
      );
      io.out(
        `people: ${c.people.added.length} added, ${c.people.updated.length} updated, ${c.people.removed.length} removed from roster`,
      );
      for (const line of [
        list('branches added', c.branches.added),
        list('branches updated', c.branches.updated),
        list('branches removed', c.branches.removed),
        list('people added', c.people.added),
        list('people updated', c.people.updated),
        list('people removed', c.people.removed),
      ])
        if (line) io.out(line);
    });

  registerExportCommand(program, {
    io,
    openDb,
    fail: (message) => {
      throw new UserError(message);
    },
  });

  registerJobsCommands(program, {
    io,
    openDb,
    fail: (message) => {
      throw new UserError(message);
    },
  });

  return program;
}

/** Runs the CLI; returns the exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const program = buildCli(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof UserError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
}
