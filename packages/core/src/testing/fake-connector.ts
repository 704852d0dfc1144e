// The suite's own test double (not exported): a tiny vendor on node:http and a connector for it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import {
  type ConnectorContext,
  type ConnectorDefinition,
  defineConnector,
  type SyncRecord,
  type WriteResult,
} from '../connector.js';
import { ConnectorError } from '../errors.js';
import { errorFromAnswer, httpRequest, normalizeBaseUrl } from '../http.js';
import { MINUTE } from '../rate-limit-policy.js';
import { connectorContractChecks } from './contract.js';
import type { ContractFault, ContractRequest, ContractSetup } from './setup.js';

export const TOKEN = 'good-token-123456';
/** Records per page the vendor serves, and most records per write call it accepts. */
const PAGE = 3;
const BATCH = 5;

interface Contact {
  id: string;
  name: string;
  updatedAt: number;
}

export interface FakeVendor {
  url: string;
  contacts: Contact[];
  companies: { id: string; name: string }[];
  requests: ContractRequest[];
  fault: ContractFault | null;
  /** Rename a contact, moving its updatedAt past every other (what a user editing it would do). */
  touch(id: string): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<{ records?: unknown }> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text === '' ? {} : JSON.parse(text);
}

const validName = (r: unknown) => typeof (r as { name?: unknown })?.name === 'string' && (r as Contact).name !== '';

/** A vendor in miniature: offset and high-water-mark paging, a per-record and an all-or-nothing batch route. */
export async function startFakeVendor(): Promise<FakeVendor> {
  let clock = 100;
  let nextId = 100;
  const vendor: FakeVendor = {
    url: '',
    close: async () => {},
    contacts: Array.from({ length: 7 }, (_, i) => ({ id: `c${i + 1}`, name: `Contact ${i + 1}`, updatedAt: i + 1 })),
    companies: [],
    requests: [],
    fault: null,
    touch(id) {
      const contact = vendor.contacts.find((c) => c.id === id);
      if (contact) Object.assign(contact, { name: `${contact.name} (edited)`, updatedAt: ++clock });
    },
  };
  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (vendor.fault === 'rate_limit') return send(res, 429, { error: 'slow down' }, { 'retry-after': '2' });
    if (vendor.fault === 'server_error') return send(res, 503, { error: 'maintenance' });
    if (vendor.fault === 'auth' || req.headers.authorization !== `Bearer ${TOKEN}`) {
      return send(res, 401, { error: 'invalid_token' });
    }
    const key = `${req.method} ${url.pathname}`;
    if (key === 'GET /objects') return send(res, 200, { objects: [{ name: 'Contact' }, { name: 'Company' }] });
    if (key === 'GET /contacts') {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const sorted = [...vendor.contacts].sort((a, b) => (a.id < b.id ? -1 : 1));
      const next = offset + PAGE < sorted.length ? offset + PAGE : null;
      return send(res, 200, { records: sorted.slice(offset, offset + PAGE), nextOffset: next });
    }
    if (key === 'GET /contacts/changes') {
      const since = Number(url.searchParams.get('since') ?? 0);
      const changed = vendor.contacts.filter((c) => c.updatedAt > since).sort((a, b) => a.updatedAt - b.updatedAt);
      return send(res, 200, { records: changed.slice(0, PAGE) });
    }
    const body = await readJson(req);
    const records = Array.isArray(body.records) ? body.records : [];
    if (records.length > BATCH) return send(res, 400, { error: { code: 'TOO_MANY', message: `max ${BATCH}` } });
    if (key === 'POST /contacts/batch') {
      const results = records.map((r) => {
        if (!validName(r)) return { error: { code: 'MISSING_NAME', message: 'name is required' } };
        const contact = { id: `c${++nextId}`, name: (r as Contact).name, updatedAt: ++clock };
        vendor.contacts.push(contact);
        return { id: contact.id };
      });
      return send(res, 200, { results });
    }
    if (key === 'POST /companies/bulk') {
      const bad = records.findIndex((r) => !validName(r));
      if (bad >= 0) return send(res, 400, { error: { code: 'INVALID', message: `record ${bad}: name is required` } });
      const ids = records.map((r) => {
        const company = { id: `k${++nextId}`, name: (r as Contact).name };
        vendor.companies.push(company);
        return company.id;
      });
      return send(res, 200, { ids });
    }
    return send(res, 404, { error: 'no route' });
  }
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const entry: ContractRequest = { method: req.method, path: url.pathname, status: 0 };
    vendor.requests.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    route(req, res, url).catch(() => send(res, 500, { error: 'fake vendor crashed' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  vendor.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  vendor.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return vendor;
}

const settings = z.object({
  baseUrl: z.string().meta({ title: 'Base URL', description: 'Where the vendor lives' }),
  sandbox: z.boolean().default(false).meta({ title: 'Sandbox', description: 'Allow plain http (simulators only)' }),
});
const secrets = z.object({ token: z.string().min(1).meta({ title: 'Token', description: 'API token' }) });
type Settings = z.output<typeof settings>;
type Secrets = z.output<typeof secrets>;

interface Call {
  settings: Settings;
  secrets: Secrets;
  ctx: ConnectorContext;
}

async function call({ settings: s, secrets: x, ctx }: Call, method: string, path: string, body?: unknown) {
  const url = `${normalizeBaseUrl(s.baseUrl, { allowHttp: s.sandbox })}${path}`;
  const answer = await httpRequest(ctx, { method, url, body, headers: { authorization: `Bearer ${x.token}` } });
  if (answer.status >= 300) throw errorFromAnswer(answer, ctx.now(), `Fake answered ${answer.status} to ${path}`);
  return answer.body;
}

function refuseOverBatch(records: SyncRecord[]): void {
  if (records.length > BATCH) {
    throw new ConnectorError('invalid_request', `At most ${BATCH} records per call, got ${records.length}`);
  }
}

/** The contacts writer's vendor call, without the batch-size guard (tests break writers with it). */
export async function sendContacts(args: Call & { records: SyncRecord[] }): Promise<WriteResult[]> {
  const body = await call(args, 'POST', '/contacts/batch', { records: args.records });
  return (body as { results: { id?: string; error?: { code: string; message: string } }[] }).results.map(
    (r): WriteResult =>
      r.error
        ? { ok: false, error: { code: 'invalid_request', message: r.error.message, vendorCode: r.error.code } }
        : { ok: true, id: r.id },
  );
}

export const fake = defineConnector({
  id: 'fake',
  name: 'Fake',
  version: '0.0.0',
  contractVersion: 1,
  settings,
  secrets,
  async check(args) {
    const objects = await this.discover(args);
    return { summary: `Connected: ${objects.length} objects discovered`, details: { objects: objects.length } };
  },
  async discover(args) {
    return ((await call(args, 'GET', '/objects')) as { objects: { name: string }[] }).objects;
  },
  streams: {
    contacts: {
      name: 'contacts',
      // Full refresh by offset: the cursor is the offset of the next page.
      async *read(args) {
        let offset = args.cursor === null ? 0 : Number(args.cursor);
        for (;;) {
          const page = (await call(args, 'GET', `/contacts?offset=${offset}`)) as {
            records: SyncRecord[];
            nextOffset: number | null;
          };
          yield { records: page.records, cursor: page.nextOffset === null ? null : String(page.nextOffset) };
          if (page.nextOffset === null) return;
          offset = page.nextOffset;
        }
      },
    },
    contact_changes: {
      name: 'contact_changes',
      // Incremental: the cursor is the highest updatedAt seen (timestamps are unique in this vendor).
      async *read(args) {
        let since = args.cursor === null ? 0 : Number(args.cursor);
        for (;;) {
          const { records } = (await call(args, 'GET', `/contacts/changes?since=${since}`)) as {
            records: (SyncRecord & Contact)[];
          };
          since = records.at(-1)?.updatedAt ?? since;
          yield { records, cursor: String(since) };
          if (records.length < PAGE) return;
        }
      },
    },
  },
  writers: {
    contacts: {
      name: 'contacts',
      mode: 'insert',
      batchSize: BATCH,
      bucket: 'api',
      async write(args) {
        refuseOverBatch(args.records);
        return sendContacts(args);
      },
    },
    companies: {
      name: 'companies',
      mode: 'insert',
      batchSize: BATCH,
      bucket: 'api',
      async write(args) {
        refuseOverBatch(args.records);
        try {
          const { ids } = (await call(args, 'POST', '/companies/bulk', { records: args.records })) as { ids: string[] };
          return ids.map((id) => ({ ok: true, id }));
        } catch (error) {
          // All-or-nothing: one invalid record fails the call, so every record carries the vendor's error.
          if (!(error instanceof ConnectorError) || error.code !== 'invalid_request') throw error;
          const e = { code: error.code, message: error.message, body: error.body };
          return args.records.map(() => ({ ok: false, error: e }));
        }
      },
    },
  },
  rateLimit: {
    buckets: { api: [{ limit: 100, windowMs: MINUTE }] },
    defaultBucket: 'api',
    key: (s) => `fake:${s.baseUrl}`,
  },
});

let written = 0;
const samples = (n: number) => Array.from({ length: n }, () => ({ name: `Sample ${++written}` }));

/** The setup a connector package would write before this version of the suite: no fixtures, no hooks. */
export async function legacySetup(): Promise<ContractSetup> {
  return legacySetupFor(await startFakeVendor());
}

/** Everything the suite can use: stream and writer fixtures, the request log and fault hooks. */
export async function fakeSetup(): Promise<ContractSetup & { vendor: FakeVendor }> {
  const vendor = await startFakeVendor();
  return {
    ...legacySetupFor(vendor),
    vendor,
    streams: {
      contacts: { options: {}, expectPages: 3, recordKey: (r) => String(r['id']) },
      contact_changes: { options: {}, expectPages: 3, incremental: true, mutate: () => vendor.touch('c2'), mutated: 1 },
    },
    writers: {
      contacts: { options: {}, sampleRecords: samples, badRecord: () => ({ name: '' }) },
      companies: { options: {}, sampleRecords: samples, badRecord: () => ({ name: 42 }), allOrNothing: true },
    },
    requests: () => vendor.requests,
    inject: (fault) => {
      vendor.fault = fault;
    },
    clearFaults: () => {
      vendor.fault = null;
    },
    retryAtOnRateLimit: true,
  };
}

function legacySetupFor(vendor: FakeVendor): ContractSetup {
  return {
    connector: fake,
    settings: { baseUrl: vendor.url, sandbox: true },
    secrets: { token: TOKEN },
    badSecrets: { token: 'wrong-token-987654' },
    ctx: { fetch, now: Date.now },
    teardown: vendor.close,
  };
}

type Broken = Partial<ConnectorDefinition> | ((vendor: FakeVendor) => Partial<ConnectorDefinition>);
type Extra = Partial<ContractSetup> | ((vendor: FakeVendor) => Partial<ContractSetup>);

/** Run one check against a fresh vendor with a broken connector; resolves with the failure message. */
export async function failsWith(id: string, broken: Broken, extra: Extra = {}): Promise<string> {
  const check = connectorContractChecks.find((c) => c.id === id);
  if (!check) throw new Error(`no check ${id}`);
  const base = await fakeSetup();
  const connector = {
    ...fake,
    ...(typeof broken === 'function' ? broken(base.vendor) : broken),
  } as ConnectorDefinition;
  const setup: ContractSetup = { ...base, ...(typeof extra === 'function' ? extra(base.vendor) : extra), connector };
  const skipped = check.skip?.(setup);
  try {
    if (skipped !== undefined) return `skipped: ${skipped}`;
    await check.run(setup);
  } catch (error) {
    return (error as Error).message;
  } finally {
    await base.teardown?.();
  }
  throw new Error(`check ${id} passed a broken connector`);
}
