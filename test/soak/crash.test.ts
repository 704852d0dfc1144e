import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  createGainsightSimulator,
  createSalesforceSimulator,
  listen,
  type RunningServer,
  seededRandom,
} from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubSourceArgs } from '../hub-command.js';
import { checkAtVendor, type SentMessage, type StoredEvent, summarise } from './check.js';
import { type Mutation, startProxy } from './proxy.js';
import { table } from './support.js';

/**
 * Crash safety: ingest identify, group and track calls while killing the hub with SIGKILL at random
 * points, restart it, and check at the Gainsight simulator, per message the hub stored, that delivery
 * kept its promise: every track arrived (duplicates only where the hub counted a send without an
 * answer), every person and company holds the value of its last update, every association exists.
 * The simulator answers 5% of calls with a 5xx, so updates are retried across kills and must still land
 * in order. Real processes, real SQLite file, real HTTP, through a proxy in the harness.
 *
 * The same checker must fail when the proxy lies (acknowledges calls without forwarding them): those
 * mutation runs are part of the suite, so the proof is shown to be able to fail.
 */
const KILLS = Number(process.env.SYNCHUB_CRASH_KILLS ?? 20);
const MUTATION_KILLS = 3;
const TOKEN = 'crash-admin-token-0123456789';
const SEED = Number(process.env.SYNCHUB_CRASH_SEED ?? 20261123);
const PEOPLE = 6;
const COMPANIES = ['Acme', 'Globex', 'Initech'];
/** Each track is a publish of its own within the tenant's 100 calls a minute: a share of the calls, capped. */
const TRACK_SHARE = 0.03;
const MAX_TRACKS = 40;
const ERROR_RATE = 0.05;

// A slow Salesforce org, so an accounts sync is usually in flight when the hub is killed.
const ACCOUNTS = 240;
const crm = createSalesforceSimulator({ accounts: ACCOUNTS, pageSize: 20 });
let crmServer: RunningServer;
const dataDirs: string[] = [];

async function startHubProcess(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, hubSourceArgs('start', '--port', '0', '--data-dir', dataDir), {
    env: { ...process.env, SYNCHUB_ADMIN_TOKEN: TOKEN, SYNCHUB_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const m = /running at (http:\/\/\S+)/.exec(line);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`hub exited early (${code})`)));
  });
  return { child, url };
}

const api = async (url: string, method: string, route: string, body?: unknown) => {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
};

beforeAll(async () => {
  crm.control.faults.set('/services/data', { delayMs: 250 });
  crmServer = await listen(crm.app);
});
afterAll(async () => {
  await crmServer.close();
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface CrashRun {
  kills: number;
  mutation?: Mutation;
  /** Also run a Salesforce accounts sync in every life (the main run). */
  withPull: boolean;
  trackShare?: number;
}

async function crashRun(run: CrashRun) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-crash-'));
  dataDirs.push(dataDir);
  const random = seededRandom(SEED);
  const sim = createGainsightSimulator({ companies: 0, people: 0, seed: SEED });
  sim.control.faults.set('*', { errorRate: ERROR_RATE });
  const server = await listen(sim.app);
  const proxy = await startProxy(server.url, run.mutation);

  // Set-up on a first, clean start.
  let { child, url } = await startHubProcess(dataDir);
  const { connection } = (await api(url, 'POST', '/api/connections', {
    connectorId: 'gainsight',
    name: 'gs',
    settings: { domain: proxy.url, sandbox: true, tenantId: sim.credentials.tenantId },
    secrets: { accessKey: sim.credentials.accessKey, sharedSecret: sim.credentials.sharedSecret },
  })) as { connection: { id: string } };
  const { destination } = (await api(url, 'POST', '/api/destinations', {
    name: 'gs',
    kind: 'gainsight',
    connectionId: connection.id,
    settings: {
      flushWindowMs: 150,
      topicName: 'product',
      eventVersions: [{ event: 'Feature Used', eventName: 'Product Event', version: 'v01' }],
    },
  })) as { destination: { id: string } };
  const { writeKey } = (await api(url, 'POST', '/api/sources', { name: 'app', destinationId: destination.id })) as {
    writeKey: string;
  };
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  let pipelineId: string | undefined;
  if (run.withPull) {
    const { connection: sf } = (await api(url, 'POST', '/api/connections', {
      connectorId: 'salesforce',
      name: 'sf',
      settings: { loginUrl: crmServer.url, clientId: crm.credentials.clientId, sandbox: true },
      secrets: { clientSecret: crm.credentials.clientSecret, refreshToken: crm.credentials.refreshToken },
    })) as { connection: { id: string } };
    const { pipeline } = (await api(url, 'POST', '/api/pipelines', {
      kind: 'salesforce.accounts',
      name: 'accounts',
      connectionId: sf.id,
    })) as { pipeline: { id: string } };
    pipelineId = pipeline.id;
  }
  // Start a sync in every life; after a crash the scheduler has usually restarted it already (409).
  const startRun = async () => {
    if (!pipelineId) return;
    const res = await fetch(`${url}/api/pipelines/${pipelineId}/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    if (res.status !== 202 && res.status !== 409) throw new Error(`run refused: ${res.status} ${await res.text()}`);
  };

  const sent = new Map<string, SentMessage>();
  const acked = new Set<string>();
  let seq = 0;
  let tracks = 0;
  let refused = 0;
  const message = (): SentMessage & Record<string, unknown> => {
    const n = seq++;
    const p = Math.floor(random() * PEOPLE);
    const email = `person${p}@crash.test`;
    const r = random();
    if (r < (run.trackShare ?? TRACK_SHARE) && tracks++ < MAX_TRACKS)
      return { type: 'track', messageId: `m${n}`, userId: `u${p}`, event: 'Feature Used', properties: { seq: n } };
    if (r < 0.6) return { type: 'identify', messageId: `m${n}`, userId: `u${p}`, traits: { email, lastName: `L${n}` } };
    return {
      type: 'group',
      messageId: `m${n}`,
      userId: `u${p}`,
      groupId: `g${p % COMPANIES.length}`,
      traits: { name: COMPANIES[p % COMPANIES.length], employees: n },
      context: { traits: { email } },
    };
  };
  for (let kill = 0; kill < run.kills; kill++) {
    const deadline = Date.now() + 200 + Math.floor(random() * 1500);
    const killer = new Promise<void>((resolve) =>
      setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, deadline - Date.now()),
    );
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await startRun().catch(() => {});
    // Ingest until the process dies under us; only 200 answers count as acknowledged.
    while (Date.now() < deadline) {
      const batch = Array.from({ length: 5 }, message);
      for (const m of batch) sent.set(m.messageId, m);
      try {
        const res = await fetch(`${url}/v1/batch`, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: JSON.stringify({ batch }),
        });
        if (res.status === 200) for (const m of batch) acked.add(m.messageId);
        else refused += 1;
      } catch {
        refused += 1; // killed mid-request: not acknowledged, may or may not be stored
      }
    }
    await killer;
    await exited;
    ({ child, url } = await startHubProcess(dataDir));
  }

  // Final life: let delivery finish (retries back off, and the limiter may make it wait for its minute).
  let counts: Record<string, number> = {};
  const until = Date.now() + 150_000;
  while (Date.now() < until) {
    counts = ((await api(url, 'GET', '/api/events?limit=1')) as { counts: Record<string, number> }).counts;
    if ((counts.received ?? 0) + (counts.retrying ?? 0) === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  // In-flight runs: every run cut off by a kill is marked interrupted and retried, and one run finished.
  let runs: Array<{ status: string; trigger: string; error: { code: string } | null }> = [];
  let accounts = 0;
  if (pipelineId) {
    const runsOf = async () =>
      ((await api(url, 'GET', `/api/pipelines/${pipelineId}/runs?limit=200`)) as { runs: typeof runs }).runs;
    while (Date.now() < until) {
      runs = await runsOf();
      if (runs[0]?.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (runs[0]?.status !== 'completed') {
      await startRun();
      while (Date.now() < until) {
        runs = await runsOf();
        if (runs[0]?.status !== 'running') break;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    accounts = ((await api(url, 'GET', '/api/accounts?limit=1')) as { total: number }).total;
  }
  const stored: StoredEvent[] = [];
  for (let before: number | undefined; ; ) {
    const page = (await api(url, 'GET', `/api/events?limit=1000${before ? `&before=${before}` : ''}`)) as {
      events: Array<{
        id: number;
        messageId: string;
        state: string;
        lastError: { code: string; sends?: number } | null;
      }>;
    };
    for (const e of page.events)
      stored.push({
        id: e.id,
        messageId: e.messageId,
        state: e.state,
        unansweredSends: e.lastError?.code === 'possible_duplicate' ? Number(e.lastError.sends ?? 0) : 0,
      });
    if (page.events.length < 1000) break;
    before = page.events.at(-1)?.id;
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await proxy.close();
  await server.close();

  const check = checkAtVendor({
    sent,
    acked,
    stored,
    vendor: {
      rows: (object) => sim.state.rows(object),
      tracks: sim.state.events.map((e) => e.body as Record<string, unknown>),
    },
    personFields: [['lastName', 'LastName']],
    companyFields: [['employees', 'Employees']],
    trackKey: 'seq',
  });
  const vendorCalls = sim.control.requests;
  const report = table(
    `crash safety: ${run.kills} SIGKILLs${run.mutation ? ` · mutation: ${run.mutation.name}` : ''}`,
    [
      ['acknowledged events', `${acked.size} (requests cut off by a kill or refused: ${refused})`],
      ['stored events', stored.length],
      ['final states', JSON.stringify(counts)],
      ...Object.entries(check.counts).map(([k, v]) => [`checked: ${k}`, v] as [string, number]),
      [
        'vendor calls received',
        `${vendorCalls.length} (${vendorCalls.filter((r) => r.status >= 500).length} answered 5xx)`,
      ],
      ['calls the proxy acknowledged unsent', proxy.lies],
      ...(pipelineId
        ? ([
            [
              'accounts sync runs',
              `${runs.length}: ${runs.filter((r) => r.status === 'interrupted').length} interrupted, ${runs.filter((r) => r.trigger === 'retry').length} retries, ${runs.filter((r) => r.status === 'completed').length} completed, ${runs.filter((r) => r.status === 'failed').length} failed, ${runs.filter((r) => r.status === 'running').length} still running`,
            ],
            ['accounts in the hub', `${accounts} of ${ACCOUNTS}`],
          ] as Array<[string, string]>)
        : []),
      ['checker problems', summarise(check.problems)],
    ],
  );
  console.log(report);
  return { check, counts, runs, accounts, lies: proxy.lies };
}

describe('crash safety', () => {
  it(`delivers every acknowledged event as promised across ${KILLS} SIGKILLs, checked at the vendor`, {
    timeout: 400_000,
  }, async () => {
    const { check, counts, runs, accounts } = await crashRun({ kills: KILLS, withPull: true });
    expect(check.problems).toEqual([]);
    expect(check.counts.tracks).toBeGreaterThan(0);
    expect(counts.failed ?? 0).toBe(0);
    expect(runs.some((r) => r.status === 'running')).toBe(false);
    // A kill never fails a run: it is marked interrupted (code `interrupted`) and the hub retries it itself.
    expect(runs.filter((r) => r.status === 'failed')).toEqual([]);
    const interrupted = runs.filter((r) => r.status === 'interrupted');
    expect(interrupted.length).toBeGreaterThan(0);
    expect(interrupted.every((r) => r.error?.code === 'interrupted')).toBe(true);
    expect(runs.filter((r) => r.trigger === 'retry').length).toBeGreaterThan(0);
    expect(runs[0]?.status).toBe('completed');
    expect(accounts).toBe(ACCOUNTS);
  });

  // The proof must be able to fail: a proxy in the harness that acknowledges calls without forwarding them.
  const mutations: Mutation[] = [
    {
      name: 'every person write after the first acknowledged unsent',
      lie: (c) => c.path.endsWith('/api/people') && c.nth > 1,
    },
    { name: 'every fourth write of each route acknowledged unsent', lie: (c) => c.nth % 4 === 0 },
  ];
  for (const mutation of mutations) {
    it(`the checker fails when ${mutation.name}`, { timeout: 200_000 }, async () => {
      const { check, lies } = await crashRun({ kills: MUTATION_KILLS, mutation, withPull: false, trackShare: 0.05 });
      expect(lies).toBeGreaterThan(0);
      expect(check.problems.length).toBeGreaterThan(0);
    });
  }
});
