import type { Kysely } from 'kysely';
import type { ScheduleData } from '../../src/domain/reminders.js';
import type { Category, Rank } from '../../src/domain/types.js';
import type { Database } from '../schema.js';
import { listObligations } from './plans.js';

/**
 * Loads what the reminder, escalation and digest planners need: one query per table, whatever the
 * number of branches, mapped to plain domain data. Snoozes that ended before `today` are left out.
 */
export async function loadScheduleData(db: Kysely<Database>, planId: number, today: string): Promise<ScheduleData> {
  const obligations = await listObligations(db, planId);
  const branches = await db.selectFrom('branches').select(['id', 'code', 'name', 'category']).where('active', '=', 1).orderBy('code').execute();
  const people = await db
    .selectFrom('people')
    .select(['id', 'slack_user_id', 'name', 'branch_id', 'rank', 'locale', 'is_admin', 'is_leader'])
    .where('active', '=', 1)
    .orderBy('id')
    .execute();
  const secretaries = await db
    .selectFrom('branch_secretaries')
    .innerJoin('branches', 'branches.id', 'branch_secretaries.branch_id')
    .select(['branch_secretaries.branch_id', 'branch_secretaries.person_id'])
    .where('branches.active', '=', 1)
    .execute();
  const reports = await db
    .selectFrom('reports')
    .innerJoin('obligations', 'obligations.id', 'reports.obligation_id')
    .select(['reports.obligation_id', 'reports.branch_id', 'reports.status', 'reports.on_time', 'reports.submitted_at'])
    .where('obligations.plan_id', '=', planId)
    .execute();
  const papers = await db
    .selectFrom('papers')
    .select(['author_id', 'kind', 'status', 'title', 'excellent', 'submitted_at', 'reviewed_at'])
    .where('plan_id', '=', planId)
    .execute();
  const extensions = await db
    .selectFrom('extensions')
    .innerJoin('obligations', 'obligations.id', 'extensions.obligation_id')
    .select(['extensions.obligation_id', 'extensions.branch_id', 'extensions.new_due', 'extensions.decided_at'])
    .where('obligations.plan_id', '=', planId)
    .where('extensions.status', '=', 'approved')
    .execute();
  const exemptions = await db
    .selectFrom('exemptions')
    .innerJoin('obligations', 'obligations.id', 'exemptions.obligation_id')
    .select(['exemptions.obligation_id', 'exemptions.branch_id'])
    .where('obligations.plan_id', '=', planId)
    .where('exemptions.revoked_at', 'is', null)
    .execute();
  const snoozes = await db
    .selectFrom('snoozes')
    .select(['person_id', 'obligation_id', 'branch_id', 'until_date'])
    .where('until_date', '>', today)
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
    reports: reports.map((r) => ({ obligationId: r.obligation_id, branchId: r.branch_id, status: r.status, onTime: r.on_time === 1, submittedAt: r.submitted_at })),
    papers: papers.map((p) => ({
      authorId: p.author_id,
      kind: p.kind,
      status: p.status,
      title: p.title,
      excellent: p.excellent === 1,
      submittedAt: p.submitted_at,
      reviewedAt: p.reviewed_at,
    })),
    extensions: extensions.map((x) => ({ obligationId: x.obligation_id, branchId: x.branch_id, newDue: x.new_due, decidedAt: x.decided_at })),
    exemptions: exemptions.map((e) => ({ obligationId: e.obligation_id, branchId: e.branch_id })),
    snoozes: snoozes.map((s) => ({ personId: s.person_id, obligationId: s.obligation_id, branchId: s.branch_id, untilDate: s.until_date })),
  };
}
