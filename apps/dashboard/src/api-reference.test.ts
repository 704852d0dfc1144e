import { describe, expect, it } from 'vitest';
import { byTag, matches, operationsOf, schemaText } from './api-reference.js';

const doc = {
  openapi: '3.1.0',
  security: [{ adminToken: [] }],
  paths: {
    '/health': { get: { tags: ['Hub'], summary: 'Liveness', security: [], responses: { 200: { description: 'OK' } } } },
    '/api/things/{id}': {
      patch: {
        tags: ['Things'],
        summary: 'Change a thing',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { name: { type: 'string' }, settings: { $ref: '#/components/schemas/ThingSettings' } },
                required: ['name'],
              },
            },
          },
        },
        responses: {
          200: {
            description: 'OK',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { thing: { $ref: '#/components/schemas/Thing' } },
                  required: ['thing'],
                },
              },
            },
          },
          404: { description: 'Not found' },
        },
      },
    },
  },
};

describe('the API reference', () => {
  it('shows schemas as short types', () => {
    expect(schemaText({ type: ['string', 'null'] })).toBe('string | null');
    expect(schemaText({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } })).toBe(
      '(string | number)[]',
    );
    expect(schemaText({ type: 'object', additionalProperties: {} })).toBe('{ [key: string]: unknown }');
    expect(schemaText({ enum: ['a', 'b'] })).toBe('"a" | "b"');
    expect(
      schemaText({ type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'string' } } } } }, 1),
    ).toBe('{ a?: {…} }');
  });

  it('lists operations with parameters, body, answers and who may call them', () => {
    const ops = operationsOf(doc);
    expect(ops.map((op) => `${op.method} ${op.path}`)).toEqual(['GET /health', 'PATCH /api/things/{id}']);
    expect(ops[0]?.auth).toBe('none');
    expect(ops[1]).toMatchObject({
      auth: 'admin token',
      parameters: [{ name: 'id', in: 'path', required: true, type: 'string' }],
      body: '{ name: string; settings?: ThingSettings }',
      answers: [
        { status: '200', type: '{ thing: Thing }' },
        { status: '404', type: undefined },
      ],
    });
    expect(byTag(ops).map(([tag]) => tag)).toEqual(['Hub', 'Things']);
    expect(ops.filter((op) => matches(op, 'thing')).length).toBe(1);
    expect(ops.filter((op) => matches(op, 'patch')).length).toBe(1);
  });
});
