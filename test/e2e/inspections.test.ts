/**
 * Inspections (督查) over signed HTTP and the fake Slack: a leader records an inspection of a
 * branch with rectification tasks (整改任务); the secretary is told at once; the tasks are on the
 * branch's checklist, reported with /report, reminded and escalated like any task, reviewed by a
 * leader; the county's inspection sets tasks for many branches in one go; bad input stores nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit.js';
import { listInspections, listRectificationItems } from '../../db/queries/inspections.js';
import { findJob } from '../../jobs/index.js';
import { runJob } from '../../src/delivery/scheduler.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { errorsOf, lastEphemeral, P, select, slash, submit, text } from '../helpers/projects.js';
import { click, command, optionLabels, shownView, submitShownReport, submitView } from '../helpers/reporting.js';

let bot: TestBot;
beforeEach(async () => {
  bot = await startBot({ drain: { perChannelIntervalMs: 0 } });
});
afterEach(() => closeChecked(bot));

const date = (d: string | null) => ({ value: { type: 'datepicker', selected_date: d } });
const checks = (values: string[]) => ({
  value: { type: 'checkboxes', selected_options: values.map((value) => ({ value })) },
});

function inspectionValues(v: {
  heldOn?: string | null;
  kind?: string | null;
  rating?: string | null;
  twoSkins?: boolean;
  findings?: string | null;
  items?: string | null;
}) {
  return {
    held_on: date(v.heldOn === undefined ? '2011-06-17' : v.heldOn),
    kind: select(v.kind === undefined ? 'roving' : v.kind),
    rating: select(v.rating === undefined ? 'average' : v.rating),
    two_skins: checks(v.twoSkins ? ['yes'] : []),
    checked: text('党员活动记录、三会一课台账'),
    findings: text(v.findings === undefined ? '组织生活记录不全 <!channel>' : v.findings),
    items: text(v.items === undefined ? '2011-06-30 补开推迟的党员大会\n2011-07-15 完善三会一课台账' : v.items),
  };
}

async function openInspect(user: string, target: string) {
  await slash(bot, user, '/inspect', target);
  return shownView(bot);
}

const itemCount = async () => (await bot.ctx.db.selectFrom('rectification_items').select('id').execute()).length;
const inspectionCount = async () => (await bot.ctx.db.selectFrom('inspections').select('id').execute()).length;

describe('an inspection with rectification tasks', () => {
  it('when a leader records a roving inspection of YQ-ZX1 with two tasks, then the secretary is told at once, the tasks are on the checklist, reported, reminded, escalated and reviewed like any task', async () => {
    const view = await openInspect(P.leader2, 'YQ-ZX1');
    expect(view.callback_id).toBe('inspect_record');
    const res = await submit(bot, P.leader2, view, inspectionValues({ twoSkins: true }));
    expect(errorsOf(res)).toBeNull();
    await bot.settled();

    const [inspection] = await listInspections(bot.ctx.db, 1);
    expect(inspection).toMatchObject({ heldOn: '2011-06-17', kind: 'roving', rating: 'average', twoSkins: true });
    const items = await listRectificationItems(bot.ctx.db, 1);
    expect(items.map((i) => [i.code, i.due, i.text])).toEqual([
      [`R${inspection!.id}-1`, '2011-06-30', '补开推迟的党员大会'],
      [`R${inspection!.id}-2`, '2011-07-15', '完善三会一课台账'],
    ]);

    // The secretary's DM: findings (escaped) and the tasks, at once.
    const dm = bot.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === P.secZx1);
    expect(dm).toHaveLength(1);
    const dmText = JSON.stringify(dm[0]!.args.blocks);
    expect(dmText).toContain('组织生活记录不全 &lt;!channel&gt;');
    expect(dmText).toContain('补开推迟的党员大会');
    expect(dmText).toContain('两张皮');
    expect((await listAudit(bot.ctx.db, { action: 'inspection.record' })).length).toBe(1);
    // The leader is told through the outbox too, once, and a second delivery of the submission sends nothing.
    const told = () => bot.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === P.leader2);
    expect(told().map((c) => c.args.text)).toEqual([
      '已记录 2011-06-17 对延庆一中党总支的督查，整改任务 2 项，已通知书记。',
    ]);
    const queued = await bot.ctx.db.selectFrom('outbox').select('dedupe_key').execute();
    expect(queued.map((r) => r.dedupe_key)).toContain(`inspection:${inspection!.id}:recorded:${P.leader2}`);
    await submit(bot, P.leader2, view, inspectionValues({ twoSkins: true }));
    await bot.settled();
    expect(told()).toHaveLength(1);

    // On the checklist: /report offers the tasks like any other.
    await command(bot, P.secZx1, '');
    const reportView = shownView(bot);
    const labels = optionLabels(reportView).join('\n');
    expect(labels).toContain(`R${inspection!.id}-1`);
    // Another branch does not see them.
    await command(bot, P.secZx2, '');
    expect(optionLabels(shownView(bot)).join('\n')).not.toContain(`R${inspection!.id}-1`);

    // Reported with /report.
    await command(bot, P.secZx1, '');
    const reported = await submitShownReport(bot, P.secZx1, {
      obligationId: items[0]!.obligationId,
      heldOn: '2011-06-20',
      participants: '40',
      summary: '已补开党员大会',
      evidence: 'https://example.org/minutes',
    });
    expect(reported.status).toBe(200);
    await bot.settled();
    const report = await bot.ctx.db
      .selectFrom('reports')
      .selectAll()
      .where('obligation_id', '=', items[0]!.obligationId)
      .executeTakeFirstOrThrow();
    expect(report.status).toBe('submitted');

    // Reviewed by a leader (accepted): the task is closed.
    await click(bot, P.leader2, 'report_review_open', String(report.id));
    const reviewView = shownView(bot);
    await submitView(
      bot,
      P.leader2,
      { ...reviewView, callback_id: 'report_review' },
      {
        decision: { value: { type: 'radio_buttons', selected_option: { value: 'accept' } } },
        comment: { value: { type: 'plain_text_input', value: '整改到位' } },
      },
    );
    await bot.settled();
    expect((await listRectificationItems(bot.ctx.db, 1))[0]!.reportStatus).toBe('accepted');

    // The second task comes due: reminded before it, escalated once overdue, on working days.
    bot.clock.set('2011-07-14T10:00:00+08:00');
    await runJob(bot.ctx, findJob('reminders')!, { now: bot.clock.now() });
    await bot.settled();
    const reminders = bot.fake
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === P.secZx1)
      .slice(-1);
    expect(JSON.stringify(reminders.map((c) => c.args.blocks))).toContain(`R${inspection!.id}-2`);
    bot.clock.set('2011-07-25T10:00:00+08:00');
    await runJob(bot.ctx, findJob('escalations')!, { now: bot.clock.now() });
    await bot.settled();
    const outbox = await bot.ctx.db
      .selectFrom('outbox')
      .select(['job', 'payload'])
      .where('job', '=', 'escalations')
      .execute();
    expect(outbox.map((o) => o.payload).join('\n')).toContain(`R${inspection!.id}-2`);
  });

  it('when the inspecting leader adds no task, then the inspection is stored and the secretary told there is none', async () => {
    const view = await openInspect(P.leader2, 'YQ-ZX2');
    expect(errorsOf(await submit(bot, P.leader2, view, inspectionValues({ items: null, rating: 'good' })))).toBeNull();
    await bot.settled();
    expect(await inspectionCount()).toBe(1);
    expect(await itemCount()).toBe(0);
    expect(
      JSON.stringify(
        bot.fake
          .callsTo('chat.postMessage')
          .filter((c) => c.args.channel === P.secZx2)
          .map((c) => c.args.blocks),
      ),
    ).toContain('未下达整改任务');
  });
});

describe('the county inspection of the whole system', () => {
  it('when an admin records the county inspection with tasks for three branches, then each branch owes its own and each secretary is told of theirs only', async () => {
    const view = await openInspect(P.admin, 'all');
    expect(view.callback_id).toBe('inspect_county');
    const res = await submit(bot, P.admin, view, {
      ...inspectionValues({}),
      items: text(
        'YQ-ZX1 2011-07-10 公开党务公开目录\nyq-zx2 2011-07-10 补齐活动照片\nYQ-JG1 2011-07-20 完成效能自查报告',
      ),
    });
    expect(errorsOf(res)).toBeNull();
    await bot.settled();
    const items = await listRectificationItems(bot.ctx.db, 1);
    expect(items).toHaveLength(3);
    const [inspection] = await listInspections(bot.ctx.db, 1);
    expect(inspection!.branchId).toBeNull();
    expect(inspection!.rating).toBeNull();
    const zx1 = JSON.stringify(
      bot.fake
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === P.secZx1)
        .map((c) => c.args.blocks),
    );
    expect(zx1).toContain('公开党务公开目录');
    expect(zx1).not.toContain('补齐活动照片');
    expect((await listAudit(bot.ctx.db, { action: 'inspection.county' })).length).toBe(1);
  });

  it('when a leader who is not an admin asks for the county inspection, then it is refused and audited', async () => {
    await slash(bot, P.leader2, '/inspect', 'all');
    await bot.settled();
    expect(JSON.stringify(bot.fake.calls.slice(-3).map((c) => c.args))).toContain('只有管理员');
    expect((await listAudit(bot.ctx.db, { action: 'access.denied' })).length).toBeGreaterThan(0);
  });
});

describe('bad input stores nothing and is audited', () => {
  it('when the branch does not exist, then the leader is told and the attempt audited', async () => {
    await slash(bot, P.leader2, '/inspect', 'YQ-NOPE');
    await bot.settled();
    expect(JSON.stringify(bot.fake.calls.slice(-3).map((c) => c.args))).toContain('YQ-NOPE');
    expect(await inspectionCount()).toBe(0);
    const denied = await listAudit(bot.ctx.db, { action: 'access.denied' });
    expect(denied.at(-1)!.details.reason).toBe('no such branch');
  });

  it('when a secretary who is not a leader asks to inspect, then it is refused and audited', async () => {
    await slash(bot, P.secZx1, '/inspect', 'YQ-ZX2');
    await bot.settled();
    expect(JSON.stringify(lastEphemeral(bot))).toContain('只有领导');
    expect((await listAudit(bot.ctx.db, { action: 'access.denied' })).length).toBe(1);
    // A forged submission is refused too.
    const forged = await submitView(
      bot,
      P.secZx1,
      { private_metadata: JSON.stringify({ p: 1, b: 2 }), callback_id: 'inspect_record' },
      inspectionValues({}),
    );
    expect(forged.status).toBe(200);
    await bot.settled();
    expect(await inspectionCount()).toBe(0);
  });

  it('when the rating is not in the scale, or a task is due before the inspection, then the fields say so and nothing is stored', async () => {
    const view = await openInspect(P.leader2, 'YQ-ZX1');
    expect(errorsOf(await submit(bot, P.leader2, view, inspectionValues({ rating: 'excellent' })))).toEqual({
      rating: '请选择工作安排规定的评定。',
    });
    expect(
      errorsOf(await submit(bot, P.leader2, view, inspectionValues({ items: '2011-06-10 早于督查日期' }))),
    ).toEqual({
      items: '第 1 行：完成期限不能早于督查日期（2011-06-17）。',
    });
    expect(errorsOf(await submit(bot, P.leader2, view, inspectionValues({ heldOn: null, findings: '' })))).toEqual({
      held_on: '请选择督查日期。',
      findings: '请填写此项。',
    });
    expect(await inspectionCount()).toBe(0);
    expect(await itemCount()).toBe(0);
    const denied = await listAudit(bot.ctx.db, { action: 'access.denied' });
    expect(denied.filter((d) => d.details.reason === 'invalid inspection')).toHaveLength(3);
  });

  it('when a county task names a branch that does not exist, then the line is named and nothing is stored', async () => {
    const view = await openInspect(P.admin, 'all');
    expect(
      errorsOf(
        await submit(bot, P.admin, view, {
          ...inspectionValues({}),
          items: text('YQ-ZX1 2011-07-10 好\nNOPE 2011-07-10 坏'),
        }),
      ),
    ).toEqual({
      items: '第 2 行：没有代码为“NOPE”的基层党组织。',
    });
    expect(await inspectionCount()).toBe(0);
  });

  it('when a leader is secretary of the branch, then they may not inspect it', async () => {
    // 黄卫东 (leader1) is a member of YQ-JG1, not its secretary: refused only for one's own branch.
    await slash(bot, P.secJg1, '/inspect', 'YQ-JG1');
    await bot.settled();
    expect(await inspectionCount()).toBe(0);
  });
});
