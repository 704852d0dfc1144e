/**
 * Benchmark 3: ingest throughput through /v1/batch with durable commits (synchronous=FULL, one
 * transaction per request, 200 only after commit). The hub runs in its own process; this one sends
 * pre-built batches with a few requests in flight. Target ≥ 30,000 events/s on a 2-core machine.
 *   pnpm bench:ingest [-- --events 300000 --batch 500 --concurrency 4]
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_TOKEN } from './setup.js';
import { mixedWorkload } from './workload.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '300000' },
    batch: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '4' },
  },
});
const total = Number(values.events);
const batchSize = Number(values.batch);
const concurrency = Number(values.concurrency);

const here = path.dirname(fileURLToPath(import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'hub-process.ts')], {
  cwd: path.resolve(here, '..'),
  stdio: ['ignore', 'pipe', 'inherit'],
});
const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
const { url, writeKey } = JSON.parse(first) as { url: string; writeKey: string };

// Bodies are built before timing: the figure is the hub's, not this generator's JSON encoding.
const events = mixedWorkload({
  events: total,
  people: 10_000,
  companies: 500,
  identifyShare: 0.5,
  groupShare: 0.2,
  seed: 7,
});
const bodies: string[] = [];
for (let i = 0; i < events.length; i += batchSize)
  bodies.push(JSON.stringify({ batch: events.slice(i, i + batchSize) }));
const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;

let next = 0;
let failures = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as string;
      const res = await fetch(`${url}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body,
      });
      if (res.status !== 200) failures += 1;
      await res.arrayBuffer();
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const counts = (await (
  await fetch(`${url}/api/events?limit=1`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } })
).json()) as {
  counts: Record<string, number>;
};
child.kill('SIGTERM');

console.log('Benchmark 3 — durable ingest through /v1/batch');
console.log(`  events              ${total} in ${bodies.length} requests of ${batchSize}, ${concurrency} in flight`);
console.log(`  elapsed             ${seconds.toFixed(2)} s`);
console.log(`  throughput          ${Math.round(total / seconds)} events/s (target ≥ 30000)`);
console.log(`  stored (received)   ${counts.counts.received}; failed requests ${failures}`);
if (counts.counts.received !== total || failures > 0) process.exitCode = 1;
