import type { Kysely } from 'kysely';
import type { Rank, Role } from '../../src/domain/types.js';
import type { Database } from '../schema.js';

/** One person of the roster as the playground's person picker shows them. */
export interface RosterEntry {
  slackUserId: string;
  name: string;
  roles: Role[];
  rank: Rank | null;
  /** The branches they are secretary of, else the branch they belong to. */
  branches: { code: string; name: string }[];
}

/** Every active person with their roles and branches, secretaries first, then leaders, admins and members. */
export async function listRosterEntries(db: Kysely<Database>): Promise<RosterEntry[]> {
  const [people, secretaries, branches] = await Promise.all([
    db.selectFrom('people').selectAll().where('active', '=', 1).orderBy('id').execute(),
    db
      .selectFrom('branch_secretaries')
      .innerJoin('branches', 'branches.id', 'branch_secretaries.branch_id')
      .select(['branch_secretaries.person_id', 'branches.code', 'branches.name'])
      .where('branches.active', '=', 1)
      .orderBy('branches.code')
      .execute(),
    db.selectFrom('branches').select(['id', 'code', 'name']).where('active', '=', 1).execute(),
  ]);
  const byId = new Map(branches.map((b) => [b.id, b]));
  const entries = people.map((p) => {
    const of = secretaries.filter((s) => s.person_id === p.id).map((s) => ({ code: s.code, name: s.name }));
    const roles: Role[] = [];
    if (of.length > 0) roles.push('secretary');
    if (p.is_leader === 1) roles.push('leader');
    if (p.is_admin === 1) roles.push('admin');
    if (p.is_member === 1) roles.push('member');
    const own = p.branch_id === null ? undefined : byId.get(p.branch_id);
    return {
      slackUserId: p.slack_user_id,
      name: p.name,
      roles,
      rank: p.rank as Rank | null,
      branches: of.length > 0 ? of : own ? [{ code: own.code, name: own.name }] : [],
    };
  });
  const order = (e: RosterEntry) =>
    e.roles.includes('secretary') ? 0 : e.roles.includes('leader') ? 1 : e.roles.includes('admin') ? 2 : 3;
  return entries.sort((a, b) => order(a) - order(b));
}
