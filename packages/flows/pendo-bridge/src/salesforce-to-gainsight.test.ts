import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Bridge, createBridge, issuesOf, RUN_DATE } from './bridge-fixtures.js';

let b: Bridge;
afterEach(() => b.close());

const RUN_DAY_MS = Date.parse(`${RUN_DATE}T00:00:00Z`);
const FIELD_MAP = [
  { from: 'Pendo_numberofvisitors_last30d__c', to: 'PendoVisitors__gc' },
  { from: 'Pendo_timeonsite_last30d__c', to: 'PendoMinutes__gc' },
  { from: 'Pendo_lastvisit_last30d__c', to: 'PendoLastVisit__gc' },
];

const leg = (settings: Record<string, unknown>) =>
  b.create({
    kind: 'salesforce.to_gainsight_usage',
    name: 'Load to Usage',
    connectionId: b.connections.salesforce,
    settings: { targetConnectionId: b.connections.gainsight, ...settings },
  });

/** Accounts of the Salesforce simulator that carry Pendo data (the seed leaves about 40% without). */
const withUsage = () =>
  b.accountIds.filter((id) => b.salesforce.record('Account', id)?.Pendo_numberofvisitors_last30d__c != null);

describe('salesforce.to_gainsight_usage', () => {
  beforeEach(async () => {
    b = await createBridge({ accounts: 120 });
  });

  it('loads one ACCOUNTLEVEL row per account for the run date, ≤ 50 per insert, then a System Asset Event', async () => {
    const { status, body } = await leg({ fieldMap: FIELD_MAP, companyIdField: 'GsCompanyId', publishEvent: true });
    expect(issuesOf(body)).toEqual([]);
    expect(status).toBe(201);
    const before = b.gainsight.control.requests.length;
    const run = await b.run(body.pipeline.id);
    expect(run.error).toBeNull();
    const expected = withUsage();
    expect(expected.length).toBeGreaterThan(50);
    expect(run.counts).toMatchObject({ read: 120, written: expected.length, failed: 0 });
    expect(run.counts.reasons).toEqual({ 'no values in the mapped Account fields': 120 - expected.length });

    // The inserts: batches of at most 50, into the usage object.
    const inserts = b.gainsight.control.requests
      .slice(before)
      .filter((r) => r.method === 'POST' && r.path === '/v1/data/objects/product_usage__gc');
    expect(inserts.map((r) => (r.body as { records: unknown[] }).records.length)).toEqual([50, expected.length - 50]);

    // What the Gainsight simulator stores: the account id, ACCOUNTLEVEL, the run date, the company, the measures.
    const rows = b.gainsight.state.rows('product_usage__gc');
    const companies = b.gainsight.state.rows('company');
    expect(rows).toHaveLength(expected.length);
    for (const id of expected) {
      const account = b.salesforce.record('Account', id)!;
      const row = rows.find((r) => r.AccountId__gc === id);
      expect(row).toMatchObject({
        AggregationLevel__gc: 'ACCOUNTLEVEL',
        UsageDate__gc: RUN_DAY_MS,
        GsCompanyId: companies.find((c) => c.SfdcAccountId === id)?.Gsid,
        PendoVisitors__gc: account.Pendo_numberofvisitors_last30d__c,
        PendoMinutes__gc: account.Pendo_timeonsite_last30d__c,
        PendoLastVisit__gc: Date.parse(String(account.Pendo_lastvisit_last30d__c).replace('+0000', 'Z')),
      });
    }

    // The System Asset Event went to the Events Framework with the counts and the run as job.
    expect(b.gainsight.state.events).toHaveLength(1);
    expect(b.gainsight.state.events[0]).toMatchObject({
      eventName: 'System Asset Event',
      eventVersion: 'v01',
      tenantId: b.gainsight.state.tenantId,
      body: {
        tenantId: b.gainsight.state.tenantId,
        assetType: 'OBJECTS',
        assetId: 'product_usage__gc',
        operationType: 'DATA',
        operation: 'INSERT',
        objectName: 'product_usage__gc',
        status: 'SUCCESS',
        successCount: expected.length,
        failureCount: 0,
        totalCount: expected.length,
        consumerProperties: { jobName: 'Load to Usage', operation: 'INSERT' },
      },
    });
    const { runs } = (await (await b.t.request('GET', `/api/pipelines/${body.pipeline.id}/runs`)).json()) as {
      runs: Array<{ id: number }>;
    };
    expect(b.gainsight.state.events[0]?.body).toMatchObject({ jobId: String(runs[0]?.id) });
  });

  it('re-running on the same date loads only what is missing; a refused row is counted per record', async () => {
    const { body } = await leg({
      fieldMap: [FIELD_MAP[0]!, { from: 'Customer_Tier__c', to: 'Tier__gc' }],
      publishEvent: true,
    });
    // Every account has a tier, so every account gets a row; 30 already have today's (an interrupted run).
    const all = b.accountIds;
    const rows = b.gainsight.state.rows('product_usage__gc');
    for (const id of all.slice(0, 30)) {
      rows.push({ AccountId__gc: id, UsageDate__gc: RUN_DAY_MS, AggregationLevel__gc: 'ACCOUNTLEVEL', Gsid: `X${id}` });
    }
    // One account's tier is not an item of the Gainsight picklist: its row fails alone (labels are
    // translated to item GSIDs before sending, and an unknown one is never sent).
    const bad = b.salesforce.record('Account', all[31]!)!;
    const tier = bad.Customer_Tier__c;
    bad.Customer_Tier__c = 'Galactic';
    const run = await b.run(body.pipeline.id);
    expect(run.status).toBe('completed');
    expect(run.counts).toMatchObject({ read: 120, written: 89, failed: 1 });
    expect(run.counts.reasons).toMatchObject({
      [`already loaded for ${RUN_DATE}`]: 30,
      'Gainsight refused the row: invalid_request': 1,
    });
    expect(run.details?.failures).toContainEqual(
      expect.objectContaining({
        accountId: all[31],
        message: expect.stringMatching(
          /Picklist value not allowed for Tier__gc: "Galactic" is not one of its labels \(/,
        ),
      }),
    );
    expect(b.gainsight.state.events.at(-1)?.body).toMatchObject({
      status: 'PARTIAL_SUCCESS',
      successCount: 89,
      failureCount: 1,
      totalCount: 90,
    });
    // Fixed in Salesforce, run again: the missing row loads, none twice.
    bad.Customer_Tier__c = tier ?? 'SMB';
    const again = await b.run(body.pipeline.id);
    expect(again.counts).toMatchObject({ written: 1, failed: 0 });
    const today = rows.filter((r) => r.UsageDate__gc === RUN_DAY_MS);
    expect(today).toHaveLength(120);
    expect(new Set(today.map((r) => r.AccountId__gc)).size).toBe(120);
    const third = await b.run(body.pipeline.id);
    expect(third.counts).toMatchObject({ written: 0, failed: 0 });
    expect(third.counts.reasons[`already loaded for ${RUN_DATE}`]).toBe(120);
  });

  it('refuses at save time: unknown Account field, unknown usage field, text into a number field', async () => {
    const answer = await leg({
      fieldMap: [
        { from: 'Pendo_nosuch__c', to: 'PendoVisitors__gc' },
        { from: 'Pendo_timeonsite_last30d__c', to: 'NoSuch__gc' },
        { from: 'Name', to: 'PendoMinutes__gc' },
        { from: 'Pendo_numberofvisitors_last30d__c', to: 'AccountId__gc' },
      ],
    });
    expect(answer.status).toBe(400);
    expect(issuesOf(answer.body)).toEqual([
      'settings.fieldMap.0.from: Salesforce Account has no field Pendo_nosuch__c',
      'settings.fieldMap.1.to: product_usage__gc has no field NoSuch__gc',
      'settings.fieldMap.2.to: Salesforce Name (string) → Gainsight PendoMinutes__gc (NUMBER): a text value cannot go into a number field',
      'settings.fieldMap.3.to: AccountId__gc is filled by the leg itself; map measures to other fields',
    ]);
    const badObject = await leg({ usageObject: 'nothing__gc', fieldMap: FIELD_MAP });
    expect(issuesOf(badObject.body)).toEqual([
      expect.stringMatching(/^settings\.usageObject: Describing Gainsight nothing__gc: /),
    ]);
  });
});
