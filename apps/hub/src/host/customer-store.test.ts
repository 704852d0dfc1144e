import type { AccountRow, CustomerStore, UsageRow } from '@synchub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../testing.js';
import { createCustomerStore } from './customer-store.js';

let t: TestHub;
let store: CustomerStore;
beforeEach(async () => {
  t = await createTestHub();
  store = createCustomerStore(t.hub.db);
  await t.hub.db
    .insertInto('pipelines')
    .values({
      id: 'p1',
      kind: 'test.pull',
      name: 'pull',
      connection_id: 'cs',
      settings_json: '{}',
      enabled: 1,
      schedule: '0 * * * *',
      cursor: null,
      next_run_at: null,
      created_at: '2026-01-01',
      updated_at: '2026-01-01',
    })
    .execute();
});
afterEach(() => t.close());

const account = (id: string, key: string | null, raw: Record<string, unknown> = {}): AccountRow => ({
  connectionId: 'crm',
  id,
  name: `Account ${id}`,
  domain: null,
  parentId: null,
  arr: null,
  renewalDate: null,
  ownerId: null,
  key,
  modifiedStamp: null,
  raw: { Id: id, ...raw },
  syncedAt: 1,
});
const usage = (value: number, secondary: Record<string, number> | null = null): UsageRow => ({
  pipelineId: 'p1',
  connectionId: 'cs',
  accountId: 'A1',
  product: 'app',
  metric: 'logins',
  dimension: '',
  period: '2026-01-05',
  value,
  secondary,
  rows: 1,
  syncedAt: 1,
});
const cursorOf = async () =>
  (await t.hub.db.selectFrom('pipelines').select('cursor').where('id', '=', 'p1').executeTakeFirstOrThrow()).cursor;

describe('the customer store (FlowHost.customers)', () => {
  it('stores a page and the cursor together, or neither', async () => {
    await store.page('p1', 'c1', [{ type: 'accounts', rows: [account('A1', 'K1'), account('A2', null)] }]);
    expect(await cursorOf()).toBe('c1');
    // Upserts on the natural key: the same page again changes nothing.
    await store.page('p1', 'c1', [{ type: 'accounts', rows: [account('A1', 'K1')] }]);
    expect(await t.hub.db.selectFrom('accounts').select('id').execute()).toHaveLength(2);
    // A write that fails takes the rows before it and the cursor with it.
    const bad = { ...account('A3', 'K3'), name: 'x', raw: undefined as unknown as Record<string, unknown> };
    await expect(store.page('p1', 'c2', [{ type: 'accounts', rows: [account('A9', null), bad] }])).rejects.toThrow();
    expect(await cursorOf()).toBe('c1');
    expect(await store.findAccounts({ connectionId: 'crm', by: 'id', values: ['A9'] })).toEqual(new Map());
  });

  it('finds accounts by id, by key and by a raw field; companies by their link', async () => {
    await store.write([
      { type: 'accounts', rows: [account('A1', 'K1', { Other: 'O1' }), account('A2', 'K2')] },
      {
        type: 'companies',
        rows: [
          { connectionId: 'cs', id: 'C1', accountId: 'A2', name: 'C', matchedBy: 'x', fields: {}, syncedAt: 1 },
          { connectionId: 'cs', id: 'C2', accountId: 'gone', name: 'C', matchedBy: 'x', fields: {}, syncedAt: 1 },
        ],
      },
    ]);
    const find = (by: 'id' | 'key' | { field: string }, values: string[]) =>
      store.findAccounts({ connectionId: 'crm', by, values });
    expect(await find('id', ['A1', 'A3'])).toEqual(new Map([['A1', 'A1']]));
    expect(await find('key', ['K2', 'K1', 'K1'])).toEqual(
      new Map([
        ['K2', 'A2'],
        ['K1', 'A1'],
      ]),
    );
    expect(await find({ field: 'Other' }, ['O1', 'K1'])).toEqual(new Map([['O1', 'A1']]));
    expect(await store.findAccounts({ connectionId: 'other', by: 'id', values: ['A1'] })).toEqual(new Map());
    const linked = await store.linkedAccounts({
      connectionId: 'cs',
      accountConnectionId: 'crm',
      companyIds: ['C1', 'C2'],
    });
    // C2's account is not stored (any more): no link.
    expect(linked).toEqual(new Map([['C1', 'A2']]));
  });

  it('usage: set replaces, add sums value, rows and the named secondary fields; clear forgets', async () => {
    await store.write([{ type: 'usage', mode: 'set', rows: [usage(5)] }]);
    await store.write([{ type: 'usage', mode: 'set', rows: [usage(7)] }]);
    const stored = () => t.hub.db.selectFrom('usage_metrics').selectAll().executeTakeFirstOrThrow();
    expect(await stored()).toMatchObject({ value: 7, rows: 1, secondary_json: null });
    const add = (value: number, secondary: Record<string, number>) =>
      store.write([{ type: 'usage', mode: 'add', secondaryFields: ['users', 'a.b'], rows: [usage(value, secondary)] }]);
    await add(3, { users: 2 });
    await add(4, { users: 5, 'a.b': 1 });
    expect(await stored()).toMatchObject({ value: 14, rows: 3 });
    expect(JSON.parse((await stored()).secondary_json ?? '{}')).toEqual({ users: 7, 'a.b': 1 });
    expect(await store.usageTotals('p1')).toEqual({ metrics: 1, accounts: 1 });
    await store.write([{ type: 'usage_clear', pipelineId: 'p1' }]);
    expect(await store.usageTotals('p1')).toEqual({ metrics: 0, accounts: 0 });
  });

  it('re-maps activity categories case-insensitively and keeps custom fields', async () => {
    const activity = (id: string, category: string) => ({
      connectionId: 'cs',
      id,
      accountId: 'A1',
      companyId: null,
      type: null,
      category,
      subject: null,
      notes: null,
      activityDate: null,
      authorId: null,
      modifiedAt: null,
      syncedAt: 1,
    });
    await store.write([{ type: 'activities', rows: [activity('X1', 'Onboarding'), activity('X2', 'Call')] }]);
    await store.write([{ type: 'activity_category', connectionId: 'cs', category: ' ONBOARDING ', activityType: 'T' }]);
    const types = await t.hub.db.selectFrom('activities').select(['gsid', 'type']).orderBy('gsid').execute();
    expect(types).toEqual([
      { gsid: 'X1', type: 'T' },
      { gsid: 'X2', type: null },
    ]);
    const field = {
      connectionId: 'cs',
      object: 'survey',
      field: 'Q1',
      label: 'Question',
      type: 'string',
      registeredAt: 1,
    };
    await store.write([{ type: 'custom_fields', rows: [field, { ...field, field: 'A0' }] }]);
    await store.write([{ type: 'custom_fields', rows: [{ ...field, label: 'Question 1', registeredAt: 2 }] }]);
    expect(await store.customFields('cs')).toEqual([
      { ...field, field: 'A0' },
      { ...field, label: 'Question 1' },
    ]);
  });
});
