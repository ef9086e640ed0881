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
});
