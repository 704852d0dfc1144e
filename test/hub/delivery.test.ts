import { createGainsightSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestHub } from '@synchub/hub/testing';

type TestHub = Awaited<ReturnType<typeof createTestHub>>;
let sim: ReturnType<typeof createGainsightSimulator>;
let server: RunningServer;
let t: TestHub;
let writeKey: string;
let sourceId: string;
let destinationId: string;
let clock: number;

const destinationSettings = {
  personFieldMap: [{ trait: 'plan', field: 'Plan__gc' }],
  companyFieldMap: [],
  topicName: 'product',
  eventVersions: [
    { event: 'Onboarding Completed', version: 'v01' },
    { event: 'Feature Used', eventName: 'Product Event', version: 'v01' },
    { event: 'Not Registered', version: 'v01' },
  ],
  flushWindowMs: 200,
};

beforeEach(async () => {
  sim = createGainsightSimulator({ companies: 3, people: 3 });
  server = await listen(sim.app);
  clock = Date.now();
  t = await createTestHub({ now: () => clock });
  const conn = await t.request('POST', '/api/connections', {
    connectorId: 'gainsight',
    name: 'gs',
    settings: { domain: server.url, sandbox: true, tenantId: sim.credentials.tenantId },
    secrets: { accessKey: sim.credentials.accessKey, sharedSecret: sim.credentials.sharedSecret },
  });
  const connectionId = ((await conn.json()) as { connection: { id: string } }).connection.id;
  const dest = await t.request('POST', '/api/destinations', {
    name: 'Gainsight',
    kind: 'gainsight',
    connectionId,
    settings: destinationSettings,
  });
  expect(dest.status).toBe(201);
  destinationId = ((await dest.json()) as { destination: { id: string } }).destination.id;
  const src = (await (await t.request('POST', '/api/sources', { name: 'app', destinationId })).json()) as {
    source: { id: string };
    writeKey: string;
  };
  writeKey = src.writeKey;
  sourceId = src.source.id;
});
afterEach(async () => {
  await t.hub.close();
  await server.close();
});

let seq = 0;
const ingest = async (batch: Array<Record<string, unknown>>) => {
  const res = await t.hub.app.request('/v1/batch', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
    },
    body: JSON.stringify({ batch: batch.map((m) => ({ messageId: `m${++seq}`, userId: 'u', ...m })) }),
  });
  expect(res.status).toBe(200);
};
const events = () => t.hub.db.selectFrom('events').selectAll().orderBy('id').execute();
const vendorCalls = (pathPart: string) => sim.control.requests.filter((r) => r.path.includes(pathPart));
const person = (email: string) => sim.state.rows('person').find((p) => String(p.Email).toLowerCase() === email);
const company = (name: string) => sim.state.rows('company').find((c) => c.Name === name);

describe('delivery to Gainsight', () => {
  it('maps identify, group and track and records every fate', async () => {
    await ingest([
      { type: 'identify', traits: { email: 'ann@acme.com', first_name: 'Ann', LastName: 'Lee', plan: 'pro' } },
      {
        type: 'group',
        groupId: 'g1',
        traits: { name: 'Acme Corp', employees: '250' },
        context: { traits: { email: 'ann@acme.com' } },
      },
      { type: 'track', event: 'Onboarding Completed', properties: { step: 3 } },
    ]);
    await t.hub.engine.drain();
    expect((await events()).map((e) => e.state)).toEqual(['delivered', 'delivered', 'delivered']);

    const ann = person('ann@acme.com');
    expect(ann).toMatchObject({ FirstName: 'Ann', LastName: 'Lee', Name: 'Ann Lee', Plan__gc: 'pro' });
    const acme = company('Acme Corp');
    expect(acme).toMatchObject({ Employees: 250 });
    const links = sim.state.rows('company_person').filter((l) => l.Person_ID === ann?.Gsid);
    expect(links.map((l) => l.Company_ID)).toEqual([acme?.Gsid]);

    expect(sim.state.events).toHaveLength(1);
    expect(sim.state.events[0]).toMatchObject({
      eventName: 'Onboarding Completed',
      eventVersion: 'v01',
      topicName: 'product',
      tenantId: sim.credentials.tenantId,
      body: { step: 3 },
    });
  });

  it('coalesces repeated identify and group calls: fewer calls, same end state', async () => {
    await ingest([
      { type: 'identify', traits: { email: 'bo@x.com', firstName: 'Bo', plan: 'free' } },
      { type: 'identify', traits: { email: 'BO@x.com', plan: 'pro' } },
      { type: 'identify', traits: { email: 'bo@x.com', lastName: 'Ray' } },
      ...['Initech', 'Initech', 'Hooli'].map((name, i) => ({
        type: 'group',
        groupId: name,
        traits: { name, employees: 10 + i },
        context: { traits: { email: 'bo@x.com' } },
      })),
    ]);
    sim.control.requests.length = 0;
    await t.hub.engine.drain();
    expect((await events()).every((e) => e.state === 'delivered')).toBe(true);
    // 1 lookup for both names, 1 insert of both companies, 1 person upsert carrying both associations.
    expect(vendorCalls('/query/').length).toBe(1);
    expect(vendorCalls('/v1/data/objects/Company').filter((r) => r.method === 'POST').length).toBe(1);
    expect(vendorCalls('/people').length).toBe(1);
    expect(person('bo@x.com')).toMatchObject({ FirstName: 'Bo', LastName: 'Ray', Plan__gc: 'pro' });
    expect(company('Initech')).toMatchObject({ Employees: 11 });
    expect(sim.state.rows('company').filter((c) => c.Name === 'Initech')).toHaveLength(1);
  });

  it('updates an existing company instead of inserting a duplicate, across cycles', async () => {
    await ingest([
      {
        type: 'group',
        groupId: 'x',
        traits: { name: 'Umbrella', employees: 5 },
        context: { traits: { email: 'a@u.com' } },
      },
    ]);
    await t.hub.engine.drain();
    await ingest([
      {
        type: 'group',
        groupId: 'x',
        traits: { name: 'Umbrella', employees: 6 },
        context: { traits: { email: 'a@u.com' } },
      },
    ]);
    await t.hub.engine.drain();
    expect(sim.state.rows('company').filter((c) => c.Name === 'Umbrella')).toEqual([
      expect.objectContaining({ Employees: 6 }),
    ]);
  });

  it('fails unmappable calls with RudderStack-quality reasons, keeps them, and replays them after a fix', async () => {
    await ingest([
      { type: 'identify', traits: { firstName: 'NoEmail' } },
      { type: 'group', groupId: 'g', traits: { employees: 3 }, context: { traits: { email: 'a@b.com' } } },
      { type: 'group', groupId: 'g', traits: { name: 'Solo' } },
      { type: 'track', event: 'Unmapped Event' },
      { type: 'page', name: 'Home' },
    ]);
    await t.hub.engine.drain();
    const rows = await events();
    expect(rows.every((r) => r.state === 'failed')).toBe(true);
    expect(rows.map((r) => JSON.parse(r.last_error_json ?? '{}').message)).toEqual([
      'email is required for identify',
      'company name is required for group',
      'user email is required for group: send it as context.traits.email on the group call, or identify this userId with traits.email first (a userId that is an email is used as is)',
      'event version mapping not provided for Unmapped Event',
      'page calls are not sent to Gainsight CS (it takes identify, group and track)',
    ]);
    expect(vendorCalls('/v1').length).toBe(0);

    const fixed = {
      ...destinationSettings,
      eventVersions: [
        ...destinationSettings.eventVersions,
        { event: 'Unmapped Event', eventName: 'sample_event', version: 'v01' },
      ],
    };
    expect((await t.request('PATCH', `/api/destinations/${destinationId}`, { settings: fixed })).status).toBe(200);
    const replay = await t.request('POST', '/api/events/replay', { filter: { type: 'track' } });
    expect(await replay.json()).toEqual({ replayed: 1 });
    await t.hub.engine.drain();
    expect((await events())[3]?.state).toBe('delivered');
    expect(sim.state.events.map((e) => e.eventName)).toEqual(['sample_event']);
  });

  it("links a group's user by the email an earlier identify of that userId gave, or a userId that is an email", async () => {
    const companyNamesOf = (email: string) => {
      const gsid = person(email)?.Gsid;
      return sim.state
        .rows('company_person')
        .filter((l) => l.Person_ID === gsid)
        .map((l) => sim.state.rows('company').find((c) => c.Gsid === l.Company_ID)?.Name)
        .sort();
    };
    // Standard Segment calls: the identify gives the email, the group names only the userId.
    await ingest([{ type: 'identify', userId: 'user-7', traits: { email: 'cy@globex.com', firstName: 'Cy' } }]);
    await t.hub.engine.drain();
    await ingest([
      { type: 'group', userId: 'user-7', groupId: 'g7', traits: { name: 'Globex' } },
      // In one window with its identify too.
      { type: 'identify', userId: 'user-8', traits: { email: 'di@initech.com' } },
      { type: 'group', userId: 'user-8', groupId: 'g8', traits: { name: 'Initech' } },
      { type: 'group', userId: 'ed@hooli.com', groupId: 'g9', traits: { name: 'Hooli' } },
      { type: 'group', userId: 'nobody', groupId: 'g10', traits: { name: 'Nobody Inc' } },
    ]);
    await t.hub.engine.drain();
    const rows = await events();
    expect(rows.map((r) => r.state)).toEqual([
      'delivered',
      'delivered',
      'delivered',
      'delivered',
      'delivered',
      'failed',
    ]);
    expect(companyNamesOf('cy@globex.com')).toEqual(['Globex']);
    expect(person('cy@globex.com')).toMatchObject({ FirstName: 'Cy' });
    expect(companyNamesOf('di@initech.com')).toEqual(['Initech']);
    expect(companyNamesOf('ed@hooli.com')).toEqual(['Hooli']);
    const error = JSON.parse(rows.at(-1)?.last_error_json ?? '{}') as { message: string };
    expect(error.message).toMatch(
      /context\.traits\.email on the group call, or identify this userId with traits\.email/,
    );
    // Another source's identify does not lend its email.
    const other = (await (await t.request('POST', '/api/sources', { name: 'other', destinationId })).json()) as {
      writeKey: string;
    };
    const res = await t.hub.app.request('/v1/group', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${other.writeKey}:`).toString('base64')}`,
      },
      body: JSON.stringify({ userId: 'user-7', groupId: 'g7', traits: { name: 'Globex' } }),
    });
    expect(res.status).toBe(200);
    await t.hub.engine.drain();
    expect((await events()).at(-1)?.state).toBe('failed');
  });

  it('gives up at once on an unregistered event (1001) and keeps the vendor body', async () => {
    await ingest([{ type: 'track', event: 'Not Registered' }]);
    await t.hub.engine.drain();
    const [row] = await events();
    expect(row).toMatchObject({ state: 'failed', attempts: 1 });
    const error = JSON.parse(row?.last_error_json ?? '{}');
    expect(error).toMatchObject({ code: 'invalid_request', vendorCode: '1001' });
    expect(error.body).toMatchObject({ errorCode: '1001', message: 'Event is not registered' });
    expect(vendorCalls('eventManager').length).toBe(1);
  });

  it('retries 5xx with backoff, then delivers', async () => {
    sim.control.faults.set('*', { errorRate: 1 });
    await ingest([{ type: 'identify', traits: { email: 'c@d.com' } }]);
    await t.hub.engine.drain();
    let [row] = await events();
    expect(row).toMatchObject({ state: 'retrying', attempts: 1 });
    expect(row?.next_attempt_at).toBeGreaterThan(clock);
    expect(JSON.parse(row?.last_error_json ?? '{}').code).toBe('transient');

    sim.control.faults.clear();
    await t.hub.engine.drain(); // not due yet: nothing happens
    expect((await events())[0]?.state).toBe('retrying');
    clock += 60_000;
    await t.hub.engine.drain();
    [row] = await events();
    expect(row).toMatchObject({ state: 'delivered', attempts: 2, last_error_json: null });
    expect(person('c@d.com')).toBeDefined();
  });

  it('waits for the window after a 429 instead of failing', async () => {
    sim.control.faults.set('*', { rateLimitBurst: 1 });
    await ingest([{ type: 'identify', traits: { email: 'e@f.com' } }]);
    await t.hub.engine.drain();
    const [row] = await events();
    expect(row?.state).toBe('retrying');
    expect(JSON.parse(row?.last_error_json ?? '{}').code).toBe('rate_limited');
  });

  it('isolates one invalid company in a batch: the other companies still land', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `Batch Co ${i}`);
    await ingest(
      names.map((name, i) => ({
        type: 'group',
        groupId: name,
        traits: { name, ...(i === 6 ? { employees: 'many' } : { employees: i }) },
        context: { traits: { email: `p${i}@b.com` } },
      })),
    );
    await t.hub.engine.drain();
    const rows = await events();
    expect(rows.filter((r) => r.state === 'failed')).toHaveLength(1);
    expect(JSON.parse(rows[6]?.last_error_json ?? '{}').message).toMatch(/employees|Employees/);
    expect(names.filter((n) => company(n))).toHaveLength(9);
  });

  it('keeps events of a source with no destination until one is attached', async () => {
    await t.request('PATCH', `/api/sources/${sourceId}`, { destinationId: null });
    await ingest([{ type: 'identify', traits: { email: 'wait@x.com' } }]);
    await t.hub.engine.drain();
    expect((await events())[0]?.state).toBe('received');
    await t.request('PATCH', `/api/sources/${sourceId}`, { destinationId });
    await t.hub.engine.drain();
    expect((await events())[0]?.state).toBe('delivered');
  });

  it('a contract id in the call beats the configured one', async () => {
    await t.request('PATCH', `/api/destinations/${destinationId}`, {
      settings: { ...destinationSettings, contractId: 'configured' },
    });
    await ingest([
      {
        type: 'track',
        event: 'Feature Used',
        context: { externalId: [{ type: 'gainsightEventContractId', id: 'from-call' }] },
      },
      { type: 'track', event: 'Feature Used' },
    ]);
    await t.hub.engine.drain();
    expect(sim.state.events.map((e) => [e.eventName, e.contractId])).toEqual([
      ['Product Event', 'from-call'],
      ['Product Event', 'configured'],
    ]);
  });
});

describe('configuration', () => {
  it('offers the Gainsight destination kind: identify, group and track, with its own settings', async () => {
    // The built-in connectors offer this one destination kind (moved from apps/hub's mapped.test.ts).
    const { kinds } = (await (await t.request('GET', '/api/destinations/kinds')).json()) as {
      kinds: Array<{ kind: string; messageTypes: string[]; settingsSchema: { properties: Record<string, unknown> } }>;
    };
    expect(kinds.map((k) => k.kind)).toEqual(['gainsight']);
    expect(kinds[0]?.messageTypes).toEqual(['identify', 'group', 'track']);
    expect(Object.keys(kinds[0]?.settingsSchema.properties ?? {})).toContain('eventVersions');
    const connectionId = (await t.hub.connections.list())[0]?.id;
    const unknown = await t.request('POST', '/api/destinations', { name: 'x', kind: 'nope', connectionId });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string; known: string[] } }).error).toMatchObject({
      message: 'kind: unknown destination kind "nope"; known kinds: gainsight',
      known: ['gainsight'],
    });
  });

  it('lets a custom row take over a field a default rule fills', async () => {
    const settings = { ...destinationSettings, personFieldMap: [{ trait: 'crmId', field: 'ExternalRecordID__gc' }] };
    expect((await t.request('PATCH', `/api/destinations/${destinationId}`, { settings })).status).toBe(200);
    await ingest([{ type: 'identify', traits: { email: 'crm@x.com', crmId: 'CRM-1', externalRecordId: 'ignored' } }]);
    await t.hub.engine.drain();
    expect((await events())[0]?.state).toBe('delivered');
    expect(person('crm@x.com')).toMatchObject({ ExternalRecordID__gc: 'CRM-1' });
  });

  it('shows on each queued event why a destination cannot deliver, and delivers once fixed', async () => {
    await ingest([{ type: 'identify', traits: { email: 'q@x.com' } }]);
    const connection = await t.hub.db.selectFrom('connections').selectAll().executeTakeFirstOrThrow();
    await t.hub.db.deleteFrom('connections').execute(); // e.g. a restored backup without it
    await t.hub.engine.drain();
    const [row] = await events();
    expect(row?.state).toBe('received');
    expect(JSON.parse(row?.last_error_json ?? '{}')).toMatchObject({
      code: 'config',
      message: expect.stringMatching(/cannot deliver: No connection/),
    });
    await t.hub.db.insertInto('connections').values(connection).execute();
    await t.hub.engine.drain();
    expect((await events())[0]).toMatchObject({ state: 'delivered', last_error_json: null });
  });

  it('refuses to delete a connection a destination uses', async () => {
    const { destination } = (await (await t.request('GET', `/api/destinations/${destinationId}`)).json()) as {
      destination: { connectionId: string };
    };
    const res = await t.request('DELETE', `/api/connections/${destination.connectionId}`);
    expect(res.status).toBe(409);
  });
});

describe('events API', () => {
  it('lists with counts, filters, shows one, and validates input', async () => {
    await ingest([
      { type: 'identify', traits: { email: 'g@h.com' } },
      { type: 'identify', traits: {} },
    ]);
    await t.hub.engine.drain();
    const list = (await (await t.request('GET', '/api/events?state=failed')).json()) as {
      events: Array<{ id: number; label: string; lastError: { message: string } }>;
      counts: Record<string, number>;
    };
    expect(list.counts).toMatchObject({ delivered: 1, failed: 1 });
    expect(list.events).toHaveLength(1);
    expect(list.events[0]?.lastError.message).toBe('email is required for identify');
    const one = (await (await t.request('GET', `/api/events/${list.events[0]?.id}`)).json()) as {
      event: { payload: unknown };
    };
    expect(one.event.payload).toMatchObject({ type: 'identify' });
    expect((await t.request('GET', '/api/events?state=bogus')).status).toBe(400);
    expect((await t.request('GET', '/api/events/abc')).status).toBe(400);
    expect((await t.request('GET', '/api/events/999999')).status).toBe(404);
    expect((await t.request('POST', '/api/events/replay', { ids: [] })).status).toBe(400);
  });

  it('shows the tenant budget used by delivery', async () => {
    await ingest([{ type: 'identify', traits: { email: 'l@m.com' } }]);
    await t.hub.engine.drain();
    const { limits } = (await (await t.request('GET', '/api/limits')).json()) as {
      limits: Array<{ connector: string; bucket: string; usage: Array<{ used: number; limit: number }> }>;
    };
    const sync = limits.find((l) => l.connector === 'gainsight' && l.bucket === 'sync');
    expect(sync?.usage.map((u) => u.limit)).toEqual([100, 50_000]);
    expect(sync?.usage[0]?.used).toBeGreaterThanOrEqual(1);
  });
});
