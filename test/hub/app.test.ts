import fs from 'node:fs';
import path from 'node:path';
import { DATABASE_FILE } from '@synchub/hub';
import { createTestHub } from '@synchub/hub/testing';
import { createGainsightSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/*
 * Connections to the built-in connectors through the hub's API: the connector list, CRUD, the settings
 * checks of a connector's schema, and validate against the Gainsight simulator over real HTTP. The hub's
 * HTTP basics (health, auth, body checks) are tested in apps/hub/src/app.test.ts.
 */

type TestHub = Awaited<ReturnType<typeof createTestHub>>;

let sim: ReturnType<typeof createGainsightSimulator>;
let server: RunningServer;
let t: TestHub;

beforeAll(async () => {
  sim = createGainsightSimulator();
  server = await listen(sim.app);
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  t = await createTestHub();
  return () => t.hub.close();
});

const gainsight = (overrides: Record<string, unknown> = {}) => ({
  connectorId: 'gainsight',
  name: 'Acme Gainsight',
  settings: { domain: server.url, sandbox: true },
  secrets: { accessKey: sim.credentials.accessKey },
  ...overrides,
});

// biome-ignore lint/suspicious/noExplicitAny: test bodies are checked by the assertions themselves
type Json = Record<string, any>;
async function jsonOf(res: Response): Promise<Json> {
  return (await res.json()) as Json;
}

describe('connectors', () => {
  it('lists the four built-in connectors with JSON Schemas for their forms', async () => {
    const body = await jsonOf(await t.request('GET', '/api/connectors'));
    const ids = body.connectors.map((c: { id: string }) => c.id).sort();
    expect(ids).toEqual(['gainsight', 'pendo', 'qualtrics', 'salesforce']);
    const gs = body.connectors.find((c: { id: string }) => c.id === 'gainsight');
    expect(gs.settingsSchema.properties).toHaveProperty('domain');
    expect(gs.secretsSchema.properties).toHaveProperty('accessKey');
  });

  it('answers an unknown connector with 404 and the known ids', async () => {
    const res = await t.request('GET', '/api/connectors/nope');
    expect(res.status).toBe(404);
    const body = await jsonOf(res);
    expect(body.error.code).toBe('unknown_connector');
    expect(body.error.known).toEqual(expect.arrayContaining(['gainsight', 'salesforce', 'pendo', 'qualtrics']));
  });
});

describe('connections CRUD', () => {
  it('creates a connection and never answers with its secrets', async () => {
    const res = await t.request('POST', '/api/connections', gainsight());
    expect(res.status).toBe(201);
    const { connection } = await jsonOf(res);
    expect(connection).toMatchObject({ connectorId: 'gainsight', name: 'Acme Gainsight', lastCheck: null });
    expect(connection.settings.domain).toBe(server.url);
    expect(connection.secrets).toEqual({ accessKey: '••••••' });

    const list = await (await t.request('GET', '/api/connections')).text();
    const one = await (await t.request('GET', `/api/connections/${connection.id}`)).text();
    for (const text of [list, one]) expect(text).not.toContain(sim.credentials.accessKey);
  });

  it('keeps secrets encrypted on disk', async () => {
    await t.request('POST', '/api/connections', gainsight({ secrets: { accessKey: 'plain-text-canary-4242' } }));
    await t.hub.close();
    const files = fs.readdirSync(t.dataDir).filter((f) => f.startsWith(DATABASE_FILE));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files)
      expect(fs.readFileSync(path.join(t.dataDir, f)).includes('plain-text-canary-4242')).toBe(false);
    t = await createTestHub({ dataDir: t.dataDir });
    const { connections } = await jsonOf(await t.request('GET', '/api/connections'));
    expect(connections).toHaveLength(1);
  });

  it('updates settings and name; blank secrets keep the stored ones', async () => {
    const { connection } = await jsonOf(await t.request('POST', '/api/connections', gainsight()));
    const res = await t.request('PATCH', `/api/connections/${connection.id}`, {
      name: 'Renamed',
      secrets: { accessKey: '' },
    });
    expect(res.status).toBe(200);
    expect((await jsonOf(res)).connection.name).toBe('Renamed');
    const check = await jsonOf(await t.request('POST', `/api/connections/${connection.id}/validate`));
    expect(check.ok).toBe(true);
  });

  it('merges patched settings key by key; null removes a key', async () => {
    const { connection } = await jsonOf(
      await t.request(
        'POST',
        '/api/connections',
        gainsight({ settings: { domain: server.url, sandbox: true, tenantId: 't-1' } }),
      ),
    );
    const patched = await jsonOf(
      await t.request('PATCH', `/api/connections/${connection.id}`, { settings: { tenantId: 't-2' } }),
    );
    expect(patched.connection.settings).toEqual({ domain: server.url, sandbox: true, tenantId: 't-2' });
    const removed = await jsonOf(
      await t.request('PATCH', `/api/connections/${connection.id}`, { settings: { tenantId: null } }),
    );
    expect(removed.connection.settings).toEqual({ domain: server.url, sandbox: true });
  });

  it('refuses a duplicate name with 409', async () => {
    await t.request('POST', '/api/connections', gainsight());
    const res = await t.request('POST', '/api/connections', gainsight());
    expect(res.status).toBe(409);
    expect((await jsonOf(res)).error.code).toBe('conflict');
  });

  it('deletes, then answers 404', async () => {
    const { connection } = await jsonOf(await t.request('POST', '/api/connections', gainsight()));
    expect((await t.request('DELETE', `/api/connections/${connection.id}`)).status).toBe(204);
    expect((await t.request('DELETE', `/api/connections/${connection.id}`)).status).toBe(404);
    expect((await t.request('GET', `/api/connections/${connection.id}`)).status).toBe(404);
  });

  it('records configuration changes in the audit log without secret values', async () => {
    const { connection } = await jsonOf(await t.request('POST', '/api/connections', gainsight()));
    await t.request('PATCH', `/api/connections/${connection.id}`, { secrets: { accessKey: 'rotated-key-987654' } });
    const { entries } = await jsonOf(await t.request('GET', '/api/audit'));
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['connection.update', 'connection.create']);
    expect(JSON.stringify(entries)).not.toContain('rotated-key-987654');
  });
});

describe('bad input', () => {
  // A connector's own settings and secrets checks (its zod schemas), named by field.
  const cases: Array<[string, unknown, string]> = [
    ['missing domain', { ...gainsightShape(), settings: { sandbox: true } }, 'settings.domain'],
    ['missing access key', { ...gainsightShape(), secrets: {} }, 'secrets.accessKey'],
    [
      'plain http without the sandbox flag',
      { ...gainsightShape(), settings: { domain: 'http://acme.example.com' } },
      'settings.domain',
    ],
    ['garbage host', { ...gainsightShape(), settings: { domain: 'https://exa mple.com' } }, 'settings.domain'],
  ];
  function gainsightShape() {
    return {
      connectorId: 'gainsight',
      name: 'x',
      settings: { domain: 'acme.gainsightcloud.com' },
      secrets: { accessKey: 'k' },
    };
  }

  it.each(cases)('%s → 400 naming the field', async (_label, body, field) => {
    const res = await t.request('POST', '/api/connections', body);
    expect(res.status).toBe(400);
    const { error } = await jsonOf(res);
    expect(error.code).toBe('invalid_input');
    expect(error.issues.map((i: { path: string }) => i.path)).toContain(field);
  });
});

describe('validate', () => {
  it('calls the connector check and keeps what it found', async () => {
    const { connection } = await jsonOf(await t.request('POST', '/api/connections', gainsight()));
    const res = await t.request('POST', `/api/connections/${connection.id}/validate`);
    expect(res.status).toBe(200);
    const check = await jsonOf(res);
    expect(check.ok).toBe(true);
    expect(check.details.objects).toBeGreaterThan(0);
    expect(check.summary).toMatch(/objects/);
    const again = await jsonOf(await t.request('GET', `/api/connections/${connection.id}`));
    expect(again.connection.lastCheck).toMatchObject({ ok: true, details: { objects: check.details.objects } });
  });

  it('reports a wrong key as a failed check (not an HTTP error) and keeps the key out of logs', async () => {
    const body = gainsight({ secrets: { accessKey: 'wrong-key-canary-31337' } });
    const { connection } = await jsonOf(await t.request('POST', '/api/connections', body));
    const check = await jsonOf(await t.request('POST', `/api/connections/${connection.id}/validate`));
    expect(check).toMatchObject({ ok: false, error: { code: 'auth' } });
    expect(JSON.stringify(check)).not.toContain('wrong-key-canary-31337');
    expect(t.lines.join('\n')).not.toContain('wrong-key-canary-31337');
  });

  it('reports an unreachable vendor as transient', async () => {
    const body = gainsight({ settings: { domain: 'http://127.0.0.1:9', sandbox: true } });
    const { connection } = await jsonOf(await t.request('POST', '/api/connections', body));
    const check = await jsonOf(await t.request('POST', `/api/connections/${connection.id}/validate`));
    expect(check).toMatchObject({ ok: false, error: { code: 'transient' } });
  });

  it('spends the tenant budget through the persisted limiter', async () => {
    const { connection } = await jsonOf(await t.request('POST', '/api/connections', gainsight()));
    await t.request('POST', `/api/connections/${connection.id}/validate`);
    const rows = await t.hub.db.selectFrom('limiter_windows').selectAll().execute();
    expect(rows.length).toBeGreaterThanOrEqual(2); // minute and day windows
    expect(rows.every((r) => r.key.startsWith('gainsight:') && r.count >= 1)).toBe(true);
  });

  it('validate of an unknown connection → 404', async () => {
    expect((await t.request('POST', '/api/connections/nope/validate')).status).toBe(404);
  });
});
