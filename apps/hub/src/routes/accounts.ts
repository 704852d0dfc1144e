/**
 * The Accounts page: a read-only view of the customer store (accounts of the primary CRM and what
 * customer-success flows added to them). Mounted at /api/accounts.
 *
 * GET  /api/accounts?q=&connectionId=&limit=(1..200, default 50)&offset=(default 0)
 *   200 { accounts: [Account & { company: Company | null, counts: { activities, surveys, usage } }], total }
 * GET  /api/accounts/:id?connectionId=
 *   200 { account: Account & { raw: object }, companies: Company[], activities: Activity[],
 *         surveyResponses: SurveyResponse[], usage: UsageMetric[] }            404 unknown id
 *   Account  { id, connectionId, name, domain, parentId, arr, renewalDate, ownerId,
 *              gsid (the account's link key: its CS company id), systemModstamp, syncedAt }
 *   Company  { connectionId, gsid (the CS platform's company id), name, matchedBy, fields: {…}, syncedAt }
 *   Activity { gsid, connectionId, type: string | null (null: unmapped category), category, subject, notes,
 *              activityDate, authorId, companyGsid, modifiedAt }                         newest 100
 *   SurveyResponse { responseId, connectionId, object, surveyType, surveyId, score, npsGroup, text, email,
 *                    respondedAt, fields: {…} | null (registered custom fields) }         newest 100
 *   UsageMetric { pipelineId, product, metric, dimension: string | null, period: string | null (YYYY-MM-DD),
 *                 value, secondary: { field: number } | null, rows }
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../db/index.js';
import type { AccountsTable, CsCompaniesTable } from '../db/schema.js';
import { HubError } from '../errors.js';
import { documenter } from '../openapi/describe.js';
import { query } from '../validate.js';

const listQuery = z.strictObject({
  q: z.string().trim().optional(),
  connectionId: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const detailQuery = z.strictObject({ connectionId: z.string().min(1).optional() });

export function accountRoutes(deps: { db: Db }) {
  const app = new Hono();
  const doc = documenter(app, 'Accounts');
  doc.get('/', {
    summary: 'Accounts of the customer store with their CS company and counts',
    query: listQuery,
    answer: 'AccountList',
  });
  app.get('/', query(listQuery), async (c) => c.json(await listAccounts(deps.db, c.req.valid('query'))));
  doc.get('/:id', {
    summary: 'One account with its companies, newest activities, survey responses and usage',
    query: detailQuery,
    answer: 'AccountDetail',
  });
  app.get('/:id', query(detailQuery), async (c) =>
    c.json(await accountDetail(deps.db, c.req.param('id'), c.req.valid('query').connectionId)),
  );
  return app;
}

const parse = (json: string | null) => (json ? (JSON.parse(json) as Record<string, unknown>) : null);

const accountView = (a: AccountsTable) => ({
  id: a.id,
  connectionId: a.connection_id,
  name: a.name,
  domain: a.domain,
  parentId: a.parent_id,
  arr: a.arr,
  renewalDate: a.renewal_date,
  ownerId: a.owner_id,
  gsid: a.gsid,
  systemModstamp: a.system_modstamp,
  syncedAt: a.synced_at,
});

async function companiesOf(db: Db, accountIds: string[]) {
  if (accountIds.length === 0) return [];
  return db
    .selectFrom('cs_companies')
    .selectAll()
    .where('account_id', 'in', accountIds)
    .orderBy('synced_at', 'desc')
    .execute();
}

const companyView = (g: CsCompaniesTable) => ({
  connectionId: g.connection_id,
  gsid: g.gsid,
  name: g.name,
  matchedBy: g.matched_by,
  fields: parse(g.fields_json) ?? {},
  syncedAt: g.synced_at,
});

export async function listAccounts(db: Db, filter: z.output<typeof listQuery>) {
  let q = db.selectFrom('accounts');
  if (filter.connectionId) q = q.where('connection_id', '=', filter.connectionId);
  if (filter.q) {
    // A % or _ in the search acts as a wildcard: harmless for a search box.
    const like = `%${filter.q}%`;
    q = q.where((eb) =>
      eb.or(
        (['name', 'domain', 'id', 'gsid'] as const).map((column) =>
          eb(column, 'like', eb.val(like)).$castTo<boolean>(),
        ),
      ),
    );
  }
  const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const rows = await q
    .selectAll()
    .select((eb) => [
      eb
        .selectFrom('activities')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('activities.account_id', '=', 'accounts.id')
        .as('activity_count'),
      eb
        .selectFrom('survey_responses')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('survey_responses.account_id', '=', 'accounts.id')
        .as('survey_count'),
      eb
        .selectFrom('usage_metrics')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('usage_metrics.account_id', '=', 'accounts.id')
        .where('usage_metrics.pipeline_id', 'in', eb.selectFrom('pipelines').select('pipelines.id'))
        .as('usage_count'),
    ])
    .orderBy('name')
    .orderBy('id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  const companies = await companiesOf(
    db,
    rows.map((r) => r.id),
  );
  return {
    accounts: rows.map((r) => {
      const company = companies.find((g) => g.account_id === r.id);
      return {
        ...accountView(r),
        company: company ? companyView(company) : null,
        counts: {
          activities: Number(r.activity_count ?? 0),
          surveys: Number(r.survey_count ?? 0),
          usage: Number(r.usage_count ?? 0),
        },
      };
    }),
    total: Number(total?.n ?? 0),
  };
}

export async function accountDetail(db: Db, id: string, connectionId?: string, limit = 100) {
  let q = db.selectFrom('accounts').selectAll().where('id', '=', id);
  if (connectionId) q = q.where('connection_id', '=', connectionId);
  const account = await q.orderBy('synced_at', 'desc').executeTakeFirst();
  if (!account) throw new HubError('not_found', `No account with id ${id}`);
  const [companies, activities, surveys, usage] = await Promise.all([
    companiesOf(db, [id]),
    db
      .selectFrom('activities')
      .selectAll()
      .where('account_id', '=', id)
      .orderBy('activity_date', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('survey_responses')
      .selectAll()
      .where('account_id', '=', id)
      .orderBy('responded_at', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('usage_metrics')
      .selectAll()
      .where('account_id', '=', id)
      // Metrics of a deleted usage pipeline are no longer shown.
      .where('pipeline_id', 'in', db.selectFrom('pipelines').select('id'))
      .orderBy('product')
      .orderBy('metric')
      .orderBy('period', 'desc')
      .orderBy('dimension')
      .limit(limit * 10)
      .execute(),
  ]);
  return {
    account: { ...accountView(account), raw: parse(account.raw_json) },
    companies: companies.map(companyView),
    activities: activities.map((a) => ({
      gsid: a.gsid,
      connectionId: a.connection_id,
      type: a.type,
      category: a.category,
      subject: a.subject,
      notes: a.notes,
      activityDate: a.activity_date,
      authorId: a.author_id,
      companyGsid: a.company_gsid,
      modifiedAt: a.modified_at,
    })),
    surveyResponses: surveys.map((s) => ({
      responseId: s.response_id,
      connectionId: s.connection_id,
      object: s.object,
      surveyType: s.survey_type,
      surveyId: s.survey_id,
      score: s.score,
      npsGroup: s.nps_group,
      text: s.text,
      email: s.email,
      respondedAt: s.responded_at,
      fields: parse(s.fields_json),
    })),
    usage: usage.map((u) => ({
      pipelineId: u.pipeline_id,
      product: u.product,
      metric: u.metric,
      dimension: u.dimension || null,
      period: u.period || null,
      value: u.value,
      secondary: parse(u.secondary_json),
      rows: u.rows,
    })),
  };
}
