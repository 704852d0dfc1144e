import { createGainsightSimulator, type FaultSpec, listen, seededRandom } from '@synchub/sandbox';
import { describe, expect, it } from 'vitest';
import { checkAtVendor, type SentMessage, summarise } from './check.js';
import { basic, soakHub, table } from './support.js';

/**
 * A large backlog delivered to the Gainsight simulator while it misbehaves: 20% 5xx, 5% dropped connections,
 * 429 bursts, and now and then an answer slower than the client waits (a timeout). The simulator's clock runs
 * 20 s ahead of the hub's, so its fixed 100/minute windows start when the hub's do not (the limiter must not
 * depend on sharing the vendor's clock). Both clocks are virtual, so the limiter's waits cost no real time.
 *
 * Checked at the simulator, per message: every person and company holds the value of its last update
 * (people are identified again and again, companies grouped again and again, in a shuffled order, so
 * retries must not let an older update land last), every association exists, every track arrived, more
 * than once only where the hub counted a send that got no answer. The same checker must fail when the
 * harness's fetch (the hub's way to the vendor) acknowledges a share of the writes without sending them.
 */
const SEED = Number(process.env.SYNCHUB_SOAK_SEED ?? 20_250_101);
/** The simulator's clock, ahead of the hub's. */
const CLOCK_OFFSET_MS = 20_000;
/** Gainsight's sync budget, enforced by the simulator (and by the hub's limiter, independently). */
const LIMITS = { syncPerMinute: 100, syncPerDay: 50_000 };
/** The connector waits 30 s for an answer (not configurable), so the harness's fetch gives up sooner. */
const CLIENT_TIMEOUT_MS = 150;
const SLOW_MS = 250;
const SLOW_SHARE = 0.01;
/** A 429 burst of 5–15 calls starts every this many calls. */
const BURST_EVERY = 250;
const MINUTE = 60_000;

interface Call {
  n: number;
  at: number;
  path: string;
  /** HTTP status the client saw, or what happened instead. */
  outcome: number | 'timeout' | 'network' | 'lied';
}

/** Which writes the harness acknowledges without sending (a mutation of the way to the vendor). */
type Lie = (write: { path: string; nth: number }) => boolean;

/** Everyone is identified, then identified again; groups tie people to companies; tracks carry a sequence number. */
function backlog(scale: number): SentMessage[] {
  const people = Math.round(1_000 * scale);
  const companies = Math.max(5, Math.round(50 * scale));
  const random = seededRandom(SEED);
  const pick = (n: number) => Math.floor(random() * n);
  const email = (p: number) => `person${p}@example.com`;
  const out: Array<Record<string, unknown>> = [];
  for (let p = 0; p < people; p++)
    out.push({ type: 'identify', userId: `user-${p}`, traits: { email: email(p), firstName: `First${p}` } });
  for (let i = 0; i < Math.round(600 * scale); i++) {
    const p = pick(people);
    out.push({ type: 'identify', userId: `user-${p}`, traits: { email: email(p), lastName: `Last${i}` } });
  }
  for (let i = 0; i < Math.round(1_200 * scale); i++) {
    const p = i < companies ? i : pick(people); // every company is grouped at least once
    const c = p % companies;
    out.push({
      type: 'group',
      userId: `user-${p}`,
      groupId: `company-${c}`,
      traits: { name: `Company ${c}`, employees: 10 + i },
      context: { traits: { email: email(p) } },
    });
  }
  for (let seq = 0; seq < Math.round(800 * scale); seq++)
    out.push({ type: 'track', userId: `user-${pick(people)}`, event: 'Feature Used', properties: { seq } });
  for (let i = out.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    [out[i], out[j]] = [out[j] as Record<string, unknown>, out[i] as Record<string, unknown>];
  }
  return out.map((m, i) => ({ ...m, messageId: `soak-${SEED}-${i}` }) as SentMessage);
}

async function faultsRun(options: { scale: number; lie?: Lie }) {
  let virtual = Date.UTC(2030, 0, 7, 9, 0, 0); // far from a day roll: the day window is not what is measured
  const now = () => virtual;
  const sim = createGainsightSimulator({
    companies: 0,
    people: 0,
    seed: SEED,
    now,
    clockOffsetMs: CLOCK_OFFSET_MS,
    limits: LIMITS,
  });
  const fault: FaultSpec = { errorRate: 0.2, dropRate: 0.05, delayMs: 0 };
  const dice = seededRandom(SEED ^ 0xfa17);
  const calls: Call[] = [];
  const injected = { bursts: 0, burstCalls: 0, slow: 0 };
  const lastSuccess = new Map<string, string>();
  const writes = new Map<string, number>();
  const server = await listen(sim.app);

  /** After a client timeout, let the simulator finish the call it is still working on (as the ≥ 2 s backoff would). */
  const settled = async (n: number) => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const entry = sim.control.requests.find((r) => r.headers['x-soak-call'] === String(n));
      if ((entry && entry.status !== 0) || Date.now() > deadline) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  /** The hub's fetch: records each call at virtual time, schedules bursts and slow answers, times out like a client. */
  const soakFetch: typeof fetch = async (input, init) => {
    const n = calls.length + 1;
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const route = `${method} ${url.pathname}`;
    const isWrite = method !== 'GET' && !url.pathname.includes('/query/');
    const nth = isWrite ? (writes.get(route) ?? 0) + 1 : 0;
    if (isWrite) writes.set(route, nth);
    const call: Call = { n, at: now(), path: url.pathname, outcome: 'network' };
    calls.push(call);
    const lastAnswer = lastSuccess.get(route);
    if (isWrite && lastAnswer && options.lie?.({ path: url.pathname, nth })) {
      call.outcome = 'lied';
      return new Response(lastAnswer, { status: 200, headers: { 'content-type': 'application/json' } });
    }
    if (n % BURST_EVERY === 0 && !fault.rateLimitBurst) {
      const size = 5 + Math.floor(dice() * 11);
      fault.rateLimitBurst = size;
      injected.bursts += 1;
      injected.burstCalls += size;
    }
    const slow = dice() < SLOW_SHARE;
    if (slow) injected.slow += 1;
    fault.delayMs = slow ? SLOW_MS : 0; // the simulator reads it when the request arrives; calls are sequential
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
      if (isWrite && res.status >= 200 && res.status < 300) {
        const text = await res.clone().text();
        lastSuccess.set(route, text);
      }
      return res;
    } catch (error) {
      if (timeout.aborted) {
        call.outcome = 'timeout';
        await settled(n);
      }
      throw error;
    }
  };

  const soak = await soakHub({
    now,
    // The limiter waits for room by moving the shared clock.
    sleep: async (ms) => {
      virtual += Math.max(0, ms);
    },
    fetch: soakFetch,
    inMemoryDisk: true,
  });
  const { hub, api } = soak;
  try {
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
        // The default 20 suits ordinary outages. Here a call fails f ≈ 28% of the time (20% 5xx, 5% dropped,
        // 429 bursts, timeouts), and a group event needs two calls (its company's write, shared by every group
        // of that company in the window, and its person's), so ~48% of its attempts fail. And the 24 groups
        // of a company go in the windows of the oldest one still waiting (updates of an entity land in order):
        // a later group fails in many of those windows. (Windows where only an older one failed spend none of
        // its attempts: it was sent again only for order.) In that model (50 companies × 24 groups, f = 0.28,
        // 2,000 simulated runs) the most attempts one group takes has median 18, p99 27, and reaches 25 in 3%
        // of runs (CI saw 25 once, with the old count, 24 on rerun); 35 is reached in none. Measured is
        // delivery, not the dead-letter threshold (the summary prints the most attempts one event took).
        maxAttempts: 35,
      },
    });
    const { writeKey } = await hub.sources.create({ name: 'soak', destinationId: destination.id });
    const events = backlog(options.scale);
    for (let i = 0; i < events.length; i += 500) {
      const res = await hub.app.request('/v1/batch', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basic(writeKey) },
        body: JSON.stringify({ batch: events.slice(i, i + 500) }),
      });
      expect(res.status).toBe(200);
    }

    sim.control.faults.set('*', fault);
    const started = Date.now();
    const firstPassFrom = now();
    // First pass: the whole backlog in one window. Some events must now be waiting with their last error shown.
    await hub.engine.runOnce();
    const firstPassTo = now();
    const waiting = await api('GET', '/api/events?state=retrying&limit=1000');
    const waitingEvents = waiting.body.events as Array<{
      attempts: number;
      lastError: { code: string; message: string };
    }>;

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

    const { body } = await api('GET', '/api/events?limit=1');
    const rows = await hub.db
      .selectFrom('events')
      .select(['id', 'message_id', 'state', 'attempts', 'type', 'unanswered_sends'])
      .orderBy('id')
      .execute();
    const check = checkAtVendor({
      sent: new Map(events.map((m) => [m.messageId, m])),
      acked: new Set(events.map((m) => m.messageId)),
      stored: rows.map((r) => ({
        id: r.id,
        messageId: r.message_id,
        state: r.state,
        unansweredSends: r.unanswered_sends,
      })),
      vendor: {
        rows: (object) => sim.state.rows(object),
        tracks: sim.state.events.map((e) => e.body as Record<string, unknown>),
      },
      personFields: [
        ['firstName', 'FirstName'],
        ['lastName', 'LastName'],
      ],
      companyFields: [['employees', 'Employees']],
      trackKey: 'seq',
    });

    const countBy = (values: string[]) => {
      const out: Record<string, number> = {};
      for (const v of values) out[v] = (out[v] ?? 0) + 1;
      return out;
    };
    const attempts = rows.map((r) => r.attempts);
    const maxByType: Record<string, number> = {};
    for (const r of rows) maxByType[r.type] = Math.max(maxByType[r.type] ?? 0, r.attempts);
    const log = sim.control.requests;
    // Minutes as each clock counts them: the hub's, and the simulator's own (20 s ahead).
    const minutesOf = (list: Call[], offset: number) =>
      countBy(list.map((c) => String(Math.floor((c.at + offset) / MINUTE))));
    const ours = minutesOf(calls, 0);
    const theirs = minutesOf(calls, CLOCK_OFFSET_MS);
    // Throughput while the first pass worked through the backlog: whole minutes of the simulator's clock.
    const firstMinute = Math.ceil((firstPassFrom + CLOCK_OFFSET_MS) / MINUTE);
    const lastMinute = Math.floor((firstPassTo + CLOCK_OFFSET_MS) / MINUTE);
    const passMinutes: number[] = [];
    for (let m = firstMinute; m < lastMinute; m++) passMinutes.push(theirs[String(m)] ?? 0);
    const perMinute = passMinutes.length ? passMinutes.reduce((a, b) => a + b, 0) / passMinutes.length : 0;
    const burst429 = injected.burstCalls - (fault.rateLimitBurst ?? 0);
    const limiter429 = log.filter((r) => r.status === 429).length - burst429;
    const published = sim.state.events.map((e) => (e.body as { seq: number }).seq);
    const timedOutButStored = calls.filter(
      (c) =>
        c.outcome === 'timeout' &&
        c.path.endsWith('/eventManager/event') &&
        sim.control.requests.find((r) => r.headers['x-soak-call'] === String(c.n))?.status === 200,
    ).length;
    const outcomes = countBy(calls.map((c) => String(c.outcome)));
    const endpoints: Record<string, string> = {};
    for (const [p, n] of Object.entries(countBy(calls.map((c) => c.path)))) {
      const ok = calls.filter((c) => c.path === p && c.outcome === 200).length;
      endpoints[p.replace(/^\/v1(\.0)?\//, '')] = `${ok}/${n}`;
    }
    const counts = body.counts as Record<string, number>;
    const stats = {
      counts,
      waitingEvents,
      retried: attempts.filter((a) => a > 1).length,
      limiter429,
      maxOurs: Math.max(...Object.values(ours)),
      maxTheirs: Math.max(...Object.values(theirs)),
      perMinute,
      passMinutes,
      published,
      timedOutButStored,
      lied: outcomes.lied ?? 0,
    };
    console.log(
      table(`faults soak (seed ${SEED}, scale ${options.scale}${options.lie ? ', writes acknowledged unsent' : ''})`, [
        ['events ingested', events.length],
        ['events delivered / dead-lettered', `${counts.delivered ?? 0} / ${counts.failed ?? 0}`],
        ['events retried (attempts > 1)', stats.retried],
        ['max attempts of one event', `${Math.max(...attempts)} (by type ${JSON.stringify(maxByType)})`],
        ['attempts histogram', JSON.stringify(countBy(attempts.map(String)))],
        ['last errors after pass 1', JSON.stringify(countBy(waitingEvents.map((e) => e.lastError.code)))],
        ['vendor calls', calls.length],
        ['calls by outcome', JSON.stringify(outcomes)],
        ['calls by endpoint (ok/all)', JSON.stringify(endpoints)],
        ['injected 5xx answers', log.filter((r) => r.status >= 500).length],
        ['injected dropped connections', log.filter((r) => r.status === -1).length],
        ['injected slow answers (→ timeouts)', `${injected.slow} (${outcomes.timeout ?? 0} timed out)`],
        ['injected 429 bursts', `${injected.bursts} bursts, ${burst429} calls`],
        ['429 from the simulator limiter', limiter429],
        ['simulator clock', `${CLOCK_OFFSET_MS / 1000} s ahead of the hub's`],
        [
          'max calls in a minute window',
          `${stats.maxTheirs} by the simulator's clock, ${stats.maxOurs} by the hub's (limit ${LIMITS.syncPerMinute})`,
        ],
        ['calls per minute, first pass', `${perMinute.toFixed(1)} (simulator minutes: ${passMinutes.join(', ')})`],
        [
          'people / companies / links',
          `${sim.state.rows('person').length} / ${sim.state.rows('company').length} / ${sim.state.rows('company_person').length}`,
        ],
        [
          'track publishes (re-sent after timeout)',
          `${published.length} (${published.length - new Set(published).size})`,
        ],
        ...Object.entries(check.counts).map(([k, v]) => [`checked: ${k}`, v] as [string, number]),
        ['checker problems', summarise(check.problems)],
        ['rounds (clock advances)', rounds],
        ['real time', `${((Date.now() - started) / 1000).toFixed(1)} s`],
      ]),
    );
    return { check, stats, events };
  } finally {
    await soak.close();
    await server.close();
  }
}

describe('delivery through vendor faults', () => {
  it('delivers a large backlog as promised, checked at the vendor, within the limits of a clock that is not ours', {
    timeout: 400_000,
  }, async () => {
    const { check, stats, events } = await faultsRun({ scale: 1 });
    expect(check.problems).toEqual([]);
    // 100% delivered, none dead-lettered, retries visible per event.
    expect(stats.counts).toEqual({ received: 0, retrying: 0, delivered: events.length, failed: 0 });
    expect(stats.waitingEvents.length).toBeGreaterThan(0);
    for (const e of stats.waitingEvents) {
      expect(e.attempts).toBeGreaterThanOrEqual(1);
      expect(['transient', 'rate_limited']).toContain(e.lastError.code);
    }
    expect(stats.retried).toBeGreaterThan(0);
    // A publish the vendor processed but never answered (timeout) is sent again: the only duplicates.
    expect(stats.published.length - new Set(stats.published).size).toBe(stats.timedOutButStored);
    // 0 limit violations by the simulator's clock, which is not the hub's; the budget is still used.
    expect(stats.maxTheirs).toBeLessThanOrEqual(LIMITS.syncPerMinute);
    expect(stats.limiter429).toBe(0);
    expect(stats.perMinute).toBeGreaterThanOrEqual(95);
  });

  it('the checker fails when every fourth write is acknowledged without reaching the vendor', {
    timeout: 200_000,
  }, async () => {
    const { check, stats } = await faultsRun({ scale: 0.2, lie: ({ nth }) => nth % 4 === 0 });
    expect(stats.lied).toBeGreaterThan(0);
    expect(check.problems.length).toBeGreaterThan(0);
  });
});
