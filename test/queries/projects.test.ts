import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../../db/index.js';
import {
  assessorSheets,
  findProject,
  moveProject,
  registerProject,
  reviewSheets,
  submitScores,
} from '../../db/queries/projects.js';
import { branchId, freshDb, loadPlan, loadRoster, personId } from '../helpers/db.js';
import { aRegistration, seedProject } from '../helpers/projects.js';

let db: DB;
const meta = { actor: 'test', now: new Date('2011-05-10T02:00:00Z') };
const sheet = { innovation: 8, practicability: 7, effect: 9, spread: 6 };

beforeEach(async () => {
  db = (await freshDb()).db;
  await loadPlan(db);
  await loadRoster(db);
});
afterEach(async () => {
  await db.destroy();
});

async function projectInAssessment(): Promise<{ id: number; assessors: number[] }> {
  const assessors = await Promise.all(['U0LDR00001', 'U0LDR00002'].map((u) => personId(db, u)));
  const id = await seedProject(db, {
    branchId: await branchId(db, 'YQ-ZX1'),
    secretaryId: await personId(db, 'U0SEC00001'),
    meta,
    until: 'assessment',
    assessment: { assessorIds: assessors, adminId: await personId(db, 'U0ADM00001') },
  });
  return { id, assessors };
}

describe('scores are read only through the guarded reads', () => {
  it('when one assessor has scored, then no other reader gets a sheet, not even a leader or admin, and the review list leaves the project out', async () => {
    const { id, assessors } = await projectInAssessment();
    const [a, b] = assessors as [number, number];
    expect(await submitScores(db, { projectId: id, assessorId: a, sheet, comment: '好' }, meta)).toEqual({
      outcome: 'scored',
      scored: 1,
      assigned: 2,
    });
    expect(await assessorSheets(db, id, b)).toEqual({ status: 'hidden', assigned: 2, scored: 1, own: null });
    expect(await assessorSheets(db, id, await personId(db, 'U0ADM00001'))).toMatchObject({
      status: 'hidden',
      own: null,
    });
    expect(await assessorSheets(db, id, a)).toMatchObject({
      status: 'hidden',
      own: { assessorId: a, scores: sheet, comment: '好' },
    });
    // Even a project forced into review with a sheet missing is not in the committee's list.
    await db
      .insertInto('project_events')
      .values({
        project_id: id,
        seq: 99,
        kind: 'stage',
        from_stage: 'assessment',
        to_stage: 'review',
        comment: null,
        evidence: '[]',
        actor_id: null,
        actor: 'test',
        at: meta.now.toISOString(),
        submission_key: null,
      })
      .execute();
    expect(await reviewSheets(db, 1)).toEqual([]);
  });

  it('when the last assessor scores, then the project is at review, every sheet is readable, and the sheets are locked', async () => {
    const { id, assessors } = await projectInAssessment();
    const [a, b] = assessors as [number, number];
    await submitScores(db, { projectId: id, assessorId: a, sheet, comment: null }, meta);
    // Before all have scored, an assessor may change their own sheet.
    expect(
      (await submitScores(db, { projectId: id, assessorId: a, sheet: { ...sheet, spread: 7 }, comment: null }, meta))
        .outcome,
    ).toBe('scored');
    expect(await submitScores(db, { projectId: id, assessorId: b, sheet, comment: null }, meta)).toEqual({
      outcome: 'completed',
      assigned: 2,
    });
    expect((await findProject(db, id))?.stage).toBe('review');
    const read = await assessorSheets(db, id, b);
    expect(read.status).toBe('complete');
    if (read.status === 'complete') expect(read.sheets.map((s) => s.scores.spread)).toEqual([7, 6]);
    expect(await reviewSheets(db, 1)).toHaveLength(1);
    // The stage has moved on: a late change is refused.
    expect((await submitScores(db, { projectId: id, assessorId: a, sheet, comment: null }, meta)).outcome).toBe(
      'stale',
    );
  });

  it('when someone not assigned scores, then nothing is stored', async () => {
    const { id } = await projectInAssessment();
    const other = await personId(db, 'U0SEC00002');
    expect(await submitScores(db, { projectId: id, assessorId: other, sheet, comment: null }, meta)).toEqual({
      outcome: 'not_assessor',
    });
    expect(await db.selectFrom('project_scores').selectAll().execute()).toEqual([]);
  });
});

describe('a stage is decided once', () => {
  it('when two moves leave the same stage, then the second is stale and only one event is stored', async () => {
    const sec = await personId(db, 'U0SEC00001');
    const zx1 = await branchId(db, 'YQ-ZX1');
    const reg = await registerProject(
      db,
      aRegistration({ title: 't', branchId: zx1, personId: sec, submissionKey: 'V1' }),
      meta,
    );
    if (reg.outcome !== 'registered') throw new Error(reg.outcome);
    const move = (key: string) =>
      moveProject(
        db,
        {
          projectId: reg.project.id,
          from: 'registration',
          to: 'implementation',
          comment: null,
          personId: sec,
          submissionKey: key,
        },
        meta,
      );
    const [x, y] = await Promise.all([move('VA'), move('VB')]);
    expect([x.outcome, y.outcome].sort()).toEqual(['done', 'stale']);
    // The same submission again (a retried delivery) stores nothing either.
    expect((await move('VA')).outcome).toBe('duplicate');
    const events = await db
      .selectFrom('project_events')
      .select('seq')
      .where('project_id', '=', reg.project.id)
      .execute();
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    // The quota of one a branch holds in the transaction.
    const again = await registerProject(
      db,
      aRegistration({ title: 't2', branchId: zx1, personId: sec, submissionKey: 'V9' }),
      meta,
    );
    expect(again).toEqual({ outcome: 'quota' });
  });
});
