import type { Kysely } from 'kysely';

// Frozen: never import app code here (kysely's advice). Types are `Kysely<any>` on purpose.
// Slack retries a view submission it did not see acked; the view id of the submission is kept so a
// retried delivery stores nothing twice (a unique index holds many NULLs in SQLite and PostgreSQL).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reports').addColumn('submission_key', 'text').execute();
  await db.schema.createIndex('reports_submission_key').on('reports').column('submission_key').unique().execute();
  await db.schema.alterTable('extensions').addColumn('submission_key', 'text').execute();
  await db.schema.createIndex('extensions_submission_key').on('extensions').column('submission_key').unique().execute();
  await db.schema
    .createIndex('snoozes_person_obligation')
    .on('snoozes')
    .columns(['person_id', 'obligation_id', 'branch_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('snoozes_person_obligation').execute();
  await db.schema.dropIndex('extensions_submission_key').execute();
  await db.schema.alterTable('extensions').dropColumn('submission_key').execute();
  await db.schema.dropIndex('reports_submission_key').execute();
  await db.schema.alterTable('reports').dropColumn('submission_key').execute();
}
