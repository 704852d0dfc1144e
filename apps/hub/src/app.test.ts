import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPostgres } from './db/index.js';
import { createMemo } from './host/test-plugins.js';
import { DATABASE_FILE } from './hub.js';
import { createTestHub, TEST_TOKEN } from './test-support.js';

/*
 * The hub's HTTP basics with a test connector ("Memo"). Connections to the built-in connectors (CRUD,
 * validate against their simulators, their settings checks) are tested in test/hub/app.test.ts.
 */

type TestHub = Awaited<ReturnType<typeof createTestHub>>;

let t: TestHub;

beforeEach(async () => {
  t = await createTestHub({ extraConnectors: [createMemo().connector] });
});
afterEach(() => t.hub.close());

// biome-ignore lint/suspicious/noExplicitAny: test bodies are checked by the assertions themselves
type Json = Record<string, any>;
async function jsonOf(res: Response): Promise<Json> {
  return (await res.json()) as Json;
}

describe('health and auth', () => {
  it('answers /health without a token', async () => {
    const res = await t.hub.app.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('refuses API calls without, with a malformed, or with a wrong token', async () => {
    const variants: Record<string, string>[] = [
      {},
      { authorization: 'Token abc' },
      { authorization: 'Bearer wrong-token' },
    ];
    for (const headers of variants) {
      const res = await t.hub.app.request('/api/connections', { headers });
      expect([400, 401]).toContain(res.status);
      expect((await jsonOf(res)).error.code).toBe('unauthorized');
    }
    expect((await t.request('GET', '/api/session')).status).toBe(200);
  });

  it('generates a token on first start, keeps it across restarts, and never stores it in clear', async () => {
    const first = await createTestHub({ adminToken: undefined });
    const token = first.hub.createdToken;
    expect(token).toMatch(/^shk_/);
    await first.hub.close();
    const second = await createTestHub({ adminToken: undefined, dataDir: first.dataDir });
    expect(second.hub.createdToken).toBeUndefined();
    const ok = await second.hub.app.request('/api/session', { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    if (isPostgres(second.hub.db)) {
      const { rows } = await sql<{ dump: string }>`SELECT string_agg(key || value, ' ') AS dump FROM meta`.execute(
        second.hub.db,
      );
      expect(rows[0]?.dump.includes(token ?? 'x')).toBe(false);
    }
    await second.hub.close();
    if (!isPostgres(second.hub.db))
      expect(fs.readFileSync(path.join(first.dataDir, DATABASE_FILE)).includes(token ?? 'x')).toBe(false);
  });
});

describe('bad input', () => {
  // The body's own checks; a connector's settings and secrets checks: test/hub/app.test.ts.
  const cases: Array<[string, unknown, string]> = [
    ['missing name', { connectorId: 'memo', settings: {}, secrets: {} }, 'name'],
    ['empty name', { ...memoShape(), name: '  ' }, 'name'],
    ['unknown top-level field', { ...memoShape(), colour: 'red' }, '(body)'],
    ['settings not an object', { ...memoShape(), settings: 'x' }, 'settings'],
  ];
  function memoShape() {
    return { connectorId: 'memo', name: 'x', settings: { label: 'acme' }, secrets: { token: 'k' } };
  }

  it.each(cases)('%s → 400 naming the field', async (_label, body, field) => {
    const res = await t.request('POST', '/api/connections', body);
    expect(res.status).toBe(400);
    const { error } = await jsonOf(res);
    expect(error.code).toBe('invalid_input');
    expect(error.issues.map((i: { path: string }) => i.path)).toContain(field);
  });

  it('malformed JSON → 400', async () => {
    const res = await t.request('POST', '/api/connections', '{"name": ');
    expect(res.status).toBe(400);
    expect((await jsonOf(res)).error.code).toBe('invalid_input');
  });

  it('wrong content type → 400', async () => {
    const res = await t.request('POST', '/api/connections', 'name=x', { 'content-type': 'text/plain' });
    expect(res.status).toBe(400);
  });

  it('unknown connector → 404 with the known ids', async () => {
    const res = await t.request('POST', '/api/connections', { ...memoShape(), connectorId: 'hubspot' });
    expect(res.status).toBe(404);
    const { error } = await jsonOf(res);
    expect(error.code).toBe('unknown_connector');
    expect(error.known).toContain('memo');
  });

  it('oversized body → 413 and nothing stored', async () => {
    const res = await t.request('POST', '/api/connections', { ...memoShape(), name: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect((await jsonOf(await t.request('GET', '/api/connections'))).connections).toHaveLength(0);
  });

  it('unknown route → 404 JSON', async () => {
    const res = await t.request('GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect((await jsonOf(res)).error.code).toBe('not_found');
  });
});

describe('token in env', () => {
  it('accepts only that token', async () => {
    const res = await t.hub.app.request('/api/session', { headers: { authorization: `Bearer ${TEST_TOKEN}x` } });
    expect(res.status).toBe(401);
  });
});
