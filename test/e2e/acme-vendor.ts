// "Acme CRM": the vendor behind the plugin in fixtures/acme-plugin, a small HTTP API on 127.0.0.1 that
// keeps every request it receives, so the plugin test asserts what really reached it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AcmeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

type Row = Record<string, unknown>;

export interface AcmeVendor {
  url: string;
  apiKey: string;
  /** Every request, in arrival order (refused ones included). */
  requests: AcmeRequest[];
  /** Companies by domain, contacts by email, events in arrival order. */
  companies: Map<string, Row>;
  contacts: Map<string, Row>;
  events: Row[];
  /** The records of every write call to `path` (e.g. `/v1/companies/upsert`), one array per call. */
  writes(path: string): Row[][];
  close(): Promise<void>;
}

/** Acme's write limit per call, as the plugin declares in its writers' batchSize. */
const MAX_RECORDS = 10;

const FIELDS: Record<string, { key: string; fields: string[] }> = {
  '/v1/companies/upsert': {
    key: 'domain',
    fields: ['domain', 'name', 'industry', 'employees', 'plan', 'location', 'source'],
  },
  '/v1/contacts/upsert': { key: 'email', fields: ['email', 'userId', 'firstName', 'lastName', 'title'] },
  '/v1/events': { key: 'name', fields: ['name', 'userId', 'anonymousId', 'properties', 'occurredAt', 'messageId'] },
};
const PLANS = ['starter', 'growth', 'enterprise'];

export async function startAcmeVendor(seed: { companies?: Row[] } = {}): Promise<AcmeVendor> {
  const apiKey = `acme_live_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  const requests: AcmeRequest[] = [];
  const companies = new Map<string, Row>();
  const contacts = new Map<string, Row>();
  const events: Row[] = [];
  let serial = 0;
  let lastStamp = 0;
  // Unique, increasing stamps: the plugin's cursor is the newest updatedAt it read.
  const stamp = () => {
    lastStamp = Math.max(Date.now(), lastStamp + 1);
    return new Date(lastStamp).toISOString();
  };
  for (const company of seed.companies ?? []) {
    companies.set(String(company.domain), { id: `co_${++serial}`, ...company, updatedAt: stamp() });
  }

  const validate = (path: string, record: unknown): string | undefined => {
    const spec = FIELDS[path]!;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return 'a record must be an object';
    const unknown = Object.keys(record).filter((k) => !spec.fields.includes(k));
    if (unknown.length > 0) return `unknown field(s) ${unknown.join(', ')}`;
    const key = (record as Row)[spec.key];
    if (typeof key !== 'string' || key.trim() === '') return `${spec.key} is required`;
    const { employees, plan } = record as Row;
    if (employees !== undefined && employees !== null && !Number.isInteger(employees))
      return 'employees must be an integer';
    if (plan !== undefined && plan !== null && !PLANS.includes(String(plan)))
      return `plan must be one of ${PLANS.join(', ')}`;
    return undefined;
  };

  const apply = (path: string, record: Row): Row => {
    if (path === '/v1/events') {
      const event = { id: `ev_${++serial}`, ...record, receivedAt: stamp() };
      events.push(event);
      return event;
    }
    const table = path === '/v1/companies/upsert' ? companies : contacts;
    const key = String(record[FIELDS[path]!.key]);
    const existing = table.get(key);
    const row = { ...(existing ?? { id: `${path === '/v1/companies/upsert' ? 'co' : 'ct'}_${++serial}` }), ...record };
    row.updatedAt = stamp();
    table.set(key, row);
    return row;
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, code: string, message: string) =>
    send(res, status, { error: { code, message } });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://acme.local');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      body = text;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
    });
    if (headers.authorization !== `Bearer ${apiKey}`) return fail(res, 401, 'unauthorized', 'Invalid API key');

    if (req.method === 'GET' && url.pathname === '/v1/me') {
      return send(res, 200, { account: { id: 'acct_1', name: 'Acme test account' } });
    }
    if (req.method === 'GET' && url.pathname === '/v1/companies') {
      const after = url.searchParams.get('updated_after');
      const limit = Math.min(100, Number(url.searchParams.get('limit') ?? 50));
      const offset = Number(url.searchParams.get('page_token') ?? 0);
      if (after !== null && Number.isNaN(Date.parse(after)))
        return fail(res, 400, 'bad_cursor', 'updated_after must be an ISO date');
      const changed = [...companies.values()]
        .filter((c) => after === null || String(c.updatedAt) > after)
        .sort((a, b) => String(a.updatedAt).localeCompare(String(b.updatedAt)));
      const data = changed.slice(offset, offset + limit);
      const next = offset + limit < changed.length ? String(offset + limit) : null;
      return send(res, 200, { data, next_page_token: next });
    }
    if (req.method === 'POST' && url.pathname in FIELDS) {
      const records = (body as { records?: unknown } | null)?.records;
      if (!Array.isArray(records)) return fail(res, 400, 'bad_request', 'The body must be {"records": [...]}');
      if (records.length > MAX_RECORDS)
        return fail(res, 400, 'too_many_records', `At most ${MAX_RECORDS} records per call, got ${records.length}`);
      const results = records.map((record: unknown) => {
        const problem = validate(url.pathname, record);
        if (problem) return { error: { code: 'invalid_record', message: problem } };
        return { id: apply(url.pathname, record as Row).id };
      });
      return send(res, 200, { results });
    }
    return fail(res, 404, 'not_found', `No route ${req.method} ${url.pathname}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => fail(res, 500, 'internal', String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    companies,
    contacts,
    events,
    writes: (path) =>
      requests
        .filter((r) => r.method === 'POST' && r.path === path)
        .map((r) => ((r.body as { records?: Row[] } | null)?.records ?? []) as Row[]),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
