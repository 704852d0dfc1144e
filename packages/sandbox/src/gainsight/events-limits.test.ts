import { afterAll, describe, expect, it } from 'vitest';
import { listen } from '../common.js';
import { createGainsightSimulator } from './index.js';
import { caller } from './test-helpers.js';

describe('gainsight simulator: Events Framework', () => {
  const sim = createGainsightSimulator({
    registeredEvents: [{ eventName: 'Signed Up', eventVersion: 'v01', topicName: 'users' }],
  });
  const publish = (headers: Record<string, string>, body: unknown = { plan: 'pro' }) =>
    caller(sim)('POST', '/v1.0/api/eventManager/event', body, {
      accesskey: '',
      eventName: 'Signed Up',
      eventVersion: 'v01',
      sharedSecret: sim.credentials.sharedSecret as string,
      tenantId: sim.credentials.tenantId as string,
      topicName: 'users',
      ...headers,
    });

  it('accepts a registered event without an access key and keeps it', async () => {
    const res = await publish({ contractId: 'c-9' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      result: true,
      data: { eventId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      message: 'Successfully received event, please keep the event Id for further reference',
      messages: ['Successfully received event, please keep the event Id for further reference'],
    });
    expect(sim.state.events.at(-1)).toMatchObject({
      eventId: res.body.data.eventId,
      eventName: 'Signed Up',
      eventVersion: 'v01',
      topicName: 'users',
      contractId: 'c-9',
      body: { plan: 'pro' },
    });
  });

  it('answers 1001 "Event is not registered" for unknown names, versions or topics', async () => {
    const variants: Record<string, string>[] = [
      { eventName: 'Nope' },
      { eventVersion: 'v02' },
      { topicName: 'other' },
      { eventName: 'signed up' },
    ];
    for (const headers of variants) {
      const res = await publish(headers);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        result: false,
        errorCode: '1001',
        errorDesc: 'Oops, something went wrong! Please contact Tech Support to report. ',
        requestId: expect.any(String),
        message: 'Event is not registered',
        messages: ['Event is not registered'],
      });
    }
  });

  it('refuses a wrong shared secret or tenant', async () => {
    const count = sim.state.events.length;
    expect((await publish({ sharedSecret: 'wrong' })).status).toBe(401);
    expect((await publish({ tenantId: 'other-tenant' })).status).toBe(401);
    expect(sim.state.events).toHaveLength(count);
  });
});

describe('gainsight simulator: fixed-window limits', () => {
  it('answers 429 GS_APIG_2404 past the per-minute budget and resets when the window rolls', async () => {
    let t = Date.UTC(2025, 4, 1, 10, 0, 5);
    const sim = createGainsightSimulator({ now: () => t, limits: { syncPerMinute: 3 } });
    const call = caller(sim);
    const list = () => call('GET', '/v1/meta/services/objects/list');
    for (let i = 0; i < 3; i++) expect((await list()).status).toBe(200);
    const limited = await list();
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ result: false, errorCode: 'GS_APIG_2404', errorDesc: 'Too many requests' });
    expect(limited.headers.get('retry-after')).toBeNull();
    // Events spend the same sync budget.
    const event = await call(
      'POST',
      '/v1.0/api/eventManager/event',
      {},
      {
        eventName: 'sample_event',
        eventVersion: 'v01',
        sharedSecret: sim.credentials.sharedSecret as string,
        tenantId: sim.credentials.tenantId as string,
      },
    );
    expect(event.status).toBe(429);
    t = Date.UTC(2025, 4, 1, 10, 0, 59, 999);
    expect((await list()).status).toBe(429);
    t = Date.UTC(2025, 4, 1, 10, 1, 0);
    expect((await list()).status).toBe(200);
  });

  it('counts its windows on its own clock when given a clock offset', async () => {
    let t = Date.UTC(2025, 4, 1, 10, 0, 30);
    // 20 s ahead: its minute rolls at our :40.
    const sim = createGainsightSimulator({ now: () => t, clockOffsetMs: 20_000, limits: { syncPerMinute: 3 } });
    const list = () => caller(sim)('GET', '/v1/meta/services/objects/list');
    for (let i = 0; i < 3; i++) expect((await list()).status).toBe(200);
    t = Date.UTC(2025, 4, 1, 10, 0, 39, 999);
    expect((await list()).status).toBe(429);
    t = Date.UTC(2025, 4, 1, 10, 0, 40);
    expect((await list()).status).toBe(200);
  });

  it('enforces the daily budget across minutes, and unauthenticated calls spend nothing', async () => {
    let t = Date.UTC(2025, 4, 1, 23, 58);
    const sim = createGainsightSimulator({ now: () => t, limits: { syncPerDay: 2 } });
    const call = caller(sim);
    const list = (key?: string) =>
      call('GET', '/v1/meta/services/objects/list', undefined, key === undefined ? {} : { accesskey: key });
    expect((await list('bad')).status).toBe(401);
    expect((await list()).status).toBe(200);
    t += 60_000;
    expect((await list()).status).toBe(200);
    t += 30_000;
    expect((await list()).status).toBe(429);
    t = Date.UTC(2025, 4, 2, 0, 0, 1);
    expect((await list()).status).toBe(200);
  });

  it('can send Retry-After and the GU_2400 code when asked', async () => {
    const t = Date.UTC(2025, 4, 1, 10, 0, 45);
    const sim = createGainsightSimulator({
      now: () => t,
      limits: { syncPerMinute: 1 },
      retryAfterHeader: true,
      rateLimitErrorCode: 'GU_2400',
    });
    const call = caller(sim);
    await call('GET', '/v1/meta/services/objects/list');
    const res = await call('GET', '/v1/meta/services/objects/list');
    expect([res.status, res.body.errorCode, res.headers.get('retry-after')]).toEqual([429, 'GU_2400', '15']);
  });
});

describe('gainsight simulator: faults and request log over real HTTP', () => {
  const sim = createGainsightSimulator({ companies: 3 });
  const server = listen(sim.app);
  afterAll(async () => (await server).close());

  it('logs requests and injects 5xx and 429 envelopes', async () => {
    const { url } = await server;
    const headers = { Accesskey: sim.credentials.accessKey as string };
    const ok = await fetch(`${url}/v1/meta/services/objects/list`, { headers });
    expect(ok.status).toBe(200);
    expect(sim.control.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/v1/meta/services/objects/list',
      status: 200,
    });

    sim.control.faults.set('/v1/meta', { rateLimitBurst: 1 });
    const limited = await fetch(`${url}/v1/meta/services/objects/list`, { headers });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ result: false, errorCode: 'GS_APIG_2404' });

    sim.control.faults.set('/v1/meta', { errorRate: 1 });
    const failed = await fetch(`${url}/v1/meta/services/objects/list`, { headers });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(await failed.json()).toMatchObject({ result: false });
    sim.control.reset();
    expect((await fetch(`${url}/v1/meta/services/objects/list`, { headers })).status).toBe(200);
  });
});
