import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { ErrorAnswer } from './answers.js';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** What one route documents; the schemas are the ones its validators use (`json()`, `query()`). */
export interface RouteDoc {
  summary: string;
  description?: string;
  /** The query validator's schema. */
  query?: z.ZodType;
  /** The JSON body validator's schema. */
  body?: z.ZodType;
  /** Whether the body may be left out (its schema has a default). */
  bodyOptional?: boolean;
  /** The JSON answer's schema; `null`: 204 without a body. */
  answer: z.ZodType | null;
  /** Status of the answer (default 200, or 204 when `answer` is null). */
  status?: number;
  /** Error statuses besides the ones every route of its kind has (400 with input, 404 with an id, 401). */
  errors?: number[];
  /** Another media type than JSON (e.g. `text/event-stream`), documented as a string. */
  mediaType?: string;
  /** Who may call: the admin token (default), a source's write key (ingest), anyone. */
  auth?: 'admin' | 'writeKey' | 'none';
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input: `error.issues` names each field',
  401: 'Missing or invalid admin token',
  404: 'Not found',
  409: 'Conflict (e.g. still in use)',
  413: 'Body too large',
  502: 'The vendor or a plugin failed',
  504: 'A plugin did not answer in time',
};

/** Hono path (`/:id`) → OpenAPI path (`/{id}`). */
export const openapiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * Records a route of `app` in its OpenAPI registry. The handler is registered as before with the hub's own
 * validators, from the same schemas: `app.openapi()`'s validators would answer a wrong Content-Type with
 * 415 and skip the JSON depth guard, where the hub answers 400 with its `issues`.
 */
export function describeRoute(app: OpenAPIHono, tag: string, method: Method, path: string, doc: RouteDoc): void {
  const params = [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
  const status = doc.status ?? (doc.answer === null ? 204 : 200);
  const responses: RouteConfig['responses'] = {
    [status]:
      doc.answer === null
        ? { description: 'Done (no body)' }
        : {
            description: 'OK',
            content: { [doc.mediaType ?? 'application/json']: { schema: doc.answer } },
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
      content: { 'application/json': { schema: ErrorAnswer } },
    };
  }
  app.openAPIRegistry.registerPath({
    method,
    path: openapiPath(path),
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
              content: { 'application/json': { schema: doc.body } },
            },
          }
        : {}),
    },
    responses,
  });
}

/** `describeRoute` bound to one app and tag: `doc.get('/', {...})` next to `app.get('/', …)`. */
export function documenter(app: OpenAPIHono, tag: string) {
  const bind = (method: Method) => (path: string, doc: RouteDoc) => describeRoute(app, tag, method, path, doc);
  return { get: bind('get'), post: bind('post'), patch: bind('patch'), put: bind('put'), delete: bind('delete') };
}
