import { createGainsightSimulator, createQualtricsSimulator } from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCase, type Fixtures, hookCase, type Route, strayCase } from './fuzz-api.js';
import { createRandom, type FuzzRequest, ingestCase, validMessage } from './fuzz-cases.js';
import { basic, soakHub, TOKEN, table } from './support.js';

/**
 * Hostile input: at least 10,000 generated requests against every public route (ingest, webhooks, the admin
 * API), in process through `app.request`. No request may crash the hub or get a 5xx; every 4xx carries a JSON
 * error with a code and a reason; a refused ingest stores nothing. The seed is printed: rerun a failure with
 * SYNCHUB_FUZZ_SEED=<seed> pnpm test:fuzz.
 */
const SEED = Number(process.env.SYNCHUB_FUZZ_SEED ?? 8_675_309);
const REQUESTS = Number(process.env.SYNCHUB_FUZZ_REQUESTS ?? 10_500);
const HOOK_ROUTE = '/hooks/qualtrics/:triggerId';

// Vendors answer in process: the hub's fetch goes to the simulators by host, and nowhere else.
const gainsight = createGainsightSimulator({ companies: 3, people: 5 });
const qualtrics = createQualtricsSimulator({ surveys: 1, responsesPerSurvey: 1, triggers: ['wf-fuzz'] });
const hosts: Record<string, { fetch: (req: Request) => Response | Promise<Response> }> = {
  'gainsight.sim': gainsight.app,
  'qualtrics.sim': qualtrics.app,
};
const simFetch: typeof fetch = async (input, init) => {
  const req = new Request(input, init);
  const app = hosts[new URL(req.url).host];
  if (!app) throw new TypeError(`fetch failed: the fuzz hub has no network (${new URL(req.url).host})`);
  return app.fetch(req);
};
// The limiter's waits cost no real time: its clock jumps instead.
let offset = 0;

let soak: Awaited<ReturnType<typeof soakHub>>;
let writeKey: string;
let hookSecret: string;
const fixtures: Fixtures = {
  connection: [],
  source: [],
  destination: [],
  trigger: [],
  rule: [],
  event: [],
  delivery: [],
};

async function countRows() {
  const { db } = soak.hub;
  const events = await db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  // The Qualtrics flow's own table (a plugin migration), so it is not in the hub's typed schema.
  const hooks = await db
    .withTables<{ trigger_deliveries: { origin: string } }>()
    .selectFrom('trigger_deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('origin', '=', 'webhook')
    .executeTakeFirstOrThrow();
  return { events: Number(events.n), hooks: Number(hooks.n) };
}

beforeAll(async () => {
  soak = await soakHub({
    inMemoryDisk: true,
    fetch: simFetch,
    now: () => Date.now() + offset,
    sleep: async (ms) => {
      offset += ms;
    },
  });
  const { hub, api } = soak;
  const gs = await hub.connections.create({
    connectorId: 'gainsight',
    name: 'fuzz gainsight',
    settings: { domain: 'http://gainsight.sim', sandbox: true, tenantId: gainsight.credentials.tenantId },
    secrets: { accessKey: gainsight.credentials.accessKey, sharedSecret: gainsight.credentials.sharedSecret },
  });
  const qx = await hub.connections.create({
    connectorId: 'qualtrics',
    name: 'fuzz qualtrics',
    settings: {
      baseUrl: 'http://qualtrics.sim',
      sandbox: true,
      triggerUrl: 'http://qualtrics.sim/inbound-event/v1/events/json/triggers?urlTokenId=wf-fuzz',
      username: qualtrics.credentials.username,
    },
    secrets: { apiToken: qualtrics.credentials.apiToken },
  });
  fixtures.connection.push(gs.id, qx.id);
  const destination = await hub.destinations.create({
    name: 'fuzz',
    kind: 'gainsight',
    connectionId: gs.id,
    settings: {},
  });
  fixtures.destination.push(destination.id);
  const source = await hub.sources.create({ name: 'fuzz', destinationId: destination.id });
  fixtures.source.push(source.source.id);
  writeKey = source.writeKey;

  const trigger = await api('POST', '/api/qualtrics/triggers', { name: 'fuzz', connectionId: qx.id });
  expect(trigger.status).toBe(201);
  fixtures.trigger.push((trigger.body.trigger as { id: string }).id);
  hookSecret = trigger.body.secret as string;
  const rule = await api('POST', '/api/qualtrics/rules', { triggerId: fixtures.trigger[0], event: 'Fuzzed' });
  expect(rule.status).toBe(201);
  fixtures.rule.push((rule.body.rule as { id: string }).id);

  // A few stored events and one webhook delivery, so numeric ids of both exist.
  const random = createRandom(SEED);
  const ingested = await hub.app.request('/v1/batch', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic(writeKey) },
    body: JSON.stringify({ batch: [validMessage(random, 'identify'), validMessage(random, 'track')] }),
  });
  expect(ingested.status).toBe(200);
  const events = await api('GET', '/api/events');
  fixtures.event.push(...(events.body.events as Array<{ id: number }>).map((e) => String(e.id)));
  const hook = await hub.app.request(`/hooks/qualtrics/${fixtures.trigger[0]}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-synchub-secret': hookSecret },
    body: '{"email":"a@example.com"}',
  });
  expect(hook.status).toBe(202);
  fixtures.delivery.push(String(((await hook.json()) as { deliveryId: number }).deliveryId));
});

afterAll(async () => {
  await soak?.close();
});

/** Header values a client can send at all (Latin-1 without controls); the rest become '?'. */
const sendable = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace(/[^\x20-\x7e]/g, '?')]));

interface Failure {
  n: number;
  label: string;
  kind: string;
  path: string;
  status: number | 'threw';
  detail: string;
}

describe('hostile input', () => {
  it(`answers ${REQUESTS} hostile requests with 4xx reasons, never a 5xx, and stores nothing half-way`, async () => {
    const { hub } = soak;
    const r = createRandom(SEED);
    const unique = new Map<string, Route>();
    for (const route of hub.app.routes) {
      if (route.method === 'ALL' || route.path.includes('*')) continue;
      unique.set(`${route.method} ${route.path}`, { method: route.method, path: route.path });
    }
    const all = [...unique.values()];
    const apiRoutes = all.filter((x) => !x.path.startsWith('/v1/') && !x.path.startsWith('/hooks/'));
    const hasHooks = all.some((x) => x.method === 'POST' && x.path === HOOK_ROUTE);
    const before = await countRows();

    const byRoute = new Map<string, Record<string, number>>();
    const failures: Failure[] = [];
    const acceptedHostile: Failure[] = [];
    let stored = 0;
    let hooksAccepted = 0;
    let apiTurn = 0;
    const started = Date.now();

    for (let n = 0; n < REQUESTS; n++) {
      const roll = r.int(100);
      let req: FuzzRequest;
      let label: string;
      if (roll < 50) {
        req = ingestCase(r, writeKey);
        label = `${req.method} ${req.path}`;
      } else if (roll < 60 && hasHooks) {
        req = hookCase(r, HOOK_ROUTE, fixtures, hookSecret);
        label = `POST ${HOOK_ROUTE}`;
      } else if (roll < 96) {
        const route = apiRoutes[apiTurn++ % apiRoutes.length] as Route;
        req = apiCase(r, route, fixtures, TOKEN);
        label = `${route.method} ${route.path}`;
      } else {
        req = strayCase(r, all, TOKEN);
        label = 'stray paths / methods';
      }
      const isIngest = req.path.startsWith('/v1/') && req.method === 'POST';
      const isHook = label === `POST ${HOOK_ROUTE}`;
      const fail = (status: number | 'threw', detail: string): Failure => ({
        n,
        label,
        kind: req.kind,
        path: req.path.slice(0, 120),
        status,
        detail: detail.slice(0, 300),
      });

      let res: Response;
      try {
        const init: RequestInit = { method: req.method, headers: sendable(req.headers) };
        if (req.body !== undefined && req.method !== 'GET' && req.method !== 'HEAD') init.body = req.body;
        res = await hub.app.request(`http://hub.test${req.path}`, init);
      } catch (error) {
        failures.push(fail('threw', String((error as Error)?.stack ?? error)));
        continue;
      }
      const counts = byRoute.get(label) ?? {};
      counts[res.status] = (counts[res.status] ?? 0) + 1;
      byRoute.set(label, counts);

      // The change feed streams until the client goes away: hang up at once.
      if (res.headers.get('content-type')?.includes('text/event-stream')) {
        await res.body?.cancel();
        continue;
      }
      const text = await res.text();
      if (res.status >= 500) {
        failures.push(fail(res.status, text));
        continue;
      }
      if (res.status >= 400) {
        let error: { code?: unknown; message?: unknown } | undefined;
        try {
          error = (JSON.parse(text) as { error?: typeof error }).error;
        } catch {
          /* not JSON: reported below */
        }
        const ok =
          typeof error?.code === 'string' &&
          error.code !== '' &&
          typeof error.message === 'string' &&
          error.message.trim() !== '';
        if (!ok) failures.push(fail(res.status, `4xx without {error:{code,message}}: ${text}`));
        continue;
      }
      if (req.expect === 'reject') acceptedHostile.push(fail(res.status, text));
      if (isIngest && res.status === 200) {
        const body = JSON.parse(text) as { success?: boolean; stored?: number };
        expect(body.success).toBe(true);
        stored += body.stored ?? 0;
      }
      if (isHook && res.status === 202) hooksAccepted += 1;
    }
    const seconds = (Date.now() - started) / 1000;

    const after = await countRows();
    const unhandled = soak.errors.filter((line) => line.includes('Unhandled error'));

    // A valid request of each kind still works afterwards.
    const identify = await hub.app.request('/v1/identify', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(writeKey) },
      body: JSON.stringify({ userId: 'after-fuzz', traits: { email: 'after@example.com' } }),
    });
    const session = await soak.api('GET', '/api/session');
    const hookAfter = hasHooks
      ? await hub.app.request(`/hooks/qualtrics/${fixtures.trigger[0]}`, {
          method: 'POST',
          headers: { 'x-synchub-secret': hookSecret },
          body: '{"after":true}',
        })
      : undefined;

    const missed = all.filter((x) => !byRoute.has(`${x.method} ${x.path}`)).map((x) => `${x.method} ${x.path}`);
    const statusTotals: Record<string, number> = {};
    for (const counts of byRoute.values()) {
      for (const [status, k] of Object.entries(counts)) statusTotals[status] = (statusTotals[status] ?? 0) + k;
    }
    const rows = [...byRoute.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([route, counts]): [string, string] => [route, JSON.stringify(counts)]);
    console.log(
      [
        table(`fuzz (seed ${SEED}): ${REQUESTS} requests in ${seconds.toFixed(1)} s`, [
          ['routes fuzzed', `${all.length - missed.length} of the ${all.length} in app.routes (+ stray paths)`],
          ['webhook route', hasHooks ? HOOK_ROUTE : 'absent: skipped'],
          ['statuses', JSON.stringify(statusTotals)],
          ['thrown / 5xx', failures.filter((f) => f.status === 'threw' || (f.status as number) >= 500).length],
          ['4xx without a JSON reason', failures.filter((f) => typeof f.status === 'number' && f.status < 500).length],
          ['hostile bodies accepted', acceptedHostile.length],
          ['ingest: events stored (answers / rows)', `${stored} / ${after.events - before.events}`],
          ['webhooks: accepted (answers / rows)', `${hooksAccepted} / ${after.hooks - before.hooks}`],
          ['unhandled errors logged', unhandled.length],
        ]),
        table('by route and status', rows),
        ...(failures.length + acceptedHostile.length > 0 ? [problems(failures, acceptedHostile)] : []),
      ].join('\n'),
    );

    expect(missed).toEqual([]);
    expect(failures).toEqual([]);
    expect(acceptedHostile).toEqual([]);
    expect(unhandled).toEqual([]);
    expect(after.events - before.events).toBe(stored);
    expect(after.hooks - before.hooks).toBe(hooksAccepted);
    expect(identify.status).toBe(200);
    expect(await identify.json()).toMatchObject({ success: true, stored: 1 });
    expect(session.status).toBe(200);
    if (hookAfter) expect(hookAfter.status).toBe(202);
  });
});

/** What went wrong, grouped by route and kind of input, with one example each (request number for replay). */
function problems(failures: Failure[], accepted: Failure[]): string {
  const groups = new Map<string, { n: number; example: Failure }>();
  for (const [what, list] of [
    ['failed', failures],
    ['accepted', accepted],
  ] as const) {
    for (const f of list) {
      const key = `${what}: ${f.label} (${f.kind}) → ${f.status}`;
      const g = groups.get(key) ?? { n: 0, example: f };
      g.n += 1;
      groups.set(key, g);
    }
  }
  return table(
    'problems (count, first request)',
    [...groups.entries()].map(([key, g]) => [
      key,
      `${g.n}× e.g. #${g.example.n} ${g.example.path} → ${g.example.detail.slice(0, 160)}`,
    ]),
  );
}
