import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  judgeRemovals,
  parseRoster,
  rosterRemovals,
  type CurrentRoster,
  type Roster,
} from '../../src/domain/roster.js';
import { EXAMPLE_ROSTER } from '../helpers/db.js';

const HEADER = 'branch_code,branch_name,category,slack_user_id,name,role,rank';

describe('the roster CSV', () => {
  it('when the example roster is read, then branches, secretaries of two branches, leaders and admins come out', () => {
    const parsed = parseRoster(fs.readFileSync(EXAMPLE_ROSTER, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect(parsed.value.branches).toHaveLength(10);
    const zhou = parsed.value.people.find((p) => p.slackUserId === 'U0SEC00004')!;
    expect(zhou.secretaryOf).toEqual(['YQ-XX2', 'YQ-XX3']);
    const huang = parsed.value.people.find((p) => p.slackUserId === 'U0LDR00001')!;
    expect(huang.roles).toEqual(['leader', 'member']);
    const admin = parsed.value.people.find((p) => p.slackUserId === 'U0ADM00001')!;
    expect(admin).toMatchObject({ branchCode: null, rank: null, roles: ['admin'] });
  });

  it('when the file comes from Excel with a BOM and CRLF line ends, then it reads the same', () => {
    const csv = `\uFEFF${HEADER}\r\nB1,一中,secondary,U0AAA0001,王,secretary,school_cadre\r\n`;
    const parsed = parseRoster(csv);
    expect(parsed.ok).toBe(true);
  });

  it('when cells are bad, then every problem names its row and column', () => {
    const csv = [
      HEADER,
      'B1,一中,school,u12,王,secretary,school_cadre',
      'B1,一中,secondary,U0AAA0002,,boss,general',
      'B2,二中,primary,U0AAA0003,李,member,',
    ].join('\n');
    const parsed = parseRoster(csv);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^row 2, category: expected one of primary/),
        expect.stringMatching(/^row 2, slack_user_id: expected a Slack user id/),
        expect.stringMatching(/^row 3, name: must not be empty/),
        expect.stringMatching(/^row 3, role: expected secretary, member, leader, admin/),
        expect.stringMatching(/^row 3, rank: expected empty or one of/),
        expect.stringMatching(/^row 4, role: branch B2 \(二中\) has no secretary/),
      ]),
    );
  });

  it('when the header is wrong, then the missing columns are named', () => {
    const parsed = parseRoster('code,name\nB1,x\n');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.problems[0]).toMatch(/missing: branch_code, branch_name, category, slack_user_id, role, rank/);
  });

  it('when a branch is spelled two ways, or a person has two names, then both are caught', () => {
    const csv = [
      HEADER,
      'B1,一中,secondary,U0AAA0001,王,secretary,',
      'B1,一中学,secondary,U0AAA0002,李,member,',
      'B2,二中,primary,U0AAA0001,王五,secretary,',
    ].join('\n');
    const parsed = parseRoster(csv);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.join('\n')).toMatch(/row 3, branch_name\/category: branch B1 is "一中"/);
    expect(parsed.problems.join('\n')).toMatch(/row 4, name: U0AAA0001 is "王" on row 2/);
  });

  it('when a secretary has no branch, then it is refused; a leader without a branch is fine', () => {
    const bad = parseRoster([HEADER, ',,,U0AAA0001,王,secretary,'].join('\n'));
    expect(bad.ok).toBe(false);
    const good = parseRoster(
      [HEADER, 'B1,一中,secondary,U0AAA0001,王,secretary,', ',,,U0AAA0002,李,leader,division_leader'].join('\n'),
    );
    expect(good.ok).toBe(true);
  });
});

describe('the removal guard', () => {
  const person = (id: string, roles: Roster['people'][number]['roles'] = ['member']) => ({
    slackUserId: id,
    name: `N${id}`,
    branchCode: 'B1',
    rank: null,
    roles,
    secretaryOf: [],
  });
  const stored = (ids: string[], admins: string[] = [], leaders: string[] = []): CurrentRoster => ({
    people: ids.map((id) => ({
      slackUserId: id,
      name: `N${id}`,
      active: true,
      isAdmin: admins.includes(id),
      isLeader: leaders.includes(id),
    })),
    branches: [{ code: 'B1', name: '一中', active: true }],
  });
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `U0P${String(i).padStart(5, '0')}`);
  const file = (people: Roster['people']): Roster => ({
    branches: [{ code: 'B1', name: '一中', category: 'secondary', channelId: null }],
    people,
  });

  it('when a fifth of the people leave, then it goes through; when more than a fifth leave, then it needs --allow-removals', () => {
    const five = ids(5);
    const oneOfFive = rosterRemovals(stored(five), file(five.slice(1).map((id) => person(id))));
    expect(oneOfFive.people.map((p) => p.slackUserId)).toEqual([five[0]]);
    expect(judgeRemovals(oneOfFive, false)).toEqual([]);

    const nine = ids(9);
    const twoOfNine = rosterRemovals(stored(nine), file(nine.slice(2).map((id) => person(id))));
    expect(judgeRemovals(twoOfNine, false)).toEqual([
      { message: '2 of 9 people (22 %) would be removed from the roster, more than 20 %', overridable: true },
    ]);
    expect(judgeRemovals(twoOfNine, true)).toEqual([]);
  });

  it('when people or branches were already removed, then they are neither counted nor removed again', () => {
    const current = stored(ids(3));
    current.people[0]!.active = false;
    current.branches.push({ code: 'B9', name: '旧校', active: false });
    const removals = rosterRemovals(
      current,
      file(
        ids(3)
          .slice(1)
          .map((id) => person(id)),
      ),
    );
    expect(removals.people).toEqual([]);
    expect(removals.branches).toEqual([]);
    expect(removals.before).toEqual({ people: 2, branches: 1, admins: 0 });
  });

  it('when the first roster is imported, or no admin was stored, then no admin rule applies', () => {
    expect(judgeRemovals(rosterRemovals({ people: [], branches: [] }, file([person('U0A00001')])), false)).toEqual([]);
    const noAdmin = rosterRemovals(stored(ids(10)), file(ids(10).map((id) => person(id))));
    expect(judgeRemovals(noAdmin, false)).toEqual([]);
  });

  it('when the only admin loses the role while staying listed, then it is refused whatever is allowed', () => {
    const ten = ids(10);
    const removals = rosterRemovals(stored(ten, [ten[0]!]), file(ten.map((id) => person(id))));
    expect(removals.people).toEqual([]);
    expect(removals.adminsLost).toEqual([{ slackUserId: ten[0], name: `N${ten[0]}` }]);
    const refusals = judgeRemovals(removals, true);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({
      overridable: false,
      message: expect.stringMatching(/^no admin would be left/),
    });
  });

  it('when one of two admins steps down, or a leader stays listed without the role, then that is an update, not a removal', () => {
    const ten = ids(10);
    const removals = rosterRemovals(
      stored(ten, [ten[0]!, ten[1]!], [ten[2]!]),
      file([person(ten[0]!, ['admin']), ...ten.slice(1).map((id) => person(id))]),
    );
    expect(removals.adminsLost.map((p) => p.slackUserId)).toEqual([ten[1]]);
    expect(judgeRemovals(removals, false)).toEqual([]);
  });
});
