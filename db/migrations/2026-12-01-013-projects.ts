import { sql, type Kysely } from 'kysely';

// Frozen: never import app code here (kysely's advice). Types are `Kysely<any>` on purpose.
// Innovation projects and commendation rounds (docs/decisions/008-projects-commendations.md). A
// project's stage is not a column: it is the `to_stage` of its latest stage event, and each event
// takes the next `seq` of its project, so two movers racing from the same stage cannot both win.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('projects')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id'))
    .addColumn('branch_id', 'integer', (c) => c.notNull().references('branches.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('aims', 'text', (c) => c.notNull())
    .addColumn('approach', 'text', (c) => c.notNull())
    .addColumn('expected', 'text', (c) => c.notNull())
    .addColumn('results', 'text')
    .addColumn('evidence', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('registered_by', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('registered_at', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'text')
    .addColumn('submission_key', 'text')
    .execute();
  await db.schema.createIndex('projects_plan_branch').on('projects').columns(['plan_id', 'branch_id']).execute();
  await db.schema.createIndex('projects_submission_key').on('projects').column('submission_key').unique().execute();

  await db.schema
    .createTable('project_events')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_stage', 'text')
    .addColumn('to_stage', 'text')
    .addColumn('comment', 'text')
    .addColumn('evidence', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('actor_id', 'integer', (c) => c.references('people.id'))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('submission_key', 'text')
    .addUniqueConstraint('project_events_seq', ['project_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('project_events_submission_key')
    .on('project_events')
    .column('submission_key')
    .unique()
    .execute();

  await db.schema
    .createTable('project_assessors')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id'))
    .addColumn('assessor_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('assigned_by', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    .addColumn('scored_at', 'text')
    .addColumn('comment', 'text')
    .addPrimaryKeyConstraint('project_assessors_pk', ['project_id', 'assessor_id'])
    .execute();
  await db.schema.createIndex('project_assessors_assessor').on('project_assessors').column('assessor_id').execute();

  await db.schema
    .createTable('project_scores')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id'))
    .addColumn('assessor_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('criterion', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull().check(sql`score between 0 and 10`))
    .addPrimaryKeyConstraint('project_scores_pk', ['project_id', 'assessor_id', 'criterion'])
    .execute();

  await db.schema
    .createTable('project_announcements')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id'))
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('confirmed_by', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('confirmed_at', 'text', (c) => c.notNull())
    .addColumn('submission_key', 'text', (c) => c.notNull().unique())
    .execute();

  await db.schema
    .createTable('project_tiers')
    .addColumn('project_id', 'integer', (c) => c.primaryKey().references('projects.id'))
    .addColumn('tier', 'text')
    .addColumn('reason', 'text')
    .addColumn('proposed_by', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('proposed_at', 'text', (c) => c.notNull())
    .addColumn('announcement_id', 'integer', (c) => c.references('project_announcements.id'))
    .execute();

  await db.schema
    .createTable('nominations')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id'))
    .addColumn('round', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('branch_id', 'integer', (c) => c.notNull().references('branches.id'))
    .addColumn('nominee_kind', 'text', (c) => c.notNull())
    .addColumn('nominee_branch_id', 'integer', (c) => c.references('branches.id'))
    .addColumn('nominee_person_id', 'integer', (c) => c.references('people.id'))
    .addColumn('nominee_project_id', 'integer', (c) => c.references('projects.id'))
    .addColumn('nominee_key', 'text', (c) => c.notNull())
    .addColumn('citation', 'text', (c) => c.notNull())
    .addColumn('evidence_link', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('nominated_by', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('nominated_at', 'text', (c) => c.notNull())
    .addColumn('reviewed_by', 'integer', (c) => c.references('people.id'))
    .addColumn('reviewed_at', 'text')
    .addColumn('review_comment', 'text')
    .addColumn('submission_key', 'text')
    .execute();
  // No one twice in a category of a round: a withdrawn nomination leaves the place free.
  await db.schema
    .createIndex('nominations_nominee')
    .on('nominations')
    .columns(['plan_id', 'round', 'category', 'nominee_key'])
    .unique()
    .where(sql.ref('status'), '<>', 'withdrawn')
    .execute();
  await db.schema
    .createIndex('nominations_branch')
    .on('nominations')
    .columns(['plan_id', 'round', 'category', 'branch_id'])
    .execute();
  await db.schema
    .createIndex('nominations_submission_key')
    .on('nominations')
    .column('submission_key')
    .unique()
    .execute();

  await db.schema
    .createTable('commendation_publicity')
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id'))
    .addColumn('round', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addColumn('started_by', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('announced_by', 'integer', (c) => c.references('people.id'))
    .addColumn('announced_at', 'text')
    .addPrimaryKeyConstraint('commendation_publicity_pk', ['plan_id', 'round'])
    .execute();

  await db.schema
    .createTable('objections')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('nomination_id', 'integer', (c) => c.notNull().references('nominations.id'))
    .addColumn('raised_by', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('raised_at', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'integer', (c) => c.references('people.id'))
    .addColumn('decided_at', 'text')
    .addColumn('reason', 'text')
    .addColumn('submission_key', 'text')
    .execute();
  await db.schema.createIndex('objections_nomination').on('objections').column('nomination_id').execute();
  await db.schema.createIndex('objections_submission_key').on('objections').column('submission_key').unique().execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'objections',
    'commendation_publicity',
    'nominations',
    'project_tiers',
    'project_announcements',
    'project_scores',
    'project_assessors',
    'project_events',
    'projects',
  ])
    await db.schema.dropTable(table).execute();
}
