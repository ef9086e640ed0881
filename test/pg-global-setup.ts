import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../db/index.js';
import { migrateToLatest } from '../db/migrate.js';
import { databaseUrl, testServerUrl } from './helpers/pg.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string;
  }
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Once per run of the `pg` project: a template database, migrated, from which each test's
 * database is copied (a copy costs a few milliseconds, migrating costs more). The C collation
 * sorts text by code point, as SQLite does. At the end, every database of this run is dropped,
 * those of a test file that crashed before its own cleanup included.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const template = `pacesetter_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: testServerUrl() });
  await admin.connect();
  await admin.query(
    `create database ${quoteIdent(template)} template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`,
  );
  const db = openDatabase(databaseUrl(template));
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  project.provide('pgTemplate', template);
  return async () => {
    const { rows } = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname = $1 or datname like $2`,
      [template, `${template}\\_%`],
    );
    for (const { datname } of rows) await admin.query(`drop database if exists ${quoteIdent(datname)} with (force)`);
    await admin.end();
  };
}
