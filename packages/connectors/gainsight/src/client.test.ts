import { type ConnectorContext, type ConnectorError, isConnectorError } from '@synchub/core';
import { createGainsightSimulator, listen, picklistGsid, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGainsightClient, type GainsightClient, toEpochMs } from './client.js';
import { settingsSchema } from './settings.js';

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConnectorError(error)) throw new Error(`expected a ConnectorError, got ${String(error)}`);
  return error as ConnectorError;
}

describe('gainsight client against the simulator', () => {
  const sim = createGainsightSimulator({
    companies: 30,
    people: 10,
    registeredEvents: [{ eventName: 'Signed Up', eventVersion: 'v01', topicName: 'users' }],
  });
  let server: RunningServer;
  let client: GainsightClient;
  const acquired: string[] = [];
  const ctx: ConnectorContext = { fetch, now: Date.now, acquire: async (b) => void acquired.push(b) };
  const make = (secrets: Record<string, string | undefined>, tenantId?: string) =>
    createGainsightClient({
      settings: settingsSchema.parse({ domain: server.url, sandbox: true, tenantId }),
      secrets: { accessKey: sim.credentials.accessKey as string, ...secrets },
      ctx,
    });

  beforeAll(async () => {
    server = await listen(sim.app);
    client = make({});
  });
  afterAll(async () => server.close());
  beforeEach(() => {
    sim.control.reset();
    acquired.length = 0;
  });

  it('queries pages of data.records and acquires the sync bucket before each call', async () => {
    const pages: Record<string, unknown>[][] = [];
    for (let offset = 0; ; offset += 12) {
      const page = await client.query('company', {
        select: ['Gsid', 'Name'],
        orderBy: { Name: 'asc' },
        limit: 12,
        offset,
      });
      pages.push(page);
      if (page.length < 12) break;
    }
    expect(pages.map((p) => p.length)).toEqual([12, 12, 6]);
    expect(acquired).toEqual(['sync', 'sync', 'sync']);
    expect(sim.control.requests).toHaveLength(3);
    expect(sim.control.requests[0]?.body).toEqual({
      select: ['Gsid', 'Name'],
      orderBy: { Name: 'asc' },
      limit: 12,
      offset: 0,
    });
  });

  it('unwraps a validation envelope into invalid_request with the vendor code and description', async () => {
    const error = await failure(client.query('company', { select: ['name'] }));
    expect(error.code).toBe('invalid_request');
    expect(error.vendorCode).toBe('GSOBJ_VCRUDR1002');
    expect(error.status).toBe(400);
    expect(error.message).toContain('Field name does not exist');
    expect(error.retryable).toBe(false);
    expect(error.body).toMatchObject({ result: false, errorCode: 'GSOBJ_VCRUDR1002' });
  });

  it('inserts and updates companies, and reports field errors of a failed batch', async () => {
    // The client sends what it is given: picklists as item GSIDs (the writers translate labels).
    const item = (field: string, label: string) => picklistGsid(sim.state.objects, 'company', field, label);
    const inserted = await client.insertCompanies([
      { Name: 'Client Co', Industry: item('Industry', 'Retail') },
      { Name: 'Client Two' },
    ]);
    expect(inserted.count).toBe(2);
    expect(inserted.records.map((r) => r.Gsid)).toEqual(
      sim.state
        .rows('company')
        .slice(-2)
        .map((r) => r.Gsid),
    );
    const updated = await client.updateCompanies([{ Name: 'Client Co', Stage: item('Stage', 'Launched') }], ['Name']);
    expect(updated.records[0]?.Gsid).toBe(inserted.records[0]?.Gsid);
    expect(sim.state.rows('company').find((r) => r.Name === 'Client Co')?.Stage).toBe('Launched');

    const error = await failure(client.insertCompanies([{ Name: 'Bad', Industry: 'Farming' }]));
    expect(error.code).toBe('invalid_request');
    expect(error.vendorCode).toBe('GSOBJ_1006');
    expect(error.message).toContain('Invalid/Inactive value provided for picklist. (Industry = Farming)');

    const tooMany = Array.from({ length: 51 }, (_, i) => ({ Name: `n${i}` }));
    expect((await failure(client.insertCompanies(tooMany))).code).toBe('invalid_request');
    expect((await failure(client.updateCompanies([{ Name: 'x' }], ['A', 'B', 'C', 'D']))).code).toBe('invalid_request');
    expect(sim.control.requests.map((r) => r.method)).toEqual(['POST', 'PUT', 'POST']);
  });

  it('upserts a person with a company association', async () => {
    const company = sim.state.rows('company')[0]?.Gsid as string;
    const person = await client.upsertPerson({
      Email: 'lee@client.example',
      FirstName: 'Lee',
      companies: [{ Company_ID: company }],
    });
    expect(person.Gsid).toMatch(/^[0-9A-Z]{36}$/);
    expect(sim.state.rows('company_person').some((l) => l.Person_ID === person.Gsid && l.Company_ID === company)).toBe(
      true,
    );
    expect(sim.control.requests.at(-1)).toMatchObject({ method: 'PUT', path: '/v1.0/api/people' });

    const unknown = await failure(
      client.upsertPerson({
        Email: 'lee@client.example',
        companies: [{ Company_ID: '1P02ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ' }],
      }),
    );
    expect([unknown.code, unknown.vendorCode]).toEqual(['invalid_request', 'GSOBJ_PEOPLE1001']);
    const invalid = await failure(client.upsertPerson({ Email: 'nope' }));
    expect(invalid.vendorCode).toBe('GSOBJ_VDTEMAIL1001');
    const requests = sim.control.requests.length;
    expect((await failure(client.upsertPerson({ FirstName: 'NoMail' }))).code).toBe('invalid_request');
    expect(sim.control.requests).toHaveLength(requests);
  });

  it('publishes events with the Events Framework headers and no access key', async () => {
    const events = make({ sharedSecret: sim.credentials.sharedSecret }, sim.credentials.tenantId);
    const { eventId } = await events.publishEvent(
      { eventName: 'Signed Up', eventVersion: 'v01', topicName: 'users', contractId: 'c-1' },
      { plan: 'pro' },
    );
    expect(sim.state.events.at(-1)).toMatchObject({ eventId, contractId: 'c-1', body: { plan: 'pro' } });
    const headers = sim.control.requests.at(-1)?.headers ?? {};
    expect(headers).toMatchObject({ eventname: 'Signed Up', eventversion: 'v01', topicname: 'users' });
    expect(headers.accesskey).toBeUndefined();
    expect(acquired).toEqual(['sync']);
  });

  it('an unregistered event is a permanent invalid_request with vendor code 1001', async () => {
    const events = make({ sharedSecret: sim.credentials.sharedSecret }, sim.credentials.tenantId);
    const error = await failure(
      events.publishEvent({ eventName: 'Nope', eventVersion: 'v01', topicName: 'users' }, {}),
    );
    expect(error.code).toBe('invalid_request');
    expect(error.vendorCode).toBe('1001');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('Event is not registered');
    expect(error.message).not.toContain('Oops');
  });

  it('a wrong shared secret is auth; a missing one is config without a call', async () => {
    const wrong = make({ sharedSecret: 'not-the-secret' }, sim.credentials.tenantId);
    const error = await failure(wrong.publishEvent({ eventName: 'Signed Up', eventVersion: 'v01' }, {}));
    expect(error.code).toBe('auth');
    expect(error.message).toContain('shared secret');
    expect(error.message).not.toContain('not-the-secret');
    const missing = await failure(make({}).publishEvent({ eventName: 'Signed Up', eventVersion: 'v01' }, {}));
    expect(missing.code).toBe('config');
    expect(sim.control.requests).toHaveLength(1);
  });

  it('an answer that is not JSON is unexpected', async () => {
    sim.control.faults.set('/v1/meta', { errorRate: 1 });
    expect((await failure(client.listObjects())).code).toBe('transient');
    sim.control.reset();
    const error = await failure(
      createGainsightClient({
        settings: settingsSchema.parse({ domain: server.url, sandbox: true }),
        secrets: { accessKey: 'k' },
        ctx: { fetch: async () => new Response('<html>ok</html>', { status: 200 }), now: Date.now },
      }).listObjects(),
    );
    expect(error.code).toBe('unexpected');
  });
});

describe('toEpochMs', () => {
  it('reads ISO strings and epoch ms alike', () => {
    expect(toEpochMs('2025-05-01T12:00:00.000Z')).toBe(Date.UTC(2025, 4, 1, 12));
    expect(toEpochMs(1746100800000)).toBe(1746100800000);
    expect(toEpochMs('1746100800000')).toBe(1746100800000);
    expect(toEpochMs('2025-05-01')).toBe(Date.UTC(2025, 4, 1));
    expect(toEpochMs('soon')).toBeUndefined();
    expect(toEpochMs(null)).toBeUndefined();
  });
});
