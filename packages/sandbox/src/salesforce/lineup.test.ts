import { describe, expect, it } from 'vitest';
import { createSalesforceSimulator } from './index.js';

const accounts = (sim: ReturnType<typeof createSalesforceSimulator>) => [
  ...(sim.state.records.get('Account')?.values() ?? []),
];

describe('salesforce simulator: GSIDs that line up with a Gainsight simulator', () => {
  it('gives account i the i-th GSID (null or past the end: none) without shifting other data', () => {
    const gsids = ['1P02AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', null, '1P02CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC'];
    const plain = createSalesforceSimulator({ accounts: 5 });
    const lined = createSalesforceSimulator({ accounts: 5, gsids });
    expect(accounts(lined).map((a) => a.Gainsight_GSID__c)).toEqual([gsids[0], null, gsids[2], null, null]);
    const strip = (rows: Record<string, unknown>[]) => rows.map(({ Gainsight_GSID__c: _, ...rest }) => rest);
    expect(strip(accounts(lined))).toEqual(strip(accounts(plain)));
  });

  it('keeps the default: generated GSIDs, every fifth account without one', () => {
    const values = accounts(createSalesforceSimulator({ accounts: 10 })).map((a) => a.Gainsight_GSID__c);
    expect(values.filter((v) => v === null)).toHaveLength(2);
    expect(values[4]).toBeNull();
    expect(values[0]).toMatch(/^1P02[0-9A-Z]{32}$/);
  });
});
