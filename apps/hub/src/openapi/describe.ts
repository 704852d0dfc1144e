import type { Hono } from 'hono';
import type { z } from 'zod';
import type * as AnswerIndex from './answer-index.js';

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** The answer schemas (openapi/answer-index.ts), as a type only: the hub does not load them to run. */
export type Answers = typeof AnswerIndex;
/** The name of one answer schema in the index (`'Pipeline'`): a wrong name fails the type check. */
export type AnswerName = { [K in keyof Answers]: Answers[K] extends z.ZodType ? K : never }[keyof Answers];
/**
 * A schema the document builds when it is first asked for, from the answer schemas: a name of one, or a
 * function composing them (`(a) => z.object({ pipeline: a.Pipeline })`). Not at start: the answer schemas
 * need zod's OpenAPI extension (`.openapi()`), and loading it and building them is time every start paid.
 */
export type DocSchema = AnswerName | ((answers: Answers) => z.ZodType);

/** What one route documents; the query and body schemas are the ones its validators use (`json()`, `query()`). */
export interface RouteDoc {
  summary: string;
  description?: string;
  /** The query validator's schema. */
  query?: z.ZodType;
  /** The JSON body validator's schema, or one for the document only. */
  body?: z.ZodType | DocSchema;
  /** Whether the body may be left out (its schema has a default). */
  bodyOptional?: boolean;
  /** The JSON answer's schema; `null`: 204 without a body. */
  answer: DocSchema | null;
  /** Status of the answer (default 200, or 204 when `answer` is null). */
  status?: number;
  /** Error statuses besides the ones every route of its kind has (400 with input, 404 with an id, 401). */
  errors?: number[];
  /** Another media type than JSON (e.g. `text/event-stream`), documented as a string. */
  mediaType?: string;
  /** Who may call: the admin token (default), a source's write key (ingest), anyone. */
  auth?: 'admin' | 'writeKey' | 'none';
}

/** One documented route as its app recorded it; openapi/generate.ts turns it into an operation. */
export interface RouteRecord {
  method: Method;
  /** OpenAPI path (`/{id}`) under the app that holds the record (the mount prefixes are added by `mountRoutes`). */
  path: string;
  /** Path parameters of the route as it was declared (a mount prefix has none). */
  params: string[];
  tag: string;
  doc: RouteDoc;
}

/** What each app documents, in the order it declared it. */
const records = new WeakMap<Hono, RouteRecord[]>();

/** The routes `app` documents, its mounted apps' included. */
export const documentedRoutes = (app: Hono): readonly RouteRecord[] => records.get(app) ?? [];

const recordsOf = (app: Hono) => {
  const list = records.get(app) ?? [];
  records.set(app, list);
  return list;
};

/** Hono path (`/:id`) → OpenAPI path (`/{id}`). */
export const openapiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * Records a route of `app` for /api/openapi.json, which builds its operation when first asked. The handler
 * is registered as usual with the hub's own validators, from the same schemas (an OpenAPIHono route's
 * validators would answer a wrong Content-Type with 415 and skip the JSON depth guard, where the hub
 * answers 400 with its `issues`).
 */
export function describeRoute(app: Hono, tag: string, method: Method, path: string, doc: RouteDoc): void {
  const params = [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
  recordsOf(app).push({ method, path: openapiPath(path), params, tag, doc });
}

/** `describeRoute` bound to one app and tag: `doc.get('/', {...})` next to `app.get('/', …)`. */
export function documenter(app: Hono, tag: string) {
  const bind = (method: Method) => (path: string, doc: RouteDoc) => describeRoute(app, tag, method, path, doc);
  return { get: bind('get'), post: bind('post'), patch: bind('patch'), put: bind('put'), delete: bind('delete') };
}

/**
 * `parent.route(prefix, child)`, and the routes `child` documents become `parent`'s under `prefix` (as
 * OpenAPIHono's `route()` did: the ones `child` has recorded by now).
 */
export function mountRoutes<P extends Hono>(parent: P, prefix: string, child: Hono): P {
  parent.route(prefix, child);
  const base = openapiPath(prefix);
  for (const record of documentedRoutes(child)) {
    recordsOf(parent).push({ ...record, path: record.path === '/' ? base : `${base}${record.path}` });
  }
  return parent;
}
