import fs from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CONTRACT_VERSION, ConnectorError, defineConnector, defineDestination, MINUTE } from '@synchub/core';
import type { LoadedConnector } from '@synchub/registry';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { openPostgres } from '../db/postgres/connect.js';
import { createLeaseManager } from '../db/postgres/leases.js';
import { createTestDatabase } from '../db/postgres/test-database.js';
import { readTestEnv } from '../env.js';
import { createTestHub, type TestHub } from '../test-support.js';
import { deliveryLeaseName } from './engine.js';

/**
 * Several hubs on one PostgreSQL database deliver to one destination: one at a time, under its lease
 * (db/postgres/leases.ts), with every write of a delivery fenced by it. The vendor is a small HTTP server
 * that records each call with the hub that made it (a header each hub's fetch adds).
 */

interface Call {
  hub: string;
  ns: number[];
}

function createVendor() {
  const calls: Call[] = [];
  const held: Array<() => void> = [];
  const state = { holdNext: 0, aborted: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const { records } = JSON.parse(body) as { records: Array<{ n: number }> };
      calls.push({ hub: String(req.headers['x-hub']), ns: records.map((r) => r.n) });
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      };
      if (state.holdNext > 0) {
        state.holdNext -= 1;
        held.push(answer);
        // The caller gave up on the call (its signal aborted the request).
        res.on('close', () => {
          if (!res.writableEnded) state.aborted += 1;
        });
      } else setTimeout(answer, 20);
    });
  });
  return {
    calls,
    server,
    url: '',
    /** The next `n` calls get no answer until `answerHeld()`. */
    hold(n: number) {
      state.holdNext = n;
    },
    answerHeld() {
      for (const answer of held.splice(0)) answer();
    },
    heldCount: () => held.length,
    aborted: () => state.aborted,
    /** Each n received, with how many times. */
    received(): Map<number, number> {
      const seen = new Map<number, number>();
      for (const c of calls) for (const n of c.ns) seen.set(n, (seen.get(n) ?? 0) + 1);
      return seen;
    },
  };
}

function tallyConnector() {
  const settings = z.object({ baseUrl: z.string() });
  return defineConnector({
    id: 'tally',
    name: 'Tally',
    version: '1.0.0',
    contractVersion: CONTRACT_VERSION,
    settings,
    secrets: z.object({}),
    check: async () => ({ summary: 'ok', details: {} }),
    discover: async () => [],
    streams: {},
    writers: {
      events: {
        name: 'events',
        mode: 'insert' as const,
        batchSize: 50,
        bucket: 'api',
        async write({ settings: s, ctx, records }) {
          const res = await ctx.fetch(`${s.baseUrl}/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ records }),
            signal: ctx.signal,
          });
          if (!res.ok) throw new ConnectorError('transient', `status ${res.status}`, { status: res.status });
          return records.map(() => ({ ok: true as const }));
        },
      },
    },
    rateLimit: { buckets: { api: [{ limit: 10_000, windowMs: MINUTE }] }, defaultBucket: 'api', key: (s) => s.baseUrl },
    destination: defineDestination({
      title: 'Tally events',
      description: 'track → event',
      settings: z.object({}),
      messageTypes: ['track'],
      merge: false,
      map: (message) => ({
        records: [{ writer: 'events', record: { n: Number((message.properties as { n?: unknown })?.n) } }],
      }),
    }),
  });
}

const tally: LoadedConnector = {
  definition: tallyConnector() as unknown as LoadedConnector['definition'],
  packageName: '@acme/tally',
  packageDir: '/nonexistent',
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanups.splice(0).reverse()) await close().catch(() => {});
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function setUp(ttlMs: number) {
  const vendor = createVendor();
  await new Promise<void>((resolve) => vendor.server.listen(0, '127.0.0.1', resolve));
  vendor.url = `http://127.0.0.1:${(vendor.server.address() as AddressInfo).port}`;
  cleanups.push(() => new Promise((resolve) => vendor.server.close(() => resolve())));
  const fetchAs =
    (hub: string): typeof fetch =>
    (input, init) =>
      fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), 'x-hub': hub } });
  // One database and one data dir (the same secret key) for every hub, as several processes would share them.
  const database = await createTestDatabase(readTestEnv().databaseUrl, { migrated: true });
  cleanups.push(() => database.drop());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-leases-'));
  cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const db = await openPostgres(database.url, { max: 2 });
  cleanups.push(() => db.destroy());
  const options = {
    extraConnectors: [tally],
    leaseTtlMs: ttlMs,
    leaseRenewMs: Math.floor(ttlMs / 4),
    dataDir,
    databaseUrl: database.url,
  };
  const hub = async (name: string) => {
    const t = await createTestHub({ ...options, fetch: fetchAs(name) });
    cleanups.push(() => t.close());
    return t;
  };
  const a = await hub('a');
  const b = await hub('b');

  const conn = await a.request('POST', '/api/connections', {
    connectorId: 'tally',
    name: 'tally',
    settings: { baseUrl: vendor.url },
    secrets: {},
  });
  expect(conn.status).toBe(201);
  const connectionId = ((await conn.json()) as { connection: { id: string } }).connection.id;
  const dest = await a.request('POST', '/api/destinations', {
    name: 'tally',
    kind: 'tally',
    connectionId,
    settings: { flushWindowMs: 100 },
  });
  expect(dest.status).toBe(201);
  const destinationId = ((await dest.json()) as { destination: { id: string } }).destination.id;
  const src = await a.request('POST', '/api/sources', { name: 'app', destinationId });
  const { writeKey } = (await src.json()) as { writeKey: string };
  let next = 0;
  /** `count` track events with unique n, through hub `t`; returns their n. */
  const ingest = async (t: TestHub, count: number) => {
    const ns = Array.from({ length: count }, () => ++next);
    const res = await t.hub.app.request('/v1/batch', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
      },
      body: JSON.stringify({
        batch: ns.map((n) => ({ type: 'track', event: 'E', userId: 'u', messageId: `m${n}`, properties: { n } })),
      }),
    });
    expect(res.status).toBe(200);
    return ns;
  };
  const events = () => db.selectFrom('events').selectAll().orderBy('id').execute();
  const holder = async () =>
    (
      await db
        .selectFrom('leases')
        .selectAll()
        .where('name', '=', deliveryLeaseName(destinationId))
        .where(sql<boolean>`expires_at > (extract(epoch from clock_timestamp()) * 1000)::bigint`)
        .executeTakeFirst()
    )?.owner;
  return { vendor, db, a, b, hub, destinationId, ingest, events, holder };
}

// Needs the PostgreSQL test server: `pnpm test:postgres` (SYNCHUB_TEST_STORE=postgres; fails in CI when unreachable).
describe.skipIf(readTestEnv().store !== 'postgres')('several hubs on one PostgreSQL deliver a destination', () => {
  it('one hub at a time: each event reaches the vendor once, and never from two hubs at once', async () => {
    const { vendor, a, b, ingest, events, holder } = await setUp(10_000);
    const sent = [...(await ingest(a, 40)), ...(await ingest(b, 40))];
    // Both hubs try to deliver, side by side, until nothing is left.
    for (let round = 0; round < 6; round++) {
      const [fromA, fromB] = await Promise.all([a.hub.engine.runOnce(), b.hub.engine.runOnce()]);
      if (fromA.length === 0 && fromB.length === 0) break;
      await ingest(round % 2 ? a : b, 5).then((ns) => sent.push(...ns));
    }
    await Promise.all([a.hub.engine.drain(), b.hub.engine.drain()]);

    expect((await events()).every((e) => e.state === 'delivered' && e.attempts === 1)).toBe(true);
    expect(vendor.received()).toEqual(new Map(sent.map((n) => [n, 1])));
    // Every call came from the lease's holder: the other hub never sent.
    const hubs = new Set(vendor.calls.map((c) => c.hub));
    expect(hubs.size).toBe(1);
    expect(await holder()).toBe((hubs.has('a') ? a : b).hub.leases?.owner);
  });

  it('a stopped holder hands over at once; a dead one (no renewals) after its lease expires', {
    timeout: 60_000,
  }, async () => {
    const ttl = 3_000;
    const { vendor, db, a, b, hub, destinationId, ingest, events, holder } = await setUp(ttl);
    a.hub.engine.start();
    await ingest(a, 10);
    await vi.waitFor(async () => expect((await events()).every((e) => e.state === 'delivered')).toBe(true), {
      timeout: 10_000,
    });
    expect(await holder()).toBe(a.hub.leases?.owner);
    b.hub.engine.start();

    // A clean stop releases the lease: the other hub delivers well before the lease would have expired.
    await a.close();
    const stoppedAt = Date.now();
    await ingest(b, 10);
    await vi.waitFor(async () => expect((await events()).every((e) => e.state === 'delivered')).toBe(true), {
      timeout: 10_000,
    });
    expect(Date.now() - stoppedAt).toBeLessThan(ttl);
    expect(await holder()).toBe(b.hub.leases?.owner);
    await b.close();

    // A process that died holding the lease: nobody delivers until it expires, then a hub takes over within
    // the lease time and one refresh.
    const c = await hub('c');
    const dead = await createLeaseManager(db, { owner: 'dead-process', ttlMs: ttl }).acquire(
      deliveryLeaseName(destinationId),
    );
    expect(dead).toBeDefined();
    const diedAt = Date.now();
    const before = vendor.calls.length;
    c.hub.engine.start();
    await ingest(c, 10);
    await sleep(ttl / 2);
    expect(vendor.calls.length).toBe(before);
    expect((await events()).filter((e) => e.state === 'received')).toHaveLength(10);
    await vi.waitFor(async () => expect((await events()).every((e) => e.state === 'delivered')).toBe(true), {
      timeout: ttl + 10_000,
      interval: 100,
    });
    const tookOver = Date.now() - diedAt;
    expect(tookOver).toBeGreaterThanOrEqual(ttl - 200);
    expect(tookOver).toBeLessThan(ttl + 1_000 + 2_000); // lease time + the engine's refresh (1 s) + slack
    expect(await holder()).toBe(c.hub.leases?.owner);
  });

  it('a holder that was paused past its lease records nothing when it wakes up', async () => {
    const ttl = 1_000;
    const { vendor, db, a, b, ingest, events, holder } = await setUp(ttl);
    const ns = await ingest(a, 5);
    // Hub a takes the lease and sends; the vendor keeps its answer, and a renews nothing meanwhile (runOnce
    // without the running engine: as a paused process).
    vendor.hold(1);
    const paused = a.hub.engine.runOnce();
    await vi.waitFor(() => expect(vendor.heldCount()).toBe(1));
    expect(await holder()).toBe(a.hub.leases?.owner);
    // Its lease expires; hub b takes the destination over and delivers the same events.
    await sleep(ttl + 200);
    await b.hub.engine.drain();
    expect(await holder()).toBe(b.hub.leases?.owner);
    expect((await events()).map((e) => e.state)).toEqual([
      'delivered',
      'delivered',
      'delivered',
      'delivered',
      'delivered',
    ]);
    // Hub a wakes up: the vendor answers its call. Its fates and its answered send are refused.
    vendor.answerHeld();
    await paused;
    const rows = await events();
    // One attempt each (b's); a's send stays counted as unanswered: a possible duplicate, said on the event.
    expect(rows.map((e) => [e.state, e.attempts, e.unanswered_sends])).toEqual(ns.map(() => ['delivered', 1, 1]));
    expect(rows.every((e) => JSON.parse(e.last_error_json ?? '{}').code === 'possible_duplicate')).toBe(true);
    const attempts = await db.selectFrom('event_attempts').selectAll().execute();
    expect(attempts).toHaveLength(ns.length);
    // The vendor got the events twice: a's late publish in flight and b's.
    expect(vendor.calls.map((c) => c.hub)).toEqual(['a', 'b']);
    expect(vendor.received()).toEqual(new Map(ns.map((n) => [n, 2])));
    // a says so as a warning, not an error.
    const lines = a.lines.map((l) => JSON.parse(l) as { level: string; msg?: string; message?: string });
    expect(lines.some((l) => l.level === 'warn' && /lease lost/i.test(String(l.msg ?? l.message)))).toBe(true);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);

    // Nothing a writes later lands either: new events go to b only.
    await ingest(b, 3);
    await Promise.all([a.hub.engine.drain(), b.hub.engine.drain()]);
    expect(vendor.calls.map((c) => c.hub)).toEqual(['a', 'b', 'b']);
  });

  it('a holder whose renewal fails stops at once: its call in flight is aborted and nothing is recorded', async () => {
    const ttl = 2_000;
    const { vendor, db, a, destinationId, ingest, events } = await setUp(ttl);
    await ingest(a, 3);
    vendor.hold(1);
    a.hub.engine.start();
    await vi.waitFor(() => expect(vendor.heldCount()).toBe(1), { timeout: 10_000 });
    // Another process took the destination over behind a's back (as after a network split), for a while.
    await sql`UPDATE leases SET owner = 'elsewhere', epoch = epoch + 1, expires_at = expires_at + 60000
      WHERE name = ${deliveryLeaseName(destinationId)}`.execute(db);
    const takenAt = Date.now();
    // a's next renewal (every ttl/4) fails: the call still waiting for its answer is aborted then.
    await vi.waitFor(() => expect(vendor.aborted()).toBe(1), { timeout: 5_000, interval: 20 });
    expect(Date.now() - takenAt).toBeLessThan(ttl);
    await sleep(300);
    // Nothing recorded: the events wait for the new holder, a's send counted as unanswered (sent before).
    expect((await events()).map((e) => [e.state, e.attempts, e.unanswered_sends])).toEqual([
      ['received', 0, 1],
      ['received', 0, 1],
      ['received', 0, 1],
    ]);
    expect(vendor.calls).toHaveLength(1);
    const lines = a.lines.map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(lines.some((l) => l.level === 'warn' && l.msg.startsWith('Delivery lease lost'))).toBe(true);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    vendor.answerHeld();
  });
});
