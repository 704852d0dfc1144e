import { serve } from '@hono/node-server';
import type { Hono, MiddlewareHandler } from 'hono';
import type { AddressInfo } from 'node:net';

/** One request as a simulator received it; tests assert on these. */
export interface LoggedRequest {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  status: number;
}

/** Faults a test can switch on per route prefix (`'*'` = every route). */
export interface FaultSpec {
  /** Share of calls (0..1) answered 500/502/503. */
  errorRate?: number;
  /** The next N calls answer 429. */
  rateLimitBurst?: number;
  /** Delay every answer by this many ms. */
  delayMs?: number;
  /** Share of calls (0..1) whose connection is destroyed without an answer. */
  dropRate?: number;
}

export interface SimulatorControl {
  requests: LoggedRequest[];
  faults: Map<string, FaultSpec>;
  /** Deterministic pseudo-random source for fault decisions (seeded). */
  random: () => number;
  reset(): void;
}

/** mulberry32: small, fast, deterministic. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createControl(seed = 1): SimulatorControl {
  const control: SimulatorControl = {
    requests: [],
    faults: new Map(),
    random: seededRandom(seed),
    reset() {
      control.requests.length = 0;
      control.faults.clear();
    },
  };
  return control;
}

function faultFor(control: SimulatorControl, path: string): FaultSpec | undefined {
  let best: [string, FaultSpec] | undefined;
  for (const entry of control.faults) {
    const [prefix] = entry;
    if (prefix === '*' || path.startsWith(prefix)) {
      if (!best || prefix.length > best[0].length) best = entry;
    }
  }
  return best?.[1];
}

/**
 * Records every request (with its parsed body) and applies injected faults before the vendor routes.
 * `rateLimited` builds the vendor's own 429 answer.
 */
export function recordAndInjectFaults(
  control: SimulatorControl,
  vendor: { rateLimited: () => Response; serverError: (status: number) => Response },
): MiddlewareHandler {
  return async (c, next) => {
    const raw = await c.req.raw.clone().text();
    let body: unknown = raw === '' ? null : raw;
    try {
      body = raw === '' ? null : JSON.parse(raw);
    } catch {
      /* keep text (form bodies, malformed JSON) */
    }
    const entry: LoggedRequest = {
      at: Date.now(),
      method: c.req.method,
      path: c.req.path,
      query: c.req.query(),
      headers: Object.fromEntries(c.req.raw.headers),
      body,
      status: 0,
    };
    control.requests.push(entry);
    const fault = faultFor(control, c.req.path);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.dropRate && control.random() < fault.dropRate) {
      // Destroy the socket: the client sees a dropped connection, not an HTTP answer.
      const incoming = (c.env as { incoming?: { socket?: { destroy(): void } } } | undefined)?.incoming;
      incoming?.socket?.destroy();
      entry.status = -1;
      return new Response(null, { status: 500 });
    }
    if (fault?.rateLimitBurst && fault.rateLimitBurst > 0) {
      fault.rateLimitBurst -= 1;
      const limited = vendor.rateLimited();
      entry.status = limited.status;
      return limited;
    }
    if (fault?.errorRate && control.random() < fault.errorRate) {
      const statuses = [500, 502, 503] as const;
      const status = statuses[Math.floor(control.random() * statuses.length)] ?? 500;
      entry.status = status;
      return vendor.serverError(status);
    }
    await next();
    entry.status = c.res.status;
  };
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listen on 127.0.0.1 (port 0 = any free port). */
export function listen(app: Hono, port = 0): Promise<RunningServer> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

/** What every vendor simulator factory returns: a Hono app to serve, its control panel and its data. */
export interface Simulator<State> {
  app: Hono;
  control: SimulatorControl;
  /** In-memory vendor data; tests read it to assert what a write did. */
  state: State;
  /** Credentials the simulator accepts (access key, client id/secret, integration key, token…). */
  credentials: Record<string, string>;
}
