import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { isPostgres, sqliteOf } from '../db/index.js';
import { createTestHub } from '../test-support.js';

type TestHub = Awaited<ReturnType<typeof createTestHub>>;
let t: TestHub;
let writeKey: string;
let sourceId: string;

beforeEach(async () => {
  t = await createTestHub();
  const res = await t.request('POST', '/api/sources', { name: 'web app' });
  const body = (await res.json()) as { source: { id: string }; writeKey: string };
  writeKey = body.writeKey;
  sourceId = body.source.id;
});
afterEach(() => t.hub.close());

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
const send = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  t.hub.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic(writeKey), ...headers },
    body:
      typeof body === 'string' || body instanceof Uint8Array
        ? (body as NonNullable<RequestInit['body']>)
        : JSON.stringify(body),
  });
const stored = async () => (await t.hub.db.selectFrom('events').selectAll().orderBy('id').execute()) ?? [];

const identify = (n: number, extra: Record<string, unknown> = {}) => ({
  type: 'identify',
  messageId: `m-${n}`,
  userId: `u-${n}`,
  traits: { email: `user${n}@example.com` },
  ...extra,
});

describe('ingest API (Segment / RudderStack spec)', () => {
  it('stores each call type durably before answering 200', async () => {
    const calls: Array<[string, unknown]> = [
      ['/v1/identify', { userId: 'u1', traits: { email: 'a@b.com' } }],
      ['/v1/group', { userId: 'u1', groupId: 'g1', traits: { name: 'Acme' } }],
      ['/v1/track', { anonymousId: 'anon', event: 'Signed Up', properties: { plan: 'pro' } }],
      ['/v1/page', { userId: 'u1', name: 'Home' }],
    ];
    for (const [path, body] of calls) {
      const res = await send(path, body);
      expect(res.status, path).toBe(200);
      expect(await res.json()).toMatchObject({ success: true });
    }
    const rows = await stored();
    expect(rows.map((r) => [r.type, r.state, r.source_id])).toEqual([
      ['identify', 'received', sourceId],
      ['group', 'received', sourceId],
      ['track', 'received', sourceId],
      ['page', 'received', sourceId],
    ]);
    expect(rows.every((r) => r.message_id.length > 0)).toBe(true);
  });

  it('accepts a batch with top-level context merged into each message', async () => {
    const res = await send('/v1/batch', {
      batch: [identify(1), { type: 'track', event: 'X', userId: 'u1', messageId: 'm-2' }],
      context: { library: { name: 'test' } },
    });
    expect(res.status).toBe(200);
    const rows = await stored();
    expect(rows).toHaveLength(2);
    expect(JSON.parse(rows[1]?.payload_json ?? '{}').context.library.name).toBe('test');
  });

  it('deduplicates by messageId per source', async () => {
    await send('/v1/batch', { batch: [identify(1), identify(2)] });
    const res = await send('/v1/batch', { batch: [identify(2), identify(3)] });
    expect(await res.json()).toMatchObject({ success: true, stored: 1, duplicates: 1 });
    expect((await stored()).map((r) => r.message_id)).toEqual(['m-1', 'm-2', 'm-3']);
  });

  it('answers concurrent requests with the same messageId 200 and stores the message once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => send('/v1/batch', { batch: [identify(1), identify(100 + i)] })),
    );
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as Array<{ stored: number; duplicates: number }>;
    expect(answers.map((r) => r.status)).toEqual(Array.from({ length: 8 }, () => 200));
    expect(bodies.reduce((n, b) => n + b.duplicates, 0)).toBe(7);
    expect(bodies.reduce((n, b) => n + b.stored, 0)).toBe(9);
    expect((await stored()).filter((r) => r.message_id === 'm-1')).toHaveLength(1);
  });

  it('a request the database refuses gets a 500 and stores nothing; concurrent ones are stored', async () => {
    if (isPostgres(t.hub.db)) {
      await sql`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
          IF NEW.message_id = 'm-13' THEN RAISE EXCEPTION 'refused by a constraint'; END IF; RETURN NEW; END $$`.execute(
        t.hub.db,
      );
      await sql`CREATE TRIGGER refuse BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse()`.execute(t.hub.db);
    } else
      sqliteOf(t.hub.db).exec(
        `CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.message_id = 'm-13'
       BEGIN SELECT RAISE(ABORT, 'refused by a constraint'); END`,
      );
    const [good, bad, other] = await Promise.all([
      send('/v1/batch', { batch: [identify(11), identify(12)] }),
      send('/v1/batch', { batch: [identify(14), identify(13)] }),
      send('/v1/identify', identify(15)),
    ]);
    expect([good.status, bad.status, other.status]).toEqual([200, 500, 200]);
    expect((await stored()).map((r) => r.message_id).sort()).toEqual(['m-11', 'm-12', 'm-15']);
  });

  it('inflates gzip bodies (the RudderStack SDK gzips by default)', async () => {
    const res = await send('/v1/batch', gzipSync(JSON.stringify({ batch: [identify(7)] })), {
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(200);
    expect(await stored()).toHaveLength(1);
  });

  it('accepts the write key in the body too', async () => {
    const res = await send('/v1/identify', { ...identify(1), writeKey }, { authorization: '' });
    expect(res.status).toBe(200);
  });

  it('refuses the key of a deleted source', async () => {
    await t.request('DELETE', `/api/sources/${sourceId}`);
    expect((await send('/v1/identify', identify(1))).status).toBe(401);
  });

  it('rotating a key stops the old one at once', async () => {
    const rotated = (await (await t.request('POST', `/api/sources/${sourceId}/rotate-key`)).json()) as {
      writeKey: string;
    };
    expect((await send('/v1/identify', identify(1))).status).toBe(401);
    expect((await send('/v1/identify', identify(2), { authorization: basic(rotated.writeKey) })).status).toBe(200);
  });

  it('never shows a write key after creation', async () => {
    const list = await (await t.request('GET', '/api/sources')).text();
    expect(list).not.toContain(writeKey);
    expect(list).toContain(writeKey.slice(-4));
  });
});

describe('ingest bad input: clear 4xx, nothing stored half-way', () => {
  const cases: Array<[string, string, unknown, number, RegExp]> = [
    ['malformed JSON', '/v1/batch', '{"batch": [', 400, /not valid JSON/],
    ['body not an object', '/v1/identify', '[1,2]', 400, /must be a JSON object/],
    ['batch not an array', '/v1/batch', { batch: 'x' }, 400, /batch must be an array/],
    ['empty batch', '/v1/batch', { batch: [] }, 400, /batch is empty/],
    ['missing type in batch', '/v1/batch', { batch: [{ userId: 'u' }] }, 400, /batch\[0\]\.type: type is required/],
    ['unknown type', '/v1/batch', { batch: [{ type: 'purchase', userId: 'u' }] }, 400, /unknown type "purchase"/],
    ['track without event', '/v1/track', { userId: 'u' }, 400, /event/],
    ['no user id at all', '/v1/identify', { traits: {} }, 400, /userId or anonymousId is required/],
    ['group without groupId', '/v1/group', { userId: 'u' }, 400, /groupId/],
  ];

  it.each(cases)('%s → %i', async (_label, path, body, status, message) => {
    const res = await send(path, body);
    expect(res.status).toBe(status);
    const json = (await res.json()) as { error: { message: string } };
    expect(json.error.message).toMatch(message);
    expect(await stored()).toHaveLength(0);
  });

  it('one bad message in a batch rejects the whole batch and stores none', async () => {
    const res = await send('/v1/batch', { batch: [identify(1), identify(2), { type: 'track', userId: 'u' }] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { issues: Array<{ path: string }> } }).error.issues[0]?.path).toBe(
      'batch[2].event',
    );
    expect(await stored()).toHaveLength(0);
  });

  it('wrong or missing write key → 401', async () => {
    expect((await send('/v1/identify', identify(1), { authorization: basic('wk_nope') })).status).toBe(401);
    expect((await send('/v1/identify', identify(1), { authorization: '' })).status).toBe(401);
    expect(await stored()).toHaveLength(0);
  });

  it('a body over 500 KB → 413', async () => {
    const big = Array.from({ length: 40 }, (_, i) =>
      identify(i, { traits: { email: 'a@b.c', blob: 'x'.repeat(15_000) } }),
    );
    const res = await send('/v1/batch', { batch: big });
    expect(res.status).toBe(413);
    expect(await stored()).toHaveLength(0);
  });

  it('a message over 32 KB → 400 naming it', async () => {
    const res = await send('/v1/batch', {
      batch: [identify(1), identify(2, { traits: { email: 'a@b.c', blob: 'x'.repeat(40_000) } })],
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/batch\[1\].*at most 32768/);
  });

  it('a gzip bomb → 413, bad gzip → 400', async () => {
    const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024, 0x20));
    expect((await send('/v1/batch', bomb, { 'content-encoding': 'gzip' })).status).toBe(413);
    expect((await send('/v1/batch', 'not gzip', { 'content-encoding': 'gzip' })).status).toBe(400);
  });
});
