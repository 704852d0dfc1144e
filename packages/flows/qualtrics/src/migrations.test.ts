import Database from 'better-sqlite3';
import { type Kysely, Kysely as KyselyDb, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { carryLegacyCursor, LEGACY_CURSOR_KEY } from './legacy-cursor.js';
import { migrations } from './migrations.js';
import { CURSOR_KEY } from './rules.js';
import type { QualtricsTables } from './schema.js';

let db: Kysely<QualtricsTables>;
beforeEach(() => {
  db = new KyselyDb<QualtricsTables>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
});
afterEach(() => db.destroy());

const migrate = async () => {
  for (const name of Object.keys(migrations).sort()) await migrations[name]?.up(db);
};
const names = async (type: 'table' | 'index') =>
  (
    await sql<{
      name: string;
    }>`SELECT name FROM sqlite_master WHERE type = ${type} AND name NOT LIKE 'sqlite_%'`.execute(db)
  ).rows
    .map((r) => r.name)
    .sort();

/** What the hub's own migration 0006 created before the flow became a plugin (kept verbatim for this test). */
async function legacyTables() {
  await sql`CREATE TABLE workflow_triggers (id text primary key, name text not null unique, connection_id text not null,
    trigger_url text, username text, secret_hash text not null, secret_hint text not null, template_json text not null,
    enabled integer default 1 not null, created_at text not null, updated_at text not null)`.execute(db);
  await sql`CREATE TABLE trigger_rules (id text primary key, trigger_id text not null, source_id text,
    event_type text not null, event_name text not null, enabled integer default 1 not null,
    after_event_id integer not null, created_at text not null)`.execute(db);
  await sql`CREATE INDEX trigger_rules_trigger ON trigger_rules (trigger_id)`.execute(db);
  await sql`CREATE TABLE trigger_deliveries (id integer primary key autoincrement, trigger_id text not null,
    origin text not null, origin_ref text, payload_json text not null, state text not null, status_code integer,
    event_id text, request_id text, attempts integer default 0 not null, next_attempt_at integer default 0 not null,
    last_error_json text, created_at integer not null, updated_at integer not null, delivered_at integer)`.execute(db);
  await sql`CREATE INDEX trigger_deliveries_due ON trigger_deliveries (state, next_attempt_at, id)`.execute(db);
  await sql`CREATE INDEX trigger_deliveries_trigger ON trigger_deliveries (trigger_id, id)`.execute(db);
  await sql`CREATE UNIQUE INDEX trigger_deliveries_origin_unique ON trigger_deliveries (trigger_id, origin, origin_ref)`.execute(
    db,
  );
}

const delivery = {
  trigger_id: 't1',
  origin: 'event' as const,
  origin_ref: '7',
  payload_json: '{}',
  state: 'delivered' as const,
  attempts: 1,
  next_attempt_at: 0,
  created_at: 1,
  updated_at: 1,
};

describe('plugin migrations', () => {
  it('create the three tables and their indexes on a fresh database, and may run again', async () => {
    await migrate();
    await migrate();
    expect(await names('table')).toEqual(['trigger_deliveries', 'trigger_rules', 'workflow_triggers']);
    expect(await names('index')).toEqual([
      'trigger_deliveries_due',
      'trigger_deliveries_origin_unique',
      'trigger_deliveries_trigger',
      'trigger_rules_trigger',
    ]);
  });

  it('keep the tables and rows of a database that ran the hub-side migration', async () => {
    await legacyTables();
    await db
      .insertInto('workflow_triggers')
      .values({
        id: 't1',
        name: 'Onboarding',
        connection_id: 'c1',
        trigger_url: null,
        username: null,
        secret_hash: 'h',
        secret_hint: '…abcd',
        template_json: '[]',
        enabled: 1,
        created_at: 'x',
        updated_at: 'x',
      })
      .execute();
    await db.insertInto('trigger_deliveries').values(delivery).execute();
    await migrate();
    expect(await db.selectFrom('workflow_triggers').select(['id', 'name']).execute()).toEqual([
      { id: 't1', name: 'Onboarding' },
    ]);
    expect(await db.selectFrom('trigger_deliveries').select('origin_ref').execute()).toEqual([{ origin_ref: '7' }]);
    // The unique index still holds: one delivery per trigger and event.
    await expect(db.insertInto('trigger_deliveries').values(delivery).execute()).rejects.toThrow(/UNIQUE/);
  });
});

describe('the rule cursor of hubs from before the plugin', () => {
  const memoryState = () => {
    const map = new Map<string, unknown>();
    return {
      map,
      get: async <T>(key: string) => map.get(key) as T | undefined,
      set: async (key: string, value: unknown) => void map.set(key, value),
      delete: async (key: string) => void map.delete(key),
      list: async () => [...map].map(([key, value]) => ({ key, value })),
    };
  };

  it("is carried once from the hub's meta row into the service's state; the row is left alone", async () => {
    await sql`CREATE TABLE meta (key text primary key, value text not null)`.execute(db);
    await sql`INSERT INTO meta (key, value) VALUES (${LEGACY_CURSOR_KEY}, '4242')`.execute(db);
    const state = memoryState();
    expect(await carryLegacyCursor({ database: db, state })).toBe(4242);
    expect(state.map.get(CURSOR_KEY)).toBe(4242);
    // Once the state has a cursor, the old row is never read again.
    state.map.set(CURSOR_KEY, 5000);
    expect(await carryLegacyCursor({ database: db, state })).toBeUndefined();
    expect(state.map.get(CURSOR_KEY)).toBe(5000);
    const { rows } = await sql<{ value: string }>`SELECT value FROM meta`.execute(db);
    expect(rows).toEqual([{ value: '4242' }]);
  });

  it('leaves the state empty without a meta table or row', async () => {
    const state = memoryState();
    expect(await carryLegacyCursor({ database: db, state })).toBeUndefined();
    await sql`CREATE TABLE meta (key text primary key, value text not null)`.execute(db);
    expect(await carryLegacyCursor({ database: db, state })).toBeUndefined();
    expect(state.map.size).toBe(0);
  });
});
