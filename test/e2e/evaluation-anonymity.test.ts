/**
 * The anonymity claim of docs/decisions/011-evaluation-anonymity.md, checked on the stored rows
 * after a round: no column of a ballot names a voter or a time, no row is created or moved by a
 * vote, and the audit log says who voted for which branch, never how. Also: the public page is off
 * without PUBLIC_URL.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { closeChecked, startBot, type TestBot } from '../helpers/bot.js';
import { cli, codesIn, DURING, tempFile, voteByButton } from '../helpers/evaluation.js';
import { addLeaders, branchIdOf, errorsOf, P } from '../helpers/projects.js';
import fs from 'node:fs';

let bot: TestBot;
afterEach(() => closeChecked(bot));

/** Every row of the evaluation's tables, in storage (rowid) order. */
async function stored(table: string) {
  return (
    await sql<Record<string, unknown>>`select rowid as _rowid, * from ${sql.table(table)} order by rowid`.execute(
      bot.ctx.db,
    )
  ).rows;
}

describe('anonymity in storage', () => {
  it('when members, a leader and a representative have voted and the round has closed, then nothing in the database links a ballot to a voter', async () => {
    bot = await startBot({ now: DURING, env: { PUBLIC_URL: 'https://vote.example.org', DEFAULT_LOCALE: 'en' } });
    await addLeaders(bot);
    await cli(bot, ['evaluation', 'open']);
    const zx1 = await branchIdOf(bot, 'YQ-ZX1');
    const countsAtOpening = await stored('evaluation_counts');
    const votersAtOpening = await stored('evaluation_voters');

    // Three voters, in an order, with different grades.
    expect(errorsOf((await voteByButton(bot, P.member2, zx1, 'dissatisfied')).res)).toBeNull();
    bot.clock.set(new Date('2011-12-14T15:00:00+08:00'));
    expect(errorsOf((await voteByButton(bot, P.member, zx1, 'satisfied')).res)).toBeNull();
    expect(errorsOf((await voteByButton(bot, P.secZx1, zx1, 'basic')).res)).toBeNull();
    const slips = tempFile('slips.html');
    await cli(bot, ['evaluation', 'codes', '--branch', 'YQ-ZX1', '--count', '2', '--out', slips], {
      PUBLIC_URL: 'https://vote.example.org',
    });
    const [code] = codesIn(fs.readFileSync(slips, 'utf8'));
    const posted = await fetch(`${bot.baseUrl}/ballot/${code}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'q_overall=satisfied&q_commitments=basic',
    });
    expect(posted.status).toBe(200);
    await cli(bot, ['evaluation', 'close']);

    // 1. No column of the counts names a person, a code or a time; the electorate has no time either.
    const columns = async (table: string) =>
      (await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(bot.ctx.db)).rows.map(
        (r) => r.name,
      );
    expect(await columns('evaluation_counts')).toEqual([
      'round_id',
      'branch_id',
      'source',
      'question',
      'grade',
      'count',
    ]);
    expect(await columns('evaluation_voters')).toEqual(['round_id', 'person_id', 'branch_id', 'voted']);
    expect(await columns('evaluation_codes')).toEqual(['hash', 'round_id', 'branch_id', 'batch', 'used']);

    // 2. No row was created, deleted or moved by a vote: the same rows in the same storage order as at the opening.
    const key = (r: Record<string, unknown>) => `${r._rowid}:${r.branch_id}:${r.source}:${r.question}:${r.grade}`;
    const countsNow = await stored('evaluation_counts');
    expect(countsNow.map(key)).toEqual(countsAtOpening.map(key));
    const voterKey = (r: Record<string, unknown>) => `${r._rowid}:${r.person_id}:${r.branch_id}`;
    expect((await stored('evaluation_voters')).map(voterKey)).toEqual(votersAtOpening.map(voterKey));
    // The counts hold what was cast, and only as counts.
    const zx1Counts = countsNow.filter((r) => r.branch_id === zx1 && Number(r.count) > 0 && r.question === 'overall');
    expect(zx1Counts.map((r) => `${r.source}.${r.grade}=${r.count}`).sort()).toEqual([
      'public.satisfied=1',
      'slack.basic=1',
      'slack.dissatisfied=1',
      'slack.satisfied=1',
    ]);

    // 3. Nothing anywhere pairs a person with a grade: no audit row, no outbox row, no job row holds a grade code.
    const gradeWords = /"(satisfied|basic|dissatisfied)"|q_overall|q_commitments/;
    for (const table of [
      'audit_log',
      'outbox',
      'job_runs',
      'evaluation_rounds',
      'evaluation_voters',
      'evaluation_codes',
    ]) {
      const rows = await stored(table);
      const leaking = rows.filter((r) => table !== 'evaluation_rounds' && gradeWords.test(JSON.stringify(r)));
      expect({ table, leaking }).toEqual({ table, leaking: [] });
    }
    // The round's settings name the grades (what the ballot offers), and nobody.
    const round = (await stored('evaluation_rounds'))[0]!;
    expect(String(round.settings)).not.toMatch(/U0|person/);
    // Who voted for which branch is in the audit log (as the electorate's flag is), never the grades.
    const voted = await bot.ctx.db
      .selectFrom('audit_log')
      .select(['actor', 'details'])
      .where('action', '=', 'evaluation.voted')
      .execute();
    expect(voted.map((v) => v.actor)).toEqual([P.member2, P.member, P.secZx1, 'public']);
    expect(
      voted.every((v) => Object.keys(JSON.parse(v.details)).every((k) => ['branchId', 'source'].includes(k))),
    ).toBe(true);
    // The codes are stored as hashes only.
    expect((await stored('evaluation_codes')).some((r) => String(r.hash).includes(code!))).toBe(false);
  });

  it('when PUBLIC_URL is not set, then there is no ballot page', async () => {
    bot = await startBot({ now: DURING });
    const res = await fetch(`${bot.baseUrl}/ballot/${'0'.repeat(26)}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('ballot');
  });
});
