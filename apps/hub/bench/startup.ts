/**
 * Benchmark: cold start and idle memory of `synchub start` as users run it. Spawns
 * `node apps/hub/bin/synchub.js start --port 0 --data-dir <fresh tmp dir>` N times; cold start is the time
 * from spawn to the first 200 from /health (a first start: migrations, key file and all), idle RSS is read
 * after the hub has sat idle (from /proc/<pid>/status VmRSS, cross-checked with /metrics).
 *   pnpm bench:startup [--runs 5 --idle 10]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_TOKEN } from './setup.js';

const { values } = parseArgs({
  // A literal `--` (as `npm run x -- --runs 3` may pass it on) is not an argument.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { runs: { type: 'string', default: '5' }, idle: { type: 'string', default: '10' } },
});
const runs = Math.max(1, Number(values.runs));
const idleMs = Math.max(0, Number(values.idle)) * 1000;
const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../bin/synchub.js');
// The benchmark reads the env only to pass the token on (the hub's own env.ts validates it).
const token = process.env.SYNCHUB_ADMIN_TOKEN ?? BENCH_TOKEN;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The URL the hub prints once listening ("Synchub is running at http://…"). */
function urlOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /running at (http:\/\/\S+)/.exec(line);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`hub exited (${code}) before listening`)));
  });
}

async function firstHealthy(url: string): Promise<void> {
  for (;;) {
    try {
      const res = await fetch(`${url}/health`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // Not accepting yet.
    }
    await sleep(5);
  }
}

async function procRss(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined; // not Linux
  }
}

async function metricsRss(url: string): Promise<number | undefined> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  const value = /^synchub_process_resident_memory_bytes(?:\{\})?\s+(\d+(?:\.\d+)?)/m.exec(text)?.[1];
  return value ? Number(value) : undefined;
}

interface Result {
  coldMs: number;
  rss: number | undefined;
  metrics: number | undefined;
}

async function once(): Promise<Result> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'synchub-startup-'));
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'start', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, SYNCHUB_ADMIN_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await urlOf(child);
    await firstHealthy(url);
    const coldMs = performance.now() - started;
    await sleep(idleMs);
    const rss = child.pid === undefined ? undefined : await procRss(child.pid);
    return { coldMs, rss, metrics: await metricsRss(url) };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
}

const results: Result[] = [];
for (let i = 0; i < runs; i++) {
  const r = await once();
  results.push(r);
  process.stdout.write(
    `  run ${i + 1}: cold start ${r.coldMs.toFixed(0)} ms, idle RSS ${mb(r.rss)} (/metrics ${mb(r.metrics)})\n`,
  );
}

function mb(bytes: number | undefined): string {
  return bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
const median = (list: number[]) => {
  const s = [...list].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const cold = results.map((r) => r.coldMs);
const rss = results.flatMap((r) => ((r.rss ?? r.metrics) !== undefined ? [(r.rss ?? r.metrics) as number] : []));

console.log(`Benchmark — cold start and idle memory of \`synchub start\` (${runs} runs, fresh data dir each)`);
console.log(
  `  cold start          median ${median(cold).toFixed(0)} ms, max ${Math.max(...cold).toFixed(0)} ms (spawn → first 200 from /health)`,
);
console.log(
  `  idle RSS            median ${mb(rss.length ? median(rss) : undefined)}, max ${mb(rss.length ? Math.max(...rss) : undefined)} after ${idleMs / 1000} s idle`,
);
