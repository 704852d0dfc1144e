import {
  createPendoSimulator,
  createSalesforceSimulator,
  listen,
  type RunningServer,
  salesforceId,
} from '@synchub/sandbox';
import type { Harness } from './harness.js';

// The Pendo and Salesforce simulators lined up as a real tenant (Pendo account ids are the Salesforce Account
// ids, plus any Pendo-only ones), listening on 127.0.0.1, and the hub connections that reach them.

export interface PendoSalesforce {
  salesforce: ReturnType<typeof createSalesforceSimulator>;
  pendo: ReturnType<typeof createPendoSimulator>;
  /** The Salesforce Account ids (Pendo knows them too). */
  accounts: string[];
  /** Adds a connection to the Salesforce simulator to the hub; its id. */
  connectSalesforce(harness: Harness, name?: string): Promise<string>;
  /** Adds a connection to the Pendo simulator to the hub; its id. */
  connectPendo(harness: Harness, name?: string): Promise<string>;
  /** Adds the connections "Salesforce sandbox" and "Pendo sandbox" to the hub; their ids. */
  connect(harness: Harness): Promise<{ salesforce: string; pendo: string }>;
  /**
   * Creates a Pendo → Salesforce pipeline over the connections `connect` made (one Pendo measure to one
   * Pendo_ field); its id. Throws with the hub's answer when it is refused.
   */
  pipeline(
    harness: Harness,
    connections: { salesforce: string; pendo: string },
    options: { name: string; from: string; to: string; schedule?: string },
  ): Promise<string>;
  close(): Promise<void>;
}

/** POSTs a connection; its id, or an error with the hub's answer when it is refused. */
async function createConnection(harness: Harness, connection: Record<string, unknown>): Promise<string> {
  const answer = await harness.api<{ connection: { id: string } }>('POST', '/api/connections', connection);
  if (answer.status !== 201) throw new Error(`connection refused: ${JSON.stringify(answer.body)}`);
  return answer.body.connection.id;
}

export async function startPendoSalesforce(accountCount: number, pendoOnly: string[] = []): Promise<PendoSalesforce> {
  const accounts = Array.from({ length: accountCount }, (_, i) => salesforceId('001', i + 1));
  const salesforce = createSalesforceSimulator({ accounts: accounts.length });
  const pendo = createPendoSimulator({ accountIds: [...accounts, ...pendoOnly] });
  const servers: RunningServer[] = [await listen(salesforce.app), await listen(pendo.app)];
  const connectSalesforce: PendoSalesforce['connectSalesforce'] = (harness, name = 'Salesforce sandbox') =>
    createConnection(harness, {
      connectorId: 'salesforce',
      name,
      settings: { loginUrl: servers[0]!.url, clientId: salesforce.credentials.clientId, sandbox: true },
      secrets: {
        clientSecret: salesforce.credentials.clientSecret,
        refreshToken: salesforce.credentials.refreshToken,
      },
    });
  const connectPendo: PendoSalesforce['connectPendo'] = (harness, name = 'Pendo sandbox') =>
    createConnection(harness, {
      connectorId: 'pendo',
      name,
      settings: { baseUrl: servers[1]!.url, sandbox: true },
      secrets: { integrationKey: pendo.credentials.integrationKey },
    });
  return {
    salesforce,
    pendo,
    accounts,
    connectSalesforce,
    connectPendo,
    async connect(harness) {
      return { salesforce: await connectSalesforce(harness), pendo: await connectPendo(harness) };
    },
    async pipeline(harness, connections, { name, from, to, schedule }) {
      const created = await harness.api<{ pipeline: { id: string } }>('POST', '/api/pipelines', {
        kind: 'pendo.to_salesforce',
        name,
        connectionId: connections.pendo,
        ...(schedule ? { schedule } : {}),
        settings: { targetConnectionId: connections.salesforce, fieldMap: [{ from, to }] },
      });
      if (created.status !== 201) throw new Error(`pipeline refused: ${JSON.stringify(created.body)}`);
      return created.body.pipeline.id;
    },
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
