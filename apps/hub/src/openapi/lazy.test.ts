import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestHub, TEST_TOKEN } from '../test-support.js';

// A start does not build the document's schemas: the answer schemas and zod's OpenAPI extension are loaded
// by the first GET /api/openapi.json (openapi/generate.ts), not by the hub's modules. Each module below
// notes when it is evaluated, and is otherwise itself.
const loaded = vi.hoisted(() => new Set<string>());
vi.mock('@hono/zod-openapi', async (original) => {
  loaded.add('@hono/zod-openapi');
  return original();
});
vi.mock('./answers.js', async (original) => {
  loaded.add('answers');
  return original();
});
vi.mock('./pipeline-answers.js', async (original) => {
  loaded.add('pipeline-answers');
  return original();
});
vi.mock('./account-answers.js', async (original) => {
  loaded.add('account-answers');
  return original();
});
vi.mock('../alerts/answers.js', async (original) => {
  loaded.add('alerts/answers');
  return original();
});
vi.mock('../ingest/answers.js', async (original) => {
  loaded.add('ingest/answers');
  return original();
});

type TestHub = Awaited<ReturnType<typeof createTestHub>>;
let t: TestHub;
afterEach(() => t.hub.close());

const get = (path: string) => t.hub.app.request(path, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });

describe('the OpenAPI document, built on demand', () => {
  it('is not loaded by a start, and the first GET /api/openapi.json builds it', async () => {
    t = await createTestHub({});
    expect((await get('/health')).status).toBe(200);
    expect((await get('/api/pipelines')).status).toBe(200);
    expect([...loaded]).toEqual([]);

    // Two first requests at once share one build.
    const [first, second] = await Promise.all([get('/api/openapi.json'), get('/api/openapi.json')]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const doc = (await first.json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(await second.json()).toEqual(doc);
    expect([...loaded].sort()).toEqual([
      '@hono/zod-openapi',
      'account-answers',
      'alerts/answers',
      'answers',
      'ingest/answers',
      'pipeline-answers',
    ]);
    // Routes of every mounted app, under their prefixes, with their named answers.
    expect(doc.paths['/health']?.get).toBeDefined();
    expect(doc.paths['/v1/batch']?.post?.responses['200']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } },
    });
    expect(doc.paths['/api/pipelines/{id}']?.get).toBeDefined();
    expect(doc.paths['/api/alerts/{id}/test']?.post).toBeDefined();
    expect(doc.components.schemas).toHaveProperty(['Pipeline']);
    expect(doc.components.schemas).toHaveProperty(['IngestMessage']);
  });
});
