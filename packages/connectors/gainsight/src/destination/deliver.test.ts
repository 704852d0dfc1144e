import type { ConnectorContext, DueEvent, TrackingMessage } from '@synchub/core';
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
  const deliver = (due: DueEvent[], state: Map<string, unknown>) =>
    destination.deliver!({
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
        ctx,
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
