import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { hubSourceArgs } from '../hub-command.js';
import type { CallLogEntry } from './simulator.js';

/**
 * The scale suite's machinery: a fresh PostgreSQL database, hub processes (the compiled hub, as users run
 * it) sharing it, the vendors' process, and the chaos the suite plays on them. Nothing here is the hub's:
 * the hub processes get only settings, plus a preload (`tag.mjs`) that names the process in a header on
 * each outgoing call, and, for a mutation run, a preload that plants a fault.
 */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));
export const TOKEN = 'scale-admin-token-0123456789';
const PG = process.env.SYNCHUB_SCALE_PG ?? 'postgres://postgres@127.0.0.1:5432';

// biome-ignore lint/suspicious/noExplicitAny: API answers are read field by field
export type Json = Record<string, any>;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A statement on the server through psql (no driver in the harness): rows as JSON objects. */
export function psql(database: string, query: string): Json[] {
  const out = execFileSync(
    'psql',
    [
      `${PG}/${database}`,
      '-X',
      '-q',
      '-A',
      '-t',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      `SELECT row_to_json(q) FROM (${query}) q`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 },
  );
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Json);
}

function psqlCommand(database: string, command: string): void {
  execFileSync('psql', [`${PG}/${database}`, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', command], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 30_000,
  });
}

/** A fresh database `synchub_scale_<random>` for one run; `drop` removes it (and its connections). */
export function createDatabase(): { name: string; url: string; drop(): void } {
  const name = `synchub_scale_${randomBytes(4).toString('hex')}`;
  psqlCommand('postgres', `CREATE DATABASE ${name}`);
  return {
    name,
    url: `${PG}/${name}`,
    drop: () => {
      try {
        psqlCommand('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } catch (error) {
        console.warn(`could not drop ${name}: ${(error as Error).message}`);
      }
    },
  };
}

/** Restarts the PostgreSQL server at once (`-m immediate`: a crash, from the clients' side). Needs root. */
export function restartPostgres(): number {
  const version = fs.readdirSync('/etc/postgresql')[0] ?? '15';
  const started = Date.now();
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart', '-m', 'immediate'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 60_000,
  });
  return Date.now() - started;
}

export interface Vendors {
  child: ChildProcess;
  a: string;
  b: string;
  sf: string;
  control: string;
  offsetMs: number;
  credentials: { a: Json; b: Json; sf: Json };
  log(): Promise<CallLogEntry[]>;
  state(): Promise<Json>;
  stop(): Promise<void>;
}

/** The vendors' process (simulator.ts through tsx), with its clock offset and answer latency. */
export async function startVendors(env: Record<string, string>): Promise<Vendors> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'simulator.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const info = await new Promise<Json>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (line.startsWith('scale-simulator ')) resolve(JSON.parse(line.slice('scale-simulator '.length)));
    });
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code})`)));
    setTimeout(() => reject(new Error('the simulator did not start in 60 s')), 60_000).unref();
  });
  const get = async (route: string) => {
    const res = await fetch(`${info.control}${route}`);
    if (!res.ok) throw new Error(`simulator ${route}: ${res.status}`);
    return (await res.json()) as Json;
  };
  return {
    child,
    a: info.a,
    b: info.b,
    sf: info.sf,
    control: info.control,
    offsetMs: info.offsetMs,
    credentials: info.credentials,
    log: async () => (await get('/log?from=0')).entries as CallLogEntry[],
    state: () => get('/state'),
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

let snapshot: string | undefined;

/**
 * The compiled hub, as users run it (SYNCHUB_SCALE_FROM_SOURCE=1: the TypeScript source instead), from a
 * copy of apps/hub/dist made once per test process: a build started elsewhere while the suite runs cleans
 * apps/hub/dist, and a process restarted by the chaos must still find its hub. The copy lives in
 * `.scale-<pid>/apps/hub` at the root (outside the workspace's globs), with the same relative paths to the
 * workspace packages and its node_modules linked.
 */
function hubCommand(): string[] {
  if (process.env.SYNCHUB_SCALE_FROM_SOURCE === '1') return hubSourceArgs('start');
  if (!snapshot) {
    const top = path.join(ROOT, `.scale-${process.pid}`);
    const dir = path.join(top, 'apps/hub');
    const hubDir = path.join(ROOT, 'apps/hub');
    fs.cpSync(path.join(hubDir, 'dist'), path.join(dir, 'dist'), { recursive: true });
    fs.copyFileSync(path.join(hubDir, 'package.json'), path.join(dir, 'package.json'));
    fs.symlinkSync(path.join(hubDir, 'node_modules'), path.join(dir, 'node_modules'));
    fs.symlinkSync(path.join(ROOT, 'packages'), path.join(top, 'packages'));
    process.on('exit', removeHubCopy);
    snapshot = path.join(dir, 'dist/cli.js');
  }
  return [snapshot, 'start'];
}

/** Removes the copy of the compiled hub (also done when the process exits normally). */
export function removeHubCopy(): void {
  fs.rmSync(path.join(ROOT, `.scale-${process.pid}`), { recursive: true, force: true });
  snapshot = undefined;
}

/** What happened to a hub process's life, on the harness's clock. */
export interface Life {
  name: string;
  slot: number;
  pid: number;
  startedAt: number;
  /** How it ended: killed by the harness, stopped at the end, or on its own (a finding). */
  end?: { how: 'SIGKILL' | 'SIGTERM' | 'exited'; at: number; code?: number | null };
  pausedAt?: number;
  resumedAt?: number;
  /** What a process that died on its own printed last. */
  lastWords?: string[];
}

/** One of the N hub slots: a process at a time, restarted by the harness with the same settings. */
export class HubSlot {
  child: ChildProcess | undefined;
  url = '';
  life: Life | undefined;
  lives: Life[] = [];
  output: string[] = [];
  /** True while SIGSTOPped: the load generator leaves it alone. */
  paused = false;

  constructor(
    readonly slot: number,
    private readonly env: Record<string, string>,
    private readonly preloads: string[],
    private readonly onUnexpectedExit: (life: Life) => void,
  ) {}

  get alive(): boolean {
    return this.child !== undefined && this.life?.end === undefined;
  }

  async start(): Promise<void> {
    const name = `hub${this.slot}#${this.lives.length + 1}`;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `synchub-scale-${this.slot}-`));
    const child = spawn(process.execPath, [...this.preloads.flatMap((p) => ['--import', p]), ...hubCommand()], {
      cwd: dataDir,
      env: {
        ...process.env,
        ...this.env,
        SYNCHUB_DATA_DIR: dataDir,
        SYNCHUB_HOST: '127.0.0.1',
        SYNCHUB_PORT: '0',
        SCALE_PROCESS: name,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const life: Life = { name, slot: this.slot, pid: child.pid ?? 0, startedAt: Date.now() };
    const keep = (line: string) => {
      const file = process.env.SYNCHUB_SCALE_PROGRESS;
      if (file) fs.appendFileSync(`${file}.hubs`, `${new Date().toISOString()} [${name}] ${line}\n`);
      this.output.push(`[${name}] ${line}`);
      if (this.output.length > 400) this.output.shift();
    };
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', keep);
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        keep(line);
        const m = /running at (http:\/\/\S+)/.exec(line);
        if (m?.[1]) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`${name} exited at start (${code}):\n${this.output.join('\n')}`)));
      setTimeout(() => reject(new Error(`${name} did not start in 60 s:\n${this.output.join('\n')}`)), 60_000).unref();
    });
    child.once('exit', (code) => {
      if (life.end) return;
      life.end = { how: 'exited', at: Date.now(), code };
      life.lastWords = this.output.filter((l) => l.startsWith(`[${name}]`)).slice(-8);
      this.onUnexpectedExit(life);
    });
    this.child = child;
    this.url = url;
    this.life = life;
    this.lives.push(life);
  }

  async kill(): Promise<Life | undefined> {
    const { child, life } = this;
    if (!child || !life || life.end) return undefined;
    life.end = { how: 'SIGKILL', at: Date.now() };
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
    this.paused = false;
    return life;
  }

  pause(): void {
    if (!this.child || !this.life) return;
    this.paused = true;
    this.life.pausedAt = Date.now();
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    if (!this.child || !this.life) return;
    this.child.kill('SIGCONT');
    this.life.resumedAt = Date.now();
    this.paused = false;
  }

  async stop(): Promise<void> {
    const { child, life } = this;
    if (!child || !life || life.end) return;
    if (this.paused) this.resume();
    life.end = { how: 'SIGTERM', at: Date.now() };
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  }

  async api(method: string, route: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${this.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
  }

  async ok(method: string, route: string, body?: unknown): Promise<Json> {
    const res = await this.api(method, route, body);
    if (res.status >= 300) throw new Error(`${method} ${route} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
}

/** The lease row of `name` (`delivery:<destinationId>`), read from the database, or undefined. */
export function leaseOf(database: string, name: string): Json | undefined {
  try {
    return psql(database, `SELECT name, owner, epoch, expires_at FROM leases WHERE name = '${name}'`)[0];
  } catch {
    return undefined; // no table yet, or the server is restarting
  }
}

/** The pid in a lease owner (`host:pid:random`), if it names one. */
export function pidOfOwner(owner: unknown): number | undefined {
  const m = typeof owner === 'string' ? /:(\d+)(?::|$)/.exec(owner) : null;
  return m ? Number(m[1]) : undefined;
}

/** The settings the hub understands today (env.ts), among those the suite would set: read, not assumed. */
export function knownSettings(wanted: Record<string, string>): { set: Record<string, string>; missing: string[] } {
  const envSource = fs.readFileSync(path.join(ROOT, 'apps/hub/src/env.ts'), 'utf8');
  const set: Record<string, string> = {};
  const missing: string[] = [];
  for (const [k, v] of Object.entries(wanted)) {
    if (envSource.includes(k)) set[k] = v;
    else missing.push(k);
  }
  return { set, missing };
}
