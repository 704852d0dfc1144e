/**
 * Benchmark 2: with a backlog against the Gainsight simulator enforcing 100 calls/minute (fixed windows),
 * how many calls per minute the hub achieves (target ≥ 95) and how many 429s it receives (target 0).
 * Real time: runs until it has seen `--minutes` whole minute windows (default 3).
 *   pnpm bench:budget [-- --minutes 3]
 */
import { parseArgs } from 'node:util';
import { benchHub } from './setup.js';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '3' } } });
const minutes = Math.max(1, Number(values.minutes));
const MINUTE = 60_000;

const bench = await benchHub({ limits: { syncPerMinute: 100, syncPerDay: 50_000 }, flushWindowMs: 500 });
// Distinct people: each identify is one call, so the backlog outlasts the run.
const backlog = Array.from({ length: 100 * (minutes + 2) }, (_, i) => ({
  type: 'identify',
  messageId: `budget-${i}`,
  userId: `u${i}`,
  traits: { email: `budget${i}@example.com` },
}));
await bench.ingest(backlog);
const started = Date.now();
bench.hub.engine.start();
const firstFull = Math.ceil(started / MINUTE) * MINUTE;
const end = firstFull + minutes * MINUTE;
process.stdout.write(
  `Backlog of ${backlog.length} events; measuring ${minutes} whole minutes from ${new Date(firstFull).toISOString()}…\n`,
);
await new Promise((r) => setTimeout(r, end - Date.now() + 1500));
await bench.hub.engine.stop();

const calls = bench.sim.control.requests;
const perMinute: number[] = [];
for (let w = firstFull; w < end; w += MINUTE)
  perMinute.push(calls.filter((r) => r.at >= w && r.at < w + MINUTE).length);
const limited = calls.filter((r) => r.status === 429).length;
const delivered = (await bench.hub.db.selectFrom('events').select('state').where('state', '=', 'delivered').execute())
  .length;

console.log('Benchmark 2 — call budget use against a simulator enforcing 100/minute');
for (const [i, n] of perMinute.entries()) console.log(`  minute ${i + 1}            ${n} calls`);
console.log(
  `  mean                ${(perMinute.reduce((a, b) => a + b, 0) / perMinute.length).toFixed(1)} calls/minute (target ≥ 95)`,
);
console.log(`  429 answers         ${limited} (target 0)`);
console.log(`  delivered so far    ${delivered} of ${backlog.length}`);
await bench.close();
