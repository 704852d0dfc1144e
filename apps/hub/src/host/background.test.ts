import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FlowPluginDefinition } from '@synchub/core';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openPostgres } from '../db/postgres/connect.js';
import { createLeaseManager } from '../db/postgres/leases.js';
import { createTestDatabase } from '../db/postgres/test-database.js';
import { readTestEnv } from '../env.js';
import type { HubOptions } from '../hub.js';
import { createTestHub, type TestHub } from '../test-support.js';
import { serviceLeaseName } from './runtime.js';
import { testFlows } from './test-plugins.js';

/**
 * A flow plugin's background work (FlowService.background) runs in one process at a time: at once on
 * SQLite; on PostgreSQL in the hub holding the plugin's lease, handed over when that hub stops or loses it.
 * The plugin here records, per hub, when its work starts and stops.
 */

type Step = `${string} ${'start' | 'stop' | 'service stop' | 'start failed'}`;

function createRecord() {
  const steps: Step[] = [];
  const running = new Set<string>();
  let overlaps = 0;
  return {
    steps,
    running: () => [...running].sort(),
    overlaps: () => overlaps,
    /** How many times `hub` started its work. */
    starts: (hub: string) => steps.filter((s) => s === `${hub} start`).length,
    start(hub: string) {
      if (running.size > 0) overlaps += 1;
      running.add(hub);
      steps.push(`${hub} start`);
    },
    stop(hub: string) {
      running.delete(hub);
      steps.push(`${hub} stop`);
    },
  };
}
type Recorder = ReturnType<typeof createRecord>;

/** Plugin `chores`, as loaded in hub `hub`: its API answers which hub it is; its background work is recorded. */
function chores(hub: string, record: Recorder, options: { failStarts?: number } = {}): FlowPluginDefinition {
  let failStarts = options.failStarts ?? 0;
  return testFlows('chores', {
    service: () => ({
      api: async () => Response.json({ hub }),
      background: {
        async start() {
          if (failStarts > 0) {
            failStarts -= 1;
            record.steps.push(`${hub} start failed`);
            throw new Error('the queue is not ready');
          }
          record.start(hub);
        },
        async stop() {
          record.stop(hub);
        },
      },
      async stop() {
        record.steps.push(`${hub} service stop`);
      },
    }),
  });
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanups.splice(0).reverse()) await close().catch(() => {});
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const who = async (t: TestHub) => {
  const res = await t.request('GET', '/api/chores/who');
  return { status: res.status, body: (await res.json()) as { hub?: string } };
};

describe('background work of a flow plugin', () => {
  it('starts with the hub, and stops (before the service) when the hub closes', async () => {
    const record = createRecord();
    const t = await createTestHub({ extraFlows: [chores('a', record)] });
    cleanups.push(() => t.close());
    expect(record.steps).toEqual(['a start']);
    expect(await who(t)).toEqual({ status: 200, body: { hub: 'a' } });
    await t.close();
    expect(record.steps).toEqual(['a start', 'a stop', 'a service stop']);
  });

  it.skipIf(readTestEnv().store === 'postgres')(
    'on SQLite, work that cannot start leaves the service out, listed, and stopped',
    async () => {
      const record = createRecord();
      const t = await createTestHub({ extraFlows: [chores('a', record, { failStarts: 1 })] });
      cleanups.push(() => t.close());
      expect(record.steps).toEqual(['a start failed', 'a stop', 'a service stop']);
      expect((await t.request('GET', '/api/chores/who')).status).toBe(404);
      expect(t.hub.plugins.problems).toEqual([
        expect.objectContaining({ packageName: 'chores', code: 'service_failed' }),
      ]);
      expect(t.hub.plugins.problems[0]?.message).toContain('the queue is not ready');
    },
  );
});

// Needs the PostgreSQL test server: `pnpm test:postgres` (SYNCHUB_TEST_STORE=postgres; fails in CI when unreachable).
describe.skipIf(readTestEnv().store !== 'postgres')('background work with several hubs on one PostgreSQL', () => {
  async function setUp(ttlMs: number) {
    // One database and one data dir for every hub, as several processes would share them.
    const database = await createTestDatabase(readTestEnv().databaseUrl, { migrated: true });
    cleanups.push(() => database.drop());
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-background-'));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    const db = await openPostgres(database.url, { max: 2 });
    cleanups.push(() => db.destroy());
    const record = createRecord();
    const options: Partial<HubOptions> = {
      leaseTtlMs: ttlMs,
      leaseRenewMs: Math.floor(ttlMs / 4),
      dataDir,
      databaseUrl: database.url,
    };
    const hub = async (name: string, failStarts = 0) => {
      const t = await createTestHub({ ...options, extraFlows: [chores(name, record, { failStarts })] });
      cleanups.push(() => t.close());
      return t;
    };
    const leases = createLeaseManager(db, { owner: 'test', ttlMs });
    const holder = async () => (await leases.holder(serviceLeaseName('chores')))?.owner;
    return { db, record, hub, holder };
  }

  it('runs in one hub at a time; a stopped holder hands it over within the lease time; a lost lease stops it until it comes back', {
    timeout: 30_000,
  }, async () => {
    const ttl = 2_000;
    const { db, record, hub, holder } = await setUp(ttl);
    const a = await hub('a');
    const b = await hub('b');
    // The first hub took the lease as it loaded; the second waits, for longer than a lease lasts.
    expect(record.running()).toEqual(['a']);
    await sleep(ttl + 500);
    expect(record.steps).toEqual(['a start']);
    expect(await holder()).toBe(a.hub.leases?.owner);
    // The service's HTTP handlers answer in both.
    expect(await who(a)).toEqual({ status: 200, body: { hub: 'a' } });
    expect(await who(b)).toEqual({ status: 200, body: { hub: 'b' } });

    // A clean stop gives the lease up: the other hub starts the work at its next try, well within the lease.
    const stoppedAt = Date.now();
    await a.close();
    await vi.waitFor(() => expect(record.running()).toEqual(['b']), { timeout: ttl, interval: 10 });
    expect(Date.now() - stoppedAt).toBeLessThan(ttl);
    expect(record.steps).toEqual(['a start', 'a stop', 'a service stop', 'b start']);
    expect(await holder()).toBe(b.hub.leases?.owner);

    // The lease is lost (here: expired and taken by another owner, as after a long pause): b stops at its
    // next renewal, and nobody runs the work while the other owner holds it.
    await sql`UPDATE leases SET expires_at = 0 WHERE name = ${serviceLeaseName('chores')}`.execute(db);
    expect(
      await createLeaseManager(db, { owner: 'elsewhere', ttlMs: ttl }).acquire(serviceLeaseName('chores')),
    ).toBeDefined();
    await vi.waitFor(() => expect(record.running()).toEqual([]), { timeout: ttl, interval: 10 });
    // That owner never renews: once its lease expires, b takes it back and starts the work again.
    await vi.waitFor(() => expect(record.running()).toEqual(['b']), { timeout: 2 * ttl, interval: 10 });
    expect(record.starts('b')).toBe(2);
    expect(await holder()).toBe(b.hub.leases?.owner);
    expect(record.overlaps()).toBe(0);

    await b.close();
    expect(record.running()).toEqual([]);
    expect(record.steps.slice(-2)).toEqual(['b stop', 'b service stop']);
  });

  it('work that fails to start gives the lease back, and is started again on a later try', async () => {
    const ttl = 1_000;
    const { record, hub, holder } = await setUp(ttl);
    const a = await hub('a', 1);
    // The service is mounted; its work failed once and runs after the next try (a quarter of the lease).
    expect(await who(a)).toEqual({ status: 200, body: { hub: 'a' } });
    await vi.waitFor(() => expect(record.running()).toEqual(['a']), { timeout: ttl, interval: 10 });
    expect(record.steps).toEqual(['a start failed', 'a stop', 'a start']);
    expect(await holder()).toBe(a.hub.leases?.owner);
  });
});
