import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { branchId, obligationId, personId } from '../helpers/db.js';
import { lastView } from '../helpers/views.js';
import { putPaper, putReport } from '../helpers/leaders.js';

const SECRETARY = 'U0SEC00001'; // 王建国, secretary of YQ-ZX1, school cadre
const OTHER_SECRETARY = 'U0SEC00002'; // 刘芳, YQ-ZX2
const CADRE = 'U0MEM00001';
const PLAIN_MEMBER = 'U0MEM00002';
const LEADER = 'U0LDR00002';

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { text?: string; action_id?: string; value?: string }[];
  accessory?: { action_id: string; value: string };
};

let bot: TestBot;
beforeEach(async () => {
  bot = await startBot();
});
afterEach(() => closeChecked(bot));

async function openHome(user: string, tab = 'home') {
  const res = await bot.driver.event({ type: 'app_home_opened', user, channel: `D${user}`, tab });
  expect(res.status).toBe(200);
  return home(user);
}

function home(user: string) {
  const view = bot.fake.homeOf(user);
  const blocks = (view?.view.blocks ?? []) as Block[];
  const text = blocks.map((b) => b.text?.text ?? b.elements?.map((e) => e.text ?? '').join(' ') ?? '').join('\n');
  const buttons = blocks.flatMap((b) => [
    ...(b.accessory ? [b.accessory] : []),
    ...(b.type === 'actions' ? (b.elements as { action_id: string; value: string }[]) : []),
  ]);
  return { view, blocks, text, buttons };
}

async function addReport(branch: string, obligation: string, status: 'submitted' | 'accepted') {
  await putReport(bot.ctx.db, { branch, obligation, status });
}

describe('the App Home by role', () => {
  it('when a secretary opens the Home tab, then it shows the branch checklist with a Report button on each open task', async () => {
    await addReport('YQ-ZX1', 'A03-COMMIT', 'accepted');
    const { text, buttons, blocks } = await openHome(SECRETARY);
    expect(text).toContain('延庆一中党总支（YQ-ZX1）');
    expect(text).toContain('已完成：A03-COMMIT');
    const reports = buttons.filter((b) => b.action_id === 'home_report');
    expect(reports).toHaveLength(15);
    expect(JSON.parse(reports[0]!.value)).toEqual({
      o: await obligationId(bot.ctx.db, 'A07-COBUILD'),
      b: await branchId(bot.ctx.db, 'YQ-ZX1'),
    });
    expect(text).toContain('A09-PAPER'); // also a school cadre
    expect(blocks.length).toBeLessThanOrEqual(100);
  });

  it('when the secretary presses Report on the Home tab, then the report modal opens with that task chosen', async () => {
    const { buttons } = await openHome(SECRETARY);
    const button = buttons.find((b) => b.action_id === 'home_report')!;
    await bot.driver.blockAction({
      user_id: SECRETARY,
      actions: [{ action_id: 'home_report', value: button.value }],
      container: { type: 'view', view_id: 'VHOME' },
    });
    const view = lastView(bot.fake);
    expect(view.callback_id).toBe('report_submit');
    const select = view.blocks.find((b) => b.block_id === 'obligation')!;
    expect((select.element!.initial_option as { value: string }).value).toBe(String(JSON.parse(button.value).o));
  });

  it("when a Report button is forged for another secretary's branch, then it is refused, logged and no report modal opens", async () => {
    const forged = JSON.stringify({
      o: await obligationId(bot.ctx.db, 'A01-EVENT'),
      b: await branchId(bot.ctx.db, 'YQ-ZX1'),
    });
    await bot.driver.blockAction({
      user_id: OTHER_SECRETARY,
      actions: [{ action_id: 'home_report', value: forged }],
      container: { type: 'view', view_id: 'VHOME' },
    });
    const view = lastView(bot.fake);
    expect(view.callback_id).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain('无权');
    expect((await listAudit(bot.ctx.db, { action: 'access.denied' })).map((a) => a.actor)).toEqual([OTHER_SECRETARY]);
  });

  it('when a cadre opens the Home tab, then it shows their paper obligation and a button to submit one', async () => {
    const { text, buttons } = await openHome(CADRE);
    expect(text).toContain('我的论文');
    expect(text).toMatch(/A09-PAPER.*还有 163 天到期/);
    expect(buttons.map((b) => b.action_id)).toEqual(['paper_open']);
    await bot.driver.blockAction({
      user_id: CADRE,
      actions: [{ action_id: 'paper_open', value: 'new' }],
      container: { type: 'view', view_id: 'VHOME' },
    });
    expect(lastView(bot.fake).callback_id).toBe('paper_submit');
  });

  it('when a leader opens the Home tab, then it shows the overall picture and what waits for review, with Review buttons', async () => {
    await addReport('YQ-ZX2', 'A01-EVENT', 'submitted');
    await putPaper(bot.ctx.db, await personId(bot.ctx.db, CADRE), {
      kind: 'typical_case',
      title: '家校共建的案例',
      abstract: 'a',
      link: 'https://example.org/p',
      status: 'submitted',
      submitted_at: '2011-06-19T02:00:00.000Z',
      submission_key: 'V1',
    });
    const { text, buttons } = await openHome(LEADER);
    expect(text).toContain('总体进展');
    expect(text).toContain('*全部基层党组织*：10 个');
    expect(text).toContain('待审核');
    expect(text).toContain('家校共建的案例');
    expect(text).toMatch(/A01-EVENT.*\n延庆二中党支部/);
    const reportId = (await bot.ctx.db.selectFrom('reports').select('id').executeTakeFirstOrThrow()).id;
    expect(buttons).toContainEqual(
      expect.objectContaining({ action_id: 'report_review_open', value: String(reportId) }),
    );
    expect(buttons).toContainEqual(expect.objectContaining({ action_id: 'paper_review_open', value: '1' }));
  });

  it('when a member whom the plan asks nothing opens the Home tab, then it says so politely', async () => {
    const { text } = await openHome(PLAIN_MEMBER);
    expect(text).toContain('没有对您个人的要求');
  });

  it('when an admin (not a leader, no rank) opens the Home tab, then it shows no branch and no review queue, only the paper button', async () => {
    const { text, buttons } = await openHome('U0ADM00001');
    expect(text).toContain('没有对您个人的要求');
    expect(text).not.toContain('待审核');
    expect(buttons.map((b) => b.action_id)).toEqual(['paper_open']);
  });

  it('when someone not in the roster opens the Home tab, then it says whom to ask, in their language', async () => {
    await bot.setLocale('U0STRANGER', 'en-US');
    const { text } = await openHome('U0STRANGER');
    expect(text).toContain('campaign office');
  });

  it('when the Messages tab is opened, then no Home is published', async () => {
    await openHome(SECRETARY, 'messages');
    expect(bot.fake.callsTo('views.publish')).toEqual([]);
  });

  it("when a cadre submits a paper, then their Home and the leaders' Homes are refreshed", async () => {
    await bot.driver.command({ command: '/paper', user_id: CADRE });
    const view = lastView(bot.fake);
    await bot.driver.viewSubmission({
      user_id: CADRE,
      view: {
        id: 'VPAPERHOME',
        callback_id: 'paper_submit',
        private_metadata: view.private_metadata,
        state: {
          values: {
            kind: { value: { type: 'static_select', selected_option: { value: 'party_paper' } } },
            title: { value: { type: 'plain_text_input', value: '论文' } },
            abstract: { value: { type: 'plain_text_input', value: '摘要' } },
            link: { value: { type: 'url_text_input', value: 'https://example.org/x' } },
          },
        },
      },
    });
    expect(home(CADRE).text).toMatch(/A09-PAPER.*按时完成/);
    expect(home(LEADER).text).toContain('论文');
    expect(home(LEADER).buttons.some((b) => b.action_id === 'paper_review_open')).toBe(true);
  });

  it('when a secretary of many branches opens the Home tab, then it stays within 100 blocks and points to /progress', async () => {
    const me = await personId(bot.ctx.db, SECRETARY);
    for (let i = 0; i < 8; i++) {
      const row = await bot.ctx.db
        .insertInto('branches')
        .values({
          code: `GEN-${i}`,
          name: `生成支部${i}`,
          category: 'secondary',
          active: 1,
          created_at: '2011-04-10T00:00:00.000Z',
          updated_at: '2011-04-10T00:00:00.000Z',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await bot.ctx.db.insertInto('branch_secretaries').values({ branch_id: row.id, person_id: me }).execute();
    }
    const { blocks, text } = await openHome(SECRETARY);
    expect(blocks.length).toBeLessThanOrEqual(100);
    expect(text).toMatch(/您还是另外 \d+ 个基层党组织的书记/);
  });

  it('when a secretary uses Slack in English, then the Home tab is in English', async () => {
    await bot.setLocale(SECRETARY, 'en-US');
    const { text, blocks } = await openHome(SECRETARY);
    expect(text).toContain('Overdue by 41 days');
    expect(JSON.stringify(blocks)).toContain('"Report"');
  });
});
