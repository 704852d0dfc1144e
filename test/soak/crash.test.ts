import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  createGainsightSimulator,
  createSalesforceSimulator,
  listen,
  type RunningServer,
  seededRandom,
} from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Crash safety: ingest and deliver while killing the hub with SIGKILL at random points, restart it, and
 * check every acknowledged event reached Gainsight exactly once in effect (no duplicate people or
 * companies). Real processes, real SQLite file, real HTTP.
 */
const KILLS = Number(process.env.SYNCHUB_CRASH_KILLS ?? 20);
const TOKEN = 'crash-admin-token-0123456789';
const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../../apps/hub/bin/synchub.js');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-crash-'));
const random = seededRandom(Number(process.env.SYNCHUB_CRASH_SEED ?? 20261123));
const PEOPLE = 6;
const COMPANIES = ['Acme', 'Globex', 'Initech'];

let sim: ReturnType<typeof createGainsightSimulator>;
let server: RunningServer;
// A slow Salesforce org, so an accounts sync is usually in flight when the hub is killed.
const ACCOUNTS = 240;
const crm = createSalesforceSimulator({ accounts: ACCOUNTS, pageSize: 20 });
let crmServer: RunningServer;

async function startHubProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, 'start', '--port', '0', '--data-dir', dataDir], {
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
  sim = createGainsightSimulator({ companies: 0, people: 0 });
  server = await listen(sim.app);
  crm.control.faults.set('/services/data', { delayMs: 250 });
  crmServer = await listen(crm.app);
});
afterAll(async () => {
  await server.close();
  await crmServer.close();
});

describe('crash safety', () => {
  it(`loses no acknowledged event across ${KILLS} SIGKILLs`, { timeout: 300_000 }, async () => {
    // Set-up on a first, clean start.
    let { child, url } = await startHubProcess();
    const { connection } = (await api(url, 'POST', '/api/connections', {
      connectorId: 'gainsight',
      name: 'gs',
      settings: { domain: server.url, sandbox: true, tenantId: sim.credentials.tenantId },
      secrets: { accessKey: sim.credentials.accessKey, sharedSecret: sim.credentials.sharedSecret },
    })) as { connection: { id: string } };
    const { destination } = (await api(url, 'POST', '/api/destinations', {
      name: 'gs',
      kind: 'gainsight',
      connectionId: connection.id,
      settings: { flushWindowMs: 150 },
    })) as { destination: { id: string } };
    const { writeKey } = (await api(url, 'POST', '/api/sources', { name: 'app', destinationId: destination.id })) as {
      writeKey: string;
    };
    const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
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
    // Start a sync in every life; after a crash the scheduler has usually restarted it already (409).
    const startRun = async () => {
      const res = await fetch(`${url}/api/pipelines/${pipeline.id}/run`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      if (res.status !== 202 && res.status !== 409) throw new Error(`run refused: ${res.status} ${await res.text()}`);
    };

    const acked = new Map<string, Record<string, unknown>>();
    let seq = 0;
    let refused = 0;
    for (let kill = 0; kill < KILLS; kill++) {
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
        const batch = Array.from({ length: 5 }, () => {
          const n = seq++;
          const p = Math.floor(random() * PEOPLE);
          const email = `person${p}@crash.test`;
          return random() < 0.6
            ? { type: 'identify', messageId: `m${n}`, userId: `u${p}`, traits: { email, lastName: `L${n}` } }
            : {
                type: 'group',
                messageId: `m${n}`,
                userId: `u${p}`,
                groupId: `g${p % COMPANIES.length}`,
                traits: { name: COMPANIES[p % COMPANIES.length], employees: n },
                context: { traits: { email } },
              };
        });
        try {
          const res = await fetch(`${url}/v1/batch`, {
            method: 'POST',
            headers: { authorization: auth, 'content-type': 'application/json' },
            body: JSON.stringify({ batch }),
          });
          if (res.status === 200) for (const m of batch) acked.set(m.messageId, m);
          else refused += 1;
        } catch {
          refused += 1; // killed mid-request: not acknowledged, may or may not be stored
        }
      }
      await killer;
      await exited;
      ({ child, url } = await startHubProcess());
    }

    // Final life: let delivery finish (the limiter may make it wait for the next minute).
    let counts: Record<string, number> = {};
    const until = Date.now() + 150_000;
    while (Date.now() < until) {
      counts = ((await api(url, 'GET', '/api/events?limit=1')) as { counts: Record<string, number> }).counts;
      if ((counts.received ?? 0) + (counts.retrying ?? 0) === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    // In-flight runs: every run cut off by a kill is marked failed as interrupted, and one run finished.
    let runs: Array<{ status: string; trigger: string; error: { code: string } | null }> = [];
    while (Date.now() < until) {
      runs = ((await api(url, 'GET', `/api/pipelines/${pipeline.id}/runs?limit=200`)) as { runs: typeof runs }).runs;
      if (runs[0]?.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (runs[0]?.status !== 'completed') {
      await startRun();
      while (Date.now() < until) {
        runs = ((await api(url, 'GET', `/api/pipelines/${pipeline.id}/runs?limit=200`)) as { runs: typeof runs }).runs;
        if (runs[0]?.status !== 'running') break;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const accounts = ((await api(url, 'GET', '/api/accounts?limit=1')) as { total: number }).total;
    const stored = new Set<string>();
    let before: number | undefined;
    for (;;) {
      const page = (await api(url, 'GET', `/api/events?limit=1000${before ? `&before=${before}` : ''}`)) as {
        events: Array<{ id: number; messageId: string; state: string }>;
      };
      for (const e of page.events) {
        stored.add(e.messageId);
        expect(e.state, `event ${e.messageId}`).toBe('delivered');
      }
      if (page.events.length < 1000) break;
      before = page.events.at(-1)?.id;
    }
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));

    const lost = [...acked.keys()].filter((id) => !stored.has(id));
    const people = sim.state.rows('person');
    const companies = sim.state.rows('company');
    const emails = people.map((p) => String(p.Email).toLowerCase());
    const names = companies.map((c) => String(c.Name));
    const ackedEmails = new Set(
      [...acked.values()].map((m) =>
        String(
          (m.traits as { email?: string }).email ??
            (m.context as { traits: { email: string } } | undefined)?.traits.email,
        ),
      ),
    );
    const ackedCompanies = new Set(
      [...acked.values()].filter((m) => m.type === 'group').map((m) => String((m.traits as { name: string }).name)),
    );
    console.log(
      [
        `crash safety: ${KILLS} SIGKILLs`,
        `  acknowledged events   ${acked.size}  (requests cut off by a kill or refused: ${refused})`,
        `  stored events         ${stored.size}`,
        `  lost acknowledged     ${lost.length}`,
        `  final states          ${JSON.stringify(counts)}`,
        `  people in Gainsight   ${people.length} (distinct emails ${new Set(emails).size}, expected ≥ ${ackedEmails.size})`,
        `  companies in Gainsight ${companies.length} (distinct names ${new Set(names).size}, expected ${ackedCompanies.size})`,
        `  vendor calls received ${sim.control.requests.length}`,
        `  accounts sync runs    ${runs.length}: ${runs.filter((r) => r.error?.code === 'interrupted').length} interrupted and marked failed, ${runs.filter((r) => r.status === 'completed').length} completed, ${runs.filter((r) => r.status === 'running').length} still running`,
        `  accounts in the hub   ${accounts} of ${ACCOUNTS}`,
      ].join('\n'),
    );
    expect(lost).toEqual([]);
    expect(new Set(emails).size).toBe(emails.length);
    expect(new Set(names).size).toBe(names.length);
    for (const email of ackedEmails) expect(emails).toContain(email);
    for (const name of ackedCompanies) expect(names).toContain(name);
    expect(counts.failed ?? 0).toBe(0);
    expect(runs.some((r) => r.status === 'running')).toBe(false);
    expect(runs.filter((r) => r.status === 'failed').every((r) => r.error?.code === 'interrupted')).toBe(true);
    expect(runs.filter((r) => r.error?.code === 'interrupted').length).toBeGreaterThan(0);
    expect(runs[0]?.status).toBe('completed');
    expect(accounts).toBe(ACCOUNTS);
  });
});
