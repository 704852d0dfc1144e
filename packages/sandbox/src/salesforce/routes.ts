/** The REST data API under `/services/data/vNN.0`: bearer sessions, API budget, query, describe, writes, limits. */
import { type Context, Hono } from 'hono';
import { makeId, normalizeId, type SalesforceRecord } from './data.js';
import { describeObject, findField, findObject, globalEntry, type SObjectSchema } from './schema.js';
import { parseSoql, SoqlError, soqlError } from './soql.js';
import { runSoql, type SoqlSchema, validateSoql } from './soql-eval.js';
import { apiUsage, errorBody, type SalesforceContext, type SalesforceSession } from './state.js';
import { compositeUpdate, validateUpdate, applyUpdate } from './writes.js';

type Env = { Variables: { session: SalesforceSession } };

const NOT_FOUND = errorBody('NOT_FOUND', 'The requested resource does not exist');
/** A query cursor unused for this long is gone, as on Salesforce. */
const CURSOR_IDLE_MS = 15 * 60_000;
const MAX_COLLECTION = 200;
const MIN_PAGE = 200;
const MAX_PAGE = 2000;

/** `Sforce-Query-Options: batchSize=n` asks for n rows per page: 200 to 2,000, and Salesforce may send fewer. */
function requestedBatchSize(header: string | undefined): number {
  const match = /batchSize\s*=\s*(\d+)/i.exec(header ?? '');
  if (!match) return MAX_PAGE;
  return Math.min(MAX_PAGE, Math.max(MIN_PAGE, Number(match[1])));
}

function soqlSchema(schema: SObjectSchema): SoqlSchema {
  return { name: schema.name, field: (name) => findField(schema, name) };
}

function withAttributes(schema: SObjectSchema, record: SalesforceRecord, fields: string[], version: string) {
  const out: Record<string, unknown> = {
    attributes: { type: schema.name, url: `/services/data/${version}/sobjects/${schema.name}/${record.Id}` },
  };
  for (const name of fields) out[name] = record[name] ?? null;
  return out;
}

/** Read a JSON body the way Salesforce does: anything unreadable is JSON_PARSER_ERROR. */
async function readJson(c: Context): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const text = await c.req.text();
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = `Unexpected character: ${(error as Error).message}`;
    return { ok: false, response: c.json(errorBody('JSON_PARSER_ERROR', message), 400) };
  }
}

export function dataRoutes(sim: SalesforceContext): Hono<Env> {
  const { state } = sim;
  const app = new Hono<Env>().basePath('/services/data');

  app.get('/', (c) =>
    c.json(
      ['58.0', '59.0', '60.0', '61.0'].map((version) => ({
        label: `API ${version}`,
        url: `/services/data/v${version}`,
        version,
      })),
    ),
  );

  // Session, API version and the rolling daily budget, in that order; every answer past the session check
  // carries the org's usage in Sforce-Limit-Info.
  app.use('/:version/*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = /^(Bearer|OAuth)\s+(.+)$/i.exec(header)?.[2]?.trim();
    const now = sim.now();
    const session = token ? state.sessions.get(token) : undefined;
    if (!session || now - session.lastUsedAt > state.sessionTimeoutMs) {
      if (session) state.sessions.delete(session.token);
      return c.json(errorBody('INVALID_SESSION_ID', 'Session expired or invalid'), 401);
    }
    session.lastUsedAt = now;
    c.set('session', session);
    const limitInfo = () => `api-usage=${apiUsage(state, now)}/${state.dailyApiLimit}`;
    const version = /^v(\d+)\.0$/.exec(c.req.param('version'));
    if (!version || Number(version[1]) < 20 || Number(version[1]) > 62) {
      c.header('Sforce-Limit-Info', limitInfo());
      return c.json(NOT_FOUND, 404);
    }
    if (apiUsage(state, now) >= state.dailyApiLimit) {
      c.header('Sforce-Limit-Info', limitInfo());
      return c.json(errorBody('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'), 403);
    }
    state.apiCalls.push(now);
    await next();
    c.res.headers.set('Sforce-Limit-Info', limitInfo());
  });

  app.get('/:version/limits', (c) => {
    const used = apiUsage(state, sim.now());
    return c.json({
      ConcurrentAsyncGetReportInstances: { Max: 200, Remaining: 200 },
      DailyApiRequests: { Max: state.dailyApiLimit, Remaining: Math.max(0, state.dailyApiLimit - used) },
      DailyBulkApiBatches: { Max: 15000, Remaining: 15000 },
      DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 },
      DataStorageMB: { Max: 5, Remaining: 4 },
    });
  });

  app.get('/:version/query', (c) => {
    const version = c.req.param('version');
    const q = c.req.query('q');
    if (q === undefined) return c.json(errorBody('MALFORMED_QUERY', 'A query string has to be specified'), 400);
    try {
      const query = parseSoql(q);
      const schema = findObject(state.objects, query.object.name);
      if (!schema) {
        throw soqlError(
          q,
          query.object.pos,
          'INVALID_TYPE',
          `sObject type '${query.object.name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
        );
      }
      validateSoql(query, soqlSchema(schema));
      const records = [...(state.records.get(schema.name)?.values() ?? [])];
      const rows = runSoql(query, soqlSchema(schema), records);
      if (query.count) return c.json({ totalSize: rows.length, done: true, records: [] });
      const fields = query.fields.map((f) => f.name);
      const projected = rows.map((r) => withAttributes(schema, r, fields, version));
      const pageSize = Math.min(state.pageSize, requestedBatchSize(c.req.header('sforce-query-options')));
      if (projected.length <= pageSize) return c.json({ totalSize: projected.length, done: true, records: projected });
      // Snapshot the result: later pages show the rows as they were when the query ran.
      const id = makeId('01g', state.nextCursor++);
      state.cursors.set(id, { id, token: c.get('session').token, rows: projected, pageSize, lastUsedAt: sim.now() });
      return c.json({
        totalSize: projected.length,
        done: false,
        nextRecordsUrl: `/services/data/${version}/query/${id}-${pageSize}`,
        records: projected.slice(0, pageSize),
      });
    } catch (error) {
      if (error instanceof SoqlError) return c.json(errorBody(error.errorCode, error.message), 400);
      throw error;
    }
  });

  // A locator belongs to the session that ran the query: after a token refresh (or 15 idle minutes)
  // it is unknown, and Salesforce answers 400 INVALID_QUERY_LOCATOR — the caller must rerun the query.
  app.get('/:version/query/:locator', (c) => {
    const match = /^(01g[A-Za-z0-9]{15})-(\d+)$/.exec(c.req.param('locator'));
    const cursor = match ? state.cursors.get(match[1]!) : undefined;
    const now = sim.now();
    if (!match || !cursor || cursor.token !== c.get('session').token || now - cursor.lastUsedAt > CURSOR_IDLE_MS) {
      return c.json(errorBody('INVALID_QUERY_LOCATOR', 'invalid query locator'), 400);
    }
    cursor.lastUsedAt = now;
    const start = Number(match[2]);
    const end = start + cursor.pageSize;
    const done = end >= cursor.rows.length;
    if (done) state.cursors.delete(cursor.id);
    return c.json({
      totalSize: cursor.rows.length,
      done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/${c.req.param('version')}/query/${cursor.id}-${end}` }),
      records: cursor.rows.slice(start, end),
    });
  });

  app.get('/:version/sobjects', (c) =>
    c.json({
      encoding: 'UTF-8',
      maxBatchSize: 200,
      sobjects: [...state.objects.values()].map((schema) => globalEntry(schema, c.req.param('version'))),
    }),
  );

  app.get('/:version/sobjects/:object/describe', (c) => {
    const schema = findObject(state.objects, c.req.param('object'));
    if (!schema) return c.json(NOT_FOUND, 404);
    return c.json(describeObject(schema, c.req.param('version')));
  });

  const locate = (c: Context<Env>) => {
    const schema = findObject(state.objects, c.req.param('object') ?? '');
    if (!schema) return { response: c.json(NOT_FOUND, 404) };
    const raw = c.req.param('id') ?? '';
    const id = normalizeId(raw);
    if (!id) {
      const message = `Provided external ID field does not exist or is not accessible: ${raw}`;
      return { response: c.json(errorBody('NOT_FOUND', message), 404) };
    }
    const record = state.records.get(schema.name)?.get(id);
    if (!record) return { response: c.json(NOT_FOUND, 404) };
    return { schema, record };
  };

  app.get('/:version/sobjects/:object/:id', (c) => {
    const found = locate(c);
    if (!found.record) return found.response;
    const { schema, record } = found;
    const wanted = c.req.query('fields');
    const fields = wanted ? wanted.split(',').map((f) => f.trim()) : schema.fields.map((f) => f.name);
    const unknown = fields.find((f) => !findField(schema, f));
    if (unknown)
      return c.json(errorBody('INVALID_FIELD', `No such column '${unknown}' on entity '${schema.name}'`), 400);
    const canonical = fields.map((f) => findField(schema, f)!.name);
    return c.json(withAttributes(schema, record, canonical, c.req.param('version')));
  });

  app.patch('/:version/sobjects/:object/:id', async (c) => {
    const found = locate(c);
    if (!found.record) return found.response;
    const body = await readJson(c);
    if (!body.ok) return body.response;
    if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) {
      const message = `Cannot deserialize instance of ${found.schema.name} from ${Array.isArray(body.value) ? 'START_ARRAY' : 'VALUE'} value`;
      return c.json(errorBody('JSON_PARSER_ERROR', message), 400);
    }
    const checked = validateUpdate(found.schema, body.value as Record<string, unknown>);
    if (!checked.ok)
      return c.json(errorBody(checked.error.errorCode, checked.error.message, checked.error.fields), 400);
    applyUpdate(found.record, checked.values, sim.now());
    return c.body(null, 204);
  });

  app.patch('/:version/composite/sobjects', async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const value = body.value as { allOrNone?: unknown; records?: unknown } | null;
    if (typeof value !== 'object' || value === null || !Array.isArray(value.records)) {
      return c.json(errorBody('JSON_PARSER_ERROR', 'The request body must be an object with a records array'), 400);
    }
    if (value.records.length > MAX_COLLECTION) {
      const message = `record limit reached. cannot submit more than ${MAX_COLLECTION} records into this call`;
      return c.json(errorBody('EXCEEDED_ID_LIMIT', message), 400);
    }
    const target = {
      schemaOf: (type: string) => findObject(state.objects, type),
      find: (schema: SObjectSchema, id: string) => state.records.get(schema.name)?.get(id),
    };
    return c.json(compositeUpdate(target, value.records, value.allOrNone === true, sim.now()), 200);
  });

  return app;
}
