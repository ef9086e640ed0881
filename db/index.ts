import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type pg from 'pg';
import {
  CompiledQuery,
  DataTypeNode,
  GeneratedNode,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  PostgresDriver,
  PostgresQueryCompiler,
  SqliteDialect,
  SqliteDriver,
  type ColumnDefinitionNode,
  type DatabaseConnection,
  type Driver,
  type PostgresDialectConfig,
  type QueryCompiler,
  type QueryExecutor,
  type SqliteDialectConfig,
  type TransactionSettings,
} from 'kysely';
import type { Database } from './schema.js';

/**
 * pg, loaded the first time a PostgreSQL database is opened: a county on SQLite never loads it
 * (about 15 MB and its start-up time). Synchronous, as `openDatabase` is; pg is a CommonJS package.
 */
function loadPg(): typeof pg {
  return createRequire(import.meta.url)('pg') as typeof pg;
}

export type DB = Kysely<Database>;

export type Dialect = 'sqlite' | 'postgres';

/** `postgres://…` or `postgresql://…` is a PostgreSQL server; anything else is a SQLite file (or `:memory:`). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * The dialect a handle speaks, for the few places where one statement must differ (the outbox's
 * `SKIP LOCKED`, the job lock): queries and migrations ask this, never the URL.
 */
export function dialectOf(db: { getExecutor(): QueryExecutor }): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export interface OpenOptions {
  /** Where an idle PostgreSQL connection's error goes (the server restarted); it is dropped from the pool either way. */
  onPoolError?: (err: Error) => void;
  /** PostgreSQL connections the pool holds at most (default 10). */
  poolSize?: number;
}

/**
 * Opens the store named by DATABASE_URL: a PostgreSQL server for `postgres://…`
 * (docs/decisions/012-postgres-replicas.md), else the SQLite file.
 */
export function openDatabase(url: string, opts: OpenOptions = {}): DB {
  return isPostgresUrl(url) ? openPostgres(url, opts) : openSqlite(url);
}

/** Opens the SQLite store: WAL so readers never wait for the writer, foreign keys on, and a busy timeout. */
function openSqlite(file: string): DB {
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

// ---------------------------------------------------------------------------
// PostgreSQL (docs/decisions/012-postgres-replicas.md)

// pg's type ids (pg_type.oid) of what a query here can return.
const INT8 = 20;
const NUMERIC = 1700;
const BOOL = 16;
const DATE = 1082;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

/**
 * Values come back as SQLite gives them, so no query and no test knows the dialect: `count(*)`
 * and `sum(…)` (int8, numeric) as numbers, a boolean expression as 0 or 1, a date as its
 * 'YYYY-MM-DD' text and a timestamp as ISO-8601 UTC text (the schema stores times as text; these
 * only arise from an expression). Set per pool, never on pg's global `types`, so a host process's
 * own pg use is left alone.
 */
function typeParser(pgTypes: typeof pg.types, oid: number, format?: string): (value: string) => unknown {
  if (format === 'binary') return pgTypes.getTypeParser(oid, 'binary') as (value: string) => unknown;
  switch (oid) {
    case INT8:
    case NUMERIC:
      return Number;
    case BOOL:
      return (v) => (v === 't' ? 1 : 0);
    case DATE:
      return (v) => v;
    case TIMESTAMP:
      return (v) => new Date(`${v.replace(' ', 'T')}Z`).toISOString();
    case TIMESTAMPTZ:
      return (v) => new Date(v).toISOString();
    default:
      return pgTypes.getTypeParser(oid, 'text') as (value: string) => unknown;
  }
}

function openPostgres(url: string, opts: OpenOptions): DB {
  const pg = loadPg();
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    // A server that does not answer (restarting, unreachable) fails a request rather than hanging it.
    connectionTimeoutMillis: 10_000,
    application_name: 'pacesetter',
    // SQLite's busy timeout: a writer waits at most 5 s for the writer lock (or a row), then fails
    // (55P03), so a stuck writer shows in /healthz instead of hanging every request behind it.
    options: `-c lock_timeout=${LOCK_TIMEOUT_MS}`,
    types: { getTypeParser: ((oid: number, format?: string) => typeParser(pg.types, oid, format)) as never },
  });
  // A client whose server went away (restarted, a cut connection) emits 'error', idle or checked
  // out (a job's lock connection is held for its run); unhandled, that would end the process. The
  // query in flight fails on its own, and the pool replaces the client.
  const lost = (err: Error) => opts.onPoolError?.(err);
  pool.on('error', lost);
  pool.on('connect', (client) => client.on('error', lost));
  return new Kysely<Database>({ dialect: new PortablePostgresDialect({ pool }) });
}

/**
 * SQLite's `BEGIN IMMEDIATE` on PostgreSQL: every write transaction first takes one
 * transaction-level advisory lock, so writers run one at a time, as on SQLite, and a transaction
 * that reads then writes (a quota, a version check, the plan's `updated_at`) decides on what the
 * previous writer committed. READ COMMITTED alone would let two replicas both read the old value.
 * Writes outside a transaction (the outbox's claims) are single statements and take no lock.
 * A `read only` transaction takes none either.
 */
export const WRITER_LOCK = 0x70616365; // 'pace'
export const LOCK_TIMEOUT_MS = 5000;

class SerialWriterDriver extends PostgresDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await super.beginTransaction(connection, settings);
    if (settings.accessMode === 'read only') return;
    try {
      await connection.executeQuery(CompiledQuery.raw(`select pg_advisory_xact_lock(${WRITER_LOCK})`));
    } catch (err) {
      // Kysely rolls back only a transaction that began: a lock wait that timed out must not leave
      // the connection in an aborted transaction for the pool's next user.
      await connection.executeQuery(CompiledQuery.raw('rollback')).catch(() => undefined);
      throw err;
    }
  }
}

/**
 * The one place DDL differs: `autoIncrement()` (SQLite's `integer primary key autoincrement`) is
 * compiled as `generated by default as identity`, and `real` (8 bytes on SQLite, 4 on
 * PostgreSQL) as `double precision`, so the migrations written for SQLite create the same
 * tables on both and store the same numbers.
 */
class PortablePostgresQueryCompiler extends PostgresQueryCompiler {
  protected override visitColumnDefinition(node: ColumnDefinitionNode): void {
    super.visitColumnDefinition(
      node.autoIncrement
        ? { ...node, autoIncrement: false, generated: GeneratedNode.create({ byDefault: true, identity: true }) }
        : node,
    );
  }

  protected override visitDataType(node: DataTypeNode): void {
    super.visitDataType(node.dataType === 'real' ? DataTypeNode.create('double precision') : node);
  }
}

class PortablePostgresDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig;

  constructor(config: PostgresDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new SerialWriterDriver(this.#config);
  }

  override createQueryCompiler(): QueryCompiler {
    return new PortablePostgresQueryCompiler();
  }
}
