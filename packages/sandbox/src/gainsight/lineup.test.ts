import { describe, expect, it } from 'vitest';
import { createGainsightSimulator } from './index.js';
import { caller } from './test-helpers.js';

describe('gainsight simulator: options that line it up with other simulators', () => {
  it('gives the seeded companies the Salesforce Account ids it is given, in order, without shifting other data', async () => {
    const ids = ['001000000000001AAA', '001000000000002AAA', '001000000000003AAA'];
    const plain = createGainsightSimulator({ companies: 5 });
    const lined = createGainsightSimulator({ companies: 5, sfdcAccountIds: ids });
    const companies = lined.state.rows('company');
    expect(companies.map((c) => c.SfdcAccountId).slice(0, 3)).toEqual(ids);
    // Companies past the list keep generated ids; every other column is what the plain seed gives.
    expect(companies[3]?.SfdcAccountId).toBe(plain.state.rows('company')[3]?.SfdcAccountId);
    const strip = (rows: Record<string, unknown>[]) => rows.map(({ SfdcAccountId: _, ...rest }) => rest);
    expect(strip(companies)).toEqual(strip(plain.state.rows('company')));
    // And a query reads them back.
    const res = await caller(lined)('POST', '/v1/data/objects/query/company', {
      select: ['SfdcAccountId'],
      where: { conditions: [{ name: 'SfdcAccountId', alias: 'A', value: [ids[1]], operator: 'EQ' }] },
    });
    expect(res.body.data.records).toEqual([{ SfdcAccountId: ids[1] }]);
  });

  it('adds extra fields to catalog objects: described, writable, typed', async () => {
    const sim = createGainsightSimulator({
      companies: 2,
      extraFields: { product_usage__gc: [{ fieldName: 'TimeOnSite__gc', dataType: 'NUMBER', label: 'Time on site' }] },
    });
    const call = caller(sim);
    const described = await call('GET', '/v1/meta/services/objects/product_usage__gc/describe?idd=true');
    expect(described.body.data[0].fields).toContainEqual(
      expect.objectContaining({ fieldName: 'TimeOnSite__gc', dataType: 'NUMBER', label: 'Time on site' }),
    );
    const ok = await call('POST', '/v1/data/objects/product_usage__gc', { records: [{ TimeOnSite__gc: 12.5 }] });
    expect(ok.status).toBe(200);
    const bad = await call('POST', '/v1/data/objects/product_usage__gc', { records: [{ TimeOnSite__gc: 'long' }] });
    expect(bad.body.errorCode).toBe('GSOBJ_1006');
    expect(() => createGainsightSimulator({ extraFields: { nope__gc: [] } })).toThrow(/no object nope__gc/);
  });
});
