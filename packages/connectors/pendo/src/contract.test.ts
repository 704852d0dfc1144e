import { describeConnectorContract } from '@synchub/core/testing';
import { createPendoSimulator, listen } from '@synchub/sandbox';
import pendo from './index.js';

const ACCOUNTS = 600;
const accountId = (n: number) => `acct-${String((n % ACCOUNTS) + 1).padStart(6, '0')}`;

describeConnectorContract('pendo', async () => {
  // 600 accounts: enough for a full 500-record metadata batch and several pages of every stream.
  // A fixed clock for the data, so a read and its resumption never straddle midnight.
  const sim = createPendoSimulator({ accounts: ACCOUNTS, retryAfterSeconds: 20, now: () => Date.UTC(2025, 0, 15, 12) });
  const server = await listen(sim.app);
  const { integrationKey } = sim.credentials;
  let written = 0;
  return {
    connector: pendo,
    settings: { region: 'us', baseUrl: server.url, sandbox: true },
    secrets: { integrationKey },
    badSecrets: { integrationKey: 'f00dfeed-0000-4000-a000-000000000000.us' },
    ctx: { fetch, now: Date.now },
    teardown: () => server.close(),
    requests: () => sim.control.requests,
    streams: {
      aggregation: {
        options: { pipeline: [{ source: { accounts: null } }], pageSize: 100 },
        expectPages: 6,
        recordKey: (r) => String(r.accountId),
      },
      usage: {
        stream: 'aggregation',
        options: {
          pipeline: [
            { source: { events: null, timeSeries: { period: 'dayRange', first: 'now()', count: -3 } } },
            { identified: 'accountId' },
            { group: { group: ['accountId'], fields: { minutes: { sum: 'numMinutes' } } } },
          ],
          pageSize: 150,
        },
        expectPages: 3,
        recordKey: (r) => String(r.accountId),
      },
      report: {
        options: { reportId: 'aCcT7dUsAgE-rpt01', pageSize: 250 },
        expectPages: 3,
        recordKey: (r) => String(r.accountId),
      },
    },
    writers: {
      account_metadata: {
        options: {},
        sampleRecords: (n) =>
          Array.from({ length: n }, () => {
            written += 1;
            return { accountId: accountId(written), healthscore: String(written % 100), tier: 'Gold' };
          }),
        badRecord: () => ({ accountId: 'acct-not-in-pendo', tier: 'Gold' }),
        // The account schema read (for types and known fields), then the write.
        callsPerBatch: 2,
      },
    },
    // A revoked key answers 401; 429/5xx come from the simulator's fault map.
    inject: (fault) => {
      if (fault === 'auth') sim.state.keys.delete(integrationKey);
      else if (fault === 'rate_limit') sim.control.faults.set('*', { rateLimitBurst: 1_000 });
      else sim.control.faults.set('*', { errorRate: 1 });
    },
    clearFaults: () => {
      sim.control.faults.clear();
      sim.state.keys.set(integrationKey, { write: true });
    },
    retryAtOnRateLimit: true,
  };
});
