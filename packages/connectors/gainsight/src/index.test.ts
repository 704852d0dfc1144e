import { type ConnectorContext, type ConnectorError, isConnectorError } from '@synchub/core';
import { createGainsightSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import gainsight from './index.js';

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConnectorError(error)) throw new Error(`expected a ConnectorError, got ${String(error)}`);
  return error as ConnectorError;
}

describe('gainsight connector: check and discover against the simulator', () => {
  const sim = createGainsightSimulator({ companies: 5, people: 5 });
  let server: RunningServer;
  let settings: ReturnType<typeof gainsight.settings.parse>;
  const secrets = gainsight.secrets.parse({ accessKey: sim.credentials.accessKey });
  const buckets: string[] = [];
  const ctx: ConnectorContext = {
    fetch,
    now: Date.now,
    acquire: async (bucket) => {
      buckets.push(bucket);
    },
  };

  beforeAll(async () => {
    server = await listen(sim.app);
    settings = gainsight.settings.parse({ domain: server.url, sandbox: true });
  });
  afterAll(async () => server.close());

  it('check counts the objects of the object list, by type', async () => {
    sim.control.reset();
    buckets.length = 0;
    const result = await gainsight.check({ settings, secrets, ctx });
    const objects = sim.state.objects;
    expect(result.summary).toBe(`Connected to 127.0.0.1:${server.port}: ${objects.length} objects discovered`);
    expect(result.details).toEqual({
      objects: objects.length,
      standard: objects.filter((o) => o.objectType === 'STANDARD').length,
      custom: objects.filter((o) => o.objectType === 'CUSTOM').length,
      system: objects.filter((o) => o.objectType === 'SYSTEM').length,
    });
    expect((result.details.custom as number) > 0).toBe(true);
    expect(sim.control.requests).toHaveLength(1);
    expect(sim.control.requests[0]?.headers.accesskey).toBe(sim.credentials.accessKey);
    expect(buckets).toEqual(['sync']);
  });

  it('check with a wrong key fails with code auth, the vendor body, and no secret in the message', async () => {
    const error = await failure(gainsight.check({ settings, secrets: { accessKey: 'wrong-key-123' }, ctx }));
    expect(error.code).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.vendorCode).toBe('GS_APIG_2401');
    expect(error.body).toMatchObject({ result: false, errorCode: 'GS_APIG_2401' });
    expect(error.message).toContain('access key');
    expect(error.message).not.toContain('wrong-key-123');
  });

  it('an injected 500 is transient and retryable', async () => {
    sim.control.faults.set('/v1/meta', { errorRate: 1 });
    try {
      const error = await failure(gainsight.check({ settings, secrets, ctx }));
      expect(error.code).toBe('transient');
      expect(error.retryable).toBe(true);
      expect(error.status).toBeGreaterThanOrEqual(500);
    } finally {
      sim.control.reset();
    }
  });

  it('an injected 429 is rate_limited with retryAt at the roll of the minute window', async () => {
    sim.control.faults.set('*', { rateLimitBurst: 1 });
    const before = Date.now();
    const error = await failure(gainsight.check({ settings, secrets, ctx }));
    expect(error.code).toBe('rate_limited');
    expect(error.vendorCode).toBe('GS_APIG_2404');
    expect(error.retryAt).toBeGreaterThan(before);
    expect((error.retryAt as number) % 60_000).toBe(0);
    expect((await gainsight.check({ settings, secrets, ctx })).details.objects).toBe(sim.state.objects.length);
  });

  it('discover lists objects without fields, and describes the ones asked for', async () => {
    const all = await gainsight.discover({ settings, secrets, ctx });
    expect(all).toHaveLength(sim.state.objects.length);
    expect(all.find((o) => o.name === 'product_usage__gc')).toEqual({
      name: 'product_usage__gc',
      label: 'Product Usage',
      kind: 'CUSTOM',
    });
    expect(all.every((o) => o.fields === undefined)).toBe(true);

    const [company, usage] = await gainsight.discover({
      settings,
      secrets,
      ctx,
      options: { objects: ['Company', 'PRODUCT_USAGE__GC'] },
    });
    expect(company?.name).toBe('company');
    expect(company?.kind).toBe('STANDARD');
    const fields = Object.fromEntries((company?.fields ?? []).map((f) => [f.name, f]));
    expect(fields.Gsid).toMatchObject({ type: 'id', vendorType: 'GSID', createable: false, custom: false });
    expect(fields.Name).toMatchObject({ type: 'string', required: true, createable: true });
    expect(fields.Arr).toMatchObject({ type: 'number', vendorType: 'CURRENCY' });
    expect(fields.RenewalDate?.type).toBe('date');
    expect(fields.CreatedDate?.type).toBe('datetime');
    expect(fields.Industry?.type).toBe('picklist');
    expect(fields.Csm).toMatchObject({ type: 'id', vendorType: 'LOOKUP' });
    expect(fields.HealthScore__gc?.custom).toBe(true);
    expect(usage?.fields?.find((f) => f.name === 'UsageDate__gc')?.type).toBe('date');
  });

  it('discover of an unknown object is not_found with the vendor code', async () => {
    const error = await failure(gainsight.discover({ settings, secrets, ctx, options: { objects: ['nope__gc'] } }));
    expect(error.code).toBe('not_found');
    expect(error.vendorCode).toBe('OBJECT_NOT_FOUND');
    expect(error.message).toContain('nope__gc');
  });

  it('a network failure is transient', async () => {
    const closed = await listen(createGainsightSimulator().app);
    await closed.close();
    const offline = gainsight.settings.parse({ domain: closed.url, sandbox: true });
    const error = await failure(gainsight.check({ settings: offline, secrets, ctx }));
    expect(error.code).toBe('transient');
  });
});

describe('gainsight connector: real limits, settings and policy', () => {
  it('a tenant past its per-minute budget answers rate_limited', async () => {
    const sim = createGainsightSimulator({ limits: { syncPerMinute: 2 } });
    const server = await listen(sim.app);
    try {
      const settings = gainsight.settings.parse({ domain: server.url, sandbox: true });
      const secrets = { accessKey: sim.credentials.accessKey as string };
      const ctx = { fetch, now: Date.now };
      // A minute boundary between the calls would reset the window; retry once if that happened.
      for (let attempt = 0; attempt < 2; attempt++) {
        const results = await Promise.allSettled([1, 2, 3].map(() => gainsight.check({ settings, secrets, ctx })));
        const rejected = results.filter((r) => r.status === 'rejected');
        if (rejected.length === 0) continue;
        const reason = (rejected[0] as PromiseRejectedResult).reason as ConnectorError;
        expect(reason.code).toBe('rate_limited');
        expect(reason.status).toBe(429);
        return;
      }
      throw new Error('no call was rate limited');
    } finally {
      await server.close();
    }
  });

  it('refuses a plain http domain unless the connection is a sandbox, when the settings are saved', async () => {
    const refused = gainsight.settings.safeParse({ domain: 'http://127.0.0.1:9' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]).toMatchObject({ path: ['domain'], message: expect.stringMatching(/Only https/) });
    expect(gainsight.settings.safeParse({ domain: 'http://127.0.0.1:9', sandbox: true }).success).toBe(true);
    // Settings that bypassed validation are still refused at call time.
    const error = await failure(
      gainsight.check({
        settings: { domain: 'http://127.0.0.1:9', sandbox: false },
        secrets: { accessKey: 'k' },
        ctx: { fetch, now: Date.now },
      }),
    );
    expect(error.code).toBe('config');
  });

  it('describes every setting and secret for the dashboard form', () => {
    const settings = gainsight.settings.toJSONSchema() as {
      properties: Record<string, { title?: string; description?: string }>;
    };
    const secrets = gainsight.secrets.toJSONSchema() as {
      properties: Record<string, { title?: string; description?: string }>;
    };
    for (const prop of [...Object.values(settings.properties), ...Object.values(secrets.properties)]) {
      expect(prop.title).toBeTruthy();
      expect(prop.description).toBeTruthy();
    }
    expect(Object.keys(settings.properties).sort()).toEqual(['domain', 'sandbox', 'tenantId']);
    expect(gainsight.settings.parse({ domain: ' acme.gainsightcloud.com ' })).toEqual({
      domain: 'acme.gainsightcloud.com',
      sandbox: false,
    });
    expect(gainsight.secrets.safeParse({}).success).toBe(false);
  });

  it('spends sync by default, with the documented fixed windows, keyed by the tenant host', () => {
    const { rateLimit } = gainsight;
    expect(rateLimit.defaultBucket).toBe('sync');
    expect(rateLimit.buckets.sync?.map((w) => [w.limit, w.windowMs])).toEqual([
      [100, 60_000],
      [50_000, 86_400_000],
    ]);
    expect(rateLimit.buckets.bulk?.map((w) => [w.limit, w.windowMs])).toEqual([
      [10, 3_600_000],
      [100, 86_400_000],
    ]);
    const key = (domain: string) => rateLimit.key(gainsight.settings.parse({ domain }));
    expect(key('Acme.GainsightCloud.com')).toBe('acme.gainsightcloud.com');
    expect(key('https://acme.gainsightcloud.com/')).toBe('acme.gainsightcloud.com');
    expect(gainsight.id).toBe('gainsight');
    expect(gainsight.name).toBe('Gainsight CS');
    expect(Object.keys(gainsight.streams)).toEqual(['records']);
    expect(Object.keys(gainsight.writers)).toEqual([
      'company_insert',
      'company_update',
      'company_upsert',
      'object_insert',
      'person_upsert',
      'event_publish',
    ]);
  });
});
