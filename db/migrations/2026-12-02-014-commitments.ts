import type { Kysely } from 'kysely';

// Frozen: never import app code here (kysely's advice). Types are `Kysely<any>` on purpose.
// Members' public commitments (docs/decisions/009-commitments.md): the commitments themselves with
// their fulfilment and the secretary's confirmation on the same row, one person's reopening after
// the window, and the claim of each branch's post at the window's close. A computed obligation's
// threshold is a column of obligations; a branch's channel (roster branch_channel) one of branches.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('obligations').addColumn('threshold', 'real').execute();
  await db.schema.alterTable('branches').addColumn('channel_id', 'text').execute();

  await db.schema
    .createTable('commitments')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('branch_id', 'integer', (c) => c.notNull().references('branches.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('area', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('outcome', 'text')
    .addColumn('outcome_note', 'text')
    .addColumn('outcome_link', 'text')
    .addColumn('reported_at', 'text')
    .addColumn('confirmation', 'text')
    .addColumn('confirmed_by', 'integer', (c) => c.references('people.id'))
    .addColumn('confirmed_at', 'text')
    .addColumn('confirm_comment', 'text')
    .addColumn('submission_key', 'text')
    .execute();
  await db.schema.createIndex('commitments_plan_branch').on('commitments').columns(['plan_id', 'branch_id']).execute();
  await db.schema.createIndex('commitments_plan_person').on('commitments').columns(['plan_id', 'person_id']).execute();
  await db.schema
    .createIndex('commitments_submission_key')
    .on('commitments')
    .column('submission_key')
    .unique()
    .execute();

  await db.schema
    .createTable('commitment_reopenings')
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('until_date', 'text', (c) => c.notNull())
    .addColumn('reopened_by', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('reopened_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('commitment_reopenings_pk', ['plan_id', 'person_id'])
    .execute();

  await db.schema
    .createTable('commitment_posts')
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id'))
    .addColumn('branch_id', 'integer', (c) => c.notNull().references('branches.id'))
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('commitment_posts_pk', ['plan_id', 'branch_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('commitment_posts').execute();
  await db.schema.dropTable('commitment_reopenings').execute();
  await db.schema.dropTable('commitments').execute();
  await db.schema.alterTable('branches').dropColumn('channel_id').execute();
  await db.schema.alterTable('obligations').dropColumn('threshold').execute();
}
