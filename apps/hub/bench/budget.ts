/**
 * Benchmark 2: with a backlog against the Gainsight simulator enforcing 100 calls/minute (fixed windows on
 * the simulator's own clock, `--offset` seconds ahead of the hub's, default 20), how many calls per minute
 * the hub achieves (target ≥ 95) and how many 429s it receives (target 0). The backlog starts when the
 * simulator's minute is a few seconds old, where a limiter that assumed the vendor's windows were its own
 * would send a second minute's worth into the same vendor minute.
 * Real time: one rolling minute of warm-up, then `--minutes` whole minutes of the simulator's clock.
 *   pnpm bench:budget [-- --minutes 3] [--offset 20]
 */
import { parseArgs } from 'node:util';
import { benchHub } from './setup.js';

const { values } = parseArgs({
  // `pnpm bench:budget -- --minutes 3` passes the `--` through: skip it.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { minutes: { type: 'string', default: '3' }, offset: { type: 'string', default: '20' } },
});
const minutes = Math.max(1, Number(values.minutes));
const offsetMs = Math.round(Number(values.offset) * 1000);
const MINUTE = 60_000;
const vendorTime = (t: number) => t + offsetMs;

const bench = await benchHub({
  limits: { syncPerMinute: 100, syncPerDay: 50_000 },
  flushWindowMs: 500,
  simulator: { clockOffsetMs: offsetMs },
});
// Distinct people: each identify is one call, so the backlog outlasts the run.
const backlog = Array.from({ length: 100 * (minutes + 3) }, (_, i) => ({
  type: 'identify',
  messageId: `budget-${i}`,
  userId: `u${i}`,
  traits: { email: `budget${i}@example.com` },
}));
await bench.ingest(backlog);
// Start 5 s into a minute of the simulator's clock.
const startAt = Math.ceil((vendorTime(Date.now()) - 5_000) / MINUTE) * MINUTE + 5_000 - offsetMs;
process.stdout.write(
  `Backlog of ${backlog.length} events; the simulator's clock is ${offsetMs / 1000} s ahead; starting at ${new Date(startAt).toISOString()} (its :05)…\n`,
);
await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
const started = Date.now();
bench.hub.engine.start();
// Measured: whole minutes of the simulator's clock after the first rolling minute (61 s) has passed.
const firstFull = Math.ceil(vendorTime(started + 61_000) / MINUTE) * MINUTE;
const end = firstFull + minutes * MINUTE;
await new Promise((r) => setTimeout(r, end - offsetMs - Date.now() + 1500));
await bench.hub.engine.stop();

const calls = bench.sim.control.requests;
const at = calls.map((r) => vendorTime(r.at)).sort((a, b) => a - b);
const perMinute: number[] = [];
for (let w = firstFull; w < end; w += MINUTE) perMinute.push(at.filter((t) => t >= w && t < w + MINUTE).length);
const warmUp = at.filter((t) => t < vendorTime(started + 61_000)).length;
let maxRolling = 0;
for (let i = 0, j = 0; i < at.length; i++) {
  while ((at[i] as number) - (at[j] as number) >= MINUTE) j++;
  maxRolling = Math.max(maxRolling, i - j + 1);
}
const limited = calls.filter((r) => r.status === 429).length;
const delivered = (await bench.hub.db.selectFrom('events').select('state').where('state', '=', 'delivered').execute())
  .length;

console.log(
  `Benchmark 2 — call budget use against a simulator enforcing 100/minute on a clock ${offsetMs / 1000} s ahead`,
);
console.log(`  first 61 s           ${warmUp} calls (half the budget at once, then spread)`);
for (const [i, n] of perMinute.entries())
  console.log(`  minute ${i + 1}            ${n} calls (the simulator's minute)`);
console.log(
  `  mean                ${(perMinute.reduce((a, b) => a + b, 0) / perMinute.length).toFixed(1)} calls/minute (target ≥ 95)`,
);
console.log(`  most in any 60 s    ${maxRolling} calls`);
console.log(`  429 answers         ${limited} (target 0)`);
console.log(`  delivered so far    ${delivered} of ${backlog.length}`);
await bench.close();
