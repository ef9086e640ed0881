/**
 * The year-end evaluation over signed HTTP, the fake Slack and the public page: the office opens
 * the round, members and leaders are invited and vote in Slack once each, mass representatives
 * vote with one-time codes, hand tallies are entered, the round closes, and the results appear in
 * /rankings, the Home tab and the export. Every bad input is refused, audited and stores nothing.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluationResults, evaluationWeight } from '../../db/queries/evaluation.js';
import { evaluationJob } from '../../jobs/evaluation.js';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import {
  branch,
  cli,
  codesIn,
  countsOf,
  DURING,
  grades,
  openEvaluate,
  tempFile,
  voteByButton,
} from '../helpers/evaluation.js';
import { takeLoggedErrors } from '../helpers/logs.js';
import {
  addLeaders,
  branchIdOf,
  buttonsIn,
  denied,
  dmsTo,
  errorsOf,
  lastEphemeral,
  P,
  personIdOf,
  radio,
  slash,
  submit,
  textOf,
} from '../helpers/projects.js';

let bot: TestBot;
afterEach(() => closeChecked(bot));

async function start(
  now = DURING,
  env: Record<string, string> = { PUBLIC_URL: 'https://vote.example.org', DEFAULT_LOCALE: 'en' },
) {
  bot = await startBot({ now, env, drain: { perChannelIntervalMs: 0 } });
  await addLeaders(bot);
}

async function runJob() {
  const now = bot.clock.now();
  return evaluationJob.run(bot.ctx, { now, slot: now, lastSlot: null, late: false, dryRun: false });
}

async function votedFlag(user: string, branchId: number) {
  const row = await bot.ctx.db
    .selectFrom('evaluation_voters')
    .select('voted')
    .where('person_id', '=', await personIdOf(bot, user))
    .where('branch_id', '=', branchId)
    .executeTakeFirst();
  return row?.voted ?? null;
}

async function refusedAudits() {
  return bot.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'evaluation.refused').execute();
}

async function page(path: string, init?: RequestInit) {
  const res = await fetch(`${bot.baseUrl}${path}`, { redirect: 'manual', ...init });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe('the year-end evaluation, from opening to results', () => {
  it('when the office opens the round, members and leaders vote in Slack, representatives with codes, tallies come in and the round closes, then the results are shown and exported, and nothing before', async () => {
    await start();
    const zx1 = await branchIdOf(bot, 'YQ-ZX1');
    const zx2 = await branchIdOf(bot, 'YQ-ZX2');

    // Before the opening: /evaluate says there is none.
    await slash(bot, P.member, '/evaluate');
    expect(lastEphemeral(bot).text).toBe('There is no evaluation in the plan in force.');

    const opened = await cli(bot, ['evaluation', 'open']);
    expect(opened.code).toBe(0);
    expect(opened.out).toMatch(
      /^Evaluation opened for the 2011 plan: 2011-12-12 to 2011-12-23, \d+ voters in Slack for \d+ branches, weight 20\.$/,
    );
    expect((await cli(bot, ['evaluation', 'open'])).out).toMatch(/already open/);

    // The job invites every voter once; a member's DM has a button for their branch.
    await runJob();
    const invite = bot.fake.callsTo('chat.postMessage').find((c) => c.args.channel === P.member)!;
    expect(String(invite.args.text)).toContain('延庆一中党总支');
    expect(buttonsIn(invite.args.blocks as never)).toEqual([{ action_id: 'evaluation_vote', value: String(zx1) }]);
    // A leader rates all twelve: one button, to the choice.
    const leaderDm = bot.fake.callsTo('chat.postMessage').find((c) => c.args.channel === P.leader2)!;
    expect(buttonsIn(leaderDm.args.blocks as never)).toEqual([{ action_id: 'evaluation_open', value: 'open' }]);
    const invitesBefore = bot.fake.callsTo('chat.postMessage').length;
    await runJob();
    expect(bot.fake.callsTo('chat.postMessage').length).toBe(invitesBefore);

    // A member votes for their branch: counted once, their flag set, the modal says it is final and anonymous.
    const { view, res } = await voteByButton(bot, P.member, zx1, 'satisfied', 'basic');
    expect(textOf(view.blocks)).toContain('A ballot is final once submitted');
    expect(textOf(view.blocks)).toContain('Nobody, admins included, can tell from the database how anyone voted');
    expect(errorsOf(res)).toBeNull();
    expect(await countsOf(bot, zx1)).toEqual({ 'slack.overall.satisfied': 1, 'slack.commitments.basic': 1 });
    expect(await votedFlag(P.member, zx1)).toBe(1);
    expect(dmsTo(bot, P.member).at(-1)).toBe(
      'Thank you: your ballot for 延庆一中党总支 is counted. You have rated every branch you may rate.',
    );

    // A second ballot (the same modal submitted again): refused under the form, audited, nothing counted.
    const deniedBefore = await denied(bot, P.member);
    const again = await submit(bot, P.member, view, grades('dissatisfied', 'dissatisfied'));
    expect(errorsOf(again)).toEqual({
      q_overall: 'You have already rated 延庆一中党总支 in this evaluation, and a ballot is final once submitted.',
    });
    expect(await countsOf(bot, zx1)).toEqual({ 'slack.overall.satisfied': 1, 'slack.commitments.basic': 1 });
    expect(await denied(bot, P.member)).toBe(deniedBefore + 1);
    // The refusal's audit row names the round and branch, never the grades.
    const row = await bot.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'access.denied')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.details).not.toMatch(/dissatisfied|satisfied|basic/);

    // Another branch: /evaluate YQ-ZX2 is refused; a forged submission for it too.
    await slash(bot, P.member2, '/evaluate', 'YQ-ZX2');
    expect(lastEphemeral(bot).text).toBe(
      'You may not rate 延庆二中党支部 in this evaluation: members and secretaries rate their own branch, leaders every branch.',
    );
    const forged = await submit(
      bot,
      P.member2,
      { private_metadata: JSON.stringify({ r: 1, b: zx2 }), callback_id: 'evaluation_ballot' },
      grades('dissatisfied', 'dissatisfied'),
    );
    expect(errorsOf(forged)?.q_overall).toMatch(/^You may not rate 延庆二中党支部/);
    expect(await countsOf(bot, zx2)).toEqual({});

    // A grade not offered, and a question left out: inline errors, the refusal audited, nothing stored.
    const own = await openEvaluate(bot, P.member2);
    const bad = await submit(bot, P.member2, own, { q_overall: radio('excellent'), q_commitments: radio(null) });
    expect(errorsOf(bad)).toEqual({ q_overall: 'That grade is not on this ballot.', q_commitments: 'Choose a grade.' });
    expect(await votedFlag(P.member2, zx1)).toBe(0);
    expect((await refusedAudits()).map((a) => JSON.parse(a.details).reason)).toContain(
      'unanswered or a grade not offered',
    );
    expect(errorsOf(await submit(bot, P.member2, own, grades('basic', 'basic')))).toBeNull();

    // A leader chooses the branch in the modal.
    const choice = await openEvaluate(bot, P.leader2);
    expect(choice.blocks.map((b) => b.block_id)).toEqual(
      expect.arrayContaining(['branch', 'q_overall', 'q_commitments']),
    );
    expect(errorsOf(await submit(bot, P.leader2, choice, { ...grades('satisfied', 'satisfied') }))).toEqual({
      branch: 'Choose the branch to rate.',
    });
    expect(
      errorsOf(await submit(bot, P.leader2, choice, { ...branch(zx2), ...grades('dissatisfied', 'basic') })),
    ).toBeNull();
    expect(await countsOf(bot, zx2)).toEqual({ 'slack.overall.dissatisfied': 1, 'slack.commitments.basic': 1 });

    // While it runs: a member sees no turnout or results; a leader sees turnout and no satisfaction rate.
    await slash(bot, P.member, '/rankings', 'evaluation');
    expect(await denied(bot, P.member)).toBe(deniedBefore + 2);
    await slash(bot, P.leader2, '/rankings', 'evaluation');
    const running = textOf(lastEphemeral(bot).blocks);
    expect(running).toContain('延庆一中党总支: 2 of 7 (28.6%)');
    expect(running).not.toContain('Satisfaction rate');

    // Mass representatives: three codes for YQ-ZX1, on a slips page with QR codes.
    const slips = tempFile('slips.html');
    const made = await cli(bot, ['evaluation', 'codes', '--branch', 'YQ-ZX1', '--count', '3', '--out', slips], {
      PUBLIC_URL: 'https://vote.example.org',
    });
    expect(made.out).toBe(
      `3 ballot codes for 延庆一中党总支 written to ${slips}. Print it and hand the slips out; the ballot codes are kept nowhere else.`,
    );
    const html = fs.readFileSync(slips, 'utf8');
    const codes = codesIn(html);
    expect(codes).toHaveLength(3);
    expect(html.match(/<svg/g)).toHaveLength(3);
    expect(html).toContain('https://vote.example.org/ballot/');
    // Only hashes are stored.
    const stored = await bot.ctx.db.selectFrom('evaluation_codes').select('hash').execute();
    expect(stored.map((s) => s.hash).some((h) => codes.some((c) => h.includes(c)))).toBe(false);

    const ballot = await page(`/ballot/${codes[0]}?lang=en`);
    expect(ballot.status).toBe(200);
    expect(ballot.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'sha256-[^']+'; form-action 'self'/,
    );
    expect(ballot.headers.get('set-cookie')).toBeNull();
    expect(ballot.body).toContain('Rate the campaign work of 延庆一中党总支');
    expect(ballot.body).not.toContain('<script');
    const thanks = await page(
      `/ballot/${codes[0]}`,
      form({ lang: 'en', q_overall: 'satisfied', q_commitments: 'satisfied' }),
    );
    expect(thanks.status).toBe(200);
    expect(thanks.body).toContain('Thank you. Your ballot is counted.');
    // A code works once.
    const reused = await page(
      `/ballot/${codes[0]}`,
      form({ lang: 'en', q_overall: 'dissatisfied', q_commitments: 'dissatisfied' }),
    );
    expect(reused.status).toBe(410);
    expect(reused.body).toContain('This ballot code has already been used.');
    // A grade not offered on the page: shown again with the message, nothing counted.
    const notOffered = await page(
      `/ballot/${codes[1]}`,
      form({ lang: 'zh', q_overall: '<b>x</b>', q_commitments: 'basic' }),
    );
    expect(notOffered.status).toBe(422);
    expect(notOffered.body).toContain('请为每项评议内容选择评价等次。');
    expect(notOffered.body).not.toContain('<b>x</b>');
    // Typed on the entry form, in any case and with dashes: to the code's page.
    const typed = await page(`/ballot?code=${codes[1]!.toLowerCase().replace(/(.{6})/g, '$1-')}&lang=en`);
    expect(typed.status).toBe(303);
    expect(typed.headers.get('location')).toBe(`/ballot/${codes[1]}?lang=en`);
    expect(await countsOf(bot, zx1)).toEqual({
      'slack.overall.satisfied': 1,
      'slack.overall.basic': 1,
      'slack.commitments.basic': 2,
      'public.overall.satisfied': 1,
      'public.commitments.satisfied': 1,
    });

    // An unknown code, markup in it included: a polite page that echoes nothing, and after ten, a pause.
    const unknown = await page('/ballot/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('This ballot code is not known');
    expect(unknown.body).not.toContain('<script>alert');
    for (let i = 0; i < 9; i++) await page(`/ballot/${'0'.repeat(26)}`);
    const limited = await page(`/ballot/${codes[1]}`);
    expect(limited.status).toBe(429);
    expect(limited.body).toContain('Too many wrong ballot codes');

    // Hand tallies: a bad file stores nothing; a good one replaces earlier tallies.
    const badFile = tempFile(
      'bad.csv',
      'branch,grade,count\nYQ-ZX2,excellent,3\nYQ-NONE,satisfied,2\nYQ-ZX2,basic,x\n',
    );
    const bad1 = await cli(bot, ['evaluation', 'tally', '--file', badFile]);
    expect(bad1.code).toBe(1);
    expect(bad1.err.split('\n')).toEqual([
      'Line 2: "excellent" is not a grade of this evaluation (satisfied, basic, dissatisfied).',
      'Line 3: no active branch has the code "YQ-NONE".',
      'Line 4: "x" is not a whole number of ballots.',
      'Nothing was recorded: correct the lines above and run the command again.',
    ]);
    const goodFile = tempFile(
      'good.csv',
      'branch,grade,count\nYQ-ZX2,satisfied,5\nYQ-ZX2,basic,3\nYQ-ZX2,dissatisfied,1\n',
    );
    expect((await cli(bot, ['evaluation', 'tally', '--file', goodFile])).code).toBe(0);
    expect((await cli(bot, ['evaluation', 'tally', '--file', goodFile])).code).toBe(0);
    expect(await countsOf(bot, zx2)).toMatchObject({
      'paper.overall.satisfied': 5,
      'paper.overall.basic': 3,
      'paper.overall.dissatisfied': 1,
    });
    // Chinese, from LANG.
    expect((await cli(bot, ['evaluation', 'status'], { LANG: 'zh_CN.UTF-8' })).out).toMatch(
      /^2011年工作安排的评议：2011-12-12 至 2011-12-23，进行中/,
    );

    // Results are hidden before the close, in the contract too.
    expect((await evaluationResults(bot.ctx.db, 1)).size).toBe(0);
    const closed = await cli(bot, ['evaluation', 'close']);
    expect(closed.out).toMatch(/^Evaluation closed: 13 ballots for 2 of \d+ branches\./);

    await slash(bot, P.leader2, '/rankings', '评议');
    const results = textOf(lastEphemeral(bot).blocks);
    expect(results).toContain(
      '1. 延庆一中党总支: satisfaction rate *100%* · Satisfied 2 / Basically satisfied 1 / Dissatisfied 0 · ballots 3 · turnout 30%',
    );
    expect(results).toContain(
      '2. 延庆二中党支部: satisfaction rate *80%* · Satisfied 5 / Basically satisfied 3 / Dissatisfied 2 · ballots 10',
    );
    const contract = await evaluationResults(bot.ctx.db, 1);
    expect(contract.get(String(zx1))).toEqual({
      ballots: 3,
      eligible: 10,
      turnout: 0.3,
      counts: { satisfied: 2, basic: 1, dissatisfied: 0 },
      satisfaction: 1,
    });
    expect(await evaluationWeight(bot.ctx.db, 1)).toBe(20);

    // The export has a sheet of its own.
    const out = tempFile('export.csv');
    expect((await cli(bot, ['export', '--format', 'csv', '--out', out, '--lang', 'en'])).code).toBe(0);
    const sheet = fs.readFileSync(out.replace(/\.csv$/, '-evaluation.csv'), 'utf8');
    expect(sheet.split('\n')[0]).toContain('Satisfaction rate');
    expect(sheet).toMatch(/YQ-ZX1,延庆一中党总支,[^,]+,3,10,30,100,1,2,1,0,1,2,0,20/);

    // After the close: no ballot in Slack, none on the page.
    await slash(bot, P.secZx2, '/evaluate');
    expect(lastEphemeral(bot).text).toBe('The evaluation closed on 2011-12-23; no more ballots are taken.');
    expect(takeLoggedErrors()).toEqual([]);
  });
});
