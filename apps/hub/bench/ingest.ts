/**
 * Benchmark 3: durable ingest (WAL, synchronous=FULL, 200 only after commit) at the batch sizes real SDKs
 * send, against the raw better-sqlite3 ceiling on the same disk, in one invocation:
 *   1. raw ceiling: the same rows INSERT OR IGNOREd by plain better-sqlite3 into the hub's schema in
 *      500-row transactions with the hub's pragmas (measured before and after the hub runs; the higher
 *      figure is the ceiling every ratio uses);
 *   2. the hub (its own process, fresh data dir each time) with batches of 20, 16 requests in flight,
 *      gzipped, shaped and headed as @rudderstack/rudder-sdk-node sends them;
 *   3. batches of 500, 4 in flight;
 *   4–5. the same two while a Gainsight destination delivers to the Gainsight simulator;
 * and during each, the latency of GET /health (every 10 ms) and of an /api/events page (every 500 ms),
 * probed from a worker thread so the load generator's own work is not counted, and the CPU the hub used
 * per event (its main thread + its other threads: commit worker, reader, GC).
 * messageIds are random UUIDs, as the SDKs make them: every insert lands on a random page of the unique
 * index, so the ceiling is bound by page writes. `--ids sequential` (the previous bench's ids) makes it
 * CPU-bound instead, a harder ceiling to approach.
 *   pnpm bench:ingest [-- --events20 100000 --events500 300000 --raw 200000 --ids uuid|sequential
 *                        --only <label part> --hub-flags="--cpu-prof --cpu-prof-dir=/tmp/prof"]
 * Targets (issue 15): batches of 20 ≥ 0.30 of the ceiling, batches of 500 ≥ 0.50, /health p99 ≤ 50 ms.
 * Exits non-zero only if a request failed or an event is missing; the targets are printed, not enforced.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { createGainsightSimulator, listen } from '@synchub/sandbox';
import SQLite from 'better-sqlite3';
import { CONNECTION_PRAGMAS, migrateToLatest, openDatabase } from '../src/db/index.js';
import { BENCH_TOKEN } from './setup.js';
import { mixedWorkload } from './workload.js';

const { values } = parseArgs({
  options: {
    events20: { type: 'string', default: '100000' },
    events500: { type: 'string', default: '300000' },
    raw: { type: 'string', default: '200000' },
    /** messageIds: "uuid" (random, as the SDKs make them) or "sequential" (bench-7-0, bench-7-1…). */
    ids: { type: 'string', default: 'uuid' },
    /** Run only the scenarios whose label contains this (e.g. "20," or "deliver"). */
    only: { type: 'string', default: '' },
    /** Extra node flags for the hub process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof". */
    'hub-flags': { type: 'string', default: '' },
  },
});
const events20 = Number(values.events20);
const events500 = Number(values.events500);
const rawRows = Number(values.raw);
const RAW_TXN_ROWS = 500;
const HEALTH_EVERY_MS = 10;
const PAGE_EVERY_MS = 500;
const here = path.dirname(fileURLToPath(import.meta.url));
const SDK_VERSION = '3.0.13';

/** What ingest-probe.js is given and answers. */
interface ProbeOptions {
  url: string;
  token: string;
  healthEveryMs: number;
  pageEveryMs: number;
}
interface ProbeResult {
  health: number[];
  page: number[];
  failures: number;
}

// ── the workload: mixed identify/group/track, shaped as the RudderStack Node SDK sends each message
const base = mixedWorkload({
  events: Math.max(events20, events500, rawRows),
  people: 10_000,
  companies: 500,
  identifyShare: 0.5,
  groupShare: 0.2,
  seed: 7,
});
const started = Date.now();
const messages = base.map((e, i): Record<string, unknown> & { messageId: string } => {
  const at = new Date(started + i).toISOString();
  const traits = e.type === 'identify' ? { traits: e.traits } : {};
  return {
    ...e,
    messageId: values.ids === 'sequential' ? String(e.messageId) : randomUUID(),
    context: {
      ...(e.context as object | undefined),
      ...traits,
      library: { name: 'analytics-node', version: SDK_VERSION },
    },
    channel: 'server',
    _metadata: { nodeVersion: process.versions.node },
    originalTimestamp: at,
    sentAt: at,
  };
});
const avgBytes = Math.round(
  messages.slice(0, 1000).reduce((n, m) => n + Buffer.byteLength(JSON.stringify(m)), 0) /
    Math.min(1000, messages.length),
);

interface Body {
  bytes: Buffer;
  events: number;
}
function bodies(count: number, size: number, gzip: boolean): Body[] {
  const out: Body[] = [];
  for (let i = 0; i < count; i += size) {
    const batch = messages.slice(i, Math.min(count, i + size));
    const sentAt = new Date().toISOString();
    const json = JSON.stringify({ batch, timestamp: sentAt, sentAt });
    out.push({ bytes: gzip ? gzipSync(json) : Buffer.from(json), events: batch.length });
  }
  return out;
}

// ── 1. the raw ceiling
async function rawCeiling(): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-raw-'));
  const file = path.join(dir, 'synchub.sqlite');
  const db = openDatabase(file);
  await migrateToLatest(db);
  await db.destroy();
  const sqlite = new SQLite(file);
  for (const pragma of CONNECTION_PRAGMAS) sqlite.pragma(pragma);
  const insert = sqlite.prepare(
    `INSERT OR IGNORE INTO events (source_id, message_id, type, received_at, payload_json, state, attempts, next_attempt_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'received', 0, 0, ?)`,
  );
  const rows = messages.slice(0, rawRows).map((m) => [m.messageId, String(m.type), JSON.stringify(m)] as const);
  const insertMany = sqlite.transaction((from: number, to: number) => {
    const at = Date.now();
    for (let i = from; i < to; i++) {
      const [id, type, json] = rows[i] as (typeof rows)[number];
      insert.run('source', id, type, at, json, at);
    }
  });
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += RAW_TXN_ROWS) insertMany(i, Math.min(rows.length, i + RAW_TXN_ROWS));
  const seconds = (performance.now() - t0) / 1000;
  sqlite.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return rows.length / seconds;
}

// ── 2–5. the hub
const children = new Set<ChildProcess>();
// A bench that fails must not leave a hub process behind.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
async function startHubProcess(): Promise<{ child: ChildProcess; url: string; writeKey: string }> {
  const flags = values['hub-flags'].split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...flags, '--conditions=@synchub/source', '--import', 'tsx', path.join(here, 'hub-process.ts')],
    {
      cwd: path.resolve(here, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  const first = await new Promise<string>((resolve, reject) => {
    // The first JSON line: hub flags such as --trace-gc print to stdout too.
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (line.startsWith('{')) resolve(line);
      else if (flags.length > 0) console.error(line);
    });
    child.once('exit', (code) => reject(new Error(`hub process exited early (${code})`)));
  });
  return { child, ...(JSON.parse(first) as { url: string; writeKey: string }) };
}

/** CPU seconds used by the process's main thread and by all its other threads, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): { main: number; others: number } | undefined {
  const of = (stat: string) => {
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  try {
    let main = 0;
    let others = 0;
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const used = of(fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
      if (tid === String(pid)) main = used;
      else others += used;
    }
    return { main, others };
  } catch {
    return undefined;
  }
}

const api = async (url: string, method: string, route: string, body?: unknown) => {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
};

interface Scenario {
  label: string;
  events: number;
  batch: number;
  concurrency: number;
  gzip: boolean;
  deliver: boolean;
}
interface Outcome {
  scenario: Scenario;
  rate: number;
  seconds: number;
  failures: number;
  /** Requests sent again after their connection broke. */
  retries: number;
  stored: number;
  counts: Record<string, number>;
  vendorCalls: number | undefined;
  /** CPU µs per event: the hub's main thread, its other threads (commit worker, reader, GC, libuv). */
  cpuPerEvent: { main: number; others: number } | undefined;
  probes: ProbeResult;
}

async function runScenario(s: Scenario): Promise<Outcome> {
  const hub = await startHubProcess();
  let writeKey = hub.writeKey;
  let sim: ReturnType<typeof createGainsightSimulator> | undefined;
  let simServer: Awaited<ReturnType<typeof listen>> | undefined;
  try {
    if (s.deliver) {
      sim = createGainsightSimulator({ companies: 0, people: 0 });
      simServer = await listen(sim.app);
      const { connection } = (await api(hub.url, 'POST', '/api/connections', {
        connectorId: 'gainsight',
        name: 'bench',
        settings: { domain: simServer.url, sandbox: true, tenantId: sim.credentials.tenantId },
        secrets: { accessKey: sim.credentials.accessKey, sharedSecret: sim.credentials.sharedSecret },
      })) as { connection: { id: string } };
      const { destination } = (await api(hub.url, 'POST', '/api/destinations', {
        name: 'bench',
        kind: 'gainsight',
        connectionId: connection.id,
        settings: {
          topicName: 'product',
          eventVersions: [{ event: 'Feature Used', eventName: 'Product Event', version: 'v01' }],
          flushWindowMs: 1000,
        },
      })) as { destination: { id: string } };
      ({ writeKey } = (await api(hub.url, 'POST', '/api/sources', {
        name: 'bench delivering',
        destinationId: destination.id,
      })) as { writeKey: string });
    }
    const payloads = bodies(s.events, s.batch, s.gzip);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
      ...(s.gzip ? { 'content-encoding': 'gzip', 'user-agent': `analytics-node/${SDK_VERSION}` } : {}),
    };
    const probeOptions: ProbeOptions = {
      url: hub.url,
      token: BENCH_TOKEN,
      healthEveryMs: HEALTH_EVERY_MS,
      pageEveryMs: PAGE_EVERY_MS,
    };
    const prober = new Worker(new URL('./ingest-probe.js', import.meta.url), {
      workerData: probeOptions,
      execArgv: [],
    });
    const probed = new Promise<ProbeResult>((resolve, reject) => {
      prober.once('message', resolve);
      prober.once('error', reject);
    });

    let next = 0;
    let failures = 0;
    let retries = 0;
    const exited = new Promise<never>((_, reject) =>
      hub.child.once('exit', (code, signal) => reject(new Error(`the hub process exited (${signal ?? code})`))),
    );
    const cpuBefore = cpuSeconds(hub.child.pid);
    const t0 = performance.now();
    // As the SDKs do, a request whose connection broke is sent again (messageIds make that safe).
    const send = async (body: Body): Promise<number> => {
      for (let attempt = 1; ; attempt++) {
        try {
          const res = await fetch(`${hub.url}/v1/batch`, { method: 'POST', headers, body: body.bytes });
          await res.arrayBuffer();
          return res.status;
        } catch (error) {
          if (attempt === 3) throw error;
          retries += 1;
        }
      }
    };
    await Promise.race([
      exited,
      Promise.all(
        Array.from({ length: s.concurrency }, async () => {
          while (next < payloads.length) {
            if ((await send(payloads[next++] as Body)) !== 200) failures += 1;
          }
        }),
      ),
    ]);
    const seconds = (performance.now() - t0) / 1000;
    const cpuAfter = cpuSeconds(hub.child.pid);
    prober.postMessage('stop');
    const probes = await probed;
    await prober.terminate();
    const { counts } = (await api(hub.url, 'GET', '/api/events?limit=1')) as { counts: Record<string, number> };
    const stored = Object.values(counts).reduce((a, b) => a + b, 0);
    return {
      scenario: s,
      rate: s.events / seconds,
      seconds,
      failures,
      retries,
      stored,
      counts,
      vendorCalls: sim?.control.requests.length,
      cpuPerEvent:
        cpuBefore && cpuAfter
          ? {
              main: ((cpuAfter.main - cpuBefore.main) / s.events) * 1e6,
              others: ((cpuAfter.others - cpuBefore.others) / s.events) * 1e6,
            }
          : undefined,
      probes,
    };
  } finally {
    hub.child.kill('SIGTERM');
    await new Promise((resolve) => hub.child.once('exit', resolve));
    await simServer?.close();
  }
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
};
const ms = (v: number) => (Number.isNaN(v) ? '—' : `${v < 10 ? v.toFixed(1) : Math.round(v)}`);
const int = (v: number) => Math.round(v).toLocaleString('en-US');
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const loadAtStart = load();
const ceilingBefore = await rawCeiling();
const scenarios: Scenario[] = [
  {
    label: 'batches of 20, 16 in flight, gzip',
    events: events20,
    batch: 20,
    concurrency: 16,
    gzip: true,
    deliver: false,
  },
  { label: 'batches of 500, 4 in flight', events: events500, batch: 500, concurrency: 4, gzip: false, deliver: false },
  { label: '20 × 16, gzip, while delivering', events: events20, batch: 20, concurrency: 16, gzip: true, deliver: true },
  { label: '500 × 4, while delivering', events: events500, batch: 500, concurrency: 4, gzip: false, deliver: true },
];
const outcomes: Outcome[] = [];
for (const s of scenarios) if (s.label.includes(values.only)) outcomes.push(await runScenario(s));
const ceilingAfter = await rawCeiling();
const ceiling = Math.max(ceilingBefore, ceilingAfter);

const lines = [
  'Benchmark 3 — durable ingest (WAL, synchronous=FULL, 200 only after commit)',
  `  machine             ${os.cpus().length} cores, Node ${process.versions.node}, load average ${loadAtStart} at start, ${load()} at end`,
  `  events              mixed identify/group/track as the RudderStack Node SDK shapes them, ${avgBytes} bytes each on average, ${values.ids === 'sequential' ? 'sequential' : 'random UUID'} messageIds`,
  `  raw ceiling         ${int(ceiling)} rows/s: better-sqlite3, ${RAW_TXN_ROWS}-row transactions, hub schema and pragmas, same disk (${int(ceilingBefore)} before, ${int(ceilingAfter)} after the hub runs)`,
  '',
  `  ${'scenario'.padEnd(36)} ${'events/s'.padStart(9)} ${'× raw'.padStart(6)} ${'CPU µs/event'.padStart(13)}  ${'/health p50 p99 max'.padEnd(21)} ${'/api/events p50 p99'.padEnd(20)} delivery`,
];
for (const o of outcomes) {
  const h = o.probes.health;
  const p = o.probes.page;
  const delivery = o.scenario.deliver
    ? `${int(o.counts.delivered ?? 0)} delivered, ${int((o.counts.retrying ?? 0) + (o.counts.failed ?? 0))} retrying/failed, ${o.vendorCalls ?? 0} vendor calls`
    : '—';
  lines.push(
    `  ${o.scenario.label.padEnd(36)} ${int(o.rate).padStart(9)} ${(o.rate / ceiling).toFixed(2).padStart(6)} ${(o.cpuPerEvent === undefined ? '—' : `${o.cpuPerEvent.main.toFixed(0)} + ${o.cpuPerEvent.others.toFixed(0)}`).padStart(13)}  ${`${ms(percentile(h, 50))} ${ms(percentile(h, 99))} ${ms(Math.max(...h))} ms`.padEnd(21)} ${`${ms(percentile(p, 50))} ${ms(percentile(p, 99))} ms`.padEnd(20)} ${delivery}`,
  );
}
lines.push('');
for (const o of outcomes) {
  lines.push(
    `  ${o.scenario.label.padEnd(36)} ${int(o.scenario.events)} events in ${o.seconds.toFixed(2)} s (${Math.ceil(o.scenario.events / o.scenario.batch)} requests); stored ${int(o.stored)}; failed requests ${o.failures}, resent ${o.retries}; probes ${o.probes.health.length} /health, ${o.probes.page.length} pages, ${o.probes.failures} failed`,
  );
}
const worstHealth = Math.max(...outcomes.map((o) => percentile(o.probes.health, 99)));
/** The target line for one figure; "—" when --only left its scenario out. */
const target = (label: string, value: number | undefined, ok: (v: number) => boolean, text: (v: number) => string) =>
  `${label}: ${value === undefined || !Number.isFinite(value) ? '—' : `${text(value)} ${ok(value) ? 'met' : 'NOT met'}`}`;
const ratioOf = (batch: number) =>
  outcomes.find((o) => o.scenario.batch === batch && !o.scenario.deliver)?.rate ?? Number.NaN;
lines.push(
  '',
  `  targets             ${[
    target(
      'batches of 20 ≥ 0.30 × raw',
      ratioOf(20) / ceiling,
      (v) => v >= 0.3,
      (v) => v.toFixed(2),
    ),
    target(
      'batches of 500 ≥ 0.50 × raw',
      ratioOf(500) / ceiling,
      (v) => v >= 0.5,
      (v) => v.toFixed(2),
    ),
    target(
      '/health p99 ≤ 50 ms in every scenario',
      worstHealth,
      (v) => v <= 50,
      (v) => `worst ${ms(v)} ms`,
    ),
  ].join('; ')}`,
);
console.log(lines.join('\n'));
if (outcomes.some((o) => o.failures > 0 || o.stored !== o.scenario.events)) process.exitCode = 1;
