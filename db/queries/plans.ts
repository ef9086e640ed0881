import type { Kysely, Selectable, Updateable } from 'kysely';
import type { PlanFile } from '../../src/domain/plan.js';
import { PlanSettingsSchema, type PlanSettings } from '../../src/domain/plan-settings.js';
import type { AppliesTo, LocalizedText, Obligation } from '../../src/domain/types.js';
import type { Database, ObligationTable, PlanTable } from '../schema.js';
import {
  candidateDates,
  planInForce,
  planOnDate,
  type PlanToday as PlanTodayOf,
} from '../../src/domain/active-plan.js';
import { preparedRead } from './prepared.js';
import { audit } from './audit.js';
import { RECTIFICATION_ACTIVITY } from '../../src/domain/inspections.js';

export interface Plan {
  id: number;
  year: number;
  title: LocalizedText;
  timezone: string;
  starts: string;
  ends: string;
  settings: PlanSettings;
}

export interface ImportCounts {
  added: string[];
  updated: string[];
  retired: string[];
  unchanged: number;
}

export interface PlanImportResult {
  planId: number;
  year: number;
  created: boolean;
  activities: ImportCounts;
  obligations: ImportCounts;
  dryRun: boolean;
}

class DryRunRollback extends Error {
  constructor(readonly result: PlanImportResult) {
    super('dry run');
  }
}

/**
 * Read caches (docs/decisions/003-read-caches.md). A plan and its obligations change only through
 * `importPlan`, which moves the plan's `updated_at` forward every time. Every request reads the plan
 * row anyway; while its `updated_at` is the one cached, the parsed plan and its obligations are
 * reused instead of parsing the settings again and reading every obligation. Per database handle,
 * so two stores in one process (tests) never share entries.
 */
interface PlanCacheEntry {
  updatedAt: string;
  plan: Plan;
}
const planCache = new WeakMap<Kysely<Database>, Map<number, PlanCacheEntry>>();
/** Obligations by the plan instance they were read for: a re-import makes a new instance. */
const obligationCache = new WeakMap<Plan, Obligation[]>();

function cachedPlan(db: Kysely<Database>, row: Selectable<PlanTable>): Plan {
  let plans = planCache.get(db);
  if (!plans) planCache.set(db, (plans = new Map()));
  const hit = plans.get(row.id);
  if (hit && hit.updatedAt === row.updated_at) return hit.plan;
  const plan = Object.freeze(planRowToPlan(row));
  plans.set(row.id, { updatedAt: row.updated_at, plan });
  return plan;
}

export function planRowToPlan(row: Selectable<PlanTable>): Plan {
  return {
    id: row.id,
    year: row.year,
    title: { zh: row.title_zh, en: row.title_en },
    timezone: row.timezone,
    starts: row.starts,
    ends: row.ends,
    settings: PlanSettingsSchema.parse(JSON.parse(row.settings)),
  };
}

export function obligationRowToObligation(row: Selectable<ObligationTable> & { activity_code: string }): Obligation {
  const targets = JSON.parse(row.targets) as string[];
  const appliesTo = (
    row.applies_to === 'all'
      ? { kind: 'all' }
      : row.applies_to === 'categories'
        ? { kind: 'categories', categories: targets }
        : row.applies_to === 'branch'
          ? { kind: 'branch', branchId: row.branch_id }
          : { kind: 'ranks', ranks: targets }
  ) as AppliesTo;
  return {
    id: row.id,
    planId: row.plan_id,
    activityCode: row.activity_code,
    code: row.code,
    title: { zh: row.title_zh, en: row.title_en },
    description:
      row.description_zh !== null && row.description_en !== null
        ? { zh: row.description_zh, en: row.description_en }
        : null,
    kind: row.kind,
    paperKinds: JSON.parse(row.paper_kinds) as Obligation['paperKinds'],
    threshold: row.threshold,
    appliesTo,
    due: row.due,
    weight: row.weight,
    position: row.position,
  };
}

function appliesToColumns(a: PlanFile['activities'][number]['obligations'][number]['applies_to']) {
  if (a === 'all') return { applies_to: 'all' as const, targets: '[]' };
  if ('categories' in a) return { applies_to: 'categories' as const, targets: JSON.stringify(a.categories) };
  return { applies_to: 'ranks' as const, targets: JSON.stringify(a.ranks) };
}

/**
 * `now`, or a millisecond after `previous` when the clock has not moved past it (two imports in the
 * same millisecond, a fixed clock, a clock set back): readers cache a plan by its `updated_at`, so
 * every import must change it.
 */
function laterThan(now: string, previous: string): string {
  const prev = Date.parse(previous);
  return Number.isNaN(prev) || Date.parse(now) > prev ? now : new Date(prev + 1).toISOString();
}

/**
 * Moves a plan's `updated_at` forward inside a transaction that changed its obligations (an
 * inspection's rectification tasks), so that the cached list of obligations is read again.
 */
export async function touchPlan(db: Kysely<Database>, planId: number, now: Date): Promise<void> {
  const row = await db.selectFrom('plans').select('updated_at').where('id', '=', planId).executeTakeFirstOrThrow();
  await db
    .updateTable('plans')
    .set({ updated_at: laterThan(now.toISOString(), row.updated_at) })
    .where('id', '=', planId)
    .execute();
}

const emptyCounts = (): ImportCounts => ({ added: [], updated: [], retired: [], unchanged: 0 });

/** The tables that keep a plan file's items, matched by code when the file is imported again. */
type PlanItemTable = 'activities' | 'obligations';

/** The plan's stored items of one table, by code. */
function byCode<R extends { code: string }>(rows: R[]): Map<string, R> {
  return new Map(rows.map((r) => [r.code, r]));
}

/** A stored item the file names again: rewritten when one of the file's values differs, else counted unchanged. */
async function keepItem<V extends Updateable<Database[PlanItemTable]>>(
  trx: Kysely<Database>,
  table: PlanItemTable,
  old: { id: number; code: string } & { [K in keyof V]: unknown },
  values: V,
  counts: ImportCounts,
): Promise<void> {
  const changed = (Object.keys(values) as (keyof V)[]).some((k) => old[k] !== values[k]);
  if (!changed) {
    counts.unchanged++;
    return;
  }
  await trx.updateTable(table).set(values).where('id', '=', old.id).execute();
  counts.updated.push(old.code);
}

/** The stored items the file no longer names: retired, not deleted, so that the reports made on them stay valid. */
async function retireItems(
  trx: Kysely<Database>,
  table: PlanItemTable,
  rest: Iterable<{ id: number; code: string; retired: number }>,
  counts: ImportCounts,
): Promise<void> {
  for (const old of rest) {
    if (old.retired === 1) continue;
    await trx.updateTable(table).set({ retired: 1 }).where('id', '=', old.id).execute();
    counts.retired.push(old.code);
  }
}

/**
 * Loads a validated plan in one transaction. Re-importing updates by code: nothing is duplicated,
 * obligations dropped from the file are retired (not deleted) so that reports made stay valid.
 */
export async function importPlan(
  db: Kysely<Database>,
  plan: PlanFile,
  opts: { actor: string; now: Date; dryRun?: boolean },
): Promise<PlanImportResult> {
  const now = opts.now.toISOString();
  try {
    return await db.transaction().execute(async (trx) => {
      const settings = JSON.stringify({
        reminders: plan.reminders,
        scoring: plan.scoring,
        calendar: plan.calendar,
        projects: plan.projects ?? null,
        commendations: plan.commendations ?? null,
        evaluation: plan.evaluation ?? null,
        commitments: plan.commitments ?? null,
        inspections: plan.inspections,
        assessment: plan.assessment ?? null,
      });
      const existing = await trx
        .selectFrom('plans')
        .select(['id', 'updated_at'])
        .where('year', '=', plan.year)
        .executeTakeFirst();
      const columns = {
        title_zh: plan.title.zh,
        title_en: plan.title.en,
        timezone: plan.timezone,
        starts: plan.starts,
        ends: plan.ends,
        settings,
      };
      let planId: number;
      if (existing) {
        planId = existing.id;
        await trx
          .updateTable('plans')
          .set({ ...columns, updated_at: laterThan(now, existing.updated_at) })
          .where('id', '=', planId)
          .execute();
      } else {
        const inserted = await trx
          .insertInto('plans')
          .values({ year: plan.year, ...columns, imported_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow();
        planId = inserted.id;
      }

      const activities = emptyCounts();
      const obligations = emptyCounts();
      const oldActivities = byCode(
        await trx
          .selectFrom('activities')
          .selectAll()
          .where('plan_id', '=', planId)
          // Rectification tasks are not the file's: a re-import neither sees nor retires them.
          .where('code', '<>', RECTIFICATION_ACTIVITY)
          .execute(),
      );
      const oldObligations = byCode(
        await trx
          .selectFrom('obligations')
          .selectAll()
          .where('plan_id', '=', planId)
          .where('branch_id', 'is', null)
          .execute(),
      );
      let obligationPosition = 0;

      for (const [ai, activity] of plan.activities.entries()) {
        const values = {
          title_zh: activity.title.zh,
          title_en: activity.title.en,
          description_zh: activity.description?.zh ?? null,
          description_en: activity.description?.en ?? null,
          position: ai,
          retired: 0 as const,
        };
        const old = oldActivities.get(activity.code);
        let activityId: number;
        if (old) {
          activityId = old.id;
          oldActivities.delete(activity.code);
          await keepItem(trx, 'activities', old, values, activities);
        } else {
          const row = await trx
            .insertInto('activities')
            .values({ plan_id: planId, code: activity.code, ...values })
            .returning('id')
            .executeTakeFirstOrThrow();
          activityId = row.id;
          activities.added.push(activity.code);
        }

        for (const ob of activity.obligations) {
          const obValues = {
            activity_id: activityId,
            title_zh: ob.title.zh,
            title_en: ob.title.en,
            description_zh: ob.description?.zh ?? null,
            description_en: ob.description?.en ?? null,
            kind: ob.kind,
            paper_kinds: JSON.stringify(ob.paper_kinds ?? []),
            threshold: ob.threshold ?? null,
            ...appliesToColumns(ob.applies_to),
            due: ob.due,
            weight: ob.weight,
            position: obligationPosition++,
            retired: 0 as const,
          };
          const oldOb = oldObligations.get(ob.code);
          if (oldOb) {
            oldObligations.delete(ob.code);
            await keepItem(trx, 'obligations', oldOb, obValues, obligations);
          } else {
            await trx
              .insertInto('obligations')
              .values({ plan_id: planId, code: ob.code, ...obValues })
              .execute();
            obligations.added.push(ob.code);
          }
        }
      }
      await retireItems(trx, 'obligations', oldObligations.values(), obligations);
      await retireItems(trx, 'activities', oldActivities.values(), activities);

      const result: PlanImportResult = {
        planId,
        year: plan.year,
        created: !existing,
        activities,
        obligations,
        dryRun: opts.dryRun === true,
      };
      await audit(trx, {
        at: opts.now,
        actor: opts.actor,
        action: existing ? 'plan.reimport' : 'plan.import',
        subjectType: 'plan',
        subjectId: planId,
        details: { year: plan.year, activities, obligations },
      });
      // A dry run goes through the same writes, then rolls them back.
      if (opts.dryRun) throw new DryRunRollback(result);
      return result;
    });
  } catch (err) {
    if (err instanceof DryRunRollback) return err.result;
    throw err;
  }
}

export async function findPlanByYear(db: Kysely<Database>, year: number): Promise<Plan | null> {
  const row = await db.selectFrom('plans').selectAll().where('year', '=', year).executeTakeFirst();
  return row ? cachedPlan(db, row) : null;
}

/**
 * The plans that may be in force between two dates: those overlapping them, and the most recent
 * plan (in force when none contains the date). One read on every request; src/domain/active-plan.ts
 * chooses among them.
 */
const planCandidates = preparedRead((db, from: string, to: string) =>
  db
    .selectFrom('plans')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('starts', '<=', to), eb('ends', '>=', from)]),
        eb(
          'year',
          '=',
          eb.selectFrom('plans as latest').select((sub) => sub.fn.max('latest.year').as('year')),
        ),
      ]),
    )
    .orderBy('year', 'desc'),
);

export type PlanToday = PlanTodayOf<Plan>;

/**
 * The plan in force at `now` and today's date in its timezone (src/domain/active-plan.ts): what
 * every command, button, modal and job asks before anything else. Null when no plan was imported.
 */
export async function findPlanToday(db: Kysely<Database>, now: Date): Promise<PlanToday | null> {
  const { from, to } = candidateDates(now);
  const found = planInForce(await planCandidates(db, from, to), now);
  return found ? { plan: cachedPlan(db, found.plan), today: found.today } : null;
}

/** The plan in force on a given date (the CLI's `--date`, a digest's day), else the most recent one. */
export async function findActivePlan(db: Kysely<Database>, date: string): Promise<Plan | null> {
  const row = planOnDate(await planCandidates(db, date, date), date);
  return row ? cachedPlan(db, row) : null;
}

export async function listObligations(db: Kysely<Database>, planId: number): Promise<Obligation[]> {
  const rows = await db
    .selectFrom('obligations')
    .innerJoin('activities', 'activities.id', 'obligations.activity_id')
    .selectAll('obligations')
    .select('activities.code as activity_code')
    .where('obligations.plan_id', '=', planId)
    .where('obligations.retired', '=', 0)
    .orderBy('obligations.position')
    .execute();
  return rows.map(obligationRowToObligation);
}

/**
 * The plan's obligations, read once per version of the plan: `plan` must come from this module
 * (`findPlanToday`, `findActivePlan`, `findPlanByYear`), read in the same request. The list and its items are shared,
 * hence frozen.
 */
export async function planObligations(db: Kysely<Database>, plan: Plan): Promise<Obligation[]> {
  const hit = obligationCache.get(plan);
  if (hit) return hit;
  const obligations = await listObligations(db, plan.id);
  for (const o of obligations) Object.freeze(o);
  Object.freeze(obligations);
  obligationCache.set(plan, obligations);
  return obligations;
}

export async function listActivities(db: Kysely<Database>, planId: number) {
  return db
    .selectFrom('activities')
    .selectAll()
    .where('plan_id', '=', planId)
    .where('retired', '=', 0)
    .orderBy('position')
    .execute();
}
