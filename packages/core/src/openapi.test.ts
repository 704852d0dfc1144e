import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serviceOpenApiPaths } from './openapi.js';

describe('serviceOpenApiPaths', () => {
  it('documents a service route from the schemas that validate it', () => {
    const paths = serviceOpenApiPaths([
      {
        method: 'patch',
        path: '/triggers/:id',
        summary: 'Change a trigger',
        body: z.strictObject({ name: z.string().min(1), enabled: z.boolean().optional() }),
        query: z.strictObject({ dryRun: z.coerce.boolean().optional(), limit: z.coerce.number() }),
        answer: z.object({ ok: z.boolean() }),
      },
      { method: 'delete', path: '/triggers/:id', summary: 'Delete a trigger', status: 204 },
    ]);
    // biome-ignore lint/suspicious/noExplicitAny: the path item is checked by the assertions
    const item = paths['/triggers/{id}'] as Record<string, any>;
    expect(item.patch.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
      expect.objectContaining({ name: 'dryRun', in: 'query', required: false }),
      expect.objectContaining({ name: 'limit', in: 'query', required: true }),
    ]);
    expect(item.patch.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      properties: { name: { type: 'string', minLength: 1 }, enabled: { type: 'boolean' } },
      required: ['name'],
      additionalProperties: false,
    });
    expect(item.patch.requestBody.content['application/json'].schema).not.toHaveProperty('$schema');
    expect(Object.keys(item.patch.responses)).toEqual(['200', '400', '404']);
    expect(item.delete.responses['204']).toEqual({ description: 'Done (no body)' });
  });
});
