import { salesforceId } from '@synchub/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { type PullHub, pullHub } from './test-setup.js';

let h: PullHub;
afterEach(() => h.close());

const aggregated = {
  object: 'product_usage__gc',
  productName: 'Reports app',
  periodField: 'UsageDate__gc',
  aggregate: {
    enabled: true,
    aggregateKey: 'GsCompanyId',
    metricNameField: 'MetricName__gc',
    metricValueField: 'MetricValue__gc',
    dimensionKey: 'Module__gc',
    extraValueFields: ['ActiveUsers__gc'],
  },
  pageSize: 37,
};

type Row = Record<string, unknown>;
const day = (ms: unknown) => new Date(Number(ms)).toISOString().slice(0, 10);

/** What the pull should store, computed from the simulator's rows and company i ↔ account i+1. */
function expectedTotals(rows: Row[]) {
  const accountOf = new Map(
    h.gainsight.state
      .rows('company')
      .map((c, i): [unknown, string | undefined] => [
        c.Gsid,
        i < 8 && i % 4 !== 3 ? salesforceId('001', i + 1) : undefined,
      ]),
  );
  const totals = new Map<string, { value: number; rows: number; active: number }>();
  for (const r of rows) {
    const account = accountOf.get(r.GsCompanyId);
    if (!account) continue;
    const key = [account, r.MetricName__gc, r.Module__gc, day(r.UsageDate__gc)].join('|');
    const t = totals.get(key) ?? { value: 0, rows: 0, active: 0 };
    t.value += Number(r.MetricValue__gc);
    t.rows++;
    t.active += Number(r.ActiveUsers__gc);
    totals.set(key, t);
  }
  return totals;
}

async function storedTotals(pipelineId: string) {
  const rows = await h.hub.db.selectFrom('usage_metrics').selectAll().where('pipeline_id', '=', pipelineId).execute();
  return new Map(
    rows.map((r) => [
      [r.account_id, r.metric, r.dimension, r.period].join('|'),
      { value: r.value, rows: r.rows, active: JSON.parse(r.secondary_json ?? '{}').ActiveUsers__gc as number },
    ]),
  );
}

describe('gainsight.usage', { timeout: 30_000 }, () => {
  it('aggregates flat rows per account × metric × dimension × period, page by page', async () => {
    h = await pullHub();
    await h.syncAccounts();
    const id = await h.create('gainsight.usage', aggregated);
    const run = await h.run(id);
    const rows = h.gainsight.state.rows('product_usage__gc');
    expect(run).toMatchObject({ status: 'completed', counts: { read: rows.length } });
    expect(run.counts.skipped).toBe(rows.filter((r) => !expectedTotals([r]).size).length);
    // 200 rows in pages of 37: six pages, a cursor committed after each.
    const queries = h.gainsight.control.requests.filter((r) => r.path.endsWith('/product_usage__gc'));
    expect(queries.length).toBe(6);
    expect(await storedTotals(id)).toEqual(expectedTotals(rows));
    const metric = await h.hub.db
      .selectFrom('usage_metrics')
      .selectAll()
      .where('pipeline_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(metric.product).toBe('Reports app');

    // Nothing new: nothing changes. Read again from the beginning: rebuilt, not doubled.
    expect((await h.run(id)).counts.read).toBe(0);
    await h.json('PATCH', `/api/pipelines/${id}`, { resetCursor: true });
    expect((await h.run(id)).counts.read).toBe(rows.length);
    expect(await storedTotals(id)).toEqual(expectedTotals(rows));

    // New rows are added to their groups on the next run.
    const latest = Math.max(...rows.map((r) => Number(r.ModifiedDate)));
    const added = { ...(rows[0] as Row), Gsid: '1I0CZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ', ModifiedDate: latest + 1000 };
    rows.push(added);
    expect((await h.run(id)).counts.read).toBe(1);
    expect(await storedTotals(id)).toEqual(expectedTotals(rows));
  });

  it('groups by a Salesforce Account Id key too', async () => {
    h = await pullHub();
    await h.syncAccounts();
    const id = await h.create('gainsight.usage', {
      ...aggregated,
      aggregate: { ...aggregated.aggregate, aggregateKey: 'AccountId__gc', dimensionKey: undefined },
    });
    const run = await h.run(id);
    const company3 = h.gainsight.state.rows('company')[3]?.Gsid;
    const own = h.gainsight.state.rows('product_usage__gc').filter((r) => r.GsCompanyId === company3);
    expect(run.counts.written).toBe(own.length);
    const accounts = await h.hub.db
      .selectFrom('usage_metrics')
      .select('account_id')
      .distinct()
      .where('pipeline_id', '=', id)
      .execute();
    expect(accounts).toEqual([{ account_id: salesforceId('001', 4) }]);
  });

  it('without aggregation, each metric field of a row is a metric (the latest row wins)', async () => {
    h = await pullHub();
    await h.syncAccounts();
    const id = await h.create('gainsight.usage', {
      object: 'product_usage__gc',
      valueFields: ['ActiveUsers__gc'],
      periodField: 'UsageDate__gc',
    });
    await h.run(id);
    const expected = new Map<string, number>();
    const accountOf = (gsid: unknown) => {
      const i = h.gainsight.state.rows('company').findIndex((c) => c.Gsid === gsid);
      return i < 8 && i % 4 !== 3 ? salesforceId('001', i + 1) : undefined;
    };
    const ordered = [...h.gainsight.state.rows('product_usage__gc')].sort(
      (a, b) => Number(a.ModifiedDate) - Number(b.ModifiedDate) || String(a.Gsid).localeCompare(String(b.Gsid)),
    );
    for (const r of ordered) {
      const account = accountOf(r.GsCompanyId);
      if (account) expected.set(`${account}|${day(r.UsageDate__gc)}`, Number(r.ActiveUsers__gc));
    }
    const stored = await h.hub.db.selectFrom('usage_metrics').selectAll().where('pipeline_id', '=', id).execute();
    expect(
      stored.every((r) => r.metric === 'ActiveUsers__gc' && r.dimension === '' && r.product === 'product usage'),
    ).toBe(true);
    expect(new Map(stored.map((r) => [`${r.account_id}|${r.period}`, r.value]))).toEqual(expected);
  });

  it('streams lazily generated rows from the simulator', async () => {
    h = await pullHub({ gainsight: { usageRows: 20_000, lazyUsageRows: true } });
    await h.syncAccounts();
    const id = await h.create('gainsight.usage', { ...aggregated, pageSize: 5000 });
    const run = await h.run(id);
    expect(run).toMatchObject({ status: 'completed', counts: { read: 20_000 } });
    const table = h.gainsight.state.virtual?.('product_usage__gc');
    expect(table).toBeDefined();
    const rows = Array.from({ length: 20_000 }, (_, i) => table?.at(i) as Row);
    expect(await storedTotals(id)).toEqual(expectedTotals(rows));
  });

  it('rejects incomplete aggregation settings and unknown fields at save time', async () => {
    h = await pullHub();
    const issues = async (settings: Record<string, unknown>) =>
      (await h.pipeline('gainsight.usage', settings)).body.error?.issues;
    expect(await issues({ object: 'product_usage__gc' })).toEqual([
      { path: 'settings.valueFields', message: 'name at least one metric field, or turn on aggregation' },
    ]);
    expect(
      await issues({ object: 'product_usage__gc', aggregate: { enabled: true, aggregateKey: 'GsCompanyId' } }),
    ).toEqual([
      { path: 'settings.aggregate.metricNameField', message: 'required when aggregating' },
      { path: 'settings.aggregate.metricValueField', message: 'required when aggregating' },
    ]);
    expect(await issues({ ...aggregated, aggregate: { ...aggregated.aggregate, dimensionKey: 'Region__gc' } })).toEqual(
      [{ path: 'settings.aggregate.dimensionKey', message: 'no field Region__gc on product_usage__gc' }],
    );
    expect(await issues({ ...aggregated, object: 'usage_daily__gc' })).toEqual([
      { path: 'settings.object', message: 'unknown Gainsight object usage_daily__gc' },
    ]);
  });
});

describe('customer store API', { timeout: 30_000 }, () => {
  it('lists accounts with their Gainsight data and counts, and shows one account in full', async () => {
    h = await pullHub();
    await h.syncAccounts();
    for (const kind of ['gainsight.company', 'gainsight.activity', 'gainsight.surveys']) {
      expect((await h.run(await h.create(kind))).status).toBe('completed');
    }
    await h.run(await h.create('gainsight.usage', aggregated));
    const id = salesforceId('001', 1);
    const account = h.salesforce.record('Account', id) as Row;
    const list = await h.json('GET', `/api/accounts?q=${encodeURIComponent(String(account.Name))}`);
    expect(list.body.total).toBe(1);
    const [shown] = list.body.accounts;
    expect(shown).toMatchObject({
      id,
      name: account.Name,
      gsid: h.gainsight.state.rows('company')[0]?.Gsid,
      company: { matchedBy: 'gsid_field', fields: { Name: expect.any(String) } },
    });
    expect(shown.counts.usage).toBeGreaterThan(0);
    const detail = await h.json('GET', `/api/accounts/${id}`);
    expect(detail.body.account).toMatchObject({ id, raw: { Id: id } });
    expect(detail.body.companies).toHaveLength(1);
    expect(detail.body.activities).toHaveLength(shown.counts.activities);
    expect(detail.body.surveyResponses).toHaveLength(shown.counts.surveys);
    expect(detail.body.usage[0]).toMatchObject({
      product: 'Reports app',
      metric: expect.any(String),
      rows: expect.any(Number),
    });
    expect((await h.json('GET', '/api/accounts/001000000000000AAA')).status).toBe(404);
    expect((await h.json('GET', '/api/accounts?limit=2&offset=2')).body).toMatchObject({
      total: 8,
      accounts: [{}, {}],
    });
  });
});
