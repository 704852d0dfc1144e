import type { ConnectorContext, PlannedRequest } from '@synchub/core';
import { createPendoSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsSchema } from './settings.js';
import { writers } from './writers.js';

describe('pendo in a dry run', () => {
  const sim = createPendoSimulator({ accounts: 3 });
  let server: RunningServer;
  const planned: PlannedRequest[] = [];
  const acquired: string[] = [];
  const ctx: ConnectorContext = {
    fetch,
    now: Date.now,
    acquire: async (bucket) => void acquired.push(bucket),
    dryRun: { record: (request) => planned.push(request) },
  };

  beforeAll(async () => {
    server = await listen(sim.app);
  });
  afterAll(() => server.close());

  it('reads the schema, records the metadata write with its exact rows, and writes nothing', async () => {
    const results = await writers.account_metadata!.write({
      settings: settingsSchema.parse({ baseUrl: server.url, sandbox: true }),
      secrets: { integrationKey: sim.credentials.integrationKey },
      ctx,
      records: [{ accountId: 'acct-000001', healthscore: '42', tier: 'Gold' }],
      options: {},
    });
    expect(results).toEqual([{ ok: true, id: 'acct-000001' }]);
    // The schema read went out (and spent the budget); the write did neither.
    expect(sim.control.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v1/metadata/schema/account']);
    expect(acquired).toEqual(['api']);
    expect(sim.state.written.size).toBe(0);
    expect(planned).toEqual([
      {
        method: 'POST',
        url: `${server.url}/api/v1/metadata/account/custom/value`,
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          'x-pendo-integration-key': sim.credentials.integrationKey,
        },
        body: [{ accountId: 'acct-000001', values: { healthscore: 42, tier: 'Gold' } }],
      },
    ]);
  });
});
