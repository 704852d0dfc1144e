/**
 * bench:scale (issue 16): what several hubs on one PostgreSQL give, against one hub on SQLite measured in
 * the same invocation on the same machine.
 *   1. Ingest: acknowledged events/s with 1 hub on SQLite (the baseline), then 1, 2 and 3 hub processes on
 *      one fresh PostgreSQL database, batches of 20 gzipped as the RudderStack Node SDK sends them, 16
 *      requests in flight per hub, round-robin over the processes (no destination: ingest alone).
 *   2. Delivery: vendor calls per minute in aggregate, each Gainsight tenant (its own simulator and
 *      budget of 100 calls a minute) with a backlog of tracks (one call each), measured over a window after a
 *      warm-up (the first minute spends each fresh budget at once), with 1 hub on SQLite and 1 and 3 hubs
 *      on PostgreSQL.
 * Every figure is printed beside its ratio to the SQLite baseline.
 *   pnpm bench:scale [-- --events 20000 --tenants 6 --window-ms 60000 --warmup-ms 60000]
 * The machine's cores bound what more processes can add: the load average is printed with the figures.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { createGainsightSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { createDatabase, HubSlot, type Json, sleep, TOKEN } from './harness.js';

const { values } = parseArgs({
  // `pnpm bench:scale -- --events 5000` passes the `--` on.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    events: { type: 'string', default: '20000' },
    tenants: { type: 'string', default: '6' },
    'window-ms': { type: 'string', default: '60000' },
    /** Delivery is measured after this long: the first minute spends each tenant's fresh budget at once. */
    'warmup-ms': { type: 'string', default: '60000' },
    'tracks-per-tenant': { type: 'string', default: '400' },
  },
});
const EVENTS = Number(values.events);
const TENANTS = Number(values.tenants);
const WINDOW_MS = Number(values['window-ms']);
const WARMUP_MS = Number(values['warmup-ms']);
const TRACKS = Number(values['tracks-per-tenant']);
const BATCH = 20;
const IN_FLIGHT_PER_HUB = 16;
const SDK_VERSION = '3.0.13';

interface Store {
  label: string;
  hubs: number;
  postgres: boolean;
}

async function startHubs(store: Store) {
  const db = store.postgres ? createDatabase() : undefined;
  const env: Record<string, string> = {
    SYNCHUB_ADMIN_TOKEN: TOKEN,
    SYNCHUB_SECRET_KEY: 'ab'.repeat(32),
    SYNCHUB_LOG_LEVEL: 'error',
    ...(db ? { SYNCHUB_DATABASE_URL: db.url } : {}),
  };
  const slots = Array.from({ length: store.hubs }, (_, i) => new HubSlot(i + 1, env, [], () => {}));
  // The first migrates the fresh database; the others start on it afterwards.
  await slots[0]?.start();
  await Promise.all(slots.slice(1).map((s) => s.start()));
  return {
    slots,
    async stop() {
      await Promise.all(slots.map((s) => s.stop()));
      db?.drop();
    },
  };
}

const sdkMessage = (i: number): Json => {
  const at = new Date().toISOString();
  const person = i % 5000;
  const r = i % 10;
  const base = {
    messageId: randomUUID(),
    userId: `user-${person}`,
    channel: 'server',
    context: { library: { name: 'analytics-node', version: SDK_VERSION } },
    _metadata: { nodeVersion: process.versions.node },
    originalTimestamp: at,
    sentAt: at,
  };
  if (r < 5) return { ...base, type: 'identify', traits: { email: `p${person}@bench.test`, lastName: `L${i}` } };
  if (r < 7)
    return { ...base, type: 'group', groupId: `c${person % 300}`, traits: { name: `Company ${person % 300}` } };
  return { ...base, type: 'track', event: 'Feature Used', properties: { n: i } };
};

const basic = (writeKey: string) => `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;

async function ingest(store: Store): Promise<{ rate: number; failures: number; stored: number }> {
  const hubs = await startHubs(store);
  try {
    const { writeKey } = await (hubs.slots[0] as HubSlot).ok('POST', '/api/sources', { name: 'bench' });
    const bodies: Buffer[] = [];
    for (let i = 0; i < EVENTS; i += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, EVENTS - i) }, (_, k) => sdkMessage(i + k));
      const sentAt = new Date().toISOString();
      bodies.push(gzipSync(JSON.stringify({ batch, timestamp: sentAt, sentAt })));
    }
    const headers = {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'user-agent': `analytics-node/${SDK_VERSION}`,
      authorization: basic(writeKey),
    };
    let next = 0;
    let failures = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT_PER_HUB * store.hubs }, async (_, worker) => {
        const slot = hubs.slots[worker % store.hubs] as HubSlot;
        while (next < bodies.length) {
          const body = bodies[next++] as Buffer;
          const res = await fetch(`${slot.url}/v1/batch`, { method: 'POST', headers, body });
          await res.arrayBuffer();
          if (res.status !== 200) failures += 1;
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const { counts } = await (hubs.slots[0] as HubSlot).ok('GET', '/api/events?limit=1');
    const stored = Object.values(counts as Record<string, number>).reduce((a, b) => a + b, 0);
    return { rate: EVENTS / seconds, failures, stored };
  } finally {
    await hubs.stop();
  }
}

async function deliver(store: Store): Promise<{ perMinute: number; calls: number; byTenant: number[] }> {
  const hubs = await startHubs(store);
  const sims = Array.from({ length: TENANTS }, (_, i) =>
    createGainsightSimulator({ seed: i + 1, companies: 0, people: 0, tenantId: `tenant-${i}` }),
  );
  const servers: RunningServer[] = [];
  try {
    for (const sim of sims) servers.push(await listen(sim.app));
    const hub = hubs.slots[0] as HubSlot;
    const writeKeys: string[] = [];
    for (const [i, sim] of sims.entries()) {
      const { connection } = await hub.ok('POST', '/api/connections', {
        connectorId: 'gainsight',
        name: `tenant ${i}`,
        settings: { domain: servers[i]?.url, sandbox: true, tenantId: sim.credentials.tenantId },
        secrets: { accessKey: sim.credentials.accessKey, sharedSecret: sim.credentials.sharedSecret },
      });
      const { destination } = await hub.ok('POST', '/api/destinations', {
        name: `tenant ${i}`,
        kind: 'gainsight',
        connectionId: connection.id,
        settings: {
          topicName: 'product',
          eventVersions: [{ event: 'Feature Used', eventName: 'Product Event', version: 'v01' }],
          flushWindowMs: 500,
        },
      });
      writeKeys.push(
        (await hub.ok('POST', '/api/sources', { name: `app ${i}`, destinationId: destination.id })).writeKey,
      );
    }
    // A backlog per tenant, sent through the processes in turn: more calls than warm-up and window can make.
    for (const [i, writeKey] of writeKeys.entries()) {
      for (let k = 0; k < TRACKS; k += 100) {
        const slot = hubs.slots[(i + k / 100) % store.hubs] as HubSlot;
        const batch = Array.from({ length: Math.min(100, TRACKS - k) }, (_, j) => ({
          type: 'track',
          messageId: randomUUID(),
          userId: `u${j % 20}`,
          event: 'Feature Used',
          properties: { n: k + j },
        }));
        const res = await fetch(`${slot.url}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: basic(writeKey) },
          body: JSON.stringify({ batch }),
        });
        if (res.status !== 200) throw new Error(`backlog refused: ${res.status}`);
      }
    }
    // The window opens once the first calls arrive (the processes have taken their leases).
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      if (sims.some((s) => s.control.requests.length > 0)) break;
      await sleep(100);
    }
    await sleep(WARMUP_MS);
    const before = sims.map((s) => s.control.requests.length);
    await sleep(WINDOW_MS);
    const byTenant = sims.map((s, i) => s.control.requests.length - (before[i] ?? 0));
    const calls = byTenant.reduce((a, b) => a + b, 0);
    return { perMinute: (calls * 60_000) / WINDOW_MS, calls, byTenant };
  } finally {
    await hubs.stop();
    await Promise.all(servers.map((s) => s.close()));
  }
}

const loadavg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const int = (v: number) => Math.round(v).toLocaleString('en-US');
const ratio = (v: number, base: number) => `${(v / base).toFixed(2)}×`;

const stores: Store[] = [
  { label: '1 hub, SQLite', hubs: 1, postgres: false },
  { label: '1 hub, PostgreSQL', hubs: 1, postgres: true },
  { label: '2 hubs, PostgreSQL', hubs: 2, postgres: true },
  { label: '3 hubs, PostgreSQL', hubs: 3, postgres: true },
];
console.log(
  `bench:scale · ${os.cpus().length} cores · load ${loadavg()} · ${int(EVENTS)} events, batches of ${BATCH}, ${IN_FLIGHT_PER_HUB} in flight per hub`,
);
const ingested: Array<{ store: Store; rate: number; failures: number; stored: number }> = [];
for (const store of stores) {
  const outcome = await ingest(store);
  ingested.push({ store, ...outcome });
}
const base = ingested[0]?.rate ?? 1;
console.log('\ningest (acknowledged events/s)');
for (const r of ingested)
  console.log(
    `  ${r.store.label.padEnd(20)} ${int(r.rate).padStart(7)} /s  ${ratio(r.rate, base).padStart(6)}  (stored ${int(r.stored)}, failed requests ${r.failures})`,
  );

console.log(
  `\ndelivery (vendor calls per minute in aggregate, ${TENANTS} tenants of 100 calls a minute each, ${WINDOW_MS / 1000}-s window after ${WARMUP_MS / 1000} s)`,
);
const delivered: Array<{ store: Store; perMinute: number; byTenant: number[] }> = [];
for (const store of [stores[0], stores[1], stores[3]] as Store[]) {
  const outcome = await deliver(store);
  delivered.push({ store, ...outcome });
}
const baseCalls = delivered[0]?.perMinute ?? 1;
for (const r of delivered)
  console.log(
    `  ${r.store.label.padEnd(20)} ${int(r.perMinute).padStart(7)} /min  ${ratio(r.perMinute, baseCalls).padStart(6)}  (per tenant: ${r.byTenant.join(', ')})`,
  );
console.log(`\nload at the end: ${loadavg()}`);
