import { Kysely, PostgresAdapter, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import type { Database } from '../schema.js';
import { PortableSchemaPlugin } from './portable-schema.js';

/** The oldest PostgreSQL the hub runs on (MERGE, NULLS NOT DISTINCT, faster sorts: 15). */
export const MIN_POSTGRES_VERSION = 15;

const INT8 = 20;
const NUMERIC = 1700;

/**
 * Our integers are millisecond timestamps and counts, well inside 2^53: read `bigint` (and the `numeric`
 * of `sum()`) as JavaScript numbers, as better-sqlite3 gives them, instead of pg's default strings.
 * Per pool, not pg's global parsers, so another pg user in the same process is not changed.
 */
const typesOf = (driver: typeof pg): pg.CustomTypesConfig =>
  ({
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
      return driver.types.getTypeParser(oid, format);
    },
  }) as pg.CustomTypesConfig;

/** Refuse a server older than MIN_POSTGRES_VERSION (`server_version_num`, e.g. 150020 for 15.20). */
export function checkServerVersion(versionNum: number, where: string): void {
  const major = Math.floor(versionNum / 10_000);
  if (major < MIN_POSTGRES_VERSION) {
    throw new Error(
      `PostgreSQL ${MIN_POSTGRES_VERSION} or newer is required; ${where} runs ${major}.${versionNum % 10_000}`,
    );
  }
}

/** `url` with its password replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export interface PostgresOptions {
  /** Most connections the pool opens (default 10). */
  max?: number;
}

/**
 * A Kysely over a pg pool to `url`, after checking the server is PostgreSQL 15 or newer (a clear refusal
 * otherwise). Errors name the server without the password.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Kysely<Database>> {
  // Loaded here, not at the top: a hub on SQLite (the default) never pays for pg at start.
  const { default: driver } = await import('pg');
  const pool = new driver.Pool({ connectionString: url, max: options.max ?? 10, types: typesOf(driver) });
  // An idle client that loses its server (a restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // The pool listens only to idle clients: one checked out (a transaction between two statements) that loses its
  // server (a restart, a terminated backend) would emit an error nobody hears, which ends the process. The
  // statement in flight, or the next one on that client, fails instead, and the pool drops the broken client.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new PortableSchemaPlugin()] });
  try {
    const { rows } = await sql<{ server_version_num: string }>`SHOW server_version_num`.execute(db);
    checkServerVersion(Number(rows[0]?.server_version_num ?? 0), redactUrl(url));
  } catch (error) {
    await db.destroy();
    const message = (error as Error).message ?? String(error);
    if (message.startsWith('PostgreSQL ')) throw error;
    throw new Error(
      `Cannot use the PostgreSQL database at ${redactUrl(url)}: ${message.replaceAll(url, redactUrl(url))}`,
      {
        cause: error,
      },
    );
  }
  return db;
}

/** Whether `db` (or a transaction of it) talks to PostgreSQL. */
export function isPostgres(db: Kysely<unknown> | Kysely<Database>): boolean {
  return (db as Kysely<unknown>).getExecutor().adapter instanceof PostgresAdapter;
}
