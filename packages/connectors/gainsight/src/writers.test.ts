import { type ConnectorContext, isConnectorError, type SyncRecord, type WriteResult } from '@synchub/core';
import { createGainsightSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import gainsight from './index.js';
import { fieldErrorsPerRecord } from './writers.js';

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConnectorError(error)) throw new Error(`expected a ConnectorError, got ${String(error)}`);
  return error;
}

describe('gainsight writers against the simulator', () => {
  const sim = createGainsightSimulator({
    companies: 12,
    people: 5,
    limits: { syncPerMinute: 100_000 },
    registeredEvents: [{ eventName: 'Signed Up', eventVersion: 'v01', topicName: 'users' }],
  });
  let server: RunningServer;
  const acquired: string[] = [];
  const ctx: ConnectorContext = { fetch, now: Date.now, acquire: async (bucket) => void acquired.push(bucket) };
  const secrets = {
    accessKey: sim.credentials.accessKey as string,
    sharedSecret: sim.credentials.sharedSecret as string,
  };
  const write = (writer: string, records: SyncRecord[], options: Record<string, unknown> = {}) => {
    const settings = gainsight.settings.parse({ domain: server.url, sandbox: true, tenantId: sim.state.tenantId });
    return gainsight.writers[writer]!.write({ settings, secrets, ctx, records, options });
  };
  const companies = (n: number, tag: string) =>
    Array.from({ length: n }, (_, i) => ({ Name: `${tag} ${i}`, Employees: i }));
  const failed = (r: WriteResult | undefined) => (r && !r.ok ? r.error : undefined);
  /** Calls that read or write data (not the cached picklist describe). */
  const dataCalls = () => sim.control.requests.filter((r) => !r.path.startsWith('/v1/meta/'));

  beforeAll(async () => {
    server = await listen(sim.app);
  });
  afterAll(async () => server.close());
  beforeEach(() => {
    sim.control.reset();
    acquired.length = 0;
  });

  it('declares modes, batch sizes and the sync bucket', () => {
    const shape = Object.fromEntries(
      Object.entries(gainsight.writers).map(([k, w]) => [k, [w.mode, w.batchSize, w.bucket]]),
    );
    expect(shape).toEqual({
      company_insert: ['insert', 50, 'sync'],
      company_update: ['update', 50, 'sync'],
      company_upsert: ['upsert', 50, 'sync'],
      object_insert: ['insert', 50, 'sync'],
      person_upsert: ['upsert', 1, 'sync'],
      event_publish: ['publish', 1, 'sync'],
    });
  });

  it('company_upsert looks names up once, inserts the new and updates the known, in input order', async () => {
    const [known] = sim.state.rows('company');
    const results = await write('company_upsert', [
      { Name: 'Upsert New 1', Employees: 7 },
      { Name: known?.Name, Employees: 4242 },
      { Name: '', Employees: 1 },
      { Name: 'Upsert New 2', Employees: 8 },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, false, true]);
    expect(failed(results[2])?.message).toBe('No value for the upsert key Name');
    // One lookup (POST query), one insert (POST) of both new names, one update (PUT ?keys=Name).
    expect(sim.control.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'PUT']);
    expect(sim.control.requests[2]).toMatchObject({ query: { keys: 'Name' } });
    const rows = sim.state.rows('company');
    expect(rows.filter((r) => String(r.Name).startsWith('Upsert New')).map((r) => r.Employees)).toEqual([7, 8]);
    expect(rows.find((r) => r.Name === known?.Name)?.Employees).toBe(4242);
    expect(rows.filter((r) => r.Name === known?.Name)).toHaveLength(1);
  });

  it('company_insert writes 50 records in one call and answers their Gsids in order', async () => {
    const records = companies(50, 'Batch');
    const results = await write('company_insert', records);
    expect(sim.control.requests).toHaveLength(1);
    expect(acquired).toEqual(['sync']);
    const rows = sim.state.rows('company');
    expect(results).toEqual(
      records.map((r) => ({ ok: true, id: rows.find((row) => row.Name === r.Name)?.Gsid as string })),
    );
    expect(new Set(results.map((r) => (r.ok ? r.id : ''))).size).toBe(50);
  });

  it('company_insert refuses 51 records before calling Gainsight', async () => {
    const error = await failure(write('company_insert', companies(51, 'Over')));
    expect(error.code).toBe('invalid_request');
    expect(sim.control.requests).toHaveLength(0);
    expect(sim.state.rows('company').some((r) => r.Name === 'Over 0')).toBe(false);
  });

  it('company_insert: an unknown picklist label fails only its record, naming the known labels', async () => {
    const records: SyncRecord[] = companies(50, 'Picky');
    records[17] = { Name: 'Picky bad', Industry: 'Farming' };
    records[18] = { Name: 'Picky good', Industry: 'Retail' };
    const results = await write('company_insert', records);
    // At most one describe (cached per connection), then one insert of the 49 others.
    expect(dataCalls().map((r) => r.method)).toEqual(['POST']);
    expect(sim.control.requests.filter((r) => r.path.startsWith('/v1/meta/')).length).toBeLessThanOrEqual(1);
    expect((dataCalls()[0]?.body as { records?: unknown[] } | undefined)?.records).toHaveLength(49);
    expect(results.map((r) => r.ok).filter((ok) => !ok)).toHaveLength(1);
    const bad = failed(results[17]);
    expect(bad).toMatchObject({
      code: 'invalid_request',
      body: {
        errors: [{ fieldName: 'Industry', invalidValue: 'Farming', knownLabels: expect.arrayContaining(['Retail']) }],
      },
    });
    expect(bad?.message).toBe(
      'Picklist value not allowed for Industry: "Farming" is not one of its labels (Software, Healthcare, Financial Services, Manufacturing, Retail, Education, Technology)',
    );
    const rows = sim.state.rows('company');
    expect(rows.filter((r) => String(r.Name).startsWith('Picky'))).toHaveLength(49);
    expect(rows.find((r) => r.Name === 'Picky good')?.Industry).toBe('Retail');
  });

  it('company_update updates by Name (default keys) and by several keys', async () => {
    const [a, b] = sim.state.rows('company');
    const results = await write('company_update', [
      { Name: a?.Name, Employees: 901 },
      { Name: b?.Name, Stage: 'Adopting' },
    ]);
    expect(results).toEqual([
      { ok: true, id: a?.Gsid },
      { ok: true, id: b?.Gsid },
    ]);
    expect(dataCalls()[0]).toMatchObject({ method: 'PUT', query: { keys: 'Name' } });
    expect([a?.Employees, b?.Stage]).toEqual([901, 'Adopting']);

    const byTwo = await write('company_update', [{ Name: a?.Name, Gsid: a?.Gsid, Users: 3 }], {
      keys: ['Name', 'Gsid'],
    });
    expect(byTwo).toEqual([{ ok: true, id: a?.Gsid }]);
    expect(sim.control.requests.at(-1)?.query).toEqual({ keys: 'Name,Gsid' });
    expect((await failure(write('company_update', [], { keys: ['a', 'b', 'c', 'd'] }))).code).toBe('config');
  });

  it('company_update fails a record without its key locally and sends the others', async () => {
    const [a] = sim.state.rows('company');
    const results = await write('company_update', [{ Employees: 1 }, { Name: a?.Name, Employees: 902 }]);
    expect(failed(results[0])).toMatchObject({ code: 'invalid_request', message: 'No value for the update key Name' });
    expect(results[1]).toEqual({ ok: true, id: a?.Gsid });
    expect(sim.control.requests).toHaveLength(1);
    expect(sim.control.requests[0]?.body).toMatchObject({ records: [{ Name: a?.Name }] });
    expect((sim.control.requests[0]?.body as { records?: unknown[] } | undefined)?.records).toHaveLength(1);
  });

  it('company_update: a name that matches nothing fails the call for every record', async () => {
    const [a] = sim.state.rows('company');
    const results = await write('company_update', [
      { Name: a?.Name, Employees: 5 },
      { Name: 'No Such Company', Employees: 6 },
    ]);
    expect(failed(results[1])).toMatchObject({ code: 'not_found', vendorCode: 'GSOBJ_1005' });
    expect(failed(results[0])?.message).toMatch(/^Not written/);
    expect(a?.Employees).not.toBe(5);
  });

  it('object_insert inserts into the object named by the option and answers Gsids in order', async () => {
    const day = Date.UTC(2026, 0, 15);
    const records = Array.from({ length: 50 }, (_, i) => ({
      AccountId__gc: `001000000000${String(i).padStart(3, '0')}AAA`,
      UsageDate__gc: new Date(day).toISOString().slice(0, 10),
      AggregationLevel__gc: 'ACCOUNTLEVEL',
      ActiveUsers__gc: i,
    }));
    const results = await write('object_insert', records, { object: 'product_usage__gc' });
    // The picklist AggregationLevel__gc needs the object's items once: one describe, then the insert.
    expect(sim.control.requests.map((r) => [r.method, r.path])).toEqual([
      ['POST', '/v1/meta/services/objects/describe'],
      ['POST', '/v1/data/objects/product_usage__gc'],
    ]);
    expect(acquired).toEqual(['sync', 'sync']);
    const rows = sim.state.rows('product_usage__gc');
    for (const [i, result] of results.entries()) {
      const row = rows.find((r) => r.Gsid === (result.ok ? result.id : ''));
      expect(row).toMatchObject({ ActiveUsers__gc: i, UsageDate__gc: day, AggregationLevel__gc: 'ACCOUNTLEVEL' });
    }
  });

  it('object_insert: a bad value fails the call with the field error on its record; bad options and 51 records are refused', async () => {
    const records = [
      { AccountId__gc: '001000000000001AAA', ActiveUsers__gc: 3 },
      { AccountId__gc: '001000000000002AAA', ActiveUsers__gc: 'many' },
    ];
    const results = await write('object_insert', records, { object: 'product_usage__gc' });
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(failed(results[1])).toMatchObject({ code: 'invalid_request', vendorCode: 'GSOBJ_VDTNUM1001' });
    expect(failed(results[0])?.message).toMatch(/Not written/);
    expect((await failure(write('object_insert', records, {}))).code).toBe('config');
    expect((await failure(write('object_insert', records, { object: 'a b' }))).code).toBe('config');
    const tooMany = Array.from({ length: 51 }, () => ({ ActiveUsers__gc: 1 }));
    expect((await failure(write('object_insert', tooMany, { object: 'product_usage__gc' }))).code).toBe(
      'invalid_request',
    );
    expect(sim.control.requests).toHaveLength(1);
  });

  it('object_insert: an unknown object rejects the call (no record could ever be written)', async () => {
    const error = await failure(write('object_insert', [{ A__gc: 1 }], { object: 'nothing__gc' }));
    expect(error).toMatchObject({ code: 'not_found', vendorCode: 'OBJECT_NOT_FOUND' });
  });

  it('person_upsert upserts one person with a company association', async () => {
    const company = sim.state.rows('company')[2]!;
    const [result] = await write('person_upsert', [
      { Email: 'ada@writer.example', FirstName: 'Ada', companies: [{ Company_ID: company.Gsid }] },
    ]);
    const person = sim.state.rows('person').find((p) => p.Email === 'ada@writer.example');
    expect(result).toEqual({ ok: true, id: person?.Gsid });
    expect(dataCalls()).toEqual([expect.objectContaining({ method: 'PUT', path: '/v1.0/api/people' })]);
    const links = sim.state.rows('company_person').filter((l) => l.Person_ID === person?.Gsid);
    expect(links.map((l) => l.Company_ID)).toEqual([company.Gsid]);

    const [again] = await write('person_upsert', [{ Email: 'ADA@writer.example', LastName: 'Lovelace' }]);
    expect(again).toEqual({ ok: true, id: person?.Gsid });
    expect(person).toMatchObject({ FirstName: 'Ada', LastName: 'Lovelace' });
    expect((await failure(write('person_upsert', [{ Email: 'a@x.example' }, { Email: 'b@x.example' }]))).code).toBe(
      'invalid_request',
    );
  });

  it('person_upsert answers an unknown Company_ID or a missing Email as a failed record', async () => {
    const [unknown] = await write('person_upsert', [
      { Email: 'kim@writer.example', companies: [{ Company_ID: '1P02AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }] },
    ]);
    expect(failed(unknown)).toMatchObject({ code: 'invalid_request', vendorCode: 'GSOBJ_PEOPLE1001' });
    expect(failed(unknown)?.message).toContain('Company not found');
    expect(sim.state.rows('person').some((p) => p.Email === 'kim@writer.example')).toBe(false);

    sim.control.reset();
    const [noEmail] = await write('person_upsert', [{ FirstName: 'Nobody' }]);
    expect(failed(noEmail)?.code).toBe('invalid_request');
    expect(sim.control.requests).toHaveLength(0);
  });

  it('event_publish publishes the record as the body and answers the eventId', async () => {
    const options = { eventName: 'Signed Up', eventVersion: 'v01', topicName: 'users', contractId: 'c-1' };
    const [result] = await write('event_publish', [{ plan: 'pro', seats: 3 }], options);
    const event = sim.state.events.at(-1);
    expect(result).toEqual({ ok: true, id: event?.eventId });
    expect(event).toMatchObject({
      topicName: 'users',
      contractId: 'c-1',
      tenantId: sim.state.tenantId,
      body: { plan: 'pro', seats: 3 },
    });
    expect(sim.control.requests[0]?.headers.accesskey).toBeUndefined();
  });

  it('event_publish: an unregistered event is a failed record with vendor code 1001', async () => {
    const [result] = await write('event_publish', [{ a: 1 }], { eventName: 'Nope', eventVersion: 'v01' });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid_request',
        vendorCode: '1001',
        message: 'Event is not registered',
        body: expect.any(Object),
      },
    });
    expect((await failure(write('event_publish', [{ a: 1 }], { eventVersion: 'v01' }))).code).toBe('config');
  });

  it('rejects (does not fail records) when the call itself fails: 429, 5xx, bad key', async () => {
    sim.control.faults.set('*', { rateLimitBurst: 1 });
    const limited = await failure(write('company_insert', companies(2, 'Limited')));
    expect(limited.code).toBe('rate_limited');
    sim.control.faults.set('*', { errorRate: 1 });
    expect((await failure(write('person_upsert', [{ Email: 'z@x.example' }]))).code).toBe('transient');
    sim.control.faults.clear();
    const settings = gainsight.settings.parse({ domain: server.url, sandbox: true });
    const auth = await failure(
      gainsight.writers.company_update!.write({
        settings,
        secrets: { accessKey: 'wrong-key' },
        ctx,
        records: [{ Name: 'x' }],
        options: {},
      }),
    );
    expect(auth.code).toBe('auth');
  });
});

describe('fieldErrorsPerRecord', () => {
  const records = [{ Name: 'a', Arr: 'lots' }, { Name: 'b' }, { Name: 'c', Industry: 'Farming' }];

  it('pins errors to records by position when the answer has one entry per record', () => {
    const body = {
      data: {
        errors: [
          { success: false, errors: [{ fieldName: 'Arr' }] },
          { success: true, errors: [] },
          { success: true, errors: [] },
        ],
      },
    };
    expect(fieldErrorsPerRecord(body, records).map((e) => e.length)).toEqual([1, 0, 0]);
  });

  it('otherwise pins them to the records holding the invalid value', () => {
    const body = {
      data: {
        errors: [
          { success: false, errors: [{ fieldName: 'Industry', invalidValue: 'Farming' }] },
          { fieldName: 'Arr', invalidValue: 'lots' },
          { fieldName: 'Nope', invalidValue: 1 },
        ],
      },
    };
    expect(fieldErrorsPerRecord(body, records).map((e) => e.map((x) => x.fieldName))).toEqual([
      ['Arr'],
      [],
      ['Industry'],
    ]);
    expect(fieldErrorsPerRecord({ errorCode: 'X' }, records)).toEqual([[], [], []]);
  });
});
