import { type ConnectorContext, ConnectorError, isConnectorError, type UsageReport } from '@synchub/core';
import {
  createSalesforceSimulator,
  listen,
  type RunningServer,
  SALESFORCE_LOGIN_PATH,
  salesforceId,
} from '@synchub/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CompositeRecord, createSalesforceClient, createSessionCache, type SalesforceClient } from './client.js';
import { type SalesforceSecrets, secretsSchema, settingsSchema } from './settings.js';

const sim = createSalesforceSimulator({ accounts: 20, pageSize: 7 });
let server: RunningServer;
const acquired: string[] = [];
const ctx: ConnectorContext = {
  fetch,
  now: Date.now,
  acquire: async (bucket) => {
    acquired.push(bucket);
  },
};

beforeAll(async () => {
  server = await listen(sim.app);
});
afterAll(() => server.close());
beforeEach(() => {
  sim.control.reset();
  sim.state.apiCalls.length = 0;
  acquired.length = 0;
});

const settings = (input: Record<string, unknown> = {}) =>
  settingsSchema.parse({ loginUrl: server.url, clientId: sim.credentials.clientId, sandbox: true, ...input });
const goodSecrets = (): SalesforceSecrets =>
  secretsSchema.parse({ clientSecret: sim.credentials.clientSecret, refreshToken: sim.credentials.refreshToken });
/** Each client logs in for itself (its own session cache), so every test sees its own token calls. */
const client = (input?: Record<string, unknown>, secrets = goodSecrets()): SalesforceClient =>
  createSalesforceClient(settings(input), secrets, ctx, createSessionCache());

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConnectorError(error)) throw new Error(`expected a ConnectorError, got ${String(error)}`);
  return error;
}

const tokenCalls = () => sim.control.requests.filter((r) => r.path.endsWith('/services/oauth2/token'));
const dataCalls = () => sim.control.requests.filter((r) => r.path.startsWith('/services/data/'));

describe('Salesforce client: authentication', () => {
  it('logs in once and reuses the token and instance for later calls', async () => {
    const c = client();
    await c.describe('Account');
    await c.limits();
    expect(tokenCalls()).toHaveLength(1);
    expect(tokenCalls()[0]!.body).toContain('grant_type=refresh_token');
    expect(c.instanceUrl).toBe(server.url);
  });

  it('logs in again on INVALID_SESSION_ID and repeats the call once, transparently', async () => {
    const c = client();
    await c.describe('Account');
    sim.expireSessions();
    const limits = await c.limits();
    expect(limits.DailyApiRequests).toEqual({ Max: 15000, Remaining: expect.any(Number) });
    expect(tokenCalls()).toHaveLength(2);
    expect(dataCalls().map((r) => r.status)).toEqual([200, 401, 200]);
    // The refused session cost the org no call, so the repeat spends none of the budget either.
    expect(acquired).toEqual(['api', 'api']);
  });

  it('shares a session between clients of one connection, and only of one connection', async () => {
    const sessions = createSessionCache();
    const make = (secrets = goodSecrets()) => createSalesforceClient(settings(), secrets, ctx, sessions);
    await make().describe('Account');
    await make().limits();
    expect(tokenCalls()).toHaveLength(1);
    // Other credentials are another connection: they log in for themselves and fail on their own.
    const wrong = { ...goodSecrets(), clientSecret: 'another-secret' };
    expect(await failure(make(wrong).limits())).toMatchObject({ code: 'auth' });
    expect(tokenCalls()).toHaveLength(2);
    // A session that died is replaced once for everyone sharing it.
    sim.expireSessions();
    await Promise.all([make().limits(), make().limits()]);
    expect(tokenCalls()).toHaveLength(3);
    expect([...sessions.keys()].join(' ')).not.toContain(sim.credentials.clientSecret!);
  });

  it('turns a refused secret into an auth error that does not echo it', async () => {
    const error = await failure(
      client({}, { ...goodSecrets(), clientSecret: 'wrong-secret-value' }).describe('Account'),
    );
    expect(error).toMatchObject({ code: 'auth', vendorCode: 'invalid_client', status: 400 });
    expect(error.body).toEqual({ error: 'invalid_client', error_description: 'invalid client credentials' });
    expect(error.message).not.toContain('wrong-secret-value');
    expect(dataCalls()).toHaveLength(0);
  });

  it('turns a revoked refresh token into an auth error', async () => {
    const error = await failure(client({}, { ...goodSecrets(), refreshToken: 'revoked' }).authenticate());
    expect(error).toMatchObject({ code: 'auth', vendorCode: 'invalid_grant' });
  });

  it('says what is missing when the refresh_token flow has no refresh token', async () => {
    const error = await failure(client({}, { clientSecret: 'x' }).authenticate());
    expect(error.code).toBe('config');
    expect(error.message).toMatch(/refresh token/);
    expect(tokenCalls()).toHaveLength(0);
  });

  it('uses client_credentials on My Domain and explains the refusal on the login host', async () => {
    const secrets = { clientSecret: sim.credentials.clientSecret! };
    const ok = client({ authFlow: 'client_credentials' }, secrets);
    await ok.describe('Account');
    expect(tokenCalls()[0]!.body).toContain('grant_type=client_credentials');
    const onLoginHost = client(
      { authFlow: 'client_credentials', loginUrl: `${server.url}${SALESFORCE_LOGIN_PATH}` },
      secrets,
    );
    const error = await failure(onLoginHost.authenticate());
    expect(error).toMatchObject({ code: 'config', vendorCode: 'invalid_grant' });
    expect(error.message).toMatch(/My Domain/);
  });

  it('refuses plain http outside simulator connections', () => {
    expect(() => client({ sandbox: false })).toThrowError(/Only https/);
  });
});

describe('Salesforce client: query', () => {
  it('follows nextRecordsUrl to the end and spends the api bucket per call', async () => {
    const c = client();
    const sizes: number[] = [];
    const ids = new Set<string>();
    for await (const page of c.query('SELECT Id, SystemModstamp FROM Account ORDER BY SystemModstamp')) {
      expect(page.totalSize).toBe(20);
      sizes.push(page.records.length);
      for (const r of page.records) ids.add(String(r.Id));
    }
    expect(sizes).toEqual([7, 7, 6]);
    expect(ids.size).toBe(20);
    expect(dataCalls().map((r) => r.path)).toEqual([
      '/services/data/v60.0/query',
      expect.stringMatching(/^\/services\/data\/v60\.0\/query\/01g\w{15}-7$/),
      expect.stringMatching(/^\/services\/data\/v60\.0\/query\/01g\w{15}-14$/),
    ]);
    expect(acquired).toEqual(['api', 'api', 'api']);
    expect(c.apiUsage).toEqual({ used: 3, max: 15000 });
  });

  it('encodes datetime literals so Salesforce reads the + of +0000', async () => {
    const pages = [];
    for await (const page of client().query(
      'SELECT Id FROM Account WHERE SystemModstamp > 2024-05-01T05:00:00.000+0000',
    ))
      pages.push(page);
    expect(pages[0]!.totalSize).toBeGreaterThan(0);
  });

  it('reports a cursor lost with its session as transient, so the query is run again', async () => {
    const pages = client().query('SELECT Id FROM Account');
    expect((await pages.next()).value).toMatchObject({ done: false });
    sim.expireSessions();
    const error = await failure(pages.next());
    expect(error).toMatchObject({ code: 'transient', vendorCode: 'INVALID_QUERY_LOCATOR', status: 400 });
    expect(tokenCalls()).toHaveLength(2);
  });

  it('maps malformed SOQL and unknown fields to invalid_request with Salesforce codes', async () => {
    const malformed = await failure(client().query('SELECT Id FRM Account').next());
    expect(malformed).toMatchObject({ code: 'invalid_request', vendorCode: 'MALFORMED_QUERY', status: 400 });
    expect(malformed.body).toEqual([expect.objectContaining({ errorCode: 'MALFORMED_QUERY' })]);
    const unknown = await failure(client().query('SELECT Nope__c FROM Account').next());
    expect(unknown).toMatchObject({ code: 'invalid_request', vendorCode: 'INVALID_FIELD' });
    expect(unknown.message).toContain("No such column 'Nope__c'");
  });
});

describe('Salesforce client: failures and limits', () => {
  it('reports an injected 500 as transient with the vendor body', async () => {
    sim.control.faults.set('/services/data', { errorRate: 1 });
    const error = await failure(client().describe('Account'));
    expect(error.code).toBe('transient');
    expect(error.retryable).toBe(true);
    expect(error.status).toBeGreaterThanOrEqual(500);
    expect(error.vendorCode).toMatch(/^(UNKNOWN_EXCEPTION|SERVER_UNAVAILABLE)$/);
  });

  it('reports a spent daily budget as rate_limited with a time to come back', async () => {
    const small = createSalesforceSimulator({ accounts: 1, dailyApiLimit: 2 });
    const smallServer = await listen(small.app);
    try {
      const c = createSalesforceClient(
        settingsSchema.parse({ loginUrl: smallServer.url, clientId: small.credentials.clientId, sandbox: true }),
        { clientSecret: small.credentials.clientSecret!, refreshToken: small.credentials.refreshToken! },
        ctx,
        createSessionCache(),
      );
      await c.limits();
      await c.limits();
      const before = Date.now();
      const error = await failure(c.limits());
      expect(error).toMatchObject({ code: 'rate_limited', vendorCode: 'REQUEST_LIMIT_EXCEEDED', status: 403 });
      expect(error.message).toContain('TotalRequests Limit exceeded.');
      expect(error.retryAt).toBeGreaterThan(before);
      expect(c.apiUsage).toEqual({ used: 2, max: 2 });
    } finally {
      await smallServer.close();
    }
  });
});

describe("Salesforce client: the org's budget", () => {
  it("reports every answer's Sforce-Limit-Info to the host, others' calls included", async () => {
    const reports: UsageReport[] = [];
    sim.setOthersApiUsage(9_000);
    try {
      const c = createSalesforceClient(
        settings(),
        goodSecrets(),
        { ...ctx, reportUsage: async (r) => void reports.push(r) },
        createSessionCache(),
      );
      await c.describe('Account');
      await c.limits();
      expect(reports).toEqual([
        { bucket: 'api', used: 9_001, limit: 15_000, windowMs: 86_400_000, exhaustedUntil: undefined },
        { bucket: 'api', used: 9_002, limit: 15_000, windowMs: 86_400_000, exhaustedUntil: undefined },
      ]);
    } finally {
      sim.setOthersApiUsage(0);
    }
  });

  it('a 403 TotalRequests holds the org for an hour: reported to the host, and a wait, not a refused record', async () => {
    const reports: UsageReport[] = [];
    sim.setOthersApiUsage(15_000);
    try {
      const c = createSalesforceClient(
        settings(),
        goodSecrets(),
        { ...ctx, reportUsage: async (r) => void reports.push(r) },
        createSessionCache(),
      );
      const before = Date.now();
      const error = await failure(
        c.compositeUpdate([{ attributes: { type: 'Account' }, id: salesforceId('001', 1), Health_Score__c: 5 }], false),
      );
      expect(error).toMatchObject({ code: 'rate_limited', status: 403, vendorCode: 'REQUEST_LIMIT_EXCEEDED' });
      expect(error.message).toMatch(/^Salesforce org API limit reached: REQUEST_LIMIT_EXCEEDED: TotalRequests/);
      expect(error.retryAt).toBeGreaterThanOrEqual(before + 3_600_000);
      expect(reports).toEqual([
        { bucket: 'api', used: 15_000, limit: 15_000, windowMs: 86_400_000, exhaustedUntil: expect.any(Number) },
      ]);
      expect(reports[0]).toMatchObject({ exhaustedUntil: error.retryAt });
    } finally {
      sim.setOthersApiUsage(0);
    }
  });

  it("says in Salesforce's terms when the host stops a call for the org's budget, and sends nothing", async () => {
    const retryAt = Date.now() + 3_600_000;
    const refusal = new ConnectorError('rate_limited', 'host words', {
      retryAt,
      body: { reason: 'stopped', used: 13_600, limit: 15_000, slowLine: 7_500, stopLine: 13_500, waitUntil: retryAt },
    });
    const c = createSalesforceClient(
      settings(),
      goodSecrets(),
      {
        ...ctx,
        acquire: async () => {
          throw refusal;
        },
      },
      createSessionCache(),
    );
    const error = await failure(c.describe('Account'));
    expect(error).toMatchObject({ code: 'rate_limited', retryAt });
    expect(error.message).toBe(
      `Salesforce org API limit reached: the org has used 13,600 of its 15,000 daily API calls; the hub stops at 13,500, leaving the rest to the org's other integrations, and checks again at ${new Date(retryAt).toISOString()}`,
    );
    expect(dataCalls()).toEqual([]);
  });
});

describe('Salesforce client: writes', () => {
  const account = (n: number) => salesforceId('001', n);

  it('updates one record (204) and maps unknown ids and fields', async () => {
    const c = client();
    await c.updateRecord('Account', account(1), { Pendo_timeonsite_last30d__c: 12.5 });
    expect(sim.record('Account', account(1))!.Pendo_timeonsite_last30d__c).toBe(12.5);
    expect(await failure(c.updateRecord('Account', account(999), { Name: 'x' }))).toMatchObject({
      code: 'not_found',
      vendorCode: 'NOT_FOUND',
    });
    expect(await failure(c.updateRecord('Account', account(1), { Nope__c: 1 }))).toMatchObject({
      code: 'invalid_request',
      vendorCode: 'INVALID_FIELD',
    });
  });

  it('returns per-record composite results in order, failures included', async () => {
    const records: CompositeRecord[] = [
      { attributes: { type: 'Account' }, id: account(2), Pendo_numberofvisitors_last30d__c: 12 },
      { attributes: { type: 'Account' }, id: account(3), SystemModstamp: '2024-01-01T00:00:00Z' },
    ];
    const results = await client().compositeUpdate(records, false);
    expect(results).toEqual([
      { id: account(2), success: true, errors: [] },
      {
        success: false,
        errors: [
          expect.objectContaining({ statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['SystemModstamp'] }),
        ],
      },
    ]);
    const rolledBack = await client().compositeUpdate(records, true);
    expect(rolledBack[0]!.errors[0]!.statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
  });

  it('refuses more than 200 records before calling Salesforce', async () => {
    const records = Array.from({ length: 201 }, () => ({ attributes: { type: 'Account' }, id: account(1) }));
    expect(await failure(client().compositeUpdate(records, false))).toMatchObject({ code: 'invalid_request' });
    expect(dataCalls()).toHaveLength(0);
  });
});
