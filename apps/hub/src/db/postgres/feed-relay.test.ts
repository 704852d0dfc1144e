import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readTestEnv } from '../../env.js';
import { addMemoConnection, createMemo } from '../../host/test-plugins.js';
import { definePipelineKind } from '../../pipelines/kind.js';
import { createTestHub, type TestHub } from '../../test-support.js';
import { coalesce, FEED_APPLICATION_NAME, MAX_PAYLOAD_BYTES, payloadOf } from './feed-relay.js';

describe('feed payloads', () => {
  it('adds up accepted counts and delivery summaries per destination; keeps run changes one each', () => {
    expect(
      coalesce('accepted', [
        { kind: 'accepted', count: 2 },
        { kind: 'accepted', count: 3 },
      ]),
    ).toEqual([{ kind: 'accepted', count: 5 }]);
    expect(
      coalesce('delivery', [
        { kind: 'delivery', destinationId: 'd1', delivered: 2, failed: 0 },
        { kind: 'delivery', destinationId: 'd2', delivered: 1, failed: 1 },
        { kind: 'delivery', destinationId: 'd1', delivered: 3, failed: 1 },
      ]),
    ).toEqual([
      { kind: 'delivery', destinationId: 'd1', delivered: 5, failed: 1 },
      { kind: 'delivery', destinationId: 'd2', delivered: 1, failed: 1 },
    ]);
    const runs = [
      { kind: 'run', runId: 1, status: 'running' },
      { kind: 'run', runId: 1, status: 'completed' },
    ];
    expect(coalesce('run', runs)).toEqual(runs);
  });

  it('stays under the NOTIFY limit, keeping the newest changes', () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({ kind: 'run', pipelineId: `p-${i}`, runId: i }));
    const text = payloadOf('me', 'run', many);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    const { o, c } = JSON.parse(text) as { o: string; c: Array<{ runId: number }> };
    expect(o).toBe('me');
    expect(c.length).toBeGreaterThan(10);
    expect(c.at(-1)?.runId).toBe(1999);
    expect(JSON.parse(payloadOf('me', 'huge', [{ kind: 'huge', blob: 'x'.repeat(10_000) }])).c).toEqual([
      { kind: 'huge' },
    ]);
  });
});

const quickKind = definePipelineKind({
  kind: 'test.feed',
  title: 'Feed test',
  description: 'one page',
  group: 'Tests',
  connectorId: 'memo',
  settings: z.strictObject({}),
  defaultSchedule: '0 3 * * *',
  async run(run) {
    run.count('read', 1);
    await run.commit('1');
  },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, probe: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await sleep(25);
  }
}

// Three hubs on one database (test hubs sharing one database and key file), each with its own feed relay.
describe.skipIf(readTestEnv().store !== 'postgres')('the live change feed across hubs on one PostgreSQL', () => {
  let hubs: TestHub[] = [];
  beforeEach(async () => {
    const options = { kinds: [quickKind], extraConnectors: [createMemo().connector] };
    const first = await createTestHub(options);
    hubs = [first];
    for (let i = 0; i < 2; i++) {
      hubs.push(await createTestHub({ ...options, dataDir: first.dataDir, databaseUrl: first.databaseUrl }));
    }
  });
  afterEach(async () => {
    // The first hub owns the database: it closes (and drops it) last.
    for (const t of [...hubs].reverse()) await t.close();
  });

  const kindIs =
    (kind: string) =>
    (c: unknown): boolean =>
      (c as { kind?: unknown }).kind === kind;

  it('a change published in one process reaches the subscribers of the others, once, and not its own twice', async () => {
    const seen: unknown[][] = hubs.map(() => []);
    for (const [i, t] of hubs.entries()) {
      t.hub.feed.subscribe((c) => {
        seen[i]!.push(c);
      });
    }
    // A real change: a run started and ended in hub 1.
    const connectionId = await addMemoConnection(hubs[0]!);
    const res = await hubs[0]!.request('POST', '/api/pipelines', { kind: 'test.feed', name: 'fed', connectionId });
    const { pipeline } = (await res.json()) as { pipeline: { id: string } };
    await (await hubs[0]!.hub.runner.start(pipeline.id, 'manual')).done;
    const kinds = (i: number) => seen[i]!.filter(kindIs('run'));
    await until('the run changes in the other hubs', () => kinds(1).length >= 2 && kinds(2).length >= 2);
    for (let i = 0; i < 3; i++) {
      expect(kinds(i).map((c) => (c as { status: string }).status)).toEqual(['running', 'completed']);
    }
    // A burst of accepted-event cues goes out coalesced, its counts summed.
    for (let i = 0; i < 200; i++) hubs[1]!.hub.feed.publish({ kind: 'accepted', count: 5 });
    const accepted = (i: number) => seen[i]!.filter(kindIs('accepted')) as Array<{ count: number }>;
    await until('the accepted counts in hub 3', () => accepted(2).reduce((s, c) => s + c.count, 0) === 1000);
    expect(accepted(2).length).toBeLessThan(5);
    expect(accepted(1)).toHaveLength(200);
  });

  it('the feed listener comes back after its database connection is terminated', async () => {
    const seen: unknown[] = [];
    hubs[1]!.hub.feed.subscribe((c) => seen.push(c));
    const { rows } = await sql<{ pid: number }>`SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = ${FEED_APPLICATION_NAME}`.execute(hubs[0]!.hub.db);
    expect(rows).toHaveLength(3);
    let n = 0;
    await until('a change from hub 1 in hub 2 after the drop', async () => {
      hubs[0]!.hub.feed.publish({ kind: 'probe', n: ++n });
      await sleep(100);
      return seen.some(kindIs('probe'));
    });
    expect(hubs[1]!.lines.filter((l) => l.includes('lost its database connection'))).toHaveLength(1);
    expect(hubs[1]!.lines.some((l) => l.includes('connected again'))).toBe(true);
    // The others' changes missed while it was down: copies of shared state are dropped.
    expect(seen.some(kindIs('resync'))).toBe(true);
  });

  it('a write key made in one hub works in another at once; rotated, the old key stops working there', async () => {
    // Hub 2 has loaded its key map before the source exists.
    const ingest = (t: TestHub, writeKey: string) =>
      t.hub.app.request('/v1/track', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
        },
        body: JSON.stringify({ event: 'E', userId: 'u' }),
      });
    expect((await ingest(hubs[1]!, 'no-such-key')).status).toBe(401);
    const made = (await (await hubs[0]!.request('POST', '/api/sources', { name: 'shared' })).json()) as {
      source: { id: string };
      writeKey: string;
    };
    expect((await ingest(hubs[1]!, made.writeKey)).status).toBe(200);
    const rotated = (await (await hubs[0]!.request('POST', `/api/sources/${made.source.id}/rotate-key`)).json()) as {
      writeKey: string;
    };
    await until('the old key refused by hub 2', async () => (await ingest(hubs[1]!, made.writeKey)).status === 401);
    expect((await ingest(hubs[2]!, made.writeKey)).status).toBe(401);
    expect((await ingest(hubs[2]!, rotated.writeKey)).status).toBe(200);
  });
});
