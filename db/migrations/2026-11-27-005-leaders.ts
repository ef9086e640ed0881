import type { Kysely } from 'kysely';

// Frozen: never import app code here (kysely's advice). Types are `Kysely<any>` on purpose.
// A notice is published from a modal; Slack may deliver the submission twice, and a leader may press
// Publish again after a slow answer. The view id is kept, unique, so one notice is posted per view.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notices').addColumn('submission_key', 'text').execute();
  await db.schema.createIndex('notices_submission_key').on('notices').column('submission_key').unique().execute();
  await db.schema.createIndex('notices_plan_published').on('notices').columns(['plan_id', 'published_at']).execute();
  // Rankings read five columns of every report of a plan: a covering index spares reading the
  // summaries and evidence of a year of reports (the table's bulk) on every /rankings.
  await db.schema
    .createIndex('reports_scoring')
    .on('reports')
    .columns(['obligation_id', 'branch_id', 'status', 'on_time', 'submitted_at'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('reports_scoring').execute();
  await db.schema.dropIndex('notices_plan_published').execute();
  await db.schema.dropIndex('notices_submission_key').execute();
  await db.schema.alterTable('notices').dropColumn('submission_key').execute();
}
