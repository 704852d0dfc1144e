import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGainsightSimulator, createSalesforceSimulator, seededRandom } from '@synchub/sandbox';

/**
 * The vendors of the scale suite, in a process of their own (so the hubs' kills, pauses and load do not
 * slow the vendor's clock or its answers): two Gainsight tenants (each its own host, so each its own
 * budget at the hub) and the Salesforce org the Gainsight pulls need as their primary CRM.
 *
 * Every call is logged with its arrival and answer times on the vendor's clock (which runs
 * SCALE_CLOCK_OFFSET_MS ahead of the hubs'), the hub process that sent it (the `x-scale-process` header
 * the harness's preload adds to each outgoing request) and its status. Gainsight answers take
 * SCALE_LATENCY_MIN_MS..SCALE_LATENCY_MAX_MS, counted by the tenant on arrival. The harness reads the
 * log over HTTP: GET {control}/log?from=N answers the entries from index N, GET {control}/state the rows
 * each tenant holds.
 *
 * Prints one line `scale-simulator {json}` with the addresses once everything listens.
 */
const offset = Number(process.env.SCALE_CLOCK_OFFSET_MS ?? 7000);
const latencyMin = Number(process.env.SCALE_LATENCY_MIN_MS ?? 300);
const latencyMax = Number(process.env.SCALE_LATENCY_MAX_MS ?? 800);
const companiesA = Number(process.env.SCALE_PULL_COMPANIES ?? 100);
const now = () => Date.now() + offset;
const random = seededRandom(Number(process.env.SCALE_SEED ?? 16));

export interface CallLogEntry {
  /** Which vendor: tenant `a`, tenant `b` or `sf`. */
  vendor: string;
  method: string;
  path: string;
  body: unknown;
  /** Arrival and answer on the vendor's clock (ms). */
  at: number;
  answeredAt: number;
  /** The hub process (`hub2#3`: slot 2, third life) and pid, from the preload's header. */
  process: string;
  pid: number;
  remotePort: number;
  status: number;
}

const log: CallLogEntry[] = [];

// Tenant a carries the pull (companies to read, lined up with the Salesforce accounts); b starts empty.
const tenantA = createGainsightSimulator({
  seed: 1,
  tenantId: 'a0000000-0000-4000-8000-00000000000a',
  companies: companiesA,
  people: 0,
  users: 2,
  activities: 0,
  surveyResponses: 0,
  usageRows: 0,
  clockOffsetMs: offset,
});
const tenantB = createGainsightSimulator({
  seed: 2,
  tenantId: 'b0000000-0000-4000-8000-00000000000b',
  companies: 0,
  people: 0,
  users: 2,
  activities: 0,
  surveyResponses: 0,
  usageRows: 0,
  clockOffsetMs: offset,
});
const gsids = tenantA.state.rows('company').map((c) => String(c.Gsid));
const salesforce = createSalesforceSimulator({ accounts: companiesA, gsids, pageSize: 50 });

const read = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

function serveVendor(vendor: string, app: { fetch: (r: Request) => Response | Promise<Response> }, slow: boolean) {
  return createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const at = now();
    const raw = await read(req);
    const text = raw.toString('utf8');
    let body: unknown = text || null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* form bodies stay text */
    }
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
    };
    const entry: CallLogEntry = {
      vendor,
      method: req.method ?? 'GET',
      path: new URL(req.url ?? '/', 'http://sim').pathname,
      body,
      at,
      answeredAt: 0,
      process: header('x-scale-process') || 'unknown',
      pid: Number(header('x-scale-pid')) || 0,
      remotePort: req.socket.remotePort ?? 0,
      status: 0,
    };
    log.push(entry);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    try {
      const answer = await app.fetch(
        new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, {
          method: req.method,
          headers,
          body: req.method === 'GET' || req.method === 'HEAD' ? undefined : raw,
        }),
      );
      const out = Buffer.from(await answer.arrayBuffer());
      entry.status = answer.status;
      if (slow) await new Promise((r) => setTimeout(r, latencyMin + random() * (latencyMax - latencyMin)));
      entry.answeredAt = now();
      const outHeaders: Record<string, string> = {};
      answer.headers.forEach((v, k) => {
        outHeaders[k] = v;
      });
      res.writeHead(answer.status, outHeaders);
      res.end(out);
    } catch {
      entry.status = 500;
      entry.answeredAt = now();
      res.writeHead(500);
      res.end();
    }
  });
}

const listen = (server: ReturnType<typeof createServer>) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );

const control = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://control');
  if (url.pathname === '/log') {
    const from = Number(url.searchParams.get('from') ?? 0);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ now: now(), offsetMs: offset, entries: log.slice(from) }));
    return;
  }
  if (url.pathname === '/state') {
    // What each tenant holds now: the people, companies and their associations the checks compare.
    const rows = (sim: typeof tenantA) => ({
      person: sim.state.rows('person'),
      company: sim.state.rows('company'),
      company_person: sim.state.rows('company_person'),
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ a: rows(tenantA), b: rows(tenantB) }));
    return;
  }
  res.writeHead(404);
  res.end();
});

const addresses = {
  a: await listen(serveVendor('a', tenantA.app, true)),
  b: await listen(serveVendor('b', tenantB.app, true)),
  sf: await listen(serveVendor('sf', salesforce.app, false)),
  control: await listen(control),
  credentials: { a: tenantA.credentials, b: tenantB.credentials, sf: salesforce.credentials },
  offsetMs: offset,
};
process.stdout.write(`scale-simulator ${JSON.stringify(addresses)}\n`);
