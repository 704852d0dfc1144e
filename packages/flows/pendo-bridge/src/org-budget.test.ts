import { afterEach, describe, expect, it } from 'vitest';
import { createBridge } from './bridge-fixtures.js';

/**
 * Salesforce's daily API budget is the org's, shared with its other integrations: a leg writing Accounts
 * that meets 403 REQUEST_LIMIT_EXCEEDED fails the run (to be retried) instead of failing the records.
 * The hub's, the limiter's and the simulators' clock is one virtual clock that the limiter's sleeps move on.
 */

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 23, 12, 0, 0);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function orgHub() {
  const clock = { t: START };
  /** Runs before a Salesforce data call leaves the hub: another integration may spend the org's budget then. */
  let beforeSalesforceCall: ((method: string) => void) | undefined;
  let salesforceOrigin: string | undefined;
  const hubFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin === salesforceOrigin && url.pathname.startsWith('/services/data/')) {
      beforeSalesforceCall?.(init?.method ?? 'GET');
    }
    return fetch(input, init);
  };
  const b = await createBridge({
    now: () => clock.t,
    salesforce: { dailyApiLimit: 15_000 },
    hub: {
      fetch: hubFetch,
      sleep: async (ms) => {
        clock.t += ms;
      },
    },
  });
  salesforceOrigin = b.urls.salesforce;
  cleanups.push(() => b.close());
  return {
    clock,
    salesforce: b.salesforce,
    gainsight: b.gainsight,
    connections: b.connections,
    run: b.run,
    onSalesforceCall(hook: ((method: string) => void) | undefined) {
      beforeSalesforceCall = hook;
    },
    async create(body: Record<string, unknown>): Promise<string> {
      const res = await b.create(body);
      if (res.status !== 201) throw new Error(`pipeline refused: ${JSON.stringify(res.body)}`);
      return res.body.pipeline.id;
    },
  };
}

describe("Salesforce's budget is the org's", { timeout: 30_000 }, () => {
  it('a 403 REQUEST_LIMIT_EXCEEDED during a bridge write ("Load to SFDC") fails no record', async () => {
    const o = await orgHub();
    const id = await o.create({
      kind: 'gainsight.to_salesforce',
      name: 'Load to SFDC',
      connectionId: o.connections.gainsight,
      settings: {
        targetConnectionId: o.connections.salesforce,
        fieldMap: [{ from: 'Stage', to: 'Gainsight_Stage__c' }],
      },
    });
    // Another integration spends the org's whole budget just before the leg's update goes out.
    o.onSalesforceCall((method) => {
      if (method === 'PATCH') o.salesforce.setOthersApiUsage(15_000);
    });
    const run = await o.run(id);
    expect(run.status).toBe('failed');
    expect(run.error?.message).toMatch(/^Salesforce org API limit reached/);
    expect(run.counts).toMatchObject({ written: 0, failed: 0 });

    // The next day the other integration's calls have aged out: the same records are written.
    o.onSalesforceCall(undefined);
    o.clock.t += DAY + 1;
    const resumed = await o.run(id);
    expect(resumed.error).toBeNull();
    expect(resumed.counts).toMatchObject({ read: 12, written: 12, failed: 0 });
    for (const row of o.gainsight.state.rows('company')) {
      expect(o.salesforce.record('Account', String(row.SfdcAccountId))?.Gainsight_Stage__c).toBe(row.Stage);
    }
  });
});
