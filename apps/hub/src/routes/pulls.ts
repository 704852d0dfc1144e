/**
 * Gainsight pulls (secondary CRM) and the customer store they fill. Mounted at /api (paths below).
 * The pulls themselves are pipelines (kinds salesforce.accounts, gainsight.company, gainsight.activity,
 * gainsight.surveys, gainsight.usage): create, edit, run and list runs through /api/pipelines.
 *
 * GET  /api/pulls/:connectionId/common                     (a Gainsight connection)
 *   200 { common: { primaryConnectionId: string | null, gsidField: string },
 *         primary: { connectionId: string, name: string, resolvedBy: 'setting' | 'only_salesforce' } | null,
 *         gate: { ok: boolean, reason: string | null } }       reason: why Gainsight pulls refuse to run now
 * PUT  /api/pulls/:connectionId/common   body { primaryConnectionId?: string | null, gsidField?: string }
 *   200 same shape as GET. 400 issues at primaryConnectionId (not a Salesforce connection) or gsidField
 *   (not a field of the primary's Account).
 * POST /api/pulls/:connectionId/activity/discover-categories
 *   body { sampleSize?: 1000 | 800 | 500 (default 1000), budgetMs?: number (default 25000),
 *          pipelineId?: string, object?: string, categoryField?: string }
 *     object/categoryField/categoryMap come from pipelineId (else the connection's activity pipeline,
 *     else the defaults activity_timeline / ReportingCategory / the default map).
 *   200 { categories: [{ category: string, count: number, mapped: boolean, activityType: string | null }],
 *         sampleSize: number, sampled: number,
 *         attempts: [{ sampleSize: number, ms: number, outcome: 'ok' | 'slow' | 'failed', error?: string }],
 *         nextSampleSize: number | null }                      what "Resample" should ask for next
 *   502 vendor_transient when no sample size answered within the budget.
 * POST /api/pulls/:connectionId/surveys/detect-fields   body { object: string }
 *   200 { object: string, fieldMappings: { score?, npsGroup?, text?, respondedAt?, company?, surveyType?,
 *         surveyId?, email? } (Gainsight field names), missing: string[] (keys not detected),
 *         fields: [{ name: string, label?: string, type: string }] }
 *   400 issue at object when Gainsight has no such object.
 * GET  /api/pulls/:connectionId/custom-fields
 *   200 { fields: [{ object: string, field: string, label: string | null, type: string | null, registeredAt: number }] }
 *
 * GET  /api/accounts?q=&connectionId=&limit=(1..200, default 50)&offset=(default 0)
 *   200 { accounts: [Account & { gainsight: Company | null, counts: { activities, surveys, usage } }], total }
 * GET  /api/accounts/:id?connectionId=
 *   200 { account: Account & { raw: object }, gainsight: Company[], activities: Activity[],
 *         surveyResponses: SurveyResponse[], usage: UsageMetric[] }            404 unknown id
 *   Account  { id, connectionId, name, domain, parentId, arr, renewalDate, ownerId, gsid, systemModstamp, syncedAt }
 *   Company  { connectionId, gsid, name, matchedBy: 'sfdc_account_id' | 'gsid_field', fields: {…}, syncedAt }
 *   Activity { gsid, connectionId, type: 'EMAIL' | 'MEETING' | 'TYPE_MANUAL' | null (unmapped category),
 *              category, subject, notes, activityDate, authorId, companyGsid, modifiedAt }   newest 100
 *   SurveyResponse { responseId, connectionId, object, surveyType, surveyId, score, npsGroup, text, email,
 *                    respondedAt, fields: {…} | null (registered custom fields) }         newest 100
 *   UsageMetric { pipelineId, product, metric, dimension: string | null, period: string | null (YYYY-MM-DD),
 *                 value, secondary: { field: number } | null, rows }
 */
import { type ConnectorContext, type ConnectorDefinition, ConnectorError } from '@synchub/core';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Audit } from '../audit.js';
import type { ConnectionStore } from '../connections.js';
import type { Db } from '../db/index.js';
import { HubError, invalidInput } from '../errors.js';
import type { ResolvedConnection } from '../pipelines/kind.js';
import { accountDetail, listAccounts } from '../pulls/accounts-view.js';
import { gateReason, readCommon, resolvePrimary, writeCommon } from '../pulls/common.js';
import { discoverCategories, detectSurveyFields } from '../pulls/discovery.js';
import { type ActivitySettings, DEFAULT_GSID_FIELD } from '../pulls/settings.js';
import { crmFieldProblem, describeObjects } from '../pulls/vendor.js';
import { json, query } from '../validate.js';

const sfField = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/, 'a Salesforce field API name');
const commonBody = z.strictObject({
  primaryConnectionId: z.string().min(1).nullable().optional(),
  gsidField: sfField.optional(),
});
const discoverBody = z
  .strictObject({
    sampleSize: z.union([z.literal(1000), z.literal(800), z.literal(500)]).optional(),
    budgetMs: z.number().int().min(100).max(60_000).optional(),
    pipelineId: z.string().min(1).optional(),
    object: z.string().trim().min(1).optional(),
    categoryField: z.string().trim().min(1).optional(),
  })
  .default({});
const detectBody = z.strictObject({ object: z.string().trim().min(1, 'required') });
const listQuery = z.strictObject({
  q: z.string().trim().optional(),
  connectionId: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const detailQuery = z.strictObject({ connectionId: z.string().min(1).optional() });

export interface PullRoutesDeps {
  db: Db;
  connections: ConnectionStore;
  audit: Audit;
  contextFor(connectionId: string, connector: ConnectorDefinition, settings: unknown): ConnectorContext;
  now: () => number;
}

export function pullRoutes(deps: PullRoutesDeps) {
  const { db, connections, audit } = deps;
  const app = new Hono();

  const connectionOf = async (id: string): Promise<ResolvedConnection> => {
    const { connector, connection, settings, secrets } = await connections.resolve(id);
    return { id, name: connection.name, connector, settings, secrets, ctx: deps.contextFor(id, connector, settings) };
  };
  const gainsight = async (id: string) => {
    const connection = await connections.get(id);
    if (connection.connectorId !== 'gainsight') {
      throw new HubError('invalid_input', `Connection ${connection.name} is not a Gainsight connection`, {
        issues: [{ path: 'connectionId', message: 'not a Gainsight connection' }],
      });
    }
    return connection;
  };
  const commonView = async (id: string) => {
    const resolved = await resolvePrimary(db, id);
    const reason = await gateReason(db, id);
    return {
      common: await readCommon(db, id),
      primary: resolved.primary ?? null,
      gate: { ok: reason === undefined, reason: reason ?? null },
    };
  };

  app.get('/pulls/:connectionId/common', async (c) => {
    await gainsight(c.req.param('connectionId'));
    return c.json(await commonView(c.req.param('connectionId')));
  });

  app.put('/pulls/:connectionId/common', json(commonBody), async (c) => {
    const id = c.req.param('connectionId');
    await gainsight(id);
    const body = c.req.valid('json');
    const current = await readCommon(db, id);
    const next = {
      primaryConnectionId:
        body.primaryConnectionId === undefined ? current.primaryConnectionId : body.primaryConnectionId,
      gsidField: body.gsidField || current.gsidField || DEFAULT_GSID_FIELD,
    };
    if (next.primaryConnectionId) {
      const crm = await db
        .selectFrom('connections')
        .select('connector_id')
        .where('id', '=', next.primaryConnectionId)
        .executeTakeFirst();
      if (crm?.connector_id !== 'salesforce') {
        throw invalidInput([{ path: 'primaryConnectionId', message: 'not a Salesforce connection' }]);
      }
    }
    // The field must exist on the primary's Account (checked against the live schema when one is known).
    const primaryId = next.primaryConnectionId ?? (await resolvePrimary(db, id)).primary?.connectionId;
    if (primaryId && body.gsidField) {
      const [account] = (await describeObjects(await connectionOf(primaryId), ['Account'])).values();
      const problem = account ? crmFieldProblem(account, next.gsidField) : undefined;
      if (problem) throw invalidInput([{ path: 'gsidField', message: problem }]);
    }
    await writeCommon(db, id, next, deps.now());
    await audit.record('pulls.common', id, next as unknown as Record<string, unknown>);
    return c.json(await commonView(id));
  });

  app.post('/pulls/:connectionId/activity/discover-categories', json(discoverBody), async (c) => {
    const id = c.req.param('connectionId');
    await gainsight(id);
    const body = c.req.valid('json');
    let q = db.selectFrom('pipelines').select(['id', 'settings_json']).where('kind', '=', 'gainsight.activity');
    q = body.pipelineId ? q.where('id', '=', body.pipelineId) : q.where('connection_id', '=', id);
    const pipeline = await q.orderBy('created_at').executeTakeFirst();
    if (body.pipelineId && !pipeline)
      throw new HubError('not_found', `No activity pipeline with id ${body.pipelineId}`);
    const settings = pipeline ? (JSON.parse(pipeline.settings_json) as Partial<ActivitySettings>) : {};
    const result = await discoverCategories(await connectionOf(id), {
      object: body.object ?? settings.object ?? 'activity_timeline',
      categoryField: body.categoryField ?? settings.categoryField ?? 'ReportingCategory',
      categoryMap: settings.categoryMap,
      sampleSize: body.sampleSize,
      budgetMs: body.budgetMs,
    }).catch((error: unknown) => {
      if (error instanceof Error && 'attempts' in error) throw new ConnectorError('transient', error.message);
      throw error;
    });
    return c.json(result);
  });

  app.post('/pulls/:connectionId/surveys/detect-fields', json(detectBody), async (c) => {
    const id = c.req.param('connectionId');
    await gainsight(id);
    const { object } = c.req.valid('json');
    const described = (await describeObjects(await connectionOf(id), [object])).get(object);
    if (!described) throw invalidInput([{ path: 'object', message: `unknown Gainsight object ${object}` }]);
    return c.json(detectSurveyFields(described));
  });

  app.get('/pulls/:connectionId/custom-fields', async (c) => {
    const id = c.req.param('connectionId');
    await gainsight(id);
    const rows = await db
      .selectFrom('custom_fields')
      .selectAll()
      .where('connection_id', '=', id)
      .orderBy('object')
      .orderBy('field')
      .execute();
    return c.json({
      fields: rows.map((r) => ({
        object: r.object,
        field: r.field,
        label: r.label,
        type: r.type,
        registeredAt: r.registered_at,
      })),
    });
  });

  app.get('/accounts', query(listQuery), async (c) => c.json(await listAccounts(db, c.req.valid('query'))));

  app.get('/accounts/:id', query(detailQuery), async (c) =>
    c.json(await accountDetail(db, c.req.param('id'), c.req.valid('query').connectionId)),
  );

  return app;
}
