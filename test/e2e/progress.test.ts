import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { branchId, obligationId, personId } from '../helpers/db.js';
import { recordInspection } from '../helpers/inspections.js';
import { putExtension, putReport } from '../helpers/leaders.js';

const SECRETARY = 'U0SEC00001'; // 王建国, secretary of YQ-ZX1 (secondary), school cadre
const TWO_BRANCHES = 'U0SEC00004'; // 周敏, secretary of YQ-XX2 and YQ-XX3
const CADRE = 'U0MEM00001'; // 李晓梅, school cadre
const PLAIN_MEMBER = 'U0MEM00002';
const LEADER = 'U0LDR00002';
const ADMIN = 'U0ADM00001';

let bot: TestBot;
beforeEach(async () => {
  bot = await startBot();
});
afterEach(() => closeChecked(bot));

async function progress(user: string, text = '') {
  const res = await bot.driver.command({ command: '/progress', text, user_id: user });
  expect(res.status).toBe(200);
  const reply = bot.fake.callsTo('response_url').at(-1)!;
  expect(reply.args.response_type).toBe('ephemeral');
  const blocks = (reply.args.blocks ?? []) as {
    type: string;
    text?: { text: string };
    elements?: { text: string }[];
  }[];
  const text_ = [
    String(reply.args.text),
    ...blocks.map((b) => b.text?.text ?? b.elements?.map((e) => e.text).join(' ') ?? ''),
  ].join('\n');
  return { blocks, text: text_ };
}

async function addReport(
  branch: string,
  obligation: string,
  status: 'submitted' | 'accepted' | 'returned',
  onTime = true,
) {
  await putReport(bot.ctx.db, { branch, obligation, status, onTime });
}

async function addBranches(n: number, category = 'primary', prefix = 'GEN'): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = await bot.ctx.db
      .insertInto('branches')
      .values({
        code: `${prefix}-${String(i).padStart(4, '0')}`,
        name: `${prefix}支部${i}`,
        category,
        active: 1,
        created_at: '2011-04-10T00:00:00.000Z',
        updated_at: '2011-04-10T00:00:00.000Z',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  return ids;
}

describe('/progress for a secretary', () => {
  it('when a secretary asks, then every applicable task is listed with its status, the next deadline first', async () => {
    await addReport('YQ-ZX1', 'A03-COMMIT', 'accepted', true);
    await addReport('YQ-ZX1', 'A08-REGISTER', 'submitted', false);
    await addReport('YQ-ZX1', 'A06-RISKS', 'returned');
    const { text } = await progress(SECRETARY);
    expect(text).toContain('延庆一中党总支（YQ-ZX1）· 中学');
    expect(text).toContain('*A07-COBUILD* ');
    expect(text).toContain('已逾期 41 天');
    expect(text).toContain('还有 10 天到期');
    expect(text).toMatch(/A03-COMMIT.*按时完成/);
    expect(text).toMatch(/A08-REGISTER.*逾期完成/);
    expect(text).toMatch(/A06-RISKS.*已退回/);
    expect(text).not.toContain('A02-SELFCHECK'); // the office's only
    // Open items by due date first (A07 05-10 before A01-NOMINATE 06-15 before A01-EVENT 06-30), done ones last.
    expect(text.indexOf('A07-COBUILD')).toBeLessThan(text.indexOf('A01-NOMINATE'));
    expect(text.indexOf('A01-NOMINATE')).toBeLessThan(text.indexOf('A01-EVENT'));
    expect(text.indexOf('A12-TARGETS')).toBeLessThan(text.indexOf('A03-COMMIT'));
    expect(text).toContain('已完成 2/');
    // The secretary is also a school cadre: the paper obligation is shown too.
    expect(text).toContain('A09-PAPER');
  });

  it('when an extension was approved, then the new due date is shown with the original', async () => {
    const db = bot.ctx.db;
    await putExtension(
      db,
      {
        obligationId: await obligationId(db, 'A07-COBUILD'),
        branchId: await branchId(db, 'YQ-ZX1'),
        requestedBy: await personId(db, SECRETARY),
      },
      {
        requested_at: '2011-05-05T00:00:00.000Z',
        new_due: '2011-06-25',
        status: 'approved',
        decided_by: await personId(db, LEADER),
        decided_at: '2011-05-06T00:00:00.000Z',
      },
    );
    const { text } = await progress(SECRETARY);
    expect(text).toMatch(/A07-COBUILD.*还有 5 天到期 · 截止 2011-06-25（原定 2011-05-10，已延期）/);
  });

  it('when a task is exempted for the branch, then it says so and does not count', async () => {
    await bot.ctx.db
      .insertInto('exemptions')
      .values({
        obligation_id: await obligationId(bot.ctx.db, 'A07-COBUILD'),
        branch_id: await branchId(bot.ctx.db, 'YQ-ZX1'),
        reason: 'r',
        granted_by: await personId(bot.ctx.db, ADMIN),
        granted_at: '2011-05-01T00:00:00.000Z',
        revoked_at: null,
      })
      .execute();
    const { text } = await progress(SECRETARY);
    expect(text).toMatch(/A07-COBUILD.*已免报/);
    // 16 tasks apply to a secondary school; the exempted one leaves the count.
    expect(text).toContain('已完成 0/15 · 逾期 3');
  });

  it('when a secretary of two branches asks, then both are shown, and one can be picked by code', async () => {
    const both = await progress(TWO_BRANCHES);
    expect(both.text).toContain('YQ-XX2');
    expect(both.text).toContain('YQ-XX3');
    const one = await progress(TWO_BRANCHES, 'yq-xx3');
    expect(one.text).toContain('永宁小学党支部');
    expect(one.text).not.toContain('第二小学党支部');
  });

  it('when a secretary asks for another branch or the summary, then it is refused and logged, and nothing is shown', async () => {
    const other = await progress(SECRETARY, 'YQ-ZX2');
    expect(other.text).toContain('只有领导');
    expect(other.text).not.toContain('延庆二中');
    const all = await progress(SECRETARY, 'all');
    expect(all.text).toContain('只有领导');
    const denied = await listAudit(bot.ctx.db, { action: 'access.denied' });
    expect(denied.map((d) => [d.actor, d.subject_type])).toEqual([
      [SECRETARY, 'command./progress'],
      [SECRETARY, 'command./progress'],
    ]);
  });

  it('when a secretary of many branches asks, then the answer fits in 50 blocks and names the rest', async () => {
    const ids = await addBranches(14, 'secondary');
    const me = await personId(bot.ctx.db, SECRETARY);
    await bot.ctx.db
      .insertInto('branch_secretaries')
      .values(ids.map((branch_id) => ({ branch_id, person_id: me })))
      .execute();
    const { blocks, text } = await progress(SECRETARY);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(text).toMatch(/另有 \d+ 个基层党组织/);
  });

  it('when the text is not understood, then the help is shown', async () => {
    const { text } = await progress(SECRETARY, 'no such thing at all');
    expect(text).toContain('没有基层党组织');
    expect(text).toContain('/progress all');
  });

  it('when the secretary uses Slack in English, then the checklist is in English', async () => {
    await bot.setLocale(SECRETARY, 'en-US');
    const { text } = await progress(SECRETARY);
    expect(text).toContain('Overdue by 41 days');
    expect(text).toContain('Secondary school');
  });
});

describe('/progress for leaders, members and strangers', () => {
  it('when a leader asks for all, then a per-category summary comes with completion and overdue counts', async () => {
    await addReport('YQ-ZX1', 'A07-COBUILD', 'accepted');
    const { text, blocks } = await progress(LEADER, 'all');
    expect(text).toContain('分类进展 · 2011-06-20');
    expect(text).toMatch(/\*中学\*：2 个基层党组织 · 完成 \d+% · 逾期任务 \d+ 项/);
    expect(text).toContain('*全部基层党组织*：10 个');
    expect(text).toContain('逾期最多');
    expect(blocks.length).toBeLessThanOrEqual(50);
  });

  it('when a leader names a branch by part of its name or by code in any case, then that branch is shown', async () => {
    const byName = await progress(LEADER, '延庆一中');
    expect(byName.text).toContain('延庆一中党总支（YQ-ZX1）');
    const byCode = await progress(LEADER, 'yq-zx2');
    expect(byCode.text).toContain('延庆二中党支部（YQ-ZX2）');
  });

  it('when a leader looks at a branch with a report waiting, then a Review button opens it for review', async () => {
    await addReport('YQ-ZX2', 'A07-COBUILD', 'submitted');
    const { blocks } = await progress(LEADER, 'YQ-ZX2');
    const actions = blocks.find((b) => b.type === 'actions') as unknown as {
      elements: { action_id: string; value: string; text: { text: string } }[];
    };
    const reportId = (await bot.ctx.db.selectFrom('reports').select('id').executeTakeFirstOrThrow()).id;
    expect(actions.elements.map((e) => [e.action_id, e.value, e.text.text])).toEqual([
      ['report_review_open', String(reportId), '审核 A07-COBUILD'],
    ]);
    await bot.driver.blockAction({
      user_id: LEADER,
      actions: [{ action_id: 'report_review_open', value: String(reportId) }],
    });
    expect(bot.fake.callsTo('views.open').at(-1)!.args.view).toMatchObject({ callback_id: 'report_review' });
  });

  it('when a secretary looks at their branch with a report waiting, then there is no Review button', async () => {
    await addReport('YQ-ZX1', 'A07-COBUILD', 'submitted');
    const { blocks } = await progress(SECRETARY);
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('when a leader names no branch that exists, then they are told and shown the help', async () => {
    const { text } = await progress(LEADER, 'YQ-NOPE');
    expect(text).toContain('没有基层党组织 `YQ-NOPE`');
  });

  it('when a leader asks with no text, then the summary is shown', async () => {
    const { text } = await progress(LEADER);
    expect(text).toContain('*全部基层党组织*');
    expect(text).toContain('A09-RESEARCH'); // a division-level leader owes a research report
  });

  it('when there are 300 branches, then the summary still fits one message', async () => {
    await addBranches(150, 'primary', 'P');
    await addBranches(150, 'kindergarten', 'K');
    const { blocks, text } = await progress(LEADER, 'all');
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(text).toContain('*全部基层党组织*：310 个');
  });

  it('when a cadre asks, then they see their paper obligation', async () => {
    const { text } = await progress(CADRE);
    expect(text).toContain('我的论文');
    expect(text).toMatch(/A09-PAPER.*还有 163 天到期/);
  });

  it('when a member whom the plan asks nothing asks, then they are told so', async () => {
    const { text } = await progress(PLAIN_MEMBER);
    expect(text).toContain('没有对您个人的要求');
  });

  it('when an admin who is not a leader asks for all, then it is refused and logged', async () => {
    const { text } = await progress(ADMIN, 'all');
    expect(text).toContain('只有领导');
    expect(await listAudit(bot.ctx.db, { action: 'access.denied' })).toHaveLength(1);
  });

  it('when someone not in the roster asks, then they are told whom to ask', async () => {
    await bot.setLocale('U0STRANGER', 'en-US');
    const { text } = await progress('U0STRANGER', 'all');
    expect(text).toContain('campaign office');
  });
});

describe('/progress BRANCH: the inspection history (leaders)', () => {
  it('when a leader asks for an inspected branch, then its inspections follow the checklist, the county’s included, findings escaped, with the tasks accepted', async () => {
    await recordInspection(bot, LEADER, 'YQ-ZX1', {
      rating: 'fairly_good',
      twoSkins: true,
      findings: '台账不全 <!channel>',
      items: '2011-06-30 补开推迟的党员大会\n2011-07-15 完善三会一课台账',
    });
    await recordInspection(bot, ADMIN, 'all', { heldOn: '2011-06-18', items: 'YQ-ZX1 2011-07-10 公开党务公开目录' });
    const first = await bot.ctx.db
      .selectFrom('obligations')
      .select('code')
      .where('code', '=', 'R1-1')
      .executeTakeFirstOrThrow();
    await putReport(bot.ctx.db, { branch: 'YQ-ZX1', obligation: first.code, status: 'accepted' });
    const { text, blocks } = await progress(LEADER, 'YQ-ZX1');
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(text).toContain('*督查（2 次）*');
    expect(text).toContain('• 2011-06-17 巡回检查，林淑珍，评定：较好，两张皮：台账不全 &lt;!channel&gt;');
    expect(text).toContain('  整改任务：2 项中已通过 1 项');
    expect(text).toContain('• 2011-06-18 巡回检查，宋明（县）');
    expect(text).toContain('  整改任务：1 项中已通过 0 项');
    // After the checklist, not instead of it.
    expect(text.indexOf('*督查（2 次）*')).toBeGreaterThan(text.indexOf('R1-1'));
  });

  it('when a leader asks for a branch never inspected, then it says so; when its secretary asks, the history is not shown', async () => {
    expect((await progress(LEADER, 'YQ-ZX2')).text).toContain('尚无督查记录。');
    await recordInspection(bot, LEADER, 'YQ-ZX1', { findings: '台账不全' });
    const own = await progress(SECRETARY, 'YQ-ZX1');
    expect(own.text).toContain('延庆一中党总支');
    expect(own.text).not.toContain('督查');
  });
});
