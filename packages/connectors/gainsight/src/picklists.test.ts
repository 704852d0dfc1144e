import type { ConnectorContext, RecordPage, SyncRecord, WriteResult } from '@synchub/core';
import {
  createGainsightSimulator,
  type GainsightFieldDef,
  listen,
  picklistGsid,
  type RunningServer,
} from '@synchub/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGainsightClient } from './client.js';
import gainsight from './index.js';
import { clearPicklistCache, createPicklists, MISS_REFRESH_MS } from './picklists.js';

describe('gainsight picklists: labels for people, item GSIDs at the vendor', () => {
  const sim = createGainsightSimulator({
    companies: 15,
    people: 3,
    activities: 40,
    limits: { syncPerMinute: 100_000 },
  });
  let server: RunningServer;
  let clock = Date.now();
  const ctx: ConnectorContext = { fetch, now: () => clock };
  const secrets = { accessKey: sim.credentials.accessKey as string };
  const settings = () => gainsight.settings.parse({ domain: server.url, sandbox: true });
  const item = (object: string, field: string, label: string) => picklistGsid(sim.state.objects, object, field, label);
  const describes = () => sim.control.requests.filter((r) => r.path === '/v1/meta/services/objects/describe');
  const dataCalls = () => sim.control.requests.filter((r) => r.path.startsWith('/v1/data/'));
  const read = async (options: Record<string, unknown>) => {
    const pages: RecordPage[] = [];
    const stream = gainsight.streams.records!;
    for await (const page of stream.read({ settings: settings(), secrets, ctx, cursor: null, options }))
      pages.push(page);
    return pages.flatMap((p) => p.records);
  };
  const write = (writer: string, records: SyncRecord[], options: Record<string, unknown> = {}) =>
    gainsight.writers[writer]!.write({ settings: settings(), secrets, ctx, records, options });
  const failed = (r: WriteResult | undefined) => (r && !r.ok ? r.error : undefined);

  beforeAll(async () => {
    server = await listen(sim.app);
  });
  afterAll(async () => server.close());
  beforeEach(() => {
    clearPicklistCache();
    sim.control.reset();
  });

  it('the records stream reads labels where the vendor answers item GSIDs, with one describe', async () => {
    const select = ['Gsid', 'Name', 'Stage', 'Industry', 'Tags'];
    const raw = await createGainsightClient({ settings: settings(), secrets, ctx }).query('company', {
      select,
      limit: 100,
    });
    const first = sim.state.rows('company')[0] as SyncRecord;
    const answered = raw.find((r) => r.Gsid === first.Gsid);
    expect(answered?.Stage).toBe(item('company', 'Stage', first.Stage as string));

    sim.control.reset();
    const records = await read({ object: 'company', select, pageSize: 5 });
    expect(records).toHaveLength(15);
    for (const record of records) {
      const row = sim.state.rows('company').find((r) => r.Gsid === record.Gsid);
      expect(record).toEqual({
        Gsid: row?.Gsid,
        Name: row?.Name,
        Stage: row?.Stage,
        Industry: row?.Industry,
        Tags: row?.Tags,
      });
    }
    expect(describes()).toHaveLength(1);
    expect(describes()[0]?.body).toMatchObject({ objectNames: ['company'], populatePickListOptions: 'true' });

    // Cached per connection: reading again describes nothing; GSIDs on request.
    sim.control.reset();
    const gsids = await read({ object: 'company', select: ['Gsid', 'Stage'], picklistValues: 'gsid' });
    expect(gsids.find((r) => r.Gsid === first.Gsid)?.Stage).toBe(item('company', 'Stage', first.Stage as string));
    await read({ object: 'company', select: ['Gsid', 'Stage'] });
    expect(describes()).toHaveLength(0);
  });

  it('reads touching no picklist describe nothing', async () => {
    const records = await read({ object: 'company', select: ['Gsid', 'Name', 'Employees'] });
    expect(records).toHaveLength(15);
    expect(describes()).toHaveLength(0);
  });

  it('a filter names items by label (sent as GSIDs); an unknown label is a config error listing the known ones', async () => {
    const records = await read({
      object: 'company',
      select: ['Gsid', 'Industry'],
      where: { conditions: [{ name: 'Industry', alias: 'A', operator: 'IN', value: ['software', 'Retail'] }] },
    });
    const expected = sim.state.rows('company').filter((r) => r.Industry === 'Software' || r.Industry === 'Retail');
    expect(records.map((r) => r.Gsid).sort()).toEqual(expected.map((r) => r.Gsid).sort());
    const sent = dataCalls()[0]?.body as { where: { conditions: Array<{ name: string; value: unknown[] }> } };
    expect(sent.where.conditions[0]?.value).toEqual([
      item('company', 'Industry', 'Software'),
      item('company', 'Industry', 'Retail'),
    ]);
    await expect(
      read({
        object: 'company',
        select: ['Gsid'],
        where: { conditions: [{ name: 'Stage', alias: 'A', operator: 'EQ', value: ['Onboarding'] }] },
      }),
    ).rejects.toMatchObject({
      code: 'config',
      message: expect.stringContaining('Stage: "Onboarding" is not one of its labels (New Customer, Kick Off'),
    });
  });

  it('writers send item GSIDs for labels (any case) and multi-select lists; stored as those items', async () => {
    const results = await write('company_insert', [
      { Name: 'Label Co', Industry: 'Technology', Stage: 'kick off', Tags: ['Beta', 'At Risk'] },
      { Name: 'Gsid Co', Industry: item('company', 'Industry', 'Education') },
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(dataCalls()).toHaveLength(1);
    expect(dataCalls()[0]?.body).toEqual({
      records: [
        {
          Name: 'Label Co',
          Industry: item('company', 'Industry', 'Technology'),
          Stage: item('company', 'Stage', 'Kick Off'),
          Tags: [item('company', 'Tags', 'Beta'), item('company', 'Tags', 'At Risk')],
        },
        { Name: 'Gsid Co', Industry: item('company', 'Industry', 'Education') },
      ],
    });
    expect(sim.state.rows('company').find((r) => r.Name === 'Label Co')).toMatchObject({
      Industry: 'Technology',
      Stage: 'Kick Off',
      Tags: ['Beta', 'At Risk'],
    });
  });

  it('an inactive item and an unknown label fail their own record only; the rest goes in one call', async () => {
    const [a, b, c] = sim.state.rows('company') as SyncRecord[];
    const results = await write('company_update', [
      { Name: a?.Name, Stage: 'Legacy' },
      { Name: b?.Name, Stage: 'Adopting', Status: 'Active' },
      { Name: c?.Name, Tags: ['Beta', 'Gold'] },
    ]);
    expect(results.map((r) => r.ok)).toEqual([false, true, false]);
    expect(failed(results[0])?.message).toBe(
      'Picklist value not allowed for Stage: "Legacy" is an inactive item (active: New Customer, Kick Off, Launched, Adopting, Will Expand, Will Churn, Churned)',
    );
    expect(failed(results[2])?.message).toBe(
      'Picklist value not allowed for Tags: "Gold" is not one of its labels (Strategic, Upsell, At Risk, Reference, Beta)',
    );
    expect(dataCalls()).toHaveLength(1);
    expect(dataCalls()[0]?.body).toEqual({
      records: [
        { Name: b?.Name, Stage: item('company', 'Stage', 'Adopting'), Status: item('company', 'Status', 'Active') },
      ],
    });
    expect(b).toMatchObject({ Stage: 'Adopting', Status: 'Active' });
    expect(describes()).toHaveLength(1);
  });

  it('company_upsert and object_insert translate too; a record failing on a label is not looked up', async () => {
    const upserted = await write('company_upsert', [
      { Name: 'Upsert Label Co', ManagedAs: 'Tech Touch' },
      { Name: 'Upsert Bad Co', ManagedAs: 'No Touch' },
    ]);
    expect(upserted.map((r) => r.ok)).toEqual([true, false]);
    const lookup = dataCalls()[0]?.body as { where: { conditions: Array<{ value: unknown[] }> } };
    expect(lookup.where.conditions[0]?.value).toEqual(['Upsert Label Co']);
    expect(sim.state.rows('company').find((r) => r.Name === 'Upsert Label Co')?.ManagedAs).toBe('Tech Touch');

    const inserted = await write(
      'object_insert',
      [{ AccountId__gc: '001000000000009AAA', AggregationLevel__gc: 'ACCOUNTLEVEL' }],
      {
        object: 'product_usage__gc',
      },
    );
    expect(inserted[0]?.ok).toBe(true);
    expect(
      (dataCalls().at(-1)?.body as { records?: SyncRecord[] } | undefined)?.records?.[0]?.AggregationLevel__gc,
    ).toBe(item('product_usage__gc', 'AggregationLevel__gc', 'ACCOUNTLEVEL'));
  });

  it('a value missing from the cached describe re-describes (at most once a minute), finding new items', async () => {
    const company = sim.state.objects.find((o) => o.objectName === 'company')!;
    const at = company.fields.findIndex((f) => f.fieldName === 'Stage');
    const stage = company.fields[at] as GainsightFieldDef;
    try {
      await write('company_update', [{ Name: sim.state.rows('company')[0]?.Name, Stage: 'Adopting' }]);
      expect(describes()).toHaveLength(1);
      // An admin adds an item.
      company.fields[at] = { ...stage, picklist: [...(stage.picklist ?? []), 'Renewing'] };
      const name = sim.state.rows('company')[1]?.Name;
      const soon = await write('company_update', [{ Name: name, Stage: 'Renewing' }]);
      expect(failed(soon[0])?.message).toContain('"Renewing" is not one of its labels');
      expect(describes()).toHaveLength(1);
      clock += MISS_REFRESH_MS + 1;
      const later = await write('company_update', [{ Name: name, Stage: 'Renewing' }]);
      expect(later[0]?.ok).toBe(true);
      expect(describes()).toHaveLength(2);
      expect(sim.state.rows('company')[1]?.Stage).toBe('Renewing');
      // Reads resolve the new item's GSID to its label.
      const records = await read({ object: 'company', select: ['Gsid', 'Stage'] });
      expect(records.find((r) => r.Gsid === sim.state.rows('company')[1]?.Gsid)?.Stage).toBe('Renewing');
    } finally {
      company.fields[at] = stage;
    }
  });

  it('the cache is per connection (tenant and access key), one describe per object', async () => {
    const one = createPicklists(
      { settings: settings(), secrets, ctx },
      createGainsightClient({ settings: settings(), secrets, ctx }),
    );
    await one.of('company');
    await one.of('Company');
    expect(describes()).toHaveLength(1);
    const otherKey = { accessKey: 'another-key' };
    const two = createPicklists(
      { settings: settings(), secrets: otherKey, ctx },
      createGainsightClient({ settings: settings(), secrets: otherKey, ctx }),
    );
    await expect(two.of('company')).rejects.toMatchObject({ code: 'auth' });
    expect(describes()).toHaveLength(2);
  });
});
