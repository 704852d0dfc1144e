import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CONTRACT_VERSION,
  ConnectorError,
  defineConnector,
  defineDestination,
  MINUTE,
  type SyncRecord,
} from '@synchub/core';
import type { LoadedConnector } from '@synchub/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestHub } from '../test-support.js';

/**
 * A vendor as small as can be: POST /write takes `{options, records}` all or nothing (400 naming the
 * first record with `bad` set), and answers 503 while `down`. It records every call it got.
 */
function createVendor() {
  const calls: Array<{ options: Record<string, unknown>; records: SyncRecord[] }> = [];
  const state = { down: false };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const parsed = JSON.parse(body) as { options: Record<string, unknown>; records: SyncRecord[] };
      calls.push(parsed);
      const answer = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (state.down) return answer(503, { error: 'down for maintenance' });
      const bad = parsed.records.findIndex((r) => r.bad);
      if (bad >= 0) return answer(400, { error: 'a record has an invalid field "bad"' });
      answer(200, { ids: parsed.records.map((r) => `id-${String(r.email ?? r.event)}`) });
    });
  });
  return {
    calls,
    server,
    url: '',
    get down() {
      return state.down;
    },
    set down(value: boolean) {
      state.down = value;
    },
  };
}

/** A third-party connector built the way a plugin would, offering an event destination through `map`. */
function acmeConnector(id: string, merge: boolean) {
  const settings = z.object({ baseUrl: z.string() });
  const secrets = z.object({ apiKey: z.string() });
  const writer = (name: string, batchSize: number) => ({
    name,
    mode: 'upsert' as const,
    batchSize,
    bucket: 'api',
    async write({
      settings: s,
      ctx,
      records,
      options,
    }: {
      settings: z.output<typeof settings>;
      ctx: import('@synchub/core').ConnectorContext;
      records: SyncRecord[];
      options: Record<string, unknown>;
    }) {
      await ctx.acquire?.('api');
      const res = await ctx.fetch(`${s.baseUrl}/write`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ options, records }),
      });
      const body = (await res.json()) as { error?: string; ids?: string[] };
      if (res.status === 503) throw new ConnectorError('transient', body.error ?? 'unavailable', { status: 503 });
      if (res.status === 400)
        return records.map(() => ({
          ok: false as const,
          error: { code: 'invalid_request' as const, message: body.error ?? '' },
        }));
      return records.map((_, i) => ({ ok: true as const, id: body.ids?.[i] }));
    },
  });
  return defineConnector({
    id,
    name: `Acme ${id}`,
    version: '1.0.0',
    contractVersion: CONTRACT_VERSION,
    settings,
    secrets,
    check: async () => ({ summary: 'ok', details: {} }),
    discover: async () => [],
    streams: {},
    writers: { contacts: writer('contacts', 3), events: writer('events', 10) },
    rateLimit: { buckets: { api: [{ limit: 1000, windowMs: MINUTE }] }, defaultBucket: 'api', key: (s) => s.baseUrl },
    destination: defineDestination({
      title: 'Acme contacts',
      description: 'identify → contact upsert by email; track → event',
      settings: z.object({ stream: z.string().default('web').meta({ title: 'Event stream' }) }),
      messageTypes: ['identify', 'track'],
      merge,
      map(message, { settings: own }) {
        if (message.type === 'track') {
          return {
            records: [
              {
                writer: 'events',
                record: { event: message.event, ...message.properties },
                options: { stream: own.stream },
              },
            ],
          };
        }
        const email = message.traits?.email;
        if (typeof email !== 'string') return { error: { code: 'mapping', message: 'email is required' } };
        return { records: [{ writer: 'contacts', record: { ...message.traits }, key: email.toLowerCase() }] };
      },
    }),
  });
}

const loaded = (id: string, merge: boolean): LoadedConnector => ({
  definition: acmeConnector(id, merge) as unknown as LoadedConnector['definition'],
  packageName: `@acme/${id}`,
  packageDir: '/nonexistent',
});

type TestHub = Awaited<ReturnType<typeof createTestHub>>;
let t: TestHub;
let vendor: ReturnType<typeof createVendor>;
let clock: number;

beforeEach(async () => {
  vendor = createVendor();
  await new Promise<void>((resolve) => vendor.server.listen(0, '127.0.0.1', resolve));
  vendor.url = `http://127.0.0.1:${(vendor.server.address() as AddressInfo).port}`;
  clock = Date.now();
  t = await createTestHub({ now: () => clock, extraConnectors: [loaded('acme', true), loaded('acme-flat', false)] });
});
afterEach(async () => {
  await t.hub.close();
  await new Promise((resolve) => vendor.server.close(resolve));
});

async function routeTo(kind: string, settings: Record<string, unknown> = {}) {
  const conn = await t.request('POST', '/api/connections', {
    connectorId: kind,
    name: `${kind} account`,
    settings: { baseUrl: vendor.url },
    secrets: { apiKey: 'k' },
  });
  expect(conn.status).toBe(201);
  const connectionId = ((await conn.json()) as { connection: { id: string } }).connection.id;
  const dest = await t.request('POST', '/api/destinations', { name: kind, kind, connectionId, settings });
  expect(dest.status).toBe(201);
  const { destination } = (await dest.json()) as { destination: { id: string; settings: Record<string, unknown> } };
  const src = await t.request('POST', '/api/sources', { name: `${kind} app`, destinationId: destination.id });
  const { writeKey } = (await src.json()) as { writeKey: string };
  let seq = 0;
  const ingest = async (batch: Array<Record<string, unknown>>) => {
    const res = await t.hub.app.request('/v1/batch', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
      },
      body: JSON.stringify({ batch: batch.map((m) => ({ messageId: `${kind}-${++seq}`, userId: 'u', ...m })) }),
    });
    expect(res.status).toBe(200);
  };
  return { destination, connectionId, ingest };
}

const events = () => t.hub.db.selectFrom('events').selectAll().orderBy('id').execute();
const states = async () => (await events()).map((e) => e.state);
const errorOf = (row: { last_error_json: string | null } | undefined) => JSON.parse(row?.last_error_json ?? 'null');
const identify = (traits: Record<string, unknown>) => ({ type: 'identify', traits });

describe('destination kinds come from the registry', () => {
  it('lists every connector offering a destination, with host settings in its schema', async () => {
    const res = await t.request('GET', '/api/destinations/kinds');
    expect(res.status).toBe(200);
    const { kinds } = (await res.json()) as { kinds: Array<Record<string, unknown>> };
    // The test connectors' kinds among the installed connectors' (the built-in ones: test/hub/delivery.test.ts),
    // in kind order.
    const listed = kinds.map((k) => String(k.kind));
    expect(listed).toEqual([...listed].sort((x, y) => x.localeCompare(y)));
    expect(listed.filter((k) => k.startsWith('acme'))).toEqual(['acme', 'acme-flat']);
    const acme = kinds.find((k) => k.kind === 'acme') as {
      settingsSchema: { properties: Record<string, { default?: unknown }> };
    };
    expect(acme).toMatchObject({
      kind: 'acme',
      connectorId: 'acme',
      title: 'Acme contacts',
      description: 'identify → contact upsert by email; track → event',
      messageTypes: ['identify', 'track'],
      merge: true,
    });
    expect(Object.keys(acme.settingsSchema.properties)).toEqual(['stream', 'flushWindowMs', 'maxAttempts']);
    expect(acme.settingsSchema.properties.flushWindowMs?.default).toBe(2000);
    // The connector description carries the destination too.
    const described = (await (await t.request('GET', '/api/connectors/acme')).json()) as {
      connector: { destination: { title: string } | null };
    };
    expect(described.connector.destination?.title).toBe('Acme contacts');
  });

  it('validates settings with the destination schema plus the host settings, and the connection kind', async () => {
    const { destination, connectionId } = await routeTo('acme', { stream: 'app', maxAttempts: 3 });
    expect(destination.settings).toEqual({ stream: 'app', flushWindowMs: 2000, maxAttempts: 3 });

    const bad = await t.request('POST', '/api/destinations', {
      name: 'bad',
      kind: 'acme',
      connectionId,
      settings: { stream: 7, flushWindowMs: 5 },
    });
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: { issues: Array<{ path: string }> } };
    expect(error.issues.map((i) => i.path)).toEqual(['settings.stream', 'settings.flushWindowMs']);

    const unknown = await t.request('POST', '/api/destinations', { name: 'x', kind: 'nope', connectionId });
    expect(unknown.status).toBe(400);
    // Every kind on offer, the test connectors' and the installed connectors'.
    const { kinds } = (await (await t.request('GET', '/api/destinations/kinds')).json()) as {
      kinds: Array<{ kind: string }>;
    };
    const known = kinds.map((k) => k.kind);
    expect(known).toEqual(expect.arrayContaining(['acme', 'acme-flat']));
    expect(((await unknown.json()) as { error: { message: string; known: string[] } }).error).toMatchObject({
      message: `kind: unknown destination kind "nope"; known kinds: ${known.join(', ')}`,
      known,
    });

    const wrong = await t.request('POST', '/api/destinations', { name: 'y', kind: 'acme-flat', connectionId });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(await wrong.json())).toContain(
      'a acme-flat destination needs a acme-flat connection, not acme',
    );
  });
});

describe('the host delivers through a destination that maps', () => {
  it('merges updates of one entity inside a window when the destination merges (later fields win)', async () => {
    const { ingest } = await routeTo('acme');
    await ingest([
      identify({ email: 'ann@x.com', name: 'Ann', plan: 'free' }),
      identify({ email: 'ANN@x.com', plan: 'pro' }),
      identify({ email: 'ann@x.com', title: 'CTO' }),
    ]);
    await t.hub.engine.drain();
    expect(await states()).toEqual(['delivered', 'delivered', 'delivered']);
    expect(vendor.calls).toEqual([
      { options: {}, records: [{ email: 'ann@x.com', name: 'Ann', plan: 'pro', title: 'CTO' }] },
    ]);
  });

  it('does not merge when the destination says merge: false', async () => {
    const { ingest } = await routeTo('acme-flat');
    await ingest([identify({ email: 'ann@x.com', plan: 'free' }), identify({ email: 'ann@x.com', plan: 'pro' })]);
    await t.hub.engine.drain();
    expect(vendor.calls).toEqual([
      {
        options: {},
        records: [
          { email: 'ann@x.com', plan: 'free' },
          { email: 'ann@x.com', plan: 'pro' },
        ],
      },
    ]);
  });

  it("writes in batches of the writer's batchSize through the account's limiter, grouped by options", async () => {
    const { ingest } = await routeTo('acme', { stream: 'app' });
    await ingest([
      ...Array.from({ length: 7 }, (_, i) => identify({ email: `p${i}@x.com` })),
      { type: 'track', event: 'Signed Up', properties: { plan: 'pro' } },
    ]);
    await t.hub.engine.drain();
    expect((await states()).every((s) => s === 'delivered')).toBe(true);
    expect(vendor.calls.map((c) => [c.options, c.records.length])).toEqual([
      [{}, 3],
      [{}, 3],
      [{}, 1],
      [{ stream: 'app' }, 1],
    ]);
    expect(vendor.calls[3]?.records).toEqual([{ event: 'Signed Up', plan: 'pro' }]);
    const { limits } = (await (await t.request('GET', '/api/limits')).json()) as {
      limits: Array<{ connector: string; usage: Array<{ used: number }> }>;
    };
    expect(limits.find((l) => l.connector === 'acme')?.usage[0]?.used).toBe(4);
  });

  it('splits a refused batch so that only the bad record fails, with the vendor answer', async () => {
    const { ingest } = await routeTo('acme-flat');
    await ingest([
      identify({ email: 'a@x.com' }),
      identify({ email: 'b@x.com', bad: true }),
      identify({ email: 'c@x.com' }),
    ]);
    await t.hub.engine.drain();
    const rows = await events();
    expect(rows.map((r) => r.state)).toEqual(['delivered', 'failed', 'delivered']);
    expect(errorOf(rows[1])).toMatchObject({ code: 'invalid_request', message: 'a record has an invalid field "bad"' });
    expect(rows[1]?.attempts).toBe(1);
  });

  it("resends a refused merged record as each event's own record: only the event with bad data fails", async () => {
    const { ingest } = await routeTo('acme');
    await ingest([
      identify({ email: 'a@x.com', name: 'Ann' }),
      identify({ email: 'a@x.com', bad: true }),
      identify({ email: 'b@x.com', name: 'Bo' }),
    ]);
    await t.hub.engine.drain();
    const rows = await events();
    expect(rows.map((r) => r.state)).toEqual(['delivered', 'failed', 'delivered']);
    expect(errorOf(rows[1])).toMatchObject({ code: 'invalid_request' });
    expect(vendor.calls.map((c) => c.records)).toEqual([
      [
        { email: 'a@x.com', name: 'Ann', bad: true },
        { email: 'b@x.com', name: 'Bo' },
      ],
      [{ email: 'a@x.com', name: 'Ann', bad: true }],
      [{ email: 'b@x.com', name: 'Bo' }],
      [{ email: 'a@x.com', name: 'Ann' }],
      [{ email: 'a@x.com', bad: true }],
    ]);
  });

  it('fails message types it does not take, saying which it takes, and fails what map refuses', async () => {
    const { ingest } = await routeTo('acme');
    await ingest([
      { type: 'page', name: 'Home' },
      { type: 'group', groupId: 'g1', traits: { name: 'Acme' } },
      identify({ name: 'no email' }),
    ]);
    await t.hub.engine.drain();
    const rows = await events();
    expect(rows.map((r) => r.state)).toEqual(['failed', 'failed', 'failed']);
    expect(errorOf(rows[0])).toMatchObject({
      code: 'unsupported',
      message: 'page calls are not sent to Acme contacts (it takes identify and track)',
    });
    expect(errorOf(rows[2])).toMatchObject({ code: 'mapping', message: 'email is required' });
    expect(vendor.calls).toEqual([]);
  });

  it('retries a whole-call 503 with backoff, then delivers', async () => {
    const { ingest } = await routeTo('acme');
    vendor.down = true;
    await ingest([identify({ email: 'a@x.com' }), identify({ email: 'b@x.com' })]);
    await t.hub.engine.drain();
    let rows = await events();
    expect(rows.map((r) => [r.state, r.attempts])).toEqual([
      ['retrying', 1],
      ['retrying', 1],
    ]);
    expect(errorOf(rows[0])).toMatchObject({ code: 'transient', status: 503, message: 'down for maintenance' });
    expect(rows[0]?.next_attempt_at).toBeGreaterThan(clock);

    vendor.down = false;
    clock += 60_000;
    await t.hub.engine.drain();
    rows = await events();
    expect(rows.map((r) => [r.state, r.attempts, r.last_error_json])).toEqual([
      ['delivered', 2, null],
      ['delivered', 2, null],
    ]);
    expect(vendor.calls).toHaveLength(2);
  });

  it('gives up after maxAttempts of the host settings', async () => {
    const { ingest } = await routeTo('acme', { maxAttempts: 2 });
    vendor.down = true;
    await ingest([identify({ email: 'a@x.com' })]);
    await t.hub.engine.drain();
    clock += 60_000;
    await t.hub.engine.drain();
    const [row] = await events();
    expect(row).toMatchObject({ state: 'failed', attempts: 2 });
    expect(errorOf(row).message).toBe('gave up after 2 attempts: down for maintenance');
  });
});
