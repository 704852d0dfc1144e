import { createQualtricsSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createQualtricsTestHub, type QualtricsTestHub } from './test-hub.js';
import { CURSOR_KEY } from './rules.js';

// biome-ignore lint/suspicious/noExplicitAny: test answers are checked by the assertions themselves
type Json = Record<string, any>;

let sim: ReturnType<typeof createQualtricsSimulator>;
let server: RunningServer;
let t: QualtricsTestHub;
let triggerId: string;
const sources: Record<string, { id: string; writeKey: string }> = {};

beforeAll(async () => {
  sim = createQualtricsSimulator({ surveys: 1, responsesPerSurvey: 1 });
  server = await listen(sim.app);
});
afterAll(() => server.close());
beforeEach(async () => {
  sim.state.events.length = 0;
  t = await createQualtricsTestHub();
  const conn = (await (
    await t.request('POST', '/api/connections', {
      connectorId: 'qualtrics',
      name: 'Qualtrics',
      settings: {
        baseUrl: server.url,
        sandbox: true,
        triggerUrl: server.url + sim.credentials.triggerPath,
        username: sim.credentials.username,
      },
      secrets: { apiToken: sim.credentials.apiToken },
    })
  ).json()) as Json;
  const created = (await (
    await t.request('POST', '/api/qualtrics/triggers', {
      name: 'Onboarding follow-up',
      connectionId: conn.connection.id,
      template: [
        { key: 'Company GSID', value: '$.context.traits.companyGsid' },
        { key: 'Email', value: '$.context.traits.email' },
        { key: 'Plan', value: '$.properties.plan' },
      ],
    })
  ).json()) as Json;
  triggerId = created.trigger.id;
  for (const name of ['web', 'mobile']) {
    const s = (await (await t.request('POST', '/api/sources', { name })).json()) as Json;
    sources[name] = { id: s.source.id, writeKey: s.writeKey };
  }
});
afterEach(() => t.close());

const track = async (source: string, event: string, extra: Json = {}) => {
  const res = await t.hub.app.request('/v1/track', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${sources[source]?.writeKey}:`).toString('base64')}`,
    },
    body: JSON.stringify({
      userId: 'u1',
      event,
      context: { traits: { companyGsid: '1P02ONB', email: 'ada@example.com' } },
      properties: { plan: 'pro' },
      ...extra,
    }),
  });
  expect(res.status).toBe(200);
};
const addRule = async (rule: Json) => {
  const res = await t.request('POST', '/api/qualtrics/rules', { triggerId, ...rule });
  expect(res.status).toBe(201);
  return ((await res.json()) as Json).rule;
};

describe('hub events → workflow trigger', () => {
  it('a track "Onboarding Completed" triggers the workflow with key/values taken from the event', async () => {
    await addRule({ event: 'Onboarding Completed' });
    await track('web', 'Onboarding Completed');
    await track('web', 'Report Exported');
    await t.qualtrics.drain();
    expect(sim.state.events.map((e) => e.body)).toEqual([
      { 'Company GSID': '1P02ONB', Email: 'ada@example.com', Plan: 'pro' },
    ]);
    const { deliveries } = (await (await t.request('GET', '/api/qualtrics/deliveries?origin=event')).json()) as Json;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      state: 'delivered',
      originRef: expect.stringMatching(/^\d+$/),
      eventId: sim.state.events[0]?.eventId,
      requestId: sim.state.events[0]?.requestId,
    });
  });

  it('matches the source when the rule names one, and never fires for events stored before the rule', async () => {
    await track('web', 'Onboarding Completed', { properties: { plan: 'before-the-rule' } });
    await addRule({ event: 'Onboarding Completed', sourceId: sources.mobile?.id });
    await track('web', 'Onboarding Completed', { properties: { plan: 'web' } });
    await track('mobile', 'Onboarding Completed', { properties: { plan: 'mobile' } });
    await track('mobile', 'onboarding completed', { properties: { plan: 'other-case' } });
    await t.qualtrics.drain();
    expect(sim.state.events.map((e) => e.body.Plan)).toEqual(['mobile']);
  });

  it('one delivery per trigger and event, even for two matching rules or a scan repeated after a crash', async () => {
    await addRule({ event: 'Onboarding Completed' });
    await addRule({ event: 'Onboarding Completed', sourceId: sources.web?.id });
    await track('web', 'Onboarding Completed');
    expect(await t.qualtrics.rules.scan()).toEqual({ matched: 1, more: false });
    // As if the hub died after storing the deliveries but before the cursor moved (same transaction in
    // reality; forced here): the unique index keeps the second scan from duplicating.
    await t.host.state.set(CURSOR_KEY, 0);
    expect(await t.qualtrics.rules.scan()).toEqual({ matched: 0, more: false });
    await t.qualtrics.drain();
    expect(sim.state.events).toHaveLength(1);
  });

  it('scans a large backlog in bounded steps, resuming where the last step stopped', async () => {
    await addRule({ event: 'Onboarding Completed' });
    const batch = Array.from({ length: 2001 }, (_, i) => ({
      type: 'track',
      userId: `u${i}`,
      event: i === 2000 ? 'Onboarding Completed' : 'Page Viewed',
    }));
    const res = await t.hub.app.request('/v1/batch', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${sources.web?.writeKey}:`).toString('base64')}`,
      },
      body: JSON.stringify({ batch }),
    });
    expect(res.status).toBe(200);
    expect(await t.qualtrics.rules.scan(1)).toEqual({ matched: 0, more: true });
    expect(await t.qualtrics.rules.scan(1)).toEqual({ matched: 1, more: false });
    expect(await t.qualtrics.rules.scan(1)).toEqual({ matched: 0, more: false });
  });

  it('a disabled rule or trigger lets events pass; rules validate their trigger and source', async () => {
    const rule = await addRule({ event: 'Onboarding Completed' });
    await t.request('PATCH', `/api/qualtrics/rules/${rule.id}`, { enabled: false });
    await track('web', 'Onboarding Completed');
    await t.qualtrics.drain();
    await t.request('PATCH', `/api/qualtrics/rules/${rule.id}`, { enabled: true });
    await t.request('PATCH', `/api/qualtrics/triggers/${triggerId}`, { enabled: false });
    await track('web', 'Onboarding Completed');
    await t.qualtrics.drain();
    expect(sim.state.events).toHaveLength(0);

    const bad = await t.request('POST', '/api/qualtrics/rules', { triggerId: 'nope', event: 'X', sourceId: 'nope' });
    expect(bad.status).toBe(400);
    const noSource = await t.request('POST', '/api/qualtrics/rules', { triggerId, event: 'X', sourceId: 'nope' });
    expect(((await noSource.json()) as Json).error.issues).toEqual([{ path: 'sourceId', message: 'unknown source' }]);
    const { rules } = (await (await t.request('GET', `/api/qualtrics/rules?triggerId=${triggerId}`)).json()) as Json;
    expect(rules).toEqual([expect.objectContaining({ type: 'track', event: 'Onboarding Completed', enabled: true })]);
  });

  it('with no rule enabled the cursor keeps up in memory, stored at most every 30 s; re-enabling skips the idle events', async () => {
    const rule = await addRule({ event: 'Onboarding Completed' });
    await t.request('PATCH', `/api/qualtrics/rules/${rule.id}`, { enabled: false });
    await t.qualtrics.rules.scan();
    const first = await t.host.state.get<number>(CURSOR_KEY);
    for (let i = 0; i < 5; i++) {
      await track('web', 'Onboarding Completed');
      expect(await t.qualtrics.rules.scan()).toEqual({ matched: 0, more: false });
    }
    // Five wakes during ingest, no write: the stored cursor stays where the first idle scan put it.
    expect(await t.host.state.get<number>(CURSOR_KEY)).toBe(first);
    // Enabled again: the in-memory position is stored first, so events of the idle time never fire.
    await t.request('PATCH', `/api/qualtrics/rules/${rule.id}`, { enabled: true });
    expect(await t.qualtrics.rules.scan()).toEqual({ matched: 0, more: false });
    expect(await t.host.state.get<number>(CURSOR_KEY)).toBeGreaterThan(first ?? 0);
    await track('web', 'Onboarding Completed');
    expect(await t.qualtrics.rules.scan()).toEqual({ matched: 1, more: false });
  });

  it('the running worker is woken by ingest: no drain needed', async () => {
    await addRule({ event: 'Onboarding Completed' });
    await t.qualtrics.start();
    await track('web', 'Onboarding Completed');
    const deadline = Date.now() + 3000; // under the 5 s safety poll: the wake-up did it
    while (sim.state.events.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(sim.state.events).toHaveLength(1);
  });
});

describe("rules: the trigger's key/values checked against a sample event; empty calls are not sent", () => {
  const emailTrigger = async (template: Json[]) => {
    const res = await t.request('POST', '/api/qualtrics/triggers', {
      name: `Email follow-up ${template.length}`,
      connectionId: ((await (await t.request('GET', '/api/connections')).json()) as Json).connections[0].id,
      template,
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as Json).trigger.id as string;
  };

  it('refuses a path the latest matching event lacks, naming it and the paths the event has', async () => {
    const id = await emailTrigger([
      { key: 'email', value: '$.Email' },
      { key: 'company', value: '$.Company' },
    ]);
    await track('web', 'Onboarding Completed');
    const res = await t.request('POST', '/api/qualtrics/rules', { triggerId: id, event: 'Onboarding Completed' });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as Json;
    expect(error.message).toMatch(
      /^Key\/values "email ← \$\.Email", "company ← \$\.Company" find nothing in the latest "Onboarding Completed" track event \(#\d+\)\. Paths it has: .*\$\.context\.traits\.email/,
    );
    expect(error.issues).toEqual([
      { path: 'template.0.value', message: expect.stringContaining('$.Email') },
      { path: 'template.1.value', message: expect.stringContaining('$.Company') },
    ]);
    expect(error.sample).toEqual({ source: 'event', eventId: expect.any(Number) });
    expect(((await (await t.request('GET', `/api/qualtrics/rules?triggerId=${id}`)).json()) as Json).rules).toEqual([]);
  });

  it('with no stored event, checks the shape of a track event; a pasted sample checks the rest', async () => {
    const id = await emailTrigger([{ key: 'email', value: '$.Email' }]);
    const built = await t.request('POST', '/api/qualtrics/rules', { triggerId: id, event: 'Signed Up' });
    expect(built.status).toBe(400);
    expect(((await built.json()) as Json).error.message).toMatch(
      /"email ← \$\.Email" finds nothing in a track event \(no "Signed Up" event is stored yet.*Paths it has: \$\.type, \$\.event/,
    );
    const fine = await t.request('POST', '/api/qualtrics/rules', {
      triggerId: triggerId,
      event: 'Signed Up',
    });
    // The default trigger's paths lie under context/properties: unverifiable without an event, accepted.
    expect(fine.status).toBe(201);
    expect(((await fine.json()) as Json).rule.check).toMatchObject({
      sample: { source: 'built', eventId: null },
      unverified: ['$.context.traits.companyGsid', '$.context.traits.email', '$.properties.plan'],
    });
    const pasted = await t.request('POST', '/api/qualtrics/rules', {
      triggerId: id,
      event: 'Signed Up',
      sample: { type: 'track', event: 'Signed Up', Email: 'ada@example.com' },
    });
    expect(pasted.status).toBe(201);
    expect(((await pasted.json()) as Json).rule.check).toEqual({
      sample: { source: 'pasted', eventId: null },
      values: { email: 'ada@example.com' },
      unverified: [],
    });
  });

  it('a matching event whose values all resolve to nothing fails with the reason and is not sent; fixed, it replays', async () => {
    const id = await emailTrigger([
      { key: 'email', value: '$.context.traits.Email' },
      { key: 'source', value: 'hub' },
    ]);
    const rule = await t.request('POST', '/api/qualtrics/rules', {
      triggerId: id,
      event: 'Onboarding Completed',
      sample: { type: 'track', event: 'Onboarding Completed', context: { traits: { Email: 'x@example.com' } } },
    });
    expect(rule.status).toBe(201);
    await track('web', 'Onboarding Completed'); // its traits say `email`, not `Email`
    await t.qualtrics.drain();
    expect(sim.state.events).toHaveLength(0);
    const { deliveries, counts } = (await (
      await t.request('GET', `/api/qualtrics/deliveries?triggerId=${id}`)
    ).json()) as Json;
    expect(counts).toMatchObject({ delivered: 0, failed: 1 });
    expect(deliveries[0]).toMatchObject({ state: 'failed', attempts: 0, lastError: { code: 'no_values' } });
    expect(deliveries[0].lastError.message).toMatch(
      /^Nothing sent: every key\/value taken from the event is empty \(email ← \$\.context\.traits\.Email\)\. The event has .*\$\.context\.traits\.email/,
    );

    // Replayed unchanged: still nothing to send, still failed, still not sent.
    const again = await t.request('POST', `/api/qualtrics/deliveries/${deliveries[0].id}/replay`);
    expect(again.status).toBe(409);
    expect(((await again.json()) as Json).error.message).toMatch(/not replayed: Nothing sent/);
    await t.qualtrics.drain();
    expect(sim.state.events).toHaveLength(0);

    // Fixed key/values: the replay rebuilds the call from the event.
    const patched = await t.request('PATCH', `/api/qualtrics/triggers/${id}`, {
      template: [
        { key: 'email', value: '$.context.traits.email' },
        { key: 'source', value: 'hub' },
      ],
    });
    expect(patched.status).toBe(200);
    const replay = await t.request('POST', '/api/qualtrics/deliveries/replay', { triggerId: id });
    expect(await replay.json()).toEqual({ replayed: 1 });
    await t.qualtrics.drain();
    expect(sim.state.events.map((e) => e.body)).toEqual([{ email: 'ada@example.com', source: 'hub' }]);
  });

  it("a trigger's new key/values are checked against its rules' events", async () => {
    await addRule({ event: 'Onboarding Completed' });
    await track('web', 'Onboarding Completed');
    const res = await t.request('PATCH', `/api/qualtrics/triggers/${triggerId}`, {
      template: [{ key: 'email', value: '$.Email' }],
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).error.message).toMatch(
      /^Rule "track Onboarding Completed": Key\/value "email ← \$\.Email" finds nothing in the latest/,
    );
  });
});
