import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRoster } from '../../src/domain/roster.js';
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
