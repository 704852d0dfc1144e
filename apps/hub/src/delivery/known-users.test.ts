import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { isPostgres, sqliteOf } from '../db/index.js';
import { latestIdentifies } from '../db/postgres/stores.js';
import { createTestHub } from '../test-support.js';
import { createKnownUsers, LATEST_IDENTIFIES } from './known-users.js';

type TestHub = Awaited<ReturnType<typeof createTestHub>>;
let t: TestHub;

beforeEach(async () => {
  t = await createTestHub();
});
afterEach(() => t.close());

let seq = 0;
async function source(name: string) {
  const res = await t.request('POST', '/api/sources', { name });
  const { source, writeKey } = (await res.json()) as { source: { id: string }; writeKey: string };
  const send = async (batch: Array<Record<string, unknown>>) => {
    const answer = await t.hub.app.request('/v1/batch', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
      },
      body: JSON.stringify({ batch: batch.map((m) => ({ messageId: `k${++seq}`, ...m })) }),
    });
    expect(answer.status).toBe(200);
  };
  return { id: source.id, send };
}

describe('known users (what stored identify calls say about a userId)', () => {
  it("gives the latest email a source's identify calls gave that user", async () => {
    const app = await source('app');
    const other = await source('other');
    await app.send([
      { type: 'identify', userId: 'u1', traits: { email: 'old@x.com' } },
      { type: 'identify', userId: 'u1', traits: { email: ' new@x.com ', plan: 'pro' } },
      // Later calls without an email do not hide the known one.
      { type: 'identify', userId: 'u1', traits: { plan: 'team' } },
      { type: 'group', userId: 'u1', groupId: 'g', traits: { name: 'Acme', email: 'billing@acme.com' } },
      { type: 'identify', userId: 'u2', context: { traits: { email: 'ctx@x.com' } } },
      { type: 'identify', userId: 42, traits: { email: 'numeric@x.com' } },
      { type: 'track', userId: 'u3', event: 'Signed Up', properties: { email: 'track@x.com' } },
    ]);
    await other.send([{ type: 'identify', userId: 'u1', traits: { email: 'elsewhere@x.com' } }]);
    const users = createKnownUsers(t.hub.db);
    expect(await users.email(app.id, 'u1')).toBe('new@x.com');
    expect(await users.email(app.id, 'u2')).toBe('ctx@x.com');
    expect(await users.email(app.id, '42')).toBe('numeric@x.com');
    expect(await users.email(app.id, 'u3')).toBeUndefined();
    expect(await users.email(other.id, 'u1')).toBe('elsewhere@x.com');
    expect(await users.email(other.id, 'u9')).toBeUndefined();
  });

  it('reads through an index of identify calls, not a scan of the events', async () => {
    if (isPostgres(t.hub.db)) {
      // A few rows would be scanned anyway: with scans priced out, the plan shows the index can serve it.
      const plan = await t.hub.db.transaction().execute(async (trx) => {
        await sql`SET LOCAL enable_seqscan = off`.execute(trx);
        const query = latestIdentifies('s', 'u').compile(trx);
        const { rows } = await trx.executeQuery<{ 'QUERY PLAN': string }>({ ...query, sql: `EXPLAIN ${query.sql}` });
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
      expect(plan).toMatch(/events_identify_user/);
      expect(plan).not.toMatch(/Seq Scan on events/);
      return;
    }
    const plan = sqliteOf(t.hub.db).prepare(`EXPLAIN QUERY PLAN ${LATEST_IDENTIFIES}`).all('s', 'u') as Array<{
      detail: string;
    }>;
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX events_identify_user/);
    expect(plan.map((p) => p.detail).join('\n')).not.toMatch(/TEMP B-TREE/);
  });
});
