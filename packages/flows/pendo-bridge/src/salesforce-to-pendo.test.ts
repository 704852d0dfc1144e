import { salesforceId } from '@synchub/sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Bridge, createBridge, issuesOf, NOW } from './bridge-fixtures.js';

let b: Bridge;
beforeEach(async () => {
  // Pendo knows only the first 9 of the 12 Salesforce Accounts.
  const ids = Array.from({ length: 9 }, (_, i) => salesforceId('001', i + 1));
  b = await createBridge({ pendo: { accountIds: ids } });
});
afterEach(() => b.close());

const leg = (settings: Record<string, unknown>) =>
  b.create({
    kind: 'salesforce.to_pendo',
    name: 'Salesforce to Pendo',
    connectionId: b.connections.salesforce,
    settings: { targetConnectionId: b.connections.pendo, ...settings },
  });

const MAP = [
  { from: 'Customer_Tier__c', to: 'tier' },
  { from: 'Health_Score__c', to: 'metadata.custom.arr' },
  { from: 'Renewal_Date__c', to: 'renewaldate' },
];

describe('salesforce.to_pendo', () => {
  it('sets Pendo custom metadata from Account fields, reporting updated / failed / missing', async () => {
    const { status, body } = await leg({ fieldMap: MAP });
    expect(issuesOf(body)).toEqual([]);
    expect(status).toBe(201);
    const run = await b.run(body.pipeline.id);
    expect(run.status).toBe('completed');
    expect(run.counts).toMatchObject({ read: 12, written: 9, failed: 3, reasons: { 'missing in Pendo': 3 } });
    expect(run.details?.pendo).toEqual({ updated: 9, failed: 0, missing: 3 });
    expect(run.details?.missing).toEqual(b.accountIds.slice(9));

    // What the Pendo simulator stores: the values, coerced to its field types.
    for (const id of b.accountIds.slice(0, 9)) {
      const account = b.salesforce.record('Account', id)!;
      expect(b.pendo.state.written.get(id)).toEqual({
        tier: account.Customer_Tier__c,
        arr: account.Health_Score__c,
        renewaldate: Date.parse(`${account.Renewal_Date__c}T00:00:00Z`),
      });
    }

    // Incremental: only the Account changed since is sent again.
    const changed = b.salesforce.record('Account', b.accountIds[2]!)!;
    changed.Customer_Tier__c = 'SMB';
    changed.SystemModstamp = new Date(NOW + 60_000).toISOString().replace('Z', '+0000');
    const before = b.pendo.state.writes.length;
    const second = await b.run(body.pipeline.id);
    expect(second.counts).toMatchObject({ read: 1, written: 1, failed: 0 });
    expect(b.pendo.state.writes.slice(before).map((w) => w.accountId)).toEqual([b.accountIds[2]]);
    expect(b.pendo.state.written.get(b.accountIds[2]!)?.tier).toBe('SMB');
  });

  it('retries a write Pendo answered 429, and the run completes', async () => {
    const { body } = await leg({ fieldMap: MAP });
    b.pendo.control.faults.set('/api/v1/metadata/account/custom/value', { rateLimitBurst: 1 });
    const run = await b.run(body.pipeline.id);
    expect(run).toMatchObject({ status: 'completed', counts: { written: 9 } });
    const writes = b.pendo.control.requests.filter((r) => r.path === '/api/v1/metadata/account/custom/value');
    expect(writes).toHaveLength(2);
    expect(b.t.lines.some((l) => l.includes('retrying'))).toBe(true);
  });

  it('a value Pendo cannot store fails that account only', async () => {
    const { body } = await leg({ fieldMap: [{ from: 'Health_Score__c', to: 'healthscore' }] });
    // healthscore is an integer field in Pendo: 73.45 is refused rather than rounded.
    const run = await b.run(body.pipeline.id);
    const fractional = b.accountIds.filter(
      (id) => !Number.isInteger(b.salesforce.record('Account', id)?.Health_Score__c),
    );
    expect(fractional.length).toBeGreaterThan(0);
    expect(run.counts.reasons['value does not fit its Pendo field']).toBe(fractional.length);
    expect(run.counts.written + run.counts.failed).toBe(12);
  });

  it('refuses at save time: unknown Pendo field, read-only Pendo field, text into a number field', async () => {
    const answer = await leg({
      fieldMap: [
        { from: 'Customer_Tier__c', to: 'nosuchfield' },
        { from: 'Name', to: 'healthscore' },
        { from: 'Industry', to: 'planlevel' },
        { from: 'NoSuch__c', to: 'csm' },
      ],
    });
    expect(answer.status).toBe(400);
    expect(issuesOf(answer.body)).toEqual([
      'settings.fieldMap.0.to: Pendo has no custom account field nosuchfield; create it in Pendo (Data Mappings) first',
      'settings.fieldMap.1.to: Salesforce Name (string) → Pendo metadata.custom.healthscore (integer): a text value cannot go into a number field',
      'settings.fieldMap.2.to: planlevel is a read-only Pendo field (metadata.agent.planlevel); only custom fields can be written',
      'settings.fieldMap.3.from: Salesforce Account has no field NoSuch__c',
    ]);
  });
});
