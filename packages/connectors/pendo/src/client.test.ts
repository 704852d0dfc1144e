import type { ConnectorContext } from '@synchub/core';
import { createPendoSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPendoClient } from './client.js';
import { settingsSchema } from './settings.js';

const NOW = Date.UTC(2025, 0, 15, 12);

describe('pendo client against the simulator', () => {
  const sim = createPendoSimulator({ accounts: 12, now: () => NOW, retryAfterSeconds: 30 });
  let server: RunningServer;
  const buckets: string[] = [];
  const ctx: ConnectorContext = {
    fetch,
    now: () => NOW,
    acquire: async (bucket) => {
      buckets.push(bucket);
    },
  };
  const client = (key = sim.credentials.integrationKey) =>
    createPendoClient(settingsSchema.parse({ baseUrl: server.url, sandbox: true }), { integrationKey: key }, ctx);
  beforeAll(async () => {
    server = await listen(sim.app);
  });
  afterAll(() => server.close());
  afterEach(() => sim.control.faults.clear());

  it('runs aggregation pipelines and asks the limiter before every call', async () => {
    buckets.length = 0;
    const rows = await client().aggregate([
      { source: { events: null, timeSeries: { period: 'dayRange', first: 'now()', count: -7 } } },
      { identified: 'accountId' },
      { group: { group: ['accountId'], fields: { minutes: { sum: 'numMinutes' } } } },
      { sort: ['accountId'] },
      { limit: 3 },
    ]);
    expect(rows).toHaveLength(3);
    expect(Object.keys(rows[0] ?? {})).toEqual(['accountId', 'minutes']);
    expect(buckets).toEqual(['api']);
    const sent = sim.control.requests.at(-1)?.body as { request: { requestId: string; pipeline: unknown[] } };
    expect(sent.request.requestId).toBe(`synchub-${NOW}`);
    expect(sent.request.pipeline).toHaveLength(5);
  });

  it('maps a missing pipeline to invalid_request with Pendo’s field errors', async () => {
    const error = await client()
      .aggregate([])
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'invalid_request', status: 422 });
    expect(error.body).toEqual({ overall: {}, fields: { pipeline: 'Required' } });
    expect(error.message).toContain('pipeline: Required');
  });

  it('maps an unknown operator to invalid_request with Pendo’s text', async () => {
    const error = await client()
      .aggregate([{ source: { accounts: null } }, { explode: true }])
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(error.message).toMatch(/unknown pipeline operator "explode"/);
  });

  it('reads account report rows and maps an unknown report to not_found', async () => {
    const rows = await client().reportResults('aCcT7dUsAgE-rpt01');
    expect(rows).toHaveLength(12);
    expect(rows[0]).toHaveProperty('timeOnSite');
    const error = await client()
      .reportResults('missing')
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('writes account metadata and reports failed and missing rows', async () => {
    const summary = await client().writeAccountValues([
      { accountId: 'acct-000002', values: { healthscore: 91, tier: 'Gold' } },
      { accountId: 'acct-000003', values: { notAField: 1 } },
      { accountId: 'nobody', values: { tier: 'Gold' } },
    ]);
    expect(summary).toEqual({ total: 3, updated: 1, failed: 2, missing: ['nobody'] });
    expect(sim.state.written.get('acct-000002')).toEqual({ healthscore: 91, tier: 'Gold' });
  });

  it('maps a write with a read-only key to forbidden', async () => {
    const error = await client(sim.credentials.readOnlyKey)
      .writeAccountValues([{ accountId: 'acct-000001', values: { tier: 'Gold' } }])
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'forbidden', status: 403 });
    expect(error.message).toMatch(/write access/);
  });

  it('maps 429 to rate_limited with retryAt from Retry-After', async () => {
    sim.control.faults.set('/api/v1/metadata', { rateLimitBurst: 1 });
    const error = await client()
      .accountSchema()
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAt: NOW + 30_000 });
  });

  it('maps 5xx to transient and unreachable hosts to transient', async () => {
    sim.control.faults.set('/api/v1/metadata', { errorRate: 1 });
    const error = await client()
      .accountSchema()
      .catch((e) => e);
    expect(error.code).toBe('transient');
    expect(error.status).toBeGreaterThanOrEqual(500);
    const closed = await listen(sim.app);
    await closed.close();
    const offline = createPendoClient(
      settingsSchema.parse({ baseUrl: closed.url, sandbox: true }),
      { integrationKey: sim.credentials.integrationKey },
      ctx,
    );
    const network = await offline.accountSchema().catch((e) => e);
    expect(network.code).toBe('transient');
  });

  it('never puts the integration key in an error message', async () => {
    const key = 'secret-key-that-is-long-enough';
    const error = await client(key)
      .accountSchema()
      .catch((e) => e);
    expect(error.code).toBe('auth');
    expect(error.message).not.toContain(key);
  });
});

describe('pendo client when Pendo sends no Retry-After', () => {
  it('still maps 429 to rate_limited, leaving retryAt to the host’s back-off', async () => {
    const sim = createPendoSimulator({ accounts: 2 });
    const server = await listen(sim.app);
    try {
      sim.control.faults.set('*', { rateLimitBurst: 1 });
      const c = createPendoClient(
        settingsSchema.parse({ baseUrl: server.url, sandbox: true }),
        { integrationKey: sim.credentials.integrationKey },
        { fetch, now: Date.now },
      );
      const error = await c.accountSchema().catch((e) => e);
      expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAt: undefined });
      expect(error.body).toMatch(/Too Many Requests/);
    } finally {
      await server.close();
    }
  });
});

describe('pendo settings', () => {
  it('maps each region to its host and refuses plain http outside sandbox', async () => {
    const { baseUrlOf } = await import('./settings.js');
    const url = (region: string) => baseUrlOf(settingsSchema.parse({ region }));
    expect(url('us')).toBe('https://app.pendo.io');
    expect(url('us1')).toBe('https://us1.app.pendo.io');
    expect(url('eu')).toBe('https://app.eu.pendo.io');
    expect(url('jpn')).toBe('https://app.jpn.pendo.io');
    expect(url('au')).toBe('https://app.au.pendo.io');
    expect(settingsSchema.safeParse({ region: 'mars' }).success).toBe(false);
    expect(() => baseUrlOf(settingsSchema.parse({ baseUrl: 'http://127.0.0.1:9' }))).toThrow(/https/);
    expect(baseUrlOf(settingsSchema.parse({ baseUrl: 'http://127.0.0.1:9', sandbox: true }))).toBe(
      'http://127.0.0.1:9',
    );
  });
});
