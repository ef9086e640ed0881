import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import type { DraftNote, PlanDraft } from '../domain/plan-draft/draft.js';
import { decodeText, ENCODING_NAMES, TextEncodingError } from '../files/text.js';

export interface PlanDraftCliDeps {
  io: { out: (line: string) => void; err: (line: string) => void };
  /** Throws the command line's user error (printed without a stack, exit code 1). */
  fail: (message: string) => never;
}

const OptionsSchema = z.object({
  year: z.coerce.number({ message: 'expected --year like 2011' }).int().min(2000).max(2100).optional(),
  out: z.string().min(1, 'expected --out FILE').optional(),
  force: z.boolean().optional(),
});

interface Document {
  text: string;
  /** How the file was read, for the summary: "UTF-8", "GB18030 (GBK)", "Word (.docx)". */
  format: string;
  notes: DraftNote[];
}

/** The start of a paragraph, enough for the office to find it. */
const opening = (s: string) => (s.length <= 14 ? s : `${s.slice(0, 14)}…`);

async function readDocument(file: string, fail: (m: string) => never): Promise<Document> {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return fail(`Cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const { DocxError, looksLikeZip, readDocxText } = await import('../files/docx.js');
  if (looksLikeZip(bytes)) {
    try {
      const docx = await readDocxText(bytes, file);
      const lines = docx.text.split('\n');
      return {
        text: docx.text,
        format: 'Word (.docx)',
        notes: docx.autoNumbered.map((line) => ({
          line,
          phrase: opening(lines[line - 1] ?? ''),
          note: 'Word numbers this paragraph itself, so its number is not in the text: type the number, or save as .txt',
        })),
      };
    } catch (err) {
      if (err instanceof DocxError) return fail(err.message);
      throw err;
    }
  }
  try {
    const decoded = decodeText(bytes, file);
    return { text: decoded.text, format: ENCODING_NAMES[decoded.encoding], notes: [] };
  } catch (err) {
    if (err instanceof TextEncodingError)
      return fail(`${err.message}\n(plan draft reads text files and Word .docx; save a .doc or .pdf as one of them)`);
    throw err;
  }
}

function noteLines(notes: DraftNote[]): string[] {
  return notes.map((n) => `  ${n.line === null ? '' : `line ${n.line}: `}${n.phrase}${n.phrase ? ' — ' : ''}${n.note}`);
}

/** What the office reads after a draft: what was found, what was guessed, what to check. */
export function draftSummary(draft: PlanDraft, source: string, extra: DraftNote[]): string[] {
  const obligations = draft.activities.flatMap((a) => a.obligations);
  const papers = obligations.filter((o) => o.kind === 'paper').length;
  const fromText = obligations.filter((o) => o.due.fromText).length;
  const notUnderstood = [...extra, ...draft.notUnderstood].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return [
    `Drafted plan ${draft.year} "${draft.title}" (${draft.starts} to ${draft.ends}) from ${source}.`,
    `activities found: ${draft.activities.length}`,
    `obligations drafted: ${obligations.length} (${obligations.length - papers} report, ${papers} paper)`,
    `due dates: ${fromText} from the text, ${obligations.length - fromText} not in the text (set to ${draft.ends}, marked TODO)`,
    `dates outside the activities, not drafted: ${draft.outside.length}`,
    ...noteLines(draft.outside),
    `phrases not understood: ${notUnderstood.length}`,
    ...noteLines(notUnderstood),
    `to check: ${draft.checks.length}`,
    ...noteLines(draft.checks),
  ];
}

/** `plan draft DOCUMENT [--year YEAR] [--out FILE] [--force]`: a plan file drafted from the committee's document. */
export function registerPlanDraftCommand(plan: Command, deps: PlanDraftCliDeps): void {
  plan
    .command('draft')
    .description("draft a plan file from the committee's work arrangement (text in UTF-8 or GB18030, or .docx)")
    .argument('<document>', 'the work arrangement (工作安排), e.g. 2011-work-arrangement.txt')
    .option('--year <year>', "the plan's year (default: the year in the document's title)")
    .option('--out <file>', 'write the plan file here (default: print it, and the summary to stderr)')
    .option('--force', 'overwrite the --out file if it exists')
    .action(async (file: string, raw: Record<string, unknown>) => {
      const parsed = OptionsSchema.safeParse(raw);
      if (!parsed.success) return deps.fail(parsed.error.issues.map((i) => i.message).join('\n'));
      const opts = parsed.data;
      if (opts.out && !opts.force && fs.existsSync(opts.out))
        return deps.fail(`${opts.out} exists; give --force to overwrite it.`);

      // The drafter, the YAML writer and the .docx reader load when the command runs, not for --help.
      const [{ createWorkCalendar }, { parsePlan }, { draftPlan }, { renderDraftYaml }] = await Promise.all([
        import('../domain/calendar.js'),
        import('../domain/plan.js'),
        import('../domain/plan-draft/draft.js'),
        import('../domain/plan-draft/yaml.js'),
      ]);
      const doc = await readDocument(file, deps.fail);
      const drafted = draftPlan(doc.text, { year: opts.year, calendar: createWorkCalendar() });
      if (!drafted.ok) {
        const hint = doc.notes.length > 0 ? [`  ${doc.notes.length} paragraphs use Word's automatic numbering`] : [];
        return deps.fail(
          `Cannot draft a plan from ${file}:\n${[...drafted.problems.map((p) => `  ${p}`), ...hint].join('\n')}`,
        );
      }
      const yaml = renderDraftYaml(drafted.value, { source: path.basename(file) });
      // The draft is built to import; if it does not, that is this command's bug, said as such.
      const check = parsePlan(yaml);
      if (!check.ok)
        return deps.fail(`The draft is not a valid plan (a bug in plan draft):\n${check.problems.join('\n')}`);

      const summary = draftSummary(drafted.value, `${file} (${doc.format})`, doc.notes);
      if (!opts.out) {
        deps.io.out(yaml.trimEnd());
        for (const line of summary) deps.io.err(line);
        return;
      }
      try {
        fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
        fs.writeFileSync(opts.out, yaml);
      } catch (err) {
        return deps.fail(`Cannot write ${opts.out}: ${(err as Error).message}`);
      }
      for (const line of summary) deps.io.out(line);
      deps.io.out(`Wrote ${opts.out}. Check every TODO in it, then: npm run cli -- plan import ${opts.out} --dry-run`);
    });
}
