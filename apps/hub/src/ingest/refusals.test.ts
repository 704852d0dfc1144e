import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestHub } from '../test-support.js';
import { MAX_BATCH_BYTES } from './spec.js';
import { MAX_REASONS, OTHER, reasonOf } from './refusals.js';

type TestHub = Awaited<ReturnType<typeof createTestHub>>;
let t: TestHub;
let dataDir: string;

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-refusals-'));
  t = await createTestHub({ dataDir });
});
afterEach(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
const send = (url: string, key: string, body: string) =>
  t.hub.app.request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic(key) },
    body,
  });
const source = async (name: string) =>
  (await (await t.request('POST', '/api/sources', { name })).json()) as { source: { id: string }; writeKey: string };

interface RefusalView {
  sourceId: string | null;
  code: string;
  status: number;
  reason: string;
  count: number;
  firstAt: number;
  lastAt: number;
}
const refusals = async () =>
  ((await (await t.request('GET', '/api/sources/refusals')).json()) as { refusals: RefusalView[] }).refusals;

describe('refused ingest requests', () => {
  it('are counted per source with their status and reason, and kept across a restart', async () => {
    const app = await source('app');
    const ok = JSON.stringify({ batch: [{ type: 'track', userId: 'u', event: 'E' }] });
    expect((await send('/v1/batch', app.writeKey, ok)).status).toBe(200);
    // 401 ×2: a key that names no source.
    expect((await send('/v1/batch', 'wk_not-a-key', ok)).status).toBe(401);
    expect((await send('/v1/batch', 'wk_not-a-key', ok)).status).toBe(401);
    // 400 ×2, the same mistake at different positions of the batch.
    for (const at of [0, 3]) {
      const batch = Array.from({ length: 4 }, (_, i) => ({ type: 'track', userId: 'u', event: i === at ? '' : 'E' }));
      expect((await send('/v1/batch', app.writeKey, JSON.stringify({ batch }))).status).toBe(400);
    }
    // 404: an SDK whose dataPlaneUrl ends in /v1.
    const wrong = await send('/v1/v1/batch', app.writeKey, ok);
    expect(wrong.status).toBe(404);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toMatch(
      /dataPlaneUrl \(or host\) must be the hub's base URL without \/v1/,
    );
    // 413, refused before the body is read: the source is the one the Authorization header names.
    const big = `{"batch":[{"type":"track","userId":"u","event":"${'x'.repeat(MAX_BATCH_BYTES)}"}]}`;
    expect((await send('/v1/batch', app.writeKey, big)).status).toBe(413);

    const expected = [
      {
        sourceId: app.source.id,
        code: 'invalid_input',
        status: 400,
        reason: 'event: event name is required for track',
        count: 2,
      },
      { sourceId: null, code: 'unauthorized', status: 401, reason: 'Invalid write key', count: 2 },
      {
        sourceId: app.source.id,
        code: 'not_found',
        status: 404,
        reason: expect.stringMatching(/^No ingest endpoint at POST \/v1\/v1\/batch/),
        count: 1,
      },
      { sourceId: app.source.id, code: 'payload_too_large', status: 413, reason: expect.any(String), count: 1 },
    ];
    const sorted = (rows: RefusalView[]) => [...rows].sort((a, b) => a.status - b.status);
    expect(sorted(await refusals())).toEqual(expected.map((e) => expect.objectContaining(e)));

    // Written on close (and every few seconds): a restarted hub still lists them.
    await t.close();
    t = await createTestHub({ dataDir });
    expect(sorted(await refusals())).toEqual(expected.map((e) => expect.objectContaining(e)));
  });

  it('keeps a bounded number of reasons per source and code', async () => {
    const app = await source('app');
    for (let i = 0; i < MAX_REASONS + 5; i++) {
      expect((await send(`/v1/nowhere-${i}`, app.writeKey, '{}')).status).toBe(404);
    }
    // The counts are written at close.
    await t.close();
    t = await createTestHub({ dataDir });
    const rows = await refusals();
    expect(rows).toHaveLength(MAX_REASONS);
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(MAX_REASONS + 5);
    expect(rows.find((r) => r.reason === OTHER)?.count).toBe(6);
  });

  it('say a reason without what differs between requests', () => {
    expect(reasonOf('batch[12].userId: userId or anonymousId is required')).toBe(
      'userId: userId or anonymousId is required',
    );
    expect(reasonOf('batch[3]: message is 40000 bytes; at most 32768 per message')).toBe(
      'message too large: at most 32768 per message',
    );
  });
});

describe('GET /api/settings', () => {
  it('answers the public URL, flagged while it is a loopback address', async () => {
    const answer = async (hub: TestHub) =>
      ((await (await hub.request('GET', '/api/settings')).json()) as { publicUrl: unknown }).publicUrl;
    expect(await answer(t)).toEqual({ url: 'http://127.0.0.1:8787', configured: false, loopback: true });
    const configured = await createTestHub({ publicUrl: 'https://hub.example.com/' });
    try {
      expect(await answer(configured)).toEqual({ url: 'https://hub.example.com', configured: true, loopback: false });
    } finally {
      await configured.close();
    }
  });
});
