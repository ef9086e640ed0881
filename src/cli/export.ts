import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import type { DB } from '../../db/index.js';
import type { Clock } from '../clock.js';
import { pick, type Locale } from '../i18n/index.js';

export interface ExportCliDeps {
  io: { out: (line: string) => void; clock: Clock };
  openDb: () => Promise<DB>;
  /** Throws the command line's user error (printed without a stack, exit code 1). */
  fail: (message: string) => never;
}

const OptionsSchema = z.object({
  format: z.enum(['xlsx', 'csv'], { message: 'expected --format xlsx or --format csv' }),
  out: z.string().min(1, 'expected --out FILE'),
  year: z.coerce.number({ message: 'expected a year like 2011' }).int().min(2000).max(2100).optional(),
  lang: z.enum(['zh', 'en'], { message: 'expected --lang zh or --lang en' }),
});

/** `export --format xlsx|csv --out FILE [--year YEAR] [--lang zh|en]`: the year-end workbook, as /pacesetter export sends it. */
export function registerExportCommand(program: Command, deps: ExportCliDeps): void {
  program
    .command('export')
    .description('the year-end assessment workbook (XLSX), or its tables as CSV files')
    .requiredOption(
      '--format <format>',
      'xlsx, or csv (one file a table: FILE holds the branches, FILE-<table>.csv the others)',
    )
    .requiredOption('--out <file>', 'where to write')
    .option('--year <year>', 'the plan year (default: the active plan)')
    .option('--lang <lang>', 'headers in zh or en', 'zh')
    .action(async (raw: Record<string, unknown>) => {
      const parsed = OptionsSchema.safeParse(raw);
      if (!parsed.success) return deps.fail(parsed.error.issues.map((i) => i.message).join('\n'));
      const opts = parsed.data;
      // Loaded here, not with the command tree: the workbook code and its queries are for exports only.
      const { findPlanToday, findPlanByYear } = await import('../../db/queries/plans.js');
      const { loadExportData } = await import('../../db/queries/export.js');
      const { exportTables, toCsv, toXlsx } = await import('../files/workbook.js');
      const db = await deps.openDb();
      const now = deps.io.clock.now();
      const plan = opts.year === undefined ? (await findPlanToday(db, now))?.plan : await findPlanByYear(db, opts.year);
      if (!plan)
        return deps.fail(opts.year === undefined ? 'No plan has been imported yet.' : `No plan for ${opts.year}.`);
      const locale: Locale = opts.lang === 'zh' ? 'zh-CN' : 'en';
      const data = await loadExportData(db, plan, now);
      const tables = exportTables(data, locale);
      const written: string[] = [];
      try {
        fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
        if (opts.format === 'xlsx') {
          fs.writeFileSync(opts.out, await toXlsx(tables, { title: pick(plan.title, locale), created: now }));
          written.push(opts.out);
        } else {
          const base = opts.out.replace(/\.csv$/i, '');
          for (const table of tables) {
            const file = table.key === 'branches' ? opts.out : `${base}-${table.key}.csv`;
            fs.writeFileSync(file, toCsv(table));
            written.push(file);
          }
        }
      } catch (err) {
        return deps.fail(`Cannot write ${opts.out}: ${(err as Error).message}`);
      }
      deps.io.out(
        `Exported plan ${plan.year} as of ${data.today}: ${data.branches.length} branches, ${data.reports.length} reports, ${data.papers.length} papers.`,
      );
      for (const file of written) deps.io.out(`  ${file}`);
    });
}
