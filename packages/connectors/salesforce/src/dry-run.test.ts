import type { ConnectorContext, PlannedRequest } from '@synchub/core';
import { createSalesforceSimulator, listen, type RunningServer, salesforceId } from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesforceClient, createSessionCache } from './client.js';
import { secretsSchema, settingsSchema } from './settings.js';
import { writers } from './writers.js';

describe('salesforce in a dry run', () => {
  const sim = createSalesforceSimulator({ accounts: 5 });
  let server: RunningServer;
  const planned: PlannedRequest[] = [];
  const ctx: ConnectorContext = { fetch, now: Date.now, dryRun: { record: (request) => planned.push(request) } };
  const settings = () =>
    settingsSchema.parse({ loginUrl: server.url, clientId: sim.credentials.clientId, sandbox: true });
  const secrets = () =>
    secretsSchema.parse({ clientSecret: sim.credentials.clientSecret, refreshToken: sim.credentials.refreshToken });

  beforeAll(async () => {
    server = await listen(sim.app);
  });
  afterAll(() => server.close());

  it('records the composite update with its exact body, sends it nowhere, and still logs in and reads', async () => {
    const id = salesforceId('001', 1);
    const nameBefore = sim.record('Account', id)?.Name;
    const before = sim.control.requests.length;
    const results = await writers.account_update!.write({
      settings: settings(),
      secrets: secrets(),
      ctx,
      records: [{ Id: id, Name: 'Dry run name' }],
      options: {},
    });
    expect(results).toEqual([{ ok: true, id }]);
    // The token call is a read: it went out. No PATCH did.
    const sent = sim.control.requests.slice(before);
    expect(sent.map((r) => r.method)).not.toContain('PATCH');
    expect(sent.some((r) => r.path === '/services/oauth2/token')).toBe(true);
    expect(sim.record('Account', id)?.Name).toBe(nameBefore);
    expect(planned).toHaveLength(1);
    expect(planned[0]).toMatchObject({
      method: 'PATCH',
      url: expect.stringMatching(/\/services\/data\/v\d+\.\d\/composite\/sobjects$/),
      headers: { authorization: expect.stringMatching(/^Bearer /), 'content-type': 'application/json' },
      body: { allOrNone: false, records: [{ attributes: { type: 'Account' }, id, Name: 'Dry run name' }] },
    });

    // A read in the same context goes out.
    const client = createSalesforceClient(settings(), secrets(), ctx, createSessionCache());
    const reads = sim.control.requests.length;
    for await (const page of client.query('SELECT Id FROM Account')) expect(page.records.length).toBeGreaterThan(0);
    expect(sim.control.requests.slice(reads).some((r) => r.path.endsWith('/query'))).toBe(true);
    await client.updateRecord('Account', id, { Name: 'Also dry' });
    expect(planned.at(-1)).toMatchObject({ method: 'PATCH', body: { Name: 'Also dry' } });
    expect(sim.record('Account', id)?.Name).toBe(nameBefore);
    expect(planned).toHaveLength(2);
  });
});
