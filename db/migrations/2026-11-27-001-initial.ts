import type { Kysely } from 'kysely';

// Frozen: never import app code here (kysely's advice). Types are `Kysely<any>` on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('plans')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('year', 'integer', (c) => c.notNull().unique())
    .addColumn('title_zh', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('starts', 'text', (c) => c.notNull())
    .addColumn('ends', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('activities')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('title_zh', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text', (c) => c.notNull())
    .addColumn('description_zh', 'text')
    .addColumn('description_en', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('retired', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('activities_plan_code', ['plan_id', 'code'])
    .execute();

  await db.schema
    .createTable('obligations')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id'))
    .addColumn('activity_id', 'integer', (c) => c.notNull().references('activities.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('title_zh', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text', (c) => c.notNull())
    .addColumn('description_zh', 'text')
    .addColumn('description_en', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('paper_kinds', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('applies_to', 'text', (c) => c.notNull())
    .addColumn('targets', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('due', 'text', (c) => c.notNull())
    .addColumn('weight', 'real', (c) => c.notNull().defaultTo(1))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('retired', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('obligations_plan_code', ['plan_id', 'code'])
    .execute();

  await db.schema
    .createTable('branches')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('people')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('slack_user_id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('branch_id', 'integer', (c) => c.references('branches.id'))
    .addColumn('rank', 'text')
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_leader', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_member', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('locale', 'text')
    .addColumn('locale_checked_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('branch_secretaries')
    .addColumn('branch_id', 'integer', (c) => c.notNull().references('branches.id'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id'))
    .addPrimaryKeyConstraint('branch_secretaries_pk', ['branch_id', 'person_id'])
    .execute();
  await db.schema.createIndex('branch_secretaries_person').on('branch_secretaries').column('person_id').execute();

  await db.schema
    .createTable('reports')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('obligation_id', 'integer', (c) => c.notNull().references('obligations.id'))
    .addColumn('branch_id', 'integer', (c) => c.notNull().references('branches.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('held_on', 'text', (c) => c.notNull())
    .addColumn('participants', 'integer', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('submitted_by', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('on_time', 'integer', (c) => c.notNull())
    .addColumn('reviewed_by', 'integer', (c) => c.references('people.id'))
    .addColumn('reviewed_at', 'text')
    .addColumn('review_comment', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    // One current report per obligation and branch: a new one replaces it (history in audit_log),
    // which also makes a retried delivery harmless.
    .addUniqueConstraint('reports_obligation_branch', ['obligation_id', 'branch_id'])
    .execute();
  await db.schema.createIndex('reports_branch').on('reports').column('branch_id').execute();

  await db.schema
    .createTable('papers')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id'))
    .addColumn('author_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('abstract', 'text', (c) => c.notNull())
    .addColumn('link', 'text')
    .addColumn('file_id', 'text')
    .addColumn('file_permalink', 'text')
    .addColumn('coauthors', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('excellent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('on_time', 'integer', (c) => c.notNull())
    .addColumn('reviewed_by', 'integer', (c) => c.references('people.id'))
    .addColumn('reviewed_at', 'text')
    .addColumn('review_comment', 'text')
    .addColumn('submission_key', 'text', (c) => c.unique())
    .execute();
  await db.schema.createIndex('papers_author').on('papers').column('author_id').execute();

  await db.schema
    .createTable('extensions')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('obligation_id', 'integer', (c) => c.notNull().references('obligations.id'))
    .addColumn('branch_id', 'integer', (c) => c.notNull().references('branches.id'))
    .addColumn('requested_by', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('new_due', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'integer', (c) => c.references('people.id'))
    .addColumn('decided_at', 'text')
    .addColumn('decision_comment', 'text')
    .execute();
  await db.schema
    .createIndex('extensions_obligation_branch')
    .on('extensions')
    .columns(['obligation_id', 'branch_id'])
    .execute();

  await db.schema
    .createTable('exemptions')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('obligation_id', 'integer', (c) => c.notNull().references('obligations.id'))
    .addColumn('branch_id', 'integer', (c) => c.notNull().references('branches.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('granted_by', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('granted_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addUniqueConstraint('exemptions_obligation_branch', ['obligation_id', 'branch_id'])
    .execute();

  await db.schema
    .createTable('snoozes')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('obligation_id', 'integer', (c) => c.notNull().references('obligations.id'))
    .addColumn('branch_id', 'integer', (c) => c.references('branches.id'))
    .addColumn('until_date', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('snoozes_person').on('snoozes').column('person_id').execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_at', 'text')
    .addColumn('not_before', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('message_ts', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_state').on('outbox').columns(['state', 'not_before']).execute();

  await db.schema
    .createTable('job_runs')
    .addColumn('job', 'text', (c) => c.primaryKey())
    .addColumn('last_slot', 'text')
    .addColumn('last_started_at', 'text')
    .addColumn('last_completed_at', 'text')
    .addColumn('last_error', 'text')
    .execute();

  await db.schema
    .createTable('notices')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('min_overdue_days', 'integer', (c) => c.notNull())
    .addColumn('branch_codes', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('message_ts', 'text')
    .addColumn('published_by', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('published_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('ranking_snapshots')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id'))
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('branch_id', 'integer', (c) => c.notNull().references('branches.id'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('score', 'real', (c) => c.notNull())
    .addColumn('rank', 'integer', (c) => c.notNull())
    .addColumn('rank_in_category', 'integer', (c) => c.notNull())
    .addColumn('taken_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('ranking_snapshots_plan_month_branch', ['plan_id', 'month', 'branch_id'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text')
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('audit_log_subject').on('audit_log').columns(['subject_type', 'subject_id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'audit_log',
    'ranking_snapshots',
    'notices',
    'job_runs',
    'outbox',
    'snoozes',
    'exemptions',
    'extensions',
    'papers',
    'reports',
    'branch_secretaries',
    'people',
    'branches',
    'obligations',
    'activities',
    'plans',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
