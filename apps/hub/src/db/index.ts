import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type MigrationResultSet, Migrator, SqliteAdapter, SqliteDialect, SqliteDriver, sql } from 'kysely';
import { migrations, RETIRED } from './migrations/index.js';
import type { Database } from './schema.js';

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
  turns: Int32Array;
}

/**
 * Write turns between this (main) connection and a second writer on another thread (the ingest commit
 * worker). SQLite lets one writer in at a time and a waiting one only polls, sleeping 1, 2, 5, 10… ms
 * between tries: a worker committing back to back would starve this connection, and everything on the
 * event loop with it. So every write on this connection first raises `turns[0]` (1 = the main connection
 * wants or holds the write lock) and lowers it when its transaction ends; the worker does not begin a
 * transaction while it is raised. A write here then waits at most for the worker's current transaction.
 */
function takeTurns(sqlite: SQLite.Database, turns: Int32Array): void {
  let claimed = false;
  const claim = () => {
    if (claimed) return;
    claimed = true;
    Atomics.store(turns, 0, 1);
  };
  const settle = () => {
    if (!claimed || sqlite.inTransaction) return;
    claimed = false;
    Atomics.store(turns, 0, 0);
    Atomics.notify(turns, 0);
  };
  type Fn = (...args: unknown[]) => unknown;
  const guard =
    (fn: Fn, writes: boolean): Fn =>
    (...args) => {
      if (writes) claim();
      try {
        return fn(...args);
      } finally {
        settle();
      }
    };
  const db = sqlite as unknown as Record<'prepare' | 'exec' | 'transaction', Fn>;
  const prepare = db.prepare.bind(sqlite);
  db.prepare = (...args) => {
    const statement = prepare(...args) as SQLite.Statement;
    const methods = statement as unknown as Record<'run' | 'get' | 'all' | 'iterate', Fn>;
    // Every statement settles (a COMMIT is "readonly" but ends the transaction); only writers claim.
    const writes = !statement.readonly;
    for (const method of ['run', 'get', 'all'] as const)
      methods[method] = guard(methods[method].bind(statement), writes);
    if (writes) {
      // A writing iterator runs as it is read: claim now; the next statement to settle releases.
      const iterate = methods.iterate.bind(statement);
      methods.iterate = (...params) => {
        claim();
        return iterate(...params);
      };
    }
    return statement;
  };
  db.exec = guard(db.exec.bind(sqlite), true);
  const transaction = db.transaction.bind(sqlite);
  db.transaction = (fn) => {
    const made = transaction(fn) as Fn & Record<'default' | 'deferred' | 'immediate' | 'exclusive', Fn>;
    // IMMEDIATE and EXCLUSIVE take the write lock at BEGIN, before any statement of theirs could claim.
    const wrapped = guard(made, false) as typeof made;
    Object.assign(wrapped, {
      default: wrapped,
      deferred: guard(made.deferred, false),
      immediate: guard(made.immediate, true),
      exclusive: guard(made.exclusive, true),
      database: sqlite,
    });
    return wrapped;
  };
}

/** The write-turn flag of `db`'s connection (see takeTurns), for a second writer to respect. */
export function writeTurnsOf(db: Db): Int32Array {
  return handleOf(db).turns;
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
  handleOf(db).onClose.unshift(hook);
}

class ClosingSqliteDriver extends SqliteDriver {
  constructor(private readonly handle: Handle) {
    super({ database: handle.sqlite });
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
  const turns = new Int32Array(new SharedArrayBuffer(4));
  takeTurns(sqlite, turns);
  const handle: Handle = { sqlite, onClose: [], turns };
  const db = new Kysely<Database>({ dialect: new HubSqliteDialect(handle) });
  raw.set(db, handle);
  return db;
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
