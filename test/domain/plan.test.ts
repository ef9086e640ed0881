import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/domain/plan.js';
import { PLAN_2011 } from '../helpers/db.js';

const source = fs.readFileSync(PLAN_2011, 'utf8');

describe('the plan file', () => {
  it('when the shipped 2011 plan is read, then it has all twelve activities, bilingual, with defaults filled', () => {
    const parsed = parsePlan(source);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const plan = parsed.value;
    expect(plan.activities.map((a) => a.code)).toEqual([
      'A01',
      'A02',
      'A03',
      'A04',
      'A05',
      'A06',
      'A07',
      'A08',
      'A09',
      'A10',
      'A11',
      'A12',
    ]);
    const obligations = plan.activities.flatMap((a) => a.obligations);
    expect(obligations.length).toBeGreaterThanOrEqual(19);
    for (const ob of obligations) {
      expect(ob.title.zh).not.toBe('');
      expect(ob.title.en).not.toBe('');
    }
    expect(plan.timezone).toBe('Asia/Shanghai');
    expect(plan.reminders.days_before).toEqual([14, 7, 3, 1]);
    const research = obligations.find((o) => o.code === 'A09-RESEARCH')!;
    expect(research.paper_kinds).toEqual(['research_report']);
    expect(research.applies_to).toEqual({ ranks: ['division_leader'] });
  });

  it('when a due date is not a date, then the problem names its path', () => {
    const broken = source.replace(/due: 2011-06-30/, 'due: 2011-06-31');
    const parsed = parsePlan(broken);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toContainEqual(
      expect.stringMatching(/^activities\[0\]\.obligations\[\d\]\.due: expected a date like 2011-06-30$/),
    );
  });

  it('when several things are wrong, then every one is reported', () => {
    const broken = source
      .replace('timezone: Asia/Shanghai', 'timezone: Mars/Olympus')
      .replace(/applies_to: all/, 'applies_to: everyone')
      .replace(/weight: 2/, 'weight: -1');
    const parsed = parsePlan(broken);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.some((p) => p.startsWith('timezone: expected an IANA timezone'))).toBe(true);
    expect(parsed.problems.some((p) => /applies_to: expected all/.test(p))).toBe(true);
    expect(parsed.problems.some((p) => /weight: must be positive/.test(p))).toBe(true);
  });

  it('when two obligations share a code, then the second is reported with where the first is', () => {
    const broken = source.replace('code: A01-LOVE', 'code: A01-EVENT');
    const parsed = parsePlan(broken);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.problems).toContainEqual(
        expect.stringMatching(/code: A01-EVENT is also used by activities\[0\]\.obligations\[0\]/),
      );
  });

  it('when a paper obligation applies to branch categories, then it is refused', () => {
    const broken = source.replace('applies_to: { ranks: [division_leader] }', 'applies_to: all');
    const parsed = parsePlan(broken);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.join('\n')).toMatch(/a paper obligation applies to person ranks/);
  });

  it('when the YAML itself is broken, then the syntax error is reported', () => {
    const parsed = parsePlan('year: 2011\ntitle: { zh: "x", en: "y"\n');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems[0]).toMatch(/^YAML: /);
  });

  it('when a field is unknown, then it is reported rather than ignored', () => {
    const parsed = parsePlan(source.replace('year: 2011', 'year: 2011\nyaer: 2011'));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.join('\n')).toMatch(/yaer/);
  });

  it('when a category, rank or kind is misspelt, then the message names the value found and its place', () => {
    const broken = source
      .replace(/applies_to: all/, 'applies_to: { categories: [primary, school] }')
      .replace('applies_to: { ranks: [division_leader] }', 'applies_to: { ranks: [boss] }')
      .replace(/kind: report/, 'kind: reprot');
    const parsed = parsePlan(broken);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toContain(
      'activities[0].obligations[0].applies_to.categories[1]: "school" is not a branch category; expected one of primary, secondary, kindergarten, vocational, adult, unit, office',
    );
    expect(parsed.problems).toContainEqual(
      expect.stringMatching(/applies_to\.ranks\[0\]: "boss" is not a person rank; expected one of division_leader/),
    );
    expect(parsed.problems).toContainEqual(
      expect.stringMatching(/^activities\[\d+\]\.obligations\[\d+\]\.kind: "reprot" is not a kind of obligation/),
    );
  });

  it('when applies_to has no known form, then the value found is named', () => {
    const parsed = parsePlan(source.replace(/applies_to: all/, 'applies_to: everyone'));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.problems).toContainEqual(expect.stringMatching(/applies_to: expected all, .*; found "everyone"$/));
  });

  it('when the file is empty or only comments, then it says so instead of "expected object, received null"', () => {
    for (const empty of ['', '# the plan comes later\n']) {
      const parsed = parsePlan(empty);
      expect(parsed).toEqual({
        ok: false,
        problems: ['the file is empty (or holds only comments): a plan needs year, title, starts, ends and activities'],
      });
    }
    const list = parsePlan('- year: 2011\n');
    expect(list).toEqual({
      ok: false,
      problems: ['expected a plan (year: …, title: …, activities: …) at the top of the file; found a list'],
    });
  });

  it('when the YAML has a syntax error, then the problem says what is wrong, then where, with the line', () => {
    const parsed = parsePlan('year: 2011\ntitle: { zh: "x", en: "y"\nstarts: 2011-04-08\n');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      'YAML: line 3, column 1: Flow map in block collection must be sufficiently indented and end with a } (line 3 is "starts: 2011-04-08")',
    ]);
    const atEnd = parsePlan('year: 2011\ntitle: { zh: "x", en: "y"\n');
    expect(atEnd.ok).toBe(false);
    if (!atEnd.ok)
      expect(atEnd.problems).toEqual([
        expect.stringMatching(/^YAML: at the end of the file \(line 3\): Flow map .* end with a \}$/),
      ]);
  });

  it('when a date is not a date, then that is the one problem (not also "outside the plan")', () => {
    const parsed = parsePlan(source.replace(/due: 2011-09-30/, 'due: 30/09/2011'));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      expect.stringMatching(/^activities\[\d+\]\.obligations\[\d+\]\.due: expected a date like 2011-06-30$/),
    ]);
    const start = parsePlan(source.replace(/starts: 2011-04-08/, 'starts: 08.04.2011'));
    expect(start.ok).toBe(false);
    if (!start.ok) expect(start.problems).toEqual(['starts: expected a date like 2011-06-30']);
  });
});
