import type { Kysely, Selectable } from 'kysely';
import type { Branch, Category, Person, Rank, Role } from '../../src/domain/types.js';
import type { BranchTable, Database, PersonTable } from '../schema.js';
import { preparedRead } from './prepared.js';

export function branchRowToBranch(row: Pick<Selectable<BranchTable>, 'id' | 'code' | 'name' | 'category'>): Branch {
  return { id: row.id, code: row.code, name: row.name, category: row.category as Category };
}

function personRowToPerson(row: Selectable<PersonTable>, secretaryOf: number[]): Person {
  const roles: Role[] = [];
  if (secretaryOf.length > 0) roles.push('secretary');
  if (row.is_member === 1) roles.push('member');
  if (row.is_leader === 1) roles.push('leader');
  if (row.is_admin === 1) roles.push('admin');
  return {
    id: row.id,
    slackUserId: row.slack_user_id,
    name: row.name,
    branchId: row.branch_id,
    rank: row.rank as Rank | null,
    roles,
    secretaryOf,
    locale: row.locale,
    localeCheckedAt: row.locale_checked_at,
    active: row.active === 1,
  };
}

const personWithBranchesRows = preparedRead((db, slackUserId: string) =>
  db
    .selectFrom('people')
    .leftJoin('branch_secretaries', 'branch_secretaries.person_id', 'people.id')
    .leftJoin('branches', (join) =>
      join.onRef('branches.id', '=', 'branch_secretaries.branch_id').on('branches.active', '=', 1),
    )
    .selectAll('people')
    .select([
      'branches.id as sec_id',
      'branches.code as sec_code',
      'branches.name as sec_name',
      'branches.category as sec_category',
    ])
    .where('people.slack_user_id', '=', slackUserId)
    .where('people.active', '=', 1),
);

/**
 * The active roster entry for a Slack user with the active branches they are secretary of (by
 * code), or null for someone not in the roster. One query, as it runs on every request: the
 * person's row once per such branch, or once with no branch.
 */
export async function findPersonWithBranches(
  db: Kysely<Database>,
  slackUserId: string,
): Promise<{ person: Person; branches: Branch[] } | null> {
  const rows = await personWithBranchesRows(db, slackUserId);
  const first = rows[0];
  if (!first) return null;
  const branches = rows
    .flatMap((r) =>
      r.sec_id === null || r.sec_code === null || r.sec_name === null || r.sec_category === null
        ? []
        : [branchRowToBranch({ id: r.sec_id, code: r.sec_code, name: r.sec_name, category: r.sec_category })],
    )
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return {
    person: personRowToPerson(
      first,
      branches.map((b) => b.id),
    ),
    branches,
  };
}

/** The active roster entry for a Slack user, or null for someone not in the roster. */
export async function findPersonBySlackId(db: Kysely<Database>, slackUserId: string): Promise<Person | null> {
  return (await findPersonWithBranches(db, slackUserId))?.person ?? null;
}

export async function findPersonById(db: Kysely<Database>, id: number): Promise<Person | null> {
  const row = await db.selectFrom('people').select('slack_user_id').where('id', '=', id).executeTakeFirst();
  return row ? findPersonBySlackId(db, row.slack_user_id) : null;
}

export async function findBranchById(db: Kysely<Database>, id: number): Promise<Branch | null> {
  const row = await db
    .selectFrom('branches')
    .selectAll()
    .where('id', '=', id)
    .where('active', '=', 1)
    .executeTakeFirst();
  return row ? branchRowToBranch(row) : null;
}

export async function findBranchByCodeOrName(db: Kysely<Database>, text: string): Promise<Branch | null> {
  const row = await db
    .selectFrom('branches')
    .selectAll()
    .where('active', '=', 1)
    .where((eb) => eb.or([eb('code', '=', text), eb('name', '=', text)]))
    .executeTakeFirst();
  return row ? branchRowToBranch(row) : null;
}

export async function listBranches(db: Kysely<Database>, ids?: number[]): Promise<Branch[]> {
  let q = db.selectFrom('branches').selectAll().where('active', '=', 1).orderBy('code');
  if (ids) {
    if (ids.length === 0) return [];
    q = q.where('id', 'in', ids);
  }
  return (await q.execute()).map(branchRowToBranch);
}

export async function listLeaders(db: Kysely<Database>): Promise<Person[]> {
  const rows = await db
    .selectFrom('people')
    .selectAll()
    .where('active', '=', 1)
    .where('is_leader', '=', 1)
    .orderBy('id')
    .execute();
  return rows.map((r) => personRowToPerson(r, []));
}

export async function listAdmins(db: Kysely<Database>): Promise<Person[]> {
  const rows = await db
    .selectFrom('people')
    .selectAll()
    .where('active', '=', 1)
    .where('is_admin', '=', 1)
    .orderBy('id')
    .execute();
  return rows.map((r) => personRowToPerson(r, []));
}

export async function setPersonLocale(
  db: Kysely<Database>,
  personId: number,
  locale: string | null,
  now: Date,
): Promise<void> {
  await db
    .updateTable('people')
    .set({ locale, locale_checked_at: now.toISOString() })
    .where('id', '=', personId)
    .execute();
}
