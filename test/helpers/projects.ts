import fs from 'node:fs';
import { expect } from 'vitest';
import type { DB } from '../../db/index.js';
import { applyProject, assignAssessors, moveProject, registerProject } from '../../db/queries/projects.js';
import { startBot, type TestBot } from './bot.js';
import { EXAMPLE_ROSTER, loadRoster } from './db.js';
import { shownView, submitView, type ShownView } from './reporting.js';

/** People of the example roster and the two leaders these tests add, so that three assessors can score. */
export const P = {
  secZx1: 'U0SEC00001', // 王建国, secretary of YQ-ZX1 (secondary)
  secZx2: 'U0SEC00002', // 刘芳, secretary of YQ-ZX2 (secondary)
  secJg1: 'U0SEC00009', // 马骏, secretary of YQ-JG1 (office)
  member: 'U0MEM00001', // 李晓梅, member of YQ-ZX1
  member2: 'U0MEM00002', // 赵志强, member of YQ-ZX1
  memberZx2: 'U0MEM00003', // 陈刚, member of YQ-ZX2
  leader1: 'U0LDR00001', // 黄卫东, leader, member of YQ-JG1
  leader2: 'U0LDR00002', // 林淑珍, leader
  leader3: 'U0LDR00003', // 周建华, leader (added)
  leader4: 'U0LDR00004', // 钱宏, leader (added)
  admin: 'U0ADM00001', // 宋明
} as const;

export async function addLeaders(bot: TestBot): Promise<void> {
  const csv = `${fs.readFileSync(EXAMPLE_ROSTER, 'utf8').trimEnd()}\n,,,U0LDR00003,周建华,leader,division_leader\n,,,U0LDR00004,钱宏,leader,division_leader\n`;
  await loadRoster(bot.ctx.db, csv);
}

/** The bot at `now` with the two added leaders (addLeaders), its announcements posted without a pause. */
export async function startWithLeaders(now: string): Promise<TestBot> {
  const bot = await startBot({ now, drain: { perChannelIntervalMs: 0 } });
  await addLeaders(bot);
  return bot;
}

export type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { type?: string; text?: unknown; action_id?: string; value?: string }[];
  accessory?: { action_id: string; value: string };
};

/** The buttons of blocks: accessories and actions elements. */
export function buttonsIn(blocks: readonly Block[] | undefined): { action_id: string; value: string }[] {
  return (blocks ?? [])
    .flatMap((b) => [
      ...(b.accessory ? [b.accessory] : []),
      ...(b.type === 'actions' ? (b.elements as { action_id: string; value: string }[]) : []),
    ])
    .map((e) => ({ action_id: e.action_id, value: e.value }));
}

export function textOf(blocks: readonly unknown[] | undefined): string {
  return JSON.stringify(blocks ?? []);
}

/** The last answer to a command or a message's button, only to the caller. */
export function lastEphemeral(bot: TestBot): { text: string; blocks: Block[] } {
  const call = bot.fake.callsTo('response_url').at(-1);
  if (!call) throw new Error('no response_url reply');
  return { text: String(call.args.text ?? ''), blocks: (call.args.blocks as Block[] | undefined) ?? [] };
}

export async function slash(bot: TestBot, user: string, command: string, text = '') {
  const res = await bot.driver.command({ command, text, user_id: user });
  expect(res.status).toBe(200);
  return res;
}

export async function press(bot: TestBot, user: string, actionId: string, value: string, fromView = false) {
  const res = await bot.driver.blockAction({
    user_id: user,
    actions: [{ action_id: actionId, value }],
    ...(fromView ? { view: { id: 'VCARD', callback_id: '', private_metadata: '' } } : {}),
  });
  expect(res.status).toBe(200);
  return res;
}

/** Presses a button and returns the modal it opened (or pushed). */
export async function openBy(bot: TestBot, user: string, actionId: string, value: string): Promise<ShownView> {
  const before = bot.fake.calls.length;
  await press(bot, user, actionId, value);
  const opened = bot.fake.calls
    .slice(before)
    .some((c) => c.ok && (c.method === 'views.open' || c.method === 'views.push'));
  expect({ actionId, opened }).toEqual({ actionId, opened: true });
  return shownView(bot);
}

export const text = (value: string | null) => ({ value: { type: 'plain_text_input', value } });
export const number = (value: string | null) => ({ value: { type: 'number_input', value } });
export const select = (value: string | null) => ({
  value: { type: 'static_select', selected_option: value === null ? null : { value } },
});
export const radio = (value: string | null) => ({
  value: { type: 'radio_buttons', selected_option: value === null ? null : { value } },
});
export const multi = (values: string[]) => ({
  value: { type: 'multi_static_select', selected_options: values.map((value) => ({ value })) },
});
export const channel = (id: string | null) => ({ value: { type: 'conversations_select', selected_conversation: id } });
export const user = (id: string | null) => ({ value: { type: 'users_select', selected_user: id } });
export const url = (value: string | null) => ({ value: { type: 'url_text_input', value } });

export async function submit(
  bot: TestBot,
  who: string,
  view: { id?: string; private_metadata: string; callback_id?: string },
  values: Record<string, Record<string, unknown>>,
) {
  const res = await submitView(bot, who, view, values);
  expect(res.status).toBe(200);
  return res;
}

/** The errors a submission answered with, or null when it was accepted. */
export function errorsOf(res: { json(): unknown; body: string }): Record<string, string> | null {
  if (res.body === '') return null;
  const body = res.json() as { response_action?: string; errors?: Record<string, string> };
  return body.response_action === 'errors' ? (body.errors ?? {}) : null;
}

export async function denied(bot: TestBot, actor: string): Promise<number> {
  const rows = await bot.ctx.db
    .selectFrom('audit_log')
    .select('id')
    .where('action', '=', 'access.denied')
    .where('actor', '=', actor)
    .execute();
  return rows.length;
}

export async function personIdOf(bot: TestBot, slack: string): Promise<number> {
  return (
    await bot.ctx.db.selectFrom('people').select('id').where('slack_user_id', '=', slack).executeTakeFirstOrThrow()
  ).id;
}

export async function branchIdOf(bot: TestBot, code: string): Promise<number> {
  return (await bot.ctx.db.selectFrom('branches').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
}

/** Posts the bot made to a channel (not thread replies unless asked). */
export function channelPosts(bot: TestBot, channel: string) {
  return bot.fake.callsTo('chat.postMessage').filter((c) => c.ok && c.args.channel === channel);
}

export function dmsTo(bot: TestBot, userId: string): string[] {
  return bot.fake
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === userId)
    .map((c) => String(c.args.text));
}

export { shownView, type ShownView };

/** What the registration form of /project gives the repository: one-letter aims, approach and results, one project a branch. */
export function aRegistration(r: { title: string; branchId: number; personId: number; submissionKey: string }) {
  return { ...r, aims: 'a', approach: 'b', expected: 'c', planId: 1, perBranch: 1, report: null };
}

/**
 * A project registered straight through the repository and walked on to `until`: implemented,
 * applied (with `links`), assessors assigned. The submission keys are `keys` + 1…4; the steps happen
 * at `meta.now`, or at the four ISO `times` where a test reads when each happened.
 */
export async function seedProject(
  db: DB,
  o: {
    branchId: number;
    secretaryId: number;
    meta: { actor: string; now: Date };
    times?: [string, string, string, string];
    until: 'implementation' | 'application' | 'assessment';
    title?: string;
    links?: string[];
    keys?: string;
    assessment?: { assessorIds: number[]; adminId: number };
  },
): Promise<number> {
  const keys = o.keys ?? 'V';
  const at = (step: 1 | 2 | 3 | 4) => (o.times ? { ...o.meta, now: new Date(o.times[step - 1]!) } : o.meta);
  const reg = await registerProject(
    db,
    aRegistration({ title: o.title ?? 't', branchId: o.branchId, personId: o.secretaryId, submissionKey: `${keys}1` }),
    at(1),
  );
  if (reg.outcome !== 'registered') throw new Error(reg.outcome);
  const id = reg.project.id;
  const sec = o.secretaryId;
  await moveProject(
    db,
    {
      projectId: id,
      from: 'registration',
      to: 'implementation',
      comment: null,
      personId: sec,
      submissionKey: `${keys}2`,
    },
    at(2),
  );
  if (o.until === 'implementation') return id;
  await applyProject(
    db,
    { projectId: id, results: 'r', links: o.links ?? [], personId: sec, submissionKey: `${keys}3`, report: null },
    at(3),
  );
  if (o.until === 'application') return id;
  if (!o.assessment) throw new Error('an assessment needs its assessors');
  await assignAssessors(
    db,
    {
      projectId: id,
      assessorIds: o.assessment.assessorIds,
      personId: o.assessment.adminId,
      comment: null,
      submissionKey: `${keys}4`,
    },
    at(4),
  );
  return id;
}
