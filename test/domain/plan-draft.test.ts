import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorkCalendar } from '../../src/domain/calendar.js';
import { parsePlan, type PlanFile } from '../../src/domain/plan.js';
import { draftPlan, TODO_EN, type DraftOptions, type PlanDraft } from '../../src/domain/plan-draft/draft.js';
import { foldWidth } from '../../src/domain/plan-draft/text.js';
import { renderDraftYaml } from '../../src/domain/plan-draft/yaml.js';
import { decodeText } from '../../src/files/text.js';
import { PLAN_2011, ROOT } from '../helpers/db.js';

const SEED = path.join(ROOT, 'plans/2011-education-cxzy-plan.zh.txt');
const SEED_GB18030 = path.join(ROOT, 'test/fixtures/2011-education-cxzy-plan.gb18030.txt');
const seed = fs.readFileSync(SEED, 'utf8');
const calendar = createWorkCalendar();

function draft(text: string, options: DraftOptions = {}): PlanDraft {
  const result = draftPlan(text, { calendar, ...options });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.value;
}

/** The draft as `plan import` reads it. */
function asPlan(d: PlanDraft): PlanFile {
  const parsed = parsePlan(renderDraftYaml(d));
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.value;
}

function shipped(): PlanFile {
  const parsed = parsePlan(fs.readFileSync(PLAN_2011, 'utf8'));
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.value;
}

const obligations = (d: PlanDraft) => d.activities.flatMap((a) => a.obligations);

/** What a variation must keep: activities, titles (folded: a document's own commas are kept), dues, scopes. */
function shape(d: PlanDraft) {
  return d.activities.map((a) => ({
    code: a.code,
    title: foldWidth(a.title),
    obligations: a.obligations.map((o) => ({ kind: o.kind, due: o.due.day, appliesTo: o.appliesTo })),
  }));
}

const CN = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];
/** The seed with its twelve activities numbered another way ("1." at the start of a line). */
const renumbered = (number: (n: number) => string) =>
  seed.replace(/^(\d{1,2})\./gm, (_, n: string) => number(Number(n)));

type Obligation = PlanFile['activities'][number]['obligations'][number];
const scopeOf = (o: Obligation) =>
  o.applies_to === 'all'
    ? 'all'
    : 'categories' in o.applies_to
      ? o.applies_to.categories.join(',')
      : `ranks ${o.applies_to.ranks.join(',')}`;
const kindOf = (o: Obligation) => `${o.kind}${o.paper_kinds ? ` [${o.paper_kinds.join(',')}]` : ''}`;

/**
 * Every difference between two plans in what the bot acts on: the plan's year, title and period, the
 * activities and their Chinese titles, and per activity its obligations' kinds, paper kinds, scope and
 * due date. Obligations are paired when all of that agrees, then when kind and scope agree (the due
 * date differs), then by kind; what is left has no counterpart. Not compared: codes and titles of
 * obligations (the draft names them by the document's sentences), English texts (the draft leaves
 * them to the office), descriptions and weights.
 */
function differences(a: PlanFile, b: PlanFile): string[] {
  const out: string[] = [];
  for (const key of ['year', 'starts', 'ends'] as const)
    if (a[key] !== b[key]) out.push(`${key}: ${a[key]} / ${b[key]}`);
  if (a.title.zh !== b.title.zh) out.push(`title: ${a.title.zh} / ${b.title.zh}`);
  const codes = [...new Set([...a.activities, ...b.activities].map((x) => x.code))];
  for (const code of codes) {
    const x = a.activities.find((v) => v.code === code);
    const y = b.activities.find((v) => v.code === code);
    if (!x || !y) {
      out.push(`${code}: only in the ${x ? 'shipped plan' : 'draft'}`);
      continue;
    }
    if (x.title.zh !== y.title.zh) out.push(`${code} title: ${x.title.zh} / ${y.title.zh}`);
    const left = [...x.obligations];
    const right = [...y.obligations];
    const pair = (same: (p: Obligation, q: Obligation) => boolean) => {
      for (const p of [...left]) {
        const i = right.findIndex((q) => same(p, q));
        if (i < 0) continue;
        const q = right.splice(i, 1)[0]!;
        left.splice(left.indexOf(p), 1);
        const diff = [
          ...(kindOf(p) === kindOf(q) ? [] : [`kind ${kindOf(p)} / ${kindOf(q)}`]),
          ...(scopeOf(p) === scopeOf(q) ? [] : [`applies_to ${scopeOf(p)} / ${scopeOf(q)}`]),
          ...(p.due === q.due ? [] : [`due ${p.due} / ${q.due}`]),
        ];
        if (diff.length > 0) out.push(`${code} ${p.code} / ${q.code}: ${diff.join('; ')}`);
      }
    };
    pair((p, q) => kindOf(p) === kindOf(q) && scopeOf(p) === scopeOf(q) && p.due === q.due);
    pair((p, q) => kindOf(p) === kindOf(q) && scopeOf(p) === scopeOf(q));
    pair((p, q) => p.kind === q.kind);
    for (const p of left)
      out.push(`${code} ${p.code}: only in the shipped plan (${kindOf(p)}, ${scopeOf(p)}, due ${p.due})`);
    for (const q of right) out.push(`${code} ${q.code}: only in the draft (${kindOf(q)}, ${scopeOf(q)}, due ${q.due})`);
  }
  return out;
}

describe("plan draft on the committee's 2011 work arrangement", () => {
  const d = draft(seed);

  it('when drafted, then it finds the twelve activities with the titles the shipped plan took from the document', () => {
    expect(d.year).toBe(2011);
    expect(d.title).toBe('教育系统2011年创先争优活动工作安排');
    expect(d.starts).toBe('2011-04-08');
    expect(d.startsNote).toBe("the document's date, line 65: 二〇一一年四月八日");
    expect(d.ends).toBe('2011-12-31');
    expect(d.activities.map((a) => `${a.code} ${a.marker} line ${a.line}`)).toEqual(
      Array.from({ length: 12 }, (_, i) => `A${String(i + 1).padStart(2, '0')} ${i + 1}. line ${29 + 2 * i}`),
    );
    expect(d.activities.map((a) => a.title)).toEqual(shipped().activities.map((a) => a.title.zh));
  });

  it('when an activity says “七一”前夕, then its due date is the last working day before July 1, and the comment says so', () => {
    const [event] = d.activities[0]!.obligations;
    expect(event!.due).toEqual({
      day: '2011-06-30',
      fromText: true,
      comment: 'line 29, “七一”前夕: 七一 is Jul 1; 前夕: the last working day before it',
    });
    expect(event!.title).toMatch(/^“七一”前夕，筹备召开“庆祝建党90周年暨创先争优活动总结表彰大会”/);
  });

  it('when the union and youth league use 三八, 五一 and 五四, then one event is drafted, due on the last of them', () => {
    expect(d.activities[6]!.obligations).toHaveLength(1);
    const [events] = d.activities[6]!.obligations;
    expect(events!.title).toMatch(/^教育工会、团工委利用“三八”妇女节、“五一”劳动节、“五四”青年节等节日/);
    expect(events!.due).toEqual({
      day: '2011-05-04',
      fromText: true,
      comment:
        'line 41, “三八”妇女节、“五一”劳动节、“五四”青年节: 三八 is Mar 8, 五一 is May 1, 五四 is May 4; the latest of them',
    });
  });

  it('when activity 9 asks persons for writing, then a research report per division-level leader and a paper, case or story per school-level cadre are drafted', () => {
    const papers = d.activities[8]!.obligations;
    expect(
      papers.map((o) => ({ kind: o.kind, kinds: o.paperKinds, to: o.appliesTo, due: o.due.day, title: o.title })),
    ).toEqual([
      {
        kind: 'paper',
        kinds: ['research_report'],
        to: { ranks: ['division_leader'] },
        due: '2011-12-31',
        title: '每位处级党员领导干部本年度至少完成一篇调研报告',
      },
      {
        kind: 'paper',
        kinds: ['party_paper', 'typical_case', 'success_story'],
        to: { ranks: ['school_cadre'] },
        due: '2011-12-31',
        title: '各基层校级党员干部结合实际必须撰写一篇党建论文、典型案例或成功经验',
      },
    ]);
    expect(papers[0]!.due.comment).toBe('line 45, 本年度: within the year, so Dec 31');
    expect(papers[1]!.due.comment).toBe('line 45, 本年度 (said in the same sentence): within the year, so Dec 31');
  });

  it('when the work requirements name 2011年底 and 年终, then those year-end dates are listed as found outside the activities', () => {
    expect(d.outside).toEqual([
      { line: 62, phrase: '2011年底', note: '2011-12-31 (年底 is Dec 31)' },
      { line: 64, phrase: '年终', note: '2011-12-31 (年终 is Dec 31)' },
      { line: 64, phrase: '年终', note: '2011-12-31 (年终 is Dec 31)' },
    ]);
    expect(d.notUnderstood).toEqual([]);
    expect(d.checks).toEqual([]);
  });

  it('when an activity names whom it concerns, then applies_to follows the words, and the comment quotes them', () => {
    expect(obligations(d).map((o) => [o.code, o.appliesTo, o.appliesNote])).toEqual([
      ['A01-1', 'all', '"各基层党组织" in the activity\'s opening'],
      ['A02-1', { categories: ['office'] }, '"机关" in the title'],
      ['A03-1', 'all', 'the text names no branch category: every branch'],
      ['A04-1', { categories: ['primary', 'secondary'] }, '"中小学" in the activity\'s opening'],
      ['A05-1', 'all', 'the text names no branch category: every branch'],
      ['A06-1', 'all', 'the text names no branch category: every branch'],
      ['A07-1', 'all', 'the text names no branch category: every branch'],
      ['A08-1', 'all', '"各基层党组织" in the activity\'s opening'],
      ['A09-1', { ranks: ['division_leader'] }, '"每位处级党员领导干部"'],
      ['A09-2', { ranks: ['school_cadre'] }, '"各基层校级党员干部"'],
      ['A10-1', 'all', 'the text names no branch category: every branch'],
      ['A11-1', 'all', 'the text names no branch category: every branch'],
      ['A12-1', 'all', 'the text names no branch category: every branch'],
    ]);
  });

  it('when the YAML is written, then plan import reads it, every rule is a comment beside its date and the office’s work is marked', () => {
    const yaml = renderDraftYaml(d, { source: 'seed.txt' });
    const plan = asPlan(d);
    expect(plan.activities).toHaveLength(12);
    expect(plan.activities.flatMap((a) => a.obligations)).toHaveLength(13);
    expect(yaml).toContain(
      'due: 2011-06-30 # line 29, “七一”前夕: 七一 is Jul 1; 前夕: the last working day before it',
    );
    expect(yaml).toContain('applies_to: {categories: [office]} # "机关" in the title');
    expect(yaml).toContain('paper_kinds: [research_report] # "调研报告"');
    expect(yaml).toContain("starts: 2011-04-08 # the document's date, line 65: 二〇一一年四月八日");
    expect(yaml.match(/due: 2011-12-31 # TODO: no date in the text/g)).toHaveLength(9);
    for (const text of [plan.title, ...plan.activities.flatMap((a) => [a.title, ...a.obligations.map((o) => o.title)])])
      expect(text.en).toBe(`${TODO_EN}: ${text.zh}`);
    expect(yaml.startsWith('# Drafted by `plan draft` from seed.txt')).toBe(true);
  });

  it('when compared with the shipped plan, then every difference is where the shipped plan chose what the text does not say', () => {
    expect(differences(shipped(), asPlan(d))).toEqual([
      // The shipped plan splits activities into several tasks and dates them; the text dates only 七一,
      // the festivals and 本年度, and names a category only where the draft found one.
      'A01 A01-LOVE: only in the shipped plan (report, all, due 2011-06-30)',
      'A01 A01-NOMINATE: only in the shipped plan (report, all, due 2011-06-15)',
      'A02 A02-SELFCHECK / A02-1: due 2011-09-30 / 2011-12-31',
      'A03 A03-COMMIT / A03-1: due 2011-05-31 / 2011-12-31',
      'A03 A03-REVIEW: only in the shipped plan (report, all, due 2011-10-31)',
      'A04 A04-OPENNESS / A04-1: applies_to primary,secondary,kindergarten,vocational,adult / primary,secondary; due 2011-09-30 / 2011-12-31',
      'A05 A05-GREEN / A05-1: due 2011-11-30 / 2011-12-31',
      'A06 A06-RISKS / A06-1: due 2011-06-30 / 2011-12-31',
      'A07 A07-COBUILD / A07-1: due 2011-05-10 / 2011-05-04',
      'A08 A08-REGISTER / A08-1: due 2011-05-31 / 2011-12-31',
      'A08 A08-APPLY: only in the shipped plan (report, all, due 2011-10-31)',
      'A09 A09-RESEARCH / A09-1: due 2011-11-30 / 2011-12-31',
      'A09 A09-PAPER / A09-2: due 2011-11-30 / 2011-12-31',
      'A10 A10-ETHICS / A10-1: applies_to primary,secondary,kindergarten,vocational,adult / all; due 2011-08-31 / 2011-12-31',
      'A10 A10-MODELS: only in the shipped plan (report, primary,secondary,kindergarten,vocational,adult, due 2011-08-31)',
      'A11 A11-TRAINING / A11-1: due 2011-10-31 / 2011-12-31',
      'A12 A12-ACCEPTANCE / A12-1: applies_to primary,secondary,kindergarten,vocational,adult / all; due 2011-06-30 / 2011-12-31',
      'A12 A12-TARGETS: only in the shipped plan (report, primary,secondary,kindergarten,vocational,adult, due 2011-09-30)',
    ]);
  });
});

describe('plan draft on variations of the document', () => {
  const base = shape(draft(seed));

  it('when the document is saved in GB18030, then it reads as the same text and drafts the same plan', () => {
    const decoded = decodeText(fs.readFileSync(SEED_GB18030));
    expect(decoded.encoding).toBe('gb18030');
    expect(decoded.text).toBe(seed);
    expect(draft(decoded.text)).toEqual(draft(seed));
  });

  it('when digits are full-width and punctuation half-width, then the same plan is drafted, titles kept as written', () => {
    const fullDigits = seed.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    const halfPunctuation = seed.replace(/[，；（）：]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
    for (const text of [fullDigits, halfPunctuation]) expect(shape(draft(text))).toEqual(base);
    expect(draft(halfPunctuation).activities[2]!.title).toBe('扎实开展“创先争优,从我做起”主题实践活动');
    expect(draft(fullDigits).activities[0]!.title).toBe('积极开展庆祝中国共产党建党９０周年活动');
  });

  it.each([
    ['（一）', (n: number) => `（${CN[n]}）`],
    ['一、', (n: number) => `${CN[n]}、`],
    ['1、', (n: number) => `${n}、`],
    ['1.', (n: number) => `${n}.`],
    ['１．', (n: number) => `${String.fromCharCode(...[...String(n)].map((c) => c.charCodeAt(0) + 0xfee0))}．`],
    ['（1）', (n: number) => `（${n}）`],
    ['①', (n: number) => String.fromCharCode(0x245f + n)],
  ])('when the activities are numbered %s, then the same twelve activities are found', (marker, number) => {
    const d = draft(renumbered(number));
    expect(d.activities[0]!.marker).toBe(marker);
    expect(shape(d)).toEqual(base);
    expect(d.checks).toEqual([]);
  });

  it('when a document numbers its activities 一、 under a plain heading and ends with plain-headed requirements, then only the activities are drafted', () => {
    const d = draft(
      [
        '某县教育系统2012年创先争优活动工作安排',
        '主要活动',
        '一、开展主题活动。各基层党组织“七一”前夕开展主题活动。',
        '二、开展评议活动。2012年底开展评议。',
        '工作要求',
        '一、加强领导。各党支部书记是第一责任人，上半年完成部署。',
        '二〇一二年三月五日',
      ].join('\n'),
    );
    expect(d.activities.map((a) => [a.code, a.title, a.obligations.map((o) => o.due.day)])).toEqual([
      ['A01', '开展主题活动', ['2012-06-29']],
      ['A02', '开展评议活动', ['2012-12-31']],
    ]);
    expect(d.starts).toBe('2012-03-05');
    expect(d.outside).toEqual([{ line: 6, phrase: '上半年', note: '2012-06-30 (上半年 ends Jun 30)' }]);
  });
});

describe('plan draft: date phrases', () => {
  // Every form the draft reads, one activity each; the document is dated March 1 so that 三八 falls
  // in the plan. 2011: Jul 1 a Friday, Sep 10 a Saturday, Oct 1–7 the National Day holiday.
  const forms: [string, string, string][] = [
    ['“七一”前夕，各基层党组织召开表彰大会', '2011-06-30', '七一 is Jul 1; 前夕: the last working day before it'],
    ['七一之前，中小学完成自查', '2011-06-30', '七一 is Jul 1; 之前: the last working day before it'],
    ['利用“三八”妇女节，幼儿园开展活动', '2011-03-08', '三八 is Mar 8'],
    ['职业学校在五一劳动节开展活动', '2011-05-01', '五一 is May 1'],
    ['“五四”青年节期间，直属部门开展活动', '2011-05-04', '五四 is May 4'],
    ['教师节前夕，机关开展慰问', '2011-09-09', '教师节 is Sep 10; 前夕: the last working day before it'],
    [
      '国庆节前，中小职成幼学校完成布置',
      '2011-09-30',
      '国庆节 is Oct 1; 前: by that day (the working day before, if it is a day off)',
    ],
    ['年终开展一次评议', '2011-12-31', '年终 is Dec 31'],
    ['年底前完成总结', '2011-12-31', '年底 is Dec 31; 前: by that day (the working day before, if it is a day off)'],
    ['上半年完成总结', '2011-06-30', '上半年 ends Jun 30'],
    ['下半年完成总结', '2011-12-31', '下半年 ends Dec 31'],
    ['2011年5月31日报送材料', '2011-05-31', 'as written'],
    ['5月底报送名单', '2011-05-31', "底, the month's last day"],
    ['６月３０日前报送计划', '2011-06-30', 'as written; 前: by that day (the working day before, if it is a day off)'],
    ['五月三十一日报送总结', '2011-05-31', 'as written'],
    ['9月上旬启动', '2011-09-10', '上旬, the 10th'],
    ['9月中旬推进', '2011-09-20', '中旬, the 20th'],
    ['9月下旬验收', '2011-09-30', "下旬, the month's last day"],
    ['10月8日之前报送材料', '2011-09-30', 'as written; 之前: the last working day before it'],
    ['本年度完成一项调研', '2011-12-31', 'within the year, so Dec 31'],
  ];
  const text = [
    '县教育系统2011年创先争优活动工作安排',
    '为深入开展创先争优活动，制定本安排。',
    '一、主要活动',
    ...forms.map(([sentence], i) => `${i + 1}.第${CN[i + 1] ?? i + 1}项活动。${sentence}。`),
    `${forms.length + 1}.加强学习。组织党员认真学习。`,
    `${forms.length + 2}.备案申报。5月底前完成备案，10月底前完成申报。`,
    `${forms.length + 3}.暑期活动。暑假期间开展活动，5月初启动，第三季度总结。`,
    '二、工作要求',
    '（一）加强领导。2011年底，开展一次评议。',
    '二〇一一年三月一日',
  ].join('\n');
  const d = draft(text);

  it('when each supported form is used, then each becomes its day, with the rule named', () => {
    expect(d.starts).toBe('2011-03-01');
    expect(
      d.activities.slice(0, forms.length).map((a) => {
        const [o, ...more] = a.obligations;
        return [o!.title, o!.due.day, o!.due.comment.replace(/^line \d+, [^:]*: /, ''), more.length];
      }),
    ).toEqual(forms.map(([sentence, day, rule]) => [sentence, day, rule, 0]));
    expect(d.activities[0]!.obligations[0]!.due.comment).toBe(
      'line 4, “七一”前夕: 七一 is Jul 1; 前夕: the last working day before it',
    );
  });

  it('when the text names categories, then applies_to lists them', () => {
    expect(d.activities.slice(0, 7).map((a) => a.obligations[0]!.appliesTo)).toEqual([
      'all',
      { categories: ['primary', 'secondary'] },
      { categories: ['kindergarten'] },
      { categories: ['vocational'] },
      { categories: ['unit'] },
      { categories: ['office'] },
      { categories: ['primary', 'secondary', 'kindergarten', 'vocational', 'adult'] },
    ]);
  });

  it('when an item has no date, then it gets the plan’s end and a TODO comment', () => {
    const noDate = d.activities[forms.length]!;
    expect(noDate.obligations).toEqual([
      expect.objectContaining({
        title: '加强学习',
        due: { day: '2011-12-31', fromText: false, comment: "TODO: no date in the text (set to the plan's end)" },
      }),
    ]);
    expect(renderDraftYaml(d)).toContain("due: 2011-12-31 # TODO: no date in the text (set to the plan's end)");
  });

  it('when one sentence gives two deadlines for two steps, then each step is an obligation', () => {
    expect(d.activities[forms.length + 1]!.obligations.map((o) => [o.title, o.due.day])).toEqual([
      ['5月底前完成备案', '2011-05-31'],
      ['10月底前完成申报', '2011-10-31'],
    ]);
  });

  it('when a word of time has no rule, then it is listed with its line, and the item is left undated', () => {
    expect(d.notUnderstood).toEqual([
      { line: forms.length + 6, phrase: '暑假', note: `in A${forms.length + 3}` },
      { line: forms.length + 6, phrase: '5月初', note: `in A${forms.length + 3}` },
      { line: forms.length + 6, phrase: '第三季度', note: `in A${forms.length + 3}` },
    ]);
    expect(d.activities[forms.length + 2]!.obligations[0]!.due.fromText).toBe(false);
    expect(d.outside).toEqual([{ line: forms.length + 8, phrase: '2011年底', note: '2011-12-31 (年底 is Dec 31)' }]);
  });

  it('when the plan imports, then every date is a valid due date', () => {
    expect(asPlan(d).activities).toHaveLength(forms.length + 3);
  });
});

describe('plan draft: what it cannot decide alone', () => {
  const doc = (...lines: string[]) => ['教育系统2011年创先争优活动工作安排', ...lines, '二〇一一年四月八日'].join('\n');

  it('when a date falls before the plan starts, then the due date is the start, marked TODO and listed to check', () => {
    const d = draft(doc('1.庆祝妇女节。“三八”妇女节开展活动。'));
    expect(d.activities[0]!.obligations[0]!.due).toEqual({
      day: '2011-04-08',
      fromText: true,
      comment: 'TODO: line 2, “三八”妇女节: 三八 is Mar 8 gives 2011-03-08, outside the plan; set to its start',
    });
    expect(d.checks).toEqual([
      { line: 2, phrase: '“三八”妇女节', note: "A01: 2011-03-08 is outside the plan's period; set to its start" },
    ]);
    expect(asPlan(d).activities[0]!.obligations[0]!.due).toBe('2011-04-08');
  });

  it('when only the title dates an activity, then its one obligation takes that date', () => {
    const d = draft(doc('1.“七一”前夕召开表彰大会。表彰先进。'));
    expect(d.activities[0]!.obligations.map((o) => [o.title, o.due.day])).toEqual([
      ['“七一”前夕召开表彰大会', '2011-06-30'],
    ]);
  });

  it('when the numbering skips, then the draft says where', () => {
    const d = draft(doc('1.第一项。开展。', '3.第三项。开展。'));
    expect(d.checks).toEqual([
      { line: 3, phrase: '3.', note: 'activity 2 is numbered 3; check that no item was missed or taken in' },
    ]);
  });

  it('when --year differs from the title, then the year given wins and the draft says so', () => {
    const d = draft(doc('1.第一项。“七一”前夕开展。'), { year: 2012 });
    expect([d.year, d.yearNote, d.starts]).toEqual([2012, 'given with --year', '2012-01-01']);
    expect(d.startsNote).toMatch(/^TODO: the document is dated 2011-04-08 \(line 3\), outside 2012/);
    expect(d.checks).toEqual([{ line: 1, phrase: '2011', note: 'the title names 2011, not 2012' }]);
    expect(d.activities[0]!.obligations[0]!.due.day).toBe('2012-06-29');
  });

  it("when the title names no year, then the year is the document date's", () => {
    const d = draft(['工作安排', '1.第一项。“七一”前夕开展。', '2012年3月5日'].join('\n'));
    expect([d.year, d.yearNote, d.starts]).toEqual([2012, "from the document's date (line 3)", '2012-03-05']);
  });

  it('when the year has no official holiday data, then the draft says working days were counted Monday to Friday', () => {
    const d = draft(doc('1.第一项。“七一”前夕开展。'), { year: 2099 });
    expect(d.checks.at(-1)).toEqual({
      line: null,
      phrase: '',
      note: 'no official holiday calendar for 2099: 前夕 and 之前 counted Monday to Friday as working days',
    });
  });

  it.each([
    ['', 'the document is empty'],
    ['工作安排\n按照部署，开展活动。', "found no year in the document's title or date; give it with --year"],
    ['2011年工作安排\n一、指导思想\n按照部署，开展活动。', 'found no numbered activities'],
  ])('when the document gives nothing to draft (%j), then it is refused with the reason', (text, problem) => {
    const result = draftPlan(text, { calendar });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toContain(problem);
  });
});

describe('plan draft on text that is not a work arrangement', () => {
  const nasty = [
    '0000年5月底',
    '9999年12月底前',
    '2月30日',
    '十三月一日',
    '〇〇〇〇年底',
    '“七一前夕。',
    '1.',
    '（一）',
    '一、。',
    '1.。。。',
    '１２３４５６７８９０年',
    '第一项活动' + '很长'.repeat(3000) + '。',
    '每位处级党员领导干部',
    '校级党员干部调研报告论文',
    '前夕之前以前前',
    '\u3000\t \r\n',
  ];
  // A fixed sequence (no randomness between runs): documents stitched from the pieces above and the
  // phrases the draft reads, to show that whatever it is given it refuses or drafts a plan that imports.
  const pieces = [
    ...nasty,
    '2011年工作安排',
    '1.开展活动。',
    '（二）开展评议。',
    '“七一”前夕，',
    '5月底前',
    '二〇一一年四月八日',
  ];
  let seed = 7;
  const next = () => (seed = (seed * 48271) % 2147483647);
  const documents = Array.from({ length: 300 }, () =>
    [
      next() % 4 ? '2011年工作安排' : '',
      ...Array.from({ length: 1 + (next() % 12) }, () => pieces[next() % pieces.length]!),
    ].join(next() % 4 ? '\n' : ''),
  );

  it('when it is given odd text, then it never throws, and what it drafts imports', () => {
    let drafted = 0;
    for (const text of [...nasty, ...documents]) {
      const result = draftPlan(text, { calendar });
      if (!result.ok) {
        expect(result.problems.length).toBeGreaterThan(0);
        continue;
      }
      drafted++;
      const parsed = parsePlan(renderDraftYaml(result.value));
      expect(parsed.ok ? 'imports' : [text, ...parsed.problems]).toEqual('imports');
    }
    // Some of them are plans: the check above ran on drafts, not only on refusals.
    expect(drafted).toBeGreaterThan(50);
  });
});
