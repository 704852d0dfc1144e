import { describe, expect, it } from 'vitest';
import {
  connectionLabel,
  defaultKind,
  initialKindState,
  kindParts,
  kindSchema,
  kindSettings,
  routeKindIssues,
} from './destination-kind.js';
import type { Connection, DestinationKind, JsonSchema } from './types.js';

// Shaped like `GET /api/destinations/kinds` for a plugin's destination: its own settings plus the host's.
const schema: JsonSchema = JSON.parse(`{
  "type": "object",
  "properties": {
    "list": { "type": "string", "minLength": 1, "title": "Audience list" },
    "region": { "type": "string", "enum": ["eu", "us"], "default": "eu" },
    "traitMap": {
      "type": "array", "title": "Trait map",
      "items": { "type": "object", "properties": { "trait": { "type": "string" }, "field": { "type": "string" } } }
    },
    "flushWindowMs": { "type": "integer", "minimum": 100, "maximum": 60000, "default": 500 },
    "maxAttempts": { "type": "integer", "minimum": 1, "maximum": 50, "default": 20 }
  },
  "required": ["list", "flushWindowMs"]
}`);

const parts = kindParts(schema);

describe('a destination kind’s form', () => {
  it('renders the kind’s own settings and leaves the host’s to the Delivery group', () => {
    expect(parts.map((p) => (p.type === 'field' ? `field:${p.spec.key}` : `${p.type}:${p.key}`))).toEqual([
      'field:list',
      'field:region',
      'rows:traitMap',
    ]);
    expect(kindSchema(schema).required).toEqual(['list']);
  });

  it('starts from the saved settings, else the kind’s defaults (its own flush window too)', () => {
    const fresh = initialKindState(parts, {}, schema);
    expect(fresh).toMatchObject({ values: { list: '', region: 'eu' }, flushWindowMs: '500', maxAttempts: '20' });
    expect(fresh.rows['traitMap']).toEqual([]);
    const saved = initialKindState(
      parts,
      { list: 'vip', region: 'us', traitMap: [{ trait: 'plan', field: 'Plan' }], flushWindowMs: 900, maxAttempts: 3 },
      schema,
    );
    expect(saved).toMatchObject({ values: { list: 'vip', region: 'us' }, flushWindowMs: '900', maxAttempts: '3' });
    expect(saved.rows['traitMap']?.map((r) => [r.trait, r.field])).toEqual([['plan', 'Plan']]);
  });

  it('sends the settings with rows and host numbers, and says which number is not one', () => {
    const state = initialKindState(parts, { list: 'vip', traitMap: [{ trait: 'plan', field: 'Plan' }] }, schema);
    expect(kindSettings(parts, schema, state)).toEqual({
      settings: {
        list: 'vip',
        region: 'eu',
        traitMap: [{ trait: 'plan', field: 'Plan' }],
        flushWindowMs: 500,
        maxAttempts: 20,
      },
      errors: {},
    });
    const bad = kindSettings(parts, schema, { ...state, flushWindowMs: '1.5', maxAttempts: '' });
    expect(bad.errors).toEqual({ flushWindowMs: 'Enter a whole number.' });
    expect(bad.settings['maxAttempts']).toBeUndefined();
  });

  it('routes the hub’s issues to fields, row cells and the host inputs', () => {
    const state = initialKindState(parts, { traitMap: [{ trait: 'a', field: 'b' }] }, schema);
    const row = state.rows['traitMap']![0]!;
    const routed = routeKindIssues(
      [
        { path: 'name', message: 'already taken' },
        { path: 'settings.list', message: 'expected string, received undefined' },
        { path: 'settings.traitMap.0.field', message: 'unknown field' },
        { path: 'settings.flushWindowMs', message: 'at most 60000' },
        { path: 'settings.other', message: 'unknown key' },
      ],
      parts,
      state.rows,
    );
    expect(routed.byField).toEqual({
      name: 'already taken',
      'settings.list': 'Required.',
      [`traitMap.${row.key}.field`]: 'unknown field',
      flushWindowMs: 'at most 60000',
    });
    expect(routed.other).toEqual(['settings.other: unknown key']);
  });
});

const kind = (k: string): DestinationKind => ({
  kind: k,
  connectorId: k,
  title: k,
  messageTypes: ['track'],
  merge: false,
  settingsSchema: {},
});
const connection = (connectorId: string) => ({ id: `c-${connectorId}`, connectorId }) as Connection;

describe('defaultKind and labels', () => {
  it('picks the only kind, or the only kind with a connection, else none', () => {
    expect(defaultKind([kind('gainsight')], [])).toBe('gainsight');
    expect(defaultKind([kind('gainsight'), kind('acme')], [connection('acme')])).toBe('acme');
    expect(defaultKind([kind('gainsight'), kind('acme')], [connection('acme'), connection('gainsight')])).toBe('');
    expect(defaultKind([], [])).toBe('');
    expect(connectionLabel('gainsight')).toBe('Gainsight connection');
  });
});
