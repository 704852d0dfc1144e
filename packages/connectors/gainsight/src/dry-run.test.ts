import type { ConnectorContext, PlannedRequest } from '@synchub/core';
import { createGainsightSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import gainsight from './index.js';

describe('gainsight in a dry run', () => {
  const sim = createGainsightSimulator({
    companies: 3,
    people: 2,
    registeredEvents: [{ eventName: 'Signed Up', eventVersion: 'v01' }],
  });
  let server: RunningServer;
  const planned: PlannedRequest[] = [];
  const acquired: string[] = [];
  const ctx: ConnectorContext = {
    fetch,
    now: Date.now,
    acquire: async (bucket) => void acquired.push(bucket),
    dryRun: { record: (request) => planned.push(request) },
  };
  const secrets = { accessKey: sim.credentials.accessKey as string, sharedSecret: sim.credentials.sharedSecret };
  const settings = () => gainsight.settings.parse({ domain: server.url, sandbox: true, tenantId: sim.state.tenantId });
  const write = (writer: string, records: Record<string, unknown>[], options: Record<string, unknown> = {}) =>
    gainsight.writers[writer]!.write({ settings: settings(), secrets, ctx, records, options });

  beforeAll(async () => {
    server = await listen(sim.app);
  });
  afterAll(() => server.close());

  it('records every write with its exact request, sends none, and answers as Gainsight would', async () => {
    const before = sim.control.requests.length;
    const companiesBefore = sim.state.rows('company').length;
    const inserted = await write('company_insert', [{ Name: 'Dry A' }, { Name: 'Dry B' }]);
    const updated = await write('company_update', [{ Name: 'Dry A', Employees: 5 }], { keys: ['Name'] });
    const person = await write('person_upsert', [{ Email: 'ada@example.com' }]);
    const event = await write('event_publish', [{ hello: 'world' }], { eventName: 'Signed Up', eventVersion: 'v01' });

    expect(sim.control.requests.length).toBe(before);
    expect(sim.state.rows('company')).toHaveLength(companiesBefore);
    expect(acquired).toEqual([]);
    expect(inserted).toEqual([
      { ok: true, id: 'dry-run-1' },
      { ok: true, id: 'dry-run-2' },
    ]);
    expect(updated).toEqual([{ ok: true, id: 'dry-run-1' }]);
    expect(person[0]).toMatchObject({ ok: true });
    expect(event[0]).toMatchObject({ ok: true });
    expect(planned.map((r) => `${r.method} ${new URL(r.url).pathname}${new URL(r.url).search}`)).toEqual([
      'POST /v1/data/objects/Company',
      'PUT /v1/data/objects/Company?keys=Name',
      'PUT /v1.0/api/people',
      'POST /v1.0/api/eventManager/event',
    ]);
    expect(planned[0]).toMatchObject({
      headers: { Accesskey: sim.credentials.accessKey, 'content-type': 'application/json' },
      body: { records: [{ Name: 'Dry A' }, { Name: 'Dry B' }] },
    });
    expect(planned[3]?.headers).toMatchObject({
      eventName: 'Signed Up',
      eventVersion: 'v01',
      sharedSecret: sim.credentials.sharedSecret,
      tenantId: sim.state.tenantId,
    });
    expect(planned[3]?.body).toEqual({ hello: 'world' });
  });

  it('still sends reads (the POST query endpoint included) in the same context', async () => {
    planned.length = 0;
    const before = sim.control.requests.length;
    const pages = gainsight.streams.records!.read({
      settings: settings(),
      secrets,
      ctx,
      cursor: null,
      options: { object: 'company', select: ['Gsid', 'Name'] },
    });
    let rows = 0;
    for await (const page of pages) rows += page.records.length;
    expect(rows).toBeGreaterThanOrEqual(3);
    const sent = sim.control.requests.slice(before);
    expect(sent.some((r) => r.method === 'POST' && r.path === '/v1/data/objects/query/company')).toBe(true);
    expect(planned).toEqual([]);
  });
});
