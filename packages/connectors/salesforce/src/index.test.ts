import type { ConnectorContext } from '@synchub/core';
import { createSalesforceSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import connector from './index.js';

const ctx: ConnectorContext = { fetch, now: Date.now };

describe('Salesforce connector', () => {
  const sim = createSalesforceSimulator({ accounts: 3 });
  let server: RunningServer;
  beforeAll(async () => {
    server = await listen(sim.app);
  });
  afterAll(() => server.close());

  const args = () => ({
    settings: connector.settings.parse({ loginUrl: server.url, clientId: sim.credentials.clientId, sandbox: true }),
    secrets: connector.secrets.parse({
      clientSecret: sim.credentials.clientSecret,
      refreshToken: sim.credentials.refreshToken,
    }),
    ctx,
  });

  it('check names the instance and counts Account fields', async () => {
    const result = await connector.check(args());
    const host = new URL(server.url).host;
    expect(result.summary).toMatch(new RegExp(`^Connected to ${host}: Account has \\d+ fields \\(\\d+ custom\\)$`));
    expect(result.details).toMatchObject({
      instanceUrl: server.url,
      accountFields: expect.any(Number),
      customFields: expect.any(Number),
      apiUsage: { used: 1, max: 15000 },
    });
    expect(result.details.customFields).toBeGreaterThanOrEqual(8);
  });

  it('discover lists queryable objects, Account first, and describes the ones asked for', async () => {
    const objects = await connector.discover(args());
    expect(objects[0]).toEqual({ name: 'Account', label: 'Account', kind: 'STANDARD' });
    expect(objects.map((o) => o.name)).toEqual(expect.arrayContaining(['Contact', 'User']));

    const [account] = await connector.discover({ ...args(), options: { objects: ['Account'] } });
    const fields = new Map(account!.fields!.map((f) => [f.name, f]));
    expect(fields.get('Id')).toMatchObject({ type: 'id', updateable: false });
    expect(fields.get('Name')).toMatchObject({ type: 'string', required: true });
    expect(fields.get('AnnualRevenue')).toMatchObject({ type: 'number', vendorType: 'currency' });
    expect(fields.get('NumberOfEmployees')).toMatchObject({ type: 'integer' });
    expect(fields.get('Website')).toMatchObject({ type: 'url' });
    expect(fields.get('Industry')).toMatchObject({ type: 'picklist' });
    expect(fields.get('Renewal_Date__c')).toMatchObject({ type: 'date', custom: true });
    expect(fields.get('Pendo_lastvisit_last30d__c')).toMatchObject({
      type: 'datetime',
      custom: true,
      updateable: true,
    });
    expect(fields.get('Pendo_numberofvisitors_last30d__c')).toMatchObject({ type: 'number', vendorType: 'double' });
    expect(fields.get('OwnerId')).toMatchObject({ type: 'id', required: false });
  });

  it('discover of an unknown object is not_found', async () => {
    await expect(connector.discover({ ...args(), options: { objects: ['Nothing__c'] } })).rejects.toMatchObject({
      code: 'not_found',
      vendorCode: 'NOT_FOUND',
    });
  });

  it('keys the rate limit on the login host and the connected app', () => {
    const settings = connector.settings.parse({ clientId: 'abc' });
    expect(settings).toMatchObject({
      loginUrl: 'https://login.salesforce.com',
      authFlow: 'refresh_token',
      apiVersion: 'v60.0',
    });
    expect(connector.rateLimit.key(settings)).toBe('login.salesforce.com:abc');
    expect(connector.rateLimit.buckets[connector.rateLimit.defaultBucket]).toBeDefined();
  });

  it("follows the org's reported budget: no fixed window, and the connection's share settings", () => {
    // Salesforce has no per-minute cap, and the daily budget is the org's, not a number of ours.
    expect(connector.rateLimit.buckets).toEqual({ api: [] });
    const defaults = connector.settings.parse({ clientId: 'abc' });
    expect(defaults).toMatchObject({ dailyApiSlowdownPercent: 50, dailyApiStopPercent: 90 });
    expect(connector.rateLimit.usageBudget?.(defaults)).toEqual({ slowAt: 0.5, stopAt: 0.9, probeAfterMs: 3_600_000 });
    const custom = connector.settings.parse({ clientId: 'abc', dailyApiSlowdownPercent: 70, dailyApiStopPercent: 80 });
    expect(connector.rateLimit.usageBudget?.(custom)).toMatchObject({ slowAt: 0.7, stopAt: 0.8 });
    // A connection saved before these settings existed gets the defaults.
    const old = { ...defaults } as Partial<typeof defaults>;
    delete old.dailyApiSlowdownPercent;
    delete old.dailyApiStopPercent;
    expect(connector.rateLimit.usageBudget?.(old as typeof defaults)).toMatchObject({ slowAt: 0.5, stopAt: 0.9 });
    const refused = connector.settings.safeParse({ clientId: 'abc', dailyApiSlowdownPercent: 95 });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'dailyApiSlowdownPercent: must not be above the stop line (90%)',
    ]);
  });
});
