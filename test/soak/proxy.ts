import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One vendor call as the proxy saw it. */
export interface ProxiedCall {
  method: string;
  path: string;
  /** A write: not a GET and not a query. */
  write: boolean;
  /** How many writes of this route (method + path) came before it, this one included. */
  nth: number;
  body: string;
}

/**
 * A mutation for the proof suites, played by the test harness (never by the hub): which calls the proxy
 * acknowledges without forwarding them to the vendor. A lie answers what the vendor last answered for a
 * successful call of the same route, so the hub cannot tell: only a checker looking at the vendor can.
 */
export interface Mutation {
  name: string;
  lie(call: ProxiedCall): boolean;
}

export interface RunningProxy {
  url: string;
  /** Calls acknowledged without reaching the vendor. */
  readonly lies: number;
  readonly forwarded: number;
  close(): Promise<void>;
}

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });

/** An HTTP proxy on 127.0.0.1 between the hub and a vendor simulator; forwards everything unless mutated. */
export async function startProxy(target: string, mutation?: Mutation): Promise<RunningProxy> {
  const lastSuccess = new Map<string, { status: number; body: string }>();
  const writes = new Map<string, number>();
  let lies = 0;
  let forwarded = 0;
  const server = createServer(async (req, res) => {
    try {
      const body = await read(req);
      const method = req.method ?? 'GET';
      const path = new URL(req.url ?? '/', 'http://proxy').pathname;
      const write = method !== 'GET' && !path.includes('/query/');
      const route = `${method} ${path}`;
      const nth = write ? (writes.get(route) ?? 0) + 1 : 0;
      if (write) writes.set(route, nth);
      const answer = lastSuccess.get(route);
      if (write && answer && mutation?.lie({ method, path, write, nth, body })) {
        lies += 1;
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(answer.body);
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v;
      const upstream = await fetch(`${target}${req.url ?? '/'}`, {
        method,
        headers,
        body: method === 'GET' || method === 'HEAD' ? undefined : body,
      });
      const text = await upstream.text();
      forwarded += 1;
      if (write && upstream.status >= 200 && upstream.status < 300)
        lastSuccess.set(route, { status: upstream.status, body: text });
      const out: Record<string, string> = {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
      };
      const retryAfter = upstream.headers.get('retry-after');
      if (retryAfter) out['retry-after'] = retryAfter;
      res.writeHead(upstream.status, out);
      res.end(text);
    } catch {
      // The vendor dropped the connection: so does the proxy.
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get lies() {
      return lies;
    },
    get forwarded() {
      return forwarded;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
