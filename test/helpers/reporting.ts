import { expect } from 'vitest';
import type { TestBot } from './bot.js';
import { branchId as branchIdIn, obligationId as obligationIdIn } from './db.js';
import type { FakeSlackCall } from '../../src/playground/fake-slack.js';

/** Roster people (examples/roster.csv) the reporting tests use. */
export const PEOPLE = {
  secretaryZx1: 'U0SEC00001', // 王建国, YQ-ZX1 (secondary)
  secretaryZx2: 'U0SEC00002', // 刘芳, YQ-ZX2 (secondary)
  secretaryTwo: 'U0SEC00004', // 周敏, YQ-XX2 and YQ-XX3 (primary)
  member: 'U0MEM00001', // 李晓梅, member of YQ-ZX1, school cadre
  leader1: 'U0LDR00001', // 黄卫东, leader and member
  leader2: 'U0LDR00002', // 林淑珍, leader
  admin: 'U0ADM00001', // 宋明
} as const;
export const LEADERS = [PEOPLE.leader1, PEOPLE.leader2];

export const obligationId = (bot: TestBot, code: string): Promise<number> => obligationIdIn(bot.ctx.db, code);

export const branchId = (bot: TestBot, code: string): Promise<number> => branchIdIn(bot.ctx.db, code);

export interface ShownView {
  id: string;
  hash: string;
  callback_id?: string;
  private_metadata: string;
  title: { text: string };
  submit?: { text: string };
  blocks: {
    type: string;
    block_id?: string;
    element?: Record<string, unknown>;
    elements?: Record<string, unknown>[];
    text?: { text: string };
  }[];
}

/** The view the bot last opened or updated, with the id and hash the fake Slack gave it. */
export function shownView(bot: TestBot): ShownView {
  const call = [...bot.fake.calls]
    .reverse()
    .find((c) => c.ok && ['views.open', 'views.update', 'views.push'].includes(c.method));
  if (!call) throw new Error(`no view was shown; calls: ${bot.fake.calls.map((c) => c.method).join(', ')}`);
  const view = (call.response as { view: ShownView }).view;
  return { ...(call.args.view as ShownView), id: view.id, hash: view.hash };
}

export function blockOf(view: ShownView, blockId: string) {
  return view.blocks.find((b) => b.block_id === blockId);
}

export function optionLabels(view: ShownView, blockId = 'obligation'): string[] {
  const el = blockOf(view, blockId)?.element as { options?: { text: { text: string } }[] } | undefined;
  return (el?.options ?? []).map((o) => o.text.text);
}

export function allText(view: { blocks: unknown[] }): string {
  return JSON.stringify(view.blocks);
}

export async function command(bot: TestBot, user: string, text = '', name = '/report') {
  const res = await bot.driver.command({ command: name, text, user_id: user });
  expect(res.status).toBe(200);
  return res;
}

export interface ReportValues {
  obligationId?: number | string;
  heldOn?: string | null;
  participants?: string | null;
  summary?: string | null;
  evidence?: string | null;
  files?: Record<string, unknown>[];
  keepFiles?: string[];
}

/** Slack's `view.state.values` for the report modal. */
export function reportValues(v: ReportValues): Record<string, Record<string, unknown>> {
  return {
    obligation: {
      value: {
        type: 'static_select',
        selected_option: v.obligationId === undefined ? null : { value: String(v.obligationId) },
      },
    },
    held_on: { value: { type: 'datepicker', selected_date: v.heldOn ?? null } },
    participants: { value: { type: 'number_input', value: v.participants ?? null } },
    summary: { value: { type: 'plain_text_input', value: v.summary ?? null } },
    evidence: { value: { type: 'plain_text_input', value: v.evidence ?? null } },
    files: { value: { type: 'file_input', files: v.files ?? [] } },
    ...(v.keepFiles
      ? { keep_files: { value: { type: 'checkboxes', selected_options: v.keepFiles.map((value) => ({ value })) } } }
      : {}),
  };
}

export function slackFile(id: string, name: string) {
  return {
    id,
    name,
    title: name,
    mimetype: 'image/jpeg',
    filetype: 'jpg',
    permalink: `https://fake-workspace.slack.com/files/U0/${id}/${name}`,
    created: 1308540000,
  };
}

export async function submitView(
  bot: TestBot,
  user: string,
  view: { id?: string; private_metadata: string; callback_id?: string },
  values: Record<string, Record<string, unknown>>,
  callbackId = 'report_submit',
) {
  return bot.driver.viewSubmission({
    user_id: user,
    view: {
      id: view.id,
      callback_id: view.callback_id ?? callbackId,
      private_metadata: view.private_metadata,
      state: { values },
    },
  });
}

/** Submits the report modal the bot showed last, filled in with `v`. */
export async function submitShownReport(bot: TestBot, user: string, v: ReportValues) {
  return submitView(bot, user, shownView(bot), reportValues(v));
}

export function errorsOf(res: { json(): unknown }): Record<string, string> {
  const body = res.json() as { response_action?: string; errors?: Record<string, string> } | undefined;
  expect(body?.response_action).toBe('errors');
  return body!.errors!;
}

export async function click(
  bot: TestBot,
  user: string,
  actionId: string,
  value: string,
  opts: { message?: { ts: string; text?: string } } = {},
) {
  const res = await bot.driver.blockAction({
    user_id: user,
    actions: [{ action_id: actionId, value }],
    ...(opts.message ? { message: opts.message } : {}),
  });
  expect(res.status).toBe(200);
  return res;
}

/** Messages the bot posted to a user (DMs) or a channel. */
export function postsTo(bot: TestBot, channel: string): FakeSlackCall[] {
  return bot.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
}

export function lastReply(bot: TestBot): Record<string, unknown> {
  const call = bot.fake.callsTo('response_url').at(-1);
  if (!call) throw new Error('no response_url reply');
  return call.args;
}

/** The action ids and values of the buttons in a message's blocks. */
export function buttonsOf(call: FakeSlackCall | undefined): { action_id: string; value: string }[] {
  const blocks =
    (call?.args.blocks as
      { type: string; elements?: { type: string; action_id: string; value: string }[] }[] | undefined) ?? [];
  return blocks
    .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
    .map((e) => ({ action_id: e.action_id, value: e.value }));
}

export async function denials(bot: TestBot) {
  return bot.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'access.denied').execute();
}

export async function reportsRows(bot: TestBot) {
  return bot.ctx.db.selectFrom('reports').selectAll().orderBy('id').execute();
}
