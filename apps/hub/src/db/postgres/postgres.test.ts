import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTestEnv } from '../../env.js';
import { createTestHub, type TestHub } from '../../test-support.js';
import { openStore } from '../index.js';
import { checkServerVersion, redactUrl } from './connect.js';
import { dueEventsQuery } from './engine-store.js';

describe('PostgreSQL connection settings', () => {
  it('never shows the password of a database URL', () => {
    expect(redactUrl('postgres://hub:s3cret@db.example:5432/synchub')).toBe(
      'postgres://hub:***@db.example:5432/synchub',
    );
    expect(redactUrl('postgres://db.example/synchub')).toBe('postgres://db.example/synchub');
  });

  it('refuses a server older than 15, saying which version it found', () => {
    expect(() => checkServerVersion(140011, 'postgres://db/x')).toThrow(
      'PostgreSQL 15 or newer is required; postgres://db/x runs 14.11',
    );
    expect(() => checkServerVersion(150020, 'x')).not.toThrow();
  });

  it('refuses a URL that is not postgres://', async () => {
    await expect(openStore({ file: ':memory:', databaseUrl: 'mysql://u:pw@h/db' })).rejects.toThrow(
      'must start with postgres:// or postgresql:// (got mysql://u:***@h/db)',
    );
  });
});

// The rest needs the PostgreSQL test server: it runs in `pnpm test:postgres` (SYNCHUB_TEST_STORE=postgres).
describe.skipIf(readTestEnv().store !== 'postgres')('PostgreSQL store', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await createTestHub();
  });
  afterAll(() => t?.close());

  it('survives losing the connection of a transaction in progress (a database restart), failing that transaction', async () => {
    const outcome = await t.hub.db
      .transaction()
      .execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
        // From another connection of the pool: the transaction's own server process goes away between statements.
        await sql`SELECT pg_terminate_backend(${rows[0]?.pid})`.execute(t.hub.db);
        await new Promise((r) => setTimeout(r, 300));
        await sql`SELECT 1`.execute(trx);
        return 'committed';
      })
      .catch((error: Error) => `failed: ${error.message}`);
    expect(outcome).toMatch(/^failed: /);
    // The pool goes on with a fresh connection.
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(t.hub.db);
    expect(Number(rows[0]?.one)).toBe(1);
  });

  it('says where it could not connect, without the password', async () => {
    const error = await openStore({ file: ':memory:', databaseUrl: 'postgres://postgres:hunter22@127.0.0.1:1/x' }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toContain('postgres://postgres:***@127.0.0.1:1/x');
    expect(error?.message).not.toContain('hunter22');
  });

  it('migrates to 64-bit integers, doubles and identity ids', async () => {
    const { rows } = await sql<{ table_name: string; column_name: string; data_type: string; is_identity: string }>`
      SELECT table_name, column_name, data_type, is_identity FROM information_schema.columns
      WHERE table_schema = 'public' AND (table_name, column_name) IN
        (('events', 'id'), ('events', 'received_at'), ('accounts', 'arr'), ('limiter_windows', 'count'))
      ORDER BY table_name, column_name`.execute(t.hub.db);
    expect(
      rows.map((r) => `${r.table_name}.${r.column_name} ${r.data_type}${r.is_identity === 'YES' ? ' identity' : ''}`),
    ).toEqual([
      'accounts.arr double precision',
      'events.id bigint identity',
      'events.received_at bigint',
      'limiter_windows.count bigint',
    ]);
  });

  it('stores a request in one statement, each messageId once per source', async () => {
    const { source, writeKey } = (await (await t.request('POST', '/api/sources', { name: 'pg ingest' })).json()) as {
      source: { id: string };
      writeKey: string;
    };
    const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
    const batch = (ids: string[]) =>
      t.hub.app.request('/v1/batch', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify({ batch: ids.map((id) => ({ type: 'track', event: 'E', userId: 'u', messageId: id })) }),
      });
    // Concurrent requests sharing ids (and a duplicate inside one): every one answered 200 after commit.
    const answers = await Promise.all([batch(['a', 'b', 'b']), batch(['b', 'c']), batch(['a', 'd'])]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const stored = await t.hub.db
      .selectFrom('events')
      .select('message_id')
      .where('source_id', '=', source.id)
      .orderBy('message_id')
      .execute();
    expect(stored.map((r) => r.message_id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('claims due events through the partial index, not a scan of the events', async () => {
    const db = t.hub.db;
    const now = Date.now();
    await db
      .insertInto('destinations')
      .values({
        id: 'd-plan',
        name: 'plan',
        kind: 'memo',
        connection_id: 'c',
        settings_json: '{}',
        enabled: 1,
        created_at: '',
        updated_at: '',
      })
      .execute();
    await db
      .insertInto('sources')
      .values(
        Array.from({ length: 20 }, (_, i) => ({
          id: `s-plan-${i}`,
          name: `plan ${i}`,
          write_key_hash: `h${i}`,
          write_key_hint: 'x',
          destination_id: i === 0 ? 'd-plan' : null,
          created_at: '',
          updated_at: '',
        })),
      )
      .execute();
    // A large history of delivered events and a short queue: what a long-running hub's table looks like.
    await sql`INSERT INTO events (source_id, message_id, type, received_at, payload_json, state, attempts,
        next_attempt_at, updated_at, delivered_at)
      SELECT 's-plan-' || (g % 20), 'm' || g, 'track', ${now}, '{}', 'delivered', 1, 0, ${now}, ${now}
      FROM generate_series(1, 50000) AS g`.execute(db);
    await sql`INSERT INTO events (source_id, message_id, type, received_at, payload_json, state, attempts,
        next_attempt_at, updated_at)
      SELECT 's-plan-' || (g % 20), 'q' || g, 'track', ${now}, '{}', 'received', 0, 0, ${now}
      FROM generate_series(1, 40) AS g`.execute(db);
    await sql`ANALYZE events`.execute(db);
    await sql`ANALYZE sources`.execute(db);

    const query = dueEventsQuery('d-plan', now, 20_000).compile(db);
    const { rows } = await db.executeQuery<{ 'QUERY PLAN': string }>({
      ...query,
      sql: `EXPLAIN ${query.sql}`,
    });
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain('events_queued');
    expect(plan).not.toMatch(/Seq Scan on events/);
    expect((await dueEventsQuery('d-plan', now, 20_000).execute(db)).rows).toHaveLength(2);
  });
});
