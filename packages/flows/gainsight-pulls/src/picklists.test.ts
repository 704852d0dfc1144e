import { picklistGsid, salesforceId } from '@synchub/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { type PullHub, pullHub } from './test-setup.js';

let h: PullHub;
afterEach(() => h.close());

const GSID = /^[0-9A-Z]{36}$/;

/** What the Gainsight simulator answers over HTTP for a query (as a vendor client sees it). */
async function vendorQuery(object: string, body: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${h.gsServer.url}/v1/data/objects/query/${object}`, {
    method: 'POST',
    headers: { accesskey: h.gainsight.credentials.accessKey as string, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return ((await res.json()) as { data: { records: Record<string, unknown>[] } }).data.records;
}

const item = (object: string, field: string, label: string) =>
  picklistGsid(h.gainsight.state.objects, object, field, label);

describe('Gainsight pulls store and show picklist labels while Gainsight answers item GSIDs', {
  timeout: 30_000,
}, () => {
  it('gainsight.company stores the labels of Stage, Status, Industry and Tags', async () => {
    h = await pullHub();
    await h.syncAccounts();
    const source = h.gainsight.state.rows('company')[0] as Record<string, unknown>;
    const [answered] = await vendorQuery('company', {
      select: ['Stage', 'Status', 'Industry', 'Tags'],
      where: { conditions: [{ name: 'Gsid', alias: 'A', value: [source.Gsid], operator: 'EQ' }] },
    });
    expect(answered?.Stage).toBe(item('company', 'Stage', source.Stage as string));
    expect(answered?.Industry).toMatch(GSID);

    const id = await h.create('gainsight.company', { fields: ['Name', 'Stage', 'Status', 'Industry', 'Tags'] });
    expect((await h.run(id)).status).toBe('completed');
    const stored = await h.hub.db
      .selectFrom('cs_companies')
      .selectAll()
      .where('gsid', '=', String(source.Gsid))
      .executeTakeFirstOrThrow();
    expect(JSON.parse(stored.fields_json)).toEqual({
      Name: source.Name,
      Stage: source.Stage,
      Status: source.Status,
      Industry: source.Industry,
      Tags: source.Tags,
    });
    const shown = await h.json('GET', `/api/accounts/${salesforceId('001', 1)}`);
    expect(shown.body.companies[0].fields).toMatchObject({ Stage: source.Stage, Industry: source.Industry });
  });

  it('gainsight.activity routes by ReportingCategory labels and lists unmapped categories by label', async () => {
    h = await pullHub();
    await h.syncAccounts();
    const first = h.gainsight.state.rows('activity_timeline')[0] as Record<string, unknown>;
    const [answered] = await vendorQuery('activity_timeline', {
      select: ['ReportingCategory'],
      where: { conditions: [{ name: 'Gsid', alias: 'A', value: [first.Gsid], operator: 'EQ' }] },
    });
    expect(answered?.ReportingCategory).toBe(
      item('activity_timeline', 'ReportingCategory', first.ReportingCategory as string),
    );

    await h.run(await h.create('gainsight.company'));
    const run = await h.run(await h.create('gainsight.activity'));
    expect(run.status).toBe('completed');
    const rows = await h.hub.db.selectFrom('activities').select(['gsid', 'category', 'type']).execute();
    expect(rows.length).toBeGreaterThan(0);
    const types: Record<string, string | null> = {
      Email: 'EMAIL',
      Meeting: 'MEETING',
      Call: 'MEETING',
      Update: 'TYPE_MANUAL',
      Risk: 'TYPE_MANUAL',
      Onboarding: null,
    };
    for (const row of rows) {
      const source = h.gainsight.state.rows('activity_timeline').find((a) => a.Gsid === row.gsid);
      expect(row.category).toBe(source?.ReportingCategory);
      expect(row.type).toBe(types[String(row.category)]);
    }
    expect(run.details?.unmappedCategories).toEqual([
      { category: 'Onboarding', count: rows.filter((r) => r.category === 'Onboarding').length },
    ]);
    expect(Object.keys(run.details?.categories as object).sort()).toEqual(Object.keys(types).sort());
  });

  it('category discovery offers labels, never item GSIDs', async () => {
    h = await pullHub();
    const sample = await vendorQuery('activity_timeline', { select: ['ReportingCategory'], limit: 50 });
    expect(sample.every((r) => GSID.test(String(r.ReportingCategory)))).toBe(true);
    const found = await h.json('POST', `/api/pulls/${h.gsConnectionId}/activity/discover-categories`, {});
    expect(found.status).toBe(200);
    const categories = found.body.categories as Array<{ category: string; mapped: boolean }>;
    expect(categories.map((c) => c.category).sort()).toEqual([
      'Call',
      'Email',
      'Meeting',
      'Onboarding',
      'Risk',
      'Update',
    ]);
    expect(categories.find((c) => c.category === 'Onboarding')?.mapped).toBe(false);
    expect(categories.some((c) => GSID.test(c.category))).toBe(false);
  });

  it('surveys filter by a label and store labels; usage groups by a picklist dimension’s label', async () => {
    h = await pullHub();
    await h.syncAccounts();
    await h.run(await h.create('gainsight.company'));
    const surveys = await h.create('gainsight.surveys', {
      where: '{"conditions":[{"name":"SurveyType","alias":"A","operator":"EQ","value":["NPS"]}]}',
      responseLimit: 500,
    });
    expect((await h.run(surveys)).status).toBe('completed');
    const filter = h.gainsight.control.requests.find((r) => r.path.endsWith('/query/survey_response'))?.body as {
      where: { conditions: Array<{ name: string; value: unknown[] }> };
    };
    expect(filter.where.conditions.find((c) => c.name === 'SurveyType')?.value).toEqual([
      item('survey_response', 'SurveyType', 'NPS'),
    ]);
    const responses = await h.hub.db.selectFrom('survey_responses').select(['survey_type', 'nps_group']).execute();
    expect(responses.length).toBeGreaterThan(0);
    expect(new Set(responses.map((r) => r.survey_type))).toEqual(new Set(['NPS']));
    expect(responses.every((r) => ['Promoter', 'Passive', 'Detractor'].includes(String(r.nps_group)))).toBe(true);

    const usage = await h.create('gainsight.usage', {
      object: 'product_usage__gc',
      periodField: 'UsageDate__gc',
      aggregate: {
        enabled: true,
        aggregateKey: 'GsCompanyId',
        metricNameField: 'MetricName__gc',
        metricValueField: 'MetricValue__gc',
        dimensionKey: 'AggregationLevel__gc',
      },
    });
    expect((await h.run(usage)).status).toBe('completed');
    const dimensions = await h.hub.db.selectFrom('usage_metrics').select('dimension').distinct().execute();
    expect(dimensions.map((d) => d.dimension)).toEqual(['ACCOUNTLEVEL']);
  });
});
