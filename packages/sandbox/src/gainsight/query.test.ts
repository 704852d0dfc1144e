import { describe, expect, it } from 'vitest';
import { createGainsightSimulator, picklistGsid } from './index.js';
import { caller } from './test-helpers.js';

const now = () => Date.UTC(2025, 4, 1, 12);

describe('gainsight simulator: query', () => {
  const sim = createGainsightSimulator({ companies: 60, people: 40, activities: 300, now });
  const call = caller(sim);
  const query = (object: string, body: unknown) => call('POST', `/v1/data/objects/query/${object}`, body);
  const companies = sim.state.rows('company');

  it('answers data.records keyed by the selected names', async () => {
    const res = await query('company', { select: ['Gsid', 'Name', 'Arr'], limit: 3, offset: 0 });
    expect(res.status).toBe(200);
    expect(res.body.result).toBe(true);
    expect(res.body.data.records).toHaveLength(3);
    expect(Object.keys(res.body.data.records[0]).sort()).toEqual(['Arr', 'Gsid', 'Name']);
    expect(res.body.data.records[0]).toEqual({
      Gsid: companies[0]?.Gsid,
      Name: companies[0]?.Name,
      Arr: companies[0]?.Arr,
    });
  });

  it('treats object names case-insensitively and field names case-sensitively', async () => {
    expect((await query('COMPANY', { select: ['Name'], limit: 1 })).status).toBe(200);
    const res = await query('company', { select: ['name'] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ result: false, errorCode: 'GSOBJ_VCRUDR1002' });
  });

  it('pages with limit/offset until a page is shorter than the limit', async () => {
    const seen: string[] = [];
    let offset = 0;
    let pages = 0;
    for (;;) {
      const res = await query('company', { select: ['Gsid'], orderBy: { Name: 'asc' }, limit: 25, offset });
      const records = res.body.data.records as { Gsid: string }[];
      seen.push(...records.map((r) => r.Gsid));
      pages++;
      if (records.length < 25) break;
      offset += 25;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(60);
  });

  it('evaluates conditions with AND/OR/parentheses expressions', async () => {
    const target = companies[5] as Record<string, unknown>;
    const other = companies[9] as Record<string, unknown>;
    const res = await query('company', {
      select: ['Name'],
      where: {
        conditions: [
          { name: 'Name', alias: 'A', value: [target.Name], operator: 'EQ' },
          { name: 'Name', alias: 'B', value: [other.Name], operator: 'EQ' },
          { name: 'Arr', alias: 'C', value: [-1], operator: 'LT' },
        ],
        expression: '(A OR B) OR C',
      },
    });
    expect(res.body.data.records.map((r: { Name: string }) => r.Name).sort()).toEqual([target.Name, other.Name].sort());

    const none = await query('company', {
      select: ['Name'],
      where: {
        conditions: [
          { name: 'Name', alias: 'A', value: [target.Name], operator: 'EQ' },
          { name: 'Name', alias: 'B', value: [other.Name], operator: 'EQ' },
          { name: 'Arr', alias: 'C', value: [-1], operator: 'LT' },
        ],
        expression: '(A OR B) and C',
      },
    });
    expect(none.body.data.records).toEqual([]);

    // Without an expression every condition must hold.
    const anded = await query('company', {
      select: ['Name'],
      where: {
        conditions: [
          { name: 'Name', alias: 'A', value: [target.Name], operator: 'EQ' },
          { name: 'Arr', alias: 'B', value: [target.Arr], operator: 'GTE' },
        ],
      },
    });
    expect(anded.body.data.records).toEqual([{ Name: target.Name }]);
  });

  it('supports every documented operator', async () => {
    const count = async (name: string, operator: string, value: unknown[], object = 'company') => {
      const res = await query(object, {
        select: ['Gsid'],
        where: { conditions: [{ name, alias: 'A', value, operator }] },
        limit: 5000,
      });
      expect(res.status).toBe(200);
      return res.body.data.records.length as number;
    };
    const expected = (pred: (r: Record<string, unknown>) => boolean) => companies.filter(pred).length;
    const arr = (r: Record<string, unknown>) => r.Arr as number;
    expect(await count('Arr', 'GT', [500_000])).toBe(expected((r) => arr(r) > 500_000));
    expect(await count('Arr', 'LTE', ['500000'])).toBe(expected((r) => arr(r) <= 500_000));
    expect(await count('Arr', 'BTW', [100_000, 900_000])).toBe(expected((r) => arr(r) >= 100_000 && arr(r) <= 900_000));
    // Picklists are compared by item GSID, as the vendor does: a label matches nothing.
    const industry = (label: string) => picklistGsid(sim.state.objects, 'company', 'Industry', label);
    expect(await count('Industry', 'IN', [industry('Software'), industry('Retail')])).toBe(
      expected((r) => r.Industry === 'Software' || r.Industry === 'Retail'),
    );
    expect(await count('Industry', 'NE', [industry('Software')])).toBe(expected((r) => r.Industry !== 'Software'));
    expect(await count('Industry', 'EQ', ['Software'])).toBe(0);
    expect(await count('Name', 'CONTAINS', ['CORP'])).toBe(
      expected((r) => String(r.Name).toLowerCase().includes('corp')),
    );
    expect(await count('Name', 'STARTS_WITH', ['acme'])).toBe(expected((r) => String(r.Name).startsWith('Acme')));
    expect(await count('Name', 'ENDS_WITH', ['labs'])).toBe(expected((r) => String(r.Name).endsWith('Labs')));
    expect(await count('ParentCompany', 'IS_NULL', [])).toBe(expected((r) => r.ParentCompany === null));
    expect(await count('ParentCompany', 'IS_NOT_NULL', [])).toBe(expected((r) => r.ParentCompany !== null));
    const strategic = picklistGsid(sim.state.objects, 'company', 'Tags', 'Strategic');
    expect(await count('Tags', 'INCLUDES', [strategic])).toBe(
      expected((r) => (r.Tags as string[]).includes('Strategic')),
    );
    expect(await count('Tags', 'EXCLUDES', [strategic])).toBe(
      expected((r) => !(r.Tags as string[]).includes('Strategic')),
    );
    const cutoff = Date.UTC(2025, 3, 1);
    const activities = sim.state.rows('activity_timeline');
    expect(await count('LastModifiedDate', 'GTE', ['2025-04-01T00:00:00Z'], 'activity_timeline')).toBe(
      activities.filter((r) => (r.LastModifiedDate as number) >= cutoff).length,
    );
    expect(await count('LastModifiedDate', 'GTE', [cutoff], 'activity_timeline')).toBe(
      activities.filter((r) => (r.LastModifiedDate as number) >= cutoff).length,
    );
  });

  it('orders by an ordered map of fields, nulls last ascending', async () => {
    const res = await query('company', {
      select: ['Industry', 'Arr'],
      orderBy: { Industry: 'asc', Arr: 'desc' },
      limit: 5000,
    });
    const rows = res.body.data.records as { Industry: string; Arr: number }[];
    const sorted = [...rows].sort((a, b) =>
      a.Industry < b.Industry ? -1 : a.Industry > b.Industry ? 1 : b.Arr - a.Arr,
    );
    expect(rows).toEqual(sorted);
    const parents = await query('company', {
      select: ['ParentCompany'],
      orderBy: { ParentCompany: 'asc' },
      limit: 5000,
    });
    const values = parents.body.data.records.map((r: { ParentCompany: string | null }) => r.ParentCompany);
    expect(values.indexOf(null)).toBe(values.filter((v: unknown) => v !== null).length);
  });

  it('traverses lookups with __gr. in select and where', async () => {
    const first = companies[0] as Record<string, unknown>;
    const csm = sim.state.rows('gsuser').find((u) => u.Gsid === first.Csm);
    const res = await query('company', {
      select: ['Name', 'Csm__gr.Email'],
      where: {
        conditions: [{ name: 'Csm__gr.Email', alias: 'A', value: [csm?.Email], operator: 'EQ' }],
        expression: 'A',
      },
      limit: 5000,
    });
    expect(res.body.data.records.length).toBe(companies.filter((c) => c.Csm === first.Csm).length);
    expect(res.body.data.records[0]['Csm__gr.Email']).toBe(csm?.Email);
    expect((await query('company', { select: ['Name__gr.Email'] })).body.errorCode).toBe('GSOBJ_VCRUDR1002');
  });

  it('rejects what Gainsight rejects', async () => {
    const cases: [unknown, string][] = [
      [
        { select: ['Name'], where: { conditions: [{ name: 'Nope', alias: 'A', value: ['x'], operator: 'EQ' }] } },
        'GSOBJ_VCRUDR1002',
      ],
      [
        { select: ['Name'], where: { conditions: [{ name: 'Name', alias: 'A', value: ['x'], operator: 'LIKE' }] } },
        'GSOBJ_VCRUDR1003',
      ],
      [
        {
          select: ['Name'],
          where: { conditions: [{ name: 'Name', alias: 'A', value: ['x'], operator: 'EQ' }], expression: 'A AND B' },
        },
        'GSOBJ_VCRUDR1004',
      ],
      [
        {
          select: ['Name'],
          where: { conditions: [{ name: 'Name', alias: 'A', value: ['x'], operator: 'EQ' }], expression: '(A' },
        },
        'GSOBJ_VCRUDR1004',
      ],
      [
        { select: ['Name'], where: { conditions: [{ name: 'Arr', alias: 'A', value: [1], operator: 'BTW' }] } },
        'GSOBJ_VCRUDR1001',
      ],
      [
        { select: ['Name'], where: { conditions: [{ name: 'Arr', alias: 'A', value: ['lots'], operator: 'GT' }] } },
        'GSOBJ_VDTNUM1001',
      ],
      [
        {
          select: ['Name'],
          where: { conditions: [{ name: 'RenewalDate', alias: 'A', value: ['soon'], operator: 'GT' }] },
        },
        'GSOBJ_VDTDATIME1001',
      ],
      [
        { select: ['Name'], where: { conditions: [{ name: 'Name', alias: 'A', value: 'x', operator: 'EQ' }] } },
        'GSOBJ_VCRUDR1001',
      ],
      [{ select: ['Name'], orderBy: { Nope: 'asc' } }, 'GSOBJ_VCRUDR1002'],
      [{ select: ['Name'], orderBy: { Name: 'up' } }, 'GSOBJ_VCRUDR1001'],
      [{ select: ['Name'], limit: 5001 }, 'GSOBJ_VCRUDR1001'],
      [{ select: [] }, 'GSOBJ_VCRUDR1001'],
      ['{not json', 'GSOBJ_VCRUDR1001'],
    ];
    for (const [body, code] of cases) {
      const res = await query('company', body);
      expect([res.status, res.body.errorCode], JSON.stringify(body)).toEqual([400, code]);
      expect(res.body.result).toBe(false);
    }
    expect((await query('company', { select: ['Name'], limit: 5000 })).status).toBe(200);
    const unknown = await query('not_an_object', { select: ['Name'] });
    expect([unknown.status, unknown.body.errorCode]).toEqual([400, 'OBJECT_NOT_FOUND']);
  });

  it('can answer the bare data array of the doc samples', async () => {
    const res = await caller(createGainsightSimulator({ companies: 3, queryDataShape: 'array' }))(
      'POST',
      '/v1/data/objects/query/company',
      { select: ['Name'] },
    );
    expect(Array.isArray(res.body.data)).toBe(true);
    expect(res.body.data).toHaveLength(3);
  });
});

describe('gainsight simulator: lookups and change tracking', () => {
  it('answers Name IN [5000 names] over 20,000 companies quickly', async () => {
    const sim = createGainsightSimulator({ companies: 20_000, people: 0, activities: 0 });
    const call = caller(sim);
    const rows = sim.state.rows('company');
    const names = rows.filter((_, i) => i % 4 === 0).map((r) => String(r.Name));
    const wanted = [...names.slice(0, 4_990), ...Array.from({ length: 10 }, (_, i) => `Nobody ${i}`)];
    const started = performance.now();
    const res = await call('POST', '/v1/data/objects/query/company', {
      select: ['Gsid', 'Name'],
      where: { conditions: [{ name: 'Name', alias: 'A', value: wanted, operator: 'IN' }], expression: 'A' },
      limit: 5000,
    });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    const expected = new Set(wanted.slice(0, 4_990));
    // Seeded names repeat after 120 companies, so every company bearing a wanted name matches.
    expect(res.body.data.records).toHaveLength(Math.min(5000, rows.filter((r) => expected.has(String(r.Name))).length));
    expect(res.body.data.records.every((r: { Name: string }) => expected.has(r.Name))).toBe(true);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('moves ModifiedDate on insert, update and person upsert so GTE pulls see the change', async () => {
    let t = Date.UTC(2025, 4, 1, 12);
    const sim = createGainsightSimulator({ companies: 5, people: 5, now: () => t });
    const call = caller(sim);
    const changedSince = async (object: string, since: number) => {
      const res = await call('POST', `/v1/data/objects/query/${object}`, {
        select: ['Gsid', 'ModifiedDate'],
        where: {
          conditions: [{ name: 'ModifiedDate', alias: 'A', value: [new Date(since).toISOString()], operator: 'GTE' }],
          expression: 'A',
        },
      });
      return res.body.data.records as { Gsid: string; ModifiedDate: string }[];
    };
    expect(await changedSince('company', t)).toEqual([]);
    t += 1_000;
    const target = sim.state.rows('company')[2] as Record<string, unknown>;
    await call('PUT', '/v1/data/objects/Company?keys=Name', { records: [{ Name: target.Name, Employees: 3 }] });
    expect(await changedSince('company', t)).toEqual([{ Gsid: target.Gsid, ModifiedDate: new Date(t).toISOString() }]);
    t += 1_000;
    const inserted = await call('POST', '/v1/data/objects/Company', { records: [{ Name: 'Fresh Co' }] });
    expect((await changedSince('company', t)).map((r) => r.Gsid)).toEqual([inserted.body.data.records[0].Gsid]);
    t += 1_000;
    const person = sim.state.rows('person')[1] as Record<string, unknown>;
    await call('PUT', '/v1.0/api/people', { Email: person.Email, Location: 'Berlin' });
    expect((await changedSince('person', t)).map((r) => r.Gsid)).toEqual([person.Gsid]);
  });
});
