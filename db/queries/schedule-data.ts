import type { Kysely } from 'kysely';
import type { ScheduleData } from '../../src/domain/reminders.js';
import type { Category, Rank } from '../../src/domain/types.js';
import { addDays } from '../../src/domain/calendar.js';
import type { Database } from '../schema.js';
import { listObligations } from './plans.js';
import { loadBranchFacts } from './progress.js';

const SNOOZE_LOOKBACK_DAYS = 31;

/**
 * Loads what the reminder, escalation and digest planners need: one query per table, whatever the
 * number of branches, mapped to plain domain data. Snoozes that ended more than a month ago are left out.
 */
export async function loadScheduleData(db: Kysely<Database>, planId: number, today: string): Promise<ScheduleData> {
  const obligations = await listObligations(db, planId);
  const branches = await db
    .selectFrom('branches')
    .select(['id', 'code', 'name', 'category'])
    .where('active', '=', 1)
    .orderBy('code')
    .execute();
  const people = await db
    .selectFrom('people')
    .select(['id', 'slack_user_id', 'name', 'branch_id', 'rank', 'locale', 'is_admin', 'is_leader'])
    .where('active', '=', 1)
    .execute();
  const secretaries = await db
    .selectFrom('branch_secretaries')
    .innerJoin('branches', 'branches.id', 'branch_secretaries.branch_id')
    .select(['branch_secretaries.branch_id', 'branch_secretaries.person_id'])
    .where('branches.active', '=', 1)
    .execute();
  const facts = await loadBranchFacts(db, planId);
  const papers = await db
    .selectFrom('papers')
    .select(['author_id', 'kind', 'status', 'title', 'excellent', 'submitted_at', 'reviewed_at'])
    .where('plan_id', '=', planId)
    .execute();
  const snoozes = await db
    .selectFrom('snoozes')
    .select(['person_id', 'obligation_id', 'branch_id', 'until_date'])
    // Running ones, and those that ended lately (their item comes back once when they end).
    .where('until_date', '>', addDays(today, -SNOOZE_LOOKBACK_DAYS))
    .execute();

  return {
    obligations,
    branches: branches.map((b) => ({ id: b.id, code: b.code, name: b.name, category: b.category as Category })),
    people: people.map((p) => ({
      id: p.id,
      slackUserId: p.slack_user_id,
      name: p.name,
      branchId: p.branch_id,
      rank: p.rank as Rank | null,
      locale: p.locale,
      isAdmin: p.is_admin === 1,
      isLeader: p.is_leader === 1,
    })),
    secretaries: secretaries.map((s) => ({ branchId: s.branch_id, personId: s.person_id })),
    ...facts,
    papers: papers.map((p) => ({
      authorId: p.author_id,
      kind: p.kind,
      status: p.status,
      title: p.title,
      excellent: p.excellent === 1,
      submittedAt: p.submitted_at,
      reviewedAt: p.reviewed_at,
    })),
    snoozes: snoozes.map((s) => ({
      personId: s.person_id,
      obligationId: s.obligation_id,
      branchId: s.branch_id,
      untilDate: s.until_date,
    })),
  };
}

/** Reports and papers received (submitted, not withdrawn) in [from, to), for the digest. */
export async function countReceived(
  db: Kysely<Database>,
  planId: number,
  from: Date,
  to: Date,
): Promise<{ reports: number; papers: number }> {
  const reports = await db
    .selectFrom('reports')
    .innerJoin('obligations', 'obligations.id', 'reports.obligation_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('obligations.plan_id', '=', planId)
    .where('reports.status', '!=', 'withdrawn')
    .where('reports.submitted_at', '>=', from.toISOString())
    .where('reports.submitted_at', '<', to.toISOString())
    .executeTakeFirstOrThrow();
  const papers = await db
    .selectFrom('papers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('plan_id', '=', planId)
    .where('status', '!=', 'withdrawn')
    .where('submitted_at', '>=', from.toISOString())
    .where('submitted_at', '<', to.toISOString())
    .executeTakeFirstOrThrow();
  return { reports: Number(reports.n), papers: Number(papers.n) };
}
