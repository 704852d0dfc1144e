import type { ConnectorContext } from '@synchub/core';
import { createQualtricsSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import qualtrics from './index.js';

const ctx: ConnectorContext = { fetch, now: Date.now };

describe('qualtrics connector', () => {
  const sim = createQualtricsSimulator({ surveys: 5, pageSize: 2 });
  let server: RunningServer;
  let settings: ReturnType<typeof qualtrics.settings.parse>;
  const secrets = { apiToken: sim.credentials.apiToken };
  beforeAll(async () => {
    server = await listen(sim.app);
    settings = qualtrics.settings.parse({ baseUrl: server.url, sandbox: true });
  });
  afterAll(() => server.close());

  it('checks the connection by listing every survey across pages', async () => {
    sim.control.reset();
    const result = await qualtrics.check({ settings, secrets, ctx });
    const host = new URL(server.url).host;
    expect(result.summary).toBe(`Connected to Qualtrics (${host}): 5 surveys`);
    expect(result.details).toEqual({
      surveys: 5,
      active: sim.state.surveys.filter((s) => s.isActive).length,
      triggerConfigured: false,
    });
    expect(sim.control.requests.map((r) => r.query.offset ?? '0')).toEqual(['0', '2', '4']);
  });

  it('names the datacenter in the summary when no override is set', () => {
    const parsed = qualtrics.settings.parse({ datacenter: 'FRA1' });
    expect(parsed.datacenter).toBe('fra1');
    expect(qualtrics.rateLimit.key(parsed)).toBe('fra1');
  });

  it('fails check with code auth, the vendor code and body when the token is wrong', async () => {
    const error = await qualtrics.check({ settings, secrets: { apiToken: 'wrong-token-123456' }, ctx }).catch((e) => e);
    expect(error).toMatchObject({ name: 'ConnectorError', code: 'auth', status: 401, vendorCode: 'AUTH_1' });
    expect(error.body.meta.httpStatus).toBe('401 - Unauthorized');
    expect(error.message).not.toContain('wrong-token-123456');
  });

  it('discovers surveys as objects, and their response columns when asked by id', async () => {
    const objects = await qualtrics.discover({ settings, secrets, ctx });
    expect(objects.map((o) => o.name)).toEqual(sim.state.surveys.map((s) => s.id));
    expect(objects[0]).toMatchObject({ label: sim.state.surveys[0]?.name, kind: 'SURVEY' });
    expect(objects[0]?.fields).toBeUndefined();
    const id = sim.state.surveys[0]?.id as string;
    const [survey] = await qualtrics.discover({ settings, secrets, ctx, options: { objects: [id] } });
    const fields = new Map(survey?.fields?.map((f) => [f.name, f]));
    expect(fields.get('responseId')?.type).toBe('id');
    expect(fields.get('recordedDate')?.type).toBe('datetime');
    expect(fields.get('QID1')?.vendorType).toBe('MC/NPS');
    expect(fields.get('QID1_NPS_GROUP')?.type).toBe('integer');
    expect(fields.get('QID2_TEXT')?.type).toBe('string');
    expect(fields.get('CompanyGSID')?.custom).toBe(true);
    const missing = await qualtrics
      .discover({ settings, secrets, ctx, options: { objects: ['SV_missing'] } })
      .catch((e) => e);
    expect(missing).toMatchObject({ code: 'not_found', vendorCode: 'RESOURCE_NOT_FOUND' });
  });

  it('declares its stream and writer and the brand limit keyed without the token', () => {
    expect(Object.keys(qualtrics.streams)).toEqual(['responses']);
    expect(Object.keys(qualtrics.writers)).toEqual(['trigger_event']);
    expect(qualtrics.writers.trigger_event?.bucket).toBe('api');
    expect(qualtrics.rateLimit.buckets.api).toEqual([{ limit: 3000, windowMs: 60_000, label: 'minute' }]);
    const key = qualtrics.rateLimit.key(settings);
    expect(key).toBe(new URL(server.url).host);
    expect(key).not.toContain(secrets.apiToken);
  });
});
