import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Bridge, createBridge, issuesOf, NOW, PENDO_ONLY } from './bridge-fixtures.js';

let b: Bridge;
beforeEach(async () => {
  b = await createBridge();
});
afterEach(() => b.close());

const DAY = 86_400_000;

/** What Pendo itself says about an account over the last `days` whole days, straight from its events. */
async function pendoTruth(accountId: string, days: number) {
  const first = Math.floor(NOW / DAY) * DAY;
  const visitors = new Set<string>();
  let minutes = 0;
  let last: number | null = null;
  for (let day = first - days * DAY; day < first; day += DAY) {
    for (const row of b.pendo.state.data.eventsOfDay('events', day)) {
      if (row.accountId !== accountId) continue;
      visitors.add(row.visitorId);
      minutes += row.numMinutes;
      last = Math.max(last ?? 0, row.day);
    }
  }
  return { visitors: visitors.size, minutes, last };
}

const leg = (settings: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  b.create({
    kind: 'pendo.to_salesforce',
    name: 'Pendo usage to Salesforce',
    connectionId: b.connections.pendo,
    settings: { targetConnectionId: b.connections.salesforce, ...settings },
    ...extra,
  });

describe('pendo.to_salesforce', () => {
  it('writes the aggregation measures into Pendo_ Account fields through composite updates, daily by default', async () => {
    const { status, body } = await leg({
      days: 30,
      fieldMap: [
        { from: 'activeVisitors', to: 'Pendo_numberofvisitors_last30d__c' },
        { from: 'minutes', to: 'Pendo_timeonsite_last30d__c' },
        { from: 'lastVisit', to: 'Pendo_lastvisit_last30d__c' },
      ],
    });
    expect(status).toBe(201);
    expect(body.pipeline.schedule).toBe('0 3 * * *');
    const before = b.salesforce.control.requests.length;
    const run = await b.run(body.pipeline.id);
    expect(run.error).toBeNull();
    expect(run.status).toBe('completed');
    // 12 Salesforce accounts + 2 Pendo-only ones: one id is not a Salesforce id (skipped), one is not in the org.
    expect(run.counts).toMatchObject({ read: 14, written: 12, skipped: 1, failed: 1 });
    expect(run.counts.reasons).toEqual({
      'no Salesforce Account with Id = Pendo accountId': 1,
      'Salesforce refused the update: INVALID_CROSS_REFERENCE_KEY': 1,
    });
    expect(run.details?.failures).toEqual([expect.objectContaining({ accountId: PENDO_ONLY[1] })]);

    // What the Salesforce simulator holds now is what Pendo's events say, account by account.
    for (const id of b.accountIds) {
      const truth = await pendoTruth(id, 30);
      const record = b.salesforce.record('Account', id);
      expect(record?.Pendo_numberofvisitors_last30d__c).toBe(truth.visitors);
      expect(record?.Pendo_timeonsite_last30d__c).toBe(truth.minutes);
      expect(record?.Pendo_lastvisit_last30d__c).toBe(
        truth.last === null ? null : new Date(truth.last).toISOString().replace('Z', '+0000'),
      );
    }
    // All 13 records went in one composite call (≤ 200 per call).
    const writes = b.salesforce.control.requests.slice(before).filter((r) => r.method === 'PATCH');
    expect(writes.map((r) => r.path)).toEqual(['/services/data/v60.0/composite/sobjects']);
  });

  it('feature clicks and NPS over 7 days, matched on another Account field', async () => {
    // Pendo knows the accounts by domain here, not by Salesforce Id.
    await b.close();
    const domains = Array.from({ length: 12 }, (_, i) => `d${i}.example.com`);
    b = await createBridge({ pendo: { accountIds: domains } });
    for (const [i, id] of b.accountIds.entries()) {
      const record = b.salesforce.record('Account', id);
      if (record) record.Domain__c = domains[i] ?? null;
    }
    const feature = b.pendo.state.data.features[0]!.id;
    const poll = b.pendo.state.data.npsPoll.id;
    const { status, body } = await leg({
      days: 7,
      featureId: feature,
      pollId: poll,
      salesforceKey: 'Domain__c',
      fieldMap: [
        { from: 'featureClicks', to: 'Pendo_featureclicks_last30d__c' },
        { from: 'npsScore', to: 'Pendo_nps_score__c' },
        { from: 'activeVisitors', to: 'Pendo_numberofvisitors_last7d__c' },
      ],
    });
    expect(issuesOf(body)).toEqual([]);
    expect(status).toBe(201);
    const run = await b.run(body.pipeline.id);
    expect(run).toMatchObject({ status: 'completed', counts: { read: 12, written: 12, failed: 0 } });

    const first = Math.floor(NOW / DAY) * DAY;
    for (const [i, id] of b.accountIds.entries()) {
      let clicks = 0;
      const answers: number[] = [];
      for (let day = first - 7 * DAY; day < first; day += DAY) {
        for (const row of b.pendo.state.data.eventsOfDay('featureEvents', day)) {
          if (row.accountId === domains[i] && row.featureId === feature) clicks += row.numEvents;
        }
        for (const row of b.pendo.state.data.eventsOfDay('pollEvents', day)) {
          if (row.accountId === domains[i]) answers.push(row.pollResponse ?? 0);
        }
      }
      const nps =
        answers.length === 0
          ? null
          : Math.round(
              (1000 * (answers.filter((a) => a >= 9).length - answers.filter((a) => a <= 6).length)) / answers.length,
            ) / 10;
      const record = b.salesforce.record('Account', id);
      expect(record?.Pendo_featureclicks_last30d__c).toBe(clicks);
      expect(record?.Pendo_nps_score__c).toBe(nps);
      expect(record?.Pendo_numberofvisitors_last7d__c).toBe((await pendoTruth(domains[i]!, 7)).visitors);
    }
  });

  it('takes the measures from a Pendo account report', async () => {
    const report = b.pendo.state.reports.find((r) => r.days === 30)!;
    const { status, body } = await leg({
      source: 'report',
      reportId: report.id,
      fieldMap: [
        { from: 'visitors', to: 'Pendo_numberofvisitors_last30d__c' },
        { from: 'npsResponses', to: 'Pendo_featureclicks_last30d__c' },
        { from: 'lastVisit', to: 'Pendo_lastvisit_last30d__c' },
      ],
    });
    expect(issuesOf(body)).toEqual([]);
    expect(status).toBe(201);
    const run = await b.run(body.pipeline.id);
    expect(run.counts).toMatchObject({ read: 14, written: 12 });
    const res = await b.pendo.app.request(`/api/v1/report/${report.id}/results.json`, {
      headers: { 'x-pendo-integration-key': b.pendo.credentials.integrationKey },
    });
    const rows = (await res.json()) as Array<{ accountId: string; npsResponses: number; lastVisit: number | null }>;
    for (const id of b.accountIds) {
      const truth = await pendoTruth(id, 30);
      const record = b.salesforce.record('Account', id);
      expect(record?.Pendo_numberofvisitors_last30d__c).toBe(truth.visitors);
      const row = rows.find((r) => r.accountId === id);
      expect(record?.Pendo_featureclicks_last30d__c).toBe(row?.npsResponses);
      // Pendo's epoch ms, as a Salesforce datetime.
      expect(record?.Pendo_lastvisit_last30d__c).toBe(
        row?.lastVisit ? new Date(row.lastVisit).toISOString().replace('Z', '+0000') : null,
      );
    }
  });

  it('refuses at save time: a non-Pendo_ target (naming it), an unknown field or column, a type mismatch, a wrong target', async () => {
    const answer = await leg({
      source: 'report',
      reportId: b.pendo.state.reports[0]!.id,
      fieldMap: [
        { from: 'visitors', to: 'Health_Score__c' },
        { from: 'visitors', to: 'Pendo_nosuchfield__c' },
        { from: 'accountName', to: 'Pendo_timeonsite_last30d__c' },
        { from: 'nosuchcolumn', to: 'Pendo_nps_score__c' },
      ],
    });
    expect(answer.status).toBe(400);
    expect(issuesOf(answer.body)).toEqual([
      expect.stringMatching(
        /^settings\.fieldMap\.0\.to: Salesforce field "Health_Score__c" does not start with Pendo_/,
      ),
    ]);
    // Once the prefix rule holds, the Salesforce describe and the report are checked.
    const second = await leg({
      source: 'report',
      reportId: b.pendo.state.reports[0]!.id,
      fieldMap: [
        { from: 'visitors', to: 'Pendo_nosuchfield__c' },
        { from: 'accountName', to: 'Pendo_timeonsite_last30d__c' },
        { from: 'nosuchcolumn', to: 'Pendo_nps_score__c' },
      ],
    });
    expect(issuesOf(second.body)).toEqual([
      expect.stringMatching(/^settings\.fieldMap\.2\.from: Pendo report \S+ has no column "nosuchcolumn"/),
      'settings.fieldMap.0.to: Salesforce Account has no field Pendo_nosuchfield__c',
      expect.stringMatching(
        /^settings\.fieldMap\.1\.to: Pendo accountName \(string\) → Salesforce Pendo_timeonsite_last30d__c \(double\): a text value cannot go into a number field/,
      ),
    ]);
    const measures = await leg({
      fieldMap: [
        { from: 'logins', to: 'Pendo_nps_score__c' },
        { from: 'featureClicks', to: 'Pendo_x__c' },
      ],
    });
    expect(issuesOf(measures.body)).toEqual([
      expect.stringMatching(/^settings\.fieldMap\.0\.from: "logins" is not a Pendo measure/),
      'settings.featureId: featureClicks needs the feature id',
    ]);
    const wrongTarget = await leg({
      targetConnectionId: b.connections.gainsight,
      fieldMap: [{ from: 'minutes', to: 'Pendo_timeonsite_last30d__c' }],
    });
    expect(issuesOf(wrongTarget.body)).toEqual([
      'settings.targetConnectionId: needs a salesforce connection, not gainsight',
    ]);
    const lastVisitIntoNumber = await leg({ fieldMap: [{ from: 'lastVisit', to: 'Pendo_nps_score__c' }] });
    expect(issuesOf(lastVisitIntoNumber.body)).toEqual([
      expect.stringMatching(
        /lastVisit \(datetime\) → Salesforce Pendo_nps_score__c \(double\): a date value cannot go into a number field/,
      ),
    ]);
  });
});
