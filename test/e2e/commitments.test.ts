/**
 * Members' public commitments over signed HTTP and the fake Slack: made, edited, withdrawn, over
 * the limit and after the window refused; listed for the branch and leaders only; locked at the
 * window's close and reopened by a leader for one person; each branch's list posted once; the
 * computed task A03-COMMIT done from the data; fulfilment reported, returned, reported again and
 * confirmed; the reminders.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findJob } from '../../jobs/index.js';
import { commitmentRates } from '../../db/queries/commitments.js';
import { loadBranchFacts } from '../../db/queries/progress.js';
import { planObligations, findPlanByYear } from '../../db/queries/plans.js';
import { runJob } from '../../src/delivery/scheduler.js';
import { itemsByBranch } from '../../src/domain/owed.js';
import { listBranches } from '../../db/queries/people.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { shownView } from '../helpers/reporting.js';
import { EXAMPLE_ROSTER, loadPlan, loadRoster, PLAN_2011, tempDir } from '../helpers/db.js';
import {
  branchIdOf,
  buttonsIn,
  type Block,
  channelPosts,
  denied,
  dmsTo,
  errorsOf,
  lastEphemeral,
  openBy,
  P,
  personIdOf,
  select,
  slash,
  submit,
  text,
  textOf,
} from '../helpers/projects.js';

const CHANNEL = 'C0ZX1CHAN';
let bot: TestBot;

beforeEach(async () => {
  bot = await startBot({ now: '2011-05-20T10:00:00+08:00', drain: { perChannelIntervalMs: 0 } });
  // The 2011 plan with A03-COMMIT computed from the data: done at 60 % of those who must commit.
  const yaml = fs
    .readFileSync(PLAN_2011, 'utf8')
    .replace(/(code: A03-COMMIT[\s\S]*?)kind: report/, '$1kind: commitments\n        threshold: 60');
  const file = path.join(tempDir(), 'plan.yaml');
  fs.writeFileSync(file, yaml);
  await loadPlan(bot.ctx.db, file);
  // YQ-ZX1 names its channel; an activist joins it.
  const csv = fs
    .readFileSync(EXAMPLE_ROSTER, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line, i) =>
      i === 0 ? `${line},branch_channel` : line.startsWith('YQ-ZX1,') ? `${line},${CHANNEL}` : `${line},`,
    )
    .join('\n');
  await loadRoster(bot.ctx.db, `${csv}\nYQ-ZX1,延庆一中党总支,secondary,U0ACT00001,钱小红,member,activist,\n`);
});
afterEach(() => closeChecked(bot));

const ACTIVIST = 'U0ACT00001';

async function commit(user: string, words: string, area: string | null = null) {
  await slash(bot, user, '/commit');
  const add = buttonsIn(lastEphemeral(bot).blocks).find((b) => b.action_id === 'commit_add');
  expect(add).toBeDefined();
  const view = await openBy(bot, user, 'commit_add', add!.value);
  expect(view.callback_id).toBe('commit_submit');
  return submit(bot, user, view, { text: text(words), area: select(area) });
}

/** The fulfilment form: how it went, the note and the link. */
const fulfilment = (outcome: string, note: string, link: string | null) => ({
  outcome: select(outcome),
  note: text(note),
  link: text(link),
});

async function a03State(): Promise<string> {
  const plan = (await findPlanByYear(bot.ctx.db, 2011))!;
  const [obligations, facts, branches] = await Promise.all([
    planObligations(bot.ctx.db, plan),
    loadBranchFacts(bot.ctx.db, plan.id),
    listBranches(bot.ctx.db),
  ]);
  const today = '2011-05-20';
  const items = itemsByBranch({ obligations, branches, today, ...facts });
  const zx1 = await branchIdOf(bot, 'YQ-ZX1');
  return items.get(zx1)!.find((i) => i.obligation.code === 'A03-COMMIT')!.state;
}

/** The text and blocks of the last DM to a person. */
function lastDm(user: string): string {
  const call = bot.fake
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === user)
    .at(-1);
  return call ? `${String(call.args.text)} ${JSON.stringify(call.args.blocks ?? [])}` : '';
}

async function run(at: string) {
  bot.clock.set(at);
  return runJob(bot.ctx, findJob('commitments')!, { now: bot.clock.now() });
}

describe('public commitments', () => {
  it('when members commit, edit and withdraw in the window, then the list is public to the branch and leaders, the computed task follows the data, and the window closes with one post per branch', async () => {
    expect(errorsOf(await commit(P.member, '每学期上好一节党员示范课 <b>&', 'duties'))).toBeNull();
    expect(dmsTo(bot, P.member).at(-1)).toContain('你的公开承诺已登记');
    // Escaped where shown.
    expect(dmsTo(bot, P.member).at(-1)).toContain('&lt;b&gt;&amp;');
    expect(await a03State()).not.toMatch(/^done/);

    // Over 200 characters: an inline error, nothing stored, the refusal audited.
    const before = await denied(bot, P.member2);
    const long = await commit(P.member2, '长'.repeat(201));
    expect(errorsOf(long)).toEqual({ text: expect.stringContaining('200') });
    expect(await denied(bot, P.member2)).toBe(before + 1);
    expect(await bot.ctx.db.selectFrom('commitments').selectAll().execute()).toHaveLength(1);

    expect(errorsOf(await commit(P.member2, '结对帮扶两名学困生', 'service'))).toBeNull();
    // 2 of 4 required (secretary, two members, the activist): 50 %, under the threshold of 60 %.
    expect(await a03State()).toBe('open');
    expect(errorsOf(await commit(ACTIVIST, '认真学习党章', 'study'))).toBeNull();
    expect(await a03State()).toBe('done_on_time');

    // Edit, then the edit shows in the list.
    await slash(bot, P.member, '/commit');
    const edit = buttonsIn(lastEphemeral(bot).blocks).find((b) => b.action_id === 'commit_edit')!;
    const editView = await openBy(bot, P.member, 'commit_edit', edit.value);
    expect(
      errorsOf(await submit(bot, P.member, editView, { text: text('每月上好一节党员示范课'), area: select('duties') })),
    ).toBeNull();

    // A member of the branch lists it; a member of another branch may not; a leader may.
    await slash(bot, P.member2, '/commit', 'list');
    expect(textOf(lastEphemeral(bot).blocks)).toContain('每月上好一节党员示范课');
    expect(textOf(lastEphemeral(bot).blocks)).toContain('已承诺3人');
    const refused = await denied(bot, P.memberZx2);
    await slash(bot, P.memberZx2, '/commit', 'list YQ-ZX1');
    expect(lastEphemeral(bot).text).toContain('向本组织人员和领导公开');
    expect(await denied(bot, P.memberZx2)).toBe(refused + 1);
    await slash(bot, P.leader1, '/commit', 'list YQ-ZX1');
    expect(textOf(lastEphemeral(bot).blocks)).toContain('结对帮扶两名学困生');

    // Withdraw: no longer listed or counted.
    await slash(bot, P.member2, '/commit');
    const withdraw = buttonsIn(lastEphemeral(bot).blocks).find((b) => b.action_id === 'commit_withdraw')!;
    await bot.driver.blockAction({
      user_id: P.member2,
      actions: [{ action_id: 'commit_withdraw', value: withdraw.value }],
    });
    const plan = (await findPlanByYear(bot.ctx.db, 2011))!;
    const zx1 = String(await branchIdOf(bot, 'YQ-ZX1'));
    expect((await commitmentRates(bot.ctx.db, plan.id)).get(zx1)).toMatchObject({ required: 4, committed: 2 });

    // /report refuses the computed task, saying why.
    await slash(bot, P.secZx1, '/report', 'A03-COMMIT');
    expect(lastEphemeral(bot).text).toContain('不用 /report 报送');

    // After the window: locked; the modal is refused with a message, nothing stored.
    bot.clock.set('2011-06-01T10:00:00+08:00');
    await slash(bot, P.member2, '/commit');
    expect(buttonsIn(lastEphemeral(bot).blocks).map((b) => b.action_id)).not.toContain('commit_add');
    await bot.driver.blockAction({ user_id: P.member2, actions: [{ action_id: 'commit_add', value: 'new' }] });
    expect(JSON.stringify(bot.fake.callsTo('views.open').at(-1)?.args)).toContain('已于2011-05-31截止');

    // A member may not reopen; a leader reopens one person's, who then commits.
    await slash(bot, P.member, '/commit', `reopen <@${P.member2}|赵志强>`);
    expect(lastEphemeral(bot).text).toContain('只有领导');
    await slash(bot, P.leader1, '/commit', `reopen <@${P.member2}|赵志强> 2011-06-10`);
    expect(lastEphemeral(bot).text).toContain('至2011-06-10');
    expect(errorsOf(await commit(P.member2, '坚持家访全覆盖'))).toBeNull();

    // The window-close post: once per branch with a channel, the list in it.
    await run('2011-06-01T09:00:00+08:00');
    await run('2011-06-02T09:00:00+08:00');
    const posts = channelPosts(bot, CHANNEL);
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0]!.args.blocks)).toContain('坚持家访全覆盖');
    expect(await bot.ctx.db.selectFrom('commitment_posts').selectAll().execute()).toHaveLength(1);
  });

  it('when a member reports fulfilment at year end, then the secretary returns it with a commentary, the member reports again and the secretary confirms; nobody confirms their own; reminders go to who has something to do', async () => {
    expect(errorsOf(await commit(P.member, '每月上好一节党员示范课', 'duties'))).toBeNull();
    expect(errorsOf(await commit(P.secZx1, '带头讲党课'))).toBeNull();

    // Before the window closes, the members who have not committed are reminded (7 days before).
    await run('2011-05-24T09:00:00+08:00');
    expect(lastDm(P.member2)).toContain('你还没有公开承诺');
    expect(dmsTo(bot, P.member).filter((m) => m.includes('公开承诺：'))).toHaveLength(0);

    bot.clock.set('2011-12-05T10:00:00+08:00');
    await slash(bot, P.member, '/commit');
    const fulfil = buttonsIn(lastEphemeral(bot).blocks).find((b) => b.action_id === 'commit_fulfil')!;
    const view = await openBy(bot, P.member, 'commit_fulfil', fulfil.value);
    // A bad link and an empty note: inline errors, nothing stored.
    expect(errorsOf(await submit(bot, P.member, view, fulfilment('partly', '', 'javascript:alert(1)')))).toEqual({
      note: expect.any(String),
      link: expect.any(String),
    });
    expect(errorsOf(await submit(bot, P.member, view, fulfilment('partly', '上了9节', null)))).toBeNull();

    // The secretary's reminder and queue.
    await run('2011-12-06T09:00:00+08:00');
    expect(lastDm(P.secZx1)).toContain('有1项报送的兑现情况待你确认');
    await slash(bot, P.secZx1, '/commit', 'queue');
    const confirm = buttonsIn(lastEphemeral(bot).blocks).find((b) => b.action_id === 'commit_confirm')!;
    expect(textOf(lastEphemeral(bot).blocks)).not.toContain('带头讲党课');

    // A member of another branch may not open it.
    const refused = await denied(bot, P.secZx2);
    await bot.driver.blockAction({
      user_id: P.secZx2,
      actions: [{ action_id: 'commit_confirm', value: confirm.value }],
    });
    expect(await denied(bot, P.secZx2)).toBe(refused + 1);

    // Returned without a commentary: refused inline; with one: the member reads it.
    let cview = await openBy(bot, P.secZx1, 'commit_confirm', confirm.value);
    expect(errorsOf(await submit(bot, P.secZx1, cview, { decision: select('returned'), comment: text(null) }))).toEqual(
      {
        comment: expect.any(String),
      },
    );
    expect(
      errorsOf(await submit(bot, P.secZx1, cview, { decision: select('returned'), comment: text('请补充课表') })),
    ).toBeNull();
    expect(dmsTo(bot, P.member).at(-1)).toContain('请补充课表');

    const again = await openBy(bot, P.member, 'commit_fulfil', fulfil.value);
    expect(
      errorsOf(
        await submit(bot, P.member, again, fulfilment('fulfilled', '上了12节，附课表', 'https://example.org/kb')),
      ),
    ).toBeNull();
    await slash(bot, P.secZx1, '/commit', 'queue');
    const confirm2 = buttonsIn(lastEphemeral(bot).blocks).find((b) => b.action_id === 'commit_confirm')!;
    // The old button (the version before) no longer applies.
    await bot.driver.blockAction({
      user_id: P.secZx1,
      actions: [{ action_id: 'commit_confirm', value: confirm.value }],
    });
    expect(JSON.stringify(bot.fake.callsTo('views.open').at(-1)?.args)).toContain('未保存任何内容');
    cview = await openBy(bot, P.secZx1, 'commit_confirm', confirm2.value);
    expect(
      errorsOf(await submit(bot, P.secZx1, cview, { decision: select('confirmed'), comment: text(null) })),
    ).toBeNull();
    expect(dmsTo(bot, P.member).at(-1)).toContain('已确认');

    // The secretary's own commitment is not theirs to confirm.
    await slash(bot, P.secZx1, '/commit');
    const own = buttonsIn(lastEphemeral(bot).blocks).find((b) => b.action_id === 'commit_fulfil')!;
    const ownView = await openBy(bot, P.secZx1, 'commit_fulfil', own.value);
    await submit(bot, P.secZx1, ownView, fulfilment('fulfilled', '讲了3次', null));
    const id = Number(own.value);
    const refusedOwn = await denied(bot, P.secZx1);
    const row = await bot.ctx.db
      .selectFrom('commitments')
      .select('version')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    await bot.driver.blockAction({
      user_id: P.secZx1,
      actions: [{ action_id: 'commit_confirm', value: `${id}:${row.version}` }],
    });
    expect(await denied(bot, P.secZx1)).toBe(refusedOwn + 1);

    const plan = (await findPlanByYear(bot.ctx.db, 2011))!;
    const zx1 = String(await branchIdOf(bot, 'YQ-ZX1'));
    expect((await commitmentRates(bot.ctx.db, plan.id)).get(zx1)).toMatchObject({
      committed: 2,
      confirmed: 1,
      fulfilled: 1,
      partly: 0,
    });
    // Year-end reminder: the member without a report (none now) and the secretary with an own one waiting.
    await run('2011-12-19T09:00:00+08:00');
    expect(lastDm(P.secZx1)).not.toContain('有1项报送的兑现情况待你确认');
  });
});

describe('public commitments on the App Home', () => {
  async function openHome(user: string) {
    const res = await bot.driver.event({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home' });
    expect(res.status).toBe(200);
    return homeNow(user);
  }
  /** The Home last published for a person: its text and buttons. */
  function homeNow(user: string) {
    const blocks = (bot.fake.homeOf(user)?.view.blocks ?? []) as Block[];
    return { blocks, text: textOf(blocks), buttons: buttonsIn(blocks) };
  }
  /** Presses a button of the App Home (no response_url: answers come as a DM or a modal). */
  async function pressOnHome(user: string, actionId: string, value: string) {
    const res = await bot.driver.blockAction({
      user_id: user,
      actions: [{ action_id: actionId, value }],
      view: { id: `VHOME${user}`, type: 'home', callback_id: '', private_metadata: '' },
    });
    expect(res.status).toBe(200);
    return shownView(bot);
  }

  it('when a member opens the Home tab in the window, then it offers to commit; the commitment made from there shows on the refreshed Home, escaped, with edit and withdraw', async () => {
    let home = await openHome(P.member);
    expect(home.text).toContain('公开承诺');
    expect(home.text).toContain('你还没有公开承诺');
    const add = home.buttons.find((b) => b.action_id === 'commit_add');
    expect(add).toBeDefined();

    const view = await pressOnHome(P.member, 'commit_add', add!.value);
    expect(view.callback_id).toBe('commit_submit');
    expect(
      errorsOf(await submit(bot, P.member, view, { text: text('上好示范课 <b>'), area: select('duties') })),
    ).toBeNull();

    home = homeNow(P.member);
    expect(home.text).toContain('上好示范课 &lt;b&gt;');
    expect(home.text).toContain('2011-05-31前可以作出、修改或撤回承诺');
    const id = String((await bot.ctx.db.selectFrom('commitments').select('id').executeTakeFirstOrThrow()).id);
    expect(home.buttons).toEqual(
      expect.arrayContaining([
        { action_id: 'commit_edit', value: id },
        { action_id: 'commit_withdraw', value: id },
        { action_id: 'commit_add', value: 'new' },
      ]),
    );

    // Withdrawn from the Home: the answer comes as a DM and the Home offers to commit again.
    await bot.driver.blockAction({
      user_id: P.member,
      actions: [{ action_id: 'commit_withdraw', value: id }],
      view: { id: `VHOME${P.member}`, type: 'home', callback_id: '', private_metadata: '' },
    });
    expect(dmsTo(bot, P.member).at(-1)).toContain('撤回');
    expect(homeNow(P.member).text).toContain('你还没有公开承诺');
  });

  it('when the window has closed, then a member without commitments sees no commitments part, and one with commitments sees them locked', async () => {
    expect(errorsOf(await commit(P.member, '每月上好一节党员示范课'))).toBeNull();
    bot.clock.set('2011-06-20T10:00:00+08:00');
    const without = await openHome(P.member2);
    expect(without.text).not.toContain('你的公开承诺');
    expect(without.buttons.map((b) => b.action_id)).not.toContain('commit_add');
    const locked = await openHome(P.member);
    expect(locked.text).toContain('每月上好一节党员示范课');
    expect(locked.text).toContain('你的公开承诺已锁定');
    expect(locked.buttons.map((b) => b.action_id).filter((a) => a.startsWith('commit_'))).toEqual([]);
  });

  it("when fulfilment is reported, then the member reports it from the Home, the secretary's Home lists it to confirm (not their own), and confirming from there clears it", async () => {
    expect(errorsOf(await commit(P.member, '每月上好一节党员示范课', 'duties'))).toBeNull();
    expect(errorsOf(await commit(P.secZx1, '带头讲党课'))).toBeNull();
    bot.clock.set('2011-12-05T10:00:00+08:00');

    for (const [user, note] of [
      [P.member, '上了12节'],
      [P.secZx1, '讲了3次'],
    ] as const) {
      const home = await openHome(user);
      expect(home.text).toContain('请在2011-12-20前逐项报送兑现承诺情况');
      const fulfil = home.buttons.find((b) => b.action_id === 'commit_fulfil')!;
      const view = await pressOnHome(user, 'commit_fulfil', fulfil.value);
      expect(view.callback_id).toBe('commit_fulfil_submit');
      expect(errorsOf(await submit(bot, user, view, fulfilment('fulfilled', note, null)))).toBeNull();
    }
    expect(homeNow(P.member).text).toContain('待书记确认');

    const secretary = await openHome(P.secZx1);
    expect(secretary.text).toContain('待你确认的兑现情况：1项');
    expect(secretary.text).toContain('李晓梅');
    // The queue holds the member's, not the secretary's own (which their own list shows).
    const memberOwn = await bot.ctx.db
      .selectFrom('commitments')
      .select(['id', 'version'])
      .where('person_id', '=', await personIdOf(bot, P.member))
      .executeTakeFirstOrThrow();
    const confirms = secretary.buttons.filter((b) => b.action_id === 'commit_confirm');
    expect(confirms).toEqual([{ action_id: 'commit_confirm', value: `${memberOwn.id}:${memberOwn.version}` }]);
    // A member of the branch is no secretary: no queue on their Home.
    expect((await openHome(P.member2)).text).not.toContain('待你确认');

    const view = await pressOnHome(P.secZx1, 'commit_confirm', confirms[0]!.value);
    expect(view.callback_id).toBe('commit_confirm_submit');
    expect(
      errorsOf(await submit(bot, P.secZx1, view, { decision: select('confirmed'), comment: text(null) })),
    ).toBeNull();
    expect(homeNow(P.secZx1).text).not.toContain('待你确认的兑现情况');
    expect(homeNow(P.member).text).toContain('已确认');
  });
});
