import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promptButtons } from '../src/ui/prompt-buttons.js';
import type { FakeSlackCall } from '../src/playground/fake-slack.js';
import { closeChecked, startBot, type TestBot } from './helpers/bot.js';
import { branchId, obligationId, personId, ROOT } from './helpers/db.js';
import { putReport, seedJune } from './helpers/leaders.js';
import { reportValues } from './helpers/reporting.js';
import { lastView } from './helpers/views.js';

// The docs quote the bot: every fenced sample below is rendered here from the real commands,
// builders and catalogues, with the 2011 plan and the example roster on 2011-06-20, and the doc
// must quote it (a line `…` in the doc stands for lines left out). When a text changes, the
// failure prints what the bot says now, to paste into the doc.

/**
 * Block Kit as the docs quote it: `# ` a header (`## ` a modal's title), `[…]` a button, `<…>` a
 * form field (`<static_select: a | b>`), `*` after a label a required field, `(…)` a field's hint,
 * `────────` a divider. Mrkdwn is left as written, with Slack's three entities decoded.
 */

type Obj = Record<string, unknown>;

const decode = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function textOf(t: unknown): string {
  if (typeof t === 'string') return decode(t);
  if (t && typeof t === 'object' && typeof (t as Obj)['text'] === 'string') return decode((t as Obj)['text'] as string);
  return '';
}

function optionsOf(el: Obj): string {
  const options = (el['options'] as Obj[] | undefined) ?? [];
  const groups = (el['option_groups'] as Obj[] | undefined) ?? [];
  return [...options, ...groups.flatMap((g) => (g['options'] as Obj[]) ?? [])]
    .map((o) => textOf(o['text']))
    .join(' | ');
}

/** One interactive element: a button, a select, an input. */
function elementText(el: Obj): string {
  const type = String(el['type']);
  if (type === 'button') return `[${textOf(el['text'])}]`;
  if (type === 'static_select' || type === 'radio_buttons' || type === 'checkboxes' || type === 'multi_static_select')
    return `<${type}: ${optionsOf(el)}>`;
  return `<${type}>`;
}

function blockLines(block: Obj): string[] {
  const type = String(block['type']);
  switch (type) {
    case 'header':
      return [`# ${textOf(block['text'])}`];
    case 'divider':
      return ['────────'];
    case 'section': {
      const lines = textOf(block['text']).split('\n');
      const fields = ((block['fields'] as unknown[]) ?? []).map(textOf);
      if (fields.length) lines.push(...fields);
      const accessory = block['accessory'] as Obj | undefined;
      if (accessory && accessory['type'] !== 'image') lines[lines.length - 1] += `   ${elementText(accessory)}`;
      return lines;
    }
    case 'context':
      return [((block['elements'] as Obj[]) ?? []).map(textOf).join(' ')];
    case 'actions':
      return [((block['elements'] as Obj[]) ?? []).map(elementText).join('  ')];
    case 'input': {
      const optional = block['optional'] === true;
      const line = `${textOf(block['label'])}${optional ? '' : ' *'} ${elementText(block['element'] as Obj)}`;
      const hint = textOf(block['hint']);
      return hint ? [line, `  (${hint})`] : [line];
    }
    default:
      return [`<${type}>`];
  }
}

/** A message (`text` and `blocks`), a modal or a Home view, as lines of text. */
function asText(payload: { type?: unknown; title?: unknown; blocks?: unknown; text?: unknown }): string {
  const blocks = Array.isArray(payload.blocks) ? (payload.blocks as Obj[]) : [];
  const lines: string[] = [];
  if (payload.type === 'modal') lines.push(`## ${textOf(payload.title)}`);
  if (blocks.length === 0) lines.push(...textOf(payload.text).split('\n'));
  for (const block of blocks) lines.push(...blockLines(block));
  return lines.join('\n');
}

/** The fenced code blocks of a Markdown file, without their fences. */
function quotedBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => m[1]!.replace(/\n$/, ''));
}

/** A quoted line says a rendered line: the same, or its pieces around ` … ` in order, from its start to its end. */
function sameLine(quoted: string, line: string): boolean {
  if (quoted === line) return true;
  const pieces = quoted.split(' … ');
  if (pieces.length === 1 || !line.startsWith(pieces[0]!) || !line.endsWith(pieces.at(-1)!)) return false;
  let at = pieces[0]!.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = line.indexOf(piece, at);
    if (found < 0) return false;
    at = found + piece.length;
  }
  return at <= line.length - pieces.at(-1)!.length;
}

/**
 * Whether a quoted sample says what was rendered: line by line, where a line `…` stands for any
 * number of rendered lines (none included) and ` … ` within a line for part of it.
 */
function quotes(sample: string, rendered: string): boolean {
  const want = sample.split('\n');
  const got = rendered.split('\n');
  const match = (i: number, j: number): boolean => {
    if (i === want.length) return j === got.length;
    if (want[i]!.trim() === '…') {
      for (let k = j; k <= got.length; k++) if (match(i + 1, k)) return true;
      return false;
    }
    return j < got.length && sameLine(want[i]!, got[j]!) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

const SECRETARY = 'U0SEC00001'; // 王建国, secretary of YQ-ZX1, school cadre
const SECRETARY_ZX2 = 'U0SEC00002'; // 刘芳, secretary of YQ-ZX2
const TWO_BRANCHES = 'U0SEC00004'; // 周敏, secretary of YQ-XX2 and YQ-XX3
const CADRE = 'U0MEM00001'; // 李晓梅, school cadre of YQ-ZX1
const LEADER = 'U0LDR00002'; // 林淑珍, leader

const rendered = new Map<string, string>();
let bot: TestBot;
let viewSeq = 0;

/** The Slack calls a step made. */
async function step(run: () => Promise<unknown>): Promise<FakeSlackCall[]> {
  const before = bot.fake.calls.length;
  await run();
  await bot.settled();
  return bot.fake.calls.slice(before);
}

const posted = (calls: FakeSlackCall[], method = 'chat.postMessage') => {
  const call = calls.filter((c) => c.method === method).at(-1);
  if (!call) throw new Error(`no ${method}; calls: ${calls.map((c) => c.method).join(', ')}`);
  return call.args as { text?: string; blocks?: unknown; view?: unknown };
};

async function say(user: string, command: string, text = ''): Promise<FakeSlackCall[]> {
  return step(() => bot.driver.command({ command, text, user_id: user }));
}

async function click(user: string, actionId: string, value: string, extra: Record<string, unknown> = {}) {
  return step(() => bot.driver.blockAction({ user_id: user, actions: [{ action_id: actionId, value, ...extra }] }));
}

async function submit(user: string, callbackId: string, privateMetadata: string, values: Record<string, unknown>) {
  return step(() =>
    bot.driver.viewSubmission({
      user_id: user,
      view: { id: `VDOCS${++viewSeq}`, callback_id: callbackId, private_metadata: privateMetadata, state: { values } },
    } as never),
  );
}

const home = async (user: string) =>
  posted(
    await step(() => bot.driver.event({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home' })),
    'views.publish',
  ).view as { blocks: unknown };

beforeAll(async () => {
  bot = await startBot();
  const db = bot.ctx.db;
  await putReport(db, { branch: 'YQ-ZX1', obligation: 'A03-COMMIT', status: 'accepted' });
  await putReport(db, {
    branch: 'YQ-ZX2',
    obligation: 'A07-COBUILD',
    onTime: false,
    submittedAt: '2011-05-12T03:00:00.000Z',
  });
  await db
    .insertInto('extensions')
    .values({
      obligation_id: await obligationId(db, 'A01-EVENT'),
      branch_id: await branchId(db, 'YQ-ZX1'),
      requested_by: await personId(db, SECRETARY),
      requested_at: '2011-06-10T02:00:00.000Z',
      new_due: '2011-07-08',
      reason: '与期末考试冲突',
      status: 'approved',
      decided_by: await personId(db, LEADER),
      decided_at: '2011-06-11T02:00:00.000Z',
      decision_comment: null,
      submission_key: null,
    })
    .execute();

  await bot.setLocale(CADRE, 'en-US');
  rendered.set('home.cadre.en', asText(await home(CADRE)));
  await bot.setLocale(CADRE, 'zh-CN');

  // Papers: the form, the author's confirmation, the status, the review, the return.
  const form = lastView((await say(CADRE, '/paper'), bot.fake));
  rendered.set('paper.modal', asText(form));
  const saved = await submit(CADRE, 'paper_submit', form.private_metadata, {
    kind: { value: { type: 'static_select', selected_option: { value: 'typical_case' } } },
    title: { value: { type: 'plain_text_input', value: '家校共育的一个典型案例' } },
    abstract: { value: { type: 'plain_text_input', value: '记录一次家长学校的组织过程与成效。' } },
    link: { value: { type: 'url_text_input', value: 'https://example.org/case.pdf' } },
    file: { value: { type: 'file_input', files: [] } },
    coauthors: { value: { type: 'multi_users_select', selected_users: [] } },
  });
  rendered.set('paper.saved', asText(posted(saved)));
  rendered.set('paper.status', asText(posted(await say(CADRE, '/paper', 'status'), 'response_url')));
  const paper = await db.selectFrom('papers').select(['id', 'version']).executeTakeFirstOrThrow();
  rendered.set(
    'paper.review',
    asText(lastView((await click(LEADER, 'paper_review_open', String(paper.id)), bot.fake))),
  );
  // The leaders' Home, with the paper waiting.
  rendered.set('home.leader', asText(await home(LEADER)));
  const returned = await submit(
    LEADER,
    'paper_review_submit',
    JSON.stringify({ paperId: paper.id, v: paper.version }),
    {
      decision: { value: { type: 'radio_buttons', selected_option: { value: 'return' } } },
      comment: { value: { type: 'plain_text_input', value: '请补充家长反馈的数据。' } },
    },
  );
  rendered.set('paper.returned', asText(posted(returned)));

  // Progress and the Home.
  rendered.set('progress.secretary', asText(posted(await say(SECRETARY, '/progress'), 'response_url')));
  await bot.setLocale(SECRETARY_ZX2, 'en-US');
  rendered.set('progress.secretary.en', asText(posted(await say(SECRETARY_ZX2, '/progress'), 'response_url')));
  rendered.set('progress.all', asText(posted(await say(LEADER, '/progress', 'all'), 'response_url')));
  rendered.set('home.secretary', asText(await home(SECRETARY)));

  // Reporting: the branch picker, the form, the confirmation, the leaders' DM, the review, the decision.
  await putReport(db, { branch: 'YQ-XX3', obligation: 'A07-COBUILD', status: 'accepted' });
  await putReport(db, { branch: 'YQ-XX3', obligation: 'A06-RISKS' });
  await putReport(db, { branch: 'YQ-XX3', obligation: 'A03-REVIEW', status: 'returned' });
  rendered.set('report.picker', asText(lastView((await say(TWO_BRANCHES, '/report'), bot.fake))));
  rendered.set('report.form', asText(lastView((await say(TWO_BRANCHES, '/report', 'YQ-XX3'), bot.fake))));
  const reportForm = lastView((await say(SECRETARY, '/report', 'A01-EVENT'), bot.fake));
  const reported = await submit(
    SECRETARY,
    'report_submit',
    reportForm.private_metadata,
    reportValues({
      obligationId: await obligationId(db, 'A01-EVENT'),
      heldOn: '2011-06-18',
      participants: '60',
      summary: '红歌合唱比赛',
      evidence: 'https://example.org/photos',
    }),
  );
  const dms = reported.filter((c) => c.method === 'chat.postMessage');
  rendered.set('report.saved', asText(dms.find((c) => JSON.stringify(c.args).includes('report_edit'))!.args));
  rendered.set('report.arrived', asText(dms.find((c) => JSON.stringify(c.args).includes('report_review_open'))!.args));
  const report = await db.selectFrom('reports').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
  const reviewForm = lastView((await click(LEADER, 'report_review_open', String(report.id)), bot.fake));
  rendered.set('report.review', asText(reviewForm));
  const decided = await submit(LEADER, 'report_review', reviewForm.private_metadata, {
    decision: { value: { type: 'radio_buttons', selected_option: { value: 'return' } } },
    comment: { value: { type: 'plain_text_input', value: '请补充照片' } },
  });
  rendered.set('report.returned', asText(posted(decided)));
  rendered.set(
    'prompt.buttons',
    [
      asText({ blocks: [promptButtons('zh-CN', { obligationId: 1, branchId: 1 })] }),
      asText({ blocks: [promptButtons('en', { obligationId: 2, branchId: null })] }),
    ].join('\n'),
  );

  // Leaders: rankings in both languages, a score explained.
  await db.deleteFrom('reports').execute();
  await seedJune(db);
  // May's ranking as kept at the start of June: YQ-ZX1 second, YQ-XX2 first, the others as now.
  const may: Record<string, number> = { 'YQ-ZX1': 2, 'YQ-ZX2': 1, 'YQ-XX1': 3, 'YQ-XX2': 1 };
  const plan = await db.selectFrom('plans').select('id').executeTakeFirstOrThrow();
  for (const b of await db.selectFrom('branches').select(['id', 'code', 'category']).execute())
    await db
      .insertInto('ranking_snapshots')
      .values({
        plan_id: plan.id,
        month: '2011-05',
        branch_id: b.id,
        category: b.category,
        score: 0,
        rank: may[b.code] ?? 5,
        rank_in_category: 1,
        taken_at: '2011-05-02T01:00:00.000Z',
      })
      .execute();
  rendered.set('rankings', asText(posted(await say(LEADER, '/rankings'), 'response_url')));
  rendered.set('rankings.explain', asText(posted(await say(LEADER, '/rankings', 'explain YQ-XX1'), 'response_url')));
  rendered.set(
    'exempt',
    asText(
      posted(await say(LEADER, '/pacesetter', 'exempt YQ-XX2 A03-COMMIT 校舍改造，党员集中外出培训'), 'response_url'),
    ),
  );
  rendered.set(
    'unexempt',
    asText(posted(await say(LEADER, '/pacesetter', 'unexempt YQ-XX2 A03-COMMIT'), 'response_url')),
  );
  const notice = posted(await say(LEADER, '/pacesetter', 'notice'), 'views.open').view as { blocks: Obj[] };
  rendered.set(
    'notice',
    notice.blocks
      .map((b) => (b['element'] as Obj | undefined)?.['initial_value'])
      .filter((v): v is string => typeof v === 'string' && v.length > 3)
      .join('\n'),
  );
  await bot.setLocale(LEADER, 'en-US');
  rendered.set('rankings.en', asText(posted(await say(LEADER, '/rankings'), 'response_url')));
  if (process.env.DOC_SAMPLES_OUT)
    fs.writeFileSync(process.env.DOC_SAMPLES_OUT, [...rendered].map(([k, v]) => `=== ${k}\n${v}\n`).join('\n'));
});
afterAll(() => closeChecked(bot));

/** Which doc quotes which rendered sample. */
const QUOTED: [doc: string, samples: string[]][] = [
  [
    'docs/papers-progress-home.md',
    [
      'paper.modal',
      'paper.saved',
      'paper.status',
      'paper.review',
      'paper.returned',
      'progress.secretary',
      'progress.secretary.en',
      'progress.all',
      'home.secretary',
      'home.leader',
      'home.cadre.en',
    ],
  ],
  [
    'docs/reporting.md',
    [
      'report.picker',
      'report.form',
      'report.saved',
      'report.arrived',
      'report.review',
      'report.returned',
      'prompt.buttons',
    ],
  ],
  ['docs/leaders.md', ['rankings', 'rankings.en', 'rankings.explain', 'notice']],
  ['README.md', ['report.saved', 'progress.secretary', 'rankings']],
];

describe.each(QUOTED)('%s', (doc, samples) => {
  const blocks = quotedBlocks(fs.readFileSync(path.join(ROOT, doc), 'utf8'));
  it.each(samples)('quotes %s as the bot renders it', (key) => {
    const text = rendered.get(key);
    expect(text, `${key} was rendered`).toBeDefined();
    expect(
      blocks.some((b) => quotes(b, text!)),
      `${doc} has no sample quoting what the bot renders for ${key} now:\n${text}`,
    ).toBe(true);
  });
});

it('the exemption answers are quoted as the bot gives them', () => {
  const leaders = fs.readFileSync(path.join(ROOT, 'docs/leaders.md'), 'utf8');
  expect(leaders).toContain(`→ ${rendered.get('exempt')}\n`);
  expect(leaders).toContain(`→ ${rendered.get('unexempt')}\n`);
});

it('a sample is told from what the bot did not say', () => {
  expect(quotes('# a\n…\nc', '# a\nb\nc')).toBe(true);
  expect(quotes('# a … z', '# abc z')).toBe(true);
  expect(quotes('# a\nc', '# a\nb\nc')).toBe(false);
  expect(quotes('# a … y', '# abc z')).toBe(false);
});
