import type { ConnectorContext, DeliveryHooks, DueEvent, KnownUsers, TrackingMessage } from '@synchub/core';
import { createGainsightSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import gainsight from '../index.js';
import { CompanyCache } from './deliver.js';
import { gainsightDestinationSchema } from './settings.js';

describe('the Gainsight event destination against the simulator', () => {
  const sim = createGainsightSimulator({
    companies: 2,
    people: 2,
    limits: { syncPerMinute: 100_000 },
    registeredEvents: [{ eventName: 'Signed Up', eventVersion: 'v01', topicName: 'users' }],
  });
  let server: RunningServer;
  const acquired: string[] = [];
  const ctx: ConnectorContext = { fetch, now: Date.now, acquire: async (bucket) => void acquired.push(bucket) };
  const destination = gainsight.destination!;
  let seq = 0;
  const events = (messages: Array<Pick<TrackingMessage, 'type'> & Partial<TrackingMessage>>): DueEvent[] =>
    messages.map((m) => ({ id: ++seq, message: { ...m, messageId: `m${seq}` } }));
  const deliver = (
    due: DueEvent[],
    state: Map<string, unknown>,
    hooks: DeliveryHooks & { users?: KnownUsers } = {},
    context = ctx,
  ) =>
    destination.deliver!({
      ...hooks,
      events: due,
      settings: gainsightDestinationSchema.parse({
        topicName: 'users',
        eventVersions: [{ event: 'Signed Up', version: 'v01' }],
      }),
      target: {
        connector: gainsight,
        settings: gainsight.settings.parse({ domain: server.url, sandbox: true, tenantId: sim.state.tenantId }),
        secrets: {
          accessKey: sim.credentials.accessKey as string,
          sharedSecret: sim.credentials.sharedSecret as string,
        },
        ctx: context,
      },
      state,
    });
  const calls = (part: string, method?: string) =>
    sim.control.requests.filter((r) => r.path.includes(part) && (method === undefined || r.method === method)).length;
  const group = (name: string, email = 'owner@x.com') => ({
    type: 'group' as const,
    groupId: name,
    traits: { name },
    context: { traits: { email } },
  });

  beforeAll(async () => {
    server = await listen(sim.app);
  });
  afterAll(async () => server.close());
  beforeEach(() => {
    sim.control.reset();
    acquired.length = 0;
  });

  it('offers every message type, merges, and renders its settings', () => {
    expect(destination).toMatchObject({ title: 'Gainsight CS', merge: true, defaultFlushWindowMs: 2000 });
    expect(destination.messageTypes).toEqual(['identify', 'group', 'track']);
    expect(destination.map).toBeUndefined();
  });

  it('looks companies up 500 names per query, writes them 50 per call, and upserts the person once', async () => {
    const names = Array.from({ length: 501 }, (_, i) => `Chunk Co ${i}`);
    const state = new Map<string, unknown>();
    const outcomes = await deliver(events(names.map((n) => group(n))), state);
    expect([...outcomes.values()].every((o) => o.kind === 'delivered')).toBe(true);
    expect(calls('/query/')).toBe(2);
    expect(calls('/v1/data/objects/Company', 'POST')).toBe(11);
    expect(calls('/people')).toBe(1);
    expect(acquired.every((b) => b === 'sync')).toBe(true);
    // The company cache lives in the state the host keeps for the destination.
    expect(state.get('companies')).toBeInstanceOf(CompanyCache);
  });

  it('keeps company ids between windows in the host state: a known company is not looked up again', async () => {
    const state = new Map<string, unknown>();
    await deliver(events([group('Cached Co')]), state);
    expect(calls('/query/')).toBe(1);
    sim.control.reset();
    await deliver(events([{ ...group('Cached Co'), traits: { name: 'Cached Co', employees: 4 } }]), state);
    expect(calls('/query/')).toBe(0);
    expect(calls('/v1/data/objects/Company', 'PUT')).toBe(1);
    // A fresh state knows nothing: it looks the company up again.
    sim.control.reset();
    await deliver(events([group('Cached Co')]), new Map());
    expect(calls('/query/')).toBe(1);
  });

  it('resends a refused merged company write per event: only the group with bad data fails', async () => {
    const due = events([
      { ...group('Mixed Co', 'bad@x.com'), traits: { name: 'Mixed Co', industry: 'Not An Industry' } },
      { ...group('Mixed Co', 'good@x.com'), traits: { name: 'Mixed Co', employees: 7 } },
    ]);
    const reported: Array<[number[], string]> = [];
    const outcomes = await deliver(due, new Map(), { onOutcome: (ids, o) => reported.push([ids, o.kind]) });
    expect(due.map((e) => outcomes.get(e.id)?.kind)).toEqual(['failed', 'delivered']);
    expect(outcomes.get(due[0]!.id)).toMatchObject({
      kind: 'failed',
      error: { code: 'invalid_request', message: expect.stringMatching(/Picklist value not allowed/) },
    });
    // The company exists with the good event's fields, and only the good person is linked to it.
    const companies = sim.state.rows('company').filter((c) => c.Name === 'Mixed Co');
    expect(companies).toEqual([expect.objectContaining({ Industry: null, Employees: 7 })]);
    const linked = sim.state
      .rows('company_person')
      .filter((l) => l.Company_ID === companies[0]?.Gsid)
      .map((l) => sim.state.rows('person').find((p) => p.Gsid === l.Person_ID)?.Email);
    expect(linked).toEqual(['good@x.com']);
    // Group fates come in the returned map, not as they are answered: the host keeps each company's
    // updates in order across them (a group retried for its person write takes the newer ones with it).
    expect(reported).toEqual([]);
  });

  it('resends a refused merged person write per event: only the identify with bad data fails', async () => {
    const due = events([
      { type: 'identify', traits: { email: 'two@x.com', firstName: 'Good', location: 'Paris' } },
      { type: 'identify', traits: { email: 'two@x.com', location: { city: 'Paris' } } },
      { type: 'identify', traits: { email: 'two@x.com', lastName: 'Later' } },
    ]);
    const outcomes = await deliver(due, new Map());
    expect(due.map((e) => outcomes.get(e.id)?.kind)).toEqual(['delivered', 'failed', 'delivered']);
    expect(outcomes.get(due[1]!.id)).toMatchObject({ kind: 'failed', error: { code: 'invalid_request' } });
    const person = sim.state.rows('person').find((p) => p.Email === 'two@x.com');
    expect(person).toMatchObject({ FirstName: 'Good', LastName: 'Later', Location: 'Paris' });
    // The merged call, then one call per event.
    expect(calls('/people')).toBe(4);
  });

  it('stops resending at the first answer that must be retried: later updates of the entity wait with it', async () => {
    let n = 0;
    // The merged call is refused for its data; the first one-by-one call meets a 503.
    const flaky: ConnectorContext = {
      ...ctx,
      fetch: async (input, init) => {
        if (String(input).includes('/people') && ++n === 2)
          return new Response(JSON.stringify({ result: false, errorCode: 'GS_5000', errorDesc: 'down' }), {
            status: 503,
            headers: { 'content-type': 'application/json' },
          });
        return fetch(input, init);
      },
    };
    const due = events([
      { type: 'identify', traits: { email: 'three@x.com', firstName: 'Old' } },
      { type: 'identify', traits: { email: 'three@x.com', location: { bad: true } } },
      { type: 'identify', traits: { email: 'three@x.com', firstName: 'New' } },
    ]);
    const outcomes = await deliver(due, new Map(), {}, flaky);
    expect(due.map((e) => outcomes.get(e.id)?.kind)).toEqual(['retry', 'retry', 'retry']);
    expect(sim.state.rows('person').find((p) => p.Email === 'three@x.com')).toBeUndefined();
  });

  it('wraps every vendor call in `sending` with the events it carries', async () => {
    const sent: number[][] = [];
    const due = events([
      group('Wrapped Co', 'w@x.com'),
      { type: 'identify', traits: { email: 'w@x.com' } },
      { type: 'track', event: 'Signed Up' },
    ]);
    await deliver(due, new Map(), {
      sending: (ids, call) => {
        sent.push(ids);
        return call();
      },
    });
    // Company insert (group), person upsert (group + identify), publish (track); the lookup carries none.
    expect(sent).toEqual([[due[0]!.id], [due[0]!.id, due[1]!.id], [due[2]!.id]]);
  });

  it('names the entities each message updates, for the host to keep in order', () => {
    const settings = gainsightDestinationSchema.parse({});
    const keys = (m: Partial<TrackingMessage>) =>
      destination.entityKeys!({ messageId: 'k', type: 'identify', ...m } as TrackingMessage, {
        settings,
        connectionSettings: { domain: 'x.gainsightcloud.com', sandbox: false },
      });
    expect(keys({ traits: { email: 'Ann@X.com' } })).toEqual(['person:ann@x.com']);
    expect(keys({ type: 'group', traits: { name: 'Acme' }, context: { traits: { email: 'a@x.com' } } })).toEqual([
      'company:Acme',
    ]);
    expect(keys({ type: 'track', event: 'Signed Up' })).toEqual([]);
    expect(keys({ traits: {} })).toEqual([]);
  });

  it("links a group's user by the email the host knows for the userId, asked once per source and user", async () => {
    const asked: string[] = [];
    const users: KnownUsers = {
      email: async (sourceId, userId) => {
        asked.push(`${sourceId}/${userId}`);
        return sourceId === 's1' && userId === 'u-known' ? 'known@x.com' : undefined;
      },
    };
    const groupOf = (name: string, userId: string, sourceId = 's1'): DueEvent => ({
      id: ++seq,
      sourceId,
      message: { type: 'group', messageId: `m${seq}`, groupId: name, userId, traits: { name } },
    });
    const due = [
      groupOf('Known Co', 'u-known'),
      groupOf('Known Co 2', 'u-known'),
      groupOf('Mail Co', 'mail@x.com'),
      groupOf('Other Source Co', 'u-known', 's2'),
      { ...groupOf('Own Email Co', 'u-own'), message: { ...group('Own Email Co', 'own@x.com'), messageId: 'own' } },
    ];
    const outcomes = await deliver(due, new Map(), { users });
    expect(due.map((e) => outcomes.get(e.id)?.kind)).toEqual([
      'delivered',
      'delivered',
      'delivered',
      'failed',
      'delivered',
    ]);
    // Asked once per source and userId; a call with its own email is not looked up.
    expect(asked).toEqual(['s1/u-known', 's1/mail@x.com', 's2/u-known']);
    const linkedTo = (email: string) => {
      const gsid = sim.state.rows('person').find((p) => p.Email === email)?.Gsid;
      return sim.state
        .rows('company_person')
        .filter((l) => l.Person_ID === gsid)
        .map((l) => sim.state.rows('company').find((c) => c.Gsid === l.Company_ID)?.Name)
        .sort();
    };
    expect(linkedTo('known@x.com')).toEqual(['Known Co', 'Known Co 2']);
    expect(linkedTo('mail@x.com')).toEqual(['Mail Co']);
    expect(outcomes.get(due[3]!.id)).toMatchObject({
      kind: 'failed',
      error: { code: 'mapping', message: expect.stringContaining('send it as context.traits.email on the group call') },
    });
  });

  it('answers one outcome per event: tracks published, unsupported types failed with a reason', async () => {
    const due = events([
      { type: 'track', event: 'Signed Up', properties: { plan: 'pro' } },
      { type: 'screen', name: 'Home' },
      { type: 'identify', traits: { email: 'p@x.com' } },
    ]);
    const outcomes = await deliver(due, new Map());
    expect(due.map((e) => outcomes.get(e.id)?.kind)).toEqual(['delivered', 'failed', 'delivered']);
    expect(sim.state.events.at(-1)).toMatchObject({
      eventName: 'Signed Up',
      topicName: 'users',
      body: { plan: 'pro' },
    });
  });
});
