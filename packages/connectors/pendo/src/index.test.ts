import type { ConnectorContext } from '@synchub/core';
import { createPendoSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pendo from './index.js';

const ctx: ConnectorContext = { fetch, now: Date.now };

describe('pendo connector', () => {
  const sim = createPendoSimulator({ accounts: 10 });
  let server: RunningServer;
  let settings: ReturnType<typeof pendo.settings.parse>;
  const secrets = { integrationKey: sim.credentials.integrationKey };
  beforeAll(async () => {
    server = await listen(sim.app);
    settings = pendo.settings.parse({ region: 'eu', baseUrl: server.url, sandbox: true });
  });
  afterAll(() => server.close());

  it('checks the connection by reading the account metadata schema', async () => {
    const result = await pendo.check({ settings, secrets, ctx });
    const total = Object.values(sim.state.schema).reduce((n, group) => n + Object.keys(group).length, 0);
    expect(result.summary).toBe(`Connected to Pendo (eu): ${total} account metadata fields`);
    expect(result.details).toEqual({
      region: 'eu',
      fields: total,
      custom: Object.keys(sim.state.schema.custom).length,
    });
    expect(sim.control.requests.at(-1)?.headers['x-pendo-integration-key']).toBe(secrets.integrationKey);
  });

  it('fails check with code auth and keeps Pendo’s body when the key is wrong', async () => {
    const error = await pendo.check({ settings, secrets: { integrationKey: 'wrong-key-000000' }, ctx }).catch((e) => e);
    expect(error).toMatchObject({ name: 'ConnectorError', code: 'auth', status: 401 });
    expect(error.body).toMatch(/invalid integration key/);
    expect(error.message).toMatch(/eu region/);
  });

  it('discovers the account object with typed fields, only custom ones writable', async () => {
    const [account, ...rest] = await pendo.discover({ settings, secrets, ctx });
    expect(rest).toEqual([]);
    expect(account?.name).toBe('account');
    const byName = new Map(account?.fields?.map((f) => [f.name, f]));
    expect(byName.get('accountId')?.type).toBe('id');
    expect(byName.get('metadata.custom.healthscore')).toMatchObject({
      type: 'integer',
      vendorType: 'integer',
      custom: true,
      updateable: true,
    });
    expect(byName.get('metadata.custom.renewaldate')?.type).toBe('datetime');
    expect(byName.get('metadata.custom.arr')?.type).toBe('number');
    expect(byName.get('metadata.auto.lastvisit')).toMatchObject({ type: 'datetime', updateable: false });
    expect(byName.get('metadata.salesforce.industry')?.custom).toBe(false);
    expect(await pendo.discover({ settings, secrets, ctx, options: { objects: ['visitor'] } })).toEqual([]);
  });

  it('declares its streams and writer and a gentle limit keyed without the key', () => {
    expect(Object.keys(pendo.streams)).toEqual(['aggregation', 'report']);
    expect(Object.keys(pendo.writers)).toEqual(['account_metadata']);
    expect(pendo.writers.account_metadata?.bucket).toBe('api');
    expect(pendo.rateLimit.buckets.api).toEqual([{ limit: 60, windowMs: 60_000, label: 'minute' }]);
    const key = pendo.rateLimit.key(settings);
    expect(key).not.toContain(secrets.integrationKey);
    expect(key).toBe(`eu:${new URL(server.url).host}`);
    expect(pendo.rateLimit.key(pendo.settings.parse({ region: 'au' }))).toBe('au:app.au.pendo.io');
  });
});
