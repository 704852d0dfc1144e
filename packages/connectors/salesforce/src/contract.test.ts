import { describeConnectorContract } from '@synchub/core/testing';
import { createSalesforceSimulator, formatSalesforceDatetime, listen, salesforceId } from '@synchub/sandbox';
import connector from './index.js';

const ACCOUNTS = 210;

describeConnectorContract('salesforce', async () => {
  // More accounts than one write batch, so every sample record names a different account.
  const sim = createSalesforceSimulator({ accounts: ACCOUNTS, pageSize: 60 });
  const server = await listen(sim.app);
  let edits = 0;
  return {
    connector,
    settings: { loginUrl: server.url, clientId: sim.credentials.clientId, sandbox: true },
    secrets: { clientSecret: sim.credentials.clientSecret, refreshToken: sim.credentials.refreshToken },
    badSecrets: { clientSecret: 'not-the-client-secret', refreshToken: sim.credentials.refreshToken },
    ctx: { fetch, now: Date.now },
    teardown: () => server.close(),
    requests: () => sim.control.requests,
    streams: {
      accounts: {
        options: { fields: ['Name', 'Industry', 'Health_Score__c', 'Pendo_lastvisit_last30d__c'] },
        expectPages: 4,
        incremental: true,
        // An edit in Salesforce: the record changes and SystemModstamp moves (to the second, as Salesforce keeps it).
        mutate: () => {
          const record = sim.record('Account', salesforceId('001', 7))!;
          record.Name = `Edited in Salesforce ${++edits}`;
          record.SystemModstamp = formatSalesforceDatetime(Math.floor(Date.now() / 1000) * 1000);
        },
        mutated: 1,
      },
    },
    writers: {
      account_update: {
        options: {},
        sampleRecords: (n) =>
          Array.from({ length: n }, (_, i) => ({
            Id: salesforceId('001', (i % ACCOUNTS) + 1),
            Pendo_numberofvisitors_last30d__c: 100 + i,
          })),
        // Health Score is a number(5, 2): Salesforce refuses this record alone.
        badRecord: () => ({ Id: salesforceId('001', 1), Health_Score__c: 123_456 }),
      },
    },
    // Salesforce has no 429: "slow down" is 403 REQUEST_LIMIT_EXCEEDED, here the spent daily budget.
    inject: (fault) => {
      if (fault === 'auth') sim.state.sessionTimeoutMs = -1; // every session is dead on arrival: 401 even after re-login
      if (fault === 'rate_limit') sim.state.dailyApiLimit = 0;
      if (fault === 'server_error') sim.control.faults.set('/services/data', { errorRate: 1 });
    },
    clearFaults: () => {
      sim.state.sessionTimeoutMs = 2 * 3_600_000;
      sim.state.dailyApiLimit = 15_000;
      sim.control.faults.clear();
    },
    retryAtOnRateLimit: true,
  };
});
