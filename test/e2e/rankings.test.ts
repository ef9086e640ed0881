import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { ADMIN, branchId, LEADER, putReport, SECRETARY, seedJune } from '../helpers/leaders.js';

let bot: TestBot;
beforeEach(async () => {
  bot = await startBot();
});
afterEach(() => closeChecked(bot));

type Block = { type: string; text?: { text: string }; elements?: { text: string }[] };

function lastReply() {
  const call = bot.fake.callsTo('response_url').at(-1);
  if (!call) throw new Error('no reply');
  return call.args as { response_type?: string; text?: string; blocks?: Block[] };
}

/** Every text of a message's blocks, one a line, as a phone would show them. */
function shown(blocks: Block[] | undefined): string {
  return (blocks ?? [])
    .flatMap((b) => [b.text?.text ?? '', ...(b.elements ?? []).map((e) => e.text)])
    .filter((s) => s !== '')
    .join('\n');
}

async function rankings(text = '', user = LEADER, channel = 'C0GENERAL') {
  const res = await bot.driver.command({ command: '/rankings', text, user_id: user, channel_id: channel });
  expect(res.status).toBe(200);
  return lastReply();
}

describe('/rankings', () => {
  it('when a leader asks, then branches are ranked by score, ties share a rank, and the formula is printed under it', async () => {
    await seedJune(bot.ctx.db);
    const reply = await rankings();
    expect(reply.response_type).toBe('ephemeral');
    const text = shown(reply.blocks);
    expect(text).toContain('排名 · 全部类别 · 年度累计');
    expect(text).toContain('截至 2011-06-20 · 共 10 个基层党组织');
    const lines = text.split('\n').filter((l) => l.startsWith('*'));
    expect(lines.slice(0, 5)).toEqual([
      '*1.* 延庆一中党总支 (YQ-ZX1) 100.0',
      '*1.* 延庆二中党支部 (YQ-ZX2) 100.0',
      '*3.* 第一小学党支部 (YQ-XX1) 87.5',
      '*4.* 第二小学党支部 (YQ-XX2) 25.0',
      '*5.* 县成人学校党支部 (YQ-CJ1) 0.0',
    ]);
    expect(lines.filter((l) => l.startsWith('*5.*'))).toHaveLength(6);
    expect(text).toContain('得分 = 100 × Σ(权重 × 系数) ÷ Σ(已到期或已报送任务的权重)；系数：按时 1，逾期完成 0.5');
  });

  it('when the campaign office asks, then it sees the ranking too; when a secretary asks, then it is refused and logged', async () => {
    await rankings('', ADMIN);
    expect(shown(lastReply().blocks)).toContain('排名');
    const refused = await rankings('', SECRETARY);
    expect(refused.text).toBe('排名仅供领导和活动办公室查看。本次尝试已记录。');
    expect(refused.blocks).toBeUndefined();
    const denied = await listAudit(bot.ctx.db, { action: 'access.denied' });
    expect(denied.map((d) => [d.actor, d.subject_type])).toEqual([[SECRETARY, 'command./rankings']]);
  });

  it('when someone not in the roster asks, then they are told whom to ask', async () => {
    await bot.setLocale('U0STRANGER', 'en-US');
    const reply = await rankings('', 'U0STRANGER');
    expect(reply.text).toContain('campaign office');
  });

  it('when a category is asked, then only its branches are ranked among themselves, in English for an English reader', async () => {
    await seedJune(bot.ctx.db);
    await bot.setLocale(LEADER, 'en-US');
    const text = shown((await rankings('primary')).blocks);
    expect(text).toContain('Ranking · Primary school · year to date');
    expect(text.split('\n').filter((l) => l.startsWith('*'))).toEqual([
      '*1.* 第一小学党支部 (YQ-XX1) 87.5',
      '*2.* 第二小学党支部 (YQ-XX2) 25.0',
      '*3.* 永宁小学党支部 (YQ-XX3) 0.0',
    ]);
    expect(shown((await rankings('小学')).blocks)).toContain('Primary school');
  });

  it('when the words are not understood, then the usage is shown', async () => {
    expect((await rankings('everything please')).text).toContain('/rankings [类别|全部] [本月|全年] [公开]');
  });

  it('when the month is asked, then only the tasks due this month count', async () => {
    await seedJune(bot.ctx.db);
    const text = shown((await rankings('month')).blocks);
    expect(text).toContain('2011-06 到期任务');
    // Only A01-NOMINATE was due in June so far: YQ-XX2 did not do it.
    expect(text).toContain('第二小学党支部 (YQ-XX2) 0.0');
    expect(text).toContain('*1.* 第一小学党支部 (YQ-XX1) 100.0');
  });

  it('when a leader asks for it public, then it is posted in the channel in the workspace language', async () => {
    await seedJune(bot.ctx.db);
    await bot.setLocale(LEADER, 'en-US');
    await rankings('public', LEADER, 'C0LEADERS');
    const posted = bot.fake.messages('C0LEADERS');
    expect(posted).toHaveLength(1);
    expect(shown(posted[0]!.blocks as Block[])).toContain('*1.* 延庆一中党总支 (YQ-ZX1) 100.0');
    expect(shown(posted[0]!.blocks as Block[])).toContain('排名 · 全部类别');
    expect(lastReply().text).toBe('Posted the ranking in this channel.');
    const published = await listAudit(bot.ctx.db, { action: 'ranking.publish' });
    expect(published.map((a) => [a.actor, a.details.channel])).toEqual([[LEADER, 'C0LEADERS']]);
  });

  it('when the plan year is over, then the ranking is the year-end one and every task counts', async () => {
    await seedJune(bot.ctx.db);
    bot.clock.set('2012-01-05T10:00:00+08:00');
    const text = shown((await rankings()).blocks);
    expect(text).toContain('排名 · 全部类别 · 年终');
    expect(text).toContain('得分 = 100 × Σ(权重 × 系数) ÷ Σ(全部任务的权重)');
    // YQ-ZX1 did 4 of the 16 tasks that apply to a secondary school (weights add up to 20), all on time.
    expect(text).toContain('*1.* 延庆一中党总支 (YQ-ZX1) 20.0');
  });

  it('when the campaign office asks for it public, then it is refused and logged, and nothing is posted', async () => {
    const reply = await rankings('public', ADMIN);
    expect(reply.text).toBe('此操作仅限领导。本次尝试已记录。');
    expect(bot.fake.callsTo('chat.postMessage')).toEqual([]);
    expect((await listAudit(bot.ctx.db, { action: 'access.denied' })).map((d) => d.subject_type)).toEqual([
      'command./rankings public',
    ]);
  });

  it('when the bot is not in the channel, then the leader is told how to invite it', async () => {
    bot.fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    const reply = await rankings('public');
    expect(reply.text).toContain('not_in_channel');
    expect(reply.text).toContain('/invite @Pacesetter');
  });

  it('when 320 branches are ranked, then the message stays within Block Kit limits and points to the rest', async () => {
    const now = '2011-04-10T00:00:00.000Z';
    const rows = Array.from({ length: 310 }, (_, i) => ({
      code: `YQ-T${String(i).padStart(3, '0')}`,
      name: `测试学校${i}党支部`,
      category: 'primary',
      active: 1 as const,
      created_at: now,
      updated_at: now,
    }));
    await bot.ctx.db.insertInto('branches').values(rows).execute();
    const reply = await rankings();
    expect(reply.blocks!.length).toBeLessThanOrEqual(50);
    expect(
      reply
        .blocks!.filter((b) => b.type === 'section')
        .map((b) => b.text!.text)
        .join('\n')
        .split('\n'),
    ).toHaveLength(20);
    expect(shown(reply.blocks)).toContain('……另有 300 个');
  });
});

describe('/rankings explain', () => {
  it('when a secretary disputes a score, then the leader sees how it was made, task by task', async () => {
    await seedJune(bot.ctx.db);
    const text = shown((await rankings('explain YQ-XX1')).blocks);
    expect(text).toContain('第一小学党支部（YQ-XX1）· 87.5');
    expect(text).toContain('总排名第 3 / 10 名 · 小学第 1 / 3 名');
    expect(text).toContain('🟡 `A07-COBUILD` 利用“三八”“五一”“五四”开展党群共建活动');
    expect(text).toMatch(/`A07-COBUILD`.* — 逾期完成 — 1 × 0\.5 = 0\.5/);
    expect(text).toMatch(/`A03-COMMIT`.* — 按时完成 — 1 × 1 = 1/);
    expect(text).toContain(
      '⏳ 12 项未到期，不计入：A01-EVENT, A01-LOVE, A03-REVIEW, A04-OPENNESS, A05-GREEN, A06-RISKS, A08-APPLY, A10-ETHICS, A10-MODELS, A11-TRAINING, A12-ACCEPTANCE, A12-TARGETS',
    );
    expect(text).not.toContain('`A06-RISKS`');
    expect(text).toContain('*合计* 3.5 ÷ 4 = *87.5*');
  });

  it('when the branch is named by its full name, then it is found; an unknown one is said so', async () => {
    expect(shown((await rankings('explain 第二小学党支部')).blocks)).toContain('（YQ-XX2）');
    expect((await rankings('explain YQ-NOPE')).text).toBe(
      '没有找到基层党组织“YQ-NOPE”。请使用代码（如 YQ-ZX1）或全称。',
    );
  });
});

describe('exemptions', () => {
  it('when a leader exempts a branch from a task, then it leaves the denominator, the reason is shown, and it is audited; unexempting restores it', async () => {
    await seedJune(bot.ctx.db);
    await bot.driver.command({
      command: '/pacesetter',
      text: 'exempt YQ-XX2 a03-commit 校舍改造，党员集中外出培训',
      user_id: LEADER,
    });
    expect(lastReply().text).toBe(
      '第二小学党支部已免报 A03-COMMIT（组织党员公开承诺并登记承诺内容），不再计入得分。理由：校舍改造，党员集中外出培训',
    );
    const text = shown((await rankings('explain YQ-XX2')).blocks);
    expect(text).toContain('（YQ-XX2）· 33.3');
    expect(text).toMatch(/➖ `A03-COMMIT`.* — 已免报 — 已免报，不计入：校舍改造，党员集中外出培训/);
    expect(text).toContain('*合计* 1 ÷ 3 = *33.3*');
    const granted = await listAudit(bot.ctx.db, { action: 'exemption.grant' });
    expect(granted).toHaveLength(1);
    expect(granted[0]).toMatchObject({
      actor: LEADER,
      details: { reason: '校舍改造，党员集中外出培训', branchId: await branchId(bot.ctx.db, 'YQ-XX2') },
    });

    await bot.driver.command({ command: '/pacesetter', text: 'exempt YQ-XX2 A03-COMMIT again', user_id: LEADER });
    expect(lastReply().text).toBe('第二小学党支部已免报 A03-COMMIT。');

    await bot.driver.command({ command: '/pacesetter', text: 'unexempt YQ-XX2 A03-COMMIT', user_id: LEADER });
    expect(lastReply().text).toBe('已取消第二小学党支部对 A03-COMMIT 的免报，重新计入得分。');
    expect(shown((await rankings('explain YQ-XX2')).blocks)).toContain('· 25.0');
    expect(await listAudit(bot.ctx.db, { action: 'exemption.revoke' })).toHaveLength(1);
  });

  it('when the task does not apply or does not exist, then nothing is exempted', async () => {
    await bot.driver.command({ command: '/pacesetter', text: 'exempt YQ-XX2 A02-SELFCHECK not ours', user_id: LEADER });
    expect(lastReply().text).toBe('A02-SELFCHECK 不适用于第二小学党支部，无需免报。');
    await bot.driver.command({ command: '/pacesetter', text: 'exempt YQ-XX2 A99-NONE why', user_id: LEADER });
    expect(lastReply().text).toBe('2011 年工作安排中没有任务“A99-NONE”。');
    await bot.driver.command({ command: '/pacesetter', text: 'exempt YQ-XX2 A03-COMMIT', user_id: LEADER });
    expect(lastReply().text).toContain('用法：`/pacesetter exempt 组织 任务 理由`');
    expect(await bot.ctx.db.selectFrom('exemptions').selectAll().execute()).toEqual([]);
  });

  it('when a secretary or the campaign office tries to exempt, then it is refused and logged', async () => {
    for (const user of [SECRETARY, ADMIN]) {
      await bot.driver.command({ command: '/pacesetter', text: 'exempt YQ-ZX1 A03-COMMIT please', user_id: user });
      expect(lastReply().text).toBe('此操作仅限领导。本次尝试已记录。');
    }
    expect(await bot.ctx.db.selectFrom('exemptions').selectAll().execute()).toEqual([]);
    expect((await listAudit(bot.ctx.db, { action: 'access.denied' })).map((d) => d.actor)).toEqual([SECRETARY, ADMIN]);
  });
});

describe('change since last month', () => {
  it('when a month has passed, then the arrows compare with the ranking kept then, not with a recomputation', async () => {
    // May 20: YQ-XX2 alone did A07-COBUILD (due May 10): it leads; the rest share second place.
    bot.clock.set('2011-05-20T10:00:00+08:00');
    await putReport(bot.ctx.db, { branch: 'YQ-XX2', obligation: 'A07-COBUILD' });
    const may = shown((await rankings()).blocks);
    expect(may).toContain('*1.* 第二小学党支部 (YQ-XX2) 100.0');
    expect(may).toContain('名次变化从下月起显示');
    const snapshot = await bot.ctx.db
      .selectFrom('ranking_snapshots')
      .selectAll()
      .where('month', '=', '2011-05')
      .execute();
    expect(snapshot).toHaveLength(10);

    // A report is back-dated into May after the snapshot: May's snapshot keeps what was shown then.
    await putReport(bot.ctx.db, {
      branch: 'YQ-ZX1',
      obligation: 'A07-COBUILD',
      submittedAt: '2011-05-09T02:00:00.000Z',
    });
    await rankings();
    const again = await bot.ctx.db.selectFrom('ranking_snapshots').selectAll().where('month', '=', '2011-05').execute();
    expect(again).toEqual(snapshot);

    bot.clock.set('2011-06-20T10:00:00+08:00');
    for (const o of ['A03-COMMIT', 'A08-REGISTER', 'A01-NOMINATE'])
      await putReport(bot.ctx.db, { branch: 'YQ-ZX1', obligation: o });
    const june = shown((await rankings()).blocks);
    expect(june).toContain('*1.* 延庆一中党总支 (YQ-ZX1) 100.0 ▲1');
    expect(june).toContain('*2.* 第二小学党支部 (YQ-XX2) 25.0 ▼1');
    expect(june).toContain('箭头：与 2011-05 排名相比上升或下降的名次。');
    expect(
      await bot.ctx.db.selectFrom('ranking_snapshots').selectAll().where('month', '=', '2011-06').execute(),
    ).toHaveLength(10);
    expect(await listAudit(bot.ctx.db, { action: 'ranking.snapshot' })).toHaveLength(2);
  });
});

describe('/pacesetter help', () => {
  it('when each role asks for help, then each is shown what it may do', async () => {
    const helpFor = async (user: string, text = 'help') => {
      await bot.driver.command({ command: '/pacesetter', text, user_id: user });
      return lastReply().text!;
    };
    const leader = await helpFor(LEADER, '');
    expect(leader).toContain('`/pacesetter notice`');
    expect(leader).toContain('`/pacesetter export [年份]`');
    const admin = await helpFor(ADMIN);
    expect(admin).toContain('`/rankings 说明 组织`');
    expect(admin).toContain('通报、免报和导出仅限领导。');
    expect(await helpFor(SECRETARY)).toBe('`/pacesetter` 和 `/rankings` 命令供领导使用。书记请用 `/report` 报送。');
    await bot.setLocale(LEADER, 'en-US');
    expect(await helpFor(LEADER, 'whatever')).toContain('*Leaders*');
  });
});

describe('leaders only', () => {
  it('when a secretary tries any leaders’ subcommand, then each is refused in their language, logged, and nothing happens', async () => {
    await bot.setLocale(SECRETARY, 'en-US');
    const texts = [
      'notice',
      'notices',
      'exempt YQ-ZX1 A03-COMMIT why',
      'unexempt YQ-ZX1 A03-COMMIT',
      'export',
      'export 2011',
    ];
    for (const text of texts) {
      await bot.driver.command({ command: '/pacesetter', text, user_id: SECRETARY });
      expect(lastReply().text).toBe('Only leaders may do that. The attempt was logged.');
    }
    expect(bot.fake.callsTo('views.open')).toEqual([]);
    expect(bot.fake.uploads).toEqual([]);
    const denied = await listAudit(bot.ctx.db, { action: 'access.denied' });
    expect(denied.map((d) => d.subject_type)).toEqual([
      'command./pacesetter notice',
      'command./pacesetter notices',
      'command./pacesetter exempt',
      'command./pacesetter unexempt',
      'command./pacesetter export',
      'command./pacesetter export',
    ]);
  });
});
