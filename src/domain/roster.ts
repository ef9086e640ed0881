import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { CATEGORIES, RANKS, ROLES, type Category, type Rank, type Role } from './types.js';
import type { Parsed } from './validation.js';

export const ROSTER_COLUMNS = [
  'branch_code',
  'branch_name',
  'category',
  'slack_user_id',
  'name',
  'role',
  'rank',
] as const;

export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** Optional columns: a file without them is read as before. */
export const OPTIONAL_ROSTER_COLUMNS = ['branch_channel'] as const;

/** A Slack channel id: public (C…) or private (G…), as Slack shows it in a channel's details. */
export const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

const RowSchema = z.object({
  branch_code: z
    .string()
    .trim()
    .max(32, 'at most 32 characters')
    .regex(/^[A-Za-z0-9_-]*$/, 'expected letters, digits, - or _'),
  branch_name: z.string().trim().max(100, 'at most 100 characters'),
  category: z.union([z.literal(''), z.enum(CATEGORIES)], { message: `expected one of ${CATEGORIES.join(', ')}` }),
  slack_user_id: z.string().trim().regex(SLACK_USER_ID, 'expected a Slack user id like U0123ABCD'),
  name: z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters'),
  role: z
    .string()
    .trim()
    .transform((s) =>
      s
        .split(/[;；]/)
        .map((r) => r.trim())
        .filter((r) => r !== ''),
    )
    .pipe(
      z
        .array(z.enum(ROLES, { message: `expected ${ROLES.join(', ')} (several separated by ;)` }))
        .min(1, 'at least one role'),
    ),
  rank: z.union([z.literal(''), z.enum(RANKS)], { message: `expected empty or one of ${RANKS.join(', ')}` }),
  branch_channel: z
    .string()
    .trim()
    .regex(/^$|^[CG][A-Z0-9]{2,}$/, 'expected empty or a Slack channel id like C0123ABCD')
    .default(''),
});

export interface RosterBranch {
  code: string;
  name: string;
  category: Category;
  /** Where the branch's commitments are posted at the window's close; null when the roster names none. */
  channelId: string | null;
}

export interface RosterPerson {
  slackUserId: string;
  name: string;
  /** The branch the person belongs to (the first row with a branch). */
  branchCode: string | null;
  rank: Rank | null;
  roles: Role[];
  secretaryOf: string[];
}

export interface Roster {
  branches: RosterBranch[];
  people: RosterPerson[];
}

/**
 * Parses a roster CSV's text, decoded from the file's bytes first (src/files/text.ts: UTF-8 with or
 * without BOM, UTF-16 with BOM, GB18030). All-or-nothing: every problem is reported with its row
 * (the header is row 1) and column.
 */
export function parseRoster(source: string): Parsed<Roster> {
  let records: string[][];
  try {
    records = parse(source, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: false });
  } catch (err) {
    return { ok: false, problems: [`CSV: ${(err as Error).message}`] };
  }
  const header = (records[0] ?? []).map((h) => h.trim());
  const missing = ROSTER_COLUMNS.filter((c) => !header.includes(c));
  if (records.length === 0 || missing.length > 0) {
    return {
      ok: false,
      problems: [
        `row 1: the header must have the columns ${ROSTER_COLUMNS.join(',')} (missing: ${missing.join(', ')})`,
      ],
    };
  }
  const problems: string[] = [];
  const branches = new Map<string, RosterBranch & { row: number }>();
  const people = new Map<string, RosterPerson & { row: number; rows: Set<string> }>();

  records.slice(1).forEach((cells, i) => {
    const row = i + 2;
    if (cells.length !== header.length) {
      problems.push(`row ${row}: expected ${header.length} columns, found ${cells.length}`);
      return;
    }
    const raw = Object.fromEntries(header.map((h, j) => [h, cells[j] ?? '']));
    const parsed = RowSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const column = String(issue.path[0] ?? '');
        problems.push(`row ${row}, ${column}: ${issue.message} (found "${raw[column] ?? ''}")`);
      }
      return;
    }
    const r = parsed.data;
    const needsBranch = r.role.includes('secretary') || r.role.includes('member');
    if (r.branch_code === '') {
      if (needsBranch)
        problems.push(
          `row ${row}, branch_code: a ${r.role.includes('secretary') ? 'secretary' : 'member'} needs a branch`,
        );
      if (r.branch_name !== '' || r.category !== '' || r.branch_channel !== '')
        problems.push(`row ${row}, branch_code: empty, but branch_name, category or branch_channel is set`);
    } else {
      if (r.branch_name === '') problems.push(`row ${row}, branch_name: must not be empty when branch_code is set`);
      if (r.category === '') problems.push(`row ${row}, category: expected one of ${CATEGORIES.join(', ')}`);
      const known = branches.get(r.branch_code);
      if (r.branch_channel !== '' && known && known.channelId !== null && known.channelId !== r.branch_channel)
        problems.push(
          `row ${row}, branch_channel: branch ${r.branch_code} has channel ${known.channelId} on row ${known.row}`,
        );
      else if (r.branch_channel !== '' && known) known.channelId = r.branch_channel;
      if (known && (known.name !== r.branch_name || known.category !== r.category)) {
        problems.push(
          `row ${row}, branch_name/category: branch ${r.branch_code} is "${known.name}" (${known.category}) on row ${known.row}`,
        );
      } else if (!known && r.branch_name !== '' && r.category !== '') {
        branches.set(r.branch_code, {
          code: r.branch_code,
          name: r.branch_name,
          category: r.category,
          channelId: r.branch_channel === '' ? null : r.branch_channel,
          row,
        });
      }
    }
    const rank = r.rank === '' ? null : r.rank;
    const person = people.get(r.slack_user_id);
    if (person) {
      if (person.rows.has(r.branch_code))
        problems.push(`row ${row}: ${r.slack_user_id} is listed twice for branch "${r.branch_code}"`);
      if (person.name !== r.name)
        problems.push(`row ${row}, name: ${r.slack_user_id} is "${person.name}" on row ${person.row}`);
      if (person.rank !== rank)
        problems.push(`row ${row}, rank: ${r.slack_user_id} has rank "${person.rank ?? ''}" on row ${person.row}`);
      person.rows.add(r.branch_code);
      for (const role of r.role) if (!person.roles.includes(role)) person.roles.push(role);
      if (r.role.includes('secretary')) person.secretaryOf.push(r.branch_code);
      if (person.branchCode === null && r.branch_code !== '') person.branchCode = r.branch_code;
    } else {
      people.set(r.slack_user_id, {
        slackUserId: r.slack_user_id,
        name: r.name,
        branchCode: r.branch_code === '' ? null : r.branch_code,
        rank,
        roles: [...r.role],
        secretaryOf: r.role.includes('secretary') ? [r.branch_code] : [],
        row,
        rows: new Set([r.branch_code]),
      });
    }
  });

  for (const branch of branches.values()) {
    const hasSecretary = [...people.values()].some((p) => p.secretaryOf.includes(branch.code));
    if (!hasSecretary)
      problems.push(`row ${branch.row}, role: branch ${branch.code} (${branch.name}) has no secretary`);
  }
  if (records.length < 2) problems.push('the roster has no rows');
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      branches: [...branches.values()].map(({ code, name, category, channelId }) => ({
        code,
        name,
        category,
        channelId,
      })),
      people: [...people.values()].map(({ slackUserId, name, branchCode, rank, roles, secretaryOf }) => ({
        slackUserId,
        name,
        branchCode,
        rank,
        roles,
        secretaryOf,
      })),
    },
  };
}

/** A person or branch as the store has it before an import, for the removal guard. */
export interface CurrentRoster {
  people: { slackUserId: string; name: string; active: boolean; isAdmin: boolean; isLeader: boolean }[];
  branches: { code: string; name: string; active: boolean }[];
}

export interface RosterRemovals {
  /** Active people the file leaves out, with the leader and admin roles they held. */
  people: { slackUserId: string; name: string; roles: ('leader' | 'admin')[] }[];
  /** Active branches the file leaves out. */
  branches: { code: string; name: string }[];
  /** Admins who would not be admins after the import: left out, or listed without the role. */
  adminsLost: { slackUserId: string; name: string }[];
  before: { people: number; branches: number; admins: number };
  adminsAfter: number;
}

/** Who an import would remove from the roster (mark inactive), compared with what is stored. */
export function rosterRemovals(current: CurrentRoster, roster: Roster): RosterRemovals {
  const listed = new Map(roster.people.map((p) => [p.slackUserId, p]));
  const listedBranches = new Set(roster.branches.map((b) => b.code));
  const people = current.people.filter((p) => p.active);
  const admins = people.filter((p) => p.isAdmin);
  return {
    people: people
      .filter((p) => !listed.has(p.slackUserId))
      .map((p) => ({
        slackUserId: p.slackUserId,
        name: p.name,
        roles: [...(p.isLeader ? (['leader'] as const) : []), ...(p.isAdmin ? (['admin'] as const) : [])],
      })),
    branches: current.branches
      .filter((b) => b.active && !listedBranches.has(b.code))
      .map((b) => ({ code: b.code, name: b.name })),
    adminsLost: admins
      .filter((p) => !listed.get(p.slackUserId)?.roles.includes('admin'))
      .map((p) => ({ slackUserId: p.slackUserId, name: p.name })),
    before: { people: people.length, branches: current.branches.filter((b) => b.active).length, admins: admins.length },
    adminsAfter: roster.people.filter((p) => p.roles.includes('admin')).length,
  };
}

/** More than this share of the people or of the branches leaving at once is taken for a wrong file. */
export const REMOVAL_SHARE_LIMIT = 0.2;

export interface RemovalRefusal {
  message: string;
  /** Whether `--allow-removals` lets the import through; the last admin is never removed. */
  overridable: boolean;
}

const who = (p: { slackUserId: string; name: string }) => `${p.name} (${p.slackUserId})`;

/**
 * Why an import must not remove whom it would: a file that drops a fifth of the roster, or a leader
 * or an admin, is more often a partial export than a decision, so it needs `allowRemovals`; one
 * that leaves no admin is refused always, as nobody could then run the campaign from Slack.
 */
export function judgeRemovals(removals: RosterRemovals, allowRemovals: boolean): RemovalRefusal[] {
  const refusals: RemovalRefusal[] = [];
  if (removals.before.admins > 0 && removals.adminsAfter === 0) {
    refusals.push({
      message: `no admin would be left: ${removals.adminsLost.map(who).join(', ')} would no longer be an admin; keep at least one admin in the file (even --allow-removals does not remove the last admin)`,
      overridable: false,
    });
  }
  if (allowRemovals) return refusals;
  for (const [what, removed, before] of [
    ['people', removals.people.length, removals.before.people],
    ['branches', removals.branches.length, removals.before.branches],
  ] as const) {
    if (before > 0 && removed / before > REMOVAL_SHARE_LIMIT)
      refusals.push({
        message: `${removed} of ${before} ${what} (${Math.round((removed / before) * 100)} %) would be removed from the roster, more than ${REMOVAL_SHARE_LIMIT * 100} %`,
        overridable: true,
      });
  }
  const leaders = removals.people.filter((p) => p.roles.length > 0);
  if (leaders.length > 0)
    refusals.push({
      message: `leaders or admins would be removed from the roster: ${leaders.map((p) => `${who(p)}, ${p.roles.join(' and ')}`).join('; ')}`,
      overridable: true,
    });
  return refusals;
}
