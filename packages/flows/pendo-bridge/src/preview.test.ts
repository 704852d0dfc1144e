import { SECRET_MASK } from '@synchub/core';
import { type LoggedRequest, picklistGsid } from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, createBridge } from './bridge-fixtures.js';

/** Previews (dry runs) of the legs through the hub's API: what each would send, and nothing sent or stored. */

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field by the assertions
type Json = Record<string, any>;

/** Requests that change something, per simulator (their POST reads are not writes). */
const WRITES: Record<string, (r: LoggedRequest) => boolean> = {
  salesforce: (r) => r.method !== 'GET' && !r.path.startsWith('/services/oauth2/'),
  gainsight: (r) =>
    r.method !== 'GET' &&
    !r.path.startsWith('/v1/data/objects/query/') &&
    r.path !== '/v1/meta/services/objects/describe',
  pendo: (r) => r.method !== 'GET' && r.path !== '/api/v1/aggregation',
};

describe('previews of the bridge legs', { timeout: 60_000 }, () => {
  let b: Bridge;
  beforeAll(async () => {
    b = await createBridge();
  });
  afterAll(() => b.close());

  const call = async (url: string, body: unknown = {}) => {
    const res = await b.t.request('POST', url, body);
    return { status: res.status, body: (await res.json()) as Json };
  };
  const get = async (url: string) => (await (await b.t.request('GET', url)).json()) as Json;
  /** What a preview must leave as it was, as the API shows it: pipelines (cursors), their runs, the audit log. */
  const hubState = async () => {
    const { pipelines } = await get('/api/pipelines');
    const runs = await Promise.all(pipelines.map((p: Json) => get(`/api/pipelines/${p.id}/runs`)));
    return { pipelines, runs, audit: await get('/api/audit') };
  };

  const secretsOf = () => [
    b.salesforce.credentials.clientSecret,
    b.salesforce.credentials.refreshToken,
    b.pendo.credentials.integrationKey,
    b.gainsight.credentials.accessKey,
    b.gainsight.credentials.sharedSecret,
  ];
  /** A record as Gainsight is sent it: the named picklist fields' labels replaced by their item GSIDs. */
  const asSent = (object: string, fields: string[]) => (record: Json) => ({
    ...record,
    ...Object.fromEntries(
      fields
        .filter((f) => record[f] != null)
        .map((f) => [f, picklistGsid(b.gainsight.state.objects, object, f, record[f])]),
    ),
  });
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
  let legId: string;
  beforeAll(async () => {
    const { status, body } = await b.create({
      ...PENDO_TO_SALESFORCE,
      connectionId: b.connections.pendo,
      settings: { ...PENDO_TO_SALESFORCE.settings, targetConnectionId: b.connections.salesforce },
    });
    expect(status).toBe(201);
    legId = body.pipeline.id;
  });

  it('pendo.to_salesforce: the exact composite update it would send, secrets masked, and nothing written', async () => {
    const state = await hubState();
    const sfBefore = b.salesforce.control.requests.length;
    const valuesBefore = b.accountIds.map(
      (id) => b.salesforce.record('Account', id)?.Pendo_numberofvisitors_last30d__c,
    );

    const { status, body } = await call(`/api/pipelines/${legId}/preview`, { limit: 5 });
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
    expect(await hubState()).toEqual(state);
    expect(await get(`/api/pipelines/${legId}/runs`)).toEqual({ runs: [] });
  });

  it('honours limit: 20 by default (every account here)', async () => {
    const { body } = await call(`/api/pipelines/${legId}/preview`);
    expect(body.preview.limit).toBe(20);
    // 12 Salesforce Accounts and 2 Pendo-only accounts; the one that is no Salesforce id is skipped.
    expect(body.preview.counts).toMatchObject({ read: 14, written: 13, skipped: 1 });
    expect(body.preview.records).toHaveLength(14);
    expect(body.preview.records.find((r: Json) => r.after === null)).toMatchObject({
      before: { accountId: 'acct-trial-0001' },
      note: 'no Salesforce Account with Id = Pendo accountId',
    });
    expect(body.preview.requests[0].body.records).toHaveLength(13);
  });

  it('previews unsaved settings and refuses a bad one naming the field', async () => {
    const state = await hubState();
    const create = {
      ...PENDO_TO_SALESFORCE,
      name: 'Not saved',
      connectionId: b.connections.pendo,
      settings: { ...PENDO_TO_SALESFORCE.settings, targetConnectionId: b.connections.salesforce },
    };
    const { status, body } = await call('/api/pipelines/preview', { ...create, limit: 2 });
    expect(status).toBe(200);
    expect(body.preview).toMatchObject({ kind: 'pendo.to_salesforce', limit: 2, error: null, counts: { read: 2 } });
    expect(body.preview.requests[0].body.records).toHaveLength(2);
    expect(await hubState()).toEqual(state);

    const bad = await call('/api/pipelines/preview', {
      ...create,
      settings: { ...create.settings, fieldMap: [{ from: 'minutes', to: 'Minutes__c' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: Json) => i.path)).toEqual(['settings.fieldMap.0.to']);
    // The kind's save-time checks run too: the target field must exist on the Account.
    const unknownField = await call('/api/pipelines/preview', {
      ...create,
      settings: { ...create.settings, fieldMap: [{ from: 'minutes', to: 'Pendo_nosuch__c' }] },
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.issues[0].path).toBe('settings.fieldMap.0.to');
  });

  it('a vendor failure is the answer’s error, not a 5xx', async () => {
    b.pendo.control.faults.set('*', { errorRate: 1 });
    try {
      const { status, body } = await call(`/api/pipelines/${legId}/preview`, { limit: 3 });
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
      const state = await hubState();
      const { status, body } = await call(`/api/pipelines/${created.body.pipeline.id}/preview`, { limit: 4 });
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
      expect(await hubState()).toEqual(state);
      for (const secret of secretsOf()) expect(JSON.stringify(body)).not.toContain(secret);
    });
  }

  it('the usage legs plan the inserts and the System Asset Event exactly', async () => {
    const created = await b.create({
      kind: 'salesforce.to_gainsight_usage',
      name: 'usage with event',
      connectionId: b.connections.salesforce,
      settings: { targetConnectionId: b.connections.gainsight, ...LEGS[0]!.settings },
    });
    const { body } = await call(`/api/pipelines/${created.body.pipeline.id}/preview`, { limit: 3 });
    const [insert, event] = body.preview.requests;
    expect(new URL(insert.url).pathname).toBe('/v1/data/objects/product_usage__gc');
    expect(insert).toMatchObject({ method: 'POST', headers: { Accesskey: SECRET_MASK } });
    const sent = asSent('product_usage__gc', ['AggregationLevel__gc']);
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
