import type { Kysely } from 'kysely';

// Frozen: never import app code here (kysely's advice). Types are `Kysely<any>` on purpose.
// The year-end evaluation (评议, docs/decisions/011-evaluation-anonymity.md). A ballot is not a
// row: it adds one to a count (round × branch × source × question × grade) created, with every
// other count of the round, when the round opens, so no row's existence, position or time follows
// a vote. Who has voted is a flag on the electorate, also written in full at the opening. Codes are
// kept as hashes only; the limiter counts wrong codes per hashed address and 15-minute window.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('evaluation_rounds')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('plan_id', 'integer', (c) => c.notNull().unique().references('plans.id'))
    .addColumn('opens', 'text', (c) => c.notNull())
    .addColumn('closes', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('opened_by', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('closed_by', 'text')
    .addColumn('closed_at', 'text')
    .execute();

  await db.schema
    .createTable('evaluation_voters')
    .addColumn('round_id', 'integer', (c) => c.notNull().references('evaluation_rounds.id'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('branch_id', 'integer', (c) => c.notNull().references('branches.id'))
    .addColumn('voted', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('evaluation_voters_pk', ['round_id', 'person_id', 'branch_id'])
    .execute();
  await db.schema
    .createIndex('evaluation_voters_branch')
    .on('evaluation_voters')
    .columns(['round_id', 'branch_id'])
    .execute();

  await db.schema
    .createTable('evaluation_counts')
    .addColumn('round_id', 'integer', (c) => c.notNull().references('evaluation_rounds.id'))
    .addColumn('branch_id', 'integer', (c) => c.notNull().references('branches.id'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('grade', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('evaluation_counts_pk', ['round_id', 'branch_id', 'source', 'question', 'grade'])
    .execute();

  await db.schema
    .createTable('evaluation_codes')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'integer', (c) => c.notNull().references('evaluation_rounds.id'))
    .addColumn('branch_id', 'integer', (c) => c.notNull().references('branches.id'))
    .addColumn('batch', 'text', (c) => c.notNull())
    .addColumn('used', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('evaluation_codes_branch')
    .on('evaluation_codes')
    .columns(['round_id', 'branch_id'])
    .execute();

  await db.schema
    .createTable('evaluation_code_misses')
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('window', 'text', (c) => c.notNull())
    .addColumn('misses', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('evaluation_code_misses_pk', ['address', 'window'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'evaluation_code_misses',
    'evaluation_codes',
    'evaluation_counts',
    'evaluation_voters',
    'evaluation_rounds',
  ])
    await db.schema.dropTable(table).execute();
}
