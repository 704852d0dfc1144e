/**
 * Builds the hub's own part of /api/openapi.json from the routes its apps recorded (describe.ts). Loaded
 * with the first request for the document (openapi/document.ts imports it on demand): it brings zod's
 * OpenAPI extension and the answer schemas, which a start has no use for.
 */
import { OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi';
import * as answers from './answer-index.js';
import type { DocSchema, RouteRecord } from './describe.js';

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input: `error.issues` names each field',
  401: 'Missing or invalid admin token',
  404: 'Not found',
  409: 'Conflict (e.g. still in use)',
  413: 'Body too large',
  502: 'The vendor or a plugin failed',
  504: 'A plugin did not answer in time',
};

/** A recorded schema: a validator's own, a named answer, or a composition of answers. */
function schemaOf(schema: z.ZodType | DocSchema): z.ZodType {
  // biome-ignore lint/performance/noDynamicNamespaceImportAccess: any answer may be named; this chunk holds them all
  if (typeof schema === 'string') return answers[schema];
  if (typeof schema === 'function') return schema(answers);
  return schema;
}

/** One recorded route as the operation OpenAPIHono's registry holds. */
function routeConfig({ method, path, params, tag, doc }: RouteRecord): RouteConfig {
  const status = doc.status ?? (doc.answer === null ? 204 : 200);
  const responses: RouteConfig['responses'] = {
    [status]:
      doc.answer === null
        ? { description: 'Done (no body)' }
        : {
            description: 'OK',
            content: { [doc.mediaType ?? 'application/json']: { schema: schemaOf(doc.answer) } },
          },
  };
  const errors = new Set(doc.errors ?? []);
  if (doc.body || doc.query || params.length > 0) errors.add(400);
  if (params.length > 0) errors.add(404);
  if (doc.body) errors.add(413);
  if (doc.auth !== 'none') errors.add(401);
  for (const code of [...errors].sort()) {
    responses[code] = {
      description: ERROR_TEXT[code] ?? 'Error',
      content: { 'application/json': { schema: answers.ErrorAnswer } },
    };
  }
  return {
    method,
    path,
    tags: [tag],
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    ...(doc.auth === 'none' ? { security: [] } : doc.auth === 'writeKey' ? { security: [{ writeKey: [] }] } : {}),
    request: {
      ...(params.length > 0
        ? { params: z.object(Object.fromEntries(params.map((p) => [p, z.string()]))) as z.ZodObject }
        : {}),
      ...(doc.query ? { query: doc.query as z.ZodObject } : {}),
      ...(doc.body
        ? {
            body: {
              required: !doc.bodyOptional,
              content: { 'application/json': { schema: schemaOf(doc.body) } },
            },
          }
        : {}),
    },
    responses,
  };
}

/** The OpenAPI 3.1 document of the recorded routes, with `info`. */
export function generateDocument(routes: readonly RouteRecord[], info: { version: string; description: string }) {
  const registry = new OpenAPIHono();
  for (const route of routes) registry.openAPIRegistry.registerPath(routeConfig(route));
  return registry.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: 'Synchub hub API', ...info },
  });
}
