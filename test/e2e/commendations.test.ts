/**
 * A commendation round (七一表彰) over signed HTTP and the fake Slack: nominations with their
 * quotas and eligibility, the leaders' review and shortlist within the quota, the publicity posted
 * once with an objection upheld and one dismissed, and the final list announced once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit.js';
import { branchAwards } from '../../db/queries/commendations.js';
import { registerProject } from '../../db/queries/projects.js';
import { closeChecked, type TestBot } from '../helpers/bot.js';
import { loadPlan, PLAN_2011, tempDir } from '../helpers/db.js';
import { putReport } from '../helpers/leaders.js';
import {
  aRegistration,
  branchIdOf,
  buttonsIn,
  channel,
  channelPosts,
  denied,
  dmsTo,
  errorsOf,
  lastEphemeral,
  openBy,
  P,
  personIdOf,
  seedProject,
  press,
  radio,
  select,
  slash,
  submit,
  text,
  textOf,
  url,
  user,
  shownView,
  startWithLeaders,
  type ShownView,
} from '../helpers/projects.js';

let bot: TestBot;
beforeEach(async () => {
  bot = await startWithLeaders('2011-06-10T10:00:00+08:00');
});
afterEach(() => closeChecked(bot));

const category = (c: string) => JSON.stringify({ r: 'JULY1', c });

async function nominations() {
  return bot.ctx.db.selectFrom('nominations').selectAll().orderBy('id').execute();
}

async function openNominate(secretary: string, c: string): Promise<ShownView> {
  return openBy(bot, secretary, 'commend_nominate', category(c));
}

function citation(
  nominee: Record<string, Record<string, unknown>> = {},
  words = '扎根山区教学二十年，带头开展党员示范课。',
) {
  return { ...nominee, citation: text(words), link: url('https://example.org/deeds/1') };
}

/** A project of YQ-ZX1 applied with early, so that it may be nominated on June 10. */
async function appliedProject(): Promise<number> {
  const db = bot.ctx.db;
  const person = await personIdOf(bot, P.secZx1);
  const branch = await branchIdOf(bot, 'YQ-ZX1');
  const meta = { actor: 'test', now: new Date('2011-05-10T02:00:00Z') };
  return seedProject(db, {
    branchId: branch,
    secretaryId: person,
    meta,
    until: 'application',
    title: '党员先锋岗',
    links: ['https://example.org/r'],
    keys: 'VSETUP',
  });
}

async function review(leader: string, nominationId: number, decision: string, comment: string | null = null) {
  const view = await openBy(bot, leader, 'commend_review', String(nominationId));
  return submit(bot, leader, view, { decision: radio(decision), comment: text(comment) });
}

describe('a commendation round from nomination to the final list', () => {
  it('when branches nominate, leaders review and shortlist, the shortlist is publicised with objections upheld and dismissed, then the final list is announced once', async () => {
    // YQ-ZX2 is up to date (nothing overdue on June 10), YQ-ZX1 is not.
    for (const o of ['A07-COBUILD', 'A03-COMMIT', 'A08-REGISTER'])
      await putReport(bot.ctx.db, { branch: 'YQ-ZX2', obligation: o });
    const project = await appliedProject();

    // The secretary's /commend: one Nominate button per category of the July 1 round.
    await slash(bot, P.secZx1, '/commend');
    const mine = lastEphemeral(bot);
    const nominate = buttonsIn(mine.blocks).filter((b) => b.action_id === 'commend_nominate');
    expect(nominate.map((b) => `${JSON.parse(b.value).r}:${JSON.parse(b.value).c}`)).toEqual([
      'JULY1:ADVANCED-BRANCH',
      'JULY1:EXCELLENT-MEMBER',
      'JULY1:EXCELLENT-WORKER',
      'JULY1:EXCELLENT-PROJECT',
      'ETHICS:ETHICS-MODEL',
    ]);

    // 推荐: a person of the branch, with the citation.
    const member = await openNominate(P.secZx1, 'EXCELLENT-MEMBER');
    expect(errorsOf(await submit(bot, P.secZx1, member, citation({ person: user(P.member) })))).toBeNull();
    const second = await openNominate(P.secZx1, 'EXCELLENT-MEMBER');
    expect(errorsOf(await submit(bot, P.secZx1, second, citation({ person: user(P.member2) })))).toBeNull();
    // The first nomination reported A01-NOMINATE for the branch.
    const nominateReport = await bot.ctx.db
      .selectFrom('reports')
      .innerJoin('obligations', 'obligations.id', 'reports.obligation_id')
      .select(['reports.status', 'reports.on_time'])
      .where('obligations.code', '=', 'A01-NOMINATE')
      .where('reports.branch_id', '=', await branchIdOf(bot, 'YQ-ZX1'))
      .execute();
    expect(nominateReport).toEqual([{ status: 'submitted', on_time: 1 }]);
    const projectView = await openNominate(P.secZx1, 'EXCELLENT-PROJECT');
    expect(
      errorsOf(await submit(bot, P.secZx1, projectView, citation({ project: select(String(project)) }))),
    ).toBeNull();
    const zx2 = await openNominate(P.secZx2, 'ADVANCED-BRANCH');
    expect(textOf(zx2.blocks)).toContain('本组织今天有 0 项任务逾期');
    expect(errorsOf(await submit(bot, P.secZx2, zx2, citation({}, '党建工作连续三年全县第一。')))).toBeNull();
    const zx2m = await openNominate(P.secZx2, 'EXCELLENT-MEMBER');
    expect(errorsOf(await submit(bot, P.secZx2, zx2m, citation({ person: user(P.memberZx2) })))).toBeNull();
    const [li, zhao, proj, zx2Branch, chen] = await nominations();
    expect([li, zhao, proj, zx2Branch, chen].map((n) => `${n!.category}:${n!.nominee_key}:${n!.status}`)).toEqual([
      `EXCELLENT-MEMBER:p:${await personIdOf(bot, P.member)}:submitted`,
      `EXCELLENT-MEMBER:p:${await personIdOf(bot, P.member2)}:submitted`,
      `EXCELLENT-PROJECT:j:${project}:submitted`,
      `ADVANCED-BRANCH:b:${await branchIdOf(bot, 'YQ-ZX2')}:submitted`,
      `EXCELLENT-MEMBER:p:${await personIdOf(bot, P.memberZx2)}:submitted`,
    ]);

    // Review: a return needs a comment; the secretary revises; the others are accepted and shortlisted.
    const ret = await openBy(bot, P.leader2, 'commend_review', String(zhao!.id));
    expect(errorsOf(await submit(bot, P.leader2, ret, { decision: radio('return'), comment: text(null) }))).toEqual({
      comment: '退回时请说明理由，以便该组织修改。',
    });
    expect(
      errorsOf(await submit(bot, P.leader2, ret, { decision: radio('return'), comment: text('请补充具体事迹') })),
    ).toBeNull();
    expect(dmsTo(bot, P.secZx1).at(-1)).toContain('请补充具体事迹');
    const revise = await openBy(bot, P.secZx1, 'commend_revise', String(zhao!.id));
    expect(
      errorsOf(await submit(bot, P.secZx1, revise, citation({}, '补充：带领青年教师获市级奖项三项。'))),
    ).toBeNull();
    expect((await nominations())[1]).toMatchObject({
      status: 'submitted',
      citation: '补充：带领青年教师获市级奖项三项。',
    });
    expect(errorsOf(await review(P.leader2, li!.id, 'accept'))).toBeNull();
    for (const n of [li!, proj!, zx2Branch!, chen!])
      expect(errorsOf(await review(P.leader2, n.id, 'shortlist'))).toBeNull();
    expect((await nominations()).map((n) => n.status)).toEqual([
      'shortlisted',
      'submitted',
      'shortlisted',
      'shortlisted',
      'shortlisted',
    ]);

    // 公示: the admin posts the shortlist once; five working days from Monday June 20.
    bot.clock.set('2011-06-20T09:00:00+08:00');
    await slash(bot, P.admin, '/commend');
    const round = buttonsIn(lastEphemeral(bot).blocks).find((b) => b.action_id === 'commend_publicity')!;
    const start = await openBy(bot, P.admin, 'commend_publicity', round.value);
    expect(textOf(start.blocks)).toContain('公示期 2011-06-20 至 2011-06-24（5 个工作日）');
    expect(errorsOf(await submit(bot, P.admin, start, { channel: channel('C0PUBLIC') }))).toBeNull();
    await submit(bot, P.admin, start, { channel: channel('C0PUBLIC') });
    const publicity = channelPosts(bot, 'C0PUBLIC');
    expect(publicity.filter((p) => !p.args.thread_ts)).toHaveLength(1);
    expect(String(publicity[0]!.args.text)).toBe('“七一”表彰：4 名拟表彰对象公示');
    const reply = publicity.find((p) => p.args.thread_ts)!;
    expect(textOf(reply.args.blocks as unknown[])).toContain('李晓梅');
    expect(textOf(reply.args.blocks as unknown[])).not.toContain('赵志强');
    const objectButton = buttonsIn(reply.args.blocks as never).find((b) => b.action_id === 'commend_object')!;
    expect(JSON.parse(objectButton.value)).toEqual({ r: 'JULY1', p: 1 });
    // The shortlist no longer changes.
    await press(bot, P.leader2, 'commend_review', String(zhao!.id));
    expect(textOf(shownView(bot).blocks)).toContain('该表彰已开始公示');

    // 异议: two objections; the admins are told; one upheld, one dismissed, each with a reason.
    const object = async (who: string, nominationId: number, words: string) => {
      const view = await openBy(bot, who, 'commend_object', objectButton.value);
      return submit(bot, who, view, { nominee: select(String(nominationId)), text: text(words) });
    };
    expect(errorsOf(await object(P.member2, li!.id, '该同志本学期有违规补课行为。'))).toBeNull();
    expect(errorsOf(await object(P.memberZx2, chen!.id, '事迹材料夸大。'))).toBeNull();
    expect(dmsTo(bot, P.admin).filter((m) => m.includes('提出异议'))).toHaveLength(2);
    const [o1, o2] = await bot.ctx.db.selectFrom('objections').selectAll().orderBy('id').execute();
    const decide = async (objectionId: number, decision: 'uphold' | 'dismiss', reason: string | null) => {
      const view = await openBy(bot, P.admin, 'commend_objection', String(objectionId));
      return submit(bot, P.admin, view, { decision: radio(decision), reason: text(reason) });
    };
    // Announcing while the period runs, or with objections open, is refused.
    const early = await openBy(bot, P.admin, 'commend_announce', 'JULY1');
    expect(early.submit).toBeUndefined();
    expect(errorsOf(await decide(o1!.id, 'uphold', null))).toEqual({ reason: '请填写此项。' });
    expect(errorsOf(await decide(o1!.id, 'uphold', '经核实，反映情况属实。'))).toBeNull();
    expect(errorsOf(await decide(o2!.id, 'dismiss', '经核实，事迹属实。'))).toBeNull();
    expect(dmsTo(bot, P.member2).at(-1)).toContain('异议成立');
    expect(dmsTo(bot, P.memberZx2).at(-1)).toContain('异议不成立');
    expect((await nominations()).map((n) => n.status)).toEqual([
      'struck',
      'submitted',
      'shortlisted',
      'shortlisted',
      'shortlisted',
    ]);

    // After the period, objections are refused and the final list goes out once.
    bot.clock.set('2011-06-27T09:00:00+08:00');
    const late = await denied(bot, P.member2);
    await press(bot, P.member2, 'commend_object', objectButton.value);
    expect(await denied(bot, P.member2)).toBe(late + 1);
    const announce = await openBy(bot, P.admin, 'commend_announce', 'JULY1');
    expect(announce.submit).toBeDefined();
    expect(errorsOf(await submit(bot, P.admin, announce, {}))).toBeNull();
    await submit(bot, P.admin, announce, {});
    const final = channelPosts(bot, 'C0PUBLIC').filter((p) => String(p.args.text).includes('表彰 3 名'));
    expect(final).toHaveLength(1);
    const finalReply = channelPosts(bot, 'C0PUBLIC').filter(
      (p) => p.args.thread_ts === (final[0]!.response as { ts: string }).ts,
    );
    expect(textOf(finalReply.flatMap((p) => p.args.blocks as unknown[]))).not.toContain('李晓梅');
    expect(textOf(finalReply.flatMap((p) => p.args.blocks as unknown[]))).toContain('陈刚');
    expect((await nominations()).map((n) => n.status)).toEqual([
      'struck',
      'submitted',
      'awarded',
      'awarded',
      'awarded',
    ]);

    // Every step audited; the awards are there for the year-end assessment, per branch.
    const actions = (await listAudit(bot.ctx.db)).map((a) => a.action);
    for (const a of [
      'nomination.submit',
      'nomination.return',
      'nomination.revise',
      'nomination.shortlist',
      'commendation.publicity',
      'objection.raise',
      'objection.uphold',
      'objection.dismiss',
      'commendation.announce',
    ])
      expect(actions).toContain(a);
    const awards = await branchAwards(bot.ctx.db, 1);
    expect(
      awards
        .get(await branchIdOf(bot, 'YQ-ZX2'))
        ?.commendations.map((c) => c.category)
        .sort(),
    ).toEqual(['ADVANCED-BRANCH', 'EXCELLENT-MEMBER']);
    expect(awards.get(await branchIdOf(bot, 'YQ-ZX1'))?.commendations.map((c) => c.category)).toEqual([
      'EXCELLENT-PROJECT',
    ]);
  });
});

describe('bad input about nominations: a clear message, nothing stored, the attempt audited', () => {
  it('when a nomination is over the quota, of someone twice, outside the branch, ineligible or late, then each is refused', async () => {
    const count = async () => (await nominations()).length;
    const tryNominate = async (c: string, values: Record<string, Record<string, unknown>>) => {
      const view = await openNominate(P.secZx1, c);
      const before = await denied(bot, P.secZx1);
      const res = await submit(bot, P.secZx1, view, values);
      return { errors: errorsOf(res), audited: (await denied(bot, P.secZx1)) - before };
    };
    expect((await tryNominate('EXCELLENT-MEMBER', citation({ person: user(P.member) }))).errors).toBeNull();
    // Twice in a category.
    expect(await tryNominate('EXCELLENT-MEMBER', citation({ person: user(P.member) }))).toEqual({
      errors: { person: '该对象已在本表彰的该类别中被推荐。' },
      audited: 1,
    });
    // Outside the branch (by the roster).
    expect(await tryNominate('EXCELLENT-MEMBER', citation({ person: user(P.memberZx2) }))).toEqual({
      errors: { person: '按名单，此人不属于本组织。未保存任何内容；本次尝试已记录。' },
      audited: 1,
    });
    // Not in the roster at all.
    expect((await tryNominate('EXCELLENT-MEMBER', citation({ person: user('U0NOBODY99') }))).errors).toEqual({
      person: '此人不在名单中：只能推荐名单中的人员。',
    });
    // Over the quota: two excellent members a branch.
    expect((await tryNominate('EXCELLENT-MEMBER', citation({ person: user(P.member2) }))).errors).toBeNull();
    const quota = await openNominate(P.secZx1, 'EXCELLENT-MEMBER').catch(() => null);
    expect(quota).not.toBeNull();
    expect(textOf(quota!.blocks)).toContain('本组织在该类别的推荐名额已满：最多 2 名');
    // Ineligible: a branch with overdue tasks cannot be an advanced branch.
    const branch = await tryNominate('ADVANCED-BRANCH', citation());
    expect(branch.errors?.citation).toMatch(/^不符合条件：本组织有 \d+ 项任务逾期，该类别最多允许 0 项。$/);
    expect(branch.audited).toBe(1);
    // Ineligible: a project must have reached the application.
    const person = await personIdOf(bot, P.secZx1);
    const reg = await registerProject(
      bot.ctx.db,
      aRegistration({
        title: '刚备案的项目',
        branchId: await branchIdOf(bot, 'YQ-ZX1'),
        personId: person,
        submissionKey: 'VNEW',
      }),
      { actor: 'test', now: new Date('2011-05-10T02:00:00Z') },
    );
    if (reg.outcome !== 'registered') throw new Error(reg.outcome);
    const stage = await tryNominate('EXCELLENT-PROJECT', citation({ project: select(String(reg.project.id)) }));
    expect(stage.errors).toEqual({ project: '不符合条件：项目处于项目备案环节，须至少达到项目申报环节。' });
    // After the due date.
    const open = await openNominate(P.secZx1, 'EXCELLENT-WORKER');
    bot.clock.set('2011-06-16T09:00:00+08:00');
    const before = await denied(bot, P.secZx1);
    expect(errorsOf(await submit(bot, P.secZx1, open, citation({ person: user(P.secZx1) })))).toEqual({
      citation: '推荐已于 2011-06-15 截止。未保存任何内容；本次尝试已记录。',
    });
    expect(await denied(bot, P.secZx1)).toBe(before + 1);
    expect(await count()).toBe(2);
  });

  it('when a leader shortlists beyond the category quota, then it is refused under the decision', async () => {
    const file = path.join(tempDir(), 'plan.yaml');
    fs.writeFileSync(
      file,
      fs
        .readFileSync(PLAN_2011, 'utf8')
        .replace('quota: { per_branch: 2, total: 30 }', 'quota: { per_branch: 2, total: 1 }'),
    );
    await loadPlan(bot.ctx.db, file);
    for (const [sec, who] of [
      [P.secZx1, P.member],
      [P.secZx2, P.memberZx2],
    ] as const) {
      const view = await openNominate(sec, 'EXCELLENT-MEMBER');
      expect(errorsOf(await submit(bot, sec, view, citation({ person: user(who) })))).toBeNull();
    }
    const [a, b] = await nominations();
    expect(errorsOf(await review(P.leader2, a!.id, 'shortlist'))).toBeNull();
    const res = await review(P.leader2, b!.id, 'shortlist');
    expect(errorsOf(res)).toEqual({ decision: '该类别拟表彰名额已满：1 名。' });
    expect((await nominations()).map((n) => n.status)).toEqual(['shortlisted', 'submitted']);
  });
});
