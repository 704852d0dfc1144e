import {
  createGainsightSimulator,
  createPendoSimulator,
  createQualtricsSimulator,
  createSalesforceSimulator,
  type GainsightState,
  listen,
  type RunningServer,
  type Simulator,
  salesforceId,
} from '@synchub/sandbox';
import type { Hub } from './hub.js';

export interface Demo {
  servers: Record<'gainsight' | 'salesforce' | 'pendo' | 'qualtrics', RunningServer>;
  /** The demo source's write key: the same on every start of the same data folder. */
  writeKey: string;
  /** Whether this start created the demo source (a first start: the sample events are still to send). */
  created: boolean;
  close(): Promise<void>;
}

/** Where the demo keeps its source's write key (meta table): demo data only, so it may stay readable. */
const WRITE_KEY_META = 'demo_source_write_key';

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
  const { writeKey, created } = await demoWriteKey(hub, destination.id);

  await setUpDemoPulls(hub, { gainsight: ids.gainsight ?? '', salesforce: ids.salesforce ?? '' });

  return {
    servers,
    writeKey,
    created,
    async close() {
      await Promise.all(Object.values(servers).map((s) => s.close()));
    },
  };
}

/**
 * The demo source's write key, kept across restarts so an SDK pointed at the demo keeps working. Other
 * sources' keys are stored only as hashes; the demo's is kept as is (demo data, printed at every start).
 * A source whose key no longer matches the kept one (rotated in the dashboard) gets a new one.
 */
async function demoWriteKey(hub: Hub, destinationId: string): Promise<{ writeKey: string; created: boolean }> {
  const keep = async (key: string) => {
    await hub.db
      .insertInto('meta')
      .values({ key: WRITE_KEY_META, value: key })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: key }))
      .execute();
    return key;
  };
  const source = (await hub.sources.list()).find((s) => s.name === DEMO.source);
  if (!source) {
    const { writeKey } = await hub.sources.create({ name: DEMO.source, destinationId });
    return { writeKey: await keep(writeKey), created: true };
  }
  const kept = await hub.db.selectFrom('meta').select('value').where('key', '=', WRITE_KEY_META).executeTakeFirst();
  if (kept && (await hub.sources.authenticate(kept.value)) === source.id)
    return { writeKey: kept.value, created: false };
  return { writeKey: await keep((await hub.sources.rotateKey(source.id)).writeKey), created: false };
}

/**
 * Demo data that lines up: company i ↔ account i. Companies carry their account's Id in SfdcAccountId
 * (the direct link the company pull records) and most accounts carry their company's GSID in
 * Gainsight_GSID__c (the fallback match: every fifth has none). Companies 9, 19, 29, 39 have neither,
 * so the runs show unmatched records with their reason.
 */
export function demoSfdcAccountIds(companies: number): string[] {
  return Array.from({ length: companies }, (_, i) =>
    i % 10 === 9 ? `001${String(i).padStart(12, '0')}ZZZ` : salesforceId('001', i + 1),
  );
}

export function demoGsids(gainsight: Simulator<GainsightState>): Array<string | null> {
  return gainsight.state.rows('company').map((c, i) => (i % 5 === 4 ? null : String(c.Gsid)));
}

const ACCOUNTS_KIND = 'salesforce.accounts';
const PULLS = [
  { kind: ACCOUNTS_KIND, name: 'Demo Salesforce accounts', settings: {} },
  { kind: 'gainsight.company', name: 'Demo Gainsight companies', settings: {} },
  { kind: 'gainsight.activity', name: 'Demo Gainsight activities', settings: {} },
  { kind: 'gainsight.surveys', name: 'Demo Gainsight surveys', settings: {} },
  {
    kind: 'gainsight.usage',
    name: 'Demo Gainsight product usage',
    settings: {
      object: 'product_usage__gc',
      periodField: 'UsageDate__gc',
      aggregate: {
        enabled: true,
        aggregateKey: 'GsCompanyId',
        metricNameField: 'MetricName__gc',
        metricValueField: 'MetricValue__gc',
        dimensionKey: 'Module__gc',
        extraValueFields: ['ActiveUsers__gc'],
      },
    },
  },
] as const;

/**
 * The accounts sync and the four Gainsight pulls (plugin @synchub/flow-gainsight-pulls) for the demo
 * connections, kept if they exist (none without the plugin). The demo's one Salesforce
 * connection is the Gainsight pulls' primary CRM. The accounts sync runs once now if it never
 * completed, so the Gainsight pulls are not gated in the demo.
 */
async function setUpDemoPulls(hub: Hub, ids: { gainsight: string; salesforce: string }): Promise<void> {
  const existing = await hub.pipelines.list();
  let accountsId: string | undefined;
  for (const pull of PULLS) {
    const connectionId = pull.kind === ACCOUNTS_KIND ? ids.salesforce : ids.gainsight;
    const found = existing.find((p) => p.name === pull.name);
    const id =
      found?.id ??
      (await hub.pipelines.create({ ...pull, connectionId }).then(
        (p) => p.id,
        (error: unknown) => {
          hub.logger.warn('Demo pull not created (is the Gainsight pulls plugin loaded?)', { kind: pull.kind, error });
          return undefined;
        },
      ));
    if (pull.kind === ACCOUNTS_KIND) accountsId = id;
  }
  if (!accountsId) return;
  const completed = await hub.db
    .selectFrom('runs')
    .select('id')
    .where('pipeline_id', '=', accountsId)
    .where('status', '=', 'completed')
    .executeTakeFirst();
  if (!completed) {
    const run = await (await hub.runner.start(accountsId, 'startup')).done;
    if (run.status !== 'completed') hub.logger.warn('Demo accounts sync failed', { error: run.error });
  }
}

/**
 * A few calls of every kind through the hub's own ingest API, so the Events page has something to show.
 * Fixed messageIds: sent twice, they are stored once (the hub deduplicates per source). The group calls
 * are Segment's standard ones, naming only the userId: the hub finds the email from the identify calls.
 */
export async function sendDemoEvents(hubUrl: string, writeKey: string): Promise<void> {
  const people = ['ada@acme.io', 'grace@globex.io', 'alan@initech.io'];
  const batch = [
    ...people.map((email, i) => ({
      type: 'identify',
      userId: `u${i}`,
      traits: { email, firstName: email.split('@')[0] },
    })),
    ...people.map((_, i) => ({
      type: 'group',
      userId: `u${i}`,
      groupId: `g${i}`,
      traits: { name: ['Acme', 'Globex', 'Initech'][i], employees: 100 * (i + 1) },
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
    body: JSON.stringify({ batch: batch.map((m, i) => ({ ...m, messageId: `demo-sample-${i + 1}` })) }),
  });
  if (!res.ok) throw new Error(`Demo events were refused: ${res.status} ${await res.text()}`);
}
