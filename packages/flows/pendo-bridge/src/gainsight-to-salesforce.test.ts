import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Bridge, createBridge, issuesOf, NOW } from './bridge-fixtures.js';

let b: Bridge;
beforeEach(async () => {
  b = await createBridge();
});
afterEach(() => b.close());

const leg = (settings: Record<string, unknown>) =>
  b.create({
    kind: 'gainsight.to_salesforce',
    name: 'Load to SFDC',
    connectionId: b.connections.gainsight,
    settings: { targetConnectionId: b.connections.salesforce, ...settings },
  });

const MAP = [
  { from: 'HealthScore__gc', to: 'Health_Score__c' },
  { from: 'Stage', to: 'Gainsight_Stage__c' },
  { from: 'Gsid', to: 'Gainsight_GSID__c' },
  { from: 'RenewalDate', to: 'Renewal_Date__c' },
];

describe('gainsight.to_salesforce', () => {
  it('updates the Accounts named by each company’s SfdcAccountId, then only what changed', async () => {
    const { status, body } = await leg({ fieldMap: MAP });
    expect(issuesOf(body)).toEqual([]);
    expect(status).toBe(201);
    const companies = b.gainsight.state.rows('company');
    // One company is not linked to Salesforce, one points at an Account that does not exist.
    companies[10]!.SfdcAccountId = null;
    companies[11]!.SfdcAccountId = '001000000000ZZZAAA';
    const run = await b.run(body.pipeline.id);
    expect(run.status).toBe('completed');
    expect(run.counts).toMatchObject({ read: 12, written: 10, skipped: 1, failed: 1 });
    // The unmatched company is noted by its GSID and name, for the run log's table.
    expect(run.details?.unmatched).toEqual([{ Gsid: companies[10]!.Gsid, Name: companies[10]!.Name }]);
    expect(Object.keys(run.counts.reasons)).toEqual([
      'company has no SfdcAccountId',
      expect.stringMatching(/^Salesforce refused the update: /),
    ]);

    // What the Salesforce simulator holds: each linked company's values on its Account.
    for (const company of companies.slice(0, 10)) {
      const account = b.salesforce.record('Account', String(company.SfdcAccountId));
      expect(account).toMatchObject({
        Health_Score__c: company.HealthScore__gc,
        Gainsight_Stage__c: company.Stage,
        Gainsight_GSID__c: company.Gsid,
        Renewal_Date__c: new Date(company.RenewalDate as number).toISOString().slice(0, 10),
      });
    }

    // Incremental: a second run reads only the company changed since.
    companies[3]!.HealthScore__gc = 11;
    companies[3]!.ModifiedDate = NOW + 60_000;
    const second = await b.run(body.pipeline.id);
    expect(second.counts).toMatchObject({ read: 1, written: 1 });
    expect(b.salesforce.record('Account', String(companies[3]!.SfdcAccountId))?.Health_Score__c).toBe(11);

    // A changed field map starts over, so every Account gets the new field.
    const patched = await b.t.request('PATCH', `/api/pipelines/${body.pipeline.id}`, {
      settings: {
        targetConnectionId: b.connections.salesforce,
        fieldMap: [...MAP, { from: 'Name', to: 'CSM_Notes__c' }],
      },
    });
    expect(patched.status).toBe(200);
    const third = await b.run(body.pipeline.id);
    expect(third.counts).toMatchObject({ read: 12, written: 10 });
    expect(b.salesforce.record('Account', String(companies[0]!.SfdcAccountId))?.CSM_Notes__c).toBe(companies[0]!.Name);
  });

  it('refuses at save time: text into a number field (naming both), unknown fields, the Id as a target', async () => {
    const answer = await leg({
      fieldMap: [
        { from: 'Name', to: 'Health_Score__c' },
        { from: 'NoSuch__gc', to: 'Gainsight_Stage__c' },
        { from: 'Arr', to: 'NoSuch__c' },
        { from: 'RenewalDate', to: 'AnnualRevenue' },
      ],
    });
    expect(answer.status).toBe(400);
    expect(issuesOf(answer.body)).toEqual([
      'settings.fieldMap.0.to: Gainsight Name (STRING) → Salesforce Health_Score__c (double): a text value cannot go into a number field',
      'settings.fieldMap.1.from: Gainsight company has no field NoSuch__gc',
      'settings.fieldMap.2.to: Salesforce Account has no field NoSuch__c',
      'settings.fieldMap.3.to: Gainsight RenewalDate (DATE) → Salesforce AnnualRevenue (currency): a date value cannot go into a number field',
    ]);
    const id = await leg({ fieldMap: [{ from: 'SfdcAccountId', to: 'Id' }] });
    expect(issuesOf(id.body)).toEqual(['settings.fieldMap.0.to: Id identifies the Account; it is not written']);
    const key = await leg({ identifierField: 'SfdcId', fieldMap: MAP });
    expect(issuesOf(key.body)).toEqual(['settings.identifierField: Gainsight company has no field SfdcId']);
  });
});
