import { CONTRACT_VERSION, defineConnector, defineDestination, MINUTE, windowKey } from '@synchub/core';
import type { LoadedConnector } from '@synchub/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePipelineKind } from './pipelines/kind.js';
import { createTestHub, type TestHub } from './test-support.js';

/**
 * Pipelines on the same tenant reserve against the same rows (issue 16): a destination's writes and a
 * pipeline's reads through another connection to the same vendor account spend one budget, counted under
 * one key per window (`<connector>:<account>:<bucket>|<windowMs>`), on SQLite as on PostgreSQL.
 */

const windows = [{ limit: 1_000, windowMs: MINUTE, label: 'minute' }];

/** A vendor whose account is its settings' `tenant`; its destination writes people one call per batch of 5. */
const vendor = defineConnector({
  id: 'tenanted',
  name: 'Tenanted',
  version: '1.0.0',
  contractVersion: CONTRACT_VERSION,
  settings: z.object({ tenant: z.string() }),
  secrets: z.object({}),
  check: async () => ({ summary: 'ok', details: {} }),
  discover: async () => [],
  streams: {},
  writers: {
    people: {
      name: 'people',
      mode: 'upsert',
      batchSize: 5,
      bucket: 'api',
      async write({ ctx, records }) {
        // As a connector's client does before each vendor call.
        await ctx.acquire?.('api');
        return records.map(() => ({ ok: true as const }));
      },
    },
  },
  rateLimit: { buckets: { api: windows }, defaultBucket: 'api', key: (s) => s.tenant.toLowerCase() },
  destination: defineDestination({
    title: 'People',
    settings: z.object({}),
    messageTypes: ['identify'],
    merge: false,
    map: (message) => ({ records: [{ writer: 'people', record: { id: message.userId } }] }),
  }),
});

/** A pull of three pages: one vendor call each, through the pipeline's own connection. */
const pull = definePipelineKind({
  kind: 'tenanted.pull',
  title: 'Pull',
  description: 'three pages',
  group: 'Tests',
  connectorId: 'tenanted',
  settings: z.object({}),
  defaultSchedule: '0 3 * * *',
  async run(run) {
    for (let page = 0; page < 3; page++) await run.connection.ctx.acquire?.('api');
  },
});

let t: TestHub;
beforeEach(async () => {
  const loaded: LoadedConnector = {
    definition: vendor as unknown as LoadedConnector['definition'],
    packageName: '@test/tenanted',
    packageDir: '/nonexistent',
  };
  t = await createTestHub({ kinds: [pull], extraConnectors: [loaded] });
});
afterEach(() => t.close());

async function created<T>(res: Promise<Response>): Promise<T> {
  const r = await res;
  expect(r.status, await r.clone().text()).toBeLessThan(300);
  return (await r.json()) as T;
}

const connection = async (name: string, tenant: string) =>
  (
    await created<{ connection: { id: string } }>(
      t.request('POST', '/api/connections', { connectorId: 'tenanted', name, settings: { tenant }, secrets: {} }),
    )
  ).connection.id;

describe('one budget per vendor account', () => {
  it("a destination's writes and a pipeline on another connection to the same tenant count in the same rows", async () => {
    const writes = await connection('Writes', 'acme');
    const reads = await connection('Reads', 'ACME');
    const elsewhere = await connection('Other tenant', 'globex');

    const { destination } = await created<{ destination: { id: string } }>(
      t.request('POST', '/api/destinations', { name: 'People', kind: 'tenanted', connectionId: writes, settings: {} }),
    );
    const { writeKey } = await created<{ writeKey: string }>(
      t.request('POST', '/api/sources', { name: 'App', destinationId: destination.id }),
    );
    const ingest = await t.hub.app.request('/v1/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${btoa(`${writeKey}:`)}` },
      body: JSON.stringify({
        batch: Array.from({ length: 10 }, (_, i) => ({ type: 'identify', messageId: `m${i}`, userId: `u${i}` })),
      }),
    });
    expect(ingest.status).toBe(200);
    await t.hub.engine.drain();

    for (const connectionId of [reads, elsewhere]) {
      const { pipeline } = await created<{ pipeline: { id: string } }>(
        t.request('POST', '/api/pipelines', { kind: 'tenanted.pull', name: `pull ${connectionId}`, connectionId }),
      );
      const { done } = await t.hub.runner.start(pipeline.id, 'manual');
      await done;
    }

    // Two delivery calls (10 people in batches of 5) and three pulled pages on tenant acme: five, in one row
    // key; globex's three pages in its own.
    const rows = await t.hub.db
      .selectFrom('limiter_windows')
      .select(['key'])
      .select((eb) => eb.fn.sum<number>('count').as('n'))
      .where('key', 'like', 'tenanted:%')
      .groupBy('key')
      .orderBy('key')
      .execute();
    expect(rows.map((r) => [r.key, Number(r.n)])).toEqual([
      [windowKey('tenanted:acme:api', MINUTE), 5],
      [windowKey('tenanted:globex:api', MINUTE), 3],
    ]);
    expect((await t.hub.limiter.usage('tenanted:acme:api', windows))[0]?.used).toBe(5);
  });
});
