import { CONTRACT_VERSION, ConnectorError, defineConnector, defineDestination, MINUTE } from '@synchub/core';
import type { LoadedConnector } from '@synchub/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ATTEMPTS_KEPT, createAttemptLog } from './delivery/attempts.js';
import { addMemoConnection, createMemo, testKind } from './host/test-plugins.js';
import { createTestHub, type TestHub } from './test-support.js';

// The event log as an operator reads it: every delivery attempt of an event, search by user, email,
// messageId or event name, and run numbers per pipeline.

/** A vendor that answers 503 to the first `failures` calls, then takes everything. */
function flakyVendor(state: { failures: number; calls: number }) {
  return defineConnector({
    id: 'flaky',
    name: 'Flaky',
    version: '1.0.0',
    contractVersion: CONTRACT_VERSION,
    settings: z.object({}),
    secrets: z.object({}),
    check: async () => ({ summary: 'ok', details: {} }),
    discover: async () => [],
    streams: {},
    writers: {
      people: {
        name: 'people',
        mode: 'upsert',
        batchSize: 10,
        async write({ records }) {
          state.calls += 1;
          if (state.calls <= state.failures)
            throw new ConnectorError('transient', 'Service Unavailable', { status: 503, body: { error: 'down' } });
          return records.map(() => ({ ok: true as const }));
        },
      },
    },
    rateLimit: { buckets: { api: [{ limit: 600, windowMs: MINUTE }] }, defaultBucket: 'api', key: () => 'one' },
    destination: defineDestination({
      title: 'Flaky people',
      settings: z.object({}),
      messageTypes: ['identify', 'track'],
      merge: false,
      map: (message) => ({ records: [{ writer: 'people', record: { id: message.userId } }] }),
    }),
  });
}

let t: TestHub;
let clock: number;
const vendor = { failures: 0, calls: 0 };

beforeEach(async () => {
  clock = Date.UTC(2025, 2, 5, 12, 0, 0);
  vendor.failures = 0;
  vendor.calls = 0;
  const flaky: LoadedConnector = {
    definition: flakyVendor(vendor) as unknown as LoadedConnector['definition'],
    packageName: '@test/flaky',
    packageDir: '/nonexistent',
  };
  t = await createTestHub({
    now: () => clock,
    extraConnectors: [flaky, createMemo().connector],
    kinds: [testKind('test.count')],
  });
});
afterEach(() => t.close());

async function json<T>(res: Response | Promise<Response>): Promise<T> {
  const r = await res;
  expect(r.status, await r.clone().text()).toBeLessThan(300);
  return (await r.json()) as T;
}

async function routedSource(): Promise<string> {
  const { connection } = await json<{ connection: { id: string } }>(
    t.request('POST', '/api/connections', { connectorId: 'flaky', name: 'Flaky', settings: {}, secrets: {} }),
  );
  const { destination } = await json<{ destination: { id: string } }>(
    t.request('POST', '/api/destinations', {
      name: 'People',
      kind: 'flaky',
      connectionId: connection.id,
      settings: {},
    }),
  );
  const { writeKey } = await json<{ writeKey: string }>(
    t.request('POST', '/api/sources', { name: 'App', destinationId: destination.id }),
  );
  return writeKey;
}

async function ingest(writeKey: string, batch: unknown[]) {
  const res = await t.hub.app.request('/v1/batch', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${btoa(`${writeKey}:`)}` },
    body: JSON.stringify({ batch }),
  });
  expect(res.status).toBe(200);
}

interface Attempt {
  attempt: number;
  at: number;
  outcome: string;
  error: { code: string; message: string; status?: number } | null;
}

describe('every attempt of an event', () => {
  it('keeps each try and its answer, not only the last, in GET /api/events/:id', async () => {
    const writeKey = await routedSource();
    vendor.failures = 2;
    await ingest(writeKey, [{ type: 'identify', messageId: 'm1', userId: 'ada' }]);
    const first = clock;
    await t.hub.engine.runOnce();
    // Past each backoff (at most 1.2 × 2^attempt s) the event is due again.
    clock += 10_000;
    await t.hub.engine.runOnce();
    clock += 10_000;
    await t.hub.engine.runOnce();

    const { events } = await json<{ events: Array<{ id: number; state: string; attempts: number }> }>(
      t.request('GET', '/api/events'),
    );
    expect(events[0]).toMatchObject({ state: 'delivered', attempts: 3 });
    const { event } = await json<{ event: { deliveryAttempts: Attempt[]; lastError: unknown } }>(
      t.request('GET', `/api/events/${events[0]?.id}`),
    );
    // The event itself keeps no error once delivered; its attempts say what happened before.
    expect(event.lastError).toBeNull();
    expect(event.deliveryAttempts.map((a) => [a.attempt, a.outcome, a.at - first])).toEqual([
      [3, 'delivered', 20_000],
      [2, 'retry', 10_000],
      [1, 'retry', 0],
    ]);
    expect(event.deliveryAttempts[2]?.error).toMatchObject({
      code: 'transient',
      message: 'Service Unavailable',
      status: 503,
    });
    expect(event.deliveryAttempts[0]?.error).toBeNull();
  });

  it('a replay starts a new series; the log keeps the newest attempts of an event', async () => {
    const log = createAttemptLog(t.hub.db);
    const fail = { kind: 'retry' as const, error: { code: 'transient', message: 'no', at: 0 } };
    for (let i = 1; i <= ATTEMPTS_KEPT + 5; i++) await log.record(7, i, i, 'd', fail);
    let kept = await log.list(7);
    expect(kept).toHaveLength(ATTEMPTS_KEPT);
    expect(kept[0]?.attempt).toBe(ATTEMPTS_KEPT + 5);
    expect(kept.at(-1)?.attempt).toBe(6);
    // After a replay the count starts at 1 again: still bounded, newest first.
    await log.record(7, 1, 1000, 'd', { kind: 'delivered' });
    kept = await log.list(7);
    expect(kept).toHaveLength(ATTEMPTS_KEPT);
    expect(kept[0]).toMatchObject({ attempt: 1, outcome: 'delivered', error: null });
    expect(await log.list(8)).toEqual([]);
  });
});

describe('search on events', () => {
  it('finds calls by messageId, userId, email or event name, and waiting ones by state', async () => {
    const writeKey = await routedSource();
    await ingest(writeKey, [
      { type: 'identify', messageId: 'msg-a', userId: 'u-1', traits: { email: 'Ada@Example.com' } },
      { type: 'track', messageId: 'msg-b', userId: 'u-2', event: 'Report Exported' },
      {
        type: 'track',
        messageId: 'msg-c',
        anonymousId: 'anon-9',
        event: 'Signed Up',
        context: { traits: { email: 'grace@example.com' } },
      },
      { type: 'group', messageId: 'msg-d', userId: 'u-1', groupId: 'acme' },
    ]);
    const search = async (term: string, extra = '') =>
      (
        await json<{ events: Array<{ messageId: string }> }>(
          t.request('GET', `/api/events?search=${encodeURIComponent(term)}${extra}`),
        )
      ).events.map((e) => e.messageId);

    expect(await search('msg-b')).toEqual(['msg-b']);
    expect(await search('u-1')).toEqual(['msg-d', 'msg-a']);
    expect(await search('ada@example.com')).toEqual(['msg-a']);
    expect(await search('GRACE@example.com')).toEqual(['msg-c']);
    expect(await search('report exported')).toEqual(['msg-b']);
    expect(await search('anon-9')).toEqual(['msg-c']);
    expect(await search('acme')).toEqual(['msg-d']);
    expect(await search('nobody')).toEqual([]);
    // With the other filters.
    expect(await search('u-1', '&type=group')).toEqual(['msg-d']);
    expect(await search('u-1', '&state=waiting')).toEqual(['msg-d', 'msg-a']);
    expect(await search('u-1', '&state=delivered')).toEqual([]);
    expect((await t.request('GET', '/api/events?search=')).status).toBe(400);

    // Replay takes the search too: only the failed events it names go back in the queue.
    await t.hub.db.updateTable('events').set({ state: 'failed' }).execute();
    const replayed = await json<{ replayed: number }>(
      t.request('POST', '/api/events/replay', { filter: { search: 'u-1' } }),
    );
    expect(replayed.replayed).toBe(2);
    expect(await search('u-1', '&state=waiting')).toEqual(['msg-d', 'msg-a']);
    expect(await search('u-2', '&state=failed')).toEqual(['msg-b']);
  });
});

describe('run numbers', () => {
  it('numbers runs per pipeline: the first run of each pipeline is run 1', async () => {
    const connectionId = await addMemoConnection(t);
    const create = async (name: string) =>
      (
        await json<{ pipeline: { id: string } }>(
          t.request('POST', '/api/pipelines', { kind: 'test.count', name, connectionId }),
        )
      ).pipeline.id;
    const a = await create('A');
    const b = await create('B');
    const run = async (id: string) => (await (await t.hub.runner.start(id, 'manual')).done).number;
    // The run the runner hands back carries its number too.
    expect([await run(a), await run(b), await run(a)]).toEqual([1, 1, 2]);
    const runsOf = async (id: string) =>
      (await json<{ runs: Array<{ id: number; number: number }> }>(t.request('GET', `/api/pipelines/${id}/runs`))).runs;
    const runsA = await runsOf(a);
    const runsB = await runsOf(b);
    expect(runsA.map((r) => r.number)).toEqual([2, 1]);
    expect(runsB.map((r) => r.number)).toEqual([1]);
    // The global id is still there (links, records), distinct from the number.
    expect(runsB[0]?.id).toBe(2);
    const one = await json<{ run: { number: number } }>(t.request('GET', `/api/runs/${runsA[0]?.id}`));
    expect(one.run.number).toBe(2);
    const { pipeline } = await json<{ pipeline: { lastRun: { number: number } } }>(
      t.request('GET', `/api/pipelines/${b}`),
    );
    expect(pipeline.lastRun.number).toBe(1);
  });
});
