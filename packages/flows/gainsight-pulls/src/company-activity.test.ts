import { salesforceId } from '@synchub/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { type PullHub, pullHub } from './test-setup.js';

let h: PullHub;
afterEach(() => h.close());

const companyGsid = (i: number) => String(h.gainsight.state.rows('company')[i]?.Gsid);
const activitiesOf = (i: number) =>
  h.gainsight.state.rows('activity_timeline').filter((a) => a.GsCompanyId === companyGsid(i));

describe('gainsight.company', { timeout: 30_000 }, () => {
  it('enriches the accounts it can match and never creates one', async () => {
    h = await pullHub();
    await h.syncAccounts();
    const id = await h.create('gainsight.company', { fields: ['Name', 'Arr', 'Stage', 'HealthScore__gc'] });
    const run = await h.run(id);
    // Companies 0-6 but 3 through the GSID field, 3 through its SfdcAccountId; 7 (no GSID, no link), 8, 9 have no account.
    expect(run).toMatchObject({
      status: 'completed',
      counts: { read: 10, written: 7, skipped: 3, reasons: { 'no account for the company': 3 } },
      details: { matchedBy: { gsid_field: 6, sfdc_account_id: 1 } },
    });
    expect(((run.details?.unmatched ?? []) as Array<{ gsid: string }>).map((u) => u.gsid).sort()).toEqual(
      [7, 8, 9].map(companyGsid).sort(),
    );
    expect(await h.count('accounts')).toBe(8);
    const linked = await h.hub.db
      .selectFrom('cs_companies')
      .selectAll()
      .where('gsid', '=', companyGsid(3))
      .executeTakeFirstOrThrow();
    expect(linked).toMatchObject({ account_id: salesforceId('001', 4), matched_by: 'sfdc_account_id' });
    const source = h.gainsight.state.rows('company')[3] as Record<string, unknown>;
    expect(JSON.parse(linked.fields_json)).toEqual({
      Name: source.Name,
      Arr: source.Arr,
      Stage: source.Stage,
      HealthScore__gc: source.HealthScore__gc,
    });
    const list = await h.json('GET', '/api/accounts?limit=100');
    expect(list.body.total).toBe(8);
    const shown = (list.body.accounts as Array<{ id: string; company: { gsid: string } | null }>).find(
      (a) => a.id === salesforceId('001', 4),
    );
    expect(shown?.company?.gsid).toBe(companyGsid(3));
  });

  it('rejects unknown fields at save time', async () => {
    h = await pullHub();
    const res = await h.pipeline('gainsight.company', { fields: ['Name', 'Nope__gc'] });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([{ path: 'settings.fields.1', message: 'no field Nope__gc on company' }]);
  });
});

describe('gainsight.activity', { timeout: 30_000 }, () => {
  it('routes by category with the default map, keeps unmapped ones untyped and lists them', async () => {
    h = await pullHub();
    await h.syncAccounts();
    await h.run(await h.create('gainsight.company'));
    const id = await h.create('gainsight.activity', { pageSize: 25 });
    const run = await h.run(id);
    expect(run.status).toBe('completed');
    const rows = await h.hub.db.selectFrom('activities').selectAll().execute();
    const expected: Record<string, string | null> = {
      Email: 'EMAIL',
      Meeting: 'MEETING',
      Call: 'MEETING',
      Update: 'TYPE_MANUAL',
      Risk: 'TYPE_MANUAL',
      Onboarding: null,
    };
    for (const row of rows) expect(row.type).toBe(expected[String(row.category)]);
    const onboarding = rows.filter((r) => r.category === 'Onboarding').length;
    expect(onboarding).toBeGreaterThan(0);
    expect(run.details?.unmappedCategories).toEqual([{ category: 'Onboarding', count: onboarding }]);

    // One-click addition: the map gains a row; the next run types what was stored before.
    const pipeline = await h.json('GET', `/api/pipelines/${id}`);
    const categoryMap = { ...pipeline.body.pipeline.settings.categoryMap, Onboarding: 'TYPE_MANUAL' };
    const patch = await h.json('PATCH', `/api/pipelines/${id}`, {
      settings: { ...pipeline.body.pipeline.settings, categoryMap },
    });
    expect(patch.status).toBe(200);
    const again = await h.run(id);
    expect(again).toMatchObject({ counts: { read: 0 }, details: { unmappedCategories: [] } });
    const typed = await h.hub.db.selectFrom('activities').select('type').where('category', '=', 'Onboarding').execute();
    expect(typed.every((r) => r.type === 'TYPE_MANUAL')).toBe(true);
  });

  it('matches through the company link, falls back to the GSID field, and counts the rest unmatched', async () => {
    h = await pullHub();
    await h.syncAccounts();
    const id = await h.create('gainsight.activity');
    const before = await h.run(id);
    // Without the company pull, company 3 (no GSID on its account) is not matched yet.
    const unmatchedBefore = [3, 7, 8, 9].reduce((n, i) => n + activitiesOf(i).length, 0);
    expect(before.counts.skipped).toBe(unmatchedBefore);
    expect(before.counts.reasons).toEqual({ 'no account for the GsCompanyId': unmatchedBefore });
    expect(before.details?.unmatched).toContainEqual(
      expect.objectContaining({ companyGsid: companyGsid(3), reason: 'no account for the GsCompanyId' }),
    );

    await h.run(await h.create('gainsight.company'));
    await h.json('PATCH', `/api/pipelines/${id}`, { resetCursor: true });
    const after = await h.run(id);
    expect(after.counts.skipped).toBe([7, 8, 9].reduce((n, i) => n + activitiesOf(i).length, 0));
    const linked = await h.hub.db
      .selectFrom('activities')
      .select('account_id')
      .where('company_gsid', '=', companyGsid(3))
      .execute();
    expect(linked.length).toBe(activitiesOf(3).length);
    expect(linked.every((r) => r.account_id === salesforceId('001', 4))).toBe(true);
    // Read again from the beginning: upserts, no duplicates.
    const total = await h.count('activities');
    await h.json('PATCH', `/api/pipelines/${id}`, { resetCursor: true });
    expect((await h.run(id)).counts.written).toBe(total);
    expect(await h.count('activities')).toBe(total);
  });

  it('uses a per-pull GSID field override (the accounts sync reads that field too)', async () => {
    h = await pullHub();
    const accounts = await h.syncAccounts();
    // Account 8 (index 7) has no GSID; its CSM notes happen to hold company 7's GSID.
    (h.salesforce.record('Account', salesforceId('001', 8)) as Record<string, unknown>).CSM_Notes__c = companyGsid(7);
    const bad = await h.pipeline('gainsight.activity', { gsidField: 'Nope__c' });
    expect(bad.body.error.issues).toEqual([
      { path: 'settings.gsidField', message: 'no field Nope__c on the Salesforce Account of "Salesforce"' },
    ]);
    const id = await h.create('gainsight.activity', { gsidField: 'CSM_Notes__c' });
    const resync = await h.run(accounts);
    expect(resync).toMatchObject({ counts: { read: 8 }, details: { fullResync: expect.any(String) } });
    const run = await h.run(id);
    expect(run.status).toBe('completed');
    const matched = await h.hub.db
      .selectFrom('activities')
      .select('account_id')
      .where('company_gsid', '=', companyGsid(7))
      .execute();
    expect(matched.length).toBe(activitiesOf(7).length);
    expect(matched.every((r) => r.account_id === salesforceId('001', 8))).toBe(true);
  });

  it('discovers categories from a sample, stepping down 1000 → 800 → 500 when the answer is slow', {
    timeout: 20_000,
  }, async () => {
    h = await pullHub();
    const url = `/api/pulls/${h.gsConnectionId}/activity/discover-categories`;
    const quick = await h.json('POST', url, {});
    expect(quick.body).toMatchObject({ sampleSize: 1000, sampled: 120, nextSampleSize: 800 });
    expect(quick.body.categories).toContainEqual({
      category: 'Onboarding',
      count: expect.any(Number),
      mapped: false,
      activityType: null,
    });
    expect(quick.body.categories).toContainEqual(
      expect.objectContaining({ category: 'Call', mapped: true, activityType: 'MEETING' }),
    );
    const sampled = h.gainsight.control.requests
      .filter((r) => r.path.endsWith('/activity_timeline'))
      .map((r) => (r.body as { limit: number }).limit);
    expect(sampled).toEqual([1000]);

    // Every answer takes 1 s; the larger samples get a quarter of the 3.8 s budget each (950 ms: too little),
    // the last the rest (about 1.9 s: enough, with room for a loaded machine).
    h.gainsight.control.faults.set('/v1/data/objects/query/activity_timeline', { delayMs: 1000 });
    const slow = await h.json('POST', url, { budgetMs: 3800 });
    expect(slow.status).toBe(200);
    expect(slow.body).toMatchObject({ sampleSize: 500, nextSampleSize: null });
    expect(slow.body.attempts.map((a: { sampleSize: number; outcome: string }) => [a.sampleSize, a.outcome])).toEqual([
      [1000, 'slow'],
      [800, 'slow'],
      [500, 'ok'],
    ]);
    // Resample from a smaller size; and nothing in time at all is a vendor timeout.
    const none = await h.json('POST', url, { budgetMs: 300, sampleSize: 800 });
    expect(none.status).toBe(502);
    expect(none.body.error.message).toMatch(/did not answer a category sample .* \(tried 800, 500 rows\)/);
  });

  it('a vendor 4xx fails that pull with the body kept; the other pulls go on', async () => {
    h = await pullHub();
    await h.syncAccounts();
    const activity = await h.create('gainsight.activity');
    const company = await h.create('gainsight.company');
    // The tenant drops a field after the pull was saved: its query now answers 400.
    const def = h.gainsight.state.objects.find((o) => o.objectName === 'activity_timeline');
    if (def) def.fields = def.fields.filter((f) => f.fieldName !== 'Subject');
    const res = await h.json('POST', '/api/pipelines/run-all', { connectionId: h.gsConnectionId });
    expect(res.status).toBe(202);
    await h.settle([activity, company]);
    const last = async (id: string) => (await h.json('GET', `/api/pipelines/${id}`)).body.pipeline.lastRun;
    expect(await last(company)).toMatchObject({ status: 'completed' });
    const failed = await last(activity);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'invalid_request', status: 400 } });
    expect(failed.error.body).toMatchObject({ result: false, errorCode: expect.any(String) });
    expect(failed.error.message).toMatch(/Subject/);
  });
});
