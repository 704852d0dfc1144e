import {
  createGainsightSimulator,
  type FaultSpec,
  type GainsightRow,
  listen,
  type RunningServer,
  seededRandom,
} from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, soakHub, table } from './support.js';

/**
 * A large backlog delivered to the Gainsight simulator while it misbehaves: 20% 5xx, 5% dropped connections,
 * 429 bursts, and now and then an answer slower than the client waits (a timeout). The hub and the simulator
 * share one virtual clock, so the fixed 100/minute windows agree and the limiter's waits cost no real time.
 */
const SEED = Number(process.env.SYNCHUB_SOAK_SEED ?? 20_250_101);
const PEOPLE = 1_000;
const COMPANIES = 50;
const TRACKS = 800;
const GROUPS = 1_200;
const EVENTS = PEOPLE + GROUPS + TRACKS; // one identify per person
/** Gainsight's sync budget, enforced by the simulator (and by the hub's limiter, independently). */
const LIMITS = { syncPerMinute: 100, syncPerDay: 50_000 };
/** The connector waits 30 s for an answer (not configurable), so the harness's fetch gives up sooner. */
const CLIENT_TIMEOUT_MS = 150;
const SLOW_MS = 250;
const SLOW_SHARE = 0.01;
/** A 429 burst of 5–15 calls starts every this many calls. */
const BURST_EVERY = 250;
const MINUTE = 60_000;

let virtual = Date.UTC(2030, 0, 7, 9, 0, 0); // far from a day roll: the day window is not what is measured
const now = () => virtual;

interface Call {
  n: number;
  at: number;
  path: string;
  /** HTTP status the client saw, or what happened instead. */
  outcome: number | 'timeout' | 'network';
}

const sim = createGainsightSimulator({ companies: 0, people: 0, seed: SEED, now, limits: LIMITS });
const fault: FaultSpec = { errorRate: 0.2, dropRate: 0.05, delayMs: 0 };
const dice = seededRandom(SEED ^ 0xfa17);
const calls: Call[] = [];
const injected = { bursts: 0, burstCalls: 0, slow: 0 };
let server: RunningServer;
let expectedLinks = new Set<string>();
let soak: Awaited<ReturnType<typeof soakHub>>;

/** After a client timeout, let the simulator finish the call it is still working on (as the ≥ 2 s backoff would). */
async function settled(n: number) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const entry = sim.control.requests.find((r) => r.headers['x-soak-call'] === String(n));
    if ((entry && entry.status !== 0) || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The hub's fetch: records each call at virtual time, schedules bursts and slow answers, times out like a client. */
const soakFetch: typeof fetch = async (input, init) => {
  const n = calls.length + 1;
  if (n % BURST_EVERY === 0 && !fault.rateLimitBurst) {
    const size = 5 + Math.floor(dice() * 11);
    fault.rateLimitBurst = size;
    injected.bursts += 1;
    injected.burstCalls += size;
  }
  const slow = dice() < SLOW_SHARE;
  if (slow) injected.slow += 1;
  fault.delayMs = slow ? SLOW_MS : 0; // the simulator reads it when the request arrives; calls are sequential
  const call: Call = { n, at: now(), path: new URL(String(input)).pathname, outcome: 'network' };
  calls.push(call);
  const timeout = AbortSignal.timeout(CLIENT_TIMEOUT_MS);
  const headers = new Headers(init?.headers);
  headers.set('x-soak-call', String(n));
  try {
    const res = await fetch(input, {
      ...init,
      headers,
      signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
    });
    call.outcome = res.status;
    return res;
  } catch (error) {
    if (timeout.aborted) {
      call.outcome = 'timeout';
      await settled(n);
    }
    throw error;
  }
};

/** Everyone is identified once; groups tie people to their company; tracks carry a sequence number. */
function backlog(): { events: Array<Record<string, unknown>>; links: Set<string> } {
  const random = seededRandom(SEED);
  const pick = (n: number) => Math.floor(random() * n);
  const email = (p: number) => `person${p}@example.com`;
  const out: Array<Record<string, unknown>> = [];
  const links = new Set<string>();
  for (let p = 0; p < PEOPLE; p++) {
    out.push({ type: 'identify', userId: `user-${p}`, traits: { email: email(p), firstName: `First${p}` } });
  }
  for (let i = 0; i < GROUPS; i++) {
    const p = i < COMPANIES ? i : pick(PEOPLE); // every company is grouped at least once
    const c = p % COMPANIES;
    links.add(`${email(p)}|Company ${c}`);
    out.push({
      type: 'group',
      userId: `user-${p}`,
      groupId: `company-${c}`,
      traits: { name: `Company ${c}`, employees: 10 + pick(1000) },
      context: { traits: { email: email(p) } },
    });
  }
  for (let seq = 0; seq < TRACKS; seq++) {
    out.push({ type: 'track', userId: `user-${pick(PEOPLE)}`, event: 'Feature Used', properties: { seq } });
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    [out[i], out[j]] = [out[j] as Record<string, unknown>, out[i] as Record<string, unknown>];
  }
  return { events: out.map((m, i) => ({ ...m, messageId: `soak-${SEED}-${i}` })), links };
}

beforeAll(async () => {
  server = await listen(sim.app);
  soak = await soakHub({
    now,
    // The limiter waits for a window to roll by moving the shared clock.
    sleep: async (ms) => {
      virtual += Math.max(0, ms);
    },
    fetch: soakFetch,
    inMemoryDisk: true,
  });
  const { hub } = soak;
  const connection = await hub.connections.create({
    connectorId: 'gainsight',
    name: 'soak',
    settings: { domain: server.url, sandbox: true, tenantId: sim.credentials.tenantId },
    secrets: { accessKey: sim.credentials.accessKey, sharedSecret: sim.credentials.sharedSecret },
  });
  const destination = await hub.destinations.create({
    name: 'soak',
    kind: 'gainsight',
    connectionId: connection.id,
    settings: {
      topicName: 'product',
      eventVersions: [{ event: 'Feature Used', eventName: 'Product Event', version: 'v01' }],
      // The default 12 suits ordinary outages. Here a group event needs two calls (company, person) that each
      // fail ~27% of the time, so ~47% of its attempts fail and 12 leave a real chance of a dead letter per run:
      // measured is delivery, not the dead-letter threshold (the summary prints the most attempts one event took).
      maxAttempts: 25,
    },
  });
  const { writeKey } = await hub.sources.create({ name: 'soak', destinationId: destination.id });
  const { events, links } = backlog();
  expectedLinks = links;
  for (let i = 0; i < events.length; i += 500) {
    const res = await hub.app.request('/v1/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(writeKey) },
      body: JSON.stringify({ batch: events.slice(i, i + 500) }),
    });
    expect(res.status).toBe(200);
  }
});

afterAll(async () => {
  await soak?.close();
  await server?.close();
});

describe('delivery through vendor faults', () => {
  it('delivers a large backlog exactly once per person and company, within the limits, with retries visible', async () => {
    const { hub, api } = soak;
    sim.control.faults.set('*', fault);
    const started = Date.now();

    // First pass: the whole backlog in one window. Some events must now be waiting with their last error shown.
    await hub.engine.runOnce();
    const waiting = await api('GET', '/api/events?state=retrying&limit=1000');
    const waitingEvents = waiting.body.events as Array<{
      attempts: number;
      lastError: { code: string; message: string };
    }>;
    expect(waitingEvents.length).toBeGreaterThan(0);
    for (const e of waitingEvents) {
      expect(e.attempts).toBeGreaterThanOrEqual(1);
      expect(['transient', 'rate_limited']).toContain(e.lastError.code);
      expect(e.lastError.message).not.toBe('');
    }
    const waitingCodes = countBy(waitingEvents.map((e) => e.lastError.code));

    // Then deliver until nothing is left, moving the clock to the next retry whenever nothing is due.
    let rounds = 1;
    for (; rounds < 10_000; rounds++) {
      await hub.engine.drain();
      const next = await hub.db
        .selectFrom('events')
        .select((eb) => eb.fn.min('next_attempt_at').as('at'))
        .where('state', 'in', ['received', 'retrying'])
        .executeTakeFirst();
      if (next?.at == null) break;
      virtual = Math.max(virtual, Number(next.at));
    }
    fault.delayMs = 0;
    sim.control.faults.clear();

    // 100% delivered, none dead-lettered.
    const { body } = await api('GET', '/api/events?limit=1');
    expect(body.counts).toEqual({ received: 0, retrying: 0, delivered: EVENTS, failed: 0 });

    // Retries visible per event: page through the API and read each event's attempts.
    const attempts: number[] = [];
    const maxByType: Record<string, number> = {};
    for (let before: number | undefined; ; ) {
      const page = await api('GET', `/api/events?limit=1000${before ? `&before=${before}` : ''}`);
      const events = page.body.events as Array<{ id: number; attempts: number; type: string }>;
      if (events.length === 0) break;
      for (const e of events) maxByType[e.type] = Math.max(maxByType[e.type] ?? 0, e.attempts);
      attempts.push(...events.map((e) => e.attempts));
      before = events.at(-1)?.id;
    }
    expect(attempts).toHaveLength(EVENTS);
    const retried = attempts.filter((a) => a > 1).length;
    expect(retried).toBeGreaterThan(0);

    // Every person and company exactly once, every group association present.
    const people = sim.state.rows('person');
    const companies = sim.state.rows('company');
    expect(duplicates(people.map((p) => String(p.Email).toLowerCase()))).toEqual([]);
    expect(people).toHaveLength(PEOPLE);
    expect(duplicates(companies.map((c) => String(c.Name)))).toEqual([]);
    expect(companies).toHaveLength(COMPANIES);
    expect(missingLinks(people, companies, sim.state.rows('company_person'))).toEqual([]);

    // Every track published; a publish the vendor processed but never answered (timeout) is sent again.
    const published = sim.state.events.map((e) => (e.body as { seq: number }).seq);
    const seqs = new Set(published);
    expect(seqs.size).toBe(TRACKS);
    const timedOutButStored = calls.filter(
      (c) =>
        c.outcome === 'timeout' &&
        c.path.endsWith('/eventManager/event') &&
        sim.control.requests.find((r) => r.headers['x-soak-call'] === String(c.n))?.status === 200,
    ).length;
    expect(published.length - seqs.size).toBe(timedOutButStored);

    // 0 limit violations: no minute window over 100 calls, so the simulator's own limiter never said 429.
    const perMinute = countBy(calls.map((c) => String(Math.floor(c.at / MINUTE))));
    const maxPerMinute = Math.max(...Object.values(perMinute));
    expect(maxPerMinute).toBeLessThanOrEqual(LIMITS.syncPerMinute);
    const log = sim.control.requests;
    const burst429 = injected.burstCalls - (fault.rateLimitBurst ?? 0);
    const all429 = log.filter((r) => r.status === 429).length;
    const limiter429 = all429 - burst429;
    expect(limiter429).toBe(0);

    const outcomes = countBy(calls.map((c) => String(c.outcome)));
    const endpoints: Record<string, string> = {};
    for (const [path, n] of Object.entries(countBy(calls.map((c) => c.path)))) {
      const ok = calls.filter((c) => c.path === path && c.outcome === 200).length;
      endpoints[path.replace(/^\/v1(\.0)?\//, '')] = `${ok}/${n}`;
    }
    const server5xx = log.filter((r) => r.status >= 500).length;
    const dropped = log.filter((r) => r.status === -1).length;
    const maxAttempts = Math.max(...attempts);
    const counts = body.counts as Record<string, number>;
    console.log(
      [
        table(`faults soak (seed ${SEED})`, [
          ['events ingested', EVENTS],
          ['events delivered', counts.delivered ?? 0],
          ['events dead-lettered', counts.failed ?? 0],
          ['events retried (attempts > 1)', retried],
          ['max attempts of one event', `${maxAttempts} (by type ${JSON.stringify(maxByType)})`],
          ['attempts histogram', JSON.stringify(countBy(attempts.map(String)))],
          ['last errors after pass 1', JSON.stringify(waitingCodes)],
          ['vendor calls', calls.length],
          ['calls by outcome', JSON.stringify(outcomes)],
          ['calls by endpoint (ok/all)', JSON.stringify(endpoints)],
          ['injected 5xx answers', server5xx],
          ['injected dropped connections', dropped],
          ['injected slow answers (→ timeouts)', `${injected.slow} (${outcomes.timeout ?? 0} timed out)`],
          ['injected 429 bursts', `${injected.bursts} bursts, ${burst429} calls`],
          ['429 from the simulator limiter', limiter429],
          ['max calls in a minute window', `${maxPerMinute} (limit ${LIMITS.syncPerMinute})`],
          ['minute windows used (virtual)', Object.keys(perMinute).length],
          [
            'people / companies / links',
            `${people.length} / ${companies.length} / ${sim.state.rows('company_person').length}`,
          ],
          ['track publishes (re-sent after timeout)', `${published.length} (${published.length - seqs.size})`],
          ['rounds (clock advances)', rounds],
          ['real time', `${((Date.now() - started) / 1000).toFixed(1)} s`],
        ]),
      ].join('\n'),
    );
  });
});

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

function duplicates(values: string[]): string[] {
  return Object.entries(countBy(values))
    .filter(([, n]) => n > 1)
    .map(([v]) => v);
}

/** Each (person email | company name) grouped in the backlog must be linked in the simulator. */
function missingLinks(people: GainsightRow[], companies: GainsightRow[], links: GainsightRow[]): string[] {
  const personId = new Map(people.map((p) => [String(p.Email).toLowerCase(), p.Gsid]));
  const companyId = new Map(companies.map((c) => [String(c.Name), c.Gsid]));
  const linked = new Set(links.map((l) => `${l.Person_ID}|${l.Company_ID}`));
  return [...expectedLinks].filter((key) => {
    const [email, company] = key.split('|') as [string, string];
    return !linked.has(`${personId.get(email)}|${companyId.get(company)}`);
  });
}
