import type { Kysely } from 'kysely';

// Frozen: never import app code here (kysely's advice). Types are `Kysely<any>` on purpose.
// Inspections and their rectification tasks (docs/decisions/013-inspections-assessment.md). A
// rectification task is an obligation of one branch (`obligations.branch_id`, applies_to 'branch'),
// so that reports, reminders, escalations, reviews, rankings and the export see it as any task;
// `rectification_items` ties it to the inspection that set it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('obligations')
    .addColumn('branch_id', 'integer', (c) => c.references('branches.id'))
    .execute();

  await db.schema
    .createTable('inspections')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id'))
    // Null for the county's inspection of the whole system.
    .addColumn('branch_id', 'integer', (c) => c.references('branches.id'))
    .addColumn('held_on', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('checked', 'text', (c) => c.notNull())
    .addColumn('findings', 'text', (c) => c.notNull())
    .addColumn('rating', 'text')
    .addColumn('two_skins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('inspector_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('inspector', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('submission_key', 'text')
    .execute();
  await db.schema.createIndex('inspections_plan_branch').on('inspections').columns(['plan_id', 'branch_id']).execute();
  await db.schema
    .createIndex('inspections_submission_key')
    .on('inspections')
    .column('submission_key')
    .unique()
    .execute();

  await db.schema
    .createTable('rectification_items')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('inspection_id', 'integer', (c) => c.notNull().references('inspections.id'))
    .addColumn('branch_id', 'integer', (c) => c.notNull().references('branches.id'))
    .addColumn('obligation_id', 'integer', (c) => c.notNull().unique().references('obligations.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('due', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('rectification_items_inspection')
    .on('rectification_items')
    .column('inspection_id')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rectification_items').execute();
  await db.schema.dropTable('inspections').execute();
  await db.schema.alterTable('obligations').dropColumn('branch_id').execute();
}
