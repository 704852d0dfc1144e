import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  Kysely,
  type MigrationResultSet,
  Migrator,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  sql,
} from 'kysely';
import { migrations, RETIRED } from './migrations/index.js';
import { isPostgres, isPostgresUrl, openPostgres, redactUrl } from './postgres/connect.js';
import type { Database } from './schema.js';
import { createWriteTurns, type MainTurns, takeTurns } from './write-turns.js';

export type Db = Kysely<Database>;

/**
 * Pragmas every connection to the hub's database runs, the main one and the ingest commit worker's alike.
 * WAL lets readers run while one writer commits; FULL puts a commit on disk before we answer "ok"
 * (durable first), even with WAL.
 */
export const CONNECTION_PRAGMAS = [
  'journal_mode = WAL',
  'synchronous = FULL',
  'foreign_keys = ON',
  'busy_timeout = 5000',
] as const;

interface Handle {
  sqlite: SQLite.Database;
  /** Run before the SQLite handle closes, newest first: whoever holds a second connection stops it here. */
  onClose: Array<() => Promise<void>>;
  /** Write turns with the ingest commit worker (write-turns.ts). */
  turns: Int32Array;
  mainTurns: MainTurns;
}

/** The write-turn flags of `db`'s connection (write-turns.ts), for a second writer to respect. */
export function writeTurnsOf(db: Db): Int32Array {
  return handleOf(db).turns;
}

/**
 * Runs synchronous writes on the main connection (prepared statements, a `sqlite.transaction`) once the
 * ingest commit worker holds no transaction, waiting for that without blocking the event loop (a write
 * called directly would wait on this thread: write-turns.ts). Writes given in order run in order.
 */
export function writeInTurn(db: Db): <T>(write: () => T) => Promise<T> {
  const { mainTurns } = handleOf(db);
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(write: () => T) => {
    const run = queue.then(async () => {
      await mainTurns.ready();
      try {
        return write();
      } finally {
        mainTurns.release();
      }
    });
    queue = run.catch(() => undefined);
    return run;
  };
}

/**
 * The better-sqlite3 handle behind a Kysely instance, for the few hot paths (ingest) where a prepared
 * statement in one synchronous transaction beats building a query per row.
 */
const raw = new WeakMap<Db, Handle>();
function handleOf(db: Db): Handle {
  const handle = raw.get(db);
  if (!handle) throw new Error('This Kysely instance was not opened by openDatabase');
  return handle;
}
export function sqliteOf(db: Db): SQLite.Database {
  return handleOf(db).sqlite;
}

/** The database file behind `db`, or undefined for an in-memory database (no other connection can open it). */
export function databaseFileOf(db: Db): string | undefined {
  const { sqlite } = handleOf(db);
  return sqlite.memory ? undefined : path.resolve(sqlite.name);
}

/** Have `db.destroy()` await `hook` before it closes the SQLite handle (e.g. to stop a worker's connection). */
export function onDatabaseClose(db: Db, hook: () => Promise<void>): void {
  if (isPostgres(db)) {
    const hooks = postgresCloseHooks.get(db) ?? wrapPostgresDestroy(db);
    hooks.unshift(hook);
    return;
  }
  handleOf(db).onClose.unshift(hook);
}

const postgresCloseHooks = new WeakMap<Db, Array<() => Promise<void>>>();
/** The same close hooks for a PostgreSQL store: run before its pool ends. */
function wrapPostgresDestroy(db: Db): Array<() => Promise<void>> {
  const hooks: Array<() => Promise<void>> = [];
  postgresCloseHooks.set(db, hooks);
  const destroy = db.destroy.bind(db);
  db.destroy = async () => {
    for (const hook of hooks.splice(0)) await hook();
    await destroy();
  };
  return hooks;
}

/** Statement texts seen and whether they write (Kysely prepares each query again: this saves the check). */
const WRITES_CACHE = 1000;

class ClosingSqliteDriver extends SqliteDriver {
  private readonly writes = new Map<string, boolean>();
  private wrapped: DatabaseConnection | undefined;
  constructor(private readonly handle: Handle) {
    super({ database: handle.sqlite });
  }
  /**
   * A write through Kysely waits for its turn asynchronously (write-turns.ts): while the commit worker
   * holds the lock, the event loop keeps serving /health and the API instead of sleeping in SQLite's
   * busy handler.
   */
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    this.wrapped ??= {
      executeQuery: async <R>(query: CompiledQuery) => {
        if (!this.writesOf(query.sql)) return connection.executeQuery<R>(query);
        await this.handle.mainTurns.ready();
        try {
          return await connection.executeQuery<R>(query);
        } finally {
          this.handle.mainTurns.release();
        }
      },
      streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
    };
    return this.wrapped;
  }
  private writesOf(text: string): boolean {
    let writes = this.writes.get(text);
    if (writes === undefined) {
      writes = !this.handle.sqlite.prepare(text).readonly;
      if (this.writes.size >= WRITES_CACHE) this.writes.clear();
      this.writes.set(text, writes);
    }
    return writes;
  }
  override async destroy(): Promise<void> {
    for (const hook of this.handle.onClose.splice(0)) await hook();
    await super.destroy();
  }
}
/**
 * SQLite runs DDL inside transactions; Kysely's adapter says it does not, so its Migrator would commit every
 * statement on its own (one sync to disk each under synchronous=FULL: ~100 on a first start). Saying so
 * applies the pending migrations of each migrator as one transaction: one sync, and a migration that fails
 * leaves nothing half-applied.
 */
class HubSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
class HubSqliteDialect extends SqliteDialect {
  constructor(private readonly handle: Handle) {
    super({ database: handle.sqlite });
  }
  override createDriver() {
    return new ClosingSqliteDriver(this.handle);
  }
  override createAdapter() {
    return new HubSqliteAdapter();
  }
}

/** Open (creating if needed) the hub's SQLite file with WAL and full durability for acknowledged writes. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  for (const pragma of CONNECTION_PRAGMAS) sqlite.pragma(pragma);
  const turns = createWriteTurns();
  const handle: Handle = { sqlite, onClose: [], turns, mainTurns: takeTurns(sqlite, turns) };
  const db = new Kysely<Database>({ dialect: new HubSqliteDialect(handle) });
  raw.set(db, handle);
  return db;
}

export { isPostgres, redactUrl } from './postgres/connect.js';

export interface StoreOptions {
  /** The SQLite file (the default store), used when `databaseUrl` is not given. */
  file: string;
  /** `postgres://…`: the hub's state in that PostgreSQL database (15 or newer) instead. */
  databaseUrl?: string | undefined;
}

/** Open the hub's store: PostgreSQL when a database URL is given, else the SQLite file. */
export async function openStore(options: StoreOptions): Promise<Db> {
  const url = options.databaseUrl;
  if (url === undefined || url === '') return openDatabase(options.file);
  if (!isPostgresUrl(url)) {
    throw new Error(`The database URL must start with postgres:// or postgresql:// (got ${redactUrl(url)})`);
  }
  return openPostgres(url);
}

/** Records of retired migrations made under their old name (same number) take the current name. */
async function renameRetired(db: Db): Promise<void> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === 'kysely_migration')) return;
  for (const name of RETIRED) {
    const prefix = name.slice(0, name.indexOf('_') + 1); // '0006_'
    await sql`UPDATE kysely_migration SET name = ${name}
      WHERE substr(name, 1, ${prefix.length}) = ${prefix} AND name <> ${name}`.execute(db);
  }
}

/**
 * Runs `work` (schema migrations) with synchronous=NORMAL: in WAL mode a commit then skips its sync to disk (a
 * first start has ~20, 1–20 ms each) and the database stays consistent; a power cut may undo the last ones,
 * and the next start applies them again. Nothing is acknowledged meanwhile: the next commit under FULL syncs
 * the WAL, these commits included. Nothing else may write on this connection until `work` settles.
 */
export async function withoutSyncs<T>(db: Db, work: () => Promise<T>): Promise<T> {
  const handle = raw.get(db);
  if (!handle) return work();
  handle.sqlite.pragma('synchronous = NORMAL');
  try {
    return await work();
  } finally {
    handle.sqlite.pragma('synchronous = FULL');
  }
}

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  await renameRetired(db);
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await withoutSyncs(db, () => migrator.migrateToLatest());
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed: ${(result.error as Error).message ?? result.error}`, {
      cause: result.error,
    });
  }
  return result;
}

export type { Database } from './schema.js';
