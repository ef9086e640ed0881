import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../src/domain/plan.js';
import { tempDir, ROOT } from './helpers/db.js';
import { runCliLines } from './helpers/cli.js';
import { buildDocx } from './helpers/docx.js';

const SEED = path.join(ROOT, 'plans/2011-education-cxzy-plan.zh.txt');
const SEED_GB18030 = path.join(ROOT, 'test/fixtures/2011-education-cxzy-plan.gb18030.txt');

let dir: string;
let out: string[];
let err: string[];

async function cli(...argv: string[]): Promise<number> {
  const env = { DATABASE_URL: path.join(dir, 'db', 'pacesetter.db') };
  const run = await runCliLines(argv, env, '2011-04-10T09:00:00+08:00');
  ({ out, err } = run);
  return run.code;
}

/** The plan file without its first comment line, which names the document it was drafted from. */
const body = (file: string) => fs.readFileSync(file, 'utf8').split('\n').slice(1).join('\n');

beforeEach(() => {
  dir = tempDir();
});

describe('npm run cli -- plan draft', () => {
  it('when the seed document is drafted, then the summary says what was found and the plan imports with --dry-run', async () => {
    const plan = path.join(dir, 'drafts', 'plan.yaml');
    expect(await cli('plan', 'draft', SEED, '--out', plan)).toBe(0);
    expect(out).toEqual([
      `Drafted plan 2011 "教育系统2011年创先争优活动工作安排" (2011-04-08 to 2011-12-31) from ${SEED} (UTF-8).`,
      'activities found: 12',
      'obligations drafted: 13 (11 report, 2 paper)',
      'due dates: 4 from the text, 9 not in the text (set to 2011-12-31, marked TODO)',
      'dates outside the activities, not drafted: 3',
      '  line 62: 2011年底 — 2011-12-31 (年底 is Dec 31)',
      '  line 64: 年终 — 2011-12-31 (年终 is Dec 31)',
      '  line 64: 年终 — 2011-12-31 (年终 is Dec 31)',
      'phrases not understood: 0',
      'to check: 0',
      `Wrote ${plan}. Check every TODO in it, then: npm run cli -- plan import ${plan} --dry-run`,
    ]);
    expect(err).toEqual([]);

    expect(await cli('plan', 'import', plan, '--dry-run')).toBe(0);
    expect(out).toEqual([
      'Dry run: would import plan 2011 (new).',
      `${plan} was read as UTF-8.`,
      'activities: 12 added, 0 updated, 0 retired, 0 unchanged',
      '  added: A01, A02, A03, A04, A05, A06, A07, A08, A09, A10, A11, A12',
      'obligations: 13 added, 0 updated, 0 retired, 0 unchanged',
      '  added: A01-1, A02-1, A03-1, A04-1, A05-1, A06-1, A07-1, A08-1, A09-1, A09-2, A10-1, A11-1, A12-1',
    ]);
  });

  it('when no --out is given, then the plan goes to stdout and the summary to stderr, so it can be redirected', async () => {
    expect(await cli('plan', 'draft', SEED)).toBe(0);
    const parsed = parsePlan(out.join('\n'));
    expect(parsed.ok && parsed.value.activities.length).toBe(12);
    expect(err[1]).toBe('activities found: 12');
  });

  it('when --out exists, then it is kept unless --force is given', async () => {
    const plan = path.join(dir, 'plan.yaml');
    fs.writeFileSync(plan, '# edited by the office\n');
    expect(await cli('plan', 'draft', SEED, '--out', plan)).toBe(1);
    expect(err).toEqual([`${plan} exists; give --force to overwrite it.`]);
    expect(fs.readFileSync(plan, 'utf8')).toBe('# edited by the office\n');
    expect(await cli('plan', 'draft', SEED, '--out', plan, '--force')).toBe(0);
    expect(parsePlan(fs.readFileSync(plan, 'utf8')).ok).toBe(true);
  });

  it('when the document is saved in GB18030, then the same plan is drafted and the summary names the encoding', async () => {
    const [a, b] = [path.join(dir, 'a.yaml'), path.join(dir, 'b.yaml')];
    expect(await cli('plan', 'draft', SEED, '--out', a)).toBe(0);
    expect(await cli('plan', 'draft', SEED_GB18030, '--out', b)).toBe(0);
    expect(out[0]).toMatch(/from .*2011-education-cxzy-plan\.gb18030\.txt \(GB18030 \(GBK\)\)\.$/);
    expect(body(b)).toBe(body(a));
  });

  it('when the document is a .docx, then its paragraphs are read as lines and the same plan is drafted', async () => {
    const docx = path.join(dir, 'arrangement.docx');
    fs.writeFileSync(docx, buildDocx(fs.readFileSync(SEED, 'utf8').split('\n')));
    const [a, b] = [path.join(dir, 'a.yaml'), path.join(dir, 'b.yaml')];
    expect(await cli('plan', 'draft', SEED, '--out', a)).toBe(0);
    expect(await cli('plan', 'draft', docx, '--out', b)).toBe(0);
    expect(out[0]).toMatch(/from .*arrangement\.docx \(Word \(\.docx\)\)\.$/);
    expect(body(b)).toBe(body(a));
  });

  it("when a .docx paragraph uses Word's own numbering, then the summary names its line, as its number is not in the text", async () => {
    const docx = path.join(dir, 'numbered.docx');
    fs.writeFileSync(
      docx,
      buildDocx([
        '教育系统2011年创先争优活动工作安排',
        '1.积极开展庆祝活动。“七一”前夕召开大会。',
        { text: '深入开展机关效能查改提高活动。教委机关开展自查自纠。', autoNumbered: true },
        '二〇一一年四月八日',
      ]),
    );
    expect(await cli('plan', 'draft', docx, '--out', path.join(dir, 'plan.yaml'))).toBe(0);
    expect(out).toContain('phrases not understood: 1');
    expect(out).toContain(
      '  line 3: 深入开展机关效能查改提高活动… — Word numbers this paragraph itself, so its number is not in the text: type the number, or save as .txt',
    );

    fs.writeFileSync(docx, buildDocx(['2011年工作安排', { text: '开展活动。各支部开展活动。', autoNumbered: true }]));
    expect(await cli('plan', 'draft', docx)).toBe(1);
    expect(err.join('\n')).toMatch(/found no numbered activities[\s\S]*1 paragraphs use Word's automatic numbering/);
  });

  it('when the file is not a text or Word document, then it is refused with what to do', async () => {
    const binary = path.join(dir, 'scan.pdf');
    fs.writeFileSync(binary, Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01, 0x02, 0xff, 0xfe, 0x80]));
    expect(await cli('plan', 'draft', binary)).toBe(1);
    expect(err.join('\n')).toMatch(/scan\.pdf is neither UTF-8 nor GB18030[\s\S]*reads text files and Word \.docx/);

    const zip = path.join(dir, 'book.docx');
    fs.writeFileSync(zip, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(40)]));
    expect(await cli('plan', 'draft', zip)).toBe(1);
    expect(err.join('\n')).toMatch(/book\.docx is not a Word document \(\.docx\) that can be read/);
  });

  it('when the file is missing, the year is not a year or nothing is numbered, then it says so and writes nothing', async () => {
    const plan = path.join(dir, 'plan.yaml');
    expect(await cli('plan', 'draft', path.join(dir, 'nope.txt'), '--out', plan)).toBe(1);
    expect(err.join('\n')).toMatch(/Cannot read .*nope\.txt: no such file/);
    expect(await cli('plan', 'draft', SEED, '--year', 'next', '--out', plan)).toBe(1);
    expect(err.join('\n')).toMatch(/expected --year like 2011/);
    const prose = path.join(dir, 'prose.txt');
    fs.writeFileSync(prose, '2011年工作安排\n按照部署，开展活动。\n');
    expect(await cli('plan', 'draft', prose, '--out', plan)).toBe(1);
    expect(err.join('\n')).toMatch(/^Cannot draft a plan from .*prose\.txt:\n {2}found no numbered activities/);
    expect(fs.existsSync(plan)).toBe(false);
  });

  it('when --year is given, then the plan is for that year', async () => {
    const plan = path.join(dir, 'plan.yaml');
    expect(await cli('plan', 'draft', SEED, '--year', '2012', '--out', plan)).toBe(0);
    expect(out).toContain('  line 1: 2011 — the title names 2011, not 2012');
    const parsed = parsePlan(fs.readFileSync(plan, 'utf8'));
    expect(parsed.ok && [parsed.value.year, parsed.value.starts]).toEqual([2012, '2012-01-01']);
  });
});
