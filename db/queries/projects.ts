import { sql, type Kysely, type Selectable } from 'kysely';
import {
  PROJECT_STAGES,
  reached,
  type Project,
  type ProjectDraft,
  type ProjectEvent,
  type ProjectStage,
  type ScoreSheet,
} from '../../src/domain/projects.js';
import type { Category } from '../../src/domain/types.js';
import type { Database, ProjectTable } from '../schema.js';
import { audit } from './audit.js';
import { sameSubmission } from './once.js';
import { reportLinkedObligation, type LinkedReport } from './linked-reports.js';
import { enqueue, type NewOutboxRow } from './outbox.js';

/**
 * Innovation projects. A project's stage is read from its events (the latest stage event's
 * `to_stage`); every move is one event with the next `seq`, in the transaction that checks the
 * stage it leaves, with its audit row. Scores are read through `assessorSheets` and
 * `reviewSheets` only: neither gives an assessor's sheet to anyone else before every assessor
 * assigned to the project has scored (docs/decisions/008-projects-commendations.md).
 */

type Meta = { actor: string; now: Date };

function stageOf(value: unknown): ProjectStage {
  return PROJECT_STAGES.includes(value as ProjectStage) ? (value as ProjectStage) : 'registration';
}

function rowToProject(row: Selectable<ProjectTable> & { stage: string | null }): Project {
  return {
    id: row.id,
    planId: row.plan_id,
    branchId: row.branch_id,
    title: row.title,
    aims: row.aims,
    approach: row.approach,
    expected: row.expected,
    results: row.results,
    evidence: JSON.parse(row.evidence) as string[],
    registeredBy: row.registered_by,
    registeredAt: row.registered_at,
    appliedAt: row.applied_at,
    stage: stageOf(row.stage),
  };
}

/** The projects with their stage, from one statement: the stage is the latest stage event's. */
function projectsWithStage(db: Kysely<Database>) {
  return db
    .selectFrom('projects')
    .selectAll('projects')
    .select((eb) =>
      eb
        .selectFrom('project_events as e')
        .select('e.to_stage')
        .whereRef('e.project_id', '=', 'projects.id')
        .where('e.kind', '=', 'stage')
        .orderBy('e.seq', 'desc')
        .limit(1)
        .as('stage'),
    );
}

/** The ids of the plan's projects: the rows of the projects' own tables (assessors, scores, tiers) are read by them. */
function planProjectIds(db: Kysely<Database>, planId: number) {
  return db.selectFrom('projects').select('id').where('plan_id', '=', planId);
}

export async function findProject(db: Kysely<Database>, id: number): Promise<Project | null> {
  const row = await projectsWithStage(db).where('projects.id', '=', id).executeTakeFirst();
  return row ? rowToProject(row) : null;
}

export async function listProjects(
  db: Kysely<Database>,
  planId: number,
  opts: { branchIds?: readonly number[] } = {},
): Promise<Project[]> {
  let q = projectsWithStage(db).where('projects.plan_id', '=', planId).orderBy('projects.id');
  if (opts.branchIds) {
    if (opts.branchIds.length === 0) return [];
    q = q.where('projects.branch_id', 'in', [...opts.branchIds]);
  }
  return (await q.execute()).map(rowToProject);
}

/** How many projects of the plan are in each stage (the weekly digest, `/project all`). */
export async function projectStageCounts(db: Kysely<Database>, planId: number): Promise<Record<ProjectStage, number>> {
  const counts = Object.fromEntries(PROJECT_STAGES.map((s) => [s, 0])) as Record<ProjectStage, number>;
  const rows = await db
    .selectFrom(projectsWithStage(db).where('projects.plan_id', '=', planId).as('p'))
    .select(['p.stage', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('p.stage')
    .execute();
  for (const r of rows) counts[stageOf(r.stage)] += Number(r.n);
  return counts;
}

export async function projectHistory(db: Kysely<Database>, projectId: number): Promise<ProjectEvent[]> {
  const rows = await db
    .selectFrom('project_events')
    .leftJoin('people', 'people.id', 'project_events.actor_id')
    .select([
      'project_events.seq',
      'project_events.kind',
      'project_events.from_stage',
      'project_events.to_stage',
      'project_events.comment',
      'project_events.evidence',
      'project_events.at',
      'people.name as actor_name',
    ])
    .where('project_events.project_id', '=', projectId)
    .orderBy('project_events.seq')
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    kind: r.kind,
    from: r.from_stage === null ? null : stageOf(r.from_stage),
    to: r.to_stage === null ? null : stageOf(r.to_stage),
    comment: r.comment,
    evidence: JSON.parse(r.evidence) as string[],
    actorName: r.actor_name,
    at: r.at,
  }));
}

/** Inside a transaction: the project's stage and the seq its next event takes. */
async function stageAndSeq(
  trx: Kysely<Database>,
  projectId: number,
): Promise<{ stage: ProjectStage | null; nextSeq: number }> {
  const rows = await trx
    .selectFrom('project_events')
    .select(['seq', 'kind', 'to_stage'])
    .where('project_id', '=', projectId)
    .orderBy('seq', 'desc')
    .execute();
  const stage = rows.find((r) => r.kind === 'stage')?.to_stage ?? null;
  return { stage: stage === null ? null : stageOf(stage), nextSeq: (rows[0]?.seq ?? 0) + 1 };
}

async function insertEvent(
  trx: Kysely<Database>,
  e: {
    projectId: number;
    seq: number;
    kind: 'stage' | 'guidance' | 'progress';
    from: ProjectStage | null;
    to: ProjectStage | null;
    comment: string | null;
    evidence?: string[];
    actorId: number | null;
    submissionKey?: string | null;
  },
  meta: Meta,
): Promise<void> {
  await trx
    .insertInto('project_events')
    .values({
      project_id: e.projectId,
      seq: e.seq,
      kind: e.kind,
      from_stage: e.from,
      to_stage: e.to,
      comment: e.comment,
      evidence: JSON.stringify(e.evidence ?? []),
      actor_id: e.actorId,
      actor: meta.actor,
      at: meta.now.toISOString(),
      submission_key: e.submissionKey ?? null,
    })
    .execute();
}

/** A move of a project from one stage to another, in its history. */
function insertStage(trx: Kysely<Database>, e: Omit<Parameters<typeof insertEvent>[1], 'kind'>, meta: Meta) {
  return insertEvent(trx, { ...e, kind: 'stage' }, meta);
}

/** A move from one stage to another: the event in the project's history and the audit record `action` of the move. */
async function recordMove(
  trx: Kysely<Database>,
  e: Omit<Parameters<typeof insertEvent>[1], 'kind'>,
  action: string,
  details: Record<string, unknown>,
  meta: Meta,
) {
  await insertStage(trx, e, meta);
  await auditProject(trx, meta, action, e.projectId, { from: e.from, to: e.to, ...details });
}

/** The audit record of a change to one project. */
function auditProject(
  trx: Kysely<Database>,
  meta: Meta,
  action: string,
  projectId: number | null,
  details: Record<string, unknown>,
) {
  return audit(trx, { at: meta.now, actor: meta.actor, action, subjectType: 'project', subjectId: projectId, details });
}

/** A project as it is after a change in the transaction. */
async function reloadProject(trx: Kysely<Database>, projectId: number): Promise<Project> {
  return rowToProject(await projectsWithStage(trx).where('projects.id', '=', projectId).executeTakeFirstOrThrow());
}

async function eventBySubmission(trx: Kysely<Database>, key: string | null | undefined): Promise<boolean> {
  return (await sameSubmission(trx, 'project_events', key)) !== undefined;
}

export type RegisterOutcome =
  { outcome: 'registered'; project: Project } | { outcome: 'duplicate'; project: Project } | { outcome: 'quota' };

/**
 * 备案: the branch's project, its first event (→ registration) and, when the plan links one, the
 * registration obligation's report, in one transaction. The branch's quota is counted inside it,
 * so two secretaries of one branch registering at once cannot both pass it.
 */
export async function registerProject(
  db: Kysely<Database>,
  input: ProjectDraft & {
    planId: number;
    branchId: number;
    personId: number;
    perBranch: number;
    submissionKey: string;
    report: Omit<LinkedReport, 'subjectId' | 'via' | 'branchId' | 'personId'> | null;
  },
  meta: Meta,
): Promise<RegisterOutcome> {
  return db.transaction().execute(async (trx): Promise<RegisterOutcome> => {
    const same = await projectsWithStage(trx)
      .where('projects.submission_key', '=', input.submissionKey)
      .executeTakeFirst();
    if (same) return { outcome: 'duplicate', project: rowToProject(same) };
    const made = await trx
      .selectFrom('projects')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('plan_id', '=', input.planId)
      .where('branch_id', '=', input.branchId)
      .executeTakeFirstOrThrow();
    if (Number(made.n) >= input.perBranch) return { outcome: 'quota' };
    const row = await trx
      .insertInto('projects')
      .values({
        plan_id: input.planId,
        branch_id: input.branchId,
        title: input.title,
        aims: input.aims,
        approach: input.approach,
        expected: input.expected,
        results: null,
        evidence: '[]',
        registered_by: input.personId,
        registered_at: meta.now.toISOString(),
        applied_at: null,
        submission_key: input.submissionKey,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await insertStage(
      trx,
      {
        projectId: row.id,
        seq: 1,
        from: null,
        to: 'registration',
        comment: null,
        actorId: input.personId,
      },
      meta,
    );
    if (input.report)
      await reportLinkedObligation(
        trx,
        {
          ...input.report,
          branchId: input.branchId,
          personId: input.personId,
          via: 'project.register',
          subjectId: row.id,
        },
        meta,
      );
    await auditProject(trx, meta, 'project.register', row.id, {
      branchId: input.branchId,
      title: input.title,
      to: 'registration',
    });
    return { outcome: 'registered', project: rowToProject({ ...row, stage: 'registration' }) };
  });
}

export type ChangeOutcome<T = Project> =
  { outcome: 'done'; project: T } | { outcome: 'duplicate' } | { outcome: 'stale'; stage: ProjectStage | null };

/** The secretary's corrections to a registration, while the project is still at 备案. */
export async function reviseRegistration(
  db: Kysely<Database>,
  input: ProjectDraft & { projectId: number; personId: number },
  meta: Meta,
): Promise<ChangeOutcome> {
  return db.transaction().execute(async (trx): Promise<ChangeOutcome> => {
    const old = await trx.selectFrom('projects').selectAll().where('id', '=', input.projectId).executeTakeFirst();
    const { stage } = await stageAndSeq(trx, input.projectId);
    if (!old || stage !== 'registration') return { outcome: 'stale', stage };
    const row = await trx
      .updateTable('projects')
      .set({ title: input.title, aims: input.aims, approach: input.approach, expected: input.expected })
      .where('id', '=', input.projectId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await auditProject(trx, meta, 'project.revise', row.id, {
      previous: { title: old.title, aims: old.aims, approach: old.approach, expected: old.expected },
    });
    return { outcome: 'done', project: rowToProject({ ...row, stage }) };
  });
}

/**
 * A leader's guidance (指导意见) or the branch's progress update, kept in the project's history.
 * Not a move: the stage stays, and `expect` refuses a note on a project that moved meanwhile.
 */
export async function addNote(
  db: Kysely<Database>,
  input: {
    projectId: number;
    kind: 'guidance' | 'progress';
    comment: string;
    links: string[];
    personId: number;
    submissionKey: string;
    allowed: (stage: ProjectStage) => boolean;
  },
  meta: Meta,
): Promise<ChangeOutcome<null>> {
  return db.transaction().execute(async (trx): Promise<ChangeOutcome<null>> => {
    if (await eventBySubmission(trx, input.submissionKey)) return { outcome: 'duplicate' };
    const { stage, nextSeq } = await stageAndSeq(trx, input.projectId);
    if (stage === null || !input.allowed(stage)) return { outcome: 'stale', stage };
    await insertEvent(
      trx,
      {
        projectId: input.projectId,
        seq: nextSeq,
        kind: input.kind,
        from: null,
        to: null,
        comment: input.comment,
        evidence: input.links,
        actorId: input.personId,
        submissionKey: input.submissionKey,
      },
      meta,
    );
    await auditProject(trx, meta, `project.${input.kind}`, input.projectId, { stage, links: input.links.length });
    return { outcome: 'done', project: null };
  });
}

/**
 * One stage move, decided in the transaction: the project must still be at `from` (else `stale`:
 * someone moved it meanwhile). Going back before the assessment drops its assessors and their
 * scores; going back before the review drops its proposed tier: both are kept in the audit row.
 */
export async function moveProject(
  db: Kysely<Database>,
  input: {
    projectId: number;
    from: ProjectStage;
    to: ProjectStage;
    comment: string | null;
    personId: number;
    submissionKey: string;
  },
  meta: Meta,
): Promise<ChangeOutcome> {
  return submittedMove(db, input, 'project.move', meta, async (trx) => ({
    comment: input.comment,
    ...(await dropLaterWork(trx, input.projectId, input.to)),
  }));
}

/**
 * A move asked by a submission, in one transaction: refused when the delivery was stored before
 * (`duplicate`) or when the project is no longer at `move.from` (`stale`: someone moved it
 * meanwhile). `change` makes what the move brings before the move is recorded, and returns the
 * details of the move's audit record `action`.
 */
async function submittedMove(
  db: Kysely<Database>,
  move: {
    projectId: number;
    from: ProjectStage;
    to: ProjectStage;
    comment: string | null;
    evidence?: string[];
    personId: number;
    submissionKey: string;
  },
  action: string,
  meta: Meta,
  change: (trx: Kysely<Database>) => Promise<Record<string, unknown>>,
): Promise<ChangeOutcome> {
  return db.transaction().execute(async (trx): Promise<ChangeOutcome> => {
    if (await eventBySubmission(trx, move.submissionKey)) return { outcome: 'duplicate' };
    const { stage, nextSeq } = await stageAndSeq(trx, move.projectId);
    if (stage !== move.from) return { outcome: 'stale', stage };
    const details = await change(trx);
    await recordMove(
      trx,
      {
        projectId: move.projectId,
        seq: nextSeq,
        from: move.from,
        to: move.to,
        comment: move.comment,
        evidence: move.evidence,
        actorId: move.personId,
        submissionKey: move.submissionKey,
      },
      action,
      details,
      meta,
    );
    return { outcome: 'done', project: await reloadProject(trx, move.projectId) };
  });
}

/** What a move back to `to` undoes: assessors and scores before the assessment, the tier before the review. */
async function dropLaterWork(trx: Kysely<Database>, projectId: number, to: ProjectStage) {
  const out: Record<string, unknown> = {};
  if (!reached(to, 'assessment')) {
    const assessors = await trx
      .selectFrom('project_assessors')
      .selectAll()
      .where('project_id', '=', projectId)
      .execute();
    if (assessors.length > 0) {
      const scores = await trx.selectFrom('project_scores').selectAll().where('project_id', '=', projectId).execute();
      await trx.deleteFrom('project_scores').where('project_id', '=', projectId).execute();
      await trx.deleteFrom('project_assessors').where('project_id', '=', projectId).execute();
      out.droppedAssessors = assessors;
      out.droppedScores = scores;
    }
  }
  if (!reached(to, 'review')) {
    const tier = await trx
      .selectFrom('project_tiers')
      .selectAll()
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    if (tier) {
      await trx.deleteFrom('project_tiers').where('project_id', '=', projectId).execute();
      out.droppedTier = tier;
    }
  }
  return out;
}

/** 申报: the results and evidence, the move implementation → application and the linked obligation's report. */
export async function applyProject(
  db: Kysely<Database>,
  input: {
    projectId: number;
    results: string;
    links: string[];
    personId: number;
    submissionKey: string;
    report: Omit<LinkedReport, 'subjectId' | 'via' | 'personId'> | null;
  },
  meta: Meta,
): Promise<ChangeOutcome> {
  const move = { ...input, from: 'implementation', to: 'application', comment: null, evidence: input.links } as const;
  return submittedMove(db, move, 'project.apply', meta, async (trx) => {
    await trx
      .updateTable('projects')
      .set({ results: input.results, evidence: JSON.stringify(input.links), applied_at: meta.now.toISOString() })
      .where('id', '=', input.projectId)
      .execute();
    // Before the move, so that the audit log keeps its order: the report's record, then the project's.
    if (input.report)
      await reportLinkedObligation(
        trx,
        { ...input.report, personId: input.personId, via: 'project.apply', subjectId: input.projectId },
        meta,
      );
    return { links: input.links.length };
  });
}

/** 项目评估 begins: the admin's assessors for a project at 申报, and the move application → assessment. */
export async function assignAssessors(
  db: Kysely<Database>,
  input: { projectId: number; assessorIds: number[]; personId: number; comment: string | null; submissionKey: string },
  meta: Meta,
): Promise<ChangeOutcome> {
  const move = { ...input, from: 'application', to: 'assessment' } as const;
  return submittedMove(db, move, 'project.assign', meta, async (trx) => {
    await trx
      .insertInto('project_assessors')
      .values(
        input.assessorIds.map((id) => ({
          project_id: input.projectId,
          assessor_id: id,
          assigned_by: input.personId,
          assigned_at: meta.now.toISOString(),
          scored_at: null,
          comment: null,
        })),
      )
      .execute();
    return { assessors: input.assessorIds };
  });
}

export type ScoreOutcome =
  | { outcome: 'scored'; scored: number; assigned: number }
  | { outcome: 'completed'; assigned: number }
  | { outcome: 'not_assessor' }
  | { outcome: 'locked' }
  | { outcome: 'stale'; stage: ProjectStage | null };

/**
 * An assessor's sheet: one row per criterion, replacing their earlier sheet while others are still
 * to score. Once every assigned assessor has scored the sheets are locked (each has seen the
 * others'), and the same transaction moves the project to 综合评审, made by the last assessor.
 */
export async function submitScores(
  db: Kysely<Database>,
  input: { projectId: number; assessorId: number; sheet: ScoreSheet; comment: string | null },
  meta: Meta,
): Promise<ScoreOutcome> {
  return db.transaction().execute(async (trx): Promise<ScoreOutcome> => {
    const { stage, nextSeq } = await stageAndSeq(trx, input.projectId);
    if (stage !== 'assessment') return { outcome: 'stale', stage };
    const assessors = await trx
      .selectFrom('project_assessors')
      .select(['assessor_id', 'scored_at'])
      .where('project_id', '=', input.projectId)
      .execute();
    if (!assessors.some((a) => a.assessor_id === input.assessorId)) return { outcome: 'not_assessor' };
    if (assessors.every((a) => a.scored_at !== null)) return { outcome: 'locked' };
    const replaced = assessors.find((a) => a.assessor_id === input.assessorId)?.scored_at !== null;
    await trx
      .deleteFrom('project_scores')
      .where('project_id', '=', input.projectId)
      .where('assessor_id', '=', input.assessorId)
      .execute();
    await trx
      .insertInto('project_scores')
      .values(
        Object.entries(input.sheet).map(([criterion, score]) => ({
          project_id: input.projectId,
          assessor_id: input.assessorId,
          criterion,
          score,
        })),
      )
      .execute();
    await trx
      .updateTable('project_assessors')
      .set({ scored_at: meta.now.toISOString(), comment: input.comment })
      .where('project_id', '=', input.projectId)
      .where('assessor_id', '=', input.assessorId)
      .execute();
    const scored = assessors.filter((a) => a.scored_at !== null || a.assessor_id === input.assessorId).length;
    // The audit row says who scored, never what: the sheet is read only through the guarded reads.
    await auditProject(trx, meta, replaced ? 'project.rescore' : 'project.score', input.projectId, {
      scored,
      assigned: assessors.length,
    });
    if (scored < assessors.length) return { outcome: 'scored', scored, assigned: assessors.length };
    await recordMove(
      trx,
      {
        projectId: input.projectId,
        seq: nextSeq,
        from: 'assessment',
        to: 'review',
        comment: null,
        actorId: input.assessorId,
      },
      'project.move',
      { by: 'the last assessor to score' },
      meta,
    );
    return { outcome: 'completed', assigned: assessors.length };
  });
}

export interface AssessorRow {
  personId: number;
  name: string;
  scored: boolean;
}

/** A project's assessors with their names, when they scored and their comment, by assessor. */
function assessorsOf(db: Kysely<Database>, projectId: number) {
  return db
    .selectFrom('project_assessors')
    .innerJoin('people', 'people.id', 'project_assessors.assessor_id')
    .select([
      'project_assessors.assessor_id',
      'people.name',
      'project_assessors.scored_at',
      'project_assessors.comment',
    ])
    .where('project_assessors.project_id', '=', projectId)
    .orderBy('project_assessors.assessor_id')
    .execute();
}

export async function listAssessors(db: Kysely<Database>, projectId: number): Promise<AssessorRow[]> {
  const rows = await assessorsOf(db, projectId);
  return rows.map((r) => ({ personId: r.assessor_id, name: r.name, scored: r.scored_at !== null }));
}

export interface Sheet {
  assessorId: number;
  name: string;
  scores: ScoreSheet;
  comment: string | null;
}

export type SheetsRead =
  | { status: 'hidden'; assigned: number; scored: number; own: Sheet | null }
  | { status: 'complete'; assigned: number; sheets: Sheet[] };

/**
 * The sheets of one project as `viewerId` may read them. Until every assigned assessor has scored,
 * only the viewer's own sheet comes back (none for a viewer who is not an assessor): the other
 * rows are not read at all, whatever the screen asking. After that, all of them.
 */
export async function assessorSheets(db: Kysely<Database>, projectId: number, viewerId: number): Promise<SheetsRead> {
  return db
    .transaction()
    .setAccessMode('read only')
    .execute(async (trx): Promise<SheetsRead> => {
      const assessors = await assessorsOf(trx, projectId);
      const complete = assessors.length > 0 && assessors.every((a) => a.scored_at !== null);
      const readable = complete ? assessors : assessors.filter((a) => a.assessor_id === viewerId && a.scored_at);
      const scores =
        readable.length === 0
          ? []
          : await trx
              .selectFrom('project_scores')
              .select(['assessor_id', 'criterion', 'score'])
              .where('project_id', '=', projectId)
              .where(
                'assessor_id',
                'in',
                readable.map((a) => a.assessor_id),
              )
              .execute();
      const sheets = readable.map((a) => ({
        assessorId: a.assessor_id,
        name: a.name,
        comment: a.comment,
        scores: Object.fromEntries(
          scores.filter((s) => s.assessor_id === a.assessor_id).map((s) => [s.criterion, s.score]),
        ),
      }));
      if (complete) return { status: 'complete', assigned: assessors.length, sheets };
      return {
        status: 'hidden',
        assigned: assessors.length,
        scored: assessors.filter((a) => a.scored_at !== null).length,
        own: sheets[0] ?? null,
      };
    });
}

export interface ReviewEntry {
  project: Pick<Project, 'id' | 'title' | 'branchId' | 'stage'>;
  branchCode: string;
  branchName: string;
  branchCategory: Category;
  sheets: ScoreSheet[];
  tier: { tier: string | null; reason: string | null; confirmed: boolean } | null;
}

/**
 * The committee's list: every project at 综合评审 or 项目奖励 with the assessors' sheets. Those
 * projects passed the assessment, so every assessor has scored; the read still takes only
 * projects whose assessors all scored. Four statements whatever the number of projects.
 */
export async function reviewSheets(db: Kysely<Database>, planId: number): Promise<ReviewEntry[]> {
  return db
    .transaction()
    .setAccessMode('read only')
    .execute(async (trx) => {
      const projects = await trx
        .selectFrom(projectsWithStage(trx).where('projects.plan_id', '=', planId).as('p'))
        .innerJoin('branches', 'branches.id', 'p.branch_id')
        .select(['p.id', 'p.title', 'p.branch_id', 'p.stage', 'branches.code', 'branches.name', 'branches.category'])
        .where('p.stage', 'in', ['review', 'award'])
        .orderBy('p.id')
        .execute();
      if (projects.length === 0) return [];
      const pending = new Set(
        (
          await trx
            .selectFrom('project_assessors')
            .select('project_id')
            .where('project_id', 'in', planProjectIds(trx, planId))
            .where('scored_at', 'is', null)
            .execute()
        ).map((r) => r.project_id),
      );
      const scores = await trx
        .selectFrom('project_scores')
        .select(['project_id', 'assessor_id', 'criterion', 'score'])
        .where('project_id', 'in', planProjectIds(trx, planId))
        .execute();
      const tiers = await trx
        .selectFrom('project_tiers')
        .select(['project_id', 'tier', 'reason', 'announcement_id'])
        .where('project_id', 'in', planProjectIds(trx, planId))
        .execute();
      const sheetsOf = new Map<number, Map<number, ScoreSheet>>();
      for (const s of scores) {
        let byAssessor = sheetsOf.get(s.project_id);
        if (!byAssessor) sheetsOf.set(s.project_id, (byAssessor = new Map()));
        let sheet = byAssessor.get(s.assessor_id);
        if (!sheet) byAssessor.set(s.assessor_id, (sheet = {}));
        sheet[s.criterion] = s.score;
      }
      const tierOf = new Map(tiers.map((t) => [t.project_id, t]));
      return projects
        .filter((p) => !pending.has(p.id))
        .map((p) => {
          const t = tierOf.get(p.id);
          return {
            project: { id: p.id, title: p.title, branchId: p.branch_id, stage: stageOf(p.stage) },
            branchCode: p.code,
            branchName: p.name,
            branchCategory: p.category as Category,
            sheets: [...(sheetsOf.get(p.id)?.values() ?? [])],
            tier: t ? { tier: t.tier, reason: t.reason, confirmed: t.announcement_id !== null } : null,
          };
        });
    });
}

/**
 * The committee's proposal: a tier (or none) for each project given, in one transaction. A project
 * adjusted with a reason keeps its adjustment unless `replaceAdjusted`; projects no longer at
 * 综合评审 are left out.
 */
export async function proposeTierRows(
  db: Kysely<Database>,
  input: {
    entries: { projectId: number; tier: string | null; reason: string | null }[];
    personId: number;
    replaceAdjusted: boolean;
  },
  meta: Meta,
): Promise<{ written: number }> {
  return db.transaction().execute(async (trx) => {
    let written = 0;
    for (const e of input.entries) {
      const { stage } = await stageAndSeq(trx, e.projectId);
      if (stage !== 'review') continue;
      const old = await trx
        .selectFrom('project_tiers')
        .selectAll()
        .where('project_id', '=', e.projectId)
        .executeTakeFirst();
      if (old && old.reason !== null && !input.replaceAdjusted) continue;
      const values = {
        tier: e.tier,
        reason: e.reason,
        proposed_by: input.personId,
        proposed_at: meta.now.toISOString(),
        announcement_id: null,
      };
      if (old) await trx.updateTable('project_tiers').set(values).where('project_id', '=', e.projectId).execute();
      else
        await trx
          .insertInto('project_tiers')
          .values({ project_id: e.projectId, ...values })
          .execute();
      written++;
    }
    await auditProject(
      trx,
      meta,
      input.replaceAdjusted ? 'project.tier_adjust' : 'project.tier_propose',
      input.entries.length === 1 ? input.entries[0]!.projectId : null,
      { entries: input.entries, written },
    );
    return { written };
  });
}

export type ConfirmOutcome =
  | { outcome: 'confirmed'; announcementId: number; awarded: number }
  | { outcome: 'duplicate' }
  | { outcome: 'unproposed'; missing: number }
  | { outcome: 'nothing' };

/**
 * 项目奖励: the admin confirms the proposal of every project at 综合评审. One transaction: the
 * announcement row (unique per confirmation modal), each project's move to the award with its
 * tier, and the announcement's outbox rows (rendered from what was confirmed): posted once.
 */
export async function confirmAwards(
  db: Kysely<Database>,
  input: {
    planId: number;
    channelId: string;
    personId: number;
    submissionKey: string;
    render: (announcementId: number, awarded: { projectId: number; tier: string | null }[]) => NewOutboxRow[];
  },
  meta: Meta,
): Promise<ConfirmOutcome> {
  return db.transaction().execute(async (trx): Promise<ConfirmOutcome> => {
    const seen = await sameSubmission(trx, 'project_announcements', input.submissionKey);
    if (seen) return { outcome: 'duplicate' };
    const inReview = await trx
      .selectFrom(projectsWithStage(trx).where('projects.plan_id', '=', input.planId).as('p'))
      .leftJoin('project_tiers', 'project_tiers.project_id', 'p.id')
      .select(['p.id', 'project_tiers.proposed_by', 'project_tiers.tier'])
      .where('p.stage', '=', 'review')
      .orderBy('p.id')
      .execute();
    if (inReview.length === 0) return { outcome: 'nothing' };
    const missing = inReview.filter((p) => p.proposed_by === null).length;
    if (missing > 0) return { outcome: 'unproposed', missing };
    const announcement = await trx
      .insertInto('project_announcements')
      .values({
        plan_id: input.planId,
        channel_id: input.channelId,
        confirmed_by: input.personId,
        confirmed_at: meta.now.toISOString(),
        submission_key: input.submissionKey,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const p of inReview) {
      const { nextSeq } = await stageAndSeq(trx, p.id);
      await insertStage(
        trx,
        {
          projectId: p.id,
          seq: nextSeq,
          from: 'review',
          to: 'award',
          comment: null,
          actorId: input.personId,
        },
        meta,
      );
    }
    await trx
      .updateTable('project_tiers')
      .set({ announcement_id: announcement.id })
      .where(
        'project_id',
        'in',
        inReview.map((p) => p.id),
      )
      .execute();
    const awarded = inReview.map((p) => ({ projectId: p.id, tier: p.tier ?? null }));
    await enqueue(trx, input.render(announcement.id, awarded), meta.now);
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: 'project.confirm',
      subjectType: 'plan',
      subjectId: input.planId,
      details: { announcementId: announcement.id, channel: input.channelId, awarded },
    });
    return { outcome: 'confirmed', announcementId: announcement.id, awarded: awarded.filter((a) => a.tier).length };
  });
}

/** What the committee's dates remind of: each project's stage and its assessors (src/domain/projects.ts). */
export async function dutyProjects(db: Kysely<Database>, planId: number) {
  const projects = await projectsWithStage(db).where('projects.plan_id', '=', planId).execute();
  const assessors = await db
    .selectFrom('project_assessors')
    .select(['project_id', 'assessor_id', 'scored_at'])
    .where('project_id', 'in', planProjectIds(db, planId))
    .execute();
  return projects.map((p) => ({
    id: p.id,
    title: p.title,
    stage: stageOf(p.stage),
    assessors: assessors
      .filter((a) => a.project_id === p.id)
      .map((a) => ({ personId: a.assessor_id, scored: a.scored_at !== null })),
  }));
}

/** The projects an assessor still has to score (their Home, /project). */
export async function assessmentsFor(db: Kysely<Database>, planId: number, assessorId: number) {
  const rows = await db
    .selectFrom(projectsWithStage(db).where('projects.plan_id', '=', planId).as('p'))
    .innerJoin('project_assessors', 'project_assessors.project_id', 'p.id')
    .select(['p.id', 'p.title', 'p.stage', 'project_assessors.scored_at'])
    .where('project_assessors.assessor_id', '=', assessorId)
    .where('p.stage', '=', 'assessment')
    .orderBy('p.id')
    .execute();
  return rows.map((r) => ({ projectId: r.id, title: r.title, scored: r.scored_at !== null }));
}

/** Every project of the plan with its assessors' count and its confirmed tier (the export's projects sheet). */
export async function projectExportRows(db: Kysely<Database>, planId: number) {
  const projects = await projectsWithStage(db).where('projects.plan_id', '=', planId).orderBy('projects.id').execute();
  const counts = await db
    .selectFrom('project_assessors')
    .select(['project_id', sql<number>`count(*)`.as('assigned'), sql<number>`count(scored_at)`.as('scored')])
    .where('project_id', 'in', planProjectIds(db, planId))
    .groupBy('project_id')
    .execute();
  const tiers = await db
    .selectFrom('project_tiers')
    .select(['project_id', 'tier', 'announcement_id'])
    .where('project_id', 'in', planProjectIds(db, planId))
    .execute();
  const countOf = new Map(counts.map((c) => [c.project_id, c]));
  const tierOf = new Map(tiers.map((t) => [t.project_id, t]));
  return projects.map((p) => ({
    project: rowToProject(p),
    assigned: Number(countOf.get(p.id)?.assigned ?? 0),
    scored: Number(countOf.get(p.id)?.scored ?? 0),
    tier: tierOf.get(p.id)?.announcement_id ? (tierOf.get(p.id)?.tier ?? null) : null,
  }));
}

/** Active leaders with their branch and the branches they are secretary of: who may assess (mayAssess). */
export async function assessorCandidates(db: Kysely<Database>) {
  const leaders = await db
    .selectFrom('people')
    .select(['id', 'name', 'branch_id', 'slack_user_id'])
    .where('active', '=', 1)
    .where('is_leader', '=', 1)
    .orderBy('id')
    .execute();
  const secretaries = await db.selectFrom('branch_secretaries').select(['person_id', 'branch_id']).execute();
  return leaders.map((l) => ({
    personId: l.id,
    name: l.name,
    slackUserId: l.slack_user_id,
    isLeader: true,
    branchId: l.branch_id,
    secretaryOf: secretaries.filter((s) => s.person_id === l.id).map((s) => s.branch_id),
  }));
}
