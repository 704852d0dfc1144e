import type { ConnectorContext, SyncRecord } from '@synchub/core';
import { createPendoSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { coerceValue } from './metadata-values.js';
import { settingsSchema } from './settings.js';
import { ACCOUNT_METADATA_BATCH, writers } from './writers.js';

const NOW = Date.UTC(2025, 0, 15, 12);
const id = (n: number) => `acct-${String(n).padStart(6, '0')}`;

describe('pendo account_metadata writer', () => {
  const sim = createPendoSimulator({ accounts: 600, now: () => NOW });
  let server: RunningServer;
  const writer = writers.account_metadata!;
  const write = (records: SyncRecord[], ctx: ConnectorContext = { fetch, now: Date.now }, key?: string) =>
    writer.write({
      settings: settingsSchema.parse({ baseUrl: server.url, sandbox: true }),
      secrets: { integrationKey: key ?? sim.credentials.integrationKey },
      ctx,
      records,
      options: {},
    });
  const writeCalls = () => sim.control.requests.filter((r) => r.path === '/api/v1/metadata/account/custom/value');
  beforeAll(async () => {
    server = await listen(sim.app);
  });
  afterAll(() => server.close());
  afterEach(() => {
    sim.control.reset();
    sim.state.written.clear();
  });

  it('declares an update writer of 500 records on the api bucket', () => {
    expect(writer).toMatchObject({ mode: 'update', batchSize: 500, bucket: 'api' });
    expect(ACCOUNT_METADATA_BATCH).toBe(500);
  });

  it('writes 500 records in one metadata call after one schema read', async () => {
    const records = Array.from({ length: 500 }, (_, i) => ({
      accountId: id(i + 1),
      healthscore: i % 100,
      tier: 'Gold',
    }));
    const results = await write(records);
    expect(results).toHaveLength(500);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results[41]).toEqual({ ok: true, id: id(42) });
    expect(sim.control.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1/metadata/schema/account',
      'POST /api/v1/metadata/account/custom/value',
    ]);
    expect(writeCalls()[0]?.body).toHaveLength(500);
    expect(sim.state.written.get(id(42))).toEqual({ healthscore: 41, tier: 'Gold' });
  });

  it('refuses 501 records with invalid_request before calling Pendo', async () => {
    const records = Array.from({ length: 501 }, (_, i) => ({ accountId: id(i + 1), tier: 'Gold' }));
    const error = await write(records).catch((e) => e);
    expect(error).toMatchObject({ name: 'ConnectorError', code: 'invalid_request' });
    expect(error.message).toMatch(/at most 500/);
    expect(sim.control.requests).toHaveLength(0);
  });

  it('fails only the record whose account Pendo does not know, with not_found', async () => {
    const results = await write([
      { accountId: id(1), tier: 'Silver' },
      { accountId: 'acct-nobody', tier: 'Silver' },
      { accountId: id(2), tier: 'Silver' },
    ]);
    expect(results[0]).toEqual({ ok: true, id: id(1) });
    expect(results[1]).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'Account acct-nobody was not found in Pendo' },
    });
    expect(results[2]).toEqual({ ok: true, id: id(2) });
    expect(sim.state.written.get(id(2))).toEqual({ tier: 'Silver' });
  });

  it('coerces values by the schema: an integer sent as a string goes out as a number', async () => {
    const results = await write([
      {
        accountId: id(3),
        healthscore: '82',
        arr: '1250.5',
        churnrisk: 'false',
        renewaldate: '2025-01-31',
        'metadata.custom.csm': 42,
      },
    ]);
    expect(results).toEqual([{ ok: true, id: id(3) }]);
    expect(writeCalls()[0]?.body).toEqual([
      {
        accountId: id(3),
        values: { healthscore: 82, arr: 1250.5, churnrisk: false, renewaldate: Date.UTC(2025, 0, 31), csm: '42' },
      },
    ]);
    expect(sim.state.written.get(id(3))?.healthscore).toBe(82);
  });

  it('refuses unknown, read-only and mistyped fields by name, sending only the other records', async () => {
    const results = await write([
      { accountId: id(4), tier: 'Gold' },
      { accountId: id(5), notAField: 1 },
      { accountId: id(6), name: 'Renamed' },
      { accountId: id(7), healthscore: 82.5 },
      { tier: 'Gold' },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, false, false, false]);
    const messages = results.map((r) => (r.ok ? '' : `${r.error.code}: ${r.error.message}`));
    expect(messages[1]).toMatch(/^invalid_request: Field "notAField" is not a custom account field/);
    expect(messages[2]).toMatch(/^invalid_request: Field "name" is a read-only agent field/);
    expect(messages[3]).toMatch(/^invalid_request: Field "healthscore" is a Pendo integer field, but 82.5/);
    expect(messages[4]).toMatch(/^invalid_request: The record has no accountId/);
    expect(writeCalls()[0]?.body).toEqual([{ accountId: id(4), values: { tier: 'Gold' } }]);
  });

  it('makes no write call when every record is refused', async () => {
    const results = await write([{ accountId: id(8), bogus: true }]);
    expect(results[0]?.ok).toBe(false);
    expect(writeCalls()).toHaveLength(0);
  });

  it('marks rows "maybe not updated" when Pendo counts failures it does not name', async () => {
    // A field deleted in Pendo between the schema read and the write: Pendo fails that row, says only "failed: 1".
    const racing: ConnectorContext = {
      now: Date.now,
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        if (String(input).endsWith('/metadata/schema/account')) delete sim.state.schema.custom.csm;
        return res;
      },
    };
    const saved = sim.state.schema.custom.csm!;
    try {
      const some = await write(
        [
          { accountId: id(9), tier: 'Gold' },
          { accountId: id(10), csm: 'Ana Ruiz' },
          { accountId: 'acct-nobody', tier: 'Gold' },
        ],
        racing,
      );
      expect(some.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['unexpected', 'unexpected', 'not_found']);
      expect(some[0]).toMatchObject({ error: { message: expect.stringMatching(/1 of 2 rows failed without naming/) } });
      sim.state.schema.custom.csm = saved;
      const all = await write([{ accountId: id(11), csm: 'Ana Ruiz' }], racing);
      expect(all[0]).toMatchObject({ ok: false, error: { code: 'invalid_request', body: { failed: 1 } } });
    } finally {
      sim.state.schema.custom.csm = saved;
    }
  });

  it('rejects the whole call when Pendo refuses it: read-only key, 5xx', async () => {
    const forbidden = await write([{ accountId: id(1), tier: 'Gold' }], undefined, sim.credentials.readOnlyKey).catch(
      (e) => e,
    );
    expect(forbidden).toMatchObject({ code: 'forbidden', status: 403 });
    sim.control.faults.set('/api/v1/metadata/account', { errorRate: 1 });
    const failed = await write([{ accountId: id(1), tier: 'Gold' }]).catch((e) => e);
    expect(failed.code).toBe('transient');
  });
});

describe('pendo metadata value coercion', () => {
  it.each([
    ['integer', '82', 82],
    ['integer', ' -3 ', -3],
    ['integer', 7, 7],
    ['float', '0.25', 0.25],
    ['float', 3, 3],
    ['boolean', 'TRUE', true],
    ['boolean', 0, false],
    ['string', true, 'true'],
    ['time', '2025-01-31T10:00:00Z', Date.UTC(2025, 0, 31, 10)],
    ['time', '1735689600000', 1735689600000],
    ['list', ['a'], ['a']],
    ['integer', null, null],
  ])('%s accepts %j as %j', (type, value, expected) => {
    expect(coerceValue(type, value)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['integer', '8.5'],
    ['integer', 'eighty'],
    ['integer', ''],
    ['float', 'NaN'],
    ['boolean', 'maybe'],
    ['time', 'soon'],
    ['string', { a: 1 }],
    ['list', 'a,b'],
  ])('%s refuses %j', (type, value) => {
    expect(coerceValue(type, value).ok).toBe(false);
  });
});
