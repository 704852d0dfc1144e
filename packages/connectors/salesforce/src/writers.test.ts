import { type ConnectorContext, type ConnectorError, isConnectorError, type SyncRecord } from '@synchub/core';
import { createSalesforceSimulator, listen, type RunningServer, salesforceId } from '@synchub/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { secretsSchema, settingsSchema } from './settings.js';
import { writers } from './writers.js';

const sim = createSalesforceSimulator({ accounts: 210 });
let server: RunningServer;
const ctx: ConnectorContext = { fetch, now: Date.now };

beforeAll(async () => {
  server = await listen(sim.app);
});
afterAll(() => server.close());
beforeEach(() => {
  sim.control.reset();
  sim.state.sessionTimeoutMs = 2 * 3_600_000;
  sim.state.dailyApiLimit = 15_000;
});

const account = (n: number) => salesforceId('001', n);
const writer = writers.account_update!;

function write(records: SyncRecord[], options: Record<string, unknown> = {}) {
  return writer.write({
    settings: settingsSchema.parse({ loginUrl: server.url, clientId: sim.credentials.clientId, sandbox: true }),
    secrets: secretsSchema.parse({
      clientSecret: sim.credentials.clientSecret,
      refreshToken: sim.credentials.refreshToken,
    }),
    ctx,
    records,
    options,
  });
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConnectorError(error)) throw new Error(`expected a ConnectorError, got ${String(error)}`);
  return error;
}

const dataCalls = () => sim.control.requests.filter((r) => r.path.startsWith('/services/data/'));

describe('Salesforce account_update writer', () => {
  it('is an update writer of 200 records per call on the api bucket', () => {
    expect(writer).toMatchObject({ name: 'account_update', mode: 'update', batchSize: 200, bucket: 'api' });
  });

  it('updates 200 records in one composite call, one ok result per record in order', async () => {
    const records = Array.from({ length: 200 }, (_, i) => ({
      Id: account(i + 1),
      Pendo_timeonsite_last30d__c: i + 0.5,
    }));
    const results = await write(records);
    expect(results).toEqual(records.map((r) => ({ ok: true, id: r.Id })));
    expect(dataCalls()).toHaveLength(1);
    const call = dataCalls()[0]!;
    expect(call).toMatchObject({ method: 'PATCH', path: '/services/data/v60.0/composite/sobjects', status: 200 });
    expect(call.body).toMatchObject({ allOrNone: false });
    expect((call.body as { records: unknown[] }).records[7]).toEqual({
      attributes: { type: 'Account' },
      id: account(8),
      Pendo_timeonsite_last30d__c: 7.5,
    });
    expect(sim.record('Account', account(200))!.Pendo_timeonsite_last30d__c).toBe(199.5);
  });

  it('refuses 201 records with invalid_request before calling Salesforce', async () => {
    const records = Array.from({ length: 201 }, (_, i) => ({ Id: account(i + 1), CSM_Notes__c: 'x' }));
    const error = await failure(write(records));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain('at most 200');
    expect(sim.control.requests).toHaveLength(0);
  });

  it('fails only the record Salesforce refuses, with its statusCode, and applies the others', async () => {
    const results = await write([
      { Id: account(11), Health_Score__c: 81.5 },
      { Id: account(12), Health_Score__c: 12345 }, // precision 5, scale 2: at most 999.99
      { id: account(13), Health_Score__c: 42, attributes: { type: 'Account', url: '/x' } },
      { Id: account(999), Health_Score__c: 1 },
    ]);
    expect(results).toEqual([
      { ok: true, id: account(11) },
      {
        ok: false,
        error: {
          code: 'invalid_request',
          vendorCode: 'NUMBER_OUTSIDE_VALID_RANGE',
          message: expect.stringContaining(
            `update of ${account(12)}: NUMBER_OUTSIDE_VALID_RANGE: Health Score: value outside of valid range on numeric field: 12345 (Health_Score__c)`,
          ),
          body: [expect.objectContaining({ statusCode: 'NUMBER_OUTSIDE_VALID_RANGE', fields: ['Health_Score__c'] })],
        },
      },
      { ok: true, id: account(13) },
      {
        ok: false,
        error: expect.objectContaining({ code: 'invalid_request', vendorCode: 'INVALID_CROSS_REFERENCE_KEY' }),
      },
    ]);
    expect(sim.record('Account', account(11))!.Health_Score__c).toBe(81.5);
    expect(sim.record('Account', account(12))!.Health_Score__c).not.toBe(12345);
    expect(sim.record('Account', account(13))!.Health_Score__c).toBe(42);
    expect(dataCalls()).toHaveLength(1);
  });

  it('fails a record without an Id itself and still sends the rest', async () => {
    const results = await write([{ Name: 'No Id Inc' }, { Id: account(14), CSM_Notes__c: 'kept' }, { Id: '' }]);
    expect(results.map((r) => r.ok)).toEqual([false, true, false]);
    expect(results[0]).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', message: expect.stringMatching(/Id/) },
    });
    expect((dataCalls()[0]!.body as { records: unknown[] }).records).toEqual([
      { attributes: { type: 'Account' }, id: account(14), CSM_Notes__c: 'kept' },
    ]);
    expect(await write([{ Name: 'Nobody' }])).toHaveLength(1);
    expect(dataCalls()).toHaveLength(1);
  });

  it('updates another object through the object option', async () => {
    const contact = salesforceId('003', 2);
    expect(await write([{ Id: contact, Title: 'Chief Customer Officer' }], { object: 'Contact' })).toEqual([
      { ok: true, id: contact },
    ]);
    expect(sim.record('Contact', contact)!.Title).toBe('Chief Customer Officer');
    expect(await failure(write([{ Id: contact }], { object: 'Contact; DROP' }))).toMatchObject({ code: 'config' });
  });

  it('throws a transient error when the whole call fails with a 5xx (the host retries the batch)', async () => {
    sim.control.faults.set('/services/data', { errorRate: 1 });
    const before = sim.record('Account', account(15))!.CSM_Notes__c;
    const error = await failure(write([{ Id: account(15), CSM_Notes__c: 'lost?' }]));
    expect(error).toMatchObject({ code: 'transient', retryable: true });
    expect(error.status).toBeGreaterThanOrEqual(500);
    expect(sim.record('Account', account(15))!.CSM_Notes__c).toBe(before);
  });

  it('throws auth when the session is refused even after logging in again', async () => {
    sim.state.sessionTimeoutMs = -1;
    const error = await failure(write([{ Id: account(16), CSM_Notes__c: 'x' }]));
    expect(error).toMatchObject({ code: 'auth', vendorCode: 'INVALID_SESSION_ID', status: 401 });
    expect(dataCalls().map((r) => r.status)).toEqual([401, 401]);
  });

  it('throws rate_limited with a time to come back when the daily budget is spent', async () => {
    sim.state.dailyApiLimit = 0;
    const error = await failure(write([{ Id: account(17), CSM_Notes__c: 'x' }]));
    expect(error).toMatchObject({ code: 'rate_limited', vendorCode: 'REQUEST_LIMIT_EXCEEDED', status: 403 });
    expect(error.retryAt).toBeGreaterThan(Date.now());
  });
});
