// Latency probes for bench:ingest, run in a worker thread of the bench: its own event loop, so the load
// generator's work never shows up as the hub's latency. A monitor asks GET /health every `healthEveryMs`
// and a dashboard asks for an /api/events page every `pageEveryMs`, one request at a time each, until told
// to stop; then it posts every latency it measured, in ms: { health: [], page: [], failures }.
// Plain JavaScript: a worker thread does not inherit the TypeScript loader the bench runs under.
import { parentPort, workerData } from 'node:worker_threads';

const { url, token, healthEveryMs, pageEveryMs } = workerData;
let stopped = false;
let failures = 0;
parentPort.once('message', () => {
  stopped = true;
});

async function probe(path, every, headers, out) {
  while (!stopped) {
    const started = performance.now();
    try {
      const res = await fetch(`${url}${path}`, { headers });
      await res.arrayBuffer();
      if (!res.ok) failures += 1;
    } catch {
      failures += 1;
    }
    const ms = performance.now() - started;
    out.push(ms);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, every - ms)));
  }
}

const health = [];
const page = [];
await Promise.all([
  probe('/health', healthEveryMs, {}, health),
  probe('/api/events?limit=50', pageEveryMs, { authorization: `Bearer ${token}` }, page),
]);
parentPort.postMessage({ health, page, failures });
