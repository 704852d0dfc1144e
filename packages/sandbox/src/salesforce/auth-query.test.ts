import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../common.js';
import { normalizeId } from './data.js';
import { createSalesforceSimulator, SALESFORCE_LOGIN_PATH, type SalesforceSimulator } from './index.js';

let clock = Date.UTC(2024, 5, 1);
const sim: SalesforceSimulator = createSalesforceSimulator({ pageSize: 10, now: () => clock });
let server: RunningServer;
beforeAll(async () => {
  server = await listen(sim.app);
});
afterAll(() => server.close());

async function token(form: Record<string, string>, base = server.url) {
  const response = await fetch(`${base}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

const refreshGrant = () => ({
  grant_type: 'refresh_token',
  client_id: sim.credentials.clientId!,
  client_secret: sim.credentials.clientSecret!,
  refresh_token: sim.credentials.refreshToken!,
});

async function accessToken(): Promise<string> {
  const answer = await token(refreshGrant());
  expect(answer.status).toBe(200);
  return answer.body.access_token!;
}

async function get(path: string, accessTokenValue: string) {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${accessTokenValue}` } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
}

const query = (soql: string, t: string) => get(`/services/data/v60.0/query?q=${encodeURIComponent(soql)}`, t);

describe('Salesforce simulator: token endpoint', () => {
  it('answers a refresh grant with the instance it was reached at and no expires_in', async () => {
    const answer = await token(refreshGrant());
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ instance_url: server.url, token_type: 'Bearer', scope: 'refresh_token api' });
    expect(answer.body.issued_at).toBe(String(clock));
    expect(answer.body.id).toMatch(new RegExp(`^${server.url}/id/00D\\w{15}/005\\w{15}$`));
    expect(answer.body.signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(answer.body).not.toHaveProperty('expires_in');
  });

  it('rejects a wrong client secret, client id or refresh token with OAuth error bodies', async () => {
    expect(await token({ ...refreshGrant(), client_secret: 'nope' })).toEqual({
      status: 400,
      body: { error: 'invalid_client', error_description: 'invalid client credentials' },
    });
    expect((await token({ ...refreshGrant(), client_id: 'nope' })).body.error).toBe('invalid_client_id');
    expect(await token({ ...refreshGrant(), refresh_token: 'revoked' })).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'expired access/refresh token' },
    });
  });

  it('reads parameters from a form body only', async () => {
    const response = await fetch(`${server.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(refreshGrant()),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'grant type not supported',
    });
  });

  it('grants client_credentials on the My Domain host only', async () => {
    const grant = {
      grant_type: 'client_credentials',
      client_id: sim.credentials.clientId!,
      client_secret: sim.credentials.clientSecret!,
    };
    expect(await token(grant, `${server.url}${SALESFORCE_LOGIN_PATH}`)).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'request not supported on this domain' },
    });
    const ok = await token(grant);
    expect(ok.status).toBe(200);
    expect(ok.body.instance_url).toBe(server.url);
    // The login host still serves the refresh grant.
    expect((await token(refreshGrant(), `${server.url}${SALESFORCE_LOGIN_PATH}`)).status).toBe(200);
  });
});

describe('Salesforce simulator: sessions', () => {
  it('answers 401 INVALID_SESSION_ID without a token, after expireSessions and after the idle timeout', async () => {
    const expected = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];
    expect(await get('/services/data/v60.0/limits', 'made-up')).toMatchObject({ status: 401, body: expected });
    const t = await accessToken();
    expect((await get('/services/data/v60.0/limits', t)).status).toBe(200);
    sim.expireSessions();
    expect(await get('/services/data/v60.0/limits', t)).toMatchObject({ status: 401, body: expected });
    const idle = await accessToken();
    clock += 2 * 3_600_000 + 1;
    expect((await get('/services/data/v60.0/limits', idle)).status).toBe(401);
  });
});

describe('Salesforce simulator: query', () => {
  it('pages through nextRecordsUrl until done, with Salesforce record shapes', async () => {
    const t = await accessToken();
    const ids: string[] = [];
    let page = (await query('SELECT Id, Name, SystemModstamp FROM Account ORDER BY SystemModstamp', t)).body as {
      totalSize: number;
      done: boolean;
      nextRecordsUrl?: string;
      records: Array<Record<string, unknown>>;
    };
    const sizes: number[] = [];
    for (;;) {
      expect(page.totalSize).toBe(25);
      sizes.push(page.records.length);
      for (const record of page.records) ids.push(String(record.Id));
      if (page.done) break;
      expect(page.nextRecordsUrl).toMatch(/^\/services\/data\/v60\.0\/query\/01g[A-Za-z0-9]{15}-\d+$/);
      page = (await get(page.nextRecordsUrl!, t)).body as typeof page;
    }
    expect(page.nextRecordsUrl).toBeUndefined();
    expect(sizes).toEqual([10, 10, 5]);
    expect(new Set(ids).size).toBe(25);
    for (const id of ids) {
      expect(id).toMatch(/^001[A-Za-z0-9]{15}$/);
      expect(normalizeId(id.slice(0, 15))).toBe(id);
    }
    const first = (await query('SELECT Id, SystemModstamp FROM Account LIMIT 1', t)).body as typeof page;
    expect(first.records[0]).toEqual({
      attributes: { type: 'Account', url: `/services/data/v60.0/sobjects/Account/${first.records[0]!.Id}` },
      Id: expect.any(String),
      SystemModstamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$/),
    });
  });

  it('pages by Sforce-Query-Options batchSize, clamped to 200..2,000', async () => {
    const big = createSalesforceSimulator({ accounts: 250 });
    const bigServer = await listen(big.app);
    try {
      const answer = await token(refreshGrant(), bigServer.url);
      const sizes = async (header?: string) => {
        const headers: Record<string, string> = { authorization: `Bearer ${answer.body.access_token}` };
        if (header) headers['sforce-query-options'] = header;
        const out: number[] = [];
        let path: string | undefined = `/services/data/v60.0/query?q=${encodeURIComponent('SELECT Id FROM Account')}`;
        while (path) {
          const page = (await (await fetch(`${bigServer.url}${path}`, { headers })).json()) as {
            nextRecordsUrl?: string;
            records: unknown[];
          };
          out.push(page.records.length);
          path = page.nextRecordsUrl;
        }
        return out;
      };
      expect(await sizes()).toEqual([250]);
      expect(await sizes('batchSize=100')).toEqual([200, 50]);
      expect(await sizes('batchSize=5000')).toEqual([250]);
    } finally {
      await bigServer.close();
    }
  });

  it('ties a cursor to its session: a new token gets INVALID_QUERY_LOCATOR', async () => {
    const first = await accessToken();
    const page = (await query('SELECT Id FROM Account', first)).body as { nextRecordsUrl: string };
    const second = await accessToken();
    expect(await get(page.nextRecordsUrl, second)).toMatchObject({
      status: 400,
      body: [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }],
    });
  });

  it('needs + encoded as %2B in datetime literals', async () => {
    const t = await accessToken();
    const soql = 'SELECT Id FROM Account WHERE SystemModstamp > 2024-05-01T10:00:00+0000';
    const raw = await get(`/services/data/v60.0/query?q=${soql.replaceAll(' ', '+')}`, t);
    expect(raw.status).toBe(400);
    expect((raw.body as Array<{ errorCode: string }>)[0]!.errorCode).toBe('MALFORMED_QUERY');
    const encoded = await query(soql, t);
    expect(encoded.status).toBe(200);
    expect((encoded.body as { totalSize: number }).totalSize).toBeGreaterThan(0);
    expect((encoded.body as { totalSize: number }).totalSize).toBeLessThan(25);
  });

  it('rejects malformed SOQL, unknown fields and unknown objects with 400 arrays', async () => {
    const t = await accessToken();
    const malformed = await query('SELECT Id FRM Account', t);
    expect(malformed).toMatchObject({ status: 400, body: [{ errorCode: 'MALFORMED_QUERY' }] });
    const unknown = await query('SELECT Id, Nope__c FROM Account', t);
    expect(unknown.status).toBe(400);
    expect((unknown.body as Array<{ errorCode: string; message: string }>)[0]).toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: expect.stringContaining("No such column 'Nope__c' on entity 'Account'"),
    });
    expect(await query('SELECT Id FROM Nothing__c', t)).toMatchObject({
      status: 400,
      body: [{ errorCode: 'INVALID_TYPE' }],
    });
  });

  it('describes Account with standard and custom fields typed as Salesforce types them', async () => {
    const t = await accessToken();
    const answer = await get('/services/data/v60.0/sobjects/Account/describe', t);
    expect(answer.status).toBe(200);
    const fields = (answer.body as { fields: Array<Record<string, unknown>> }).fields;
    const byName = new Map(fields.map((f) => [f.name, f]));
    expect(byName.get('Id')).toMatchObject({ type: 'id', updateable: false, custom: false });
    expect(byName.get('AnnualRevenue')).toMatchObject({ type: 'currency' });
    expect(byName.get('ParentId')).toMatchObject({ type: 'reference', referenceTo: ['Account'] });
    expect(byName.get('SystemModstamp')).toMatchObject({ type: 'datetime', updateable: false });
    expect(byName.get('Gainsight_GSID__c')).toMatchObject({ type: 'string', custom: true, updateable: true });
    expect(byName.get('Pendo_numberofvisitors_last30d__c')).toMatchObject({ type: 'double', custom: true });
    expect(byName.get('Pendo_lastvisit_last30d__c')).toMatchObject({ type: 'datetime', custom: true });
    expect(byName.get('Renewal_Date__c')).toMatchObject({ type: 'date' });
    expect(byName.get('Industry')).toMatchObject({
      type: 'picklist',
      picklistValues: expect.arrayContaining([expect.objectContaining({ value: 'Retail' })]),
    });
    expect((await get('/services/data/v60.0/sobjects/Nothing__c/describe', t)).status).toBe(404);
  });

  it('seeds the same org for the same seed', () => {
    const again = createSalesforceSimulator({ seed: 1 });
    const other = createSalesforceSimulator({ seed: 2 });
    const names = (s: SalesforceSimulator) =>
      [...s.state.records.get('Account')!.values()].map((r) => `${r.Id} ${r.Name}`);
    expect(names(again)).toEqual(names(createSalesforceSimulator({ seed: 1 })));
    expect(names(again)).not.toEqual(names(other));
    const accounts = [...again.state.records.get('Account')!.values()];
    expect(accounts.some((a) => a.ParentId !== null)).toBe(true);
    expect(accounts.some((a) => a.Gainsight_GSID__c === null)).toBe(true);
  });
});
