/**
 * The Gainsight wizard's routes (the plugin's service, mounted by the hub at /api/pulls). The pulls
 * themselves are pipelines (kinds salesforce.accounts, gainsight.company, gainsight.activity,
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
 */
import { ConnectorError, type FlowService, type ServiceHost, serviceOpenApiPaths } from '@synchub/core';
import { Hono } from 'hono';
import { z } from 'zod';
import { CategoriesAnswer, CommonAnswer, CustomFieldsAnswer, SurveyFieldsAnswer } from './answers.js';
import { commonsNaming, gateReason, readCommon, resolvePrimary, writeCommon } from './common.js';
import { detectSurveyFields, discoverCategories } from './discovery.js';
import { errorResponse, invalidInput, PullsError } from './errors.js';
import { type ActivitySettings, DEFAULT_GSID_FIELD } from './settings.js';
import { json } from './validate.js';
import { crmFieldProblem, describeObjects } from './vendor.js';

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

export function createPullsService(host: ServiceHost): FlowService {
  const app = new Hono().basePath('/api/pulls');
  app.onError((error, c) => errorResponse(error, c, host.log));
  app.notFound((c) =>
    c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }, 404),
  );

  const gainsight = async (id: string) => {
    const connection = (await host.connections.list()).find((c) => c.id === id);
    if (!connection) throw new PullsError('not_found', `No connection with id ${id}`);
    if (connection.connectorId !== 'gainsight') {
      throw new PullsError('invalid_input', `Connection ${connection.name} is not a Gainsight connection`, {
        issues: [{ path: 'connectionId', message: 'not a Gainsight connection' }],
      });
    }
    return connection;
  };
  const commonView = async (id: string) => {
    const resolved = await resolvePrimary(host, id);
    const reason = await gateReason(host, id);
    return {
      common: await readCommon(host, id),
      primary: resolved.primary ?? null,
      gate: { ok: reason === undefined, reason: reason ?? null },
    };
  };

  app.get('/:connectionId/common', async (c) => {
    await gainsight(c.req.param('connectionId'));
    return c.json(await commonView(c.req.param('connectionId')));
  });

  app.put('/:connectionId/common', json(commonBody), async (c) => {
    const id = c.req.param('connectionId');
    await gainsight(id);
    const body = c.req.valid('json');
    const current = await readCommon(host, id);
    const next = {
      primaryConnectionId:
        body.primaryConnectionId === undefined ? current.primaryConnectionId : body.primaryConnectionId,
      gsidField: body.gsidField || current.gsidField || DEFAULT_GSID_FIELD,
    };
    if (next.primaryConnectionId) {
      const crm = (await host.connections.list()).find((x) => x.id === next.primaryConnectionId);
      if (crm?.connectorId !== 'salesforce') {
        throw invalidInput([{ path: 'primaryConnectionId', message: 'not a Salesforce connection' }]);
      }
    }
    // The field must exist on the primary's Account (checked against the live schema when one is known).
    const primaryId = next.primaryConnectionId ?? (await resolvePrimary(host, id)).primary?.connectionId;
    if (primaryId && body.gsidField) {
      const [account] = (await describeObjects(await host.connections.get(primaryId), ['Account'])).values();
      const problem = account ? crmFieldProblem(account, next.gsidField) : undefined;
      if (problem) throw invalidInput([{ path: 'gsidField', message: problem }]);
    }
    await writeCommon(host, id, next, host.now());
    host.log('info', 'Gainsight pulls: Common settings saved', { connectionId: id, ...next });
    return c.json(await commonView(id));
  });

  app.post('/:connectionId/activity/discover-categories', json(discoverBody), async (c) => {
    const id = c.req.param('connectionId');
    await gainsight(id);
    const body = c.req.valid('json');
    const activity = await host.pipelines.list({
      kinds: ['gainsight.activity'],
      ...(body.pipelineId ? {} : { connectionId: id }),
    });
    const pipeline = body.pipelineId ? activity.find((p) => p.id === body.pipelineId) : activity[0];
    if (body.pipelineId && !pipeline) {
      throw new PullsError('not_found', `No activity pipeline with id ${body.pipelineId}`);
    }
    const settings = (pipeline?.settings ?? {}) as Partial<ActivitySettings>;
    const result = await discoverCategories(await host.connections.get(id), {
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

  app.post('/:connectionId/surveys/detect-fields', json(detectBody), async (c) => {
    const id = c.req.param('connectionId');
    await gainsight(id);
    const { object } = c.req.valid('json');
    const described = (await describeObjects(await host.connections.get(id), [object])).get(object);
    if (!described) throw invalidInput([{ path: 'object', message: `unknown Gainsight object ${object}` }]);
    return c.json(detectSurveyFields(described));
  });

  app.get('/:connectionId/custom-fields', async (c) => {
    const id = c.req.param('connectionId');
    await gainsight(id);
    const fields = await host.customers.customFields(id);
    return c.json({
      fields: fields.map((f) => ({
        object: f.object,
        field: f.field,
        label: f.label,
        type: f.type,
        registeredAt: f.registeredAt,
      })),
    });
  });

  return {
    api: (request) => app.fetch(request),
    openapi: () => ({
      api: serviceOpenApiPaths([
        {
          method: 'get',
          path: '/:connectionId/common',
          summary: "A Gainsight connection's Common settings: primary CRM, GSID field, and whether pulls may run",
          answer: CommonAnswer,
        },
        {
          method: 'put',
          path: '/:connectionId/common',
          summary: 'Save the Common settings',
          body: commonBody,
          answer: CommonAnswer,
        },
        {
          method: 'post',
          path: '/:connectionId/activity/discover-categories',
          summary: 'Sample activity entries for their categories (1000, then 800, then 500 on slow answers)',
          body: discoverBody,
          answer: CategoriesAnswer,
        },
        {
          method: 'post',
          path: '/:connectionId/surveys/detect-fields',
          summary: "A survey object's field mappings, detected from its fields",
          body: detectBody,
          answer: SurveyFieldsAnswer,
        },
        {
          method: 'get',
          path: '/:connectionId/custom-fields',
          summary: 'Custom fields registered from surveys',
          answer: CustomFieldsAnswer,
        },
      ]),
    }),
    // A Salesforce connection a Gainsight connection's Common settings name as its primary CRM.
    async connectionUses(connectionId) {
      const connections = await host.connections.list({ connectorId: 'gainsight' });
      const naming = new Set(await commonsNaming(host, connectionId));
      return connections
        .filter((c) => naming.has(c.id))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((c) => ({
          type: 'gainsight_pulls',
          id: c.id,
          name: c.name,
          via: 'primaryConnectionId',
          label: 'Gainsight pulls (primary CRM) of',
        }));
    },
  };
}
