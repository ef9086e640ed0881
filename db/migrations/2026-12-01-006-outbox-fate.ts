import type { Kysely } from 'kysely';

// Frozen: never import app code here (kysely's advice). Types are `Kysely<any>` on purpose.
// `sent_as` is the outbox key carried, as Slack message metadata, by the message a row went out in;
// it is written before the request leaves, so a row left with it and not 'sent' may have been posted,
// and its recipient's history is read before it is sent again. `requeues` counts the times an
// operator sent a dead or blocked row again, so each new failure is reported to admins once more.
// The new state 'blocked' (an error an operator fixes: the bot not in a channel) needs no DDL.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('sent_as', 'text').execute();
  await db.schema
    .alterTable('outbox')
    .addColumn('requeues', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('requeues').execute();
  await db.schema.alterTable('outbox').dropColumn('sent_as').execute();
}
