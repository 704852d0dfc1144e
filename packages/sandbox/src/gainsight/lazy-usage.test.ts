import { describe, expect, it } from 'vitest';
import { isoDateTime } from './values.js';
import { createGainsightSimulator } from './index.js';
import { caller } from './test-helpers.js';

const page = (where?: unknown, offset = 0, limit = 3, orderBy: unknown = { ModifiedDate: 'asc', Gsid: 'asc' }) => ({
  select: ['Gsid', 'ModifiedDate', 'GsCompanyId', 'MetricName__gc', 'MetricValue__gc'],
  orderBy,
  limit,
  offset,
  ...(where ? { where } : {}),
});

describe('gainsight simulator: lazy product usage rows', () => {
  it('answers pages in (ModifiedDate, Gsid) order from the index, as the stored rows would', async () => {
    const sim = createGainsightSimulator({ companies: 3, usageRows: 1_000_000, lazyUsageRows: true });
    const call = caller(sim);
    const first = await call('POST', '/v1/data/objects/query/product_usage__gc', page());
    expect(first.status).toBe(200);
    const rows = first.body.data.records as Array<{ Gsid: string; GsCompanyId: string; ModifiedDate: string }>;
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.Gsid)).toEqual([...rows.map((r) => r.Gsid)].sort());
    const companies = new Set(sim.state.rows('company').map((c) => c.Gsid));
    expect(rows.every((r) => companies.has(r.GsCompanyId))).toBe(true);
    // A GTE on the order field starts at that row (found by binary search), offset skips past ties.
    const last = rows[2] as { ModifiedDate: string };
    const where = { conditions: [{ name: 'ModifiedDate', alias: 'A', operator: 'GTE', value: [last.ModifiedDate] }] };
    const next = await call('POST', '/v1/data/objects/query/product_usage__gc', page(where, 1));
    expect(next.body.data.records[0].ModifiedDate > last.ModifiedDate).toBe(true);
    // The tail of the table, and other conditions still apply row by row.
    const tail = await call('POST', '/v1/data/objects/query/product_usage__gc', page(undefined, 999_998));
    expect(tail.body.data.records).toHaveLength(2);
    const logins = {
      conditions: [
        { name: 'ModifiedDate', alias: 'A', operator: 'GTE', value: [last.ModifiedDate] },
        { name: 'MetricName__gc', alias: 'B', operator: 'EQ', value: ['logins'] },
      ],
      expression: '(B) AND A',
    };
    const filtered = await call('POST', '/v1/data/objects/query/product_usage__gc', page(logins));
    expect(filtered.body.data.records.map((r: { MetricName__gc: string }) => r.MetricName__gc)).toEqual([
      'logins',
      'logins',
      'logins',
    ]);
    // Nothing was stored for any of that.
    expect(sim.state.virtual?.('product_usage__gc')).toBeDefined();
  });

  it('stores the same rows when a query needs another order (or a write comes)', async () => {
    const lazy = createGainsightSimulator({ companies: 3, usageRows: 50, lazyUsageRows: true });
    const call = caller(lazy);
    const natural = await call('POST', '/v1/data/objects/query/product_usage__gc', page(undefined, 0, 50));
    const desc = await call(
      'POST',
      '/v1/data/objects/query/product_usage__gc',
      page(undefined, 0, 50, { ModifiedDate: 'desc' }),
    );
    expect(lazy.state.virtual?.('product_usage__gc')).toBeUndefined();
    expect(lazy.state.rows('product_usage__gc')).toHaveLength(50);
    expect(desc.body.data.records).toEqual([...natural.body.data.records].reverse());
    // An OR at the top level cannot narrow the start: every row is checked.
    const other = createGainsightSimulator({ companies: 3, usageRows: 50, lazyUsageRows: true });
    const rows = (await caller(other)('POST', '/v1/data/objects/query/product_usage__gc', page(undefined, 0, 50))).body
      .data.records;
    const either = {
      conditions: [
        { name: 'ModifiedDate', alias: 'A', operator: 'GT', value: [rows[48].ModifiedDate] },
        { name: 'Gsid', alias: 'B', operator: 'EQ', value: [rows[0].Gsid] },
      ],
      expression: 'A OR B',
    };
    const answer = await caller(other)('POST', '/v1/data/objects/query/product_usage__gc', page(either, 0, 50));
    expect(answer.body.data.records.map((r: { Gsid: string }) => r.Gsid)).toEqual([rows[0].Gsid, rows[49].Gsid]);
  });

  it('renders date-times exactly as Date#toISOString does, only faster', () => {
    const samples = [
      0,
      1,
      999,
      86_399_999,
      951_782_400_000,
      Date.UTC(2026, 10, 23, 4, 5, 6, 7),
      -1,
      1.5,
      253_402_300_800_000,
    ];
    for (let i = 0; i < 1000; i++) samples.push(Math.floor(Math.random() * 4_000_000_000_000));
    for (const ms of samples) expect(isoDateTime(ms)).toBe(new Date(ms).toISOString());
  });
});
