/**
 * Benchmark 1: vendor calls for a mixed workload, next to RudderStack's one-call-per-identify/track and
 * three-calls-per-group approach. Target: at most one tenth.
 *   pnpm bench:calls
 */
import { benchHub } from './setup.js';
import { mixedWorkload, rudderStackCalls } from './workload.js';

const events = mixedWorkload({ events: 10_000, people: 1_000, companies: 100, identifyShare: 0.6, groupShare: 0.35 });
const counts = { identify: 0, group: 0, track: 0 } as Record<string, number>;
for (const e of events) counts[String(e.type)] = (counts[String(e.type)] ?? 0) + 1;

// The hub's limiter still enforces 100/min, in virtual time, so this counts calls without waiting 15 minutes.
const bench = await benchHub({ limits: { syncPerMinute: 1_000_000, syncPerDay: 10_000_000 }, virtualTime: true });
await bench.ingest(events);
const started = performance.now();
await bench.hub.engine.drain();
const seconds = (performance.now() - started) / 1000;

const rows = await bench.hub.db.selectFrom('events').select(['state']).execute();
const delivered = rows.filter((r) => r.state === 'delivered').length;
const calls = bench.sim.control.requests.length;
const byRoute = new Map<string, number>();
for (const r of bench.sim.control.requests) {
  const route = `${r.method} ${r.path.replace(/\/query\/.*/, '/query/{object}')}`;
  byRoute.set(route, (byRoute.get(route) ?? 0) + 1);
}
const theirs = rudderStackCalls(events);

console.log('Benchmark 1 — vendor calls for a mixed workload (backlog delivered by the engine)');
console.log(
  `  workload            ${events.length} events over 1000 people and 100 companies: ${JSON.stringify(counts)}`,
);
console.log(`  delivered           ${delivered} / ${events.length} in ${seconds.toFixed(1)} s`);
console.log(`  Synchub calls       ${calls}`);
for (const [route, n] of [...byRoute].sort()) console.log(`    ${route.padEnd(40)} ${n}`);
console.log(`  RudderStack calls   ${theirs} (identify 1, group 3, track 1 per event)`);
console.log(`  ratio               ${(calls / theirs).toFixed(3)} (target ≤ 0.100)`);
await bench.close();
if (delivered !== events.length) process.exitCode = 1;
