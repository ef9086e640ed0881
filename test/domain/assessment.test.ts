import { describe, expect, it } from 'vitest';
import {
  assess,
  AssessmentSchema,
  COMPONENTS,
  GRADES,
  type AssessmentInput,
  type AssessmentRules,
} from '../../src/domain/assessment.js';
import { parsePlan } from '../../src/domain/plan.js';
import { CATEGORIES, type Branch } from '../../src/domain/types.js';
import fs from 'node:fs';
import { PLAN_2011 } from '../helpers/db.js';

/** A seeded generator (mulberry32): fast-check is not installed, and a failure must replay. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomCase(seed: number): AssessmentInput {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  // Weights: four whole numbers adding up to 100, some zero.
  const cuts = [int(101), int(101), int(101)].sort((a, b) => a - b);
  const w = [cuts[0]!, cuts[1]! - cuts[0]!, cuts[2]! - cuts[1]!, 100 - cuts[2]!];
  const byShares = r() < 0.5;
  const a = int(50);
  const g = int(100 - a);
  const rules: AssessmentRules = AssessmentSchema.parse({
    final_on: '2011-12-31',
    weights: Object.fromEntries(COMPONENTS.map((c, i) => [c, w[i]])),
    bonus: { cap: int(10), project_tiers: { first: 3, second: 2 }, commendations: { ADV: 1.5 } },
    grades: byShares
      ? { by: 'shares', shares: { advanced: a, good: g, lagging: int(100 - a - g + 1) } }
      : { by: 'thresholds', thresholds: { advanced: 90, good: 75, average: 60 } },
  });
  const branches: Branch[] = Array.from({ length: 1 + int(40) }, (_, i) => ({
    id: i + 1,
    code: `B${String(i + 1).padStart(3, '0')}`,
    name: `branch ${i + 1}`,
    category: CATEGORIES[int(3)]!,
  }));
  const pick = <T>(f: () => T) => new Map(branches.filter(() => r() < 0.7).map((b) => [b.id, f()]));
  // A small set of values, so that ties are common.
  const score = () => [55, 60, 72.5, 80, 80, 91.3, 100][int(7)]!;
  return {
    branches,
    rules,
    today: r() < 0.5 ? '2011-12-01' : '2012-01-05',
    obligations: pick(() => ({ score: r() < 0.1 ? null : score(), earned: 1, possible: 1 })),
    evaluation: pick(() => ({
      ballots: 1 + int(50),
      eligible: null,
      turnout: null,
      counts: {},
      satisfaction: int(101) / 100,
    })),
    inspections: pick(() => ({
      scores: Array.from({ length: int(3) }, (_, k) => ({
        id: k,
        heldOn: '2011-06-01',
        rating: 'good',
        twoSkins: false,
        score: score(),
      })),
    })),
    commitments: pick(() => {
      const required = int(20);
      const fulfilled = int(required + 1);
      return { required, committed: required, fulfilled, partly: int(required - fulfilled + 1), confirmed: 0 };
    }),
    awards: pick(() => ({
      projects: r() < 0.3 ? [{ title: 'p', tier: ['first', 'second', 'third'][int(3)]! }] : [],
      commendations: r() < 0.3 ? [{ round: 'JULY1', category: 'ADV', nomineeName: 'x' }] : [],
    })),
  };
}

describe('the year-end assessment, for random plans and data', () => {
  it('when assessed, then every score is the sum of its explained parts and the bonus, and a lower score never has a better grade within a category', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const input = randomCase(seed);
      const { rows } = assess(input);
      expect(rows).toHaveLength(input.branches.length);
      for (const row of rows) {
        if (row.cents === null) {
          expect(row.grade, `seed ${seed}`).toBeNull();
          continue;
        }
        const parts = row.parts.reduce((s, p) => s + p.cents, 0);
        expect(row.cents, `seed ${seed} ${row.branch.code}`).toBe(parts + row.bonusCents);
        // Each part is its value × weight ÷ divisor, to the hundredth.
        for (const p of row.parts)
          if (p.value10 !== null && p.weight > 0)
            expect(Math.abs(p.cents - (p.value10 * p.weight * 10) / p.divisor)).toBeLessThanOrEqual(0.5);
        expect(row.bonusCents).toBeLessThanOrEqual(Math.round(input.rules.bonus.cap * 100));
      }
      for (const category of CATEGORIES) {
        const scored = rows.filter((r) => r.branch.category === category && r.cents !== null);
        for (const x of scored)
          for (const y of scored)
            if (x.cents! > y.cents!)
              expect(
                GRADES.indexOf(x.grade!),
                `seed ${seed}: ${x.branch.code} over ${y.branch.code}`,
              ).toBeLessThanOrEqual(GRADES.indexOf(y.grade!));
        if (input.rules.grades.by === 'shares') {
          const sh = input.rules.grades.shares!;
          const n = scored.length;
          expect(scored.filter((r) => r.grade === 'advanced').length).toBeLessThanOrEqual(
            Math.floor((n * sh.advanced) / 100),
          );
          expect(scored.filter((r) => r.grade === 'lagging').length).toBeLessThanOrEqual(
            Math.floor((n * sh.lagging) / 100),
          );
        }
      }
    }
  });
});

describe('the assessment section of a plan file', () => {
  const plan = fs.readFileSync(PLAN_2011, 'utf8');
  const withSection = (section: string) => plan.replace(/\nassessment:[\s\S]*$/, `\n${section}\n`);

  it('when the shipped 2011 plan is read, then its assessment section follows the seed', () => {
    const parsed = parsePlan(plan);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.assessment).toMatchObject({ final_on: '2011-12-31', grades: { by: 'shares' } });
  });

  it('when the weights do not add up to 100, then the import is refused naming the path', () => {
    const parsed = parsePlan(
      withSection(
        'assessment:\n  final_on: 2011-12-31\n  weights: { obligations: 60, evaluation: 20, inspections: 10, commitments: 5 }\n  grades: { by: shares, shares: { advanced: 20, good: 30, lagging: 10 } }',
      ),
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.join('\n')).toContain('assessment.weights');
    expect(parsed.problems.join('\n')).toContain('add up to 95');
  });

  it('when the grade shares exceed 100 %, then the import is refused naming the path', () => {
    const parsed = parsePlan(
      withSection(
        'assessment:\n  final_on: 2011-12-31\n  grades: { by: shares, shares: { advanced: 50, good: 40, lagging: 20 } }',
      ),
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.join('\n')).toContain('assessment.grades.shares');
  });

  it('when a bonus names a tier the projects section does not have, then the path names it', () => {
    const parsed = parsePlan(
      withSection(
        'assessment:\n  final_on: 2011-12-31\n  bonus: { project_tiers: { gold: 3 } }\n  grades: { by: thresholds, thresholds: { advanced: 90, good: 80, average: 60 } }',
      ),
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.join('\n')).toContain('assessment.bonus.project_tiers.gold');
  });
});
