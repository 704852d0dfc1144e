import { createGainsightSimulator, createSalesforceSimulator, listen, salesforceId } from '@synchub/sandbox';
import { createTestHub } from '@synchub/hub/testing';
import { afterEach, describe, expect, it } from 'vitest';
import pendoBridge from './index.js';

/**
 * Salesforce's daily API budget is the org's, shared with its other integrations: a leg writing Accounts
 * that meets 403 REQUEST_LIMIT_EXCEEDED fails the run (to be retried) instead of failing the records.
 * The hub's, the limiter's and the simulators' clock is one virtual clock that the limiter's sleeps move on.
 */

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 23, 12, 0, 0);

// biome-ignore lint/suspicious/noExplicitAny: API answers are inspected field by field
type Body = Record<string, any>;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function orgHub() {
  const clock = { t: START };
  const now = () => clock.t;
  const accountIds = Array.from({ length: 12 }, (_, i) => salesforceId('001', i + 1));
  const salesforce = createSalesforceSimulator({ accounts: 12, now, dailyApiLimit: 15_000 });
  const gainsight = createGainsightSimulator({
    companies: 12,
    people: 0,
    activities: 0,
    usageRows: 0,
    surveyResponses: 0,
    sfdcAccountIds: accountIds,
    now,
  });
  const sfServer = await listen(salesforce.app);
  const gsServer = await listen(gainsight.app);
  /** Runs before a Salesforce data call leaves the hub: another integration may spend the org's budget then. */
  let beforeSalesforceCall: ((method: string) => void) | undefined;
  const hubFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin === sfServer.url && url.pathname.startsWith('/services/data/')) {
      beforeSalesforceCall?.(init?.method ?? 'GET');
    }
    return fetch(input, init);
  };
  const t = await createTestHub({
    now,
    fetch: hubFetch,
    sleep: async (ms) => {
      clock.t += ms;
    },
    extraFlows: [pendoBridge],
  });
  cleanups.push(async () => {
    await t.close();
    await Promise.all([sfServer.close(), gsServer.close()]);
  });
  const json = async (method: string, url: string, body?: unknown) => {
    const res = await t.request(method, url, body);
    return { status: res.status, body: (await res.json()) as Body };
  };
  const connect = async (body: Record<string, unknown>) => {
    const res = await json('POST', '/api/connections', body);
    if (res.status !== 201) throw new Error(`connection not created: ${JSON.stringify(res.body)}`);
    return res.body.connection.id as string;
  };
  const connections = {
    salesforce: await connect({
      connectorId: 'salesforce',
      name: 'Salesforce',
      settings: { loginUrl: sfServer.url, clientId: salesforce.credentials.clientId, sandbox: true },
      secrets: { clientSecret: salesforce.credentials.clientSecret, refreshToken: salesforce.credentials.refreshToken },
    }),
    gainsight: await connect({
      connectorId: 'gainsight',
      name: 'Gainsight',
      settings: { domain: gsServer.url, sandbox: true, tenantId: gainsight.credentials.tenantId },
      secrets: { accessKey: gainsight.credentials.accessKey, sharedSecret: gainsight.credentials.sharedSecret },
    }),
  };
  return {
    clock,
    salesforce,
    gainsight,
    connections,
    onSalesforceCall(hook: ((method: string) => void) | undefined) {
      beforeSalesforceCall = hook;
    },
    async create(body: Record<string, unknown>): Promise<string> {
      const res = await json('POST', '/api/pipelines', body);
      if (res.status !== 201) throw new Error(`pipeline refused: ${JSON.stringify(res.body)}`);
      return res.body.pipeline.id as string;
    },
    /** Start a run and wait for its row to say it is over. */
    async run(pipelineId: string): Promise<Body> {
      const started = await json('POST', `/api/pipelines/${pipelineId}/run`);
      for (;;) {
        const { body } = await json('GET', `/api/runs/${started.body.runId}`);
        if (body.run.status !== 'running') return body.run;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
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
    expect(run.error.message).toMatch(/^Salesforce org API limit reached/);
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
