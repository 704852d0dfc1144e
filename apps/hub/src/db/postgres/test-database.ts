import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateToLatest } from '../index.js';
import { migrations } from '../migrations/index.js';
import { openPostgres, redactUrl } from './connect.js';

/** Where tests create their databases when none is named (CI and the development machines: trust auth). */
export const DEFAULT_TEST_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
/** Prefix of every database tests create, so a sweep can find what a killed run left behind. */
export const TEST_DATABASE_PREFIX = 'synchub_t_';
/**
 * The migrated database test hubs are copied from (CREATE DATABASE … TEMPLATE): a copy takes tens of ms where
 * migrating an empty database takes seconds. Its comment is the fingerprint of the migrations it ran.
 */
export const TEMPLATE_DATABASE = 'synchub_template';
/**
 * Advisory lock on the server's admin database guarding the template across vitest workers: held exclusive to
 * build or drop it, shared to copy it (a copy fails while a session is connected to the template).
 * scripts/test-postgres.mjs uses the same number.
 */
export const TEMPLATE_LOCK = 7_415_300_151;

export interface TestDatabase {
  /** URL of the fresh, empty database. */
  url: string;
  name: string;
  /** Drop it (after every pool to it is closed; connections still open are ended). */
  drop(): Promise<void>;
}

async function withAdmin<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `Cannot reach the PostgreSQL test server at ${redactUrl(serverUrl)} (${(error as Error).message}); start it or set SYNCHUB_TEST_DATABASE_URL`,
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The migrations' names and code: a template made by other migrations (an older checkout) is rebuilt. */
function migrationsFingerprint(): string {
  const hash = createHash('sha256');
  for (const [name, migration] of Object.entries(migrations)) hash.update(`${name}\n${String(migration.up)}\n`);
  return hash.digest('hex').slice(0, 32);
}

async function templateMatches(c: pg.Client, fingerprint: string): Promise<boolean> {
  const { rows } = await c.query<{ note: string | null }>(
    "SELECT shobj_description(oid, 'pg_database') AS note FROM pg_database WHERE datname = $1",
    [TEMPLATE_DATABASE],
  );
  return rows[0]?.note === fingerprint;
}

/** (Re)creates the template with every migration, as a hub's first start would; the comment is set last. */
async function buildTemplate(c: pg.Client, serverUrl: string, fingerprint: string): Promise<void> {
  await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  await c.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  const db = await openPostgres(databaseUrl(serverUrl, TEMPLATE_DATABASE), { max: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  await c.query(`COMMENT ON DATABASE ${TEMPLATE_DATABASE} IS '${fingerprint}'`);
}

/** CREATE DATABASE `name` as a copy of the template, building the template first when it is missing or stale. */
async function copyTemplate(c: pg.Client, serverUrl: string, name: string): Promise<void> {
  const fingerprint = migrationsFingerprint();
  // A second round only when another run dropped the template between our build and our copy.
  for (let round = 0; round < 3; round++) {
    await c.query('SELECT pg_advisory_lock_shared($1)', [TEMPLATE_LOCK]);
    let copied = false;
    try {
      if (await templateMatches(c, fingerprint)) {
        await c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
        copied = true;
      }
    } finally {
      await c.query('SELECT pg_advisory_unlock_shared($1)', [TEMPLATE_LOCK]);
    }
    if (copied) return;
    await c.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    try {
      // Another worker may have built it while this one waited for the lock.
      if (!(await templateMatches(c, fingerprint))) await buildTemplate(c, serverUrl, fingerprint);
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
    }
  }
  throw new Error(`The test template database ${TEMPLATE_DATABASE} kept disappearing before it could be copied`);
}

export interface TestDatabaseOptions {
  /** A copy of the template migrated to the current migrations (what a hub's first start makes), not empty. */
  migrated?: boolean;
}

/** A fresh database `synchub_t_<random>` on the server `serverUrl` points at (any database of it). */
export async function createTestDatabase(
  serverUrl: string = DEFAULT_TEST_SERVER,
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const name = `${TEST_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
  await withAdmin(serverUrl, async (c) => {
    if (options.migrated) await copyTemplate(c, serverUrl, name);
    else await c.query(`CREATE DATABASE ${name}`);
  });
  let dropped: Promise<void> | undefined;
  return {
    url: databaseUrl(serverUrl, name),
    name,
    drop() {
      dropped ??= withAdmin(serverUrl, async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
      return dropped;
    },
  };
}

/** Drop every test database left on the server (a run that was killed before its files cleaned up). */
export async function dropTestDatabases(serverUrl: string = DEFAULT_TEST_SERVER): Promise<number> {
  return withAdmin(serverUrl, async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [TEST_DATABASE_PREFIX],
    );
    for (const r of rows) await c.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
    return rows.length;
  });
}
