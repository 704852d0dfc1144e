import type { ConnectorContext, SyncRecord } from '@synchub/core';
import { createQualtricsSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { settingsSchema } from './settings.js';
import { writers } from './writers.js';

describe('qualtrics trigger_event writer', () => {
  const sim = createQualtricsSimulator({ surveys: 1, responsesPerSurvey: 1 });
  const { apiToken, username, triggerPath } = sim.credentials;
  let server: RunningServer;
  const writer = writers.trigger_event!;
  const logged: { message: string; data?: Record<string, unknown> | undefined }[] = [];
  const baseCtx: ConnectorContext = {
    fetch,
    now: Date.now,
    log: (_level, message, data) => logged.push({ message, data }),
  };
  const write = (
    records: SyncRecord[],
    settings: Record<string, unknown> = {},
    ctx = baseCtx,
    options: Record<string, unknown> = {},
  ) =>
    writer.write({
      settings: settingsSchema.parse({
        baseUrl: server.url,
        sandbox: true,
        triggerUrl: server.url + triggerPath,
        username,
        ...settings,
      }),
      secrets: { apiToken },
      ctx,
      records,
      options,
    });
  beforeAll(async () => {
    server = await listen(sim.app);
  });
  afterAll(() => server.close());
  afterEach(() => {
    sim.control.reset();
    sim.state.apiToken = apiToken;
  });

  it('declares a publish writer of one event per call on the api bucket', () => {
    expect(writer).toMatchObject({ mode: 'publish', batchSize: 1, bucket: 'api' });
  });

  it('posts the record as the event body with Basic auth; the result id is the eventId', async () => {
    const record = { CompanyGSID: '1P02ABCDEF', RenewalDate: '2025-06-30', seats: 40 };
    const results = await write([record]);
    const event = sim.state.events.at(-1);
    expect(event).toMatchObject({ auth: 'basic', body: record });
    expect(results).toEqual([{ ok: true, id: event?.eventId, meta: { requestId: event?.requestId, status: 202 } }]);
    expect(logged.at(-1)).toEqual({
      message: 'Qualtrics accepted the JSON event',
      data: { eventId: event?.eventId, requestId: event?.requestId },
    });
    expect(sim.control.requests).toHaveLength(1);
    expect(await write([])).toEqual([]);
  });

  it('refuses two records with invalid_request before calling Qualtrics', async () => {
    const error = await write([{ a: 1 }, { a: 2 }]).catch((e) => e);
    expect(error).toMatchObject({ name: 'ConnectorError', code: 'invalid_request' });
    expect(sim.control.requests).toHaveLength(0);
  });

  it('fails a record over 100 KB without a call, and one Qualtrics refuses with its answer', async () => {
    const [big] = await write([{ blob: 'x'.repeat(110 * 1024) }]);
    expect(big).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', message: expect.stringMatching(/100 KB/) },
    });
    expect(sim.control.requests).toHaveLength(0);
    // The simulator's own limit below ours: Qualtrics answers 413 and the record fails with its body.
    const strict = createQualtricsSimulator({ maxEventBytes: 1024 });
    const strictServer = await listen(strict.app);
    try {
      const results = await writer.write({
        settings: settingsSchema.parse({
          sandbox: true,
          baseUrl: strictServer.url,
          triggerUrl: strictServer.url + strict.credentials.triggerPath,
          username: strict.credentials.username,
        }),
        secrets: { apiToken: strict.credentials.apiToken },
        ctx: baseCtx,
        records: [{ blob: 'y'.repeat(2048) }],
        options: {},
      });
      expect(results[0]).toMatchObject({
        ok: false,
        error: {
          code: 'invalid_request',
          vendorCode: 'PAYLOAD_TOO_LARGE',
          body: { meta: { httpStatus: '413 - Payload Too Large' } },
        },
      });
    } finally {
      await strictServer.close();
    }
  });

  it('a 2xx of any shape is a written record (the workflow ran), with the ids it carried and null for the others', async () => {
    const proxied: ConnectorContext = {
      now: Date.now,
      // A proxy in front of Qualtrics that answers 200 with a body of its own.
      fetch: async (input, init) => {
        await fetch(input, init);
        return new Response('<html>OK</html>', { status: 200, headers: { 'request-id': 'proxy-req-1' } });
      },
    };
    expect(await write([{ a: 1 }], {}, proxied)).toEqual([
      { ok: true, meta: { requestId: 'proxy-req-1', status: 200 } },
    ]);
    try {
      sim.state.triggerAnswer = 'empty';
      expect(await write([{ a: 2 }])).toEqual([{ ok: true, meta: { requestId: null, status: 202 } }]);
      sim.state.triggerAnswer = 'headers';
      expect(await write([{ a: 3 }])).toEqual([
        { ok: true, meta: { requestId: sim.state.events.at(-1)?.requestId, status: 200 } },
      ]);
    } finally {
      sim.state.triggerAnswer = 'envelope';
    }
    expect(sim.state.events.slice(-3).map((e) => e.body)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });

  it('rejects the call for a rotated token, an unknown trigger, 5xx and a missing trigger URL', async () => {
    sim.state.apiToken = 'rotated-0000000000000000000000000000';
    expect(await write([{ a: 1 }]).catch((e) => e)).toMatchObject({ code: 'auth', status: 401 });
    sim.state.apiToken = apiToken;
    const unknown = await write([{ a: 1 }], {
      triggerUrl: `${server.url}/inbound-event/v1/events/json/triggers?urlTokenId=00000000-0000-4000-a000-000000000000`,
    }).catch((e) => e);
    expect(unknown).toMatchObject({ code: 'not_found', status: 404 });
    sim.control.faults.set('/inbound-event', { errorRate: 1 });
    expect((await write([{ a: 1 }]).catch((e) => e)).code).toBe('transient');
    sim.control.faults.clear();
    expect(await write([{ a: 1 }], { triggerUrl: undefined }).catch((e) => e)).toMatchObject({ code: 'config' });
  });

  it('takes the trigger URL and username from its options over the connection settings', async () => {
    const other = createQualtricsSimulator({ seed: 7, apiToken, username: 'someone.else@example.com' });
    const otherServer = await listen(other.app);
    try {
      const [result] = await write([{ Step: 'kick-off' }], { triggerUrl: undefined, username: undefined }, baseCtx, {
        triggerUrl: otherServer.url + other.credentials.triggerPath,
        username: 'someone.else@example.com',
      });
      const event = other.state.events.at(-1);
      expect(result).toEqual({ ok: true, id: event?.eventId, meta: { requestId: event?.requestId, status: 202 } });
      expect(event).toMatchObject({ auth: 'basic', body: { Step: 'kick-off' } });
      const header = other.control.requests.at(-1)?.headers.authorization;
      expect(header).toBe(`Basic ${Buffer.from(`someone.else@example.com:${apiToken}`).toString('base64')}`);
      expect(sim.state.events.filter((e) => e.body.Step === 'kick-off')).toHaveLength(0);
      expect(await write([{}], {}, baseCtx, { triggerUrl: 42 }).catch((e) => e)).toMatchObject({ code: 'config' });
    } finally {
      await otherServer.close();
    }
  });

  it('sends X-API-TOKEN when no username is set', async () => {
    const [result] = await write([{}], { username: undefined });
    expect(result?.ok).toBe(true);
    expect(sim.state.events.at(-1)).toMatchObject({ auth: 'token', body: {} });
  });
});
