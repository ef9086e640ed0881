import type { Kysely } from 'kysely';
import {
  RECTIFICATION_ACTIVITY,
  RECTIFICATION_POSITION,
  rectificationCode,
  type Inspection,
  type InspectionDraft,
  type RectificationItem,
} from '../../src/domain/inspections.js';
import type { Database } from '../schema.js';
import { audit } from './audit.js';
import { sameSubmission } from './once.js';
import { enqueue, type NewOutboxRow } from './outbox.js';
import { touchPlan } from './plans.js';

export interface RecordInspection {
  planId: number;
  /** Null for the county's inspection of the whole system. */
  branchId: number | null;
  draft: InspectionDraft;
  inspectorId: number;
  /** The weight of each rectification task (the plan's inspections.rectification_weight). */
  weight: number;
  /** The modal's view id: a retried submission finds it and stores nothing. */
  submissionKey: string;
  /**
   * The secretaries' messages, queued in the same transaction (one per branch with items, or the
   * inspected branch): rendered from what was stored, so the DM says what the branch now owes.
   */
  render: (inspection: Inspection, items: RectificationItem[]) => NewOutboxRow[];
}

export type RecordOutcome =
  { outcome: 'done'; inspection: Inspection; items: RectificationItem[] } | { outcome: 'duplicate' };

/** The activity the plan's rectification tasks hang under, made at the first one (a plan file cannot name it). */
async function rectificationActivity(trx: Kysely<Database>, planId: number): Promise<number> {
  const found = await trx
    .selectFrom('activities')
    .select('id')
    .where('plan_id', '=', planId)
    .where('code', '=', RECTIFICATION_ACTIVITY)
    .executeTakeFirst();
  if (found) return found.id;
  const row = await trx
    .insertInto('activities')
    .values({
      plan_id: planId,
      code: RECTIFICATION_ACTIVITY,
      title_zh: '整改任务',
      title_en: 'Rectification tasks',
      description_zh: '督查提出的整改任务',
      description_en: 'Rectification tasks set by inspections',
      position: RECTIFICATION_POSITION,
      retired: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Records an inspection and its rectification tasks in one transaction: each task becomes an
 * obligation of its branch (so /report, reminders, escalations, review and rankings see it), the
 * plan's `updated_at` moves so the cached obligations are read again, the secretaries' DMs go to
 * the outbox, and the audit row lands with them. Nothing is stored when any part fails.
 */
export async function recordInspection(
  db: Kysely<Database>,
  input: RecordInspection,
  meta: { actor: string; now: Date },
): Promise<RecordOutcome> {
  return db.transaction().execute(async (trx): Promise<RecordOutcome> => {
    const dup = await sameSubmission(trx, 'inspections', input.submissionKey);
    if (dup) return { outcome: 'duplicate' };
    const d = input.draft;
    const at = meta.now.toISOString();
    const row = await trx
      .insertInto('inspections')
      .values({
        plan_id: input.planId,
        branch_id: input.branchId,
        held_on: d.heldOn,
        kind: d.kind,
        checked: d.checked,
        findings: d.findings,
        rating: d.rating,
        two_skins: d.twoSkins ? 1 : 0,
        inspector_id: input.inspectorId,
        inspector: meta.actor,
        created_at: at,
        submission_key: input.submissionKey,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const items: RectificationItem[] = [];
    if (d.items.length > 0) {
      const activityId = await rectificationActivity(trx, input.planId);
      for (const [i, item] of d.items.entries()) {
        const branchId = item.branchId ?? input.branchId;
        if (branchId === null) throw new Error('a county item without a branch');
        const code = rectificationCode(row.id, i + 1);
        const ob = await trx
          .insertInto('obligations')
          .values({
            plan_id: input.planId,
            activity_id: activityId,
            code,
            title_zh: item.text,
            title_en: item.text,
            description_zh: null,
            description_en: null,
            kind: 'report',
            paper_kinds: '[]',
            applies_to: 'branch',
            targets: '[]',
            due: item.due,
            weight: input.weight,
            position: RECTIFICATION_POSITION + row.id * 1000 + i,
            retired: 0,
            branch_id: branchId,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const it = await trx
          .insertInto('rectification_items')
          .values({ inspection_id: row.id, branch_id: branchId, obligation_id: ob.id, text: item.text, due: item.due })
          .returning('id')
          .executeTakeFirstOrThrow();
        items.push({
          id: it.id,
          inspectionId: row.id,
          branchId,
          obligationId: ob.id,
          code,
          text: item.text,
          due: item.due,
          reportStatus: null,
        });
      }
      await touchPlan(trx, input.planId, meta.now);
    }
    const inspection = (await listInspections(trx, input.planId, { id: row.id }))[0]!;
    await enqueue(trx, input.render(inspection, items), meta.now);
    await audit(trx, {
      at: meta.now,
      actor: meta.actor,
      action: input.branchId === null ? 'inspection.county' : 'inspection.record',
      subjectType: 'inspection',
      subjectId: row.id,
      details: {
        branchId: input.branchId,
        heldOn: d.heldOn,
        kind: d.kind,
        rating: d.rating,
        twoSkins: d.twoSkins,
        items: items.map((i) => ({ code: i.code, branchId: i.branchId, due: i.due })),
      },
    });
    return { outcome: 'done', inspection, items };
  });
}

/** Inspections of a plan, by date then id; `branchId` keeps a branch's own and the county's that set it tasks. */
export async function listInspections(
  db: Kysely<Database>,
  planId: number,
  filter: { id?: number; branchId?: number } = {},
): Promise<Inspection[]> {
  let q = db
    .selectFrom('inspections')
    .innerJoin('people', 'people.id', 'inspections.inspector_id')
    .selectAll('inspections')
    .select('people.name as inspector_name')
    .where('inspections.plan_id', '=', planId)
    .orderBy('inspections.held_on')
    .orderBy('inspections.id');
  if (filter.id !== undefined) q = q.where('inspections.id', '=', filter.id);
  if (filter.branchId !== undefined) {
    const branchId = filter.branchId;
    q = q.where((eb) =>
      eb.or([
        eb('inspections.branch_id', '=', branchId),
        eb(
          'inspections.id',
          'in',
          eb.selectFrom('rectification_items').select('inspection_id').where('branch_id', '=', branchId),
        ),
      ]),
    );
  }
  return (await q.execute()).map((r) => ({
    id: r.id,
    planId: r.plan_id,
    branchId: r.branch_id,
    heldOn: r.held_on,
    kind: r.kind,
    checked: r.checked,
    findings: r.findings,
    rating: r.rating,
    twoSkins: r.two_skins === 1,
    inspectorId: r.inspector_id,
    inspectorName: r.inspector_name,
    createdAt: r.created_at,
  }));
}

/** Rectification tasks of a plan with their report's status (withdrawn reports count as none). */
export async function listRectificationItems(
  db: Kysely<Database>,
  planId: number,
  filter: { branchId?: number } = {},
): Promise<RectificationItem[]> {
  let q = db
    .selectFrom('rectification_items')
    .innerJoin('obligations', 'obligations.id', 'rectification_items.obligation_id')
    .leftJoin('reports', (j) =>
      j
        .onRef('reports.obligation_id', '=', 'rectification_items.obligation_id')
        .onRef('reports.branch_id', '=', 'rectification_items.branch_id')
        .on('reports.status', '<>', 'withdrawn'),
    )
    .select([
      'rectification_items.id',
      'rectification_items.inspection_id',
      'rectification_items.branch_id',
      'rectification_items.obligation_id',
      'rectification_items.text',
      'rectification_items.due',
      'obligations.code',
      'reports.status as report_status',
    ])
    .where('obligations.plan_id', '=', planId)
    .orderBy('rectification_items.id');
  if (filter.branchId !== undefined) q = q.where('rectification_items.branch_id', '=', filter.branchId);
  return (await q.execute()).map((r) => ({
    id: r.id,
    inspectionId: r.inspection_id,
    branchId: r.branch_id,
    obligationId: r.obligation_id,
    code: r.code,
    text: r.text,
    due: r.due,
    reportStatus: r.report_status ?? null,
  }));
}

/** The secretaries of these branches, with their stored language, for the inspection's DMs. */
export async function secretariesOf(
  db: Kysely<Database>,
  branchIds: readonly number[],
): Promise<{ branchId: number; slackUserId: string; locale: string | null }[]> {
  if (branchIds.length === 0) return [];
  const rows = await db
    .selectFrom('branch_secretaries')
    .innerJoin('people', 'people.id', 'branch_secretaries.person_id')
    .select(['branch_secretaries.branch_id', 'people.slack_user_id', 'people.locale'])
    .where('branch_secretaries.branch_id', 'in', [...branchIds])
    .where('people.active', '=', 1)
    .orderBy('people.id')
    .execute();
  return rows.map((r) => ({ branchId: r.branch_id, slackUserId: r.slack_user_id, locale: r.locale }));
}
