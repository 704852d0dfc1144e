import type { CustomerStore } from '@synchub/core';
import { describe, expect, it } from 'vitest';
import { createMatcher, REASONS, salesforceId18 } from './match.js';

const SF = 'sf-conn';
const GS = 'gs-conn';
const ACCOUNT = (n: number) => salesforceId18(`001000000000${String(n).padStart(3, '0')}`) ?? '';

/** A customer store with accounts 1-3 (keys K1-K3, a raw field Other__c on 2) and company C9 linked to 3. */
function fakeStore() {
  const calls: string[] = [];
  const accounts = [1, 2, 3].map((n) => ({
    id: ACCOUNT(n),
    key: `K${n}`,
    raw: n === 2 ? { Other__c: 'O2' } : ({} as Record<string, unknown>),
  }));
  const links = new Map([['C9', ACCOUNT(3)]]);
  const store: CustomerStore = {
    page: async () => {},
    write: async () => {},
    async findAccounts({ connectionId, by, values }) {
      calls.push(`find:${typeof by === 'string' ? by : by.field}:${values.length}`);
      const found = new Map<string, string>();
      if (connectionId !== SF) return found;
      for (const v of values) {
        const a = accounts.find((x) => (by === 'id' ? x.id === v : by === 'key' ? x.key === v : x.raw[by.field] === v));
        if (a) found.set(v, a.id);
      }
      return found;
    },
    async linkedAccounts({ connectionId, accountConnectionId, companyIds }) {
      calls.push(`linked:${companyIds.length}`);
      const found = new Map<string, string>();
      if (connectionId !== GS || accountConnectionId !== SF) return found;
      for (const id of companyIds) {
        const a = links.get(id);
        if (a) found.set(id, a);
      }
      return found;
    },
    usageTotals: async () => ({ metrics: 0, accounts: 0 }),
    customFields: async () => [],
  };
  return { store, calls };
}

const setup = (gsidField = 'Gsid__c', accountsGsidField: string | undefined = 'Gsid__c') => ({
  gainsightConnectionId: GS,
  primaryConnectionId: SF,
  gsidField,
  accountsGsidField,
});

describe('createMatcher', () => {
  it('matches company GSIDs by link, then by the key field, with one store call per lookup and page', async () => {
    const { store, calls } = fakeStore();
    const m = createMatcher(store, setup());
    await m.prepare({ companies: ['C9', 'K1', 'K1', 'nope', '', null, 42] });
    expect(calls).toEqual(['linked:3', 'find:key:2']);
    expect(m.company('C9')).toEqual({ accountId: ACCOUNT(3), by: 'link' });
    expect(m.company('K1')).toEqual({ accountId: ACCOUNT(1), by: 'gsid_field' });
    expect(m.company('nope')).toEqual({ reason: REASONS.noAccount });
    expect(m.company('')).toEqual({ reason: REASONS.noCompany });
    expect(m.company(undefined)).toEqual({ reason: REASONS.noCompany });
    // Known values are not asked again.
    await m.prepare({ companies: ['C9', 'K1', 'K2'] });
    expect(calls.slice(2)).toEqual(['linked:1', 'find:key:1']);
    expect(() => m.company('K3')).toThrow(/not prepared/);
  });

  it('reads another field from the raw account when the GSID field is not the accounts sync key', async () => {
    const { store, calls } = fakeStore();
    const m = createMatcher(store, setup('Other__c'));
    await m.prepare({ companies: ['O2', 'K1'] });
    expect(calls).toEqual(['linked:2', 'find:Other__c:2']);
    expect(m.company('O2')).toEqual({ accountId: ACCOUNT(2), by: 'gsid_field' });
    expect(m.company('K1')).toEqual({ reason: REASONS.noAccount });
  });

  it('company records: the SfdcAccountId (15 or 18 characters) first, then the key field', async () => {
    const { store } = fakeStore();
    const m = createMatcher(store, setup());
    const id15 = ACCOUNT(2).slice(0, 15);
    await m.prepare({
      companyRecords: [
        ['G1', id15],
        ['K1', 'not an id'],
        ['G3', '001000000000999'],
      ],
    });
    expect(m.companyRecord('G1', id15)).toEqual({ accountId: ACCOUNT(2), by: 'sfdc_account_id' });
    expect(m.companyRecord('K1', 'not an id')).toEqual({ accountId: ACCOUNT(1), by: 'gsid_field' });
    expect(m.companyRecord('G3', '001000000000999')).toEqual({ reason: REASONS.noCompanyAccount });
  });

  it('aggregate keys: an account id, else a company GSID', async () => {
    const { store } = fakeStore();
    const m = createMatcher(store, setup());
    await m.prepare({ keys: [ACCOUNT(1), 'C9', 'K2', '001000000000999AAA'] });
    expect(m.key(ACCOUNT(1))).toEqual({ accountId: ACCOUNT(1), by: 'sfdc_account_id' });
    expect(m.key('C9')).toEqual({ accountId: ACCOUNT(3), by: 'link' });
    expect(m.key('K2')).toEqual({ accountId: ACCOUNT(2), by: 'gsid_field' });
    expect(m.key('001000000000999AAA')).toEqual({ reason: REASONS.noAccount });
    expect(m.key(null)).toEqual({ reason: REASONS.noCompany });
  });
});

describe('salesforceId18', () => {
  it('adds the case checksum to 15-character ids and keeps 18-character ones', () => {
    expect(salesforceId18('001000000000001')).toBe('001000000000001AAA');
    expect(salesforceId18('001A00000000001')).toBe('001A00000000001IAA');
    expect(salesforceId18('001000000000001AAA')).toBe('001000000000001AAA');
    expect(salesforceId18('short')).toBeUndefined();
  });
});
