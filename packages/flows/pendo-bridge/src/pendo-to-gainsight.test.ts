import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Bridge, createBridge, issuesOf, NOW, PENDO_ONLY, RUN_DATE } from './bridge-fixtures.js';

let b: Bridge;
beforeEach(async () => {
  b = await createBridge();
});
afterEach(() => b.close());

const DAY = 86_400_000;

const leg = (settings: Record<string, unknown>) =>
  b.create({
    kind: 'pendo.to_gainsight_usage',
    name: 'Pendo usage to Gainsight',
    connectionId: b.connections.pendo,
    settings: { targetConnectionId: b.connections.gainsight, ...settings },
  });

describe('pendo.to_gainsight_usage (direct, no Salesforce)', () => {
  it('loads Pendo measures as ACCOUNTLEVEL usage rows for the run date, with a System Asset Event', async () => {
    const { status, body } = await leg({
      days: 7,
      companyIdField: 'GsCompanyId',
      publishEvent: true,
      fieldMap: [
        { from: 'activeVisitors', to: 'PendoVisitors__gc' },
        { from: 'minutes', to: 'PendoMinutes__gc' },
        { from: 'lastVisit', to: 'PendoLastVisit__gc' },
      ],
    });
    expect(issuesOf(body)).toEqual([]);
    expect(status).toBe(201);
    const salesforceCalls = b.salesforce.control.requests.length;
    const run = await b.run(body.pipeline.id);
    expect(run.error).toBeNull();
    // The two Pendo-only accounts have no Gainsight company: skipped.
    expect(run.counts).toMatchObject({ read: 14, written: 12, skipped: 2, failed: 0 });
    expect(b.salesforce.control.requests.length).toBe(salesforceCalls);

    const first = Math.floor(NOW / DAY) * DAY;
    const rows = b.gainsight.state.rows('product_usage__gc');
    expect(rows).toHaveLength(12);
    for (const id of b.accountIds) {
      const visitors = new Set<string>();
      let minutes = 0;
      let last: number | null = null;
      for (let day = first - 7 * DAY; day < first; day += DAY) {
        for (const e of b.pendo.state.data.eventsOfDay('events', day)) {
          if (e.accountId !== id) continue;
          visitors.add(e.visitorId);
          minutes += e.numMinutes;
          last = Math.max(last ?? 0, e.day);
        }
      }
      expect(rows.find((r) => r.AccountId__gc === id)).toMatchObject({
        AggregationLevel__gc: 'ACCOUNTLEVEL',
        UsageDate__gc: Date.parse(`${RUN_DATE}T00:00:00Z`),
        GsCompanyId: b.gainsight.state.rows('company').find((c) => c.SfdcAccountId === id)?.Gsid,
        PendoVisitors__gc: visitors.size,
        PendoMinutes__gc: minutes,
        PendoLastVisit__gc: last,
      });
    }
    expect(rows.some((r) => PENDO_ONLY.includes(String(r.AccountId__gc)))).toBe(false);
    expect(b.gainsight.state.events.map((e) => e.body)).toEqual([
      expect.objectContaining({ status: 'SUCCESS', successCount: 12, failureCount: 0, totalCount: 12 }),
    ]);
  });

  it('refuses at save time: a datetime measure into a number field, an unknown usage field', async () => {
    const answer = await leg({
      fieldMap: [
        { from: 'lastVisit', to: 'PendoVisitors__gc' },
        { from: 'minutes', to: 'Nothing__gc' },
      ],
    });
    expect(answer.status).toBe(400);
    expect(issuesOf(answer.body)).toEqual([
      'settings.fieldMap.0.to: Pendo lastVisit (datetime) → Gainsight PendoVisitors__gc (NUMBER): a date value cannot go into a number field',
      'settings.fieldMap.1.to: product_usage__gc has no field Nothing__gc',
    ]);
  });
});
