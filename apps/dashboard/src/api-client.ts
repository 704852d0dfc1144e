// A typed call to the hub: paths, bodies and answers come from the types generated from /api/openapi.json
// (api-schema.gen.ts), so the dashboard repeats none of the hub's shapes by hand.
import { request } from './api.js';
import type { components, paths } from './api-schema.gen.js';

export type Schemas = components['schemas'];
export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Json<R> = R extends { content: { 'application/json': infer A } } ? A : never;

/** The JSON answer of a successful `method path` (200, 201 or 202; `undefined` for 204). */
export type Answer<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer R }
    ? R extends { 200: infer A }
      ? Json<A>
      : R extends { 201: infer A }
        ? Json<A>
        : R extends { 202: infer A }
          ? Json<A>
          : undefined
    : never;

/** The JSON body `method path` takes. */
export type Body<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** The query parameters `method path` takes. */
export type Query<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? Q : never;

type PathParams<P> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | PathParams<Rest> : never;

export interface CallOptions<P extends keyof paths, M extends Method> {
  params?: Record<PathParams<P>, string | number>;
  query?: Query<P, M>;
  body?: Body<P, M>;
}

/** `call('get', '/api/connections/{id}', { params: { id } })`: the answer typed by the document. */
export function call<P extends keyof paths, M extends Method>(
  method: M,
  path: P,
  options: CallOptions<P, M> = {},
): Promise<Answer<P, M>> {
  let url: string = path;
  for (const [name, value] of Object.entries(options.params ?? {})) {
    url = url.replace(`{${name}}`, encodeURIComponent(String(value)));
  }
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries((options.query ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return request<Answer<P, M>>(method.toUpperCase(), text ? `${url}?${text}` : url, options.body);
}
