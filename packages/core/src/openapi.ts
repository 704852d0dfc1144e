import { z } from 'zod';

/** One route of a flow service, documented from the zod schemas its validators use (see FlowService.openapi). */
export interface ServiceRouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Hono-style path relative to the service's mount: `/triggers/:id`. */
  path: string;
  summary: string;
  description?: string;
  /** The JSON body's schema. */
  body?: z.ZodType;
  /** The query's schema (an object). */
  query?: z.ZodObject;
  /** The JSON answer's schema; without it the answer is documented as a JSON object. */
  answer?: z.ZodType;
  /** Status of a successful answer (default 200). `204`: no body. */
  status?: number;
}

const ERROR = { $ref: '#/components/schemas/Error' };

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}

/**
 * OpenAPI 3.1 path items for `FlowService.openapi`, keyed by OpenAPI path (`/triggers/{id}`). Errors answer
 * the hub's `Error` shape (`{ error: { code, message, issues? } }`).
 */
export function serviceOpenApiPaths(routes: ServiceRouteDoc[]): Record<string, object> {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
    const parameters = [
      ...names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...Object.entries(route.query?.shape ?? {}).map(([name, field]) => ({
        name,
        in: 'query',
        required: !(field as z.ZodType).safeParse(undefined).success,
        schema: jsonSchema(field as z.ZodType),
      })),
    ];
    const status = String(route.status ?? 200);
    const responses: Record<string, object> = {
      [status]:
        status === '204'
          ? { description: 'Done (no body)' }
          : {
              description: 'OK',
              content: {
                'application/json': { schema: route.answer ? jsonSchema(route.answer) : { type: 'object' } },
              },
            },
    };
    const error = (description: string) => ({ description, content: { 'application/json': { schema: ERROR } } });
    if (route.body || route.query || names.length > 0) responses['400'] = error('Invalid input');
    if (names.length > 0) responses['404'] = error('Not found');
    const item = paths[path] ?? {};
    paths[path] = item;
    item[route.method] = {
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } }
        : {}),
      responses,
    };
  }
  return paths;
}
