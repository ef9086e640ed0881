import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type DB } from '../db/index.js';
import { submitReport } from '../db/queries/reports.js';
import { EXAMPLE_ROSTER, PLAN_2011, tempDir } from './helpers/db.js';
import { runCliLines } from './helpers/cli.js';
import { encodeGbk } from './helpers/gbk.js';

let dir: string;
let dbFile: string;
let out: string[];
let err: string[];

async function cli(...argv: string[]): Promise<number> {
  const run = await runCliLines(argv, { DATABASE_URL: dbFile }, '2011-04-10T09:00:00+08:00');
  ({ out, err } = run);
  return run.code;
}

/** Every row of every table, to show a refused import left the database exactly as it was. */
async function snapshot(): Promise<string> {
  const db = openDatabase(dbFile);
  try {
    const tables = [
      'plans',
      'activities',
      'obligations',
      'branches',
      'people',
      'branch_secretaries',
      'reports',
      'audit_log',
    ] as const;
    const rows: Record<string, unknown[]> = {};
    for (const t of tables) rows[t] = await db.selectFrom(t).selectAll().execute();
    return JSON.stringify(rows);
  } finally {
    await db.destroy();
  }
}

/** A copy of a file in other bytes, as another program saved it. */
function saveAs(file: string, name: string, bytes: (text: string) => Buffer): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, bytes(fs.readFileSync(file, 'utf8')));
  return target;
}

async function peopleNames(): Promise<string[]> {
  const db = openDatabase(dbFile);
  try {
    return (await db.selectFrom('people').select('name').orderBy('slack_user_id').execute()).map((p) => p.name);
  } finally {
    await db.destroy();
  }
}

function copyWith(file: string, edit: (s: string) => string): string {
  const target = path.join(dir, path.basename(file));
  fs.writeFileSync(target, edit(fs.readFileSync(file, 'utf8')));
  return target;
}

beforeEach(() => {
  dir = tempDir();
  dbFile = path.join(dir, 'db', 'pacesetter.db');
});

describe('npm run cli -- plan import', () => {
  it('when the shipped plan is imported, then every activity and obligation is stored', async () => {
    expect(await cli('plan', 'import', PLAN_2011)).toBe(0);
    expect(out[0]).toBe('Imported plan 2011 (new).');
    expect(out).toContain('activities: 12 added, 0 updated, 0 retired, 0 unchanged');
    const db = openDatabase(dbFile);
    expect((await db.selectFrom('obligations').select('code').execute()).length).toBe(19);
    await db.destroy();
  });

  it('when --dry-run is given, then the changes are shown and nothing is written', async () => {
    expect(await cli('db', 'migrate')).toBe(0);
    const before = await snapshot();
    expect(await cli('plan', 'import', PLAN_2011, '--dry-run')).toBe(0);
    expect(out[0]).toBe('Dry run: would import plan 2011 (new).');
    expect(await snapshot()).toBe(before);
  });

  it('when a broken copy is imported, then it is refused with located problems and the database is as it was', async () => {
    await cli('plan', 'import', PLAN_2011);
    const before = await snapshot();
    const broken = copyWith(PLAN_2011, (s) => s.replace(/due: 2011-09-30/, 'due: 30/09/2011'));
    expect(await cli('plan', 'import', broken)).toBe(1);
    expect(err.join('\n')).toMatch(/is not a valid plan; nothing was imported/);
    expect(err.join('\n')).toMatch(/activities\[\d+\]\.obligations\[\d+\]\.due: expected a date like 2011-06-30/);
    expect(await snapshot()).toBe(before);
  });

  it('when an edited plan is re-imported, then it updates by code, never duplicates and keeps the reports made', async () => {
    await cli('plan', 'import', PLAN_2011);
    await cli('roster', 'import', EXAMPLE_ROSTER);
    const db: DB = openDatabase(dbFile);
    const ob = await db
      .selectFrom('obligations')
      .selectAll()
      .where('code', '=', 'A07-COBUILD')
      .executeTakeFirstOrThrow();
    const branch = await db.selectFrom('branches').selectAll().where('code', '=', 'YQ-ZX1').executeTakeFirstOrThrow();
    const person = await db
      .selectFrom('people')
      .selectAll()
      .where('slack_user_id', '=', 'U0SEC00001')
      .executeTakeFirstOrThrow();
    await submitReport(
      db,
      {
        obligationId: ob.id,
        branchId: branch.id,
        heldOn: '2011-05-04',
        participants: 20,
        summary: 'x',
        evidence: [],
        submittedBy: person.id,
        onTime: true,
      },
      { actor: 'U0SEC00001', now: new Date('2011-05-05T00:00:00Z') },
    );
    await db.destroy();

    const edited = copyWith(PLAN_2011, (s) => s.replace(/due: 2011-05-10/, 'due: 2011-05-12'));
    expect(await cli('plan', 'import', edited)).toBe(0);
    expect(out[0]).toBe('Imported plan 2011 (updated).');
    expect(out.join('\n')).toMatch(/obligations: 0 added, 1 updated, 0 retired, 18 unchanged/);
    expect(await cli('plan', 'import', edited)).toBe(0);
    expect(out.join('\n')).toMatch(/obligations: 0 added, 0 updated, 0 retired, 19 unchanged/);

    const after = openDatabase(dbFile);
    expect((await after.selectFrom('obligations').select('id').execute()).length).toBe(19);
    const kept = await after.selectFrom('reports').selectAll().execute();
    expect(kept).toHaveLength(1);
    expect(kept[0]!.obligation_id).toBe(ob.id);
    await after.destroy();
  });

  it('when plan show runs, then it prints the plan with its obligations', async () => {
    await cli('plan', 'import', PLAN_2011);
    expect(await cli('plan', 'show', '2011')).toBe(0);
    expect(out.join('\n')).toMatch(/A06-RISKS\s+due 2011-06-30/);
    expect(await cli('plan', 'show', '2012')).toBe(1);
    expect(err.join('\n')).toMatch(/No plan for 2012/);
  });

  it('when the file does not exist, then it says so', async () => {
    expect(await cli('plan', 'import', path.join(dir, 'nope.yaml'))).toBe(1);
    expect(err.join('\n')).toMatch(/no such file/);
  });
});

describe('npm run cli -- roster import', () => {
  it('when a broken copy is imported, then every bad row is named and nothing changes', async () => {
    await cli('roster', 'import', EXAMPLE_ROSTER);
    const before = await snapshot();
    const broken = copyWith(EXAMPLE_ROSTER, (s) =>
      s.replace('U0SEC00002', 'not-an-id').replace(',kindergarten,', ',nursery,'),
    );
    expect(await cli('roster', 'import', broken)).toBe(1);
    expect(err.join('\n')).toMatch(/row 5, slack_user_id: expected a Slack user id/);
    expect(err.join('\n')).toMatch(/row 11, category: expected one of/);
    expect(await snapshot()).toBe(before);
  });

  it('when an edited roster is re-imported, then it reports what was added, updated and removed', async () => {
    await cli('roster', 'import', EXAMPLE_ROSTER);
    const edited = copyWith(EXAMPLE_ROSTER, (s) =>
      s
        .replace('刘芳', '刘芳芳')
        .replace(/^YQ-ZX1,延庆一中党总支,secondary,U0MEM00002.*\n/m, '')
        .concat('YQ-NEW,新学校党支部,primary,U0SEC00099,新书记,secretary,school_cadre\n'),
    );
    expect(await cli('roster', 'import', edited)).toBe(0);
    expect(out).toContain('branches: 1 added, 0 updated, 0 removed from roster');
    expect(out).toContain('people: 1 added, 1 updated, 1 removed from roster');
    expect(out.join('\n')).toMatch(/people removed: U0MEM00002/);
    const db = openDatabase(dbFile);
    const removed = await db
      .selectFrom('people')
      .selectAll()
      .where('slack_user_id', '=', 'U0MEM00002')
      .executeTakeFirstOrThrow();
    expect(removed.active).toBe(0);
    await db.destroy();
  });

  it('when --help is asked at any level, then usage is printed', async () => {
    await cli('--help');
    expect(out.join('\n')).toMatch(/Usage: pacesetter/);
    await cli('roster', 'import', '--help');
    expect(out.join('\n')).toMatch(/--dry-run/);
  });
});

describe('files as offices save them (GBK, UTF-16, UTF-8 with BOM)', () => {
  it('when the GBK helper encodes, then it gives the bytes GBK has for those characters', () => {
    // 书 CA E9, 记 BC C7, 王 CD F5, 建 BD A8, 国 B9 FA: GB2312's table, which GBK keeps.
    expect(encodeGbk('书记,王建国').toString('hex')).toBe('cae9bcc72ccdf5bda8b9fa');
  });

  it('when the roster was saved in GBK, then every name is stored as written and the encoding is named', async () => {
    const utf8 = saveAs(EXAMPLE_ROSTER, 'roster-utf8.csv', (t) => Buffer.from(t, 'utf8'));
    expect(await cli('roster', 'import', utf8)).toBe(0);
    const expected = await peopleNames();
    expect(expected).toContain('王建国');

    dbFile = path.join(dir, 'db', 'gbk.db');
    const gbk = saveAs(EXAMPLE_ROSTER, 'roster-gbk.csv', encodeGbk);
    expect(await cli('roster', 'import', gbk)).toBe(0);
    expect(out).toContain(`${gbk} was read as GB18030 (GBK).`);
    expect(await peopleNames()).toEqual(expected);
  });

  it('when the plan was saved in GBK, then its Chinese titles are stored as written', async () => {
    const gbk = saveAs(PLAN_2011, 'plan-gbk.yaml', encodeGbk);
    expect(await cli('plan', 'import', gbk)).toBe(0);
    expect(out[0]).toBe('Imported plan 2011 (new).');
    expect(out).toContain(`${gbk} was read as GB18030 (GBK).`);
    const db = openDatabase(dbFile);
    const plan = await db.selectFrom('plans').select('title_zh').executeTakeFirstOrThrow();
    const risks = await db
      .selectFrom('obligations')
      .select('title_zh')
      .where('code', '=', 'A06-RISKS')
      .executeTakeFirstOrThrow();
    await db.destroy();
    expect(plan.title_zh).toBe('教育系统2011年创先争优活动工作安排');
    expect(risks.title_zh).toBe('查找五类廉政风险点并制定防控措施');
  });

  it('when the roster was saved as UTF-16 or UTF-8 with a BOM, then it reads the same and says which', async () => {
    const le = saveAs(EXAMPLE_ROSTER, 'roster-utf16.csv', (t) =>
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]),
    );
    expect(await cli('roster', 'import', le)).toBe(0);
    expect(out).toContain(`${le} was read as UTF-16 LE (BOM).`);
    expect(await peopleNames()).toContain('王建国');
    const bom = saveAs(EXAMPLE_ROSTER, 'roster-bom.csv', (t) => Buffer.from(`\uFEFF${t}`, 'utf8'));
    expect(await cli('roster', 'import', bom, '--dry-run')).toBe(0);
    expect(out).toContain(`${bom} was read as UTF-8 with BOM.`);
    expect(out).toContain('people: 0 added, 0 updated, 0 removed from roster');
  });

  it('when the shipped UTF-8 files are imported, then the encoding is named too', async () => {
    expect(await cli('plan', 'import', PLAN_2011)).toBe(0);
    expect(out).toContain(`${PLAN_2011} was read as UTF-8.`);
  });

  it('when a file is neither UTF-8 nor GB18030, then it is refused, named, and nothing is stored', async () => {
    await cli('roster', 'import', EXAMPLE_ROSTER);
    const before = await snapshot();
    // A name with bytes no encoding read here has: 0x80 and 0xFF start nothing in GB18030 or UTF-8.
    const bad = saveAs(EXAMPLE_ROSTER, 'roster-bad.csv', (t) =>
      Buffer.concat([Buffer.from(`${t},,,U0ADM00002,`), Buffer.from([0x80, 0xff]), Buffer.from(',admin,\n')]),
    );
    expect(await cli('roster', 'import', bad)).toBe(1);
    expect(err.join('\n')).toBe(
      `${bad} is neither UTF-8 nor GB18030 (GBK) text; save it as "CSV UTF-8" or as text in UTF-8 and try again. Nothing was imported.`,
    );
    expect(await snapshot()).toBe(before);

    const plan = path.join(dir, 'plan.yaml');
    fs.writeFileSync(plan, Buffer.concat([fs.readFileSync(PLAN_2011), Buffer.from([0x23, 0x80, 0xff, 0x0a])]));
    expect(await cli('plan', 'import', plan)).toBe(1);
    expect(err.join('\n')).toMatch(/plan\.yaml is neither UTF-8 nor GB18030 \(GBK\) text/);
    expect(await snapshot()).toBe(before);
  });

  it('when a valid-looking file is not a valid plan, then the message says how it was read', async () => {
    const empty = path.join(dir, 'empty.yaml');
    fs.writeFileSync(empty, '');
    expect(await cli('plan', 'import', empty)).toBe(1);
    expect(err.join('\n')).toBe(
      `${empty} (read as UTF-8) is not a valid plan; nothing was imported:\n  the file is empty (or holds only comments): a plan needs year, title, starts, ends and activities`,
    );
  });
});

describe('roster import: the removal guard', () => {
  /** The example roster without the rows of these people. */
  const without = (...ids: string[]) =>
    copyWith(EXAMPLE_ROSTER, (s) =>
      s
        .split('\n')
        .filter((line) => !ids.some((id) => line.includes(`,${id},`)))
        .join('\n'),
    );

  async function active(slackUserId: string): Promise<number> {
    const db = openDatabase(dbFile);
    try {
      const row = await db
        .selectFrom('people')
        .select('active')
        .where('slack_user_id', '=', slackUserId)
        .executeTakeFirstOrThrow();
      return row.active;
    } finally {
      await db.destroy();
    }
  }

  beforeEach(async () => {
    expect(await cli('roster', 'import', EXAMPLE_ROSTER)).toBe(0);
  });

  it('when a file would remove more than 20 % of the people, then it is refused with who would go, and nothing changes', async () => {
    const before = await snapshot();
    const partial = without('U0MEM00001', 'U0MEM00002', 'U0MEM00003', 'U0MEM00004');
    expect(await cli('roster', 'import', partial)).toBe(1);
    expect(err.join('\n')).toBe(
      [
        `${partial} was not imported; nothing changed. It would remove too much from the roster:`,
        '  4 of 16 people (25 %) would be removed from the roster, more than 20 %',
        '  people removed: U0MEM00001 李晓梅, U0MEM00002 赵志强, U0MEM00003 陈刚, U0MEM00004 孙伟',
        'If these removals are meant, import the file again with --allow-removals.',
      ].join('\n'),
    );
    expect(await snapshot()).toBe(before);
  });

  it('when --dry-run is given, then it lists who would go by code and name, says it would be refused, and writes nothing', async () => {
    const before = await snapshot();
    const partial = without('U0SEC00004', 'U0SEC00005');
    expect(await cli('roster', 'import', partial, '--dry-run')).toBe(1);
    expect(out).toContain('branches: 0 added, 0 updated, 3 removed from roster');
    expect(out).toContain('  branches removed: YQ-XX2 第二小学党支部, YQ-XX3 永宁小学党支部, YQ-YEY1 县幼儿园党支部');
    expect(out).toContain('  people removed: U0SEC00004 周敏, U0SEC00005 吴静');
    expect(err.join('\n')).toMatch(
      /^The import itself would be refused, as it removes too much:\n {2}3 of 10 branches \(30 %\) would be removed from the roster, more than 20 %\nIf these removals are meant/,
    );
    expect(await snapshot()).toBe(before);

    expect(await cli('roster', 'import', partial, '--dry-run', '--allow-removals')).toBe(0);
    expect(err).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it('when a leader or an admin would leave the roster, then it is refused even for one person; --allow-removals lets it through', async () => {
    const noLeader = without('U0LDR00002');
    expect(await cli('roster', 'import', noLeader)).toBe(1);
    expect(err.join('\n')).toContain(
      '  leaders or admins would be removed from the roster: 林淑珍 (U0LDR00002), leader',
    );
    expect(await active('U0LDR00002')).toBe(1);

    expect(await cli('roster', 'import', noLeader, '--allow-removals')).toBe(0);
    expect(out).toContain('  people removed: U0LDR00002 林淑珍');
    expect(await active('U0LDR00002')).toBe(0);
    const db = openDatabase(dbFile);
    const entry = await db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'roster.import')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    await db.destroy();
    expect(JSON.parse(entry.details)).toMatchObject({ allowRemovals: true, people: { removed: ['U0LDR00002'] } });
  });

  it('when the file would leave no admin, then it is refused even with --allow-removals', async () => {
    const before = await snapshot();
    const demoted = copyWith(EXAMPLE_ROSTER, (s) => s.replace(',U0ADM00001,宋明,admin,', ',U0ADM00001,宋明,leader,'));
    const dropped = without('U0ADM00001');
    for (const file of [demoted, dropped]) {
      expect(await cli('roster', 'import', file, '--allow-removals')).toBe(1);
      expect(err.join('\n')).toContain(
        '  no admin would be left: 宋明 (U0ADM00001) would no longer be an admin; keep at least one admin in the file (even --allow-removals does not remove the last admin)',
      );
      expect(err.join('\n')).not.toContain('--allow-removals.');
    }
    expect(await snapshot()).toBe(before);

    // Another admin in the same file: the office handed over, which --allow-removals accepts.
    const handover = copyWith(dropped, (s) => `${s}\n,,,U0ADM00002,陈新,admin,\n`);
    expect(await cli('roster', 'import', handover)).toBe(1);
    expect(await cli('roster', 'import', handover, '--allow-removals')).toBe(0);
    expect(await active('U0ADM00001')).toBe(0);
  });

  it('when --help is asked, then the guard option is described', async () => {
    await cli('roster', 'import', '--help');
    expect(out.join('\n')).toMatch(/--allow-removals\s+let the import remove more than 20 % of the people/);
  });

  it('when --help is asked, then required options are marked', async () => {
    await cli('export', '--help');
    expect(out.join('\n')).toMatch(/--out <file>\s+where to write \(required\)/);
    expect(out.join('\n')).toMatch(/--format <format>\s+xlsx, or csv[^]*\(required\)/);
    expect(out.join('\n')).not.toMatch(/--year <year>.*\(required\)/);
  });
});
