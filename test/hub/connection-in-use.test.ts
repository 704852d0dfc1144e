import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Bridge, createBridge, WORKSPACE_FLOWS_DIR } from './vendor-fixtures.js';

/**
 * A connection in use cannot be deleted (409 listing what uses it: pipelines by their own connection or a
 * setting naming it, destinations, Gainsight pulls' primary CRM, Qualtrics triggers), and a pipeline can be
 * moved to another connection. Over real HTTP against the Salesforce, Pendo and Gainsight simulators.
 */

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions themselves
type Json = Record<string, any>;

let b: Bridge;
beforeEach(async () => {
  // The Salesforce → Pendo leg comes from the workspace's flow packages (packages/flows/pendo-bridge).
  b = await createBridge({ hub: { workspaceFlows: WORKSPACE_FLOWS_DIR } });
});
afterEach(() => b.close());

const call = async (method: string, url: string, body?: unknown) => {
  const res = await b.t.request(method, url, body);
  return { status: res.status, body: (res.status === 204 ? {} : await res.json()) as Json };
};

const ACCOUNTS_TO_COMPANIES = [
  { from: 'Name', to: 'Name' },
  { from: 'Id', to: 'SfdcAccountId' },
];

/** A sync Salesforce → Gainsight and the Salesforce → Pendo leg: both name two connections. */
async function twoPipelines() {
  const sync = await b.create({
    kind: 'sync',
    name: 'Accounts to Gainsight',
    connectionId: b.connections.salesforce,
    settings: {
      stream: 'accounts',
      destinationConnectionId: b.connections.gainsight,
      writer: 'company_upsert',
      mapping: ACCOUNTS_TO_COMPANIES,
      key: 'Name',
    },
  });
  expect(sync.body.error).toBeUndefined();
  const leg = await b.create({
    kind: 'salesforce.to_pendo',
    name: 'Salesforce to Pendo',
    connectionId: b.connections.salesforce,
    settings: { targetConnectionId: b.connections.pendo, fieldMap: [{ from: 'Customer_Tier__c', to: 'tier' }] },
  });
  expect(leg.body.error).toBeUndefined();
  return { sync: sync.body.pipeline.id, leg: leg.body.pipeline.id };
}

/** A second Salesforce connection to the same org (a replacement), or with a refresh token it refuses. */
async function anotherSalesforce(name: string, refreshToken = b.salesforce.credentials.refreshToken) {
  const first = (await call('GET', `/api/connections/${b.connections.salesforce}`)).body.connection;
  const res = await call('POST', '/api/connections', {
    connectorId: 'salesforce',
    name,
    settings: first.settings,
    secrets: { clientSecret: b.salesforce.credentials.clientSecret, refreshToken },
  });
  expect(res.status).toBe(201);
  return res.body.connection.id as string;
}

describe('deleting a connection in use', () => {
  it('answers 409 listing every pipeline, destination, primary-CRM setting and Qualtrics trigger that uses it', async () => {
    const { sync, leg } = await twoPipelines();
    const destination = await call('POST', '/api/destinations', {
      name: 'Product events',
      kind: 'gainsight',
      connectionId: b.connections.gainsight,
      settings: { topicName: 'product', eventVersions: [] },
    });
    expect(destination.status).toBe(201);
    const common = await call('PUT', `/api/pulls/${b.connections.gainsight}/common`, {
      primaryConnectionId: b.connections.salesforce,
    });
    expect(common.status).toBe(200);
    const qualtrics = await call('POST', '/api/connections', {
      connectorId: 'qualtrics',
      name: 'Qualtrics',
      settings: { baseUrl: 'http://127.0.0.1:9', sandbox: true },
      secrets: { apiToken: 'qualtrics-token-0000' },
    });
    const trigger = await call('POST', '/api/qualtrics/triggers', {
      name: 'Renewal survey',
      connectionId: qualtrics.body.connection.id,
    });
    expect(trigger.status).toBe(201);

    const salesforce = await call('DELETE', `/api/connections/${b.connections.salesforce}`);
    expect(salesforce.status).toBe(409);
    expect(salesforce.body.error).toEqual({
      code: 'conflict',
      message:
        'Connection “Salesforce” is in use by pipeline “Accounts to Gainsight”, pipeline “Salesforce to Pendo”, Gainsight pulls (primary CRM) of “Gainsight”: move them to another connection or delete them first',
      usedBy: [
        { type: 'pipeline', id: sync, name: 'Accounts to Gainsight', via: 'connectionId' },
        { type: 'pipeline', id: leg, name: 'Salesforce to Pendo', via: 'connectionId' },
        {
          type: 'gainsight_pulls',
          id: b.connections.gainsight,
          name: 'Gainsight',
          via: 'primaryConnectionId',
          // A flow plugin's service reports it (FlowService.connectionUses), with how the message names it.
          label: 'Gainsight pulls (primary CRM) of',
        },
      ],
    });
    const gainsight = await call('DELETE', `/api/connections/${b.connections.gainsight}`);
    expect(gainsight.status).toBe(409);
    expect(gainsight.body.error.usedBy).toEqual([
      { type: 'pipeline', id: sync, name: 'Accounts to Gainsight', via: 'settings.destinationConnectionId' },
      { type: 'destination', id: destination.body.destination.id, name: 'Product events', via: 'connectionId' },
    ]);
    const pendo = await call('GET', `/api/connections/${b.connections.pendo}/usage`);
    expect(pendo.body).toEqual({
      usedBy: [{ type: 'pipeline', id: leg, name: 'Salesforce to Pendo', via: 'settings.targetConnectionId' }],
    });
    const q = await call('DELETE', `/api/connections/${qualtrics.body.connection.id}`);
    expect(q.status).toBe(409);
    expect(q.body.error.usedBy).toEqual([
      {
        type: 'qualtrics_trigger',
        id: trigger.body.trigger.id,
        name: 'Renewal survey',
        via: 'connectionId',
        label: 'Qualtrics workflow trigger',
      },
    ]);

    // Nothing was deleted: every connection and pipeline is still there, still scheduled.
    expect((await call('GET', '/api/connections')).body.connections).toHaveLength(4);
    expect((await call('GET', `/api/pipelines/${sync}`)).body.pipeline).toMatchObject({ enabled: true });

    // Once nothing uses it, it goes.
    expect((await call('DELETE', `/api/pipelines/${leg}`)).status).toBe(204);
    expect((await call('DELETE', `/api/connections/${b.connections.pendo}`)).status).toBe(204);
    expect((await call('GET', `/api/connections/${b.connections.pendo}/usage`)).status).toBe(404);
  });
});

describe("changing a pipeline's connection", () => {
  it('PATCH connectionId moves a pipeline to a replacement connection; the old one can then go and the run works', async () => {
    const { sync, leg } = await twoPipelines();
    const replacement = await anotherSalesforce('Salesforce (new)');
    for (const id of [sync, leg]) {
      const moved = await call('PATCH', `/api/pipelines/${id}`, { connectionId: replacement });
      expect(moved.status).toBe(200);
      expect(moved.body.pipeline.connectionId).toBe(replacement);
    }
    expect((await call('DELETE', `/api/connections/${b.connections.salesforce}`)).status).toBe(204);

    const before = b.salesforce.control.requests.length;
    const run = await b.run(sync);
    expect(run).toMatchObject({ status: 'completed', error: null });
    expect(run.counts).toMatchObject({ read: b.accountIds.length, failed: 0 });
    expect(b.salesforce.control.requests.length).toBeGreaterThan(before);
  });

  it('refuses an unknown connection, one of the wrong connector, and one the kind cannot use (its checks re-run)', async () => {
    const { leg } = await twoPipelines();
    const issues = async (connectionId: string) => {
      const res = await call('PATCH', `/api/pipelines/${leg}`, { connectionId });
      expect(res.status).toBe(400);
      return res.body.error.issues as Json[];
    };
    expect(await issues('no-such-connection')).toEqual([{ path: 'connectionId', message: 'unknown connection' }]);
    expect(await issues(b.connections.pendo)).toEqual([
      { path: 'connectionId', message: expect.stringMatching(/needs a salesforce connection, not pendo/) },
    ]);
    const refused = await anotherSalesforce('Salesforce (revoked)', 'revoked-refresh-token');
    expect(await issues(refused)).toEqual([
      { path: 'connectionId', message: expect.stringMatching(/^Describing the Salesforce Account: /) },
    ]);
    expect((await call('GET', `/api/pipelines/${leg}`)).body.pipeline.connectionId).toBe(b.connections.salesforce);
  });
});
