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
import { onPostgres } from '../helpers/pg.js';
import fs from 'node:fs';

let bot: TestBot;
afterEach(() => closeChecked(bot));

/**
 * A row's place in storage: SQLite's rowid, which an update keeps; PostgreSQL's ctid, which every
 * update changes (a new row version), so there the test asks what the moves can tell.
 */
const place = onPostgres() ? sql.raw('ctid') : sql.raw('rowid');

/** Every row of a table, in storage order, with its place as `_rowid` (text). */
async function stored(table: string) {
  return (
    await sql<
      Record<string, unknown>
    >`select cast(${place} as text) as _rowid, * from ${sql.table(table)} order by ${place}`.execute(bot.ctx.db)
  ).rows;
}

/** A table's columns in their declared order. */
async function columns(table: string): Promise<string[]> {
  const query = onPostgres()
    ? sql<{ name: string }>`select column_name as name from information_schema.columns
        where table_schema = current_schema() and table_name = ${table} order by ordinal_position`
    : sql<{ name: string }>`select name from pragma_table_info(${table})`;
  return (await query.execute(bot.ctx.db)).rows.map((r) => r.name);
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

    // 2. No row was created or deleted by a vote, and where rows stand in storage says nothing of a grade.
    const key = (r: Record<string, unknown>) => `${r.branch_id}:${r.source}:${r.question}:${r.grade}`;
    const voterKey = (r: Record<string, unknown>) => `${r.person_id}:${r.branch_id}`;
    const countsNow = await stored('evaluation_counts');
    const votersNow = await stored('evaluation_voters');
    expect(countsNow.map(key).sort()).toEqual(countsAtOpening.map(key).sort());
    expect(votersNow.map(voterKey).sort()).toEqual(votersAtOpening.map(voterKey).sort());
    // Which rows changed their place in storage says which branch was rated (as the audit log does),
    // never how: on SQLite none moves; on PostgreSQL a vote rewrites every count of its branch and
    // source alike (db/queries/evaluation.ts, addOne), not only the grades chosen.
    const placeAtOpening = new Map(countsAtOpening.map((r) => [key(r), r._rowid]));
    const moved = countsNow.filter((r) => placeAtOpening.get(key(r)) !== r._rowid).map(key);
    const rated = countsAtOpening.filter((r) => r.branch_id === zx1 && r.source !== 'paper').map(key);
    expect(moved.sort()).toEqual(onPostgres() ? rated.sort() : []);
    if (!onPostgres()) {
      // Nor does anything else: the same rows at the same rowids in the same order.
      const placed = (k: (r: Record<string, unknown>) => string) => (r: Record<string, unknown>) =>
        `${r._rowid}:${k(r)}`;
      expect(countsNow.map(placed(key))).toEqual(countsAtOpening.map(placed(key)));
      expect(votersNow.map(placed(voterKey))).toEqual(votersAtOpening.map(placed(voterKey)));
    }
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
