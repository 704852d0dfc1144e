import { createGainsightSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub } from '@synchub/hub/testing';

let t: Awaited<ReturnType<typeof createTestHub>>;
let sim: ReturnType<typeof createGainsightSimulator>;
let server: RunningServer;

beforeAll(async () => {
  sim = createGainsightSimulator({ companies: 1, people: 1 });
  server = await listen(sim.app);
  t = await createTestHub();
});
afterAll(async () => {
  await t.hub.close();
  await server.close();
});

describe('metrics and overview', () => {
  it('counts vendor calls by connector and status, and exposes Prometheus text', async () => {
    const good = (await (
      await t.request('POST', '/api/connections', {
        connectorId: 'gainsight',
        name: 'good',
        settings: { domain: server.url, sandbox: true },
        secrets: { accessKey: sim.credentials.accessKey },
      })
    ).json()) as { connection: { id: string } };
    const bad = (await (
      await t.request('POST', '/api/connections', {
        connectorId: 'gainsight',
        name: 'bad',
        settings: { domain: server.url, sandbox: true },
        secrets: { accessKey: 'wrong-key-for-metrics' },
      })
    ).json()) as { connection: { id: string } };
    await t.request('POST', `/api/connections/${good.connection.id}/validate`);
    await t.request('POST', `/api/connections/${good.connection.id}/validate`);
    await t.request('POST', `/api/connections/${bad.connection.id}/validate`);

    const res = await t.request('GET', '/metrics');
    expect(res.headers.get('content-type')).toMatch(/text\/plain; version=0.0.4/);
    const text = await res.text();
    expect(text).toContain('synchub_vendor_calls_total{connector="gainsight",status="200"} 2');
    expect(text).toContain('synchub_vendor_calls_total{connector="gainsight",status="401"} 1');
    expect(text).toMatch(/synchub_events\{state="received"\} 0/);
    expect(text).toMatch(
      /synchub_limiter_used\{account="gainsight:127\.0\.0\.1:\d+",bucket="sync",window="minute"\} 3/,
    );
    expect(text).toContain('# TYPE synchub_runs_total counter');

    const overview = (await (await t.request('GET', '/api/overview?hours=1')).json()) as {
      calls: Array<{ connector: string; status: string; n: number }>;
    };
    const total = overview.calls.filter((c) => c.connector === 'gainsight').reduce((n, c) => n + c.n, 0);
    expect(total).toBe(3);
    expect((await t.request('GET', '/api/overview?hours=0')).status).toBe(400);
  });
});
