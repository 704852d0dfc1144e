import { ConnectorError } from '@synchub/core';
import {
  createGainsightSimulator,
  createQualtricsSimulator,
  type GainsightObjectDef,
  listen,
  type LoggedRequest,
  picklistGsid,
} from '@synchub/sandbox';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, createBridge } from '../bridge/bridge-fixtures.js';
import type { Db } from '../db/index.js';
import { type PullHub, pullHub } from '../pulls/test-setup.js';
import { createLogger } from '../logger.js';
import { createTestHub } from '../test-support.js';
import { definePipelineKind } from './kind.js';
import { createPreviewer, maskRequest, SECRET_MASK } from './preview.js';
import type { PipelineStore } from './store.js';

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field by the assertions
type Json = Record<string, any>;
type Request = (method: string, url: string, body?: unknown) => Response | Promise<Response>;

const call = async (request: Request, url: string, body: unknown = {}) => {
  const res = await request('POST', url, body);
  return { status: res.status, body: (await res.json()) as Json };
};

/** Everything a preview must leave as it was: stored data, pipelines (cursors), runs, audit lines. */
const TABLES = [
  'accounts',
  'gainsight_companies',
  'activities',
  'survey_responses',
  'usage_metrics',
  'custom_fields',
  'pipelines',
  'runs',
  'run_records',
  'audit_log',
] as const;
async function hubState(db: Db) {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) out[table] = await db.selectFrom(table).selectAll().execute();
  return out;
}

/** A record as Gainsight is sent it: the named picklist fields' labels replaced by their item GSIDs. */
const asSent = (objects: GainsightObjectDef[], object: string, fields: string[]) => (record: Json) => ({
  ...record,
  ...Object.fromEntries(
    fields.filter((f) => record[f] != null).map((f) => [f, picklistGsid(objects, object, f, record[f])]),
  ),
});

/** Requests that change something, per simulator (their POST reads are not writes). */
const WRITES: Record<string, (r: LoggedRequest) => boolean> = {
  salesforce: (r) => r.method !== 'GET' && !r.path.startsWith('/services/oauth2/'),
  gainsight: (r) =>
    r.method !== 'GET' &&
    !r.path.startsWith('/v1/data/objects/query/') &&
    r.path !== '/v1/meta/services/objects/describe',
  pendo: (r) => r.method !== 'GET' && r.path !== '/api/v1/aggregation',
  qualtrics: (r) => r.method !== 'GET' && !/\/export-responses$/.test(r.path),
};

describe('maskRequest', () => {
  it('masks credential headers whatever their value, and secret values anywhere', () => {
    const masked = maskRequest(
      {
        method: 'POST',
        url: 'https://x.example.com/hook?key=s3cr3t-value',
        headers: {
          Authorization: 'Bearer abc',
          Accesskey: 'k',
          sharedSecret: 'k',
          'X-API-TOKEN': 'k',
          'x-pendo-integration-key': 'k',
          eventName: 'Signed Up',
          'x-echo': 'has s3cr3t-value inside',
        },
        body: { nested: ['s3cr3t-value'], keep: 'plain' },
      },
      new Set(['s3cr3t-value']),
    );
    expect(masked).toEqual({
      method: 'POST',
      url: `https://x.example.com/hook?key=${SECRET_MASK}`,
      headers: {
        Authorization: SECRET_MASK,
        Accesskey: SECRET_MASK,
        sharedSecret: SECRET_MASK,
        'X-API-TOKEN': SECRET_MASK,
        'x-pendo-integration-key': SECRET_MASK,
        eventName: 'Signed Up',
        'x-echo': `has ${SECRET_MASK} inside`,
      },
      body: { nested: [SECRET_MASK], keep: 'plain' },
    });
  });
});

describe('the preview deadline', () => {
  it('answers what it has when the kind runs past the deadline, with a timeout error, and aborts the run', async () => {
    let signal: AbortSignal | undefined;
    const slow = definePipelineKind({
      kind: 'test.slow',
      title: 'Slow',
      description: 'Never finishes',
      group: 'Tests',
      connectorId: 'pendo',
      settings: z.object({}),
      defaultSchedule: '0 * * * *',
      async run(run) {
        signal = run.signal;
        run.count('read');
        run.dryRun?.sample({ id: 1 }, { id: 1, seen: true });
        await new Promise(() => {});
      },
    });
    const logger = createLogger({ write: () => {} });
    const previewer = createPreviewer({
      db: {} as Db,
      logger,
      now: Date.now,
      deadlineMs: 50,
      pipelines: { check: async () => ({ kind: slow, settings: {} }) } as unknown as PipelineStore,
      connectionOf: async (id) =>
        ({
          id,
          name: 'c',
          connector: { id: 'pendo' },
          settings: {},
          secrets: {},
          ctx: { fetch, now: Date.now },
        }) as never,
    });
    const answer = await previewer.unsaved({ kind: 'test.slow', name: 'slow', connectionId: 'c1' }, 5);
    expect(answer).toEqual({
      kind: 'test.slow',
      limit: 5,
      records: [{ before: { id: 1 }, after: { id: 1, seen: true } }],
      requests: [],
      counts: { read: 1, written: 0, skipped: 0, failed: 0, reasons: {} },
      error: { code: 'timeout', message: 'The preview did not finish within 50 ms' },
    });
    expect(signal?.aborted).toBe(true);
  });
});

describe('previews of the bridge legs', { timeout: 60_000 }, () => {
  let b: Bridge;
  const request: Request = (method, url, body) => b.t.request(method, url, body);
  beforeAll(async () => {
    b = await createBridge();
  });
  afterAll(() => b.close());

  const secretsOf = () => [
    b.salesforce.credentials.clientSecret,
    b.salesforce.credentials.refreshToken,
    b.pendo.credentials.integrationKey,
    b.gainsight.credentials.accessKey,
    b.gainsight.credentials.sharedSecret,
  ];
  const PENDO_TO_SALESFORCE = {
    kind: 'pendo.to_salesforce',
    name: 'Pendo usage to Salesforce',
    settings: {
      days: 30,
      fieldMap: [
        { from: 'activeVisitors', to: 'Pendo_numberofvisitors_last30d__c' },
        { from: 'minutes', to: 'Pendo_timeonsite_last30d__c' },
      ],
    },
  };
  const createLeg = async () => {
    const { status, body } = await b.create({
      ...PENDO_TO_SALESFORCE,
      connectionId: b.connections.pendo,
      settings: { ...PENDO_TO_SALESFORCE.settings, targetConnectionId: b.connections.salesforce },
    });
    expect(status).toBe(201);
    return body.pipeline.id as string;
  };
  let legId: string;
  beforeAll(async () => {
    legId = await createLeg();
  });

  it('pendo.to_salesforce: the exact composite update it would send, secrets masked, and nothing written', async () => {
    const state = await hubState(b.t.hub.db);
    const sfBefore = b.salesforce.control.requests.length;
    const valuesBefore = b.accountIds.map(
      (id) => b.salesforce.record('Account', id)?.Pendo_numberofvisitors_last30d__c,
    );

    const { status, body } = await call(request, `/api/pipelines/${legId}/preview`, { limit: 5 });
    expect(status).toBe(200);
    const p = body.preview;
    expect(p).toMatchObject({ kind: 'pendo.to_salesforce', limit: 5, error: null });
    expect(p.counts).toEqual({ read: 5, written: 5, skipped: 0, failed: 0, reasons: {} });
    // Pendo pages by account id: the first five are Salesforce Accounts.
    expect(p.records.map((r: Json) => r.before.accountId)).toEqual(b.accountIds.slice(0, 5));
    expect(p.records[0].after).toEqual({
      Id: b.accountIds[0],
      Pendo_numberofvisitors_last30d__c: expect.any(Number),
      Pendo_timeonsite_last30d__c: expect.any(Number),
    });

    // One composite call with exactly the mapped records, the bearer token masked.
    expect(p.requests).toHaveLength(1);
    const [planned] = p.requests;
    expect(planned).toMatchObject({
      connectionId: b.connections.salesforce,
      connectorId: 'salesforce',
      method: 'PATCH',
      url: expect.stringMatching(/\/services\/data\/v\d+\.\d\/composite\/sobjects$/),
      headers: { authorization: SECRET_MASK, 'content-type': 'application/json' },
    });
    expect(planned.body).toEqual({
      allOrNone: false,
      records: p.records.map(({ after: { Id, ...fields } }: Json) => ({
        ...fields,
        attributes: { type: 'Account' },
        id: Id,
      })),
    });
    const text = JSON.stringify(body);
    for (const secret of secretsOf()) expect(text).not.toContain(secret);

    // Salesforce got the login and nothing else; its Accounts and the hub are as they were.
    const sent = b.salesforce.control.requests.slice(sfBefore);
    expect(sent.filter(WRITES.salesforce!)).toEqual([]);
    expect(b.accountIds.map((id) => b.salesforce.record('Account', id)?.Pendo_numberofvisitors_last30d__c)).toEqual(
      valuesBefore,
    );
    expect(await hubState(b.t.hub.db)).toEqual(state);
    const runs = await (await request('GET', `/api/pipelines/${legId}/runs`)).json();
    expect(runs).toEqual({ runs: [] });
  });

  it('honours limit: 20 by default (every account here), at most 200', async () => {
    const { body } = await call(request, `/api/pipelines/${legId}/preview`);
    expect(body.preview.limit).toBe(20);
    // 12 Salesforce Accounts and 2 Pendo-only accounts; the one that is no Salesforce id is skipped.
    expect(body.preview.counts).toMatchObject({ read: 14, written: 13, skipped: 1 });
    expect(body.preview.records).toHaveLength(14);
    expect(body.preview.records.find((r: Json) => r.after === null)).toMatchObject({
      before: { accountId: 'acct-trial-0001' },
      note: 'no Salesforce Account with Id = Pendo accountId',
    });
    expect(body.preview.requests[0].body.records).toHaveLength(13);

    const tooMany = await call(request, `/api/pipelines/${legId}/preview`, { limit: 201 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.issues).toEqual([{ path: 'limit', message: 'at most 200' }]);
    expect((await call(request, '/api/pipelines/nope/preview')).status).toBe(404);
  });

  it('previews unsaved settings (the create body plus limit) and refuses a bad one naming the field', async () => {
    const state = await hubState(b.t.hub.db);
    const create = {
      ...PENDO_TO_SALESFORCE,
      name: 'Not saved',
      connectionId: b.connections.pendo,
      settings: { ...PENDO_TO_SALESFORCE.settings, targetConnectionId: b.connections.salesforce },
    };
    const { status, body } = await call(request, '/api/pipelines/preview', { ...create, limit: 2 });
    expect(status).toBe(200);
    expect(body.preview).toMatchObject({ kind: 'pendo.to_salesforce', limit: 2, error: null, counts: { read: 2 } });
    expect(body.preview.requests[0].body.records).toHaveLength(2);
    expect(await hubState(b.t.hub.db)).toEqual(state);

    const bad = await call(request, '/api/pipelines/preview', {
      ...create,
      settings: { ...create.settings, fieldMap: [{ from: 'minutes', to: 'Minutes__c' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: Json) => i.path)).toEqual(['settings.fieldMap.0.to']);
    // The kind's save-time checks run too: the target field must exist on the Account.
    const unknownField = await call(request, '/api/pipelines/preview', {
      ...create,
      settings: { ...create.settings, fieldMap: [{ from: 'minutes', to: 'Pendo_nosuch__c' }] },
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.issues[0].path).toBe('settings.fieldMap.0.to');
    const noKind = await call(request, '/api/pipelines/preview', { ...create, kind: 'nope.kind' });
    expect(noKind.status).toBe(400);
    expect(noKind.body.error.issues[0].path).toBe('kind');
  });

  it('a vendor failure is the answer’s error, not a 5xx', async () => {
    b.pendo.control.faults.set('*', { errorRate: 1 });
    try {
      const { status, body } = await call(request, `/api/pipelines/${legId}/preview`, { limit: 3 });
      expect(status).toBe(200);
      expect(body.preview.error).toMatchObject({ code: 'transient', message: expect.stringMatching(/Pendo/) });
      expect(body.preview.requests).toEqual([]);
    } finally {
      b.pendo.control.faults.clear();
    }
  });

  /** The other legs: each answers records and planned writes, and nothing reaches its target. */
  const LEGS: Array<{
    kind: string;
    from: keyof Bridge['connections'];
    to: keyof Bridge['connections'];
    settings: Json;
  }> = [
    {
      kind: 'salesforce.to_gainsight_usage',
      from: 'salesforce',
      to: 'gainsight',
      settings: {
        skipEmpty: false,
        companyIdField: 'GsCompanyId',
        publishEvent: true,
        fieldMap: [{ from: 'Pendo_numberofvisitors_last30d__c', to: 'PendoVisitors__gc' }],
      },
    },
    {
      kind: 'pendo.to_gainsight_usage',
      from: 'pendo',
      to: 'gainsight',
      settings: { days: 7, fieldMap: [{ from: 'activeVisitors', to: 'PendoVisitors__gc' }] },
    },
    {
      kind: 'gainsight.to_salesforce',
      from: 'gainsight',
      to: 'salesforce',
      settings: { fieldMap: [{ from: 'Stage', to: 'Gainsight_Stage__c' }] },
    },
    {
      kind: 'salesforce.to_pendo',
      from: 'salesforce',
      to: 'pendo',
      settings: { fieldMap: [{ from: 'Customer_Tier__c', to: 'tier' }] },
    },
  ];
  for (const leg of LEGS) {
    it(`${leg.kind}: records and planned writes, nothing written, no cursor moved`, async () => {
      const created = await b.create({
        kind: leg.kind,
        name: `${leg.kind} preview`,
        connectionId: b.connections[leg.from],
        settings: { targetConnectionId: b.connections[leg.to], ...leg.settings },
      });
      expect(created.status).toBe(201);
      const target = b[leg.to];
      const sent = target.control.requests.length;
      const state = await hubState(b.t.hub.db);
      const { status, body } = await call(request, `/api/pipelines/${created.body.pipeline.id}/preview`, { limit: 4 });
      expect(status).toBe(200);
      const p = body.preview;
      expect(p.error).toBeNull();
      expect(p.counts.read).toBe(4);
      expect(p.records).toHaveLength(4);
      expect(p.records.every((r: Json) => r.before && (r.after || r.note))).toBe(true);
      expect(p.requests.length).toBeGreaterThan(0);
      for (const planned of p.requests) {
        expect(planned).toMatchObject({ connectionId: b.connections[leg.to], connectorId: leg.to });
      }
      const written = p.records.filter((r: Json) => r.after !== null).length;
      expect(p.counts.written).toBe(written);
      expect(target.control.requests.slice(sent).filter(WRITES[leg.to]!)).toEqual([]);
      expect(await hubState(b.t.hub.db)).toEqual(state);
      for (const secret of secretsOf()) expect(JSON.stringify(body)).not.toContain(secret);
    });
  }

  it('sync (generic): the mapped records and the update it would send; Gainsight unchanged', async () => {
    const state = await hubState(b.t.hub.db);
    const gsBefore = b.gainsight.control.requests.length;
    const companiesBefore = structuredClone(b.gainsight.state.rows('company'));
    const { status, body } = await call(request, '/api/pipelines/preview', {
      kind: 'sync',
      name: 'Accounts to companies',
      connectionId: b.connections.salesforce,
      settings: {
        stream: 'accounts',
        streamOptions: { object: 'Account' },
        destinationConnectionId: b.connections.gainsight,
        writer: 'company_update',
        writerOptions: { keys: ['Name'] },
        mapping: [
          { from: 'Name', to: 'Name' },
          { value: 'Will Expand', to: 'Stage' },
        ],
        key: 'Name',
      },
      limit: 3,
    });
    expect(status).toBe(200);
    const p = body.preview;
    expect(p).toMatchObject({ kind: 'sync', limit: 3, error: null, counts: { read: 3 } });
    expect(p.records).toHaveLength(3);
    expect(p.records[0].after).toEqual({ Name: p.records[0].before.Name, Stage: 'Will Expand' });
    expect(p.requests).toHaveLength(1);
    // The records people see carry the label; the request names the picklist item by its GSID.
    expect(p.requests[0]).toMatchObject({
      connectionId: b.connections.gainsight,
      method: 'PUT',
      headers: { Accesskey: SECRET_MASK },
      body: { records: p.records.map((r: Json) => asSent(b.gainsight.state.objects, 'company', ['Stage'])(r.after)) },
    });
    expect(new URL(p.requests[0].url).search).toBe('?keys=Name');
    expect(b.gainsight.control.requests.slice(gsBefore).filter(WRITES.gainsight!)).toEqual([]);
    expect(b.gainsight.state.rows('company')).toEqual(companiesBefore);
    expect(await hubState(b.t.hub.db)).toEqual(state);
  });

  it('the usage legs plan the inserts and the System Asset Event exactly', async () => {
    const created = await b.create({
      kind: 'salesforce.to_gainsight_usage',
      name: 'usage with event',
      connectionId: b.connections.salesforce,
      settings: { targetConnectionId: b.connections.gainsight, ...LEGS[0]!.settings },
    });
    const { body } = await call(request, `/api/pipelines/${created.body.pipeline.id}/preview`, { limit: 3 });
    const [insert, event] = body.preview.requests;
    expect(new URL(insert.url).pathname).toBe('/v1/data/objects/product_usage__gc');
    expect(insert).toMatchObject({ method: 'POST', headers: { Accesskey: SECRET_MASK } });
    const sent = asSent(b.gainsight.state.objects, 'product_usage__gc', ['AggregationLevel__gc']);
    expect(insert.body.records).toEqual(body.preview.records.map((r: Json) => sent(r.after)));
    expect(insert.body.records[0]).toMatchObject({
      AggregationLevel__gc: picklistGsid(
        b.gainsight.state.objects,
        'product_usage__gc',
        'AggregationLevel__gc',
        'ACCOUNTLEVEL',
      ),
      AccountId__gc: b.accountIds[0],
    });
    expect(new URL(event.url).pathname).toBe('/v1.0/api/eventManager/event');
    expect(event.headers).toMatchObject({ sharedSecret: SECRET_MASK, eventName: 'System Asset Event' });
    expect(event.body).toMatchObject({ successCount: 3, totalCount: 3, operation: 'INSERT' });
    expect(b.gainsight.state.rows('product_usage__gc')).toEqual([]);
  });
});

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
      connection_id: h.sfConnectionId,
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
    { kind: 'gainsight.company', settings: {}, table: 'gainsight_companies' },
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
      expect(h.gainsight.control.requests.slice(gsBefore).filter(WRITES.gainsight!)).toEqual([]);
      expect(await h.count(pull.table)).toBe(0);
      expect(await hubState(h.hub.db)).toEqual(state);
    });
  }
});

describe('previews of Qualtrics responses and of a kind that throws', { timeout: 60_000 }, () => {
  const gs = createGainsightSimulator({ companies: 3, people: 0, surveyResponses: 0 });
  const known = gs.state.rows('company').map((r) => String(r.Gsid));
  const qx = createQualtricsSimulator({ surveys: 1, responsesPerSurvey: 12, exportPolls: 0, companyGsids: known });
  const boom = definePipelineKind({
    kind: 'test.boom',
    title: 'Boom',
    description: 'Throws',
    group: 'Tests',
    connectorId: 'qualtrics',
    settings: z.object({ vendor: z.boolean().default(false) }),
    defaultSchedule: '0 * * * *',
    async run(run) {
      if (run.settings.vendor) throw new ConnectorError('auth', 'The vendor refused the key');
      throw new Error('kind blew up');
    },
  });
  let t: Awaited<ReturnType<typeof createTestHub>>;
  let servers: Array<{ url: string; close(): Promise<void> }>;
  const ids = { qualtrics: '', gainsight: '' };
  beforeAll(async () => {
    servers = [await listen(gs.app), await listen(qx.app)];
    const { PIPELINE_KINDS } = await import('./kinds/index.js');
    t = await createTestHub({ kinds: [...PIPELINE_KINDS, boom] });
    const add = async (body: Json) =>
      ((await (await t.request('POST', '/api/connections', body)).json()) as Json).connection.id as string;
    ids.gainsight = await add({
      connectorId: 'gainsight',
      name: 'Gainsight',
      settings: { domain: servers[0]!.url, sandbox: true },
      secrets: { accessKey: gs.credentials.accessKey },
    });
    ids.qualtrics = await add({
      connectorId: 'qualtrics',
      name: 'Qualtrics',
      settings: { baseUrl: servers[1]!.url, sandbox: true },
      secrets: { apiToken: qx.credentials.apiToken },
    });
  });
  afterAll(async () => {
    await t.hub.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  it('qualtrics.responses_to_gainsight: mapped rows and the insert it would send; Gainsight keeps its rows', async () => {
    const state = await hubState(t.hub.db);
    const surveyId = qx.state.surveys[0]!.id;
    const gsBefore = gs.control.requests.length;
    const { status, body } = await call(t.request, '/api/pipelines/preview', {
      kind: 'qualtrics.responses_to_gainsight',
      name: 'NPS',
      connectionId: ids.qualtrics,
      settings: { surveyIds: [surveyId], gainsightConnectionId: ids.gainsight },
      limit: 5,
    });
    expect(status).toBe(200);
    const p = body.preview;
    expect(p.error).toBeNull();
    expect(p.counts.read).toBe(5);
    expect(p.records).toHaveLength(5);
    const rows = p.records.filter((r: Json) => r.after !== null).map((r: Json) => r.after);
    expect(rows.length).toBeGreaterThan(0);
    expect(p.requests).toHaveLength(1);
    expect(p.requests[0]).toMatchObject({
      connectionId: ids.gainsight,
      connectorId: 'gainsight',
      method: 'POST',
      headers: { Accesskey: SECRET_MASK },
      body: { records: rows.map(asSent(gs.state.objects, 'survey_response', ['NPSCategory', 'SurveyType'])) },
    });
    expect(new URL(p.requests[0].url).pathname).toBe('/v1/data/objects/survey_response');
    expect(gs.control.requests.slice(gsBefore).filter(WRITES.gainsight!)).toEqual([]);
    expect(gs.state.rows('survey_response')).toEqual([]);
    expect(JSON.stringify(body)).not.toContain(qx.credentials.apiToken);
    expect(await hubState(t.hub.db)).toEqual(state);
  });

  it('a kind that throws answers 200 with the error, never a 500', async () => {
    const created = await t.request('POST', '/api/pipelines', {
      kind: 'test.boom',
      name: 'Boom',
      connectionId: ids.qualtrics,
    });
    const id = ((await created.json()) as Json).pipeline.id as string;
    const thrown = await call(t.request, `/api/pipelines/${id}/preview`);
    expect(thrown.status).toBe(200);
    expect(thrown.body.preview).toMatchObject({
      kind: 'test.boom',
      records: [],
      requests: [],
      error: { code: 'internal', message: 'kind blew up' },
    });
    const vendor = await call(t.request, '/api/pipelines/preview', {
      kind: 'test.boom',
      name: 'Boom 2',
      connectionId: ids.qualtrics,
      settings: { vendor: true },
    });
    expect(vendor.status).toBe(200);
    expect(vendor.body.preview.error).toEqual({ code: 'auth', message: 'The vendor refused the key' });
  });
});
