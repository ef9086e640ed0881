import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import type { DB } from '../../db/index.js';
import type { Clock } from '../clock.js';
import type { Locale } from '../i18n/index.js';

export interface EvaluationCliDeps {
  io: {
    out: (line: string) => void;
    err: (line: string) => void;
    env: Record<string, string | undefined>;
    clock: Clock;
  };
  openDb: () => Promise<DB>;
  /** Throws the command line's user error (printed without a stack, exit code 1). */
  fail: (message: string) => never;
}

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date like 2011-12-12');
const Common = z.object({
  year: z.coerce.number({ message: 'expected a year like 2011' }).int().min(2000).max(2100).optional(),
  lang: z.enum(['zh', 'en'], { message: 'expected --lang zh or --lang en' }).optional(),
});

/** --lang, else LANG (zh_CN.UTF-8 reads Chinese, any other set LANG English), else DEFAULT_LOCALE, else Chinese. */
function cliLocale(lang: 'zh' | 'en' | undefined, env: Record<string, string | undefined>): Locale {
  if (lang) return lang === 'zh' ? 'zh-CN' : 'en';
  const fromEnv = env.LANG && env.LANG !== 'C' && env.LANG !== 'POSIX' ? env.LANG : undefined;
  if (fromEnv) return fromEnv.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
  return env.DEFAULT_LOCALE === 'en' ? 'en' : 'zh-CN';
}

/**
 * `evaluation open|codes|tally|close|status`: the office's side of the year-end evaluation
 * (docs/evaluation.md). Every text through the catalogue, in --lang or LANG's language.
 */
export function registerEvaluationCommands(program: Command, deps: EvaluationCliDeps): void {
  const evaluation = program
    .command('evaluation')
    .description('the year-end evaluation (评议): open, ballot codes, hand tallies, close');

  /** The plan (the one in force, or --year's), the locale, the text function, the database. */
  const context = async (raw: Record<string, unknown>) => {
    const parsed = Common.safeParse(raw);
    if (!parsed.success) return deps.fail(parsed.error.issues.map((i) => i.message).join('\n'));
    const [{ findPlanToday, findPlanByYear }, { t }] = await Promise.all([
      import('../../db/queries/plans.js'),
      import('../i18n/index.js'),
    ]);
    const db = await deps.openDb();
    const now = deps.io.clock.now();
    const plan =
      parsed.data.year === undefined
        ? (await findPlanToday(db, now))?.plan
        : await findPlanByYear(db, parsed.data.year);
    if (!plan)
      return deps.fail(
        parsed.data.year === undefined ? 'No plan has been imported yet.' : `No plan for ${parsed.data.year}.`,
      );
    const locale = cliLocale(parsed.data.lang, deps.io.env);
    return {
      db,
      now,
      plan,
      locale,
      say: (key: Parameters<typeof t>[1], params?: Parameters<typeof t>[2]) => t(locale, key, params),
    };
  };

  const roundOf = async (c: Awaited<ReturnType<typeof context>>) => {
    const { findRound } = await import('../../db/queries/evaluation.js');
    const round = await findRound(c.db, c.plan.id);
    if (!round) return deps.fail(c.say('evaluation.cli.no_round', { year: c.plan.year }));
    if (round.closedAt)
      return deps.fail(
        c.say('evaluation.cli.closed_already', { year: c.plan.year, closed: round.closedAt.slice(0, 10) }),
      );
    return round;
  };

  evaluation
    .command('open')
    .description(
      "open the plan's evaluation: its electorate from the roster as it stands, the plan's questions and grades",
    )
    .option('--opens <date>', "first day of ballots (default: the plan's evaluation.opens)")
    .option('--closes <date>', "last day of ballots (default: the plan's evaluation.closes)")
    .option('--year <year>', 'the plan year (default: the plan in force)')
    .option('--lang <lang>', 'zh or en (default: from LANG)')
    .action(async (raw: Record<string, unknown>) => {
      const c = await context(raw);
      const dates = z.object({ opens: date.optional(), closes: date.optional() }).safeParse(raw);
      if (!dates.success) return deps.fail(dates.error.issues.map((i) => i.message).join('\n'));
      const { openRound } = await import('../../db/queries/evaluation.js');
      const { EvaluationSchema } = await import('../domain/evaluation.js');
      const section = c.plan.settings.evaluation;
      const opens = dates.data.opens ?? section?.opens;
      const closes = dates.data.closes ?? section?.closes;
      if (!opens || !closes) return deps.fail(c.say('evaluation.cli.no_dates', { year: c.plan.year }));
      const rules = EvaluationSchema.safeParse({ ...(section ?? {}), opens, closes });
      if (!rules.success)
        return deps.fail(rules.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
      const result = await openRound(c.db, { planId: c.plan.id, rules: rules.data, actor: 'cli', now: c.now });
      const r = result.round;
      deps.io.out(
        result.opened
          ? c.say('evaluation.cli.opened', {
              year: c.plan.year,
              opens: r.opens,
              closes: r.closes,
              voters: result.voters,
              branches: result.branches,
              weight: r.settings.weight,
            })
          : c.say('evaluation.cli.already', { year: c.plan.year, opens: r.opens, closes: r.closes }),
      );
    });

  evaluation
    .command('codes')
    .description("one-time ballot codes for a branch's mass representatives: a print-ready page of slips with QR codes")
    .requiredOption('--branch <code>', 'the branch code, e.g. YQ-ZX1')
    .requiredOption('--count <n>', 'how many codes (1 to 1000)')
    .requiredOption('--out <file>', 'the slips page to write, e.g. slips.html')
    .option('--year <year>', 'the plan year (default: the plan in force)')
    .option('--lang <lang>', 'zh or en (default: from LANG)')
    .action(async (raw: Record<string, unknown>) => {
      const c = await context(raw);
      const count = z.coerce.number().int().min(1).max(1000).safeParse(raw.count);
      if (!count.success) return deps.fail(c.say('evaluation.cli.count'));
      const publicUrl = z.url().safeParse(deps.io.env.PUBLIC_URL ?? '');
      if (!publicUrl.success || !/^https?:\/\//.test(publicUrl.data))
        return deps.fail(c.say('evaluation.cli.no_public_url'));
      const round = await roundOf(c);
      const code = String(raw.branch ?? '').toUpperCase();
      const branch = await c.db
        .selectFrom('branches')
        .select(['id', 'name'])
        .where('code', '=', code)
        .where('active', '=', 1)
        .executeTakeFirst();
      if (!branch) return deps.fail(c.say('evaluation.cli.no_branch', { code }));
      const [{ createCodes }, { encodeCode }, { codeHash }, { slipsPage }, QRCode] = await Promise.all([
        import('../../db/queries/evaluation.js'),
        import('../domain/evaluation.js'),
        import('../public/ballot.js'),
        import('../ui/ballot-page.js'),
        import('qrcode'),
      ]);
      const base = new URL(publicUrl.data).href.replace(/\/+$/, '');
      const codes = Array.from({ length: count.data }, () => encodeCode(randomBytes(16)));
      const slips = await Promise.all(
        codes.map(async (ballotCode) => {
          const url = `${base}/ballot/${ballotCode}`;
          return {
            code: ballotCode,
            url,
            qrSvg: await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }),
          };
        }),
      );
      // The page is written before the hashes are stored: codes that reach the database are on paper.
      const out = String(raw.out);
      fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
      fs.writeFileSync(out, slipsPage({ branchName: branch.name, year: c.plan.year, closes: round.closes, slips }));
      await createCodes(c.db, {
        roundId: round.id,
        branchId: branch.id,
        hashes: codes.map(codeHash),
        batch: randomUUID(),
        actor: 'cli',
        now: c.now,
      });
      deps.io.out(c.say('evaluation.cli.codes', { count: codes.length, branch: branch.name, file: out }));
    });

  evaluation
    .command('tally')
    .description(
      'hand-counted tallies from the meetings (CSV: branch,grade,count[,question]); each line replaces its earlier tally',
    )
    .requiredOption('--file <file>', 'the tallies, e.g. tallies.csv (UTF-8 or GB18030)')
    .option('--year <year>', 'the plan year (default: the plan in force)')
    .option('--lang <lang>', 'zh or en (default: from LANG)')
    .action(async (raw: Record<string, unknown>) => {
      const c = await context(raw);
      const round = await roundOf(c);
      const [{ recordTallies }, { parseTallies }, { decodeText }] = await Promise.all([
        import('../../db/queries/evaluation.js'),
        import('../domain/evaluation.js'),
        import('../files/text.js'),
      ]);
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(String(raw.file));
      } catch (err) {
        return deps.fail(`Cannot read ${String(raw.file)}: ${(err as Error).message}`);
      }
      const branches = await c.db.selectFrom('branches').select(['id', 'code']).where('active', '=', 1).execute();
      const parsed = parseTallies(
        decodeText(bytes, String(raw.file)).text,
        round.settings,
        new Map(branches.map((b) => [b.code.toUpperCase(), b.id])),
      );
      if (!parsed.ok) {
        for (const p of parsed.problems)
          deps.io.err(c.say('evaluation.cli.tally_problem', { line: p.line, problem: c.say(p.key, p.params) }));
        return deps.fail(c.say('evaluation.cli.tally_none'));
      }
      await recordTallies(c.db, { roundId: round.id, lines: parsed.lines, actor: 'cli', now: c.now });
      deps.io.out(
        c.say('evaluation.cli.tally', {
          branches: new Set(parsed.lines.map((l) => l.branchId)).size,
          rows: parsed.lines.length,
        }),
      );
    });

  evaluation
    .command('close')
    .description(
      'close the evaluation: no more ballots; the results are shown in /rankings evaluation, the Home tab and the export',
    )
    .option('--year <year>', 'the plan year (default: the plan in force)')
    .option('--lang <lang>', 'zh or en (default: from LANG)')
    .action(async (raw: Record<string, unknown>) => {
      const c = await context(raw);
      const round = await roundOf(c);
      const { closeRound, roundResultsOf, findRoundById } = await import('../../db/queries/evaluation.js');
      await closeRound(c.db, { roundId: round.id, actor: 'cli', now: c.now });
      const results = (await roundResultsOf(c.db, (await findRoundById(c.db, round.id))!)) ?? [];
      deps.io.out(
        c.say('evaluation.cli.closed', {
          ballots: results.reduce((s, r) => s + r.ballots, 0),
          rated: results.filter((r) => r.ballots > 0).length,
          branches: results.length,
        }),
      );
    });

  evaluation
    .command('status')
    .description('dates, state and turnout (never the results before the close)')
    .option('--year <year>', 'the plan year (default: the plan in force)')
    .option('--lang <lang>', 'zh or en (default: from LANG)')
    .action(async (raw: Record<string, unknown>) => {
      const c = await context(raw);
      const { findRound, turnoutByBranch } = await import('../../db/queries/evaluation.js');
      const { roundState } = await import('../domain/evaluation.js');
      const { localDateOf } = await import('../domain/time.js');
      const round = await findRound(c.db, c.plan.id);
      if (!round) return deps.fail(c.say('evaluation.cli.no_round', { year: c.plan.year }));
      const turnout = [...(await turnoutByBranch(c.db, round.id)).values()];
      const state = roundState(round, localDateOf(c.now, c.plan.timezone));
      deps.io.out(
        c.say('evaluation.cli.status', {
          year: c.plan.year,
          opens: round.opens,
          closes: round.closes,
          state: c.say(`evaluation.state.${state}`),
          voted: turnout.reduce((s, x) => s + x.voted, 0),
          eligible: turnout.reduce((s, x) => s + x.eligible, 0),
        }),
      );
    });
}
