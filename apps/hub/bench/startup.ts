/**
 * Benchmark: cold start and idle memory of `synchub start` as users run it: the compiled hub
 * (`apps/hub/bin/synchub.js` → dist/, so build first: the root `bench:startup` script does). Spawns
 * `node apps/hub/bin/synchub.js start --port 0 --data-dir <fresh tmp dir>` N times; cold start is the time
 * from spawn to the first 200 from /health (a first start: migrations, key file and all), idle RSS is read
 * after the hub has sat idle (from /proc/<pid>/status VmRSS, cross-checked with /metrics). The CPU time the
 * hub process had used when it answered (/proc/<pid>/stat) is printed too: on a shared machine it moves far
 * less with the load than the wall-clock figure, and the load average is printed beside the figures.
 *   pnpm bench:startup [--runs 5 --idle 10]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
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
if (!existsSync(path.resolve(here, '../dist/cli.js'))) {
  console.error('The hub is not built (no apps/hub/dist/cli.js): run `npx --yes pnpm@10 bench:startup` from the root.');
  process.exit(1);
}
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

/** User + system CPU time of a process so far, in ms (Linux). */
async function procCpuMs(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

interface Result {
  coldMs: number;
  cpuMs: number | undefined;
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
    const cpuMs = child.pid === undefined ? undefined : await procCpuMs(child.pid);
    await sleep(idleMs);
    const rss = child.pid === undefined ? undefined : await procRss(child.pid);
    return { coldMs, cpuMs, rss, metrics: await metricsRss(url) };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
}

const loadBefore = os.loadavg();
const results: Result[] = [];
for (let i = 0; i < runs; i++) {
  const r = await once();
  results.push(r);
  process.stdout.write(
    `  run ${i + 1}: cold start ${r.coldMs.toFixed(0)} ms (CPU ${ms(r.cpuMs)}), idle RSS ${mb(r.rss)} (/metrics ${mb(r.metrics)})\n`,
  );
}

function ms(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${value.toFixed(0)} ms`;
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
const cpu = results.flatMap((r) => (r.cpuMs === undefined ? [] : [r.cpuMs]));
const rss = results.flatMap((r) => ((r.rss ?? r.metrics) !== undefined ? [(r.rss ?? r.metrics) as number] : []));

console.log(`Benchmark — cold start and idle memory of \`synchub start\` (${runs} runs, fresh data dir each)`);
console.log(
  `  cold start          median ${median(cold).toFixed(0)} ms, max ${Math.max(...cold).toFixed(0)} ms (spawn → first 200 from /health)`,
);
console.log(
  `  CPU at ready        median ${ms(cpu.length ? median(cpu) : undefined)}, max ${ms(cpu.length ? Math.max(...cpu) : undefined)} (user + system time of the hub process at that first 200)`,
);
console.log(
  `  idle RSS            median ${mb(rss.length ? median(rss) : undefined)}, max ${mb(rss.length ? Math.max(...rss) : undefined)} after ${idleMs / 1000} s idle`,
);
const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
console.log(`  load average        ${loads(loadBefore)} before, ${loads(os.loadavg())} after (1 / 5 / 15 min)`);
