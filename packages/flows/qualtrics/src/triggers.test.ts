import { createQualtricsSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createQualtricsTestHub, type QualtricsTestHub } from './test-hub.js';

// biome-ignore lint/suspicious/noExplicitAny: test answers are checked by the assertions themselves
type Json = Record<string, any>;

let sim: ReturnType<typeof createQualtricsSimulator>;
let server: RunningServer;
let t: QualtricsTestHub;
let clock = Date.UTC(2026, 0, 10, 9, 0, 0);
let connectionId: string;

beforeAll(async () => {
  // A second workflow the per-trigger URL override can point at.
  sim = createQualtricsSimulator({ surveys: 1, responsesPerSurvey: 1, triggers: ['wf-onboarding', 'wf-renewal'] });
  server = await listen(sim.app);
});
afterAll(() => server.close());
beforeEach(async () => {
  sim.control.reset();
  sim.state.events.length = 0;
  t = await createQualtricsTestHub({ now: () => clock, publicUrl: 'https://hub.example.com/' });
  const res = await t.request('POST', '/api/connections', {
    connectorId: 'qualtrics',
    name: 'Qualtrics',
    settings: {
      baseUrl: server.url,
      sandbox: true,
      triggerUrl: `${server.url}/inbound-event/v1/events/json/triggers?urlTokenId=wf-onboarding`,
      username: sim.credentials.username,
    },
    secrets: { apiToken: sim.credentials.apiToken },
  });
  connectionId = ((await res.json()) as Json).connection.id;
});
afterEach(() => t.close());

const body = async (res: Response) => (await res.json()) as Json;
const createTrigger = async (extra: Json = {}) => {
  const res = await t.request('POST', '/api/qualtrics/triggers', { name: 'Onboarding survey', connectionId, ...extra });
  expect(res.status).toBe(201);
  return body(res);
};
const hook = (id: string, payload: unknown, headers: Record<string, string>) =>
  t.hub.app.request(`http://hub.test/hooks/qualtrics/${id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
const delivery = async (id: number) => (await body(await t.request('GET', `/api/qualtrics/deliveries/${id}`))).delivery;

describe('workflow triggers', () => {
  it('answers the webhook secret once with the full webhook URL; later reads show only its hint', async () => {
    const created = await createTrigger();
    expect(created.secret).toMatch(/^qwh_/);
    // Under the hub's public URL (SYNCHUB_PUBLIC_URL), whatever address the request came to.
    expect(created.webhookUrl).toBe(`https://hub.example.com/hooks/qualtrics/${created.trigger.id}`);
    expect(created.trigger.secretHint).toBe(`…${created.secret.slice(-4)}`);
    const list = await body(await t.request('GET', '/api/qualtrics/triggers'));
    expect(JSON.stringify(list)).not.toContain(created.secret);
    expect(list.triggers[0]).toMatchObject({ name: 'Onboarding survey', counts: { pending: 0, delivered: 0 } });

    const rotated = await body(await t.request('POST', `/api/qualtrics/triggers/${created.trigger.id}/rotate-secret`));
    expect(rotated.secret).not.toBe(created.secret);
    expect((await hook(created.trigger.id, {}, { 'x-synchub-secret': created.secret })).status).toBe(401);
    expect((await hook(created.trigger.id, {}, { 'x-synchub-secret': rotated.secret })).status).toBe(202);
  });

  it('refuses a connection that is not Qualtrics, and a bad template row by its path', async () => {
    const res = await t.request('POST', '/api/qualtrics/triggers', {
      name: 'x',
      connectionId: 'nope',
      template: [{ key: 'A', value: '$.' }],
    });
    expect(res.status).toBe(400);
    expect((await body(res)).error.issues.map((i: Json) => i.path)).toEqual(['template.0.value']);
    const wrong = await t.request('POST', '/api/qualtrics/triggers', { name: 'x', connectionId: 'nope' });
    expect((await body(wrong)).error.issues).toEqual([{ path: 'connectionId', message: expect.any(String) }]);
  });

  it('webhook: stores the call before answering 202, then the worker triggers the workflow and records both ids', async () => {
    const { trigger, secret } = await createTrigger({
      template: [
        { key: 'Company GSID', value: '$.Company GSID' },
        { key: 'Renewal Date', value: '$.renewal.date' },
        { key: 'Source', value: 'Gainsight rule' },
      ],
    });
    const res = await hook(
      trigger.id,
      { 'Company GSID': '1P02AAA', renewal: { date: '2026-06-30' } },
      { authorization: `Bearer ${secret}` },
    );
    expect(res.status).toBe(202);
    const { deliveryId } = await body(res);
    expect(await delivery(deliveryId)).toMatchObject({ state: 'pending', origin: 'webhook', attempts: 0 });
    expect(sim.state.events).toHaveLength(0);

    await t.qualtrics.drain();
    const event = sim.state.events.at(-1);
    expect(event).toMatchObject({
      urlTokenId: 'wf-onboarding',
      auth: 'basic',
      body: { 'Company GSID': '1P02AAA', 'Renewal Date': '2026-06-30', Source: 'Gainsight rule' },
    });
    expect(await delivery(deliveryId)).toMatchObject({
      state: 'delivered',
      statusCode: 202,
      eventId: event?.eventId,
      requestId: event?.requestId,
      attempts: 1,
    });
  });

  it('webhook: 401 without or with a wrong secret, 404 for an unknown trigger, 400 naming the problem, 413 when too big', async () => {
    const { trigger, secret } = await createTrigger();
    const ok = { 'x-synchub-secret': secret };
    expect((await hook(trigger.id, {}, {})).status).toBe(401);
    expect((await hook(trigger.id, {}, { 'x-synchub-secret': 'qwh_wrong' })).status).toBe(401);
    expect((await hook('no-such-trigger', {}, ok)).status).toBe(404);
    const malformed = await hook(trigger.id, '{"Company GSID": ', ok);
    expect(malformed.status).toBe(400);
    expect((await body(malformed)).error.message).toMatch(/not valid JSON/);
    const array = await hook(trigger.id, [{ a: 1 }], ok);
    expect((await body(array)).error.message).toMatch(/must be a JSON object .*got an array/);
    const big = await hook(trigger.id, { blob: 'x'.repeat(101 * 1024) }, ok);
    expect(big.status).toBe(413);
    expect((await body(big)).error.code).toBe('payload_too_large');
    // An empty body is Gainsight's bare "{ }" trigger.
    expect((await hook(trigger.id, '', ok)).status).toBe(202);
    const { deliveries } = await body(await t.request('GET', '/api/qualtrics/deliveries'));
    expect(deliveries).toHaveLength(1);
  });

  it('retries 5xx with backoff and honours Retry-After on 429, then delivers', async () => {
    const { trigger, secret } = await createTrigger();
    const { deliveryId } = await body(await hook(trigger.id, { n: 1 }, { 'x-synchub-secret': secret }));
    sim.control.faults.set('/inbound-event', { errorRate: 1 });
    await t.qualtrics.drain();
    const first = await delivery(deliveryId);
    expect(first).toMatchObject({ state: 'retrying', attempts: 1, lastError: { code: 'transient' } });
    expect([500, 502, 503]).toContain(first.statusCode);
    expect(first.lastError.body.meta.error.errorCode).toBeDefined();
    // Not due yet: nothing is sent.
    await t.qualtrics.drain();
    expect((await delivery(deliveryId)).attempts).toBe(1);

    sim.control.faults.set('/inbound-event', { rateLimitBurst: 1 });
    clock = first.nextAttemptAt;
    await t.qualtrics.drain();
    const limited = await delivery(deliveryId);
    expect(limited).toMatchObject({
      state: 'retrying',
      attempts: 2,
      statusCode: 429,
      lastError: { code: 'rate_limited' },
    });
    // The simulator's Retry-After (5 s) wins over the second backoff (4 s ± 20%).
    expect(limited.nextAttemptAt).toBeGreaterThanOrEqual(clock + 5000);

    clock = limited.nextAttemptAt;
    await t.qualtrics.drain();
    expect(await delivery(deliveryId)).toMatchObject({ state: 'delivered', attempts: 3, statusCode: 202 });
    expect(sim.state.events).toHaveLength(1);
  });

  it('keeps a permanent failure with the vendor body, and replays it once fixed', async () => {
    const { trigger, secret } = await createTrigger({
      triggerUrl: `${server.url}/inbound-event/v1/events/json/triggers?urlTokenId=wf-deleted`,
    });
    const { deliveryId } = await body(await hook(trigger.id, { a: 1 }, { 'x-synchub-secret': secret }));
    await t.qualtrics.drain();
    const failed = await delivery(deliveryId);
    expect(failed).toMatchObject({
      state: 'failed',
      statusCode: 404,
      attempts: 1,
      lastError: { code: 'not_found', body: { meta: { httpStatus: '404 - Not Found' } } },
    });
    // Replayed while still broken: it fails again, kept.
    const stillBroken = await t.request('POST', `/api/qualtrics/deliveries/${deliveryId}/replay`);
    expect(stillBroken.status).toBe(200);
    await t.qualtrics.drain();
    expect((await delivery(deliveryId)).state).toBe('failed');

    // Point the trigger at the renewal workflow, then replay every failed delivery.
    await t.request('PATCH', `/api/qualtrics/triggers/${trigger.id}`, {
      triggerUrl: `${server.url}/inbound-event/v1/events/json/triggers?urlTokenId=wf-renewal`,
    });
    const replay = await body(await t.request('POST', '/api/qualtrics/deliveries/replay', { triggerId: trigger.id }));
    expect(replay).toEqual({ replayed: 1 });
    await t.qualtrics.drain();
    expect(await delivery(deliveryId)).toMatchObject({ state: 'delivered', attempts: 1, lastError: null });
    expect(sim.state.events.at(-1)).toMatchObject({ urlTokenId: 'wf-renewal', body: { a: 1 } });
    const again = await t.request('POST', `/api/qualtrics/deliveries/${deliveryId}/replay`);
    expect(again.status).toBe(409);
  });

  it('a confirmed test answers 202 with eventId and requestId, or the failure with status and body', async () => {
    const { trigger } = await createTrigger({
      template: [
        { key: 'Company GSID', value: '$.companyGsid' },
        { key: 'Kind', value: 'test' },
      ],
    });
    const ok = await body(await t.request('POST', `/api/qualtrics/triggers/${trigger.id}/test`, { confirm: true }));
    const event = sim.state.events.at(-1);
    expect(ok).toMatchObject({ ok: true, status: 202, eventId: event?.eventId, requestId: event?.requestId });
    expect(event?.body).toEqual({ 'Company GSID': 'test value ($.companyGsid)', Kind: 'test' });
    const withInput = await t.request('POST', `/api/qualtrics/triggers/${trigger.id}/test`, {
      input: { companyGsid: '1P02' },
      confirm: true,
    });
    expect((await body(withInput)).ok).toBe(true);
    expect(sim.state.events.at(-1)?.body).toEqual({ 'Company GSID': '1P02', Kind: 'test' });

    sim.state.apiToken = 'rotated-token-000000000000000000000000';
    try {
      const failed = await body(
        await t.request('POST', `/api/qualtrics/triggers/${trigger.id}/test`, { confirm: true }),
      );
      expect(failed).toMatchObject({
        ok: false,
        status: 401,
        error: { code: 'auth', body: { meta: { httpStatus: '401 - Unauthorized' } } },
      });
      expect(JSON.stringify(failed)).not.toContain(sim.credentials.apiToken);
    } finally {
      sim.state.apiToken = sim.credentials.apiToken;
    }
    const { deliveries } = await body(await t.request('GET', '/api/qualtrics/deliveries?origin=test'));
    expect(deliveries.map((d: Json) => d.state)).toEqual(['failed', 'delivered', 'delivered']);
  });

  it('a connection a trigger sends through cannot be deleted; the refusal names the trigger', async () => {
    const { trigger } = await createTrigger();
    const refused = await t.request('DELETE', `/api/connections/${connectionId}`);
    expect(refused.status).toBe(409);
    const { error } = await body(refused);
    expect(error.usedBy).toEqual([
      expect.objectContaining({
        type: 'qualtrics_trigger',
        id: trigger.id,
        name: 'Onboarding survey',
        via: 'connectionId',
      }),
    ]);
    expect(error.message).toContain('Qualtrics workflow trigger “Onboarding survey”');
    expect((await t.request('DELETE', `/api/qualtrics/triggers/${trigger.id}`)).status).toBe(204);
    expect((await t.request('DELETE', `/api/connections/${connectionId}`)).status).toBe(204);
  });

  it('records configuration changes in the hub audit log, never the secret', async () => {
    const { trigger, secret } = await createTrigger();
    await t.request('POST', `/api/qualtrics/triggers/${trigger.id}/rotate-secret`);
    const { entries } = await body(await t.request('GET', '/api/audit'));
    const ours = entries.filter((e: Json) => String(e.action).startsWith('qualtrics.'));
    expect(ours.map((e: Json) => [e.action, e.target])).toEqual([
      ['qualtrics.trigger.rotate_secret', trigger.id],
      ['qualtrics.trigger.create', trigger.id],
    ]);
    expect(JSON.stringify(entries)).not.toContain(secret);
  });

  it('a disabled trigger refuses webhook calls (409) and holds queued ones until enabled', async () => {
    const { trigger, secret } = await createTrigger();
    await hook(trigger.id, { a: 1 }, { 'x-synchub-secret': secret });
    await t.request('PATCH', `/api/qualtrics/triggers/${trigger.id}`, { enabled: false });
    expect((await hook(trigger.id, { a: 2 }, { 'x-synchub-secret': secret })).status).toBe(409);
    await t.qualtrics.drain();
    expect(sim.state.events).toHaveLength(0);
    await t.request('PATCH', `/api/qualtrics/triggers/${trigger.id}`, { enabled: true });
    await t.qualtrics.drain();
    expect(sim.state.events.map((e) => e.body)).toEqual([{ a: 1 }]);
  });
});

describe("Qualtrics' answer: any 2xx is accepted, never sent twice", () => {
  const answers = [
    { answer: 'flat', status: 202, ids: (e: Json) => ({ eventId: e.eventId, requestId: e.requestId }) },
    { answer: 'empty', status: 202, ids: () => ({ eventId: null, requestId: null }) },
    { answer: 'headers', status: 200, ids: (e: Json) => ({ eventId: null, requestId: e.requestId }) },
  ] as const;

  for (const { answer, status, ids } of answers) {
    it(`${answer}: ${status} is delivered with the ids it carried (null when absent); replay refuses it`, async () => {
      const { trigger, secret } = await createTrigger();
      sim.state.triggerAnswer = answer;
      try {
        const { deliveryId } = await body(await hook(trigger.id, { n: answer }, { 'x-synchub-secret': secret }));
        await t.qualtrics.drain();
        const event = sim.state.events.at(-1) as Json;
        expect(event).toMatchObject({ answer, body: { n: answer } });
        expect(await delivery(deliveryId)).toMatchObject({
          state: 'delivered',
          statusCode: status,
          attempts: 1,
          lastError: null,
          ...ids(event),
        });

        const replay = await t.request('POST', `/api/qualtrics/deliveries/${deliveryId}/replay`);
        expect(replay.status).toBe(409);
        expect((await body(replay)).error.message).toMatch(
          new RegExp(`^Delivery ${deliveryId} was accepted by Qualtrics \\(${status}.*never sent again$`),
        );
        expect(await body(await t.request('POST', '/api/qualtrics/deliveries/replay', {}))).toEqual({ replayed: 0 });
        await t.qualtrics.drain();
        expect(sim.state.events.filter((e) => e.body.n === answer)).toHaveLength(1);
        expect((await delivery(deliveryId)).state).toBe('delivered');
      } finally {
        sim.state.triggerAnswer = 'envelope';
      }
    });
  }

  it('a failure kept from a 2xx answer (older hubs) is never replayed, one by one or all at once', async () => {
    const { trigger, secret } = await createTrigger();
    const { deliveryId } = await body(await hook(trigger.id, { a: 1 }, { 'x-synchub-secret': secret }));
    await t.qualtrics.drain();
    // What an older hub stored for a 200 it could not read: failed, status 200, the workflow had run.
    await t.db
      .updateTable('trigger_deliveries')
      .set({ state: 'failed', status_code: 200, last_error_json: JSON.stringify({ code: 'unexpected', message: 'x' }) })
      .where('id', '=', deliveryId)
      .execute();
    const one = await t.request('POST', `/api/qualtrics/deliveries/${deliveryId}/replay`);
    expect(one.status).toBe(409);
    expect((await body(one)).error.message).toMatch(/answered 200 by Qualtrics.*never sent again/);
    expect(await body(await t.request('POST', '/api/qualtrics/deliveries/replay', {}))).toEqual({ replayed: 0 });
    await t.qualtrics.drain();
    expect(sim.state.events).toHaveLength(1);
  });
});

describe('Test: a dry run first, the real workflow only once confirmed', () => {
  it('without confirm answers the request it would send (masked Authorization) and sends nothing', async () => {
    const { trigger } = await createTrigger({
      template: [
        { key: 'Company GSID', value: '$.companyGsid' },
        { key: 'Kind', value: 'test' },
      ],
    });
    const res = await t.request('POST', `/api/qualtrics/triggers/${trigger.id}/test`, {});
    expect(res.status).toBe(200);
    const plan = await body(res);
    expect(plan).toEqual({
      dryRun: true,
      request: {
        method: 'POST',
        url: `${server.url}/inbound-event/v1/events/json/triggers?urlTokenId=wf-onboarding`,
        headers: { accept: 'application/json', 'content-type': 'application/json', authorization: 'Basic ••••' },
        body: { 'Company GSID': 'test value ($.companyGsid)', Kind: 'test' },
      },
      warning: expect.stringMatching(/real Qualtrics workflow of “Onboarding survey”.*for real/),
      error: null,
    });
    expect(JSON.stringify(plan)).not.toContain(sim.credentials.apiToken);
    expect(JSON.stringify(plan)).not.toContain(
      Buffer.from(`${sim.credentials.username}:`).toString('base64').slice(0, 12),
    );
    // Nothing reached Qualtrics, nothing was kept as a delivery, the budget was not spent.
    expect(sim.control.requests).toHaveLength(0);
    expect(sim.state.events).toHaveLength(0);
    expect((await body(await t.request('GET', '/api/qualtrics/deliveries'))).deliveries).toEqual([]);

    const sent = await body(await t.request('POST', `/api/qualtrics/triggers/${trigger.id}/test`, { confirm: true }));
    expect(sent).toMatchObject({ dryRun: false, ok: true, status: 202, eventId: sim.state.events[0]?.eventId });
    expect(sim.state.events.map((e) => e.body)).toEqual([plan.request.body]);
  });

  it('a dry run that cannot build the request says why', async () => {
    const { trigger } = await createTrigger({ triggerUrl: 'https://iad1.qualtrics.com/no-token' });
    const plan = await body(await t.request('POST', `/api/qualtrics/triggers/${trigger.id}/test`));
    expect(plan).toMatchObject({ dryRun: true, request: null, error: { code: 'config' } });
    expect(plan.error.message).toMatch(/urlTokenId/);
    expect(sim.control.requests).toHaveLength(0);
  });
});
