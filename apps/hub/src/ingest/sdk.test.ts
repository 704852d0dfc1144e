import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Analytics from '@rudderstack/rudder-sdk-node';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { type RunningHub, startHub } from '../server.js';
import { TEST_TOKEN } from '../test-support.js';

// The real SDKs, unmodified, pointed at a hub on 127.0.0.1: they must deliver as they would to their vendor.
let hub: RunningHub;
let writeKey: string;

beforeAll(async () => {
  hub = await startHub({
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-sdk-')),
    adminToken: TEST_TOKEN,
    port: 0,
    staticDir: '/nonexistent',
    logger: createLogger({ level: 'error' }),
  });
  const res = await fetch(`${hub.url}/api/sources`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'sdk tests' }),
  });
  writeKey = ((await res.json()) as { writeKey: string }).writeKey;
});
afterAll(() => hub.close());

const rows = (userId: string) =>
  hub.db.selectFrom('events').select(['type', 'payload_json']).where('payload_json', 'like', `%"${userId}"%`).execute();

describe('SDK compatibility', () => {
  it('@rudderstack/rudder-sdk-node delivers identify, group and track (gzip on, its default)', async () => {
    const client = new Analytics(writeKey, {
      dataPlaneUrl: hub.url,
      flushAt: 100,
      flushInterval: 60_000,
      logLevel: 'error',
    });
    client.identify({ userId: 'rudder-user', traits: { email: 'r@example.com', firstName: 'Rudd' } });
    client.group({ userId: 'rudder-user', groupId: 'acme', traits: { name: 'Acme' } });
    client.track({ userId: 'rudder-user', event: 'Onboarding Completed', properties: { step: 3 } });
    await client.flush();
    const got = await rows('rudder-user');
    expect(got.map((r) => r.type).sort()).toEqual(['group', 'identify', 'track']);
    const track = JSON.parse(got.find((r) => r.type === 'track')?.payload_json ?? '{}');
    expect(track).toMatchObject({ event: 'Onboarding Completed', properties: { step: 3 } });
  });

  it('@segment/analytics-node delivers identify, group and track', async () => {
    const errors: unknown[] = [];
    const client = new SegmentAnalytics({
      writeKey,
      host: hub.url,
      flushAt: 100,
      flushInterval: 60_000,
      maxRetries: 0,
    });
    client.on('error', (e) => errors.push(e));
    client.identify({ userId: 'segment-user', traits: { email: 's@example.com' } });
    client.group({ userId: 'segment-user', groupId: 'globex', traits: { name: 'Globex' } });
    client.track({ userId: 'segment-user', event: 'Report Exported' });
    await client.closeAndFlush({ timeout: 10_000 });
    expect(errors).toEqual([]);
    const got = await rows('segment-user');
    expect(got.map((r) => r.type).sort()).toEqual(['group', 'identify', 'track']);
  });
});
