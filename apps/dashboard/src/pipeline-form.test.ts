import { describe, expect, it } from 'vitest';
import { newRow, partsOf, type Row, routeSettingsIssues, rowsFrom, rowsPayload } from './pipeline-form.js';
import type { JsonSchema } from './types.js';

// Shaped like the hub's `z.toJSONSchema(kind.settings, { io: 'input' })` for a bridge leg.
const schema: JsonSchema = JSON.parse(`{
  "type": "object",
  "properties": {
    "source": { "default": "aggregation", "type": "string", "enum": ["aggregation", "report"], "title": "Pendo source" },
    "days": { "default": 30, "type": "number", "enum": [7, 30], "title": "Window (days)" },
    "targetConnectionId": { "type": "string", "minLength": 1, "title": "Salesforce connection", "x-connector": "salesforce" },
    "sourceConnectionId": { "type": "string" },
    "fieldMap": {
      "type": "array", "minItems": 1, "title": "Field map", "description": "what goes where",
      "items": { "type": "object", "additionalProperties": false, "required": ["from", "to"],
        "properties": { "from": { "type": "string", "title": "Measure" }, "to": { "type": "string" }, "weight": { "type": "integer" } } }
    },
    "tags": { "type": "array", "items": { "type": "string" } }
  },
  "required": ["targetConnectionId", "fieldMap"]
}`);

describe('partsOf', () => {
  it('splits a kind’s settings into fields, connection selects and editable rows, in schema order', () => {
    const parts = partsOf(schema);
    expect(
      parts.map((p) => (p.type === 'field' ? `field:${p.spec.key}:${p.spec.kind}` : `${p.type}:${p.key}`)),
    ).toEqual([
      'field:source:select',
      'field:days:select',
      'ref:targetConnectionId',
      'ref:sourceConnectionId',
      'rows:fieldMap',
      'field:tags:json',
    ]);
    expect(parts[2]).toMatchObject({ label: 'Salesforce connection', connector: 'salesforce', required: true });
    expect(parts[3]).toMatchObject({ connector: undefined, required: false });
    expect(parts[4]).toMatchObject({
      label: 'Field map',
      description: 'what goes where',
      columns: [
        { key: 'from', label: 'Measure' },
        { key: 'to', label: 'to' },
        { key: 'weight', label: 'weight' },
      ],
    });
  });
});

describe('rows', () => {
  const part = partsOf(schema).find((p) => p.type === 'rows');
  if (part?.type !== 'rows') throw new Error('no rows part');

  it('round-trips saved rows, drops blank ones and sends numeric columns as numbers', () => {
    const rows = rowsFrom([{ from: 'minutes', to: 'Pendo_x__c', weight: 2 }], part.columns);
    expect(rows[0]).toMatchObject({ from: 'minutes', to: 'Pendo_x__c', weight: '2' });
    const withBlank: Row[] = [...rows, newRow(part.columns)];
    expect(rowsPayload(withBlank, part, schema)).toEqual([{ from: 'minutes', to: 'Pendo_x__c', weight: 2 }]);
    expect(rowsFrom(undefined, part.columns)).toEqual([]);
    expect(new Set([newRow(part.columns).key, newRow(part.columns).key]).size).toBe(2);
  });

  it('routes the hub’s issues to row cells by index, to fields and selects, or to the form', () => {
    const parts = partsOf(schema);
    const rows = {
      fieldMap: rowsFrom(
        [
          { from: 'a', to: 'b' },
          { from: 'c', to: 'Health_Score__c' },
        ],
        part.columns,
      ),
    };
    const key = rows.fieldMap[1]!.key;
    const routed = routeSettingsIssues(
      [
        { path: 'settings.fieldMap.1.to', message: 'Salesforce field "Health_Score__c" does not start with Pendo_' },
        { path: 'settings.fieldMap', message: 'map at least one field' },
        { path: 'settings.targetConnectionId', message: 'unknown connection' },
        { path: 'settings.days', message: 'Invalid input' },
        { path: 'name', message: 'already in use' },
        { path: 'settings', message: 'Unrecognized key: "extra"' },
      ],
      parts,
      rows,
      ['name', 'connectionId', 'schedule'],
    );
    expect(routed.byField).toEqual({
      [`fieldMap.${key}.to`]: 'Salesforce field "Health_Score__c" does not start with Pendo_',
      fieldMap: 'map at least one field',
      'settings.targetConnectionId': 'unknown connection',
      'settings.days': 'Invalid input',
      name: 'already in use',
    });
    expect(routed.other).toEqual(['settings: Unrecognized key: "extra"']);
  });
});
