import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { dialectOf } from './index.js';

/**
 * `pacesetter db copy --to postgres://…`: a county's SQLite year moved to PostgreSQL
 * (docs/decisions/012-postgres-replicas.md). Every table of the schema, the audit log included,
 * is copied in one transaction on the target, which must be migrated to the same version and
 * empty; each table is then read back and compared with the source by row count and checksum
 * before the transaction commits. Anything that differs rolls everything back.
 */

// Tables are read from the schema at run time, by name: no static table type applies.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDB = Kysely<any>;

export interface TableInfo {
  name: string;
  columns: string[];
  /** The columns rows are ordered by, for reading and for the checksum: the primary key, else every column. */
  orderBy: string[];
}

export interface TableCopy {
  table: string;
  rows: number;
  /** SHA-256 over the rows in primary-key order, each as canonical JSON of its values. */
  checksum: string;
}

export class CopyRefused extends Error {}

/** The application's tables (not Kysely's migration tables), parents before the tables that reference them. */
export async function listTables(db: AnyDB): Promise<TableInfo[]> {
  const tables = (await db.introspection.getTables()).filter((t) => !t.isView && !t.name.startsWith('kysely_'));
  const keys = new Map<string, string[]>();
  const parents = new Map<string, string[]>();
  for (const t of tables) {
    keys.set(t.name, await primaryKey(db, t.name));
    parents.set(t.name, await referencedTables(db, t.name));
  }
  const ordered: string[] = [];
  const visit = (name: string, path: Set<string>) => {
    if (ordered.includes(name) || path.has(name)) return;
    path.add(name);
    for (const p of parents.get(name) ?? []) if (p !== name) visit(p, path);
    ordered.push(name);
  };
  for (const t of [...tables].sort((a, b) => (a.name < b.name ? -1 : 1))) visit(t.name, new Set());
  return ordered.map((name) => {
    const columns = tables.find((t) => t.name === name)!.columns.map((c) => c.name);
    const pk = keys.get(name)!;
    return { name, columns, orderBy: pk.length > 0 ? pk : columns };
  });
}

async function primaryKey(db: AnyDB, table: string): Promise<string[]> {
  if (dialectOf(db) === 'sqlite') {
    const rows = (await sql<{ name: string; pk: number }>`select name, pk from pragma_table_info(${table})`.execute(db))
      .rows;
    return rows
      .filter((r) => r.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((r) => r.name);
  }
  const rows = (
    await sql<{ name: string }>`
      select a.attname as name
      from pg_index i
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
      where i.indrelid = to_regclass(${`"${table}"`}) and i.indisprimary
      order by array_position(i.indkey, a.attnum)`.execute(db)
  ).rows;
  return rows.map((r) => r.name);
}

async function referencedTables(db: AnyDB, table: string): Promise<string[]> {
  if (dialectOf(db) === 'sqlite')
    return (await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${table})`.execute(db)).rows.map(
      (r) => r.table,
    );
  return (
    await sql<{ name: string }>`
      select c2.relname as name from pg_constraint k join pg_class c2 on c2.oid = k.confrelid
      where k.conrelid = to_regclass(${`"${table}"`}) and k.contype = 'f'`.execute(db)
  ).rows.map((r) => r.name);
}

const PAGE = 2000;

/** Every row of a table in its key order, a page at a time. */
async function* tableRows(db: AnyDB, t: TableInfo): AsyncGenerator<Record<string, unknown>[]> {
  for (let offset = 0; ; offset += PAGE) {
    let q = db.selectFrom(t.name).select(t.columns);
    for (const c of t.orderBy) q = q.orderBy(c);
    const rows = (await q.limit(PAGE).offset(offset).execute()) as Record<string, unknown>[];
    if (rows.length > 0) yield rows;
    if (rows.length < PAGE) return;
  }
}

/** A row's values in column order, as JSON: what both databases must give back alike. */
function canonicalRow(t: TableInfo, row: Record<string, unknown>): string {
  return JSON.stringify(t.columns.map((c) => row[c] ?? null));
}

/** Row count and checksum of one table. */
export async function tableChecksum(db: AnyDB, t: TableInfo): Promise<TableCopy> {
  const hash = crypto.createHash('sha256');
  let rows = 0;
  for await (const page of tableRows(db, t)) {
    for (const row of page) hash.update(`${canonicalRow(t, row)}\n`);
    rows += page.length;
  }
  return { table: t.name, rows, checksum: hash.digest('hex') };
}

/**
 * Copies every table of `source` into `target` (both migrated to the latest version), in one
 * transaction on the target, then compares counts and checksums; returns them per table.
 */
export async function copyDatabase(source: AnyDB, target: AnyDB): Promise<TableCopy[]> {
  const tables = await listTables(source);
  const targetTables = await listTables(target);
  const names = (ts: TableInfo[]) => ts.map((t) => t.name).sort();
  if (JSON.stringify(names(tables)) !== JSON.stringify(names(targetTables)))
    throw new CopyRefused(
      `The two databases do not have the same tables (source: ${names(tables).join(', ')}; target: ${names(targetTables).join(', ')}).`,
    );
  for (const t of targetTables) {
    const { n } = (await target
      .selectFrom(t.name)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()) as { n: number };
    if (Number(n) > 0)
      throw new CopyRefused(
        `The target is not empty (${t.name} has ${n} rows): copy into a new database, nothing was written.`,
      );
  }
  const expected: TableCopy[] = [];
  for (const t of tables) expected.push(await tableChecksum(source, t));
  return target.transaction().execute(async (trx) => {
    for (const t of tables) {
      const columns = targetTables.find((x) => x.name === t.name)!.columns;
      const missing = t.columns.filter((c) => !columns.includes(c));
      if (missing.length > 0) throw new CopyRefused(`${t.name}: the target has no column ${missing.join(', ')}.`);
      // PostgreSQL allows 65,535 bound parameters a statement.
      const chunk = Math.max(1, Math.floor(30_000 / t.columns.length));
      for await (const page of tableRows(source, t))
        for (let i = 0; i < page.length; i += chunk)
          await trx
            .insertInto(t.name)
            .values(page.slice(i, i + chunk))
            .execute();
      if (dialectOf(target) === 'postgres' && t.columns.includes('id'))
        // Ids were copied as they were: the identity continues after the largest.
        await sql`select setval(pg_get_serial_sequence(${`"${t.name}"`}, 'id'), coalesce((select max(id) from ${sql.table(t.name)}), 0) + 1, false) where pg_get_serial_sequence(${`"${t.name}"`}, 'id') is not null`.execute(
          trx,
        );
    }
    const copied: TableCopy[] = [];
    for (const t of tables) copied.push(await tableChecksum(trx, t));
    const differ = copied.filter((c, i) => c.rows !== expected[i]!.rows || c.checksum !== expected[i]!.checksum);
    if (differ.length > 0)
      throw new CopyRefused(
        `The copy does not read back as the source (${differ.map((d) => d.table).join(', ')}); nothing was written.`,
      );
    return copied;
  });
}
