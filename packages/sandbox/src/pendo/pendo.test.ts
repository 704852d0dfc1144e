import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../common.js';
import { createPendoSimulator } from './index.js';

const NOW = Date.UTC(2025, 0, 15, 12);
const DAY = 86_400_000;

describe('pendo simulator', () => {
  const sim = createPendoSimulator({ accounts: 25, now: () => NOW });
  let server: RunningServer;
  beforeAll(async () => {
    server = await listen(sim.app);
  });
  afterAll(() => server.close());

  const call = (path: string, init: { method?: string; key?: string | null; body?: unknown } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const key = init.key === undefined ? sim.credentials.integrationKey : init.key;
    if (key !== null) headers['x-pendo-integration-key'] = key as string;
    return fetch(server.url + path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
  };
  const aggregate = async (pipeline: unknown[]) => {
    const res = await call('/api/v1/aggregation', {
      body: { response: { mimeType: 'application/json' }, request: { requestId: 't', pipeline } },
    });
    return { status: res.status, body: res.status === 200 ? await res.json() : await res.text() };
  };
  const last30 = { period: 'dayRange', first: 'now()', count: -30 };

  it('answers 401 with a text body when the integration key is missing or wrong', async () => {
    const missing = await call('/api/v1/metadata/schema/account', { key: null });
    expect(missing.status).toBe(401);
    expect(await missing.text()).toMatch(/missing x-pendo-integration-key/);
    const wrong = await call('/api/v1/metadata/schema/account', { key: 'not-a-key' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toMatch(/invalid integration key/);
  });

  it('answers 422 with Pendo’s field errors when the pipeline is missing', async () => {
    const res = await call('/api/v1/aggregation', {
      body: { response: { mimeType: 'application/json' }, request: {} },
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ overall: {}, fields: { pipeline: 'Required' } });
  });

  it('refuses unknown operators, bad expressions and event sources without a time series', async () => {
    const unknown = await aggregate([{ source: { accounts: null } }, { frobnicate: 1 }]);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatch(/unknown pipeline operator "frobnicate"/);
    const badFilter = await aggregate([{ source: { accounts: null } }, { filter: 'accountId >' }]);
    expect(badFilter.status).toBe(400);
    expect(badFilter.body).toMatch(/invalid expression/);
    const noSeries = await aggregate([{ source: { events: null } }]);
    expect(noSeries.status).toBe(400);
    expect(noSeries.body).toMatch(/no period specified/);
    const unknownSource = await aggregate([{ source: { guideUnicorns: null } }]);
    expect(unknownSource.status).toBe(400);
  });

  it('pages accounts by sort + filter on the last id + limit, each account once', async () => {
    const seen: string[] = [];
    let last = '';
    for (let page = 0; page < 10; page += 1) {
      const pipeline: unknown[] = [{ source: { accounts: null } }, { identified: 'accountId' }];
      if (last) pipeline.push({ filter: `accountId > ${JSON.stringify(last)}` });
      pipeline.push({ select: { accountId: 'accountId', name: 'metadata.agent.name' } }, { sort: ['accountId'] });
      pipeline.push({ limit: 10 });
      const { status, body } = await aggregate(pipeline);
      expect(status).toBe(200);
      const rows = (body as { results: { accountId: string; name: string }[] }).results;
      if (rows.length === 0) break;
      expect(Object.keys(rows[0] ?? {})).toEqual(['accountId', 'name']);
      seen.push(...rows.map((r) => r.accountId));
      last = rows.at(-1)?.accountId ?? '';
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect([...seen].sort()).toEqual(seen);
  });

  it('groups events per account, matching the account report over the same window', async () => {
    const { status, body } = await aggregate([
      { source: { events: null, timeSeries: last30 } },
      { identified: 'accountId' },
      {
        group: {
          group: ['accountId'],
          fields: {
            minutes: { sum: 'numMinutes' },
            rows: { count: null },
            busiest: { max: 'numEvents' },
            quiet: { min: 'numEvents' },
          },
        },
      },
      { sort: ['-minutes'] },
    ]);
    expect(status).toBe(200);
    const rows = (body as { results: { accountId: string; minutes: number; busiest: number; quiet: number }[] })
      .results;
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.map((r) => r.minutes)).toEqual([...rows.map((r) => r.minutes)].sort((a, b) => b - a));
    for (const r of rows) expect(r.busiest).toBeGreaterThanOrEqual(r.quiet);
    const report = (await (await call('/api/v1/report/aCcT30dUsAgE-rpt02/results.json')).json()) as {
      accountId: string;
      timeOnSite: number;
    }[];
    expect(report).toHaveLength(25);
    for (const r of rows) expect(report.find((x) => x.accountId === r.accountId)?.timeOnSite).toBe(r.minutes);
  });

  it('keeps the time series inside the window and identified drops anonymous visitors', async () => {
    const all = await aggregate([
      { source: { events: null, timeSeries: { period: 'dayRange', first: NOW - 3 * DAY, count: 2 } } },
    ]);
    const rows = (all.body as { results: { day: number; visitorId: string; accountId: string | null }[] }).results;
    const days = new Set(rows.map((r) => r.day));
    expect([...days].sort()).toEqual([Date.UTC(2025, 0, 12), Date.UTC(2025, 0, 13)]);
    expect(rows.some((r) => r.visitorId.startsWith('_PENDO_T_'))).toBe(true);
    const identified = await aggregate([
      { source: { events: null, timeSeries: { period: 'dayRange', first: NOW - 3 * DAY, count: 2 } } },
      { identified: 'visitorId' },
    ]);
    const kept = (identified.body as { results: { visitorId: string }[] }).results;
    expect(kept.length).toBe(rows.filter((r) => !r.visitorId.startsWith('_PENDO_T_')).length);
  });

  it('serves feature and page events with their ids', async () => {
    const features = await aggregate([
      { source: { featureEvents: null, timeSeries: { ...last30, count: -7 } } },
      { limit: 5 },
    ]);
    const rows = (features.body as { results: Record<string, unknown>[] }).results;
    expect(rows).toHaveLength(5);
    for (const r of rows)
      expect(Object.keys(r).sort()).toEqual([
        'accountId',
        'appId',
        'day',
        'featureId',
        'numEvents',
        'numMinutes',
        'visitorId',
      ]);
    const pages = await aggregate([{ source: { pageEvents: null, timeSeries: last30 } }, { limit: 1 }]);
    expect((pages.body as { results: Record<string, unknown>[] }).results[0]).toHaveProperty('pageId');
  });

  it('serves NPS poll responses (0–10) per account from pollEvents, narrowed by pollId', async () => {
    const poll = sim.state.data.npsPoll;
    const all = await aggregate([{ source: { pollEvents: { pollId: poll.id }, timeSeries: last30 } }]);
    const rows = (all.body as { results: Record<string, unknown>[] }).results;
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) {
      expect(r).toMatchObject({ pollId: poll.id, guideId: poll.guideId });
      expect(r.pollResponse).toBeGreaterThanOrEqual(0);
      expect(r.pollResponse).toBeLessThanOrEqual(10);
    }
    const other = await aggregate([{ source: { pollEvents: { pollId: 'another' }, timeSeries: last30 } }]);
    expect((other.body as { results: unknown[] }).results).toEqual([]);
    // Promoters per account through a filter and a group, as an NPS measure would ask.
    const promoters = await aggregate([
      { source: { pollEvents: { pollId: poll.id }, timeSeries: last30 } },
      { filter: 'pollResponse >= 9' },
      { group: { group: ['accountId'], fields: { promoters: { count: 'pollResponse' } } } },
    ]);
    const counted = (promoters.body as { results: { accountId: string; promoters: number }[] }).results;
    const expected = new Map<string, number>();
    for (const r of rows) {
      if ((r.pollResponse as number) >= 9)
        expected.set(r.accountId as string, (expected.get(r.accountId as string) ?? 0) + 1);
    }
    expect(new Map(counted.map((c) => [c.accountId, c.promoters]))).toEqual(expected);
  });

  it('lists reports and 404s an unknown one', async () => {
    const reports = (await (await call('/api/v1/report')).json()) as { id: string }[];
    expect(reports.map((r) => r.id)).toContain('aCcT7dUsAgE-rpt01');
    const missing = await call('/api/v1/report/nope/results.json');
    expect(missing.status).toBe(404);
  });

  it('describes the account metadata schema in four groups with types', async () => {
    const schema = (await (await call('/api/v1/metadata/schema/account')).json()) as Record<
      string,
      Record<string, { Type: string }>
    >;
    expect(Object.keys(schema).sort()).toEqual(['agent', 'auto', 'custom', 'salesforce']);
    expect(schema.custom?.healthscore?.Type).toBe('integer');
    expect(schema.custom?.renewaldate?.Type).toBe('time');
    expect(schema.auto?.lastvisit?.Type).toBe('time');
  });

  it('returns integer custom fields of some accounts as strings (the quirk clients must coerce)', async () => {
    const { body } = await aggregate([
      { source: { accounts: null } },
      { select: { id: 'accountId', h: 'metadata.custom.healthscore' } },
    ]);
    const types = new Set((body as { results: { h: unknown }[] }).results.map((r) => typeof r.h));
    expect(types).toEqual(new Set(['number', 'string']));
  });

  it('refuses metadata writes with a read-only key', async () => {
    const res = await call('/api/v1/metadata/account/custom/value', {
      key: sim.credentials.readOnlyKey,
      body: [{ accountId: 'acct-000001', values: { healthscore: 1 } }],
    });
    expect(res.status).toBe(403);
  });

  it('writes custom values coerced by type, failing rows with unknown fields, bad values or missing accounts', async () => {
    const res = await call('/api/v1/metadata/account/custom/value', {
      body: [
        { accountId: 'acct-000001', values: { healthscore: '82', renewaldate: '2025-01-31', churnrisk: 'false' } },
        { accountId: 'acct-000002', values: { nosuchfield: 1 } },
        { accountId: 'acct-000003', values: { healthscore: 'high' } },
        { accountId: 'ghost', values: { healthscore: 5 } },
      ],
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ total: 4, updated: 1, failed: 3, missing: ['ghost'] });
    expect(sim.state.written.get('acct-000001')).toEqual({
      healthscore: 82,
      renewaldate: Date.UTC(2025, 0, 31),
      churnrisk: false,
    });
    expect(sim.state.writes.filter((w) => !w.ok).map((w) => w.reason)).toEqual([
      'unknown custom field "nosuchfield"',
      'value for "healthscore" is not a valid integer',
      'account not found',
    ]);
    const { body } = await aggregate([{ source: { accounts: null } }, { filter: 'accountId == "acct-000001"' }]);
    const [account] = (body as { results: { metadata: { custom: Record<string, unknown> } }[] }).results;
    expect(account?.metadata.custom.healthscore).toBe(82);
  });

  it('answers injected 429s and 5xx in Pendo’s plain-text form', async () => {
    sim.control.faults.set('/api/v1/metadata', { rateLimitBurst: 1 });
    const limited = await call('/api/v1/metadata/schema/account');
    expect(limited.status).toBe(429);
    expect(await limited.text()).toMatch(/Too Many Requests/);
    sim.control.faults.set('/api/v1/metadata', { errorRate: 1 });
    const failed = await call('/api/v1/metadata/schema/account');
    expect(failed.status).toBeGreaterThanOrEqual(500);
    sim.control.faults.clear();
    expect((await call('/api/v1/metadata/schema/account')).status).toBe(200);
  });
});

describe('pendo simulator at scale', () => {
  it('serves a page near the end of a million accounts without generating the rest', async () => {
    const sim = createPendoSimulator({ accounts: 1_000_000, now: () => NOW });
    // Count generated rows: seeking must build only the page, not the million before it.
    const { data } = sim.state;
    const accountRow = data.accountRow.bind(data);
    let built = 0;
    data.accountRow = (...args) => {
      built += 1;
      return accountRow(...args);
    };
    const res = await sim.app.request('/api/v1/aggregation', {
      method: 'POST',
      headers: { 'x-pendo-integration-key': sim.credentials.integrationKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        request: {
          pipeline: [
            { source: { accounts: null } },
            { filter: 'accountId > "acct-0999995"' },
            { select: { accountId: 'accountId' } },
            { sort: ['accountId'] },
            { limit: 10 },
          ],
        },
      }),
    });
    const { results } = (await res.json()) as { results: { accountId: string }[] };
    expect(results.map((r) => r.accountId)).toEqual([
      'acct-0999996',
      'acct-0999997',
      'acct-0999998',
      'acct-0999999',
      'acct-1000000',
    ]);
    expect(built).toBe(5);
  });
});
