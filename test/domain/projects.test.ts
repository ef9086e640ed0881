import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createWorkCalendar } from '../../src/domain/calendar.js';
import { parsePlan } from '../../src/domain/plan.js';
import {
  currentStage,
  decideMove,
  earlierStages,
  mayAssess,
  planProjectDuties,
  proposeTiers,
  rankProjects,
  SEED_CRITERIA,
  stageOpen,
  tierRefusal,
  weightedTotal,
  type DutyProject,
  type ScoreSheet,
  type Tier,
} from '../../src/domain/projects.js';
import { DEFAULT_STAGES } from '../../src/domain/stages.js';
import { PLAN_2011 } from '../helpers/db.js';

const source = fs.readFileSync(PLAN_2011, 'utf8');

function problems(edit: (s: string) => string): string[] {
  const parsed = parsePlan(edit(source));
  if (parsed.ok) throw new Error('the edited plan was accepted');
  return parsed.problems;
}

describe('the plan file’s projects section', () => {
  it('when the shipped 2011 plan is read, then it has the seed’s stage dates, four criteria adding up to 100 and four tiers', () => {
    const parsed = parsePlan(source);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const p = parsed.value.projects!;
    expect(p.registration).toEqual({ by: '2011-05-31', obligation: 'A08-REGISTER' });
    expect(p.application).toEqual({ by: '2011-10-31', obligation: 'A08-APPLY' });
    expect(p.assessment.by > p.application.by && p.review.by >= p.assessment.by).toBe(true);
    expect(p.criteria.map((c) => [c.code, c.title.zh, c.weight])).toEqual([
      ['innovation', '创新性', 30],
      ['practicability', '可操作性', 25],
      ['effect', '实施效果', 25],
      ['spread', '推广应用性', 20],
    ]);
    expect(p.tiers.map((t) => t.title.zh)).toEqual(['一等奖', '二等奖', '三等奖', '优秀奖']);
    expect(p.assessors).toBe(3);
    expect(p.per_branch).toBe(1);
  });

  it('when the section leaves out criteria and tiers, then the seed’s four criteria and the default tiers apply', () => {
    const minimal = source.replace(/ {2}# 具有创新性[\s\S]*?min_score: 6\.0 \}\n/, '');
    const parsed = parsePlan(minimal);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect(parsed.value.projects!.criteria.map((c) => c.code)).toEqual(SEED_CRITERIA.map((c) => c.code));
    expect(parsed.value.projects!.tiers).toHaveLength(4);
  });

  it('when weights do not add up, a quota is below zero or a tier asks more than the one above, then each is named by its path', () => {
    const found = problems((s) =>
      s
        .replace('      weight: 20\n', '      weight: 15\n')
        .replace('quota: 6, min_score: 7.5', 'quota: -2, min_score: 7.5')
        .replace('quota: 10, min_score: 6.5', 'quota: 10, min_score: 9'),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        'projects.criteria: the weights add up to 95; they must add up to 100',
        'projects.tiers[1].quota: must be 0 or more',
        'projects.tiers[2].min_score: 9 is above tiers[1].min_score 7.5; list tiers from the highest down',
      ]),
    );
  });

  it('when a criterion weight is not a whole number, then its path is named', () => {
    expect(problems((s) => s.replace('      weight: 30\n', '      weight: 29.5\n'))).toContain(
      'projects.criteria[0].weight: expected a whole number',
    );
  });

  it('when a date is outside the plan or the stages’ dates go backwards, then each is named', () => {
    const found = problems((s) =>
      s
        .replace('review: { by: 2011-12-15 }', 'review: { by: 2012-01-15 }')
        .replace('assessment: { by: 2011-11-25 }', 'assessment: { by: 2011-10-01 }'),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        "projects.review.by: must be within the plan's period 2011-04-08 to 2011-12-31",
        "projects.assessment.by: 2011-10-01 is before application.by 2011-10-31; the stages' dates must follow one another",
      ]),
    );
  });

  it('when a stage names an obligation the plan does not have, or a paper, then it is refused', () => {
    expect(problems((s) => s.replace('obligation: A08-APPLY }', 'obligation: A09-PAPER }'))).toContain(
      'projects.application.obligation: A09-PAPER is not a report obligation of this plan',
    );
  });
});

describe('the six stages and who moves a project', () => {
  const secretary = { secretary: true, leader: false, admin: false };
  const leader = { secretary: false, leader: true, admin: false };
  const admin = { secretary: false, leader: false, admin: true };

  it('when a project moves forward, then only to the next stage and only by that stage’s mover', () => {
    expect(decideMove('registration', 'implementation', leader, null)).toEqual({ ok: true, direction: 'forward' });
    expect(decideMove('registration', 'implementation', admin, null)).toEqual({ ok: false, reason: 'forbidden' });
    expect(decideMove('registration', 'implementation', secretary, null)).toEqual({ ok: false, reason: 'forbidden' });
    expect(decideMove('implementation', 'application', secretary, null)).toEqual({ ok: true, direction: 'forward' });
    expect(decideMove('implementation', 'application', leader, null)).toEqual({ ok: false, reason: 'forbidden' });
    expect(decideMove('application', 'assessment', admin, null)).toEqual({ ok: true, direction: 'forward' });
    expect(decideMove('review', 'award', admin, null)).toEqual({ ok: true, direction: 'forward' });
    expect(decideMove('registration', 'application', leader, null)).toEqual({ ok: false, reason: 'not_next' });
    // Assessment → review is made by the scores, not by anyone's move.
    expect(decideMove('assessment', 'review', admin, null)).toEqual({ ok: false, reason: 'not_next' });
  });

  it('when a project goes back, then a leader or an admin sends it, never without a comment, never from the award', () => {
    expect(decideMove('assessment', 'implementation', admin, '材料不全')).toEqual({ ok: true, direction: 'back' });
    expect(decideMove('assessment', 'implementation', leader, '  ')).toEqual({ ok: false, reason: 'comment_needed' });
    expect(decideMove('implementation', 'registration', secretary, '想改')).toEqual({ ok: false, reason: 'forbidden' });
    expect(decideMove('award', 'review', admin, '重评')).toEqual({ ok: false, reason: 'final' });
    expect(earlierStages('application')).toEqual(['registration', 'implementation']);
    expect(earlierStages('registration')).toEqual([]);
    expect(earlierStages('award')).toEqual([]);
  });

  it('when the events are read, then the stage is the latest stage event’s, whatever notes came after', () => {
    expect(currentStage([])).toBeNull();
    expect(
      currentStage([
        { seq: 1, kind: 'stage', to: 'registration' },
        { seq: 2, kind: 'stage', to: 'implementation' },
        { seq: 4, kind: 'stage', to: 'registration' },
        { seq: 3, kind: 'guidance', to: null },
        { seq: 5, kind: 'progress', to: null },
      ]),
    ).toBe('registration');
  });

  it('when a deadline has an approved extension, then the later date holds', () => {
    expect(stageOpen('2011-06-01', '2011-05-31', null)).toBe(false);
    expect(stageOpen('2011-06-01', '2011-05-31', '2011-06-10')).toBe(true);
    expect(stageOpen('2011-05-31', '2011-05-31', '2011-05-20')).toBe(true);
  });

  it('when assessors are chosen, then only leaders outside the project’s branch may assess', () => {
    expect(mayAssess({ personId: 1, isLeader: true, branchId: null, secretaryOf: [] }, 7)).toBe(true);
    expect(mayAssess({ personId: 1, isLeader: true, branchId: 7, secretaryOf: [] }, 7)).toBe(false);
    expect(mayAssess({ personId: 1, isLeader: true, branchId: 3, secretaryOf: [7] }, 7)).toBe(false);
    expect(mayAssess({ personId: 1, isLeader: false, branchId: null, secretaryOf: [] }, 7)).toBe(false);
  });
});

const criteria = SEED_CRITERIA;
const sheet = (i: number, p: number, e: number, s: number): ScoreSheet => ({
  innovation: i,
  practicability: p,
  effect: e,
  spread: s,
});
const tiers: Tier[] = [
  { code: 'first', title: { zh: '一等奖', en: 'First' }, quota: 1, min_score: 8.5 },
  { code: 'second', title: { zh: '二等奖', en: 'Second' }, quota: 2, min_score: 7.5 },
  { code: 'merit', title: { zh: '优秀奖', en: 'Merit' }, min_score: 6 },
];

describe('scores, ranking and tiers', () => {
  it('when an assessor scores, then the total is the weighted mean on 0–10', () => {
    expect(weightedTotal(criteria, sheet(10, 10, 10, 10))).toBe(10);
    expect(weightedTotal(criteria, sheet(10, 0, 0, 0))).toBe(3);
    expect(weightedTotal(criteria, sheet(8, 9, 7, 6))).toBeCloseTo(7.6, 10);
  });

  it('when averages tie, then the smaller spread ranks first, then the criteria in order; equal on all is a shared rank', () => {
    const ranked = rankProjects(criteria, [
      { projectId: 1, sheets: [sheet(8, 8, 8, 8), sheet(8, 8, 8, 8), sheet(8, 8, 8, 8)] },
      { projectId: 2, sheets: [sheet(10, 10, 10, 10), sheet(6, 6, 6, 6), sheet(8, 8, 8, 8)] },
      { projectId: 3, sheets: [sheet(9, 9, 9, 9), sheet(9, 9, 9, 9), sheet(9, 9, 9, 9)] },
      { projectId: 4, sheets: [sheet(8, 8, 8, 8), sheet(8, 8, 8, 8), sheet(8, 8, 8, 8)] },
    ]);
    expect(ranked.map((r) => [r.projectId, r.rank, r.tied])).toEqual([
      [3, 1, false],
      [1, 2, true],
      [4, 2, true],
      [2, 4, false],
    ]);
    expect(ranked[3]).toMatchObject({ average: 8, spread: 4 });
  });

  it('when the automatic tiers are proposed, then each tier takes the best remaining projects above its score, within its quota', () => {
    const ranked = rankProjects(criteria, [
      { projectId: 1, sheets: [sheet(9, 9, 9, 9)] },
      { projectId: 2, sheets: [sheet(9, 9, 9, 8)] },
      { projectId: 3, sheets: [sheet(8, 8, 8, 8)] },
      { projectId: 4, sheets: [sheet(7, 7, 7, 7)] },
      { projectId: 5, sheets: [sheet(5, 5, 5, 5)] },
    ]);
    expect(proposeTiers(tiers, ranked).map((p) => [p.projectId, p.tier])).toEqual([
      [1, 'first'],
      [2, 'second'],
      [3, 'second'],
      [4, 'merit'],
      [5, null],
    ]);
  });

  it('when projects tied at a quota do not all fit, then none takes the place: they go down a tier, marked for the committee', () => {
    const ranked = rankProjects(criteria, [
      { projectId: 1, sheets: [sheet(9, 9, 9, 9)] },
      { projectId: 2, sheets: [sheet(9, 9, 9, 9)] },
      { projectId: 3, sheets: [sheet(8, 8, 8, 8)] },
    ]);
    expect(proposeTiers(tiers, ranked)).toEqual([
      { projectId: 1, tier: 'second', tieAtQuota: true },
      { projectId: 2, tier: 'second', tieAtQuota: true },
      { projectId: 3, tier: 'merit', tieAtQuota: false },
    ]);
  });

  it('when one project is adjusted, then the tier’s quota and lowest score still hold', () => {
    expect(tierRefusal(tiers[0]!, 9, 0)).toBeNull();
    expect(tierRefusal(tiers[0]!, 9, 1)).toEqual({ key: 'quota', quota: 1 });
    expect(tierRefusal(tiers[0]!, 8.4, 0)).toEqual({ key: 'min_score', min: 8.5 });
    expect(tierRefusal(tiers[2]!, 6, 500)).toBeNull();
  });
});

describe('the committee’s dates, reminded on working days', () => {
  const calendar = createWorkCalendar({});
  const rules = { assessment: { by: '2011-11-25' }, review: { by: '2011-12-15' } };
  const projects: DutyProject[] = [
    {
      id: 1,
      stage: 'assessment',
      assessors: [
        { personId: 10, scored: true },
        { personId: 11, scored: false },
      ],
    },
    { id: 2, stage: 'application', assessors: [] },
    { id: 3, stage: 'review', assessors: [] },
  ];
  const assessors = new Map([
    [10, { id: 10, slackUserId: 'U10', locale: null }],
    [11, { id: 11, slackUserId: 'U11', locale: 'en' }],
  ]);
  const admins = [{ id: 1, slackUserId: 'UADM', locale: null }];
  const plan = (today: string, lastRunDate: string | null) =>
    planProjectDuties({
      rules,
      projects,
      assessors,
      admins,
      calendar,
      stages: DEFAULT_STAGES,
      today,
      lastRunDate,
      escalateAfterDays: 3,
    });

  it('when the assessment date is a week away, then the assessor who has not scored is reminded and the admins hear of the projects without assessors', () => {
    const duties = plan('2011-11-18', '2011-11-17');
    expect(duties.map((d) => d.key)).toEqual([
      'project-score:1:U11:2011-11-25:before:7',
      'project-assign:UADM:2011-11-25:before:7',
    ]);
    expect(duties[1]).toMatchObject({ kind: 'assign', count: 1, daysLeft: 7 });
  });

  it('when the assessment is overdue by more than the escalation days, then the admins are told of the missing sheets', () => {
    // Overdue stages every 7 days: the first one falls on 2011-12-02, a Friday.
    const duties = plan('2011-12-02', '2011-12-01');
    expect(duties.map((d) => d.kind)).toEqual(['score', 'assign', 'late_scores']);
    expect(duties.find((d) => d.kind === 'late_scores')).toMatchObject({ count: 1, daysLeft: -7 });
  });

  it('when no stage falls in the window, then nothing is planned', () => {
    expect(plan('2011-11-21', '2011-11-18')).toEqual([]);
  });
});
