import { describe, expect, it } from 'vitest';
import { humanize } from './format.js';
import { fieldsFromSchema, friendlyMessage, initialValues, routeIssues, toPayload } from './schema-form.js';
import type { JsonSchema } from './types.js';

// Verbatim `z.toJSONSchema(schema, { io: 'input' })` output (zod 4) for a settings schema with every kind.
const settings: JsonSchema = JSON.parse(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "domain": { "type": "string", "minLength": 1, "title": "Domain", "description": "Your Gainsight host" },
    "sandbox": { "default": false, "title": "Sandbox", "description": "allow http", "type": "boolean" },
    "region": { "default": "us", "type": "string", "enum": ["us", "eu"] },
    "pageSize": { "default": 100, "type": "integer", "minimum": 1, "maximum": 1000 },
    "url": { "type": "string", "format": "uri" },
    "ratio": { "type": ["number", "null"] },
    "map": { "default": {}, "type": "object", "propertyNames": { "type": "string" },
      "additionalProperties": { "type": "string" } },
    "lit": { "type": "string", "const": "x" }
  },
  "required": ["domain"]
}`);

const secrets: JsonSchema = {
  type: 'object',
  properties: { accessKey: { type: 'string', minLength: 1, title: 'Access key' }, clientSecret: { type: 'string' } },
  required: ['accessKey'],
};

describe('fieldsFromSchema', () => {
  it('maps each JSON Schema type to an input kind, with titles, defaults and required flags', () => {
    const fields = fieldsFromSchema(settings);
    expect(fields.map((f) => [f.key, f.kind, f.required])).toEqual([
      ['domain', 'text', true],
      ['sandbox', 'boolean', false],
      ['region', 'select', false],
      ['pageSize', 'integer', false],
      ['url', 'url', false],
      ['ratio', 'number', false],
      ['map', 'json', false],
      ['lit', 'select', false],
    ]);
    expect(fields[0]).toMatchObject({ label: 'Domain', description: 'Your Gainsight host' });
    expect(fields[2]).toMatchObject({
      label: 'Region',
      defaultValue: 'us',
      options: [{ value: 'us' }, { value: 'eu' }],
    });
    expect(fields[3]).toMatchObject({ label: 'Page size', min: 1, max: 1000 });
  });

  it('renders secret strings as password inputs', () => {
    const fields = fieldsFromSchema(secrets, { secret: true });
    expect(fields.map((f) => [f.key, f.kind, f.label, f.required])).toEqual([
      ['accessKey', 'password', 'Access key', true],
      ['clientSecret', 'password', 'Client secret', false],
    ]);
  });

  it('unwraps a nullable anyOf and keeps the outer title', () => {
    const [field] = fieldsFromSchema({
      properties: { limit: { title: 'Limit', anyOf: [{ type: 'integer' }, { type: 'null' }] } },
    });
    expect(field).toMatchObject({ kind: 'integer', label: 'Limit' });
  });

  it('treats real unions and schemas without a type as JSON', () => {
    const fields = fieldsFromSchema({
      properties: { a: { anyOf: [{ type: 'string' }, { type: 'number' }] }, b: {} },
    });
    expect(fields.map((f) => f.kind)).toEqual(['json', 'json']);
  });
});

describe('initialValues and toPayload', () => {
  const fields = fieldsFromSchema(settings);

  it('starts from defaults and sends typed values, leaving blanks out', () => {
    const values = initialValues(fields);
    expect(values).toMatchObject({ domain: '', sandbox: false, region: 'us', pageSize: '100', map: '{}' });
    const { value, errors } = toPayload(fields, { ...values, domain: ' acme.gainsightcloud.com ', sandbox: true });
    expect(errors).toEqual({});
    expect(value).toEqual({
      domain: 'acme.gainsightcloud.com',
      sandbox: true,
      region: 'us',
      pageSize: 100,
      map: {},
    });
  });

  it('prefills current settings when editing but never secrets', () => {
    expect(initialValues(fields, { domain: 'x.io', map: { a: 'b' } })).toMatchObject({
      domain: 'x.io',
      map: '{\n  "a": "b"\n}',
    });
    const secretFields = fieldsFromSchema(secrets, { secret: true });
    expect(initialValues(secretFields, { accessKey: '••••••' }, true)).toEqual({ accessKey: '', clientSecret: '' });
  });

  it('reports numbers and JSON that do not parse', () => {
    const values = { ...initialValues(fields), pageSize: '12.5', ratio: 'abc', map: '{nope' };
    const { errors } = toPayload(fields, values);
    expect(errors['pageSize']).toBe('Enter a whole number.');
    expect(errors['ratio']).toBe('Enter a number.');
    expect(errors['map']).toMatch(/^Not valid JSON/);
  });

  it('keeps password input untrimmed', () => {
    const secretFields = fieldsFromSchema(secrets, { secret: true });
    expect(toPayload(secretFields, { accessKey: ' k ', clientSecret: '' }).value).toEqual({ accessKey: ' k ' });
  });
});

describe('routeIssues', () => {
  it('puts issues next to their field, nested paths on the top-level field, the rest aside', () => {
    const routed = routeIssues(
      [
        { path: 'settings.domain', message: 'Invalid input: expected string, received undefined' },
        { path: 'settings.map.a', message: 'Bad.' },
        { path: 'name', message: 'Too long.' },
        { path: 'settings', message: 'Unknown key "x".' },
      ],
      ['name', 'settings.domain', 'settings.map'],
    );
    expect(routed.byField).toEqual({ 'settings.domain': 'Required.', 'settings.map': 'Bad.', name: 'Too long.' });
    expect(routed.other).toEqual(['settings: Unknown key "x".']);
  });
});

describe('friendlyMessage', () => {
  it('turns zod "missing" wording into Required and keeps the rest', () => {
    expect(friendlyMessage('Invalid input: expected string, received undefined')).toBe('Required.');
    expect(friendlyMessage('Too small: expected string to have >=1 characters')).toBe(
      'Too small: expected string to have >=1 characters',
    );
  });
});

describe('humanize', () => {
  it('splits camelCase and snake_case', () => {
    expect(humanize('apiBaseURL')).toBe('Api base url');
    expect(humanize('shared_secret')).toBe('Shared secret');
  });
});
