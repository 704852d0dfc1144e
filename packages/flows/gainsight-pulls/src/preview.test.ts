import type { Hub } from '@synchub/hub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PullHub, pullHub } from './test-setup.js';

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field by the assertions
type Json = Record<string, any>;
type Request = (method: string, url: string, body?: unknown) => Response | Promise<Response>;

const call = async (request: Request, url: string, body: unknown = {}) => {
  const res = await request('POST', url, body);
  return { status: res.status, body: (await res.json()) as Json };
};

/** Everything a preview must leave as it was: stored data, pipelines (cursors), runs, the plugin's table. */
const TABLES = [
  'accounts',
  'cs_companies',
  'activities',
  'survey_responses',
  'usage_metrics',
  'custom_fields',
  'pipelines',
  'runs',
  'run_records',
  'audit_log',
] as const;
async function hubState(db: Hub['db']) {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) out[table] = await db.selectFrom(table).selectAll().execute();
  return out;
}

/** Gainsight requests that change something (its POST reads are not writes). */
const gainsightWrite = (r: { method: string; path: string }) =>
  r.method !== 'GET' &&
  !r.path.startsWith('/v1/data/objects/query/') &&
  r.path !== '/v1/meta/services/objects/describe';

describe('previews of the pulls', { timeout: 60_000 }, () => {
  let h: PullHub;
  const request: Request = (method, url, body) => h.request(method, url, body);
  beforeAll(async () => {
    h = await pullHub();
  });
  afterAll(() => h.close());

  let accountsId: string;
  it('salesforce.accounts: the rows it would store, none stored; Gainsight pulls are gated until it ran', async () => {
    const id = await h.create('salesforce.accounts');
    accountsId = id;
    const state = await hubState(h.hub.db);
    const { status, body } = await call(request, `/api/pipelines/${id}/preview`, { limit: 5 });
    expect(status).toBe(200);
    expect(body.preview).toMatchObject({ kind: 'salesforce.accounts', error: null, requests: [] });
    expect(body.preview.counts).toMatchObject({ read: 5, written: 5 });
    expect(body.preview.records).toHaveLength(5);
    const [first] = body.preview.records;
    expect(first.after).toMatchObject({
      id: first.before.Id,
      name: first.before.Name,
      connectionId: h.sfConnectionId,
    });
    expect(await hubState(h.hub.db)).toEqual(state);
    expect(await h.count('accounts')).toBe(0);

    const gated = await call(request, '/api/pipelines/preview', {
      kind: 'gainsight.company',
      name: 'companies',
      connectionId: h.gsConnectionId,
    });
    expect(gated.status).toBe(200);
    expect(gated.body.preview.error).toMatchObject({ code: 'gated', message: expect.stringMatching(/primary CRM/) });
    expect(gated.body.preview.records).toEqual([]);
  });

  const PULLS: Array<{ kind: string; settings: Json; table: Parameters<PullHub['count']>[0] }> = [
    { kind: 'gainsight.company', settings: {}, table: 'cs_companies' },
    { kind: 'gainsight.activity', settings: {}, table: 'activities' },
    { kind: 'gainsight.surveys', settings: { registerCustomFields: true }, table: 'survey_responses' },
    {
      kind: 'gainsight.usage',
      settings: {
        object: 'product_usage__gc',
        periodField: 'UsageDate__gc',
        aggregate: {
          enabled: true,
          aggregateKey: 'GsCompanyId',
          metricNameField: 'MetricName__gc',
          metricValueField: 'MetricValue__gc',
        },
      },
      table: 'usage_metrics',
    },
  ];
  for (const pull of PULLS) {
    it(`${pull.kind}: the rows it would store (and the unmatched, with why), nothing stored`, async () => {
      if ((await h.count('accounts')) === 0) expect((await h.run(accountsId)).status).toBe('completed');
      const id = await h.create(pull.kind, pull.settings);
      const state = await hubState(h.hub.db);
      const gsBefore = h.gainsight.control.requests.length;
      const { status, body } = await call(request, `/api/pipelines/${id}/preview`, { limit: 6 });
      expect(status).toBe(200);
      const p = body.preview;
      expect(p).toMatchObject({ kind: pull.kind, limit: 6, error: null, requests: [] });
      expect(p.records.length).toBeGreaterThan(0);
      expect(p.records.length).toBeLessThanOrEqual(6);
      expect(p.counts.read).toBeLessThanOrEqual(6);
      expect(p.records.some((r: Json) => r.after !== null)).toBe(true);
      for (const r of p.records) if (r.after === null) expect(r.note).toEqual(expect.any(String));
      // The page asked for is no larger than the preview needs.
      const queries = h.gainsight.control.requests.slice(gsBefore).filter((r) => r.path.includes('/query/'));
      expect(queries.every((r) => (r.body as Json).limit <= 6)).toBe(true);
      expect(h.gainsight.control.requests.slice(gsBefore).filter(gainsightWrite)).toEqual([]);
      expect(await h.count(pull.table)).toBe(0);
      expect(await hubState(h.hub.db)).toEqual(state);
    });
  }
});
