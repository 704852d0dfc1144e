import { describeConnectorContract } from '@synchub/core/testing';
import { createGainsightSimulator, listen } from '@synchub/sandbox';
import gainsight from './index.js';

describeConnectorContract('gainsight', async () => {
  // 60 companies: company_update's batch of 50 needs 50 distinct existing names.
  const sim = createGainsightSimulator({
    companies: 60,
    people: 3,
    activities: 25,
    limits: { syncPerMinute: 100_000 },
    registeredEvents: [{ eventName: 'Contract Event', eventVersion: 'v01', topicName: 'contract' }],
  });
  const server = await listen(sim.app);
  const accessKey = sim.state.accessKey;
  let serial = 0;
  const fresh = () => `${Date.now().toString(36)}-${serial++}`;
  const existingNames = (n: number) =>
    sim.state
      .rows('company')
      .slice(0, n)
      .map((r) => String(r.Name));
  return {
    connector: gainsight,
    settings: { domain: server.url, sandbox: true, tenantId: sim.state.tenantId },
    secrets: { accessKey, sharedSecret: sim.credentials.sharedSecret },
    badSecrets: { accessKey: 'not-the-access-key' },
    ctx: { fetch, now: Date.now },
    teardown: () => server.close(),
    // Data calls only: the picklist describe a write needs is one cached call per object, not per batch.
    requests: () => sim.control.requests.filter((r) => !r.path.startsWith('/v1/meta/')),

    streams: {
      records: {
        options: { object: 'company', select: ['Gsid', 'Name', 'Employees', 'ModifiedDate'], pageSize: 25 },
        expectPages: 3,
        incremental: true,
        recordKey: (r) => `${r.Gsid}@${r.ModifiedDate}`,
        mutate() {
          const row = sim.state.rows('company')[30];
          if (row) Object.assign(row, { Employees: 12_345, ModifiedDate: Date.now() + 1_000 });
        },
        mutated: 1,
      },
      activities: {
        stream: 'records',
        options: {
          object: 'activity_timeline',
          select: ['Gsid', 'Subject', 'LastModifiedDate'],
          where: { conditions: [{ name: 'Subject', alias: 'A', value: [], operator: 'IS_NOT_NULL' }], expression: 'A' },
          pageSize: 10,
        },
        expectPages: 3,
        incremental: true,
      },
    },

    writers: {
      company_insert: {
        options: {},
        sampleRecords: (n) => Array.from({ length: n }, () => ({ Name: `Contract Co ${fresh()}`, Industry: 'Retail' })),
        badRecord: () => ({ Name: `Contract Bad ${fresh()}`, Industry: 'Not an industry' }),
        allOrNothing: true,
      },
      company_update: {
        options: { keys: ['Name'] },
        sampleRecords: (n) => existingNames(n).map((Name, i) => ({ Name, Employees: 100 + i })),
        badRecord: () => ({ Name: existingNames(1)[0], Stage: 'Not a stage' }),
        allOrNothing: true,
      },
      company_upsert: {
        options: {},
        // New names: one lookup, then one insert (a batch of known names would be a lookup and an update).
        sampleRecords: (n) => Array.from({ length: n }, () => ({ Name: `Contract Up ${fresh()}`, Employees: 5 })),
        badRecord: () => ({ Name: `Contract Bad ${fresh()}`, Industry: 'Not an industry' }),
        allOrNothing: true,
        callsPerBatch: 2,
      },
      object_insert: {
        options: { object: 'product_usage__gc' },
        sampleRecords: (n) =>
          Array.from({ length: n }, (_, i) => ({
            AccountId__gc: '001000000000001AAA',
            UsageDate__gc: '2026-01-01',
            AggregationLevel__gc: 'ACCOUNTLEVEL',
            ActiveUsers__gc: i,
          })),
        badRecord: () => ({ ActiveUsers__gc: 'many' }),
        allOrNothing: true,
      },
      person_upsert: {
        options: {},
        sampleRecords: (n) => Array.from({ length: n }, () => ({ Email: `contract-${fresh()}@example.com` })),
        badRecord: () => ({ Email: 'not-an-email' }),
      },
      event_publish: {
        options: { eventName: 'Contract Event', eventVersion: 'v01', topicName: 'contract' },
        sampleRecords: (n) => Array.from({ length: n }, (_, i) => ({ step: i, id: fresh() })),
      },
    },

    inject(fault) {
      // A 401 is the key being reset in Gainsight: the tenant stops accepting the one we hold.
      if (fault === 'auth') sim.state.accessKey = 'reset-by-an-admin';
      else sim.control.faults.set('*', fault === 'rate_limit' ? { rateLimitBurst: 1_000 } : { errorRate: 1 });
    },
    clearFaults() {
      sim.state.accessKey = accessKey;
      sim.control.faults.clear();
    },
    // No Retry-After from Gainsight: the connector knows the fixed window instead.
    retryAtOnRateLimit: true,
  };
});
