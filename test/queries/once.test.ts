/**
 * The writes that must happen once (db/queries/once.ts): a conditional update changes the row and
 * writes its audit record for the first caller only, and a condition that could never match is
 * refused instead of silently changing nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../db/index.js';
import { updateIfStill } from '../../db/queries/once.js';
import { branchId, freshDb, loadPlan, loadRoster, obligationId, personId } from '../helpers/db.js';
import { putExtension } from '../helpers/leaders.js';

let db: DB;
let extensionId: number;
const meta = { actor: 'U0LEADER01', now: new Date('2011-05-02T02:00:00Z') };

beforeAll(async () => {
  db = (await freshDb()).db;
  await loadPlan(db);
  await loadRoster(db);
  extensionId = await putExtension(db, {
    obligationId: await obligationId(db, 'A01-EVENT'),
    branchId: await branchId(db, 'YQ-ZX1'),
    requestedBy: await personId(db, 'U0SEC00001'),
  });
});

const decide = (status: 'approved' | 'refused') =>
  db.transaction().execute((trx) =>
    updateIfStill(
      trx,
      {
        table: 'extensions',
        where: { id: extensionId, status: 'pending' },
        set: { status, decided_at: meta.now.toISOString() },
        audit: (row) => ({ action: `extension.${row.status}`, subjectType: 'extension', subjectId: row.id }),
      },
      meta,
    ),
  );

const records = () => db.selectFrom('audit_log').select('action').where('subject_type', '=', 'extension').execute();

describe('updateIfStill', () => {
  it('when two decisions race for one pending row, then the first changes it with one audit record and the second finds nothing', async () => {
    const [first, second] = [await decide('approved'), await decide('refused')];
    expect(first?.status).toBe('approved');
    expect(second).toBeNull();
    const row = await db
      .selectFrom('extensions')
      .select('status')
      .where('id', '=', extensionId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('approved');
    expect((await records()).map((r) => r.action)).toEqual(['extension.approved']);
  });

  it('when a condition is null (which `=` never matches), then it is refused and nothing is written', async () => {
    const before = (await records()).length;
    await expect(
      db.transaction().execute((trx) =>
        updateIfStill(
          trx,
          {
            table: 'extensions',
            where: { id: extensionId, decided_by: null },
            set: { status: 'refused' },
            audit: () => ({ action: 'extension.rejected', subjectType: 'extension' }),
          },
          meta,
        ),
      ),
    ).rejects.toThrow('decided_by has no value to match');
    expect((await records()).length).toBe(before);
  });
});
