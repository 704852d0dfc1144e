import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../common.js';
import { createSalesforceSimulator, salesforceId, type SalesforceSimulator } from './index.js';

let clock = Date.UTC(2024, 5, 1);
let sim: SalesforceSimulator;
let server: RunningServer;
let token: string;

beforeAll(async () => {
  sim = createSalesforceSimulator({ accounts: 5, dailyApiLimit: 30, now: () => clock });
  server = await listen(sim.app);
});
afterAll(() => server.close());
beforeEach(async () => {
  sim.state.apiCalls.length = 0;
  sim.setOthersApiUsage(0);
  sim.control.reset();
  await signIn();
});

async function signIn() {
  const response = await fetch(`${server.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: sim.credentials.clientId!,
      client_secret: sim.credentials.clientSecret!,
      refresh_token: sim.credentials.refreshToken!,
    }),
  });
  token = ((await response.json()) as { access_token: string }).access_token;
}

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}/services/data/v60.0${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: text === '' ? null : (JSON.parse(text) as unknown),
  };
}

const account = (n: number) => salesforceId('001', n);

describe('Salesforce simulator: single-record update', () => {
  it('answers 204 with no body and moves SystemModstamp', async () => {
    clock += 60_000;
    const answer = await call('PATCH', `/sobjects/Account/${account(1)}`, {
      Pendo_timeonsite_last30d__c: '12.345',
      pendo_lastvisit_last30d__c: '2024-05-30T08:00:00Z',
      Health_Score__c: 81.5,
    });
    expect(answer).toMatchObject({ status: 204, text: '' });
    expect(sim.record('Account', account(1))).toMatchObject({
      Pendo_timeonsite_last30d__c: 12.35,
      Pendo_lastvisit_last30d__c: '2024-05-30T08:00:00.000+0000',
      Health_Score__c: 81.5,
      SystemModstamp: new Date(clock).toISOString().replace('Z', '+0000'),
    });
    // An incremental pull on SystemModstamp sees exactly the written record.
    const since = new Date(clock - 1000).toISOString();
    const pulled = await call(
      'GET',
      `/query?q=${encodeURIComponent(`SELECT Id FROM Account WHERE SystemModstamp > ${since}`)}`,
    );
    expect((pulled.body as { records: Array<{ Id: string }> }).records.map((r) => r.Id)).toEqual([account(1)]);
  });

  it('keeps datetimes to the second, so writes within one second share a SystemModstamp', async () => {
    clock += 60_000 + 250;
    expect((await call('PATCH', `/sobjects/Account/${account(3)}`, { CSM_Notes__c: 'a' })).status).toBe(204);
    clock += 500;
    const answer = await call('PATCH', `/sobjects/Account/${account(4)}`, {
      Pendo_lastvisit_last30d__c: '2024-05-30T08:00:00.789Z',
    });
    expect(answer.status).toBe(204);
    const second = new Date(clock - 750).toISOString().replace('Z', '+0000');
    expect(second).toMatch(/\.000\+0000$/);
    expect(sim.record('Account', account(3))!.SystemModstamp).toBe(second);
    expect(sim.record('Account', account(4))).toMatchObject({
      SystemModstamp: second,
      LastModifiedDate: second,
      Pendo_lastvisit_last30d__c: '2024-05-30T08:00:00.000+0000',
    });
    clock += 250; // on to a whole second again for the tests after this one
  });

  it('accepts a 15-character id', async () => {
    expect((await call('PATCH', `/sobjects/Account/${account(2).slice(0, 15)}`, { CSM_Notes__c: 'hi' })).status).toBe(
      204,
    );
    expect(sim.record('Account', account(2))!.CSM_Notes__c).toBe('hi');
  });

  it('rejects unknown fields, read-only fields, bad values and unknown ids as Salesforce does', async () => {
    expect(await call('PATCH', `/sobjects/Account/${account(1)}`, { Nope__c: 1 })).toMatchObject({
      status: 400,
      body: [
        { errorCode: 'INVALID_FIELD', message: "No such column 'Nope__c' on sobject of type Account", fields: [] },
      ],
    });
    expect(
      await call('PATCH', `/sobjects/Account/${account(1)}`, { SystemModstamp: '2024-01-01T00:00:00Z' }),
    ).toMatchObject({
      status: 400,
      body: [{ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['SystemModstamp'] }],
    });
    expect(await call('PATCH', `/sobjects/Account/${account(1)}`, { Health_Score__c: 'high' })).toMatchObject({
      status: 400,
      body: [{ errorCode: 'JSON_PARSER_ERROR' }],
    });
    expect(await call('PATCH', `/sobjects/Account/${account(1)}`, { Health_Score__c: 1000 })).toMatchObject({
      status: 400,
      body: [{ errorCode: 'NUMBER_OUTSIDE_VALID_RANGE' }],
    });
    expect(await call('PATCH', `/sobjects/Account/${account(1)}`, '{not json')).toMatchObject({
      status: 400,
      body: [{ errorCode: 'JSON_PARSER_ERROR' }],
    });
    expect(await call('PATCH', `/sobjects/Account/${account(999)}`, { Name: 'x' })).toMatchObject({
      status: 404,
      body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
    });
  });
});

describe('Salesforce simulator: composite update', () => {
  const rec = (id: string, fields: Record<string, unknown>) => ({ attributes: { type: 'Account' }, id, ...fields });

  it('answers 200 with one result per record in order, statusCode in errors, and keeps the good ones', async () => {
    const answer = await call('PATCH', '/composite/sobjects', {
      allOrNone: false,
      records: [
        rec(account(3), { Pendo_numberofvisitors_last30d__c: 42 }),
        rec(account(4), { LastModifiedDate: '2024-01-01T00:00:00Z' }),
        rec(salesforceId('001', 9999), { Name: 'ghost' }),
        rec(account(5), { Pendo_numberofvisitors_last30d__c: 7 }),
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([
      { id: account(3), success: true, errors: [] },
      {
        success: false,
        errors: [
          expect.objectContaining({ statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['LastModifiedDate'] }),
        ],
      },
      { success: false, errors: [expect.objectContaining({ statusCode: 'INVALID_CROSS_REFERENCE_KEY' })] },
      { id: account(5), success: true, errors: [] },
    ]);
    expect(sim.record('Account', account(3))!.Pendo_numberofvisitors_last30d__c).toBe(42);
    expect(sim.record('Account', account(5))!.Pendo_numberofvisitors_last30d__c).toBe(7);
  });

  it('rolls every record back under allOrNone when one fails', async () => {
    const answer = await call('PATCH', '/composite/sobjects', {
      allOrNone: true,
      records: [rec(account(3), { Pendo_numberofvisitors_last30d__c: 1000 }), rec(account(4), { Nope__c: 1 })],
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([
      { success: false, errors: [expect.objectContaining({ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK' })] },
      { success: false, errors: [expect.objectContaining({ statusCode: 'INVALID_FIELD' })] },
    ]);
    expect(sim.record('Account', account(3))!.Pendo_numberofvisitors_last30d__c).toBe(42);
  });

  it('refuses more than 200 records in one call', async () => {
    const records = Array.from({ length: 201 }, () => rec(account(1), { CSM_Notes__c: 'x' }));
    expect(await call('PATCH', '/composite/sobjects', { allOrNone: false, records })).toMatchObject({
      status: 400,
      body: [{ errorCode: 'EXCEEDED_ID_LIMIT' }],
    });
    const ok = await call('PATCH', '/composite/sobjects', { allOrNone: false, records: records.slice(1) });
    expect(ok.status).toBe(200);
    expect(ok.body).toHaveLength(200);
  });
});

describe('Salesforce simulator: API budget', () => {
  it('reports usage in Sforce-Limit-Info and /limits', async () => {
    const first = await call('GET', '/limits');
    expect(first.headers.get('sforce-limit-info')).toBe('api-usage=1/30');
    expect(first.body).toMatchObject({ DailyApiRequests: { Max: 30, Remaining: 29 } });
    expect((await call('GET', '/sobjects/Account/describe')).headers.get('sforce-limit-info')).toBe('api-usage=2/30');
  });

  it('answers 403 REQUEST_LIMIT_EXCEEDED once the rolling daily budget is spent, and recovers as calls age out', async () => {
    for (let i = 0; i < 30; i++) expect((await call('GET', '/limits')).status).toBe(200);
    const refused = await call('GET', '/limits');
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    expect(refused.headers.get('sforce-limit-info')).toBe('api-usage=30/30');
    clock += 3_600_000;
    expect((await call('GET', '/limits')).status).toBe(403);
    // The window rolls: a day after the first calls, they no longer count.
    clock += 23 * 3_600_000;
    await signIn(); // the session itself timed out meanwhile
    expect((await call('GET', '/limits')).status).toBe(200);
  });

  it("counts the org's other integrations in the same budget: the header shows the total, then 403 once it is spent", async () => {
    // Other integrations spent 28 of the org's 30 calls an hour ago.
    sim.setOthersApiUsage(28, clock - 3_600_000);
    expect(sim.apiUsage()).toBe(28);
    const first = await call('GET', '/sobjects/Account/describe');
    expect(first.status).toBe(200);
    expect(first.headers.get('sforce-limit-info')).toBe('api-usage=29/30');
    expect((await call('GET', '/limits')).body).toMatchObject({ DailyApiRequests: { Max: 30, Remaining: 0 } });
    const refused = await call('PATCH', `/sobjects/Account/${account(1)}`, { Health_Score__c: 50 });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    expect(refused.headers.get('sforce-limit-info')).toBe('api-usage=30/30');
    expect(sim.record('Account', account(1))?.Health_Score__c).not.toBe(50);
    // A day after the others' calls they have aged out; ours (made now) still count.
    clock += 23 * 3_600_000 + 1;
    await signIn();
    const later = await call('GET', '/limits');
    expect(later.status).toBe(200);
    expect(later.headers.get('sforce-limit-info')).toBe('api-usage=3/30');
  });

  it('carries Sforce-Limit-Info on injected faults too', async () => {
    sim.control.faults.set('/services/data', { rateLimitBurst: 1 });
    const refused = await call('GET', '/limits');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('sforce-limit-info')).toBe('api-usage=0/30');
  });

  it('injects Salesforce-shaped server errors and concurrency refusals', async () => {
    sim.control.faults.set('/services/data', { errorRate: 1 });
    const failed = await call('GET', '/limits');
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect((failed.body as Array<{ errorCode: string }>)[0]!.errorCode).toMatch(
      /^(UNKNOWN_EXCEPTION|SERVER_UNAVAILABLE)$/,
    );
    sim.control.faults.set('/services/data', { rateLimitBurst: 1 });
    expect(await call('GET', '/limits')).toMatchObject({
      status: 403,
      body: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentPerOrgLongTxn Limit exceeded.' }],
    });
    expect((await call('GET', '/limits')).status).toBe(200);
    expect(sim.control.requests.filter((r) => r.path === '/services/data/v60.0/limits')).toHaveLength(3);
  });
});
