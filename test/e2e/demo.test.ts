import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, type RunningHub, startHub } from '@synchub/hub';
import { type Demo, sendDemoEvents, startDemo } from '@synchub/hub/demo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TOKEN = 'e2e-admin-token-0123456789';
let hub: RunningHub;
let demo: Demo;
const api = async (method: string, url: string) => {
  const res = await fetch(`${hub.url}${url}`, { method, headers: { authorization: `Bearer ${TOKEN}` } });
  return (await res.json()) as Record<string, unknown>;
};

beforeAll(async () => {
  hub = await startHub({
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-demo-')),
    adminToken: TOKEN,
    port: 0,
    logger: createLogger({ level: 'error' }),
  });
  demo = await startDemo(hub);
  expect(demo.created).toBe(true);
});
afterAll(async () => {
  await hub.close();
  await demo.close();
});

describe('demo mode', () => {
  it('creates one working sandbox connection per vendor', async () => {
    const { connections } = (await api('GET', '/api/connections')) as {
      connections: Array<{ id: string; connectorId: string }>;
    };
    expect(connections.map((c) => c.connectorId).sort()).toEqual(['gainsight', 'pendo', 'qualtrics', 'salesforce']);
    for (const c of connections) {
      const check = await api('POST', `/api/connections/${c.id}/validate`);
      expect(check, c.connectorId).toMatchObject({ ok: true });
    }
  });

  it('delivers the sample events to the Gainsight simulator through the real ingest API', async () => {
    await sendDemoEvents(hub.url, demo.writeKey);
    await hub.engine.drain();
    const { counts } = (await api('GET', '/api/events')) as { counts: Record<string, number> };
    // Nine calls map; the identify without an email is kept as failed with its reason.
    expect(counts).toMatchObject({ delivered: 8, failed: 1, received: 0, retrying: 0 });
  });

  it('is idempotent: a second start reuses the same named objects, write key and sample events', async () => {
    const again = await startDemo(hub);
    const { connections } = (await api('GET', '/api/connections')) as { connections: unknown[] };
    const { sources } = (await api('GET', '/api/sources')) as { sources: unknown[] };
    expect(connections).toHaveLength(4);
    expect(sources).toHaveLength(1);
    expect(again).toMatchObject({ created: false, writeKey: demo.writeKey });
    // Sent again (an older CLI did at every start), the sample events are stored once.
    await sendDemoEvents(hub.url, again.writeKey);
    const { counts } = (await api('GET', '/api/events')) as { counts: Record<string, number> };
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(9);
    await again.close();
  });
});
