import {
  createGainsightSimulator,
  createPendoSimulator,
  createQualtricsSimulator,
  createSalesforceSimulator,
  listen,
  type RunningServer,
  salesforceId,
} from '@synchub/sandbox';
import type { Hub } from './hub.js';
import { demoGsids, demoSfdcAccountIds, setUpDemoPulls } from './pulls/demo.js';

export interface Demo {
  servers: Record<'gainsight' | 'salesforce' | 'pendo' | 'qualtrics', RunningServer>;
  writeKey: string;
  close(): Promise<void>;
}

const DEMO = {
  source: 'Demo source',
  destination: 'Demo Gainsight destination',
  connections: {
    gainsight: 'Demo Gainsight',
    salesforce: 'Demo Salesforce',
    pendo: 'Demo Pendo',
    qualtrics: 'Demo Qualtrics',
  },
} as const;

/**
 * Demo mode: the four vendor simulators run inside the hub process (127.0.0.1, fresh ports each start)
 * with seeded data, and sandbox connections, a Gainsight destination and a source point at them, so every
 * flow works without a vendor account. Re-running updates the same named objects to the new ports.
 */
export async function startDemo(hub: Hub): Promise<Demo> {
  const gainsight = createGainsightSimulator({
    companies: 40,
    people: 120,
    activities: 400,
    usageRows: 2000,
    sfdcAccountIds: demoSfdcAccountIds(40),
  });
  const salesforce = createSalesforceSimulator({ accounts: 40, gsids: demoGsids(gainsight) });
  // Pendo knows the same accounts by their Salesforce Id (the bridge's 1:1 key).
  const pendo = createPendoSimulator({ accountIds: Array.from({ length: 40 }, (_, i) => salesforceId('001', i + 1)) });
  const qualtrics = createQualtricsSimulator({ surveys: 3, responsesPerSurvey: 25 });
  const servers = {
    gainsight: await listen(gainsight.app),
    salesforce: await listen(salesforce.app),
    pendo: await listen(pendo.app),
    qualtrics: await listen(qualtrics.app),
  };

  const wanted = [
    {
      connectorId: 'gainsight',
      name: DEMO.connections.gainsight,
      settings: { domain: servers.gainsight.url, sandbox: true, tenantId: gainsight.credentials.tenantId },
      secrets: { accessKey: gainsight.credentials.accessKey, sharedSecret: gainsight.credentials.sharedSecret },
    },
    {
      connectorId: 'salesforce',
      name: DEMO.connections.salesforce,
      settings: { loginUrl: servers.salesforce.url, clientId: salesforce.credentials.clientId, sandbox: true },
      secrets: { clientSecret: salesforce.credentials.clientSecret, refreshToken: salesforce.credentials.refreshToken },
    },
    {
      connectorId: 'pendo',
      name: DEMO.connections.pendo,
      settings: { region: 'us', baseUrl: servers.pendo.url, sandbox: true },
      secrets: { integrationKey: pendo.credentials.integrationKey },
    },
    {
      connectorId: 'qualtrics',
      name: DEMO.connections.qualtrics,
      settings: {
        baseUrl: servers.qualtrics.url,
        triggerUrl: `${servers.qualtrics.url}${qualtrics.credentials.triggerPath}`,
        username: qualtrics.credentials.username,
        sandbox: true,
      },
      secrets: { apiToken: qualtrics.credentials.apiToken },
    },
  ];
  const existing = await hub.connections.list();
  const ids: Record<string, string> = {};
  for (const c of wanted) {
    const found = existing.find((e) => e.name === c.name);
    const saved = found
      ? await hub.connections.update(found.id, { settings: c.settings, secrets: c.secrets })
      : await hub.connections.create(c);
    ids[c.connectorId] = saved.id;
  }

  const destinationSettings = {
    topicName: 'product',
    eventVersions: [
      { event: 'Onboarding Completed', version: 'v01' },
      { event: 'Feature Used', eventName: 'Product Event', version: 'v01' },
    ],
    flushWindowMs: 1000,
  };
  const destination =
    (await hub.destinations.list()).find((d) => d.name === DEMO.destination) ??
    (await hub.destinations.create({
      name: DEMO.destination,
      kind: 'gainsight',
      connectionId: ids.gainsight ?? '',
      settings: destinationSettings,
    }));
  const source = (await hub.sources.list()).find((s) => s.name === DEMO.source);
  // Write keys are shown once: a restarted demo gets a fresh key for its source.
  const writeKey = source
    ? (await hub.sources.rotateKey(source.id)).writeKey
    : (await hub.sources.create({ name: DEMO.source, destinationId: destination.id })).writeKey;

  await setUpDemoPulls(hub, { gainsight: ids.gainsight ?? '', salesforce: ids.salesforce ?? '' });

  return {
    servers,
    writeKey,
    async close() {
      await Promise.all(Object.values(servers).map((s) => s.close()));
    },
  };
}

/** A few calls of every kind through the hub's own ingest API, so the Events page has something to show. */
export async function sendDemoEvents(hubUrl: string, writeKey: string): Promise<void> {
  const people = ['ada@acme.io', 'grace@globex.io', 'alan@initech.io'];
  const batch = [
    ...people.map((email, i) => ({
      type: 'identify',
      userId: `u${i}`,
      traits: { email, firstName: email.split('@')[0] },
    })),
    ...people.map((email, i) => ({
      type: 'group',
      userId: `u${i}`,
      groupId: `g${i}`,
      traits: { name: ['Acme', 'Globex', 'Initech'][i], employees: 100 * (i + 1) },
      context: { traits: { email } },
    })),
    { type: 'track', userId: 'u0', event: 'Onboarding Completed', properties: { step: 5 } },
    { type: 'track', userId: 'u1', event: 'Feature Used', properties: { feature: 'reports' } },
    { type: 'identify', userId: 'u9', traits: { firstName: 'No Email' } },
  ];
  const res = await fetch(`${hubUrl}/v1/batch`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
    },
    body: JSON.stringify({ batch }),
  });
  if (!res.ok) throw new Error(`Demo events were refused: ${res.status} ${await res.text()}`);
}
