/**
 * An innovation project through its six stages over signed HTTP and the fake Slack: registered by
 * the branch, confirmed and guided by a leader, applied with, sent back once with a comment and
 * applied with again, assessed by three assessors who cannot read each other's scores until all
 * have scored, reviewed by the committee and awarded by the admin, announced once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit.js';
import { assessorSheets } from '../../db/queries/projects.js';
import { closeChecked, type TestBot } from '../helpers/bot.js';
import {
  branchIdOf,
  buttonsIn,
  channel,
  channelPosts,
  denied,
  dmsTo,
  errorsOf,
  lastEphemeral,
  multi,
  number,
  openBy,
  P,
  personIdOf,
  press,
  select,
  slash,
  submit,
  text,
  textOf,
  shownView,
  startWithLeaders,
  type ShownView,
} from '../helpers/projects.js';

let bot: TestBot;
beforeEach(async () => {
  bot = await startWithLeaders('2011-05-20T10:00:00+08:00');
});
afterEach(() => closeChecked(bot));

const registration = (title = '“党员先锋岗”创建工程') => ({
  title: text(title),
  aims: text('发挥党员教师在教学一线的先锋模范作用'),
  approach: text('每个年级设立党员先锋岗，亮身份、亮承诺'),
  expected: text('党员教师带头上示范课，带动青年教师成长'),
});

async function stageOf(projectId: number): Promise<string | null> {
  const row = await bot.ctx.db
    .selectFrom('project_events')
    .select('to_stage')
    .where('project_id', '=', projectId)
    .where('kind', '=', 'stage')
    .orderBy('seq', 'desc')
    .executeTakeFirst();
  return row?.to_stage ?? null;
}

/** The application form of YQ-ZX1's project, its results and one link filled in. */
const application = () => ({
  results: text('全校设立先锋岗12个，党员示范课40节'),
  links: text('https://example.org/xfg/summary.docx'),
});

async function register(user: string = P.secZx1, branch = 'YQ-ZX1'): Promise<number> {
  const view = await openBy(bot, user, 'project_register', String(await branchIdOf(bot, branch)));
  expect(view.callback_id).toBe('project_register_submit');
  expect(errorsOf(await submit(bot, user, view, registration()))).toBeNull();
  const row = await bot.ctx.db.selectFrom('projects').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
  return row.id;
}

function scoreValues(view: ShownView, scores: Record<string, string>, comment: string | null = '思路新颖，可推广') {
  const values: Record<string, Record<string, unknown>> = {};
  for (const b of view.blocks)
    if (b.block_id?.startsWith('score_')) values[b.block_id] = number(scores[b.block_id.slice(6)] ?? null);
  values.comment = text(comment);
  return values;
}

const ASSESSORS = [P.leader2, P.leader3, P.leader4];

async function toApplication(id: number) {
  const accept = await openBy(bot, P.leader2, 'project_accept', String(id));
  expect(errorsOf(await submit(bot, P.leader2, accept, { comment: text(null) }))).toBeNull();
  const apply = await openBy(bot, P.secZx1, 'project_apply', String(id));
  expect(errorsOf(await submit(bot, P.secZx1, apply, application()))).toBeNull();
}

async function assign(id: number, assessors: string[] = ASSESSORS) {
  const view = await openBy(bot, P.admin, 'project_assign', String(id));
  const ids = await Promise.all(assessors.map((a) => personIdOf(bot, a)));
  return submit(bot, P.admin, view, { assessors: multi(ids.map(String)), comment: text(null) });
}

async function score(id: number, who: string, scores: Record<string, string>) {
  const view = await openBy(bot, who, 'project_score', String(id));
  return submit(bot, who, view, scoreValues(view, scores));
}

const NINES = { innovation: '9', practicability: '9', effect: '9', spread: '9' };

describe('an innovation project through its six stages', () => {
  it('when a branch registers, is guided, applies, is sent back once, assessed by three, reviewed and awarded, then each move is one audited event and the award is announced once', async () => {
    // 1. 项目备案: from /project, the secretary's Register button.
    await slash(bot, P.secZx1, '/project');
    const list = lastEphemeral(bot);
    const zx1 = await branchIdOf(bot, 'YQ-ZX1');
    expect(buttonsIn(list.blocks)).toContainEqual({ action_id: 'project_register', value: String(zx1) });
    const id = await register();
    expect(await stageOf(id)).toBe('registration');
    // Registering reports the plan's A08-REGISTER for the branch, on time: reminders and rankings follow.
    const report = await bot.ctx.db
      .selectFrom('reports')
      .innerJoin('obligations', 'obligations.id', 'reports.obligation_id')
      .select(['reports.status', 'reports.on_time', 'reports.summary'])
      .where('obligations.code', '=', 'A08-REGISTER')
      .where('reports.branch_id', '=', zx1)
      .executeTakeFirstOrThrow();
    expect(report).toMatchObject({ status: 'submitted', on_time: 1 });
    expect(report.summary).toContain('“党员先锋岗”创建工程');
    expect(dmsTo(bot, P.leader2).at(-1)).toContain('备案了创新项目 P-');

    // 2. 指导实施: a leader confirms the registration, gives guidance; the branch posts progress.
    const accept = await openBy(bot, P.leader2, 'project_accept', String(id));
    expect(errorsOf(await submit(bot, P.leader2, accept, { comment: text('方案可行，请抓好落实') }))).toBeNull();
    expect(await stageOf(id)).toBe('implementation');
    const guide = await openBy(bot, P.leader2, 'project_guidance', String(id));
    await submit(bot, P.leader2, guide, { comment: text('建议每月开展一次先锋岗展示'), links: text(null) });
    expect(dmsTo(bot, P.secZx1).at(-1)).toContain('建议每月开展一次先锋岗展示');
    const progress = await openBy(bot, P.secZx1, 'project_progress', String(id));
    await submit(bot, P.secZx1, progress, {
      comment: text('已设立先锋岗12个'),
      links: text('https://example.org/xfg/photos|1'),
    });

    // 3. 项目申报: evidence is required.
    bot.clock.set('2011-06-10T10:00:00+08:00');
    const apply = await openBy(bot, P.secZx1, 'project_apply', String(id));
    expect(errorsOf(await submit(bot, P.secZx1, apply, { results: text('成效明显'), links: text(null) }))).toEqual({
      links: '请至少提供一个佐证材料链接。',
    });
    expect(await stageOf(id)).toBe('implementation');
    expect(errorsOf(await submit(bot, P.secZx1, apply, application()))).toBeNull();
    expect(await stageOf(id)).toBe('application');

    // Back once: an admin returns it to guided implementation, which needs a comment.
    const back = await openBy(bot, P.admin, 'project_back', String(id));
    expect(
      errorsOf(await submit(bot, P.admin, back, { stage: select('implementation'), comment: text(null) })),
    ).toEqual({
      comment: '退回项目须说明理由。',
    });
    expect(await stageOf(id)).toBe('application');
    expect(
      errorsOf(
        await submit(bot, P.admin, back, { stage: select('implementation'), comment: text('请补充示范课的听课记录') }),
      ),
    ).toBeNull();
    expect(await stageOf(id)).toBe('implementation');
    expect(dmsTo(bot, P.secZx1).at(-1)).toContain('请补充示范课的听课记录');
    const again = await openBy(bot, P.secZx1, 'project_apply', String(id));
    await submit(bot, P.secZx1, again, {
      results: text('补充听课记录40份'),
      links: text('https://example.org/xfg/summary-v2.docx'),
    });
    expect(await stageOf(id)).toBe('application');

    // 4. 项目评估: the admin assigns exactly three leaders.
    bot.clock.set('2011-11-01T10:00:00+08:00');
    expect(errorsOf(await assign(id, [P.leader2, P.leader3]))).toEqual({ assessors: '请选择 3 名评估专家。' });
    expect(errorsOf(await assign(id))).toBeNull();
    expect(await stageOf(id)).toBe('assessment');

    // Each scores every criterion; until all have, no one reads the others' sheets.
    const first = await openBy(bot, P.leader2, 'project_score', String(id));
    expect(textOf(first.blocks)).toContain('目前 3 人中已有 0 人评分');
    expect(errorsOf(await submit(bot, P.leader2, first, scoreValues(first, { ...NINES, effect: '11' })))).toEqual({
      score_effect: '请填写 0 到 10 之间的整数。',
    });
    expect(errorsOf(await submit(bot, P.leader2, first, scoreValues(first, NINES)))).toBeNull();
    const l2 = await personIdOf(bot, P.leader2);
    const l3 = await personIdOf(bot, P.leader3);
    expect(await assessorSheets(bot.ctx.db, id, l3)).toEqual({ status: 'hidden', assigned: 3, scored: 1, own: null });
    const own = await assessorSheets(bot.ctx.db, id, l2);
    expect(own.status).toBe('hidden');
    // The card a leader opens shows who has scored, never what.
    await bot.driver.command({ command: '/project', text: `P-${String(id).padStart(4, '0')}`, user_id: P.leader1 });
    expect(textOf(shownView(bot).blocks)).not.toContain('平均');
    expect(
      errorsOf(await score(id, P.leader3, { innovation: '8', practicability: '9', effect: '9', spread: '8' })),
    ).toBeNull();
    expect(await stageOf(id)).toBe('assessment');
    expect(errorsOf(await score(id, P.leader4, NINES))).toBeNull();
    expect(await stageOf(id)).toBe('review');
    expect(await assessorSheets(bot.ctx.db, id, l3)).toMatchObject({ status: 'complete', assigned: 3 });
    const rows = await bot.ctx.db.selectFrom('project_scores').selectAll().where('project_id', '=', id).execute();
    expect(rows).toHaveLength(12);

    // 5. 综合评审: the ranked list, the automatic proposal, the admin's confirmation.
    await slash(bot, P.leader2, '/project', 'review');
    const review = lastEphemeral(bot);
    expect(textOf(review.blocks)).toContain('综合评审：1 个项目');
    expect(textOf(review.blocks)).toMatch(/\*8\.8[0-9]\*/);
    const plan = buttonsIn(review.blocks).find((b) => b.action_id === 'project_propose')!.value;
    await press(bot, P.leader2, 'project_propose', plan);
    const proposed = await bot.ctx.db
      .selectFrom('project_tiers')
      .selectAll()
      .where('project_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(proposed).toMatchObject({ tier: 'first', reason: null, announcement_id: null });

    // 6. 项目奖励: confirmed, announced once in the channel, final.
    const confirm = await openBy(bot, P.admin, 'project_confirm', plan);
    expect(textOf(confirm.blocks)).toContain('一等奖：1 个');
    const res = await submit(bot, P.admin, confirm, { channel: channel('C0AWARDS') });
    expect(errorsOf(res)).toBeNull();
    expect(await stageOf(id)).toBe('award');
    // Slack retries the submission: nothing is posted twice.
    await submit(bot, P.admin, confirm, { channel: channel('C0AWARDS') });
    const posts = channelPosts(bot, 'C0AWARDS');
    expect(posts.filter((p) => !p.args.thread_ts)).toHaveLength(1);
    expect(String(posts[0]!.args.text)).toContain('创新项目评选结果：1 个项目获奖');
    expect(textOf(posts.map((p) => p.args.blocks))).toContain('“党员先锋岗”创建工程');
    expect(posts.filter((p) => p.args.thread_ts)).toHaveLength(1);

    // The history: one event per move, each audited; back once with its comment.
    const events = await bot.ctx.db
      .selectFrom('project_events')
      .select(['kind', 'from_stage', 'to_stage', 'comment'])
      .where('project_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(events.filter((e) => e.kind === 'stage').map((e) => `${e.from_stage ?? '-'}→${e.to_stage}`)).toEqual([
      '-→registration',
      'registration→implementation',
      'implementation→application',
      'application→implementation',
      'implementation→application',
      'application→assessment',
      'assessment→review',
      'review→award',
    ]);
    expect(events.find((e) => e.to_stage === 'implementation' && e.from_stage === 'application')?.comment).toBe(
      '请补充示范课的听课记录',
    );
    expect(events.filter((e) => e.kind !== 'stage').map((e) => e.kind)).toEqual(['guidance', 'progress']);
    const audited = (await listAudit(bot.ctx.db, { subjectType: 'project', subjectId: String(id) })).map(
      (a) => a.action,
    );
    expect(audited.filter((a) => a === 'project.move')).toHaveLength(3);
    expect(audited).toEqual(
      expect.arrayContaining(['project.register', 'project.apply', 'project.assign', 'project.score']),
    );
    expect((await listAudit(bot.ctx.db, { action: 'project.confirm' })).length).toBe(1);

    // The branch sees the award on its App Home; the award is final.
    await bot.driver.event({ type: 'app_home_opened', user: P.secZx1, channel: `D${P.secZx1}`, tab: 'home' });
    expect(textOf(bot.fake.homeOf(P.secZx1)?.view.blocks as unknown[])).toContain('一等奖');
    const finalBack = await press(bot, P.leader2, 'project_back', String(id));
    expect(finalBack.status).toBe(200);
    expect(await stageOf(id)).toBe('award');
  });
});

describe('bad input about projects: a clear message, nothing stored, the attempt audited', () => {
  it('when the registration is after its date or over the branch quota, then it is refused', async () => {
    await register();
    const count = async () => (await bot.ctx.db.selectFrom('projects').select('id').execute()).length;
    // The quota (one a branch): the button says so, a forged submission is refused.
    await press(bot, P.secZx1, 'project_register', String(await branchIdOf(bot, 'YQ-ZX1')));
    expect(textOf(shownView(bot).blocks)).toContain('最多 1 个');
    const view = await openBy(bot, P.secZx2, 'project_register', String(await branchIdOf(bot, 'YQ-ZX2')));
    const forged = {
      ...view,
      id: 'VFORGED1',
      private_metadata: view.private_metadata.replace(/"b":\d+/, `"b":${await branchIdOf(bot, 'YQ-ZX1')}`),
    };
    const before = await denied(bot, P.secZx2);
    await submit(bot, P.secZx2, forged, registration('另一个项目'));
    expect(await denied(bot, P.secZx2)).toBe(before + 1);
    // After May 31.
    bot.clock.set('2011-06-01T10:00:00+08:00');
    const deniedBefore = await denied(bot, P.secZx2);
    const late = await submit(bot, P.secZx2, { ...view, id: 'VLATE' }, registration('迟到的项目'));
    expect(errorsOf(late)).toEqual({ title: expect.stringContaining('项目备案已于 2011-05-31 截止') });
    expect(await denied(bot, P.secZx2)).toBe(deniedBefore + 1);
    expect(await count()).toBe(1);
  });

  it('when a score is outside 0–10, then it is refused under its field and nothing is stored', async () => {
    const id = await register();
    await toApplication(id);
    await assign(id);
    const view = await openBy(bot, P.leader2, 'project_score', String(id));
    const before = await denied(bot, P.leader2);
    const res = await submit(bot, P.leader2, view, scoreValues(view, { ...NINES, innovation: '-1', spread: '10.5' }));
    expect(errorsOf(res)).toEqual({
      score_innovation: '请填写 0 到 10 之间的整数。',
      score_spread: '请填写 0 到 10 之间的整数。',
    });
    expect(await denied(bot, P.leader2)).toBe(before + 1);
    expect(await bot.ctx.db.selectFrom('project_scores').selectAll().execute()).toEqual([]);
  });

  it('when an assessor of the project’s own branch is chosen or scores, then both are refused', async () => {
    // YQ-JG1's project: 黄卫东 is a member of YQ-JG1.
    const id = await register(P.secJg1, 'YQ-JG1');
    const accept = await openBy(bot, P.leader2, 'project_accept', String(id));
    await submit(bot, P.leader2, accept, { comment: text(null) });
    const apply = await openBy(bot, P.secJg1, 'project_apply', String(id));
    await submit(bot, P.secJg1, apply, { results: text('成效'), links: text('https://example.org/jg1') });
    const view = await openBy(bot, P.admin, 'project_assign', String(id));
    expect(textOf(view.blocks)).not.toContain('黄卫东');
    const own = await Promise.all([P.leader1, P.leader2, P.leader3].map((a) => personIdOf(bot, a)));
    const res = await submit(bot, P.admin, view, { assessors: multi(own.map(String)), comment: text(null) });
    expect(errorsOf(res)).toEqual({ assessors: expect.stringContaining('不属于该项目所在组织') });
    expect(await stageOf(id)).toBe('application');
    // Assigned before the roster moved 黄卫东 (simulated): his score is refused all the same.
    expect(errorsOf(await assign(id))).toBeNull();
    await bot.ctx.db
      .insertInto('project_assessors')
      .values({
        project_id: id,
        assessor_id: own[0]!,
        assigned_by: own[1]!,
        assigned_at: '2011-05-20T02:00:00.000Z',
        scored_at: null,
        comment: null,
      })
      .execute();
    const scoreView = await openBy(bot, P.leader2, 'project_score', String(id));
    const before = await denied(bot, P.leader1);
    const forged = await submit(bot, P.leader1, { ...scoreView, id: 'VOWN' }, scoreValues(scoreView, NINES));
    expect(errorsOf(forged)).toEqual({ comment: '不能评估本组织的项目。未保存任何内容；本次尝试已记录。' });
    expect(await denied(bot, P.leader1)).toBe(before + 1);
    expect(
      await bot.ctx.db.selectFrom('project_scores').selectAll().where('assessor_id', '=', own[0]!).execute(),
    ).toEqual([]);
  });

  it('when someone who may not moves a stage, then it is refused and audited', async () => {
    const id = await register();
    const accept = await openBy(bot, P.leader2, 'project_accept', String(id));
    // A secretary submits the leaders' confirmation.
    const s = await denied(bot, P.secZx1);
    await submit(bot, P.secZx1, { ...accept, id: 'VSEC' }, { comment: text(null) });
    expect(await denied(bot, P.secZx1)).toBe(s + 1);
    // An admin may send back, but the registration is a leader's to confirm.
    const a = await denied(bot, P.admin);
    const res = await submit(bot, P.admin, { ...accept, id: 'VADM' }, { comment: text(null) });
    expect(errorsOf(res)).toEqual({ comment: '您无权将项目变更到该环节。本次尝试已记录。' });
    expect(await denied(bot, P.admin)).toBe(a + 1);
    // A member cannot even open a project's card of their branch.
    const m = await denied(bot, P.member);
    await press(bot, P.member, 'project_open', String(id));
    expect(await denied(bot, P.member)).toBe(m + 1);
    expect(await stageOf(id)).toBe('registration');
  });

  it('when a tier is adjusted beyond its quota or below its lowest score, then it is refused', async () => {
    const ids: number[] = [];
    for (const [sec, branch] of [
      [P.secZx1, 'YQ-ZX1'],
      [P.secZx2, 'YQ-ZX2'],
    ] as const) {
      const id = await register(sec, branch);
      const accept = await openBy(bot, P.leader2, 'project_accept', String(id));
      await submit(bot, P.leader2, accept, { comment: text(null) });
      const apply = await openBy(bot, sec, 'project_apply', String(id));
      await submit(bot, sec, apply, { results: text('成效'), links: text('https://example.org/x') });
      await assign(id);
      for (const a of ASSESSORS)
        await score(
          id,
          a,
          branch === 'YQ-ZX1' ? NINES : { innovation: '5', practicability: '5', effect: '5', spread: '5' },
        );
      ids.push(id);
    }
    await slash(bot, P.leader2, '/project', 'review');
    const plan = buttonsIn(lastEphemeral(bot).blocks).find((b) => b.action_id === 'project_adjust')!.value;
    const adjust = await openBy(bot, P.leader2, 'project_adjust', plan);
    const res = await submit(bot, P.leader2, adjust, {
      project: text(`P-${ids[1]}`),
      tier: select('third'),
      reason: text('推广价值大'),
    });
    expect(errorsOf(res)).toEqual({ tier: '该项目平均分低于三等奖的最低分 6.5。' });
    expect(await bot.ctx.db.selectFrom('project_tiers').selectAll().execute()).toEqual([]);
  });
});
