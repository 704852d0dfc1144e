import { afterEach, describe, expect, it } from 'vitest';
import { createMemo, testFlows, testKind } from '../host/test-plugins.js';
import { createTestHub, TEST_TOKEN } from '../test-support.js';

type TestHub = Awaited<ReturnType<typeof createTestHub>>;
// biome-ignore lint/suspicious/noExplicitAny: the document is checked by the assertions themselves
type Json = Record<string, any>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/**
 * Routes the document leaves out on purpose (method ALL: middleware and catch-alls): `*`, `/api/*` and `/*`
 * are middleware and the dashboard's files; `/v1/*` answers a wrong ingest URL with a hint; `/api/:mount…`
 * and `/hooks/:mount…` hand over to plugin services, whose routes the document lists under their mounts.
 */
const UNDOCUMENTED = new Set([
  '*',
  '/*',
  '/api/*',
  '/v1/*',
  '/api/:mount',
  '/api/:mount/*',
  '/hooks/:mount',
  '/hooks/:mount/*',
]);

let t: TestHub;
afterEach(() => t.hub.close());

async function fetchDocument(): Promise<Json> {
  const res = await t.hub.app.request('/api/openapi.json', { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
}

describe('GET /api/openapi.json', () => {
  it('needs the admin token', async () => {
    t = await createTestHub({});
    expect((await t.hub.app.request('/api/openapi.json')).status).toBe(401);
  });

  it('is an OpenAPI 3.1 document: info, paths of operations with answers, resolvable $refs', async () => {
    t = await createTestHub({ extraConnectors: [createMemo().connector] });
    const doc = await fetchDocument();
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.components.securitySchemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      expect(path).toMatch(/^\//);
      for (const [method, op] of Object.entries(item)) {
        expect(METHODS).toContain(method);
        expect(op.summary, `${method} ${path}`).toEqual(expect.any(String));
        expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
        for (const name of path.match(/\{(\w+)\}/g) ?? []) {
          const param = name.slice(1, -1);
          expect(op.parameters, `${method} ${path}`).toContainEqual(
            expect.objectContaining({ name: param, in: 'path' }),
          );
        }
      }
    }
    const text = JSON.stringify(doc);
    for (const [, name] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      expect(doc.components.schemas, `$ref ${name}`).toHaveProperty([name as string]);
    }
  });

  it('documents every route the app registers', async () => {
    t = await createTestHub({ extraConnectors: [createMemo().connector] });
    const doc = await fetchDocument();
    const missing: string[] = [];
    for (const route of t.hub.app.routes) {
      if (UNDOCUMENTED.has(route.path) || route.path === '/') continue;
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      const method = route.method.toLowerCase();
      if (!doc.paths[path]?.[method]) missing.push(`${route.method} ${route.path}`);
    }
    expect(missing).toEqual([]);
  });

  it('carries the settings schema of every destination and pipeline kind', async () => {
    t = await createTestHub({
      extraConnectors: [createMemo().connector],
      extraFlows: [testFlows('tests', { kinds: [testKind('memo_count')] })],
    });
    const doc = await fetchDocument();
    const schemas = doc.components.schemas;
    const kinds = (await (
      await t.hub.app.request('/api/destinations/kinds', { headers: { authorization: `Bearer ${TEST_TOKEN}` } })
    ).json()) as { kinds: Array<{ kind: string }> };
    expect(kinds.kinds.length).toBeGreaterThan(0);
    for (const { kind } of kinds.kinds) {
      expect(schemas[`DestinationSettings.${kind}`]).toMatchObject({ type: 'object', properties: expect.any(Object) });
      expect(schemas.DestinationSettings['x-synchub-kinds'][kind]).toEqual({
        $ref: `#/components/schemas/DestinationSettings.${kind}`,
      });
    }
    expect(schemas['PipelineSettings.memo_count']).toMatchObject({ properties: { note: { type: 'string' } } });
    const ref = { $ref: '#/components/schemas/PipelineSettings' };
    expect(doc.paths['/api/pipelines'].post.requestBody.content['application/json'].schema.properties.settings).toEqual(
      ref,
    );
    expect(schemas.Pipeline.properties.settings).toEqual(ref);
    expect(
      doc.paths['/api/destinations'].post.requestBody.content['application/json'].schema.properties.settings,
    ).toEqual({ $ref: '#/components/schemas/DestinationSettings' });
  });

  it("merges a plugin service's own paths under its mount", async () => {
    const service = () => ({
      api: () => new Response('ok'),
      openapi: () => ({
        api: { '/ping': { get: { summary: 'Ping', responses: { 200: { description: 'pong' } } } } },
        hooks: { '/': { post: { summary: 'Callback', responses: { 204: { description: 'taken' } } } } },
      }),
    });
    t = await createTestHub({ extraFlows: [testFlows('echo', { service })] });
    const doc = await fetchDocument();
    expect(doc.paths['/api/echo/ping'].get).toMatchObject({ summary: 'Ping', tags: [expect.any(String)] });
    expect(doc.paths['/hooks/echo'].post).toMatchObject({ summary: 'Callback', security: [] });
  });

  it('keeps the hub’s 400 answer for invalid input on a documented route', async () => {
    t = await createTestHub({ extraConnectors: [createMemo().connector] });
    const res = await t.hub.app.request('/api/connections', {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '' }),
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as Json;
    expect(error.code).toBe('invalid_input');
    expect(error.issues.map((i: Json) => i.path)).toEqual(expect.arrayContaining(['connectorId', 'name']));
  });
});
