import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type MigrationResultSet, Migrator, SqliteDialect } from 'kysely';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

/**
 * The better-sqlite3 handle behind a Kysely instance, for the few hot paths (ingest) where a prepared
 * statement in one synchronous transaction beats building a query per row.
 */
const raw = new WeakMap<Db, SQLite.Database>();
export function sqliteOf(db: Db): SQLite.Database {
  const handle = raw.get(db);
  if (!handle) throw new Error('This Kysely instance was not opened by openDatabase');
  return handle;
}

/** Open (creating if needed) the hub's SQLite file with WAL and full durability for acknowledged writes. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before we answer "ok" (durable first), even with WAL.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  raw.set(db, sqlite);
  return db;
}

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed: ${(result.error as Error).message ?? result.error}`, {
      cause: result.error,
    });
  }
  return result;
}

export type { Database } from './schema.js';
