import type { ConnectorContext } from '@synchub/core';
import { createQualtricsSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createQualtricsClient } from './client.js';
import { apiBaseOf, settingsSchema, triggerUrlOf } from './settings.js';

const NOW = Date.UTC(2025, 0, 15, 12);

describe('qualtrics client against the simulator', () => {
  const sim = createQualtricsSimulator({
    surveys: 3,
    responsesPerSurvey: 30,
    exportPolls: 1,
    now: () => NOW,
    retryAfterSeconds: 7,
  });
  let server: RunningServer;
  const buckets: string[] = [];
  const ctx: ConnectorContext = {
    fetch,
    now: () => NOW,
    acquire: async (bucket) => {
      buckets.push(bucket);
    },
  };
  const client = (settings: Record<string, unknown> = {}, apiToken = sim.credentials.apiToken) =>
    createQualtricsClient(
      settingsSchema.parse({
        baseUrl: server.url,
        sandbox: true,
        triggerUrl: server.url + sim.credentials.triggerPath,
        ...settings,
      }),
      { apiToken },
      ctx,
    );
  beforeAll(async () => {
    server = await listen(sim.app);
  });
  afterAll(() => server.close());
  afterEach(() => sim.control.faults.clear());

  it('exports responses: start, poll until complete, download, honouring startDate', async () => {
    const survey = sim.state.surveys[0];
    if (!survey) throw new Error('seed');
    buckets.length = 0;
    const startDate = new Date(NOW - 10 * 86_400_000).toISOString();
    const c = client();
    const progressId = await c.startExport(survey.id, { startDate });
    const first = await c.pollExport(survey.id, progressId);
    expect(first).toMatchObject({ status: 'inProgress', fileId: undefined });
    const done = await c.pollExport(survey.id, progressId);
    expect(done.status).toBe('complete');
    const responses = await c.downloadExport(survey.id, done.fileId as string);
    const expected = survey.responses
      .filter((r) => String(r.values.recordedDate) >= startDate)
      .map((r) => r.responseId);
    expect(responses.map((r) => r.responseId)).toEqual(expected);
    expect(buckets).toEqual(['api', 'api', 'api', 'api']);
    expect(sim.control.requests.at(-4)?.body).toEqual({ format: 'json', compress: false, startDate });
  });

  it('reports a failed export as status failed', async () => {
    const survey = sim.state.surveys[1];
    if (!survey) throw new Error('seed');
    sim.state.failSurveyIds.add(survey.id);
    const c = client();
    const progressId = await c.startExport(survey.id);
    await c.pollExport(survey.id, progressId);
    expect((await c.pollExport(survey.id, progressId)).status).toBe('failed');
    sim.state.failSurveyIds.delete(survey.id);
  });

  it('unwraps error envelopes into ConnectorErrors with the vendor code', async () => {
    const error = await client()
      .startExport('SV_doesNotExist')
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'not_found', status: 404, vendorCode: 'RESOURCE_NOT_FOUND' });
    expect(error.message).toMatch(/Survey SV_doesNotExist was not found/);
    expect(error.body.meta.error.errorCode).toBe('RESOURCE_NOT_FOUND');
  });

  it('maps 429 to rate_limited with retryAt from Retry-After', async () => {
    sim.control.faults.set('/API/v3/surveys', { rateLimitBurst: 1 });
    const error = await client()
      .listSurveys()
      .catch((e) => e);
    expect(error).toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryAt: NOW + 7_000,
      vendorCode: 'RATE_LIMIT_1',
    });
  });

  it('maps 500 to transient', async () => {
    sim.control.faults.set('/API/v3/surveys', { errorRate: 1 });
    const error = await client()
      .listSurveys()
      .catch((e) => e);
    expect(error.code).toBe('transient');
    expect(error.vendorCode).toBe('SERVER_ERROR');
  });

  it('triggers the workflow with Basic auth when a username is set and returns the ids', async () => {
    const result = await client({ username: sim.credentials.username }).triggerEvent({
      CompanyGSID: '1P02XYZ',
      RenewalDate: '2025-06-30',
    });
    const event = sim.state.events.at(-1);
    expect(result).toEqual({
      status: 202,
      eventId: event?.eventId,
      requestId: event?.requestId,
      body: {
        result: { eventId: event?.eventId },
        meta: { httpStatus: '202 - Accepted', requestId: event?.requestId },
      },
    });
    expect(event).toMatchObject({ auth: 'basic', body: { CompanyGSID: '1P02XYZ', RenewalDate: '2025-06-30' } });
    const sent = sim.control.requests.at(-1);
    expect(sent?.headers.authorization).toMatch(/^Basic /);
    expect(sent?.headers['x-api-token']).toBeUndefined();
  });

  it('takes any 2xx as accepted and finds the ids wherever the answer carries them, null where it does not', async () => {
    const c = client({ username: sim.credentials.username });
    try {
      sim.state.triggerAnswer = 'flat';
      const flat = await c.triggerEvent({ n: 1 });
      expect(flat).toMatchObject({ status: 202, eventId: sim.state.events.at(-1)?.eventId });
      expect(flat.requestId).toBe(sim.state.events.at(-1)?.requestId);

      sim.state.triggerAnswer = 'empty';
      expect(await c.triggerEvent({ n: 2 })).toEqual({ status: 202, eventId: null, requestId: null, body: null });

      sim.state.triggerAnswer = 'headers';
      expect(await c.triggerEvent({ n: 3 })).toEqual({
        status: 200,
        eventId: null,
        requestId: sim.state.events.at(-1)?.requestId,
        body: null,
      });
      expect(sim.state.events.slice(-3).map((e) => e.body)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    } finally {
      sim.state.triggerAnswer = 'envelope';
    }
  });

  it('triggers with X-API-TOKEN when no username is set, and a bare {} is enough', async () => {
    const result = await client().triggerEvent({});
    expect(result.status).toBe(202);
    expect(sim.state.events.at(-1)).toMatchObject({ auth: 'token', body: {} });
  });

  it('maps trigger failures: wrong token → auth, unknown trigger → not_found, too big → invalid_request without a call', async () => {
    const wrong = await client({ username: sim.credentials.username }, 'wrong-token-abcdef')
      .triggerEvent({})
      .catch((e) => e);
    expect(wrong).toMatchObject({ code: 'auth', status: 401, vendorCode: 'AUTH_1' });
    const unknownUrl = `${server.url}/inbound-event/v1/events/json/triggers?urlTokenId=00000000-0000-4000-a000-000000000000`;
    const unknown = await client({ triggerUrl: unknownUrl })
      .triggerEvent({})
      .catch((e) => e);
    expect(unknown).toMatchObject({ code: 'not_found', status: 404 });
    const before = sim.control.requests.length;
    const big = await client()
      .triggerEvent({ blob: 'x'.repeat(101 * 1024) })
      .catch((e) => e);
    expect(big).toMatchObject({ code: 'invalid_request' });
    expect(sim.control.requests.length).toBe(before);
  });

  it('refuses to trigger without a trigger URL', async () => {
    const error = await client({ triggerUrl: undefined })
      .triggerEvent({})
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'config' });
  });
});

describe('qualtrics settings', () => {
  it('builds the API base from the datacenter, or from an override without a duplicate /API/v3', () => {
    expect(apiBaseOf(settingsSchema.parse({ datacenter: 'iad1' }))).toBe('https://iad1.qualtrics.com/API/v3');
    expect(apiBaseOf(settingsSchema.parse({}))).toBe('https://iad1.qualtrics.com/API/v3');
    expect(apiBaseOf(settingsSchema.parse({ baseUrl: 'https://acme.qualtrics.com/API/v3/' }))).toBe(
      'https://acme.qualtrics.com/API/v3',
    );
    expect(settingsSchema.safeParse({ datacenter: 'not a dc' }).success).toBe(false);
    expect(() => apiBaseOf(settingsSchema.parse({ baseUrl: 'http://127.0.0.1:1' }))).toThrow(/https/);
  });

  it('keeps the trigger URL query, enforces https outside sandbox and needs a trigger id', () => {
    const url = 'https://iad1.qualtrics.com/inbound-event/v1/events/json/triggers?urlTokenId=abc-123';
    expect(triggerUrlOf(settingsSchema.parse({ triggerUrl: url }))).toBe(url);
    expect(() => settingsSchema.parse({ triggerUrl: url.replace('https', 'http') })).toThrow(/https/);
    expect(() => triggerUrlOf({ triggerUrl: url.replace('https', 'http'), sandbox: false })).toThrow(/https/);
    expect(() => triggerUrlOf(settingsSchema.parse({ triggerUrl: 'https://iad1.qualtrics.com/x' }))).toThrow(
      /urlTokenId/,
    );
    expect(() => settingsSchema.parse({ triggerUrl: 'not a url' })).toThrow(/not a valid host or URL/);
    expect(() => triggerUrlOf({ triggerUrl: 'not a url', sandbox: false })).toThrow(/not a valid URL/);
  });
});
