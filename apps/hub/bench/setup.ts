import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGainsightSimulator, type GainsightSimulatorOptions, listen } from '@synchub/sandbox';
import { createHub, type Hub } from '../src/hub.js';
import { createLogger } from '../src/logger.js';

export const BENCH_TOKEN = 'bench-admin-token-0123456789';

/** A hub on a temp dir wired to a Gainsight simulator: connection, destination and source. */
export async function benchHub(options: {
  limits?: { syncPerMinute: number; syncPerDay: number };
  flushWindowMs?: number;
  /** The hub's limiter waits in virtual time (counting calls without waiting real minutes). */
  virtualTime?: boolean;
  /** More simulator options (e.g. `clockOffsetMs`: a tenant whose clock is not ours). */
  simulator?: GainsightSimulatorOptions;
}) {
  let offset = 0;
  const clock = options.virtualTime
    ? {
        now: () => Date.now() + offset,
        sleep: async (ms: number) => {
          offset += ms;
        },
      }
    : {};
  const sim = createGainsightSimulator({
    companies: 0,
    people: 0,
    ...(options.limits ? { limits: options.limits } : {}),
    ...options.simulator,
  });
  const server = await listen(sim.app);
  const hub: Hub = await createHub({
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-bench-')),
    adminToken: BENCH_TOKEN,
    staticDir: '/nonexistent',
    logger: createLogger({ level: 'error' }),
    ...clock,
  });
  const connection = await hub.connections.create({
    connectorId: 'gainsight',
    name: 'bench',
    settings: { domain: server.url, sandbox: true, tenantId: sim.credentials.tenantId },
    secrets: { accessKey: sim.credentials.accessKey, sharedSecret: sim.credentials.sharedSecret },
  });
  const destination = await hub.destinations.create({
    name: 'bench',
    kind: 'gainsight',
    connectionId: connection.id,
    settings: {
      topicName: 'product',
      eventVersions: [{ event: 'Feature Used', eventName: 'Product Event', version: 'v01' }],
      flushWindowMs: options.flushWindowMs ?? 2000,
    },
  });
  const { writeKey } = await hub.sources.create({ name: 'bench', destinationId: destination.id });
  const ingest = async (batch: Array<Record<string, unknown>>) => {
    for (let i = 0; i < batch.length; i += 500) {
      const res = await hub.app.request('/v1/batch', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
        },
        body: JSON.stringify({ batch: batch.slice(i, i + 500) }),
      });
      if (res.status !== 200) throw new Error(`ingest refused: ${res.status} ${await res.text()}`);
    }
  };
  return {
    sim,
    hub,
    ingest,
    /** The hub's clock (virtual when `virtualTime`). */
    now: () => Date.now() + offset,
    async close() {
      await hub.close();
      await server.close();
    },
  };
}
