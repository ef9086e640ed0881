import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DB } from '../../db/index.js';
import { preparedRead } from '../../db/queries/prepared.js';
import { freshDb, loadPlan, loadRoster } from '../helpers/db.js';

let db: DB;
beforeAll(async () => {
  db = (await freshDb()).db;
  await loadPlan(db);
  await loadRoster(db);
});
afterAll(async () => {
  await db.destroy();
});

const branchesIn = (d: DB, ids: number[], active: 0 | 1) =>
  d
    .selectFrom('branches')
    .select(['id', 'code'])
    .where('id', 'in', ids)
    .where('active', '=', active)
    .where('code', '!=', 'NONE')
    .orderBy('id');

describe('reads compiled once per shape (decision 004)', () => {
  it('when run with new values and list lengths, then it answers as the same query built each time', async () => {
    const read = preparedRead((d, ids: number[], active: 0 | 1) => branchesIn(d, ids, active));
    const all = await db.selectFrom('branches').select('id').orderBy('id').execute();
    const ids = all.map((r) => r.id);
    expect(ids.length).toBeGreaterThan(3);
    for (const pick of [[ids[0]!], [ids[1]!], [ids[0]!, ids[2]!], [ids[2]!, ids[3]!], ids, [999_999]]) {
      for (const active of [1, 0] as const) {
        expect(await read(db, pick, active)).toEqual(await branchesIn(db, pick, active).execute());
      }
    }
    expect((await read(db, [ids[1]!], 1)).map((r) => r.id)).toEqual([ids[1]]);
  });

  it('when the same shape runs again, then the query is built once; a new list length builds once more', async () => {
    const build = vi.fn((d: DB, code: string, ids: number[]) =>
      d.selectFrom('branches').select('code').where('code', '=', code).where('id', 'in', ids),
    );
    const read = preparedRead(build);
    for (const code of ['YQ-ZX1', 'YQ-ZX2', 'nothing']) await read(db, code, [1, 2]);
    expect(build).toHaveBeenCalledTimes(1);
    await read(db, 'YQ-ZX1', [1, 2, 3]);
    expect(build).toHaveBeenCalledTimes(2);
  });

  it('when given a transaction, then it reads inside it, its own uncommitted writes included', async () => {
    const read = preparedRead((d, code: string) => d.selectFrom('branches').select('name').where('code', '=', code));
    const [original] = await read(db, 'YQ-ZX1');
    expect(original?.name).toEqual(expect.any(String));
    const rollBack = new Error('roll back');
    let inside: unknown;
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.updateTable('branches').set({ name: '改名中' }).where('code', '=', 'YQ-ZX1').execute();
        inside = await read(trx, 'YQ-ZX1');
        throw rollBack;
      }),
    ).rejects.toBe(rollBack);
    expect(inside).toEqual([{ name: '改名中' }]);
    expect(await read(db, 'YQ-ZX1')).toEqual([{ name: original!.name }]);
  });

  it('when an argument is written into the SQL text, then it is refused', async () => {
    const read = preparedRead((d, column: string) => d.selectFrom('branches').select(sql.ref<string>(column).as('v')));
    await expect(read(db, 'code')).rejects.toThrow('written into the SQL text');
  });

  it('when an argument ends up inside a longer value, then it is refused (it would be bound as the placeholder)', async () => {
    const read = preparedRead((d, text: string) =>
      d.selectFrom('branches').select('code').where('name', 'like', `%${text}%`),
    );
    await expect(read(db, '中')).rejects.toThrow('inside a longer value');
  });

  it('when an argument is bound on its own and also inside a longer value, then it is refused', async () => {
    const read = preparedRead((d, code: string) =>
      d
        .selectFrom('branches')
        .select('code')
        .where((eb) => eb.or([eb('code', '=', code), eb('code', 'like', `${code}%`)])),
    );
    await expect(read(db, 'YQ-ZX')).rejects.toThrow('inside a longer value');
  });

  it('when an argument is bound twice, then both places get the value', async () => {
    const read = preparedRead((d, code: string) =>
      d.selectFrom('branches').select('code').where('code', '>=', code).where('code', '<=', code),
    );
    expect(await read(db, 'YQ-ZX1')).toEqual([{ code: 'YQ-ZX1' }]);
  });

  it('when the builder does not use an argument, then it is refused', async () => {
    const read = preparedRead((d, _code: string) => d.selectFrom('branches').select('code'));
    await expect(read(db, 'YQ-ZX1')).rejects.toThrow('not bound as parameters');
  });
});
