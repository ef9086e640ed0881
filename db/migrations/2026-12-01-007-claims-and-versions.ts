import type { Kysely } from 'kysely';

// Frozen: never import app code here (kysely's advice). Types are `Kysely<any>` on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // A notice is claimed before it is posted: a row 'publishing' keyed by the submission (the view
  // id, already unique) and by its content, so a second press or a retried delivery finds the
  // claim instead of posting again. Rows from before this migration were all posted.
  await db.schema
    .alterTable('notices')
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('published'))
    .execute();
  await db.schema.alterTable('notices').addColumn('content_key', 'text').execute();
  await db.schema.alterTable('notices').addColumn('claimed_at', 'text').execute();
  await db.schema.createIndex('notices_content_key').on('notices').column('content_key').unique().execute();
  // A paper review applies to the version the leader read, as a report's does; every paper so far
  // is its first version as far as a review modal can tell.
  await db.schema
    .alterTable('papers')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('papers').dropColumn('version').execute();
  await db.schema.dropIndex('notices_content_key').execute();
  await db.schema.alterTable('notices').dropColumn('claimed_at').execute();
  await db.schema.alterTable('notices').dropColumn('content_key').execute();
  await db.schema.alterTable('notices').dropColumn('state').execute();
}
