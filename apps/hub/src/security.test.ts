import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub } from './test-support.js';

// The hub's own routes. With the built-in flows' routes, and secrets of the built-in connectors kept out
// of answers, logs and files: test/hub/security.test.ts.

type TestHub = Awaited<ReturnType<typeof createTestHub>>;
let t: TestHub;

beforeAll(async () => {
  t = await createTestHub();
});
afterAll(async () => {
  await t.hub.close();
});

/** Routes that authenticate otherwise: ingest (write keys), webhooks (their own secrets), liveness, the app shell. */
const PUBLIC = [/^\/v1\//, /^\/hooks\//, /^\/health$/, /^\/\*$/, /^\/$/];

describe('every non-ingest route requires the admin token', () => {
  it('walks the route table', async () => {
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
  });

  it('ingest refuses a missing write key', async () => {
    const res = await t.hub.app.request('/v1/track', { method: 'POST', body: '{"event":"x","userId":"u"}' });
    expect(res.status).toBe(401);
  });
});
