import {
  createGainsightSimulator,
  createSalesforceSimulator,
  type GainsightSimulatorOptions,
  listen,
  type RunningServer,
  type SalesforceSimulatorOptions,
  salesforceId,
} from '@synchub/sandbox';
import type { Hub, HubOptions } from '@synchub/hub';
import { createTestHub } from '@synchub/hub/testing';
import plugin from './index.js';

/** A hub in a temp dir with this plugin loaded the way the hub loads any flow plugin (and no other flow). */
export const pluginHub = (options: Partial<HubOptions> = {}) => createTestHub({ extraFlows: [plugin], ...options });

// biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field
type Body = Record<string, any>;
type RunView = Awaited<Awaited<ReturnType<Hub['runner']['start']>>['done']>;

/**
 * A hub with a Gainsight and a Salesforce simulator whose data line up, for the pull tests:
 * company i ↔ account i. Accounts with i % 4 === 3 have no GSID field value; company 3 still links
 * through its SfdcAccountId, company 7 does not (unmatched), and companies past the accounts have none.
 */
export async function pullHub(
  options: {
    companies?: number;
    accounts?: number;
    gainsight?: GainsightSimulatorOptions;
    salesforce?: SalesforceSimulatorOptions;
    /** Leave out the Salesforce connection (gate tests). */
    withoutSalesforce?: boolean;
  } = {},
) {
  const companies = options.companies ?? 10;
  const accounts = options.accounts ?? 8;
  const gainsight = createGainsightSimulator({
    companies,
    people: 5,
    activities: 120,
    surveyResponses: 60,
    usageRows: 200,
    sfdcAccountIds: Array.from({ length: companies }, (_, i) => (i === 3 ? salesforceId('001', 4) : '')).map(
      (id, i) => id || `001${String(i).padStart(12, '0')}ZZZ`,
    ),
    limits: { syncPerMinute: 10_000, syncPerDay: 100_000 },
    ...options.gainsight,
  });
  const gsids = gainsight.state.rows('company').map((c, i) => (i % 4 === 3 ? null : String(c.Gsid)));
  const salesforce = createSalesforceSimulator({ accounts, gsids, pageSize: 3, ...options.salesforce });
  const servers: RunningServer[] = [await listen(gainsight.app), await listen(salesforce.app)];
  const [gsServer, sfServer] = servers as [RunningServer, RunningServer];
  const t = await pluginHub();
  const post = async (url: string, body: unknown) => {
    const res = await t.request('POST', url, body);
    return { status: res.status, body: (await res.json()) as Body };
  };
  const gs = await post('/api/connections', {
    connectorId: 'gainsight',
    name: 'Gainsight',
    settings: { domain: gsServer.url, sandbox: true },
    secrets: { accessKey: gainsight.credentials.accessKey },
  });
  const sf = options.withoutSalesforce
    ? undefined
    : await post('/api/connections', {
        connectorId: 'salesforce',
        name: 'Salesforce',
        settings: { loginUrl: sfServer.url, clientId: salesforce.credentials.clientId, sandbox: true },
        secrets: {
          clientSecret: salesforce.credentials.clientSecret,
          refreshToken: salesforce.credentials.refreshToken,
        },
      });

  const api = {
    ...t,
    gainsight,
    salesforce,
    gsServer,
    sfServer,
    gsConnectionId: gs.body.connection.id as string,
    sfConnectionId: sf?.body.connection.id as string,
    post,
    async json(method: string, url: string, body?: unknown) {
      const res = await t.request(method, url, body);
      return { status: res.status, body: (await res.json()) as Body };
    },
    /** Create a pipeline; answers the API's status and body. */
    async pipeline(kind: string, settings: Record<string, unknown> = {}, name = kind, connectionId?: string) {
      const connection = connectionId ?? (kind.startsWith('salesforce.') ? api.sfConnectionId : api.gsConnectionId);
      return post('/api/pipelines', { kind, name, connectionId: connection, settings });
    },
    /** Create a pipeline that must be valid; answers its id. */
    async create(kind: string, settings: Record<string, unknown> = {}, name = kind): Promise<string> {
      const res = await api.pipeline(kind, settings, name);
      if (res.status !== 201) throw new Error(`pipeline ${kind} refused: ${JSON.stringify(res.body)}`);
      return res.body.pipeline.id as string;
    },
    async run(pipelineId: string): Promise<RunView> {
      const { done } = await t.hub.runner.start(pipelineId, 'manual');
      return done;
    },
    /** Wait until none of these pipelines is running. */
    async settle(ids: string[]) {
      while (ids.some((id) => t.hub.runner.isRunning(id))) await new Promise((r) => setTimeout(r, 20));
    },
    /** Sync the primary CRM's accounts (what every Gainsight pull waits for). */
    async syncAccounts(): Promise<string> {
      const id = await api.create('salesforce.accounts');
      const run = await api.run(id);
      if (run.status !== 'completed') throw new Error(`accounts sync failed: ${JSON.stringify(run.error)}`);
      return id;
    },
    count: async (table: 'accounts' | 'cs_companies' | 'activities' | 'survey_responses' | 'usage_metrics') =>
      Number(
        (
          await t.hub.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    async close() {
      await t.close();
      await Promise.all(servers.map((s) => s.close()));
    },
  };
  return api;
}

export type PullHub = Awaited<ReturnType<typeof pullHub>>;
