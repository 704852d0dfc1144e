import { CONTRACT_VERSION, DAY, defineConnector, defineDestination, MINUTE, type WindowUsage } from '@synchub/core';
import type { LoadedConnector } from '@synchub/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type BacklogEntry, deliveryBucketOf, estimateBacklog } from './backlog.js';
import { createTestHub, type TestHub } from './test-support.js';

const minute = (used: number, limit = 100): WindowUsage => ({
  window: { limit, windowMs: MINUTE, label: 'minute' },
  used,
  limit,
  remaining: limit - used,
  resetsAt: 0,
});
const day = (used: number, limit: number, resetsAt: number): WindowUsage => ({
  window: { limit, windowMs: DAY, label: 'day' },
  used,
  limit,
  remaining: limit - used,
  resetsAt,
});

describe('estimateBacklog', () => {
  it('divides the waiting events by the events per call and by the calls per minute', () => {
    // 499 waiting, one event a call, 100 calls a minute: about 5 minutes.
    expect(estimateBacklog(499, 1, [minute(0)], 0)).toEqual({ calls: 499, ms: 299_400, limitedBy: null });
    expect(estimateBacklog(499, 5, [minute(0)], 0)).toEqual({ calls: 100, ms: MINUTE, limitedBy: null });
    // Fewer than one event a call is counted as one.
    expect(estimateBacklog(10, 0.5, [minute(0)], 0)?.calls).toBe(10);
  });

  it('says when a longer window has fewer calls left than the backlog needs', () => {
    const now = 1_000_000;
    const estimate = estimateBacklog(300, 1, [minute(0), day(9_900, 10_000, now + 3_600_000)], now);
    // 100 calls now, the other 200 after the daily window frees room in an hour: 1 h + 2 min.
    expect(estimate).toEqual({
      calls: 300,
      ms: 3_600_000 + 2 * MINUTE,
      limitedBy: { windowLabel: 'day', windowMs: DAY, remaining: 100, resetsAt: now + 3_600_000 },
    });
  });

  it('has no estimate when nothing waits or no window is known', () => {
    expect(estimateBacklog(0, 1, [minute(0)], 0)).toBeNull();
    expect(estimateBacklog(5, 1, [], 0)).toBeNull();
  });
});

/** A connector whose destination writes people in batches of 5 (bucket `api`: 100/min, 10,000/day). */
function tinyVendor() {
  const writer = (name: string, bucket: string) => ({
    name,
    mode: 'upsert' as const,
    batchSize: 5,
    bucket,
    async write({ records }: { records: unknown[] }) {
      return records.map(() => ({ ok: true as const }));
    },
  });
  return defineConnector({
    id: 'tiny',
    name: 'Tiny',
    version: '1.0.0',
    contractVersion: CONTRACT_VERSION,
    settings: z.object({ region: z.string().default('eu') }),
    secrets: z.object({}),
    check: async () => ({ summary: 'ok', details: {} }),
    discover: async () => [],
    streams: {},
    writers: { people: writer('people', 'api'), notes: writer('notes', 'api'), bulk: writer('bulk', 'bulk') },
    rateLimit: {
      buckets: {
        api: [
          { limit: 100, windowMs: MINUTE, label: 'minute' },
          { limit: 10_000, windowMs: DAY, label: 'day' },
        ],
        bulk: [{ limit: 10, windowMs: DAY }],
      },
      defaultBucket: 'bulk',
      key: (s) => s.region,
    },
    destination: defineDestination({
      title: 'Tiny people',
      settings: z.object({}),
      messageTypes: ['identify'],
      merge: false,
      map: (message) => ({ records: [{ writer: 'people', record: { id: message.userId } }] }),
    }),
  });
}

let t: TestHub;
let clock: number;
beforeEach(async () => {
  clock = Date.UTC(2025, 2, 5, 12, 0, 0);
  const connector: LoadedConnector = {
    definition: tinyVendor() as unknown as LoadedConnector['definition'],
    packageName: '@test/tiny',
    packageDir: '/nonexistent',
  };
  t = await createTestHub({ now: () => clock, extraConnectors: [connector] });
});
afterEach(() => t.close());

async function json<T>(res: Response | Promise<Response>): Promise<T> {
  const r = await res;
  expect(r.status, await r.clone().text()).toBeLessThan(300);
  return (await r.json()) as T;
}

async function ingest(writeKey: string, n: number, from = 0) {
  const res = await t.hub.app.request('/v1/batch', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${btoa(`${writeKey}:`)}` },
    body: JSON.stringify({
      batch: Array.from({ length: n }, (_, i) => ({
        type: 'identify',
        messageId: `m${from + i}`,
        userId: `u${from + i}`,
      })),
    }),
  });
  expect(res.status).toBe(200);
}

describe('GET /api/backlog', () => {
  it('counts what waits per destination, its age and the estimate from the connection’s budget', async () => {
    expect(deliveryBucketOf(tinyVendor() as never)).toBe('api');
    const { connection } = await json<{ connection: { id: string } }>(
      t.request('POST', '/api/connections', { connectorId: 'tiny', name: 'Tiny EU', settings: {}, secrets: {} }),
    );
    const { destination } = await json<{ destination: { id: string } }>(
      t.request('POST', '/api/destinations', {
        name: 'People',
        kind: 'tiny',
        connectionId: connection.id,
        settings: {},
      }),
    );
    const routed = await json<{ writeKey: string }>(
      t.request('POST', '/api/sources', { name: 'App', destinationId: destination.id }),
    );
    const nowhere = await json<{ writeKey: string }>(
      t.request('POST', '/api/sources', { name: 'Unrouted', destinationId: null }),
    );

    const received = clock;
    await ingest(routed.writeKey, 12);
    clock += 5 * MINUTE;
    await ingest(nowhere.writeKey, 3, 100);
    clock += MINUTE;

    const before = await json<{ backlog: BacklogEntry[]; at: number }>(t.request('GET', '/api/backlog'));
    expect(before.at).toBe(clock);
    expect(before.backlog).toEqual([
      {
        destinationId: destination.id,
        destinationName: 'People',
        enabled: true,
        waiting: 12,
        retrying: 0,
        oldestReceivedAt: received,
        budget: {
          label: 'Tiny EU',
          connector: 'tiny',
          bucket: 'api',
          limit: 100,
          windowMs: MINUTE,
          windowLabel: 'minute',
          perMinute: 100,
        },
        // Nothing measured yet: one event a call, and it says so.
        perCall: { events: 1, measured: false, calls: 0 },
        estimate: { calls: 12, ms: (12 / 100) * MINUTE, limitedBy: null },
      },
      {
        destinationId: null,
        destinationName: null,
        enabled: false,
        waiting: 3,
        retrying: 0,
        oldestReceivedAt: received + 5 * MINUTE,
        budget: null,
        perCall: { events: 1, measured: false, calls: 0 },
        estimate: null,
      },
    ]);

    // 12 events in batches of 5: 3 calls, 4 events a call.
    await t.hub.engine.drain();
    await ingest(routed.writeKey, 8, 200);
    const after = await json<{ backlog: BacklogEntry[] }>(t.request('GET', '/api/backlog'));
    expect(after.backlog[0]).toMatchObject({
      waiting: 8,
      oldestReceivedAt: clock,
      perCall: { events: 4, measured: true, calls: 3 },
      estimate: { calls: 2, ms: (2 / 100) * MINUTE, limitedBy: null },
    });

    // The Overview answer carries the same list.
    const overview = await json<{ backlog: BacklogEntry[] }>(t.request('GET', '/api/overview'));
    expect(overview.backlog).toEqual(after.backlog);

    // A disabled destination keeps its count and budget but promises no time.
    await json(t.request('PATCH', `/api/destinations/${destination.id}`, { enabled: false }));
    const paused = await json<{ backlog: BacklogEntry[] }>(t.request('GET', '/api/backlog'));
    expect(paused.backlog[0]).toMatchObject({ enabled: false, waiting: 8, estimate: null });
    expect(paused.backlog[0]?.budget?.label).toBe('Tiny EU');
  });
});
