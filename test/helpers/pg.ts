import pg from 'pg';
import { inject } from 'vitest';

/**
 * The PostgreSQL side of the suite (docs/decisions/012-postgres-replicas.md): the vitest project
 * `pg` sets TEST_DATABASE=pg, and every fresh database of a test is then a database of its own on
 * the server, copied from a template migrated once per run (test/pg-global-setup.ts), and dropped
 * when its test file ends.
 */
export const DEFAULT_TEST_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

export function onPostgres(): boolean {
  return process.env.TEST_DATABASE === 'pg';
}

/** The server's maintenance URL (TEST_DATABASE_URL, else the project's machines' 127.0.0.1:5432). */
export function testServerUrl(): string {
  return process.env.TEST_DATABASE_URL || DEFAULT_TEST_SERVER;
}

/** The URL of database `name` on the same server. */
export function databaseUrl(name: string, server = testServerUrl()): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.href;
}

let admin: pg.Pool | undefined;
const created: string[] = [];
let serial = 0;

function adminPool(): pg.Pool {
  admin ??= new pg.Pool({ connectionString: testServerUrl(), max: 1 });
  return admin;
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A new database copied from `template` (the run's migrated one unless given); its URL. */
export async function createTestDatabase(template: string = inject('pgTemplate')): Promise<string> {
  const name = `${template}_${process.pid}_${++serial}`;
  await adminPool().query(`create database ${quoteIdent(name)} template ${quoteIdent(template)}`);
  created.push(name);
  return databaseUrl(name);
}

/** Drops the databases this test file created (its handles should be closed; any left are cut). */
export async function dropTestDatabases(): Promise<void> {
  if (!admin) return;
  for (const name of created.splice(0)) await admin.query(`drop database if exists ${quoteIdent(name)} with (force)`);
  await admin.end();
  admin = undefined;
}
