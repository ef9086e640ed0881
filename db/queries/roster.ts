import type { Kysely } from 'kysely';
import {
  judgeRemovals,
  rosterRemovals,
  type RemovalRefusal,
  type Roster,
  type RosterRemovals,
} from '../../src/domain/roster.js';
import type { Database } from '../schema.js';
import { audit } from './audit.js';

export interface RosterChanges {
  branches: { added: string[]; updated: string[]; removed: string[] };
  people: { added: string[]; updated: string[]; removed: string[] };
  dryRun: boolean;
  /** Who the import removes, with names, and the counts the guard weighed. */
  removals: RosterRemovals;
  /** A dry run's answer to "would the import go through?": empty when it would. */
  refusals: RemovalRefusal[];
}

/** The import would remove more than the guard allows (src/domain/roster.ts); nothing was written. */
export class RosterRemovalRefused extends Error {
  constructor(
    readonly removals: RosterRemovals,
    readonly refusals: RemovalRefusal[],
  ) {
    super(refusals.map((r) => r.message).join('; '));
    this.name = 'RosterRemovalRefused';
  }
}

class DryRunRollback extends Error {
  constructor(readonly changes: RosterChanges) {
    super('dry run');
  }
}

/**
 * Replaces the roster in one transaction. People and branches missing from the file are marked
 * inactive (removed from the roster), never deleted: their reports stay in the record. Removals the
 * guard refuses (judgeRemovals) throw RosterRemovalRefused before anything is written, unless
 * `allowRemovals`; a dry run reports them in `refusals` instead.
 */
export async function importRoster(
  db: Kysely<Database>,
  roster: Roster,
  opts: { actor: string; now: Date; dryRun?: boolean; allowRemovals?: boolean },
): Promise<RosterChanges> {
  const now = opts.now.toISOString();
  try {
    return await db.transaction().execute(async (trx) => {
      const branchRows = await trx.selectFrom('branches').selectAll().execute();
      const peopleRows = await trx.selectFrom('people').selectAll().execute();
      // Judged on what this transaction read: it holds the write lock, so no import lands in between.
      const removals = rosterRemovals(
        {
          branches: branchRows.map((b) => ({ code: b.code, name: b.name, active: b.active === 1 })),
          people: peopleRows.map((p) => ({
            slackUserId: p.slack_user_id,
            name: p.name,
            active: p.active === 1,
            isAdmin: p.is_admin === 1,
            isLeader: p.is_leader === 1,
          })),
        },
        roster,
      );
      const refusals = judgeRemovals(removals, opts.allowRemovals === true);
      if (refusals.length > 0 && !opts.dryRun) throw new RosterRemovalRefused(removals, refusals);
      const changes: RosterChanges = {
        branches: { added: [], updated: [], removed: [] },
        people: { added: [], updated: [], removed: [] },
        dryRun: opts.dryRun === true,
        removals,
        refusals,
      };
      const oldBranches = new Map(branchRows.map((b) => [b.code, b]));
      const branchIds = new Map<string, number>();
      for (const b of roster.branches) {
        const old = oldBranches.get(b.code);
        if (old) {
          branchIds.set(b.code, old.id);
          oldBranches.delete(b.code);
          if (
            old.name !== b.name ||
            old.category !== b.category ||
            old.channel_id !== b.channelId ||
            old.active !== 1
          ) {
            await trx
              .updateTable('branches')
              .set({ name: b.name, category: b.category, channel_id: b.channelId, active: 1, updated_at: now })
              .where('id', '=', old.id)
              .execute();
            changes.branches.updated.push(b.code);
          }
        } else {
          const row = await trx
            .insertInto('branches')
            .values({
              code: b.code,
              name: b.name,
              category: b.category,
              channel_id: b.channelId,
              active: 1,
              created_at: now,
              updated_at: now,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          branchIds.set(b.code, row.id);
          changes.branches.added.push(b.code);
        }
      }
      for (const old of oldBranches.values()) {
        if (old.active === 0) continue;
        await trx.updateTable('branches').set({ active: 0, updated_at: now }).where('id', '=', old.id).execute();
        changes.branches.removed.push(old.code);
      }

      const oldPeople = new Map(peopleRows.map((p) => [p.slack_user_id, p]));
      const oldSecretaries = await trx.selectFrom('branch_secretaries').selectAll().execute();
      const secretaryKey = (personId: number) =>
        oldSecretaries
          .filter((s) => s.person_id === personId)
          .map((s) => s.branch_id)
          .sort((a, b) => a - b)
          .join(',');
      await trx.deleteFrom('branch_secretaries').execute();

      for (const p of roster.people) {
        const values = {
          name: p.name,
          branch_id: p.branchCode ? (branchIds.get(p.branchCode) ?? null) : null,
          rank: p.rank,
          is_admin: p.roles.includes('admin') ? (1 as const) : (0 as const),
          is_leader: p.roles.includes('leader') ? (1 as const) : (0 as const),
          is_member: p.roles.includes('member') ? (1 as const) : (0 as const),
          active: 1 as const,
        };
        const secretaryOf = p.secretaryOf
          .map((code) => branchIds.get(code))
          .filter((id): id is number => id !== undefined);
        const old = oldPeople.get(p.slackUserId);
        let personId: number;
        if (old) {
          personId = old.id;
          oldPeople.delete(p.slackUserId);
          const changed =
            (Object.keys(values) as (keyof typeof values)[]).some((k) => old[k] !== values[k]) ||
            secretaryKey(old.id) !== [...secretaryOf].sort((a, b) => a - b).join(',');
          if (changed) {
            await trx
              .updateTable('people')
              .set({ ...values, updated_at: now })
              .where('id', '=', old.id)
              .execute();
            changes.people.updated.push(p.slackUserId);
          }
        } else {
          const row = await trx
            .insertInto('people')
            .values({
              slack_user_id: p.slackUserId,
              ...values,
              locale: null,
              locale_checked_at: null,
              created_at: now,
              updated_at: now,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          personId = row.id;
          changes.people.added.push(p.slackUserId);
        }
        for (const branchId of secretaryOf) {
          await trx.insertInto('branch_secretaries').values({ branch_id: branchId, person_id: personId }).execute();
        }
      }
      for (const old of oldPeople.values()) {
        if (old.active === 0) continue;
        await trx.updateTable('people').set({ active: 0, updated_at: now }).where('id', '=', old.id).execute();
        changes.people.removed.push(old.slack_user_id);
      }
      await audit(trx, {
        at: opts.now,
        actor: opts.actor,
        action: 'roster.import',
        subjectType: 'roster',
        details: {
          branches: changes.branches,
          people: changes.people,
          dryRun: changes.dryRun,
          allowRemovals: opts.allowRemovals === true,
        },
      });
      if (opts.dryRun) throw new DryRunRollback(changes);
      return changes;
    });
  } catch (err) {
    if (err instanceof DryRunRollback) return err.changes;
    throw err;
  }
}
