import fs from 'node:fs';
import path from 'node:path';
import { DATABASE_FILE } from '@synchub/hub';
import { createTestHub } from '@synchub/hub/testing';
import { createGainsightSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKSPACE_FLOWS_DIR } from './vendor-fixtures.js';

/*
 * The hub with its built-in connectors and flows (packages/flows, loaded as the hub loads them): their
 * routes require the admin token too, and the vendors' secrets never leave in clear.
 */

type TestHub = Awaited<ReturnType<typeof createTestHub>>;
let t: TestHub;
let sim: ReturnType<typeof createGainsightSimulator>;
let server: RunningServer;

beforeAll(async () => {
  sim = createGainsightSimulator({ companies: 2, people: 2 });
  server = await listen(sim.app);
  t = await createTestHub({ workspaceFlows: WORKSPACE_FLOWS_DIR });
});
afterAll(async () => {
  await t.hub.close();
  await server.close();
});

/** Routes that authenticate otherwise: ingest (write keys), webhooks (their own secrets), liveness, the app shell. */
const PUBLIC = [/^\/v1\//, /^\/hooks\//, /^\/health$/, /^\/\*$/, /^\/$/];

describe('every non-ingest route requires the admin token', () => {
  it("walks the route table, the built-in flows' routes included", async () => {
    const routes = t.hub.app.routes.filter((r) => r.method !== 'ALL' && !PUBLIC.some((p) => p.test(r.path)));
    expect(routes.length).toBeGreaterThan(20);
    const checked: string[] = [];
    for (const r of routes) {
      const url = r.path.replace(/:[A-Za-z]+/g, 'x');
      for (const headers of [{}, { authorization: 'Bearer not-the-token' }] as Array<Record<string, string>>) {
        const res = await t.hub.app.request(url, {
          method: r.method,
          headers: { 'content-type': 'application/json', ...headers },
          body: r.method === 'GET' ? undefined : '{}',
        });
        expect(res.status, `${r.method} ${r.path}`).toBe(401);
      }
      checked.push(`${r.method} ${r.path}`);
    }
    expect(checked).toEqual(
      expect.arrayContaining(['GET /api/connections', 'GET /metrics', 'POST /api/events/replay']),
    );
    // The flows' services answer under /api/<mount>/* (one catch-all route of the hub's): each mount,
    // whatever the path and method, is refused without the token too.
    const mounts = [...t.hub.pluginRuntime.mounts().values()];
    expect(mounts).toEqual(expect.arrayContaining(['pulls', 'qualtrics']));
    for (const mount of mounts) {
      for (const url of [`/api/${mount}`, `/api/${mount}/x`, `/api/${mount}/x/y`]) {
        for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
          for (const headers of [{}, { authorization: 'Bearer not-the-token' }] as Array<Record<string, string>>) {
            const res = await t.hub.app.request(url, {
              method,
              headers: { 'content-type': 'application/json', ...headers },
              body: method === 'GET' ? undefined : '{}',
            });
            expect(res.status, `${method} ${url}`).toBe(401);
          }
        }
      }
    }
  });
});

describe('secrets never leave in clear', () => {
  it('are absent from API answers, logs and the SQLite files', async () => {
    const canaries = {
      accessKey: 'canary-access-key-7f3a9c',
      sharedSecret: 'canary-shared-secret-51be02',
      clientSecret: 'canary-client-secret-9d8e7f',
      refreshToken: 'canary-refresh-token-0a1b2c',
      integrationKey: 'canary-pendo-key-3c4d5e',
      apiToken: 'canary-qualtrics-token-6f7a8b',
    };
    const connections = [
      {
        connectorId: 'gainsight',
        settings: { domain: server.url, sandbox: true },
        secrets: { accessKey: canaries.accessKey, sharedSecret: canaries.sharedSecret },
      },
      {
        connectorId: 'salesforce',
        settings: { loginUrl: 'http://127.0.0.1:9', clientId: 'cid', sandbox: true },
        secrets: { clientSecret: canaries.clientSecret, refreshToken: canaries.refreshToken },
      },
      {
        connectorId: 'pendo',
        settings: { baseUrl: 'http://127.0.0.1:9', sandbox: true },
        secrets: { integrationKey: canaries.integrationKey },
      },
      {
        connectorId: 'qualtrics',
        settings: { baseUrl: 'http://127.0.0.1:9', sandbox: true },
        secrets: { apiToken: canaries.apiToken },
      },
    ];
    const answers: string[] = [];
    for (const [i, c] of connections.entries()) {
      const res = await t.request('POST', '/api/connections', { ...c, name: `c${i}` });
      expect(res.status).toBe(201);
      answers.push(await res.text());
      const { connection } = JSON.parse(answers.at(-1) ?? '{}') as { connection: { id: string } };
      answers.push(await (await t.request('POST', `/api/connections/${connection.id}/validate`)).text());
      answers.push(await (await t.request('POST', `/api/connections/${connection.id}/discover`, {})).text());
    }
    for (const url of [
      '/api/connections',
      '/api/audit',
      '/api/limits',
      '/api/sources',
      '/api/destinations',
      '/api/pipelines',
    ]) {
      answers.push(await (await t.request('GET', url)).text());
    }
    answers.push(await (await t.request('GET', '/metrics')).text());
    await t.hub.close();
    const files = fs.readdirSync(t.dataDir).filter((f) => f.startsWith(DATABASE_FILE));
    const disk = files.map((f) => fs.readFileSync(path.join(t.dataDir, f)).toString('latin1'));
    const logs = t.lines.join('\n');
    for (const [name, value] of Object.entries(canaries)) {
      for (const a of answers) expect(a.includes(value), `${name} in an API answer`).toBe(false);
      expect(logs.includes(value), `${name} in the log`).toBe(false);
      for (const d of disk) expect(d.includes(value), `${name} in the database file`).toBe(false);
    }
    expect(t.lines.length).toBeGreaterThan(0);
    t = await createTestHub({ dataDir: t.dataDir, workspaceFlows: WORKSPACE_FLOWS_DIR });
  });
});
