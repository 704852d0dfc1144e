import { formatSalesforceDatetime, salesforceId } from '@synchub/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { writeCommon } from './common.js';
import { type PullHub, pullHub } from './test-setup.js';

let h: PullHub;
afterEach(() => h.close());

describe('salesforce.accounts (primary CRM)', { timeout: 30_000 }, () => {
  it('stores the canonical accounts with the mapped fields, page by page', async () => {
    h = await pullHub();
    const id = await h.create('salesforce.accounts');
    const run = await h.run(id);
    expect(run).toMatchObject({ status: 'completed', counts: { read: 8, written: 8 } });
    const first = await h.hub.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', salesforceId('001', 1))
      .executeTakeFirstOrThrow();
    const source = h.salesforce.record('Account', salesforceId('001', 1)) as Record<string, unknown>;
    expect(first).toMatchObject({
      connection_id: h.sfConnectionId,
      name: source.Name,
      domain: String(source.Domain__c),
      arr: source.AnnualRevenue,
      renewal_date: source.Renewal_Date__c,
      owner_id: source.OwnerId,
      gsid: h.gainsight.state.rows('company')[0]?.Gsid,
    });
    expect(JSON.parse(first.raw_json)).toMatchObject({ Id: source.Id, Website: source.Website });
    // Three rows per Salesforce page here: the cursor was committed after each page.
    expect(h.salesforce.control.requests.filter((r) => r.path.includes('/query')).length).toBeGreaterThanOrEqual(3);
  });

  it('reads only what changed since the last run, and survives an expired session', async () => {
    h = await pullHub();
    const id = await h.create('salesforce.accounts');
    await h.run(id);
    expect(await h.run(id)).toMatchObject({ status: 'completed', counts: { read: 0 } });
    const changed = h.salesforce.record('Account', salesforceId('001', 2)) as Record<string, unknown>;
    changed.Name = 'Renamed Corp';
    changed.SystemModstamp = formatSalesforceDatetime(Date.now());
    h.salesforce.expireSessions();
    const tokens = () => h.salesforce.control.requests.filter((r) => r.path.endsWith('/oauth2/token')).length;
    const before = tokens();
    const run = await h.run(id);
    expect(tokens()).toBe(before + 1);
    expect(run).toMatchObject({ status: 'completed', counts: { read: 1, written: 1 } });
    const row = await h.hub.db
      .selectFrom('accounts')
      .select('name')
      .where('id', '=', salesforceId('001', 2))
      .executeTakeFirst();
    expect(row?.name).toBe('Renamed Corp');
    expect(await h.count('accounts')).toBe(8);
  });

  it('rejects an Account field the org does not have (or misspells), at save time', async () => {
    h = await pullHub();
    const res = await h.pipeline('salesforce.accounts', { fields: { arr: 'ARR__c', owner: 'ownerid' } });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([
      { path: 'settings.fields.arr', message: 'no field ARR__c on the Salesforce Account' },
      { path: 'settings.fields.owner', message: 'no field ownerid on the Salesforce Account (did you mean OwnerId?)' },
    ]);
  });

  it('reads the GSID fields Gainsight pulls match on, skipping one the org no longer has', async () => {
    h = await pullHub();
    // A stale Common setting (the API would refuse a field the org lacks): written in the plugin's table.
    const plugin = { database: h.hub.db };
    await writeCommon(plugin, h.gsConnectionId, { primaryConnectionId: null, gsidField: 'Old_GSID__c' }, Date.now());
    await h.create('gainsight.activity', { gsidField: 'CSM_Notes__c' });
    const run = await h.run(await h.create('salesforce.accounts'));
    expect(run).toMatchObject({ status: 'completed', details: { missingGsidFields: ['Old_GSID__c'] } });
    expect(run.details?.fields).toContain('CSM_Notes__c');
  });
});

describe('gate: Gainsight pulls wait for the primary CRM', { timeout: 30_000 }, () => {
  const reason = async (pipelineId: string) => {
    const run = await h.run(pipelineId);
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('gated');
    return run.error?.message;
  };

  it('refuses without a Salesforce connection, then before the accounts sync, then runs', async () => {
    h = await pullHub({ withoutSalesforce: true });
    const company = await h.create('gainsight.company');
    expect(await reason(company)).toMatch(/connect Salesforce as the primary CRM/);
    const common = await h.json('GET', `/api/pulls/${h.gsConnectionId}/common`);
    expect(common.body).toMatchObject({ primary: null, gate: { ok: false } });

    const sf = await h.post('/api/connections', {
      connectorId: 'salesforce',
      name: 'Salesforce',
      settings: { loginUrl: h.sfServer.url, clientId: h.salesforce.credentials.clientId, sandbox: true },
      secrets: {
        clientSecret: h.salesforce.credentials.clientSecret,
        refreshToken: h.salesforce.credentials.refreshToken,
      },
    });
    h.sfConnectionId = sf.body.connection.id;
    expect(await reason(company)).toMatch(/create a Salesforce accounts pipeline for "Salesforce"/);
    const accounts = await h.create('salesforce.accounts');
    expect(await reason(company)).toMatch(/accounts sync of "Salesforce" has not completed/);
    await h.run(accounts);

    expect(await h.run(company)).toMatchObject({ status: 'completed' });
    const after = await h.json('GET', `/api/pulls/${h.gsConnectionId}/common`);
    expect(after.body).toMatchObject({
      common: { primaryConnectionId: null, gsidField: 'Gainsight_GSID__c' },
      primary: { connectionId: h.sfConnectionId, name: 'Salesforce', resolvedBy: 'only_salesforce' },
      gate: { ok: true, reason: null },
    });
  });

  it('asks which Salesforce connection is primary when there are several', async () => {
    h = await pullHub();
    await h.syncAccounts();
    await h.post('/api/connections', {
      connectorId: 'salesforce',
      name: 'Salesforce sandbox org',
      settings: { loginUrl: h.sfServer.url, clientId: h.salesforce.credentials.clientId, sandbox: true },
      secrets: {
        clientSecret: h.salesforce.credentials.clientSecret,
        refreshToken: h.salesforce.credentials.refreshToken,
      },
    });
    const company = await h.create('gainsight.company');
    expect(await reason(company)).toMatch(/2 Salesforce connections exist: choose the primary CRM/);
    const put = await h.json('PUT', `/api/pulls/${h.gsConnectionId}/common`, { primaryConnectionId: h.sfConnectionId });
    expect(put.body).toMatchObject({ primary: { resolvedBy: 'setting' }, gate: { ok: true } });
    expect(await h.run(company)).toMatchObject({ status: 'completed' });
  });

  it('validates the Common settings: a Salesforce primary, a GSID field its Account has', async () => {
    h = await pullHub();
    const url = `/api/pulls/${h.gsConnectionId}/common`;
    expect((await h.json('PUT', url, { primaryConnectionId: h.gsConnectionId })).body.error.issues).toEqual([
      { path: 'primaryConnectionId', message: 'not a Salesforce connection' },
    ]);
    expect((await h.json('PUT', url, { gsidField: 'Nope__c' })).body.error.issues).toEqual([
      { path: 'gsidField', message: 'no field Nope__c on the Salesforce Account' },
    ]);
    expect((await h.json('PUT', url, { gsidField: 'CSM_Notes__c' })).body.common.gsidField).toBe('CSM_Notes__c');
    expect((await h.json('GET', `/api/pulls/${h.sfConnectionId}/common`)).status).toBe(400);
  });
});
