import fs from 'node:fs';
import { Command, CommanderError, Help } from 'commander';
import { z } from 'zod';
import type { DB } from '../../db/index.js';
import type { RosterChanges } from '../../db/queries/roster.js';
import { registerEvaluationCommands } from './evaluation.js';
import { registerExportCommand } from './export.js';
import { registerJobsCommands } from './jobs.js';
import { registerPlanDraftCommand } from './plan-draft.js';
import { registerPlaygroundCommand } from '../playground/cli.js';
import type { Clock } from '../clock.js';
// `--help` must answer at once: what an action needs (the database, the parsers and what they pull
// in) is imported when that action runs, not when the command tree is built.
import { decodeText, ENCODING_NAMES, TextEncodingError, type DecodedText } from '../files/text.js';
import { parseRoster, REMOVAL_SHARE_LIMIT, type RemovalRefusal, type RosterRemovals } from '../domain/roster.js';

/** The command line only needs the database; Slack settings are read by the commands that send. */
const CliEnvSchema = z.object({ DATABASE_URL: z.string().min(1).default('data/pacesetter.db') });

export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
  clock: Clock;
}

class UserError extends Error {}

/** A plan or roster file's text, from its bytes: Excel on Chinese Windows saves GB18030, not UTF-8. */
function readText(file: string): DecodedText & { encodingName: string } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new UserError(
      `Cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
  try {
    const decoded = decodeText(bytes, file);
    return { ...decoded, encodingName: ENCODING_NAMES[decoded.encoding] };
  } catch (err) {
    if (err instanceof TextEncodingError) throw new UserError(`${err.message}. Nothing was imported.`);
    throw err;
  }
}

function list(label: string, codes: string[]): string {
  return codes.length === 0 ? '' : `  ${label}: ${codes.join(', ')}`;
}

/** Who a roster import removes, by code and name. */
function removalLines(removals: RosterRemovals): string[] {
  return [
    list(
      'branches removed',
      removals.branches.map((b) => `${b.code} ${b.name}`),
    ),
    list(
      'people removed',
      removals.people.map((p) => `${p.slackUserId} ${p.name}`),
    ),
  ].filter((line) => line !== '');
}

/** Why an import is refused; the way past it last, when there is one. */
function refusalText(refusals: RemovalRefusal[], removals: RosterRemovals | null): string {
  const lines = [...refusals.map((r) => `  ${r.message}`), ...(removals ? removalLines(removals) : [])];
  if (refusals.every((r) => r.overridable))
    lines.push('If these removals are meant, import the file again with --allow-removals.');
  return lines.join('\n');
}

const defaultHelp = new Help();

/** A database URL as shown: without its password. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return url;
  }
}

export function buildCli(io: CliIO): Command {
  let db: DB | null = null;
  const openDb = async () => {
    if (db) return db;
    const env = CliEnvSchema.parse(Object.fromEntries(Object.entries(io.env).filter(([, v]) => v)));
    const [{ openDatabase }, { migrateToLatest }] = await Promise.all([
      import('../../db/index.js'),
      import('../../db/migrate.js'),
    ]);
    db = openDatabase(env.DATABASE_URL);
    await migrateToLatest(db);
    return db;
  };

  const program = new Command('pacesetter')
    .description('Pacesetter admin command line: load the plan and the roster, run jobs, export.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    // Commander shows a required option like any other; the subcommands inherit this.
    .configureHelp({
      optionDescription: (option) =>
        option.mandatory
          ? `${defaultHelp.optionDescription(option)} (required)`
          : defaultHelp.optionDescription(option),
    })
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
      const env = CliEnvSchema.parse(Object.fromEntries(Object.entries(io.env).filter(([, v]) => v)));
      const [{ openDatabase }, { migrateToLatest }] = await Promise.all([
        import('../../db/index.js'),
        import('../../db/migrate.js'),
      ]);
      db = openDatabase(env.DATABASE_URL);
      const applied = await migrateToLatest(db);
      io.out(applied.length === 0 ? 'The database is up to date.' : `Applied: ${applied.join(', ')}`);
    });

  dbCmd
    .command('copy')
    .description('copy this database (DATABASE_URL) into an empty PostgreSQL database, every table, in one transaction')
    .requiredOption('--to <url>', 'the target, e.g. postgres://pacesetter@db.example/pacesetter')
    .action(async (opts: { to: string }) => {
      const [{ openDatabase, isPostgresUrl }, { migrateToLatest }, { copyDatabase, CopyRefused }] = await Promise.all([
        import('../../db/index.js'),
        import('../../db/migrate.js'),
        import('../../db/copy.js'),
      ]);
      if (!isPostgresUrl(opts.to))
        throw new UserError(`--to must be a PostgreSQL URL like postgres://user@host/database, got "${opts.to}".`);
      const target = openDatabase(opts.to);
      try {
        const source = await openDb();
        try {
          await migrateToLatest(target);
        } catch (err) {
          throw new UserError(`Cannot prepare ${redactUrl(opts.to)}: ${(err as Error).message}. Nothing was copied.`);
        }
        const copied = await copyDatabase(source, target).catch((err: unknown) => {
          if (err instanceof CopyRefused) throw new UserError(err.message);
          throw err;
        });
        const width = Math.max(...copied.map((c) => c.table.length));
        for (const c of copied)
          io.out(`${c.table.padEnd(width)}  ${String(c.rows).padStart(7)} rows  sha256 ${c.checksum.slice(0, 16)}`);
        const total = copied.reduce((n, c) => n + c.rows, 0);
        io.out(
          `Copied ${copied.length} tables, ${total} rows, to ${redactUrl(opts.to)}; every table read back with the same count and checksum. Set DATABASE_URL to it to run there.`,
        );
      } finally {
        await target.destroy();
      }
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
      const source = readText(file);
      const parsed = parsePlan(source.text);
      if (!parsed.ok)
        throw new UserError(
          `${file} (read as ${source.encodingName}) is not a valid plan; nothing was imported:\n${parsed.problems.map((p) => `  ${p}`).join('\n')}`,
        );
      const result = await importPlan(await openDb(), parsed.value, {
        actor: 'cli',
        now: io.clock.now(),
        dryRun: opts.dryRun,
      });
      io.out(
        `${opts.dryRun ? 'Dry run: would import' : 'Imported'} plan ${result.year} (${result.created ? 'new' : 'updated'}).`,
      );
      io.out(`${file} was read as ${source.encodingName}.`);
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
      const { findPlanByYear, findPlanToday, listActivities, listObligations } =
        await import('../../db/queries/plans.js');
      const d = await openDb();
      const year = yearText === undefined ? undefined : z.coerce.number().int().min(2000).max(2100).safeParse(yearText);
      if (year && !year.success) throw new UserError(`Expected a year like 2011, got "${yearText}".`);
      const now = io.clock.now();
      const p = year?.success ? await findPlanByYear(d, year.data) : (await findPlanToday(d, now))?.plan;
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
                : o.appliesTo.kind === 'branch'
                  ? `branch ${o.appliesTo.branchId}`
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
    .option('--dry-run', 'validate and show what would change, and whether the import would be refused; write nothing')
    .option(
      '--allow-removals',
      `let the import remove more than ${REMOVAL_SHARE_LIMIT * 100} % of the people or of the branches, or a leader or an admin (never the last admin)`,
    )
    .action(async (file: string, opts: { dryRun?: boolean; allowRemovals?: boolean }) => {
      const { importRoster, RosterRemovalRefused } = await import('../../db/queries/roster.js');
      const source = readText(file);
      const parsed = parseRoster(source.text);
      if (!parsed.ok)
        throw new UserError(
          `${file} (read as ${source.encodingName}) is not a valid roster; nothing was imported:\n${parsed.problems.map((p) => `  ${p}`).join('\n')}`,
        );
      let c: RosterChanges;
      try {
        c = await importRoster(await openDb(), parsed.value, {
          actor: 'cli',
          now: io.clock.now(),
          dryRun: opts.dryRun,
          allowRemovals: opts.allowRemovals,
        });
      } catch (err) {
        if (!(err instanceof RosterRemovalRefused)) throw err;
        throw new UserError(
          [
            `${file} was not imported; nothing changed. It would remove too much from the roster:`,
            refusalText(err.refusals, err.removals),
          ].join('\n'),
        );
      }
      io.out(
        `${opts.dryRun ? 'Dry run: would import' : 'Imported'} ${parsed.value.branches.length} branches and ${parsed.value.people.length} people.`,
      );
      io.out(`${file} was read as ${source.encodingName}.`);
      io.out(
        `branches: ${c.branches.added.length} added, ${c.branches.updated.length} updated, ${c.branches.removed.length} removed from roster`,
      );
      io.out(
        `people: ${c.people.added.length} added, ${c.people.updated.length} updated, ${c.people.removed.length} removed from roster`,
      );
      for (const line of [
        list('branches added', c.branches.added),
        list('branches updated', c.branches.updated),
        list('people added', c.people.added),
        list('people updated', c.people.updated),
      ])
        if (line) io.out(line);
      for (const line of removalLines(c.removals)) io.out(line);
      if (c.refusals.length > 0)
        throw new UserError(
          `The import itself would be refused, as it removes too much:\n${refusalText(c.refusals, null)}`,
        );
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

  registerEvaluationCommands(program, {
    io,
    openDb,
    fail: (message) => {
      throw new UserError(message);
    },
  });

  registerPlaygroundCommand(program, { io });

  registerPlanDraftCommand(plan, {
    io,
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
