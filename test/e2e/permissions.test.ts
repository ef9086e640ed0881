/**
 * The permission matrix: every role × every slash command, button and modal the app registers,
 * with forged payloads (someone else's branch, report, paper or extension; a leader's button
 * pressed by a member). No request may change the store, and a refusal is logged.
 *
 * The listeners are discovered by registering the app's commands on a recorder, so an action
 * added anywhere is swept by the generic cases at once; the tables below add what is known of
 * each one (who may use it, and a realistic forged value).
 */
import { listTables, type TableInfo } from '../../db/copy.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { listAudit } from '../../db/queries/audit.js';
import { openRound } from '../../db/queries/evaluation.js';
import { applyProject, assignAssessors, moveProject, registerProject } from '../../db/queries/projects.js';
import { defaultRules } from '../../src/domain/evaluation.js';
import { putExtension, putNomination, putPaper } from '../helpers/leaders.js';
import { addLeaders } from '../helpers/projects.js';
import { startBot, type TestBot } from '../helpers/bot.js';
import { discoverListeners } from '../helpers/listeners.js';
import { press, slash, submit } from '../helpers/requests.js';
import { lastView, type OpenedView } from '../helpers/views.js';

type Role = 'admin' | 'leader' | 'secretary' | 'member' | 'stranger';
const ACTORS: Record<Role, string> = {
  admin: 'U0ADM00001', // 宋明, admin only
  leader: 'U0LDR00002', // 林淑珍, leader
  secretary: 'U0SEC00001', // 王建国, secretary of YQ-ZX1 only
  member: 'U0MEM00002', // 赵志强, member
  stranger: 'U0STRANGER', // not in the roster
};
const ROLES = Object.keys(ACTORS) as Role[];
const ROSTER_ROLES = ROLES.filter((r) => r !== 'stranger');
const ZX2_SECRETARY = 'U0SEC00002'; // 刘芳: owns the fixtures below, and is in no role of the matrix
const PAPER_AUTHOR = 'U0MEM00001'; // 李晓梅
/** 黄卫东, leader: made a secretary of YQ-ZX2 below, the author of YQ-XX1's report and extension, and a paper's co-author. */
const LEADER_SECRETARY = 'U0LDR00001';
const ZX2_MEMBER = 'U0MEM00003'; // 陈刚, member of YQ-ZX2: the author of a commitment below
/** Fulfilment is reported from December 1: the modals that need it move the clock, reset after each test. */
const MATRIX_NOW = '2011-06-20T10:00:00+08:00';

interface Fixtures {
  zx2: number;
  event: number;
  report: number;
  paper: number;
  extension: number;
  /** Of YQ-XX1, submitted (asked) by LEADER_SECRETARY, who is not its secretary. */
  ownReport: number;
  ownExtension: number;
  /** By PAPER_AUTHOR, with LEADER_SECRETARY as co-author; and one by LEADER_SECRETARY. */
  coPaper: number;
  ownPaper: number;
  /** Innovation projects of branches no actor of the matrix is secretary of, one per stage the listeners need. */
  implementing: number;
  registered: number;
  applied: number;
  assessed: number;
  /** A nomination of YQ-XX1 in the ETHICS round, a shortlisted one of YQ-ZX2 in JULY1, and an objection to it. */
  nomination: number;
  shortlisted: number;
  objection: number;
  /** 陈刚's public commitment (YQ-ZX2) with its fulfilment waiting; and one of LEADER_SECRETARY's (YQ-JG1), waiting too. */
  commitment: number;
  ownCommitment: number;
}

/** A project of a branch, moved through the repositories to `stage` (the fixtures' way, not Slack's). */
async function projectAt(
  branchCode: string,
  secretary: string,
  stage: 'registration' | 'implementation' | 'application' | 'assessment',
  assessors: string[] = [],
): Promise<number> {
  const db = bot.ctx.db;
  const meta = { actor: 'test', now: new Date('2011-05-10T02:00:00Z') };
  const by = await personId(secretary);
  const admin = await personId(ACTORS.admin);
  const reg = await registerProject(
    db,
    {
      title: `${branchCode} 项目`,
      aims: 'a',
      approach: 'b',
      expected: 'c',
      planId: 1,
      branchId: await idOf('branches', branchCode),
      personId: by,
      perBranch: 1,
      submissionKey: `VFIX-${branchCode}-1`,
      report: null,
    },
    meta,
  );
  if (reg.outcome !== 'registered') throw new Error(reg.outcome);
  const id = reg.project.id;
  const key = (n: number) => `VFIX-${branchCode}-${n}`;
  if (stage === 'registration') return id;
  await moveProject(
    db,
    { projectId: id, from: 'registration', to: 'implementation', comment: null, personId: by, submissionKey: key(2) },
    meta,
  );
  if (stage === 'implementation') return id;
  await applyProject(
    db,
    { projectId: id, results: 'r', links: [], personId: by, submissionKey: key(3), report: null },
    meta,
  );
  if (stage === 'application') return id;
  const ids = await Promise.all(assessors.map(personId));
  await assignAssessors(
    db,
    { projectId: id, assessorIds: ids, personId: admin, comment: null, submissionKey: key(4) },
    meta,
  );
  return id;
}

async function nominationOf(v: {
  round: string;
  category: string;
  branch: string;
  secretary: string;
  nominee: string;
  status: string;
}) {
  return putNomination(
    bot.ctx.db,
    {
      branchId: await idOf('branches', v.branch),
      nominee: await personId(v.nominee),
      nominatedBy: await personId(v.secretary),
      status: v.status as 'submitted',
    },
    { round: v.round, category: v.category, citation: '事迹', nominated_at: '2011-06-01T02:00:00.000Z' },
  );
}

/** A public commitment of the 2011 plan with its fulfilment reported and waiting for confirmation. */
async function waitingCommitment(slack: string, branch: string): Promise<number> {
  const row = await bot.ctx.db
    .insertInto('commitments')
    .values({
      plan_id: 1,
      person_id: await personId(slack),
      branch_id: await idOf('branches', branch),
      text: '承诺',
      area: 'duties',
      status: 'active',
      created_at: '2011-05-10T02:00:00.000Z',
      updated_at: '2011-05-10T02:00:00.000Z',
      version: 1,
      outcome: 'fulfilled',
      outcome_note: '已做到',
      outcome_link: 'https://example.org/k',
      reported_at: '2011-06-19T02:00:00.000Z',
      confirmation: null,
      confirmed_by: null,
      confirmed_at: null,
      confirm_comment: null,
      submission_key: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A report of `branch` on A07-COBUILD by `by`, submitted and waiting for review. */
async function submittedReport(branch: number, by: number): Promise<number> {
  const row = await bot.ctx.db
    .insertInto('reports')
    .values({
      obligation_id: await idOf('obligations', 'A07-COBUILD'),
      branch_id: branch,
      status: 'submitted',
      held_on: '2011-05-04',
      participants: 9,
      summary: 's',
      evidence: '[]',
      submitted_by: by,
      submitted_at: '2011-05-05T02:00:00.000Z',
      on_time: 1,
      reviewed_by: null,
      reviewed_at: null,
      review_comment: null,
      version: 1,
      submission_key: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A party-building paper by `author`, submitted and waiting for review. */
async function submittedPaper(author: number, coauthors: string[], key: string): Promise<number> {
  return putPaper(bot.ctx.db, author, {
    title: 't',
    abstract: 'a',
    link: 'https://example.org/p',
    coauthors: JSON.stringify(coauthors),
    status: 'submitted',
    submitted_at: '2011-06-19T02:00:00.000Z',
    submission_key: key,
  });
}

/** An extension of A01-EVENT to July 10 that `by` asked for `branch`, pending unless `over` says otherwise. */
async function extensionOf(
  branch: number,
  by: number,
  over: Partial<{
    obligation_id: number;
    requested_at: string;
    reason: string;
    status: 'approved';
    decided_by: number;
    decided_at: string;
  }> = {},
): Promise<number> {
  const obligationId = await idOf('obligations', 'A01-EVENT');
  return putExtension(
    bot.ctx.db,
    { obligationId, branchId: branch, requestedBy: by },
    { requested_at: '2011-06-19T02:00:00.000Z', new_due: '2011-07-10', ...over },
  );
}

/**
 * The whole store, table by table, but the audit log, the cached Slack locale (a lookup, not a
 * change) and the ranking snapshots (a derived cache that viewing the rankings fills in).
 */
let schemaTables: TableInfo[] | undefined;
async function snapshot(bot: TestBot): Promise<Record<string, string>> {
  const skipped = ['audit_log', 'ranking_snapshots'];
  // The schema does not change during the file: read it once.
  schemaTables ??= await listTables(bot.ctx.db);
  const tables = schemaTables.filter((t) => !skipped.includes(t.name));
  const out: Record<string, string> = {};
  for (const t of tables) {
    let q = bot.ctx.db.selectFrom(t.name as 'people').selectAll();
    for (const c of t.orderBy) q = q.orderBy(c as 'id');
    const rows = (await q.execute()) as Record<string, unknown>[];
    out[t.name] = JSON.stringify(
      rows.map((r) => (t.name === 'people' ? { ...r, locale: undefined, locale_checked_at: undefined } : r)),
    );
  }
  return out;
}

async function deniedCount(bot: TestBot, actor: string): Promise<number> {
  return (await listAudit(bot.ctx.db, { action: 'access.denied' })).filter((a) => a.actor === actor).length;
}

/** Slack's `view.state.values` for a modal, each input filled with something plausible. */
function filledState(view: OpenedView): Record<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const b of view.blocks) {
    if (b.type !== 'input' || !b.block_id || !b.element) continue;
    const el = b.element as Record<string, unknown> & {
      type: string;
      action_id: string;
      options?: { value: string }[];
    };
    const first = el.options?.[0];
    const v: Record<string, unknown> = { type: el.type };
    if (el.type === 'static_select' || el.type === 'radio_buttons')
      v.selected_option = el.initial_option ?? first ?? null;
    else if (el.type === 'datepicker') v.selected_date = el.initial_date ?? '2011-06-20';
    else if (el.type === 'number_input') v.value = el.initial_value ?? '1';
    else if (el.type === 'url_text_input') v.value = el.initial_value ?? 'https://example.org/a';
    else if (el.type === 'plain_text_input') v.value = el.initial_value ?? 'x';
    else if (el.type === 'multi_users_select') v.selected_users = el.initial_users ?? [];
    else if (el.type === 'file_input') v.files = [];
    else if (el.type === 'checkboxes') v.selected_options = el.initial_options ?? [];
    values[b.block_id] = { [el.action_id]: v };
  }
  return values;
}

let bot: TestBot;
let f: Fixtures;
let listeners: ReturnType<typeof discoverListeners>;
let unhandled: ReturnType<typeof vi.fn>;

async function idOf(table: 'obligations' | 'branches', code: string) {
  return (await bot.ctx.db.selectFrom(table).select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
}
async function personId(slack: string) {
  return (
    await bot.ctx.db.selectFrom('people').select('id').where('slack_user_id', '=', slack).executeTakeFirstOrThrow()
  ).id;
}

beforeAll(async () => {
  bot = await startBot({ now: MATRIX_NOW });
  unhandled = vi.fn();
  // app.error writes through ctx.logger.error: a listener that throws shows up here.
  bot.ctx.logger.error = unhandled as unknown as typeof bot.ctx.logger.error;
  listeners = discoverListeners(bot.ctx);
  const zx2 = await idOf('branches', 'YQ-ZX2');
  const event = await idOf('obligations', 'A01-EVENT');
  const sec2 = await personId(ZX2_SECRETARY);
  const report = await submittedReport(zx2, sec2);
  const paper = await submittedPaper(await personId(PAPER_AUTHOR), [], 'VFIXTURE');
  const extension = await extensionOf(zx2, sec2);
  const xx1 = await idOf('branches', 'YQ-XX1');
  const leaderSecretary = await personId(LEADER_SECRETARY);
  const ownReport = await submittedReport(xx1, leaderSecretary);
  const ownExtension = await extensionOf(xx1, leaderSecretary);
  const coPaper = await submittedPaper(await personId(PAPER_AUTHOR), [LEADER_SECRETARY], 'VCOPAPER');
  const ownPaper = await submittedPaper(leaderSecretary, [], 'VOWNPAPER');
  await addLeaders(bot);
  // After the roster import of addLeaders, which would take it back: the leader is also ZX2's secretary.
  await bot.ctx.db.insertInto('branch_secretaries').values({ branch_id: zx2, person_id: leaderSecretary }).execute();
  // YQ-ZX2 may still register (an extension of A08-REGISTER), so that its registration modal opens.
  await extensionOf(zx2, sec2, {
    obligation_id: await idOf('obligations', 'A08-REGISTER'),
    requested_at: '2011-05-30T02:00:00.000Z',
    reason: 'late start',
    status: 'approved',
    decided_by: await personId(ACTORS.leader),
    decided_at: '2011-05-30T03:00:00.000Z',
  });
  const implementing = await projectAt('YQ-XX1', 'U0SEC00003', 'implementation');
  const registered = await projectAt('YQ-XX2', 'U0SEC00004', 'registration');
  const applied = await projectAt('YQ-YEY1', 'U0SEC00005', 'application');
  const assessed = await projectAt('YQ-ZJ1', 'U0SEC00006', 'assessment', ['U0LDR00001', ACTORS.leader, 'U0LDR00003']);
  const nomination = await nominationOf({
    round: 'ETHICS',
    category: 'ETHICS-MODEL',
    branch: 'YQ-XX1',
    secretary: 'U0SEC00003',
    nominee: 'U0MEM00004',
    status: 'submitted',
  });
  const shortlisted = await nominationOf({
    round: 'JULY1',
    category: 'EXCELLENT-MEMBER',
    branch: 'YQ-ZX2',
    secretary: ZX2_SECRETARY,
    nominee: 'U0MEM00003',
    status: 'shortlisted',
  });
  await bot.ctx.db
    .insertInto('commendation_publicity')
    .values({
      plan_id: 1,
      round: 'JULY1',
      channel_id: 'C0PUBLIC',
      starts_on: '2011-06-20',
      ends_on: '2011-06-24',
      started_by: await personId(ACTORS.admin),
      started_at: '2011-06-20T01:00:00.000Z',
      announced_by: null,
      announced_at: null,
    })
    .execute();
  const objection = await bot.ctx.db
    .insertInto('objections')
    .values({
      nomination_id: shortlisted,
      raised_by: await personId(PAPER_AUTHOR),
      raised_at: '2011-06-20T02:00:00.000Z',
      text: '异议',
      status: 'open',
      decided_by: null,
      decided_at: null,
      reason: null,
      submission_key: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const commitment = await waitingCommitment(ZX2_MEMBER, 'YQ-ZX2');
  const ownCommitment = await waitingCommitment(LEADER_SECRETARY, 'YQ-JG1');
  // A leader reopened the commitments of 陈刚 (so that his modals open) and of the matrix's member
  // (so that a forged edit is refused for being someone else's, not for the window).
  for (const slack of [ZX2_MEMBER, ACTORS.member])
    await bot.ctx.db
      .insertInto('commitment_reopenings')
      .values({
        plan_id: 1,
        person_id: await personId(slack),
        until_date: '2011-06-30',
        reopened_by: await personId(ACTORS.leader),
        reopened_at: '2011-06-19T02:00:00.000Z',
      })
      .execute();
  f = {
    zx2,
    event,
    report,
    paper,
    extension,
    ownReport,
    ownExtension,
    coPaper,
    ownPaper,
    implementing,
    registered,
    applied,
    assessed,
    nomination,
    shortlisted,
    objection: objection.id,
    commitment,
    ownCommitment,
  };
  // An evaluation open today, so that the ballot's buttons and modal are swept with a round to vote in.
  await openRound(bot.ctx.db, {
    planId: 1,
    rules: defaultRules('2011-06-01', '2011-06-30'),
    actor: 'test',
    now: new Date('2011-06-01T00:00:00Z'),
  });
  await bot.setLocale(ACTORS.stranger, 'en-US');
});
afterEach(() => {
  bot.clock.set(MATRIX_NOW);
  expect(bot.fake.violations).toEqual([]);
  expect(unhandled).not.toHaveBeenCalled();
});
afterAll(async () => {
  await bot.close();
});

/** Sends one request and checks the invariant: answered, and no table of the store changed. */
async function unchangedBy(send: () => Promise<{ status: number }>): Promise<void> {
  const before = await snapshot(bot);
  const res = await send();
  expect(res.status).toBe(200);
  const after = await snapshot(bot);
  expect(Object.keys(after).filter((table) => after[table] !== before[table])).toEqual([]);
}

/** The refusal's invariant: `user`'s request changes nothing, and one more refusal of theirs is logged. */
async function refusedAndUnchanged(user: string, send: (user: string) => Promise<{ status: number }>): Promise<void> {
  const denied = await deniedCount(bot, user);
  await unchangedBy(() => send(user));
  expect(await deniedCount(bot, user)).toBeGreaterThan(denied);
}

/** Each case with each role of the roster it does not entitle. */
function withRefusedRoles<C extends { entitled: Role[] }>(cases: C[]): (C & { role: Role })[] {
  return cases.flatMap((c) => ROSTER_ROLES.filter((r) => !c.entitled.includes(r)).map((role) => ({ ...c, role })));
}

describe('the listeners the matrix covers', () => {
  it('when the app is registered, then the matrix finds the slash commands, buttons and modals', () => {
    expect(listeners.commands).toEqual(expect.arrayContaining(['/report', '/paper', '/progress']));
    expect(listeners.actions).toEqual(expect.arrayContaining(['home_report', 'paper_review_open', 'paper_revise']));
    expect(listeners.views).toEqual(expect.arrayContaining(['report_submit', 'paper_submit', 'paper_review_submit']));
  });

  it('when a known forged case names an action, then the app registers it (the tables stay true)', () => {
    const missing = ACTION_CASES.map((c) => c.action).filter((a) => !listeners.actions.includes(a));
    expect(missing).toEqual([]);
  });
});

/** Command texts every command gets from every role: nothing here may change the store. */
const COMMAND_TEXTS = ['', 'help', 'all', 'YQ-ZX2', '延庆二中党支部', 'x'.repeat(300), '<script>', '%00'];

/** Refusals that must be logged: command and text → the roles refused. */
const COMMAND_REFUSALS: { command: string; text: string; refused: Role[] }[] = [
  { command: '/report', text: '', refused: ['admin', 'leader', 'member'] },
  { command: '/report', text: 'YQ-ZX2', refused: ['secretary'] },
  { command: '/progress', text: 'all', refused: ['admin', 'secretary', 'member'] },
  { command: '/progress', text: 'YQ-ZX2', refused: ['admin', 'secretary', 'member'] },
  { command: '/rankings', text: '', refused: ['secretary', 'member'] },
  { command: '/pacesetter', text: 'exempt A01-EVENT YQ-ZX2 forged', refused: ['secretary', 'member'] },
  { command: '/pacesetter', text: 'export', refused: ['secretary', 'member'] },
  { command: '/project', text: 'all', refused: ['secretary', 'member'] },
  { command: '/project', text: 'review', refused: ['secretary', 'member'] },
  { command: '/project', text: 'register', refused: ['admin', 'leader', 'member'] },
  { command: '/project', text: 'P-0001', refused: ['secretary', 'member'] },
  { command: '/commend', text: 'review', refused: ['admin', 'secretary', 'member'] },
  { command: '/evaluate', text: 'YQ-ZX2', refused: ['admin', 'secretary', 'member'] },
  { command: '/evaluate', text: '', refused: ['admin'] },
  { command: '/rankings', text: 'evaluation', refused: ['secretary', 'member'] },
  { command: '/commit', text: 'list YQ-ZX2', refused: ['secretary', 'member'] },
  { command: '/commit', text: 'queue', refused: ['admin', 'member'] },
  { command: '/commit', text: `reopen <@${ZX2_MEMBER}> 2011-06-30`, refused: ['admin', 'secretary', 'member'] },
  { command: '/inspect', text: 'YQ-ZX2', refused: ['admin', 'secretary', 'member'] },
  { command: '/inspect', text: 'all', refused: ['leader', 'secretary', 'member'] },
  { command: '/pacesetter', text: 'notice assessment', refused: ['secretary', 'member'] },
];

describe('every role × every slash command', () => {
  it.each(ROLES)(
    'when a %s sends every command with every kind of text, then each is answered and nothing changes',
    async (role) => {
      for (const command of listeners.commands) {
        for (const text of COMMAND_TEXTS) {
          const before = bot.fake.calls.length;
          await unchangedBy(() => slash(bot, ACTORS[role], command, text));
          const answered = bot.fake.calls
            .slice(before)
            .some((c) => c.method === 'response_url' || c.method === 'views.open');
          expect({ command, text, answered }).toEqual({ command, text, answered: true });
          if (role === 'stranger') {
            const reply = JSON.stringify(bot.fake.calls.slice(before).map((c) => c.args));
            expect({ command, text, toldWhomToAsk: reply.includes('campaign office') }).toEqual({
              command,
              text,
              toldWhomToAsk: true,
            });
          }
        }
      }
    },
  );

  const refusals = COMMAND_REFUSALS.flatMap((c) => c.refused.map((role) => ({ ...c, role })));
  it.each(refusals)(
    'when a $role sends $command "$text", then it is refused, logged and nothing changes',
    async ({ command, text, role }) => {
      if (!listeners.commands.includes(command)) return expect(listeners.commands).not.toContain(command);
      await refusedAndUnchanged(ACTORS[role], (user) => slash(bot, user, command, text));
    },
  );
});

/** A button's value naming one of the fixtures by its id. */
const fixtureId = (key: keyof Fixtures) => (x: Fixtures) => String(x[key]);
/** The value of the buttons of a task of YQ-ZX2 (the Home tab's and the reminders'). */
const zx2Task = (x: Fixtures) => JSON.stringify({ o: x.event, b: x.zx2 });
const ETHICS_MODEL = JSON.stringify({ r: 'ETHICS', c: 'ETHICS-MODEL' });

/** Buttons as the app renders them for someone else (or for leaders), and who may press them. */
const ACTION_CASES: { action: string; value: (f: Fixtures) => string; entitled: Role[]; what: string }[] = [
  { action: 'home_report', value: zx2Task, entitled: [], what: "another branch's task" },
  { action: 'prompt_report_now', value: zx2Task, entitled: [], what: "another branch's reminder" },
  { action: 'prompt_snooze', value: zx2Task, entitled: [], what: "another branch's reminder" },
  { action: 'prompt_extension', value: zx2Task, entitled: [], what: "another branch's reminder" },
  { action: 'report_edit', value: fixtureId('report'), entitled: [], what: "another branch's report" },
  { action: 'report_withdraw', value: fixtureId('report'), entitled: [], what: "another branch's report" },
  { action: 'report_revise', value: fixtureId('report'), entitled: [], what: "another branch's report" },
  { action: 'report_review_open', value: fixtureId('report'), entitled: ['leader'], what: 'a leader-only review' },
  { action: 'paper_review_open', value: fixtureId('paper'), entitled: ['leader'], what: 'a leader-only review' },
  { action: 'paper_revise', value: fixtureId('paper'), entitled: [], what: "someone else's paper" },
  { action: 'extension_approve', value: fixtureId('extension'), entitled: ['leader'], what: 'a leader-only decision' },
  { action: 'extension_refuse', value: fixtureId('extension'), entitled: ['leader'], what: 'a leader-only decision' },
  { action: 'project_register', value: fixtureId('zx2'), entitled: [], what: "another branch's registration" },
  // Members and secretaries rate their own branch, leaders every branch; the admin (宋明) is no voter.
  { action: 'evaluation_vote', value: fixtureId('zx2'), entitled: ['leader'], what: "another branch's ballot" },
  {
    action: 'evaluation_open',
    value: () => 'open',
    entitled: ['leader', 'secretary', 'member'],
    what: 'a ballot of one who is no voter',
  },
  {
    action: 'project_open',
    value: fixtureId('implementing'),
    entitled: ['leader', 'admin'],
    what: "another branch's project",
  },
  { action: 'project_edit', value: fixtureId('registered'), entitled: [], what: "another branch's project" },
  { action: 'project_progress', value: fixtureId('implementing'), entitled: [], what: "another branch's project" },
  { action: 'project_apply', value: fixtureId('implementing'), entitled: [], what: "another branch's project" },
  { action: 'project_guidance', value: fixtureId('implementing'), entitled: ['leader'], what: "a leader's guidance" },
  { action: 'project_accept', value: fixtureId('registered'), entitled: ['leader'], what: "a leader's confirmation" },
  { action: 'project_back', value: fixtureId('implementing'), entitled: ['leader', 'admin'], what: 'a move back' },
  { action: 'project_assign', value: fixtureId('applied'), entitled: ['admin'], what: "the admin's assignment" },
  { action: 'project_score', value: fixtureId('assessed'), entitled: ['leader'], what: "an assessor's sheet" },
  { action: 'project_propose', value: () => '1', entitled: ['leader'], what: "the committee's proposal" },
  { action: 'project_adjust', value: () => '1', entitled: ['leader'], what: "the committee's adjustment" },
  { action: 'project_confirm', value: () => '1', entitled: ['admin'], what: "the admin's confirmation" },
  { action: 'commend_nominate', value: () => ETHICS_MODEL, entitled: ['secretary'], what: "a secretary's nomination" },
  { action: 'commend_revise', value: fixtureId('nomination'), entitled: [], what: "another branch's nomination" },
  { action: 'commend_withdraw', value: fixtureId('nomination'), entitled: [], what: "another branch's nomination" },
  { action: 'commend_review', value: fixtureId('nomination'), entitled: ['leader'], what: "a leader's review" },
  { action: 'commend_list', value: () => 'ETHICS', entitled: ['leader'], what: "the leaders' list" },
  { action: 'commend_publicity', value: () => 'ETHICS', entitled: ['admin'], what: "the admin's publicity" },
  { action: 'commend_announce', value: () => 'JULY1', entitled: ['admin'], what: "the admin's announcement" },
  { action: 'commend_objection', value: fixtureId('objection'), entitled: ['admin'], what: "the admin's decision" },
  {
    action: 'commit_add',
    value: () => 'new',
    entitled: ['member'],
    what: 'a commitment after the window (reopened for the member only)',
  },
  { action: 'commit_edit', value: fixtureId('commitment'), entitled: [], what: "someone else's commitment" },
  { action: 'commit_withdraw', value: fixtureId('commitment'), entitled: [], what: "someone else's commitment" },
  { action: 'commit_fulfil', value: fixtureId('commitment'), entitled: [], what: "someone else's commitment" },
  {
    action: 'commit_confirm',
    value: (x) => `${x.commitment}:1`,
    entitled: ['leader'],
    what: "another branch's fulfilment",
  },
];

/** Values that are nobody's: malformed, negative, or ids that do not exist. */
const GARBAGE_VALUES = [
  '',
  'x',
  '-1',
  '999999',
  '{"o":999999,"b":999999}',
  '{"o":"1","b":"1"}',
  'null',
  'x'.repeat(2000),
];

describe('every role × every button', () => {
  it.each(withRefusedRoles(ACTION_CASES))(
    'when a $role presses $action with $what, then it is refused, logged and nothing changes',
    async ({ action, value, role }) => {
      await refusedAndUnchanged(ACTORS[role], (user) => press(bot, user, action, value(f)));
    },
  );

  it.each(ACTION_CASES.map((c) => c.action))(
    'when someone not in the roster presses %s, then nothing changes',
    async (action) => {
      const c = ACTION_CASES.find((x) => x.action === action)!;
      await unchangedBy(() => press(bot, ACTORS.stranger, action, c.value(f)));
    },
  );

  it.each(ROLES)(
    "when a %s presses every registered button with values that are nobody's, then nothing changes and nothing crashes",
    async (role) => {
      for (const action of listeners.actions) {
        for (const [i, value] of GARBAGE_VALUES.entries()) {
          // From a message (with a response_url) and from a view such as the Home tab (without one).
          const from = i % 2 === 0 ? {} : { view: { id: 'VHOME', callback_id: '', private_metadata: value } };
          await unchangedBy(() => press(bot, ACTORS[role], action, value, from));
        }
      }
    },
  );
});

/**
 * Modals opened by their rightful user (`open` sends the request that opens it), then submitted
 * by everyone else.
 */
const VIEW_CASES: { callback: string; open: () => Promise<unknown>; entitled: Role[]; what: string }[] = [
  {
    callback: 'report_submit',
    what: "another branch's report",
    entitled: [],
    open: () => slash(bot, ZX2_SECRETARY, '/report'),
  },
  {
    callback: 'paper_submit',
    what: "a revision of someone else's paper",
    entitled: [],
    open: () => press(bot, PAPER_AUTHOR, 'paper_revise', String(f.paper)),
  },
  {
    callback: 'paper_review_submit',
    what: 'a leader-only paper review',
    entitled: ['leader'],
    open: () => press(bot, ACTORS.leader, 'paper_review_open', String(f.paper)),
  },
  {
    callback: 'report_review',
    what: 'a leader-only report review',
    entitled: ['leader'],
    open: () => press(bot, ACTORS.leader, 'report_review_open', String(f.report)),
  },
  {
    callback: 'evaluation_ballot',
    what: "another branch's ballot",
    entitled: ['leader'],
    open: () => press(bot, ZX2_SECRETARY, 'evaluation_vote', String(f.zx2)),
  },
  {
    callback: 'project_register_submit',
    what: "another branch's registration",
    entitled: [],
    open: () => press(bot, ZX2_SECRETARY, 'project_register', String(f.zx2)),
  },
  {
    callback: 'project_note_submit',
    what: "another branch's progress",
    entitled: [],
    open: () => press(bot, 'U0SEC00003', 'project_progress', String(f.implementing)),
  },
  {
    callback: 'project_apply_submit',
    what: "another branch's application",
    entitled: [],
    open: () => press(bot, 'U0SEC00003', 'project_apply', String(f.implementing)),
  },
  {
    callback: 'project_move_submit',
    what: "a leader's confirmation of a registration",
    entitled: ['leader'],
    open: () => press(bot, ACTORS.leader, 'project_accept', String(f.registered)),
  },
  {
    callback: 'project_assign_submit',
    what: "the admin's assignment of assessors",
    entitled: ['admin'],
    open: () => press(bot, ACTORS.admin, 'project_assign', String(f.applied)),
  },
  {
    callback: 'project_score_submit',
    what: "an assessor's sheet",
    entitled: ['leader'],
    open: () => press(bot, ACTORS.leader, 'project_score', String(f.assessed)),
  },
  {
    callback: 'project_adjust_submit',
    what: "the committee's adjustment",
    entitled: ['leader'],
    open: () => press(bot, ACTORS.leader, 'project_adjust', '1'),
  },
  {
    callback: 'project_confirm_submit',
    what: "the admin's confirmation of the awards",
    entitled: ['admin'],
    open: () => press(bot, ACTORS.admin, 'project_confirm', '1'),
  },
  {
    callback: 'commend_nominate_submit',
    what: "another branch's nomination",
    entitled: [],
    open: () => press(bot, ZX2_SECRETARY, 'commend_nominate', ETHICS_MODEL),
  },
  {
    callback: 'commend_review_submit',
    what: "a leader's review of a nomination",
    entitled: ['leader'],
    open: () => press(bot, ACTORS.leader, 'commend_review', String(f.nomination)),
  },
  {
    callback: 'commend_publicity_submit',
    what: "the admin's publicity",
    entitled: ['admin'],
    open: () => press(bot, ACTORS.admin, 'commend_publicity', 'ETHICS'),
  },
  {
    callback: 'commend_announce_submit',
    what: "the admin's announcement",
    entitled: ['admin'],
    open: () => press(bot, ACTORS.admin, 'commend_announce', 'JULY1'),
  },
  {
    callback: 'commend_objection_submit',
    what: "the admin's decision on an objection",
    entitled: ['admin'],
    open: () => press(bot, ACTORS.admin, 'commend_objection', String(f.objection)),
  },
  {
    callback: 'commend_object_submit',
    what: 'an objection, by someone not in the roster only',
    entitled: ['admin', 'leader', 'secretary', 'member'],
    open: () => press(bot, PAPER_AUTHOR, 'commend_object', JSON.stringify({ r: 'JULY1', p: 1 })),
  },
  {
    callback: 'commit_submit',
    what: "an edit of someone else's commitment",
    entitled: [],
    open: () => press(bot, ZX2_MEMBER, 'commit_edit', String(f.commitment)),
  },
  {
    callback: 'commit_fulfil_submit',
    what: "someone else's fulfilment",
    entitled: [],
    open: () => {
      bot.clock.set('2011-12-05T10:00:00+08:00');
      return press(bot, ZX2_MEMBER, 'commit_fulfil', String(f.commitment));
    },
  },
  {
    callback: 'commit_confirm_submit',
    what: "a confirmation of another branch's fulfilment",
    entitled: ['leader'],
    open: () => press(bot, ACTORS.leader, 'commit_confirm', `${f.commitment}:1`),
  },
  {
    callback: 'inspect_record',
    what: "a leader's inspection of a branch",
    entitled: ['leader'],
    open: () => slash(bot, ACTORS.leader, '/inspect', 'YQ-XX1'),
  },
  {
    callback: 'inspect_county',
    what: "the admin's county inspection",
    entitled: ['admin'],
    open: () => slash(bot, ACTORS.admin, '/inspect', 'all'),
  },
  {
    callback: 'extension_request',
    what: "another branch's extension request",
    entitled: [],
    open: () => press(bot, ZX2_SECRETARY, 'prompt_extension', zx2Task(f)),
  },
];

/** Opens the case's modal as its rightful user, and returns it. */
async function openedView(c: { open: () => Promise<unknown> }): Promise<OpenedView> {
  await c.open();
  return lastView(bot.fake);
}

/** `user` submits the modal `view` as `callback`, with every input filled in. */
function submitFilled(user: string, callback: string, view: OpenedView, viewId: string) {
  return submit(bot, user, callback, view.private_metadata, filledState(view), viewId);
}

const GARBAGE_METADATA = [
  '',
  'x',
  '{}',
  '{"planId":1,"branchId":999999}',
  '{"planId":1,"paperId":999999}',
  '{"paperId":999999}',
  '{"r":999999,"v":1}',
  '{"o":999999,"b":999999}',
  '{"planId":1,"rev":0}',
];

describe('every role × every modal', () => {
  it.each(withRefusedRoles(VIEW_CASES))(
    'when a $role submits $what, then it is refused, logged and nothing changes',
    async (c) => {
      const view = await openedView(c);
      expect(view.callback_id).toBe(c.callback);
      await refusedAndUnchanged(ACTORS[c.role], (user) =>
        submitFilled(user, c.callback, view, `VFORGED-${c.callback}-${c.role}`),
      );
    },
  );

  it.each(VIEW_CASES.map((c) => c.callback))(
    'when someone not in the roster submits %s, then nothing changes',
    async (callback) => {
      const view = await openedView(VIEW_CASES.find((x) => x.callback === callback)!);
      await unchangedBy(() => submitFilled(ACTORS.stranger, callback, view, `VSTRANGER-${callback}`));
    },
  );

  it.each(ROLES)(
    "when a %s submits every registered modal with metadata that is nobody's, then nothing changes and nothing crashes",
    async (role) => {
      for (const callback of listeners.views) {
        for (const metadata of GARBAGE_METADATA) {
          await unchangedBy(() => submit(bot, ACTORS[role], callback, metadata, {}));
        }
      }
    },
  );
});

/** A review form's values, accepting: the report and paper review forms share the block ids. */
const ACCEPT_REPORT = {
  decision: { value: { type: 'radio_buttons', selected_option: { value: 'accept' } } },
  comment: { value: { type: 'plain_text_input', value: null } },
};
/** The fulfilment's confirmation form, confirming. */
const CONFIRM_FULFILMENT = {
  decision: { value: { type: 'static_select', selected_option: { value: 'confirmed' } } },
  comment: { value: { type: 'plain_text_input', value: null } },
};

/** A button, or a modal's submission (metadata and values), sent by LEADER_SECRETARY. */
const pressBySelf = (actionId: string, value: string) => press(bot, LEADER_SECRETARY, actionId, value);
const submitBySelf = (callbackId: string, metadata: Record<string, unknown>, values = ACCEPT_REPORT) =>
  submit(bot, LEADER_SECRETARY, callbackId, metadata, values);

/**
 * Self-review: a leader deciding on what they submitted or asked for, on a branch they are a
 * secretary of, or on a paper they wrote or co-wrote. Each is refused, logged, changes nothing,
 * and the answer says who may decide instead (请由…).
 */
const SELF_CASES: { what: string; send: (x: Fixtures) => Promise<{ status: number; body: string }> }[] = [
  {
    what: 'opens the review of a report of a branch they are a secretary of',
    send: (x) => pressBySelf('report_review_open', String(x.report)),
  },
  {
    what: 'submits a review of a report of a branch they are a secretary of',
    send: (x) => submitBySelf('report_review', { r: x.report, v: 1 }),
  },
  {
    what: 'approves an extension of a branch they are a secretary of',
    send: (x) => pressBySelf('extension_approve', String(x.extension)),
  },
  {
    what: 'refuses an extension of a branch they are a secretary of',
    send: (x) => pressBySelf('extension_refuse', String(x.extension)),
  },
  {
    what: 'exempts a branch they are a secretary of from a task',
    send: () => slash(bot, LEADER_SECRETARY, '/pacesetter', 'exempt YQ-ZX2 A01-EVENT 自己免报'),
  },
  {
    what: 'opens the review of a report they submitted for another branch',
    send: (x) => pressBySelf('report_review_open', String(x.ownReport)),
  },
  {
    what: 'submits a review of a report they submitted',
    send: (x) => submitBySelf('report_review', { r: x.ownReport, v: 1 }),
  },
  {
    what: 'approves an extension they asked for',
    send: (x) => pressBySelf('extension_approve', String(x.ownExtension)),
  },
  {
    what: 'opens the review of a paper they co-wrote',
    send: (x) => pressBySelf('paper_review_open', String(x.coPaper)),
  },
  {
    what: 'submits a review of a paper they co-wrote',
    send: (x) => submitBySelf('paper_review_submit', { paperId: x.coPaper, v: 1 }),
  },
  {
    what: "presses Confirm on their own commitment's fulfilment",
    send: (x) => pressBySelf('commit_confirm', `${x.ownCommitment}:1`),
  },
  {
    what: "submits a confirmation of their own commitment's fulfilment",
    send: (x) => submitBySelf('commit_confirm_submit', { commitmentId: x.ownCommitment, v: 1 }, CONFIRM_FULFILMENT),
  },
  {
    what: 'submits a review of their own paper',
    send: (x) => submitBySelf('paper_review_submit', { paperId: x.ownPaper, v: 1 }),
  },
];

describe('no leader decides on their own', () => {
  it.each(SELF_CASES)(
    'when a leader $what, then it is refused, logged, nothing changes, and they are told who may',
    async ({ send }) => {
      const denied = await deniedCount(bot, LEADER_SECRETARY);
      const before = bot.fake.calls.length;
      let body = '';
      await unchangedBy(async () => {
        const res = await send(f);
        body = res.body;
        return res;
      });
      expect(await deniedCount(bot, LEADER_SECRETARY)).toBe(denied + 1);
      const answers = body + JSON.stringify(bot.fake.calls.slice(before).map((c) => c.args));
      expect(answers).toContain('请由');
    },
  );

  it('when a leader who is no secretary of the branch and did not write it reviews, then the form opens', async () => {
    await press(bot, ACTORS.leader, 'report_review_open', String(f.report));
    expect(lastView(bot.fake).callback_id).toBe('report_review');
    await press(bot, LEADER_SECRETARY, 'paper_review_open', String(f.paper));
    expect(lastView(bot.fake).callback_id).toBe('paper_review_submit');
  });
});
