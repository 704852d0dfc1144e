/**
 * Benchmark 1: vendor calls for a mixed workload, next to RudderStack's one-call-per-identify/track and
 * three-calls-per-group approach, as traffic really arrives:
 *   - windows of 20, 200 and 2,000 events (events waiting when a flush window is delivered);
 *   - live traffic at steady rates with the default 2 s flush window, the hub's limiter holding the
 *     tenant to 100 calls a minute (a window that has to wait for budget collects more events);
 *   - the whole 10,000-event workload queued at once (a backlog after an outage: the best case).
 * Virtual time: the limiter's waits and the flush windows cost no real time.
 *   pnpm bench:calls
 */
import { benchHub } from './setup.js';
import { mixedWorkload, rudderStackCalls } from './workload.js';

const FLUSH_WINDOW_MS = 2_000; // the destination's default
const events = mixedWorkload({ events: 10_000, people: 1_000, companies: 100, identifyShare: 0.6, groupShare: 0.35 });
const counts = { identify: 0, group: 0, track: 0 } as Record<string, number>;
for (const e of events) counts[String(e.type)] = (counts[String(e.type)] ?? 0) + 1;
const theirs = rudderStackCalls(events);

interface Scenario {
  name: string;
  /** Feeds the workload to the hub and delivers it; the hub's clock is virtual. */
  run(bench: Awaited<ReturnType<typeof setup>>): Promise<string>;
}

// The simulator allows far more than 100/min so only the hub's limiter (100/min, virtual time) shapes calls.
const setup = () =>
  benchHub({
    limits: { syncPerMinute: 1_000_000, syncPerDay: 10_000_000 },
    virtualTime: true,
    flushWindowMs: FLUSH_WINDOW_MS,
  });

const windows = (size: number): Scenario => ({
  name: `windows of ${size.toLocaleString('en-US')} events`,
  async run(bench) {
    for (let i = 0; i < events.length; i += size) {
      await bench.ingest(events.slice(i, i + size));
      await bench.hub.engine.drain();
    }
    return `${Math.ceil(events.length / size)} windows`;
  },
});

/** Events arrive at `rate` a second; the engine delivers what arrived every flush window (longer when the limiter made it wait). */
const live = (rate: number): Scenario => ({
  name: `live, ${rate} events/s, ${FLUSH_WINDOW_MS / 1000} s flush window`,
  async run(bench) {
    let next = 0;
    let owed = 0;
    let interval = FLUSH_WINDOW_MS;
    let cycles = 0;
    let largest = 0;
    const start = bench.now();
    while (next < events.length) {
      owed += (rate * interval) / 1000;
      const n = Math.min(events.length - next, Math.floor(owed));
      owed -= n;
      if (n > 0) await bench.ingest(events.slice(next, next + n));
      next += n;
      largest = Math.max(largest, n);
      const t0 = bench.now();
      await bench.hub.engine.runOnce();
      cycles += 1;
      // The engine waits its flush window after a cycle; the cycle itself took what the limiter made it wait.
      interval = FLUSH_WINDOW_MS + (bench.now() - t0);
    }
    await bench.hub.engine.drain();
    const minutes = (bench.now() - start) / 60_000;
    return `${cycles} windows (largest ${largest} events) over ${minutes.toFixed(0)} virtual minutes`;
  },
});

const backlog: Scenario = {
  name: 'one backlog of 10,000 events',
  async run(bench) {
    await bench.ingest(events);
    await bench.hub.engine.drain();
    return 'delivered as one window';
  },
};

console.log('Benchmark 1 — vendor calls for a mixed workload, next to RudderStack');
console.log(
  `  workload            ${events.length} events over 1000 people and 100 companies: ${JSON.stringify(counts)}`,
);
console.log(`  RudderStack calls   ${theirs} (identify 1, group 3, track 1 per event, however they arrive)`);
let failed = false;
const rows: Array<[string, number]> = [];
for (const scenario of [windows(20), windows(200), windows(2_000), live(2), live(20), backlog]) {
  const bench = await setup();
  const started = performance.now();
  const note = await scenario.run(bench);
  const seconds = (performance.now() - started) / 1000;
  const delivered = (await bench.hub.db.selectFrom('events').select('state').where('state', '=', 'delivered').execute())
    .length;
  const calls = bench.sim.control.requests.length;
  const byRoute = new Map<string, number>();
  for (const r of bench.sim.control.requests) {
    const route = `${r.method} ${r.path.replace(/\/query\/.*/, '/query/{object}')}`;
    byRoute.set(route, (byRoute.get(route) ?? 0) + 1);
  }
  console.log(`\n  ${scenario.name}: ${note}`);
  console.log(`    delivered         ${delivered} / ${events.length} in ${seconds.toFixed(1)} s`);
  console.log(
    `    Synchub calls     ${calls}  (${[...byRoute]
      .sort()
      .map(([route, n]) => `${route} ${n}`)
      .join(', ')})`,
  );
  console.log(`    ratio             ${(calls / theirs).toFixed(3)}`);
  rows.push([scenario.name, calls / theirs]);
  if (delivered !== events.length) failed = true;
  await bench.close();
}
console.log("\n  ratio to RudderStack's calls");
for (const [name, ratio] of rows) console.log(`    ${name.padEnd(44)} ${ratio.toFixed(3)}`);
if (failed) process.exitCode = 1;
