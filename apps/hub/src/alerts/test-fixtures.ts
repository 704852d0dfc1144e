// Test helpers (not exported from the package): a test connector and pipeline kind, a webhook receiver
// and an SMTP server, all on 127.0.0.1 port 0.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTRACT_VERSION, DAY, defineConnector, defineDestination } from '@synchub/core';
import type { LoadedConnector } from '@synchub/registry';
import { SMTPServer } from 'smtp-server';
import { z } from 'zod';
import { definePipelineKind } from '../pipelines/kind.js';
import { createTestHub } from '../test-support.js';
import type { AlertOptions } from './service.js';

/** A connector with a day budget of 10 calls and an event destination; it never calls anything. */
export const testConnector: LoadedConnector = {
  definition: defineConnector({
    id: 'acme',
    name: 'Acme',
    version: '1.0.0',
    contractVersion: CONTRACT_VERSION,
    settings: z.object({ baseUrl: z.string() }),
    secrets: z.object({ apiKey: z.string() }),
    check: async () => ({ summary: 'ok', details: {} }),
    discover: async () => [],
    streams: {},
    writers: {
      events: {
        name: 'events',
        mode: 'upsert',
        batchSize: 10,
        write: async ({ records }) => records.map(() => ({ ok: true })),
      },
    },
    rateLimit: {
      buckets: { api: [{ limit: 10, windowMs: DAY, label: 'day' }] },
      defaultBucket: 'api',
      key: (s) => s.baseUrl,
    },
    destination: defineDestination({
      title: 'Acme events',
      description: 'tracks',
      settings: z.object({}),
      messageTypes: ['track'],
      merge: false,
      map: (message) => ({ records: [{ writer: 'events', record: { event: message.event } }] }),
    }),
  }) as unknown as LoadedConnector['definition'],
  packageName: '@acme/connector',
  packageDir: '/nonexistent',
};

/** Runs fail while `runBehaviour.fail` is set. */
export const runBehaviour = { fail: false };
export const testKind = definePipelineKind({
  kind: 'test.alerts',
  title: 'Test kind',
  description: 'one record, fails on demand',
  group: 'Tests',
  connectorId: 'acme',
  settings: z.strictObject({}),
  defaultSchedule: '0 * * * *',
  async run(run) {
    run.count('read', 1);
    if (runBehaviour.fail) throw new Error('the vendor said no');
    run.count('written', 1);
  },
});

export interface Receiver {
  url: string;
  bodies: Array<Record<string, unknown>>;
  /** The path (and query) of each request, in order. */
  paths: string[];
  /** Answer this status instead of 200 (e.g. 503: down). */
  status: number;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 that keeps every JSON body it gets. */
export async function startReceiver(): Promise<Receiver> {
  const receiver = { bodies: [] as Array<Record<string, unknown>>, paths: [] as string[], status: 200, url: '' };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      receiver.paths.push(req.url ?? '');
      receiver.bodies.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(receiver.status, { 'content-type': 'text/plain' });
      res.end(receiver.status === 200 ? 'ok' : 'unavailable');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/alerts`;
  return Object.assign(receiver, {
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

export interface Mailbox {
  port: number;
  messages: Array<{ from: string; to: string[]; user: string | undefined; raw: string }>;
  close(): Promise<void>;
}

/** An SMTP server on 127.0.0.1 (no TLS) that accepts `user`/`password` and keeps every message. */
export async function startMailbox(user: string, password: string): Promise<Mailbox> {
  const messages: Mailbox['messages'] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => {
        raw += c.toString('utf8');
      });
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export type TestHub = Awaited<ReturnType<typeof createTestHub>>;

/** A hub on a fresh database with the test connector and kind, a connection to it, and a short retry. */
export async function alertHub(clock: { now: number }, dataDir?: string, alerts: AlertOptions = {}) {
  const t = await createTestHub({
    now: () => clock.now,
    kinds: [testKind],
    extraConnectors: [testConnector],
    alerts: { retryDelaysMs: [5, 5], debounceMs: 5, intervalMs: 3_600_000, ...alerts },
    ...(dataDir ? { dataDir } : {}),
  });
  const call = async <T = Record<string, unknown>>(method: string, url: string, body?: unknown) => {
    const res = await t.request(method, url, body);
    return { status: res.status, body: (res.status === 204 ? {} : await res.json()) as T };
  };
  return { ...t, call };
}

export async function addConnection(t: Awaited<ReturnType<typeof alertHub>>, baseUrl = 'https://api.acme.test') {
  const res = await t.call<{ connection: { id: string } }>('POST', '/api/connections', {
    connectorId: 'acme',
    name: `acme ${baseUrl}`,
    settings: { baseUrl },
    secrets: { apiKey: 'k' },
  });
  if (res.status !== 201) throw new Error(`connection not created: ${JSON.stringify(res.body)}`);
  return res.body.connection.id;
}
