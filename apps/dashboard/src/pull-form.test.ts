import { describe, expect, it } from 'vitest';
import {
  duplicateRows,
  getAt,
  type Node,
  parseJsonText,
  propsOf,
  prune,
  renderedPaths,
  routeSettingsIssues,
  setAt,
  suggestActivityType,
  unmappedCategories,
  widgetOf,
  withDefaults,
} from './pull-form.js';

// Shaped like `z.toJSONSchema(kind.settings, { io: 'input' })` of the Gainsight pull kinds.
const activity: Node = {
  type: 'object',
  properties: {
    gsidField: { type: ['string', 'null'], title: 'GSID field override' },
    categoryField: { type: 'string', default: 'ReportingCategory' },
    categoryMap: {
      type: 'array',
      default: [
        { category: 'email', activityType: 'EMAIL' },
        { category: 'meeting', activityType: 'MEETING' },
      ],
      items: {
        type: 'object',
        properties: {
          category: { type: 'string' },
          activityType: { type: 'string', enum: ['EMAIL', 'MEETING', 'TYPE_MANUAL'] },
        },
        required: ['category', 'activityType'],
      },
    },
    pageSize: { type: 'integer', default: 500, minimum: 1, maximum: 5000 },
  },
};

const surveys: Node = {
  type: 'object',
  properties: {
    mode: { type: 'string', enum: ['single', 'multi'], default: 'single' },
    object: { type: 'string', default: 'survey_response' },
    objects: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          object: { type: 'string' },
          surveyType: { type: 'string' },
          fields: { type: 'object', properties: { score: { type: 'string' }, text: { type: 'string' } } },
        },
        required: ['object'],
      },
    },
    where: {
      type: 'object',
      properties: {
        conditions: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
      },
    },
    fieldMappings: { type: 'object', properties: { score: { type: 'string' }, npsGroup: { type: 'string' } } },
    aggregate: {
      type: 'object',
      properties: {
        enabled: { type: 'boolean', default: false },
        aggregateKey: { type: 'string' },
        valueFields: { type: 'array', items: { type: 'string' } },
      },
    },
  },
};

describe('widgetOf', () => {
  it('gives field pickers to settings that name a field, and the CRM picker to the GSID override', () => {
    const w = (key: string, schema: Node) => widgetOf(key, schema).type;
    expect(w('gsidField', { type: ['string', 'null'] })).toBe('crm-field');
    expect(w('categoryField', { type: 'string' })).toBe('field');
    expect(w('metricNameField', { type: 'string' })).toBe('field');
    expect(w('aggregateKey', { type: 'string' })).toBe('field');
    expect(widgetOf('valueFields', { type: 'array', items: { type: 'string' } })).toEqual({
      type: 'field',
      multiple: true,
    });
    expect(w('productName', { type: 'string' })).toBe('text');
    expect(w('object', { type: 'string' })).toBe('object');
    expect(w('usageObject', { type: 'string' })).toBe('object');
  });

  it('honours an explicit picker hint from the kind’s meta', () => {
    expect(widgetOf('dimension', { type: 'string', picker: 'field' }).type).toBe('field');
    expect(widgetOf('source', { type: 'string', picker: 'object' }).type).toBe('object');
  });

  it('recognises the category map in both row and record shapes, with its activity types', () => {
    expect(widgetOf('categoryMap', activity.properties!['categoryMap']!)).toEqual({
      type: 'category-map',
      shape: 'rows',
      keyName: 'category',
      valueName: 'activityType',
      types: ['EMAIL', 'MEETING', 'TYPE_MANUAL'],
    });
    const record = widgetOf('categories', {
      type: 'object',
      additionalProperties: { type: 'string', enum: ['EMAIL', 'MEETING'] },
    });
    expect(record).toMatchObject({ type: 'category-map', shape: 'record', types: ['EMAIL', 'MEETING'] });
  });

  it('uses radios for the survey mode, JSON for the where clause and mappings, rows and groups for the rest', () => {
    const props = Object.fromEntries(propsOf(surveys).map((p) => [p.key, p.widget.type]));
    const row = Object.fromEntries(propsOf(surveys.properties!['objects']!.items).map((p) => [p.key, p.widget.type]));
    expect(row).toEqual({ object: 'object', surveyType: 'text', fields: 'group' });
    expect(widgetOf('extraFields', { type: 'array', items: { type: 'string' }, picker: 'crm-field' })).toEqual({
      type: 'crm-field',
      multiple: true,
    });
    expect(widgetOf('options', { type: 'object', additionalProperties: {} }).type).toBe('json');
    expect(props).toMatchObject({
      mode: 'mode',
      object: 'object',
      objects: 'rows',
      where: 'json',
      fieldMappings: 'json',
      aggregate: 'group',
    });
  });
});

describe('withDefaults and prune', () => {
  it('fills defaults recursively without overwriting saved values', () => {
    const filled = withDefaults(activity, { categoryField: 'Category__gc' }) as Record<string, unknown>;
    expect(filled['categoryField']).toBe('Category__gc');
    expect(filled['pageSize']).toBe(500);
    expect(filled['categoryMap']).toHaveLength(2);
    expect(withDefaults(surveys, {})).toMatchObject({ mode: 'single', aggregate: { enabled: false } });
  });

  it('does not share default arrays between forms', () => {
    const a = withDefaults(activity, {}) as { categoryMap: unknown[] };
    a.categoryMap.push({ category: 'x' });
    expect((withDefaults(activity, {}) as { categoryMap: unknown[] }).categoryMap).toHaveLength(2);
  });

  it('leaves out blanks so the hub applies its defaults', () => {
    expect(prune({ a: '', b: undefined, c: 0, d: { e: '', f: 'x' }, g: [{ h: '' }] })).toEqual({
      c: 0,
      d: { f: 'x' },
      g: [{}],
    });
  });
});

describe('paths', () => {
  it('reads and writes nested values immutably', () => {
    const before = { objects: [{ object: 'a' }, { object: 'b' }] };
    const after = setAt(before, 'objects.1.object', 'c');
    expect(getAt(after, 'objects.1.object')).toBe('c');
    expect(getAt(before, 'objects.1.object')).toBe('b');
    expect(setAt({}, 'aggregate.enabled', true)).toEqual({ aggregate: { enabled: true } });
  });

  it('lists the paths the form shows, following the mode and the group switches', () => {
    const single = renderedPaths(surveys, withDefaults(surveys, {}));
    expect(single).toContain('object');
    expect(single).not.toContain('objects');
    expect(single).toContain('aggregate.enabled');
    expect(single).not.toContain('aggregate.aggregateKey');

    const multi = renderedPaths(surveys, {
      mode: 'multi',
      objects: [{ object: 'nps' }, { object: 'csat' }],
      aggregate: { enabled: true },
    });
    expect(multi).toEqual(
      expect.arrayContaining([
        'objects',
        'objects.1',
        'objects.1.fields',
        'objects.1.fields.score',
        'aggregate.valueFields',
      ]),
    );
    expect(multi).not.toContain('object');
  });

  it('routes the hub’s issues to the deepest input that shows them', () => {
    const paths = renderedPaths(activity, withDefaults(activity, {}));
    const routed = routeSettingsIssues(
      [
        { path: 'settings.categoryMap.1.activityType', message: 'Invalid option' },
        { path: 'settings.categoryField', message: 'no field "Nope" on activity_timeline' },
        { path: 'settings.categoryMap', message: 'duplicate category "email"' },
        { path: 'settings.unknownThing', message: 'Unrecognized key' },
        { path: 'settings.pageSize.deep', message: 'odd' },
        { path: 'name', message: 'already in use' },
      ],
      paths,
    );
    expect(routed.byPath).toEqual({
      'categoryMap.1.activityType': 'Invalid option',
      categoryField: 'no field "Nope" on activity_timeline',
      categoryMap: 'duplicate category "email"',
      pageSize: 'deep: odd',
    });
    expect(routed.other).toEqual(['unknownThing: Unrecognized key', 'name: already in use']);
  });
});

describe('activity categories', () => {
  it('suggests the design’s default types, within the kind’s allowed types', () => {
    expect(suggestActivityType('Email')).toBe('EMAIL');
    expect(suggestActivityType('Call')).toBe('MEETING');
    expect(suggestActivityType('QBR Meeting')).toBe('MEETING');
    expect(suggestActivityType('Risk')).toBe('TYPE_MANUAL');
    expect(suggestActivityType('webinar', ['NOTE', 'EMAIL'])).toBe('NOTE');
  });

  it('offers only categories not mapped yet, case-insensitively and once', () => {
    expect(unmappedCategories(['email', 'Webinar', 'risk', 'webinar', ''], ['Email', 'meeting'])).toEqual([
      'Webinar',
      'risk',
    ]);
  });
});

describe('checks before saving', () => {
  it('finds repeated survey objects', () => {
    expect(
      duplicateRows([{ object: 'nps' }, { object: 'csat' }, { object: 'NPS ' }, { object: '' }], 'object'),
    ).toEqual([2]);
    expect(duplicateRows(undefined, 'object')).toEqual([]);
  });

  it('validates a where clause as a JSON object', () => {
    expect(parseJsonText('', 'object')).toEqual({ ok: true, value: undefined });
    expect(parseJsonText('{"Status": "Active"}', 'object')).toEqual({ ok: true, value: { Status: 'Active' } });
    expect(parseJsonText('[1]', 'object')).toMatchObject({ ok: false });
    const bad = parseJsonText('{"Status": }', 'object');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/^Not valid JSON/);
  });
});
