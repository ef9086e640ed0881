import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
  type TransactionSettings,
} from 'kysely';
import type { Database } from './schema.js';

export type DB = Kysely<Database>;

/** Opens the SQLite store: WAL so readers never wait for the writer, foreign keys on, and a busy timeout. */
export function openDatabase(file: string): DB {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  cachePreparedStatements(sqlite);
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
}

/**
 * Kysely's SQLite driver begins every transaction with a deferred `BEGIN`: the transaction reads
 * on a snapshot and asks for the write lock only at its first write. When another process (the
 * CLI, a second bot) has committed in between, SQLite refuses that write at once with
 * SQLITE_BUSY(_SNAPSHOT), and the busy timeout cannot help, since waiting would not make the
 * snapshot current. `BEGIN IMMEDIATE` takes the write lock first, so a second writer waits its turn
 * (up to the busy timeout) and then reads what the first committed.
 *
 * A transaction opened with `.setAccessMode('read only')` keeps the deferred `BEGIN` (readers never
 * wait for the writer under WAL) and runs with `query_only`, so a write slipped into it is refused
 * instead of failing only when another process happens to commit.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  #readOnly = false;

  // Kysely passes the settings to every driver (the Driver interface); SqliteDriver's own type omits them.
  override async beginTransaction(connection: DatabaseConnection, settings?: TransactionSettings): Promise<void> {
    if (settings?.accessMode !== 'read only') {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
      return;
    }
    await connection.executeQuery(CompiledQuery.raw('begin'));
    await connection.executeQuery(CompiledQuery.raw('pragma query_only = on'));
    this.#readOnly = true;
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await super.commitTransaction(connection);
    await this.#endReadOnly(connection);
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } finally {
      await this.#endReadOnly(connection);
    }
  }

  async #endReadOnly(connection: DatabaseConnection): Promise<void> {
    if (!this.#readOnly) return;
    this.#readOnly = false;
    await connection.executeQuery(CompiledQuery.raw('pragma query_only = off'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every statement again on every query, and preparing costs more
 * than running the small queries a request makes. The same SQL text gets the same prepared
 * statement; the cache is bounded, oldest out first. Safe because nothing here streams a query
 * (`iterate` would hold a statement busy), and SQLite re-prepares a statement itself after a
 * migration changes the schema.
 */
function cachePreparedStatements(sqlite: SQLite.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, SQLite.Statement>();
  sqlite.prepare = ((source: string) => {
    const hit = cache.get(source);
    if (hit) return hit;
    const statement = prepare(source);
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(source, statement);
    return statement;
  }) as typeof sqlite.prepare;
}
