import {
  createGainsightSimulator,
  createPendoSimulator,
  createSalesforceSimulator,
  type GainsightSimulatorOptions,
  listen,
  type PendoSimulatorOptions,
  type RunningServer,
  type SalesforceSimulatorOptions,
  salesforceId,
} from '@synchub/sandbox';
import type { HubOptions } from '@synchub/hub';
import { createTestHub, type TestHub } from '@synchub/hub/testing';
import pendoBridge from './index.js';

/*
 * Salesforce, Pendo and Gainsight simulators and a hub connected to each: the bridge legs' tests here, and
 * (through test/hub/vendor-fixtures.ts, which imports this file by path) the hub's own tests that need
 * real vendors without this package's flows.
 */

/** The hub's clock and the simulators' in bridge tests: a fixed noon, so "the run date" is known. */
export const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
export const RUN_DATE = '2026-11-23';

/** Pendo-only accounts: one whose id is no Salesforce id at all, one that looks like one but is not in the org. */
export const PENDO_ONLY = ['acct-trial-0001', salesforceId('001', 999)];

/** Usage measures a customer adds to the Gainsight usage data object for the recipe. */
export const USAGE_FIELDS = [
  { fieldName: 'PendoVisitors__gc', dataType: 'NUMBER' as const, label: 'Pendo visitors' },
  { fieldName: 'PendoMinutes__gc', dataType: 'NUMBER' as const, label: 'Pendo minutes' },
  { fieldName: 'PendoLastVisit__gc', dataType: 'DATETIME' as const, label: 'Pendo last visit' },
  { fieldName: 'PendoNote__gc', dataType: 'STRING' as const, label: 'Pendo note' },
  {
    fieldName: 'Tier__gc',
    dataType: 'PICKLIST' as const,
    label: 'Tier',
    picklist: ['Enterprise', 'Mid-Market', 'SMB'],
  },
];

export interface Bridge {
  /** The hub, as `createTestHub` gives it (a new one after `restart()`). */
  readonly t: TestHub;
  salesforce: ReturnType<typeof createSalesforceSimulator>;
  pendo: ReturnType<typeof createPendoSimulator>;
  gainsight: ReturnType<typeof createGainsightSimulator>;
  /** Salesforce Account ids, in seed order (Pendo accounts and Gainsight companies use them too). */
  accountIds: string[];
  connections: { salesforce: string; pendo: string; gainsight: string };
  /** The simulators' base URLs, e.g. for a `fetch` given in `hub` that watches one vendor's calls. */
  urls: { salesforce: string; pendo: string; gainsight: string };
  /** POST /api/pipelines; answers status and body. */
  create(body: Record<string, unknown>): Promise<{ status: number; body: CreateAnswer }>;
  /** Start a run and wait for it to finish. */
  run(pipelineId: string): Promise<RunAnswer>;
  /** Stop the hub and start a new one with the same options (on the same data when `hub.dataDir` is given). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface CreateAnswer {
  pipeline: { id: string; schedule: string; settings: Record<string, unknown> };
  error?: { code: string; message: string; issues: Array<{ path: string; message: string }> };
}

export interface RunAnswer {
  status: string;
  counts: { read: number; written: number; skipped: number; failed: number; reasons: Record<string, number> };
  details: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  cursorAfter: string | null;
}

export interface BridgeOptions {
  accounts?: number;
  /** The hub's and the simulators' clock; a fixed NOW by default. */
  now?: () => number;
  salesforce?: SalesforceSimulatorOptions;
  pendo?: PendoSimulatorOptions;
  gainsight?: GainsightSimulatorOptions;
  /** More hub options (e.g. `fetch`, `sleep`, `dataDir`, or `workspaceFlows` to load the workspace's flows). */
  hub?: Partial<HubOptions>;
  /** Load this package's flows into the hub (as any plugin's): default true; false gives the hub's own kinds. */
  loadBridge?: boolean;
}

/**
 * Three simulators that line up as a real tenant would: Pendo account ids are Salesforce Account ids
 * (plus two Pendo-only accounts), and every Gainsight company's SfdcAccountId is one of them. The hub
 * has a connection to each, over real HTTP.
 */
export async function createBridge(options: BridgeOptions = {}): Promise<Bridge> {
  const count = options.accounts ?? 12;
  const accountIds = Array.from({ length: count }, (_, i) => salesforceId('001', i + 1));
  const now = options.now ?? (() => NOW);
  const salesforce = createSalesforceSimulator({ accounts: count, now, ...options.salesforce });
  const pendo = createPendoSimulator({ accountIds: [...accountIds, ...PENDO_ONLY], now, ...options.pendo });
  const gainsight = createGainsightSimulator({
    companies: count,
    people: 0,
    activities: 0,
    usageRows: 0,
    surveyResponses: 0,
    sfdcAccountIds: accountIds,
    extraFields: { product_usage__gc: USAGE_FIELDS },
    registeredEvents: [{ eventName: 'System Asset Event', eventVersion: 'v01' }],
    now,
    ...options.gainsight,
  });
  const servers: RunningServer[] = [await listen(salesforce.app), await listen(pendo.app), await listen(gainsight.app)];
  const [sfServer, pendoServer, gsServer] = servers as [RunningServer, RunningServer, RunningServer];
  const loadBridge = options.loadBridge ?? true;
  // The hub loads this package's definition like any plugin's (the workspace's flow folder is not scanned).
  const start = async () => {
    const hub = await createTestHub({ now, ...(loadBridge ? { extraFlows: [pendoBridge] } : {}), ...options.hub });
    if (!loadBridge) return hub;
    const kinds = await hub.request('GET', '/api/pipelines/kinds');
    const offered = ((await kinds.json()) as { kinds: Array<{ kind: string }> }).kinds;
    const missing = (pendoBridge.kinds ?? []).filter((k) => !offered.some((o) => o.kind === k.kind));
    if (missing.length > 0) {
      await hub.close();
      throw new Error(
        `the hub did not take ${missing.map((k) => k.kind).join(', ')}: ${JSON.stringify(hub.hub.plugins.problems)}`,
      );
    }
    return hub;
  };
  let t = await start();
  const connect = async (body: Record<string, unknown>) => {
    const res = await t.request('POST', '/api/connections', body);
    const json = (await res.json()) as { connection: { id: string } };
    if (res.status !== 201) throw new Error(`connection not created: ${JSON.stringify(json)}`);
    return json.connection.id;
  };
  const connections = {
    salesforce: await connect({
      connectorId: 'salesforce',
      name: 'Salesforce',
      settings: { loginUrl: sfServer.url, clientId: salesforce.credentials.clientId, sandbox: true },
      secrets: { clientSecret: salesforce.credentials.clientSecret, refreshToken: salesforce.credentials.refreshToken },
    }),
    pendo: await connect({
      connectorId: 'pendo',
      name: 'Pendo',
      settings: { baseUrl: pendoServer.url, sandbox: true },
      secrets: { integrationKey: pendo.credentials.integrationKey },
    }),
    gainsight: await connect({
      connectorId: 'gainsight',
      name: 'Gainsight',
      settings: { domain: gsServer.url, sandbox: true, tenantId: gainsight.credentials.tenantId },
      secrets: { accessKey: gainsight.credentials.accessKey, sharedSecret: gainsight.credentials.sharedSecret },
    }),
  };
  return {
    get t() {
      return t;
    },
    salesforce,
    pendo,
    gainsight,
    accountIds,
    connections,
    urls: { salesforce: sfServer.url, pendo: pendoServer.url, gainsight: gsServer.url },
    async create(body) {
      const res = await t.request('POST', '/api/pipelines', body);
      return { status: res.status, body: (await res.json()) as CreateAnswer };
    },
    async run(pipelineId) {
      const started = await t.request('POST', `/api/pipelines/${pipelineId}/run`);
      if (started.status !== 202) throw new Error(`run not started: ${await started.text()}`);
      const { runId } = (await started.json()) as { runId: number };
      // The run goes on in the background; its row says when it is over.
      for (;;) {
        const { run } = (await (await t.request('GET', `/api/runs/${runId}`)).json()) as { run: RunAnswer };
        if (run.status !== 'running') return run;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async restart() {
      await t.close();
      t = await start();
    },
    async close() {
      await t.close();
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}

/** The issues of a refused save, as `path: message` lines. */
export const issuesOf = (answer: CreateAnswer) => (answer.error?.issues ?? []).map((i) => `${i.path}: ${i.message}`);
