import { describe, expect, it } from 'vitest';
import { isConnectorError } from './errors.js';
import { createMapper, type FieldMapSpec, fieldMapSchema, isCustomFieldName } from './mapper.js';

function configMessage(spec: unknown): string {
  try {
    createMapper(spec as FieldMapSpec);
  } catch (error) {
    expect(isConnectorError(error) && error.code).toBe('config');
    return (error as Error).message;
  }
  throw new Error('createMapper accepted an invalid spec');
}

describe('createMapper: renaming and paths', () => {
  it('renames fields and reads dotted paths', () => {
    const map = createMapper({
      rules: [
        { from: 'email', to: 'Email' },
        { from: 'traits.firstName', to: 'FirstName' },
        { from: 'context.traits.company.name', to: 'CompanyName' },
      ],
    });
    expect(
      map({ email: 'a@b.co', traits: { firstName: 'Ada' }, context: { traits: { company: { name: 'Acme' } } } }),
    ).toEqual({ record: { Email: 'a@b.co', FirstName: 'Ada', CompanyName: 'Acme' }, errors: [] });
  });

  it('treats a missing intermediate object as a missing source', () => {
    const map = createMapper({ rules: [{ from: 'traits.firstName', to: 'FirstName' }] });
    expect(map({ traits: 'not an object' })).toEqual({ record: {}, errors: [] });
    expect(map({})).toEqual({ record: {}, errors: [] });
  });

  it('prefers an own key that literally contains dots', () => {
    const map = createMapper({ rules: [{ from: 'a.b', to: 'X' }] });
    expect(map({ 'a.b': 1, a: { b: 2 } }).record).toEqual({ X: 1 });
  });

  it('takes the first present alternative, whatever casing the sender used', () => {
    const map = createMapper({
      rules: [{ from: ['firstName', 'firstname', 'first_name', 'FirstName'], to: 'FirstName' }],
    });
    expect(map({ firstName: 'A' }).record).toEqual({ FirstName: 'A' });
    expect(map({ firstname: 'B' }).record).toEqual({ FirstName: 'B' });
    expect(map({ first_name: 'C' }).record).toEqual({ FirstName: 'C' });
    expect(map({ FirstName: 'D' }).record).toEqual({ FirstName: 'D' });
    expect(map({ first_name: 'C', firstname: 'B' }).record).toEqual({ FirstName: 'B' });
    // An empty earlier alternative does not hide a filled later one.
    expect(map({ firstName: '', first_name: 'C' }).record).toEqual({ FirstName: 'C' });
  });

  it('does not match alternatives that are not listed (no hidden case folding)', () => {
    const map = createMapper({ rules: [{ from: ['firstName'], to: 'FirstName' }] });
    expect(map({ FIRSTNAME: 'A' }).record).toEqual({});
  });

  it('does not build fields no rule names (Name from first + last is the flow’s job)', () => {
    const map = createMapper({
      rules: [
        { from: 'firstName', to: 'FirstName' },
        { from: 'lastName', to: 'LastName' },
        { from: 'name', to: 'Name' },
      ],
    });
    expect(map({ firstName: 'Ada', lastName: 'Lovelace' }).record).toEqual({ FirstName: 'Ada', LastName: 'Lovelace' });
  });
});

describe('createMapper: defaults and required', () => {
  const map = createMapper({
    rules: [
      { from: 'email', to: 'Email', required: true },
      { from: 'stage', to: 'Stage', default: 'New' },
      { from: 'employees', to: 'Employees', type: 'integer', default: '0' },
    ],
  });

  it('uses the default when the source is missing, null or empty', () => {
    for (const stage of [undefined, null, '']) {
      expect(map({ email: 'a@b.co', stage }).record).toEqual({ Email: 'a@b.co', Stage: 'New', Employees: 0 });
    }
    expect(map({ email: 'a@b.co', stage: 'Live', employees: 12 }).record).toEqual({
      Email: 'a@b.co',
      Stage: 'Live',
      Employees: 12,
    });
  });

  it('reports a missing required field by name and leaves it out', () => {
    for (const email of [undefined, null, '']) {
      const { record, errors } = map({ email });
      expect(record).not.toHaveProperty('Email');
      expect(errors).toEqual([{ field: 'Email', message: expect.stringContaining('Email is required') }]);
      expect(errors[0]?.message).toContain('email');
    }
  });

  it('names every alternative when none is present', () => {
    const m = createMapper({ rules: [{ from: ['email', 'traits.email'], to: 'Email', required: true }] });
    expect(m({}).errors[0]?.message).toContain('email / traits.email');
  });

  it('leaves an empty optional source out instead of blanking the target', () => {
    const m = createMapper({ rules: [{ from: 'title', to: 'Title' }] });
    expect(m({ title: null }).record).toEqual({});
    expect(m({ title: '' }).record).toEqual({});
  });

  it('a required rule with a default is satisfied by the default', () => {
    const m = createMapper({ rules: [{ from: 'x', to: 'X', required: true, default: 'd' }] });
    expect(m({})).toEqual({ record: { X: 'd' }, errors: [] });
  });
});

describe('createMapper: type coercion', () => {
  const one = (type: FieldMapSpec['rules'][number]['type'], value: unknown) =>
    createMapper({ rules: [{ from: 'v', to: 'V', type }] })({ v: value });

  it('number: accepts numbers and numeric strings, rejects the rest naming field and value', () => {
    expect(one('number', 12.5).record).toEqual({ V: 12.5 });
    expect(one('number', ' 1200 ').record).toEqual({ V: 1200 });
    expect(one('number', '-3.25e2').record).toEqual({ V: -325 });
    const bad = one('number', '1,200');
    expect(bad.record).toEqual({});
    expect(bad.errors).toEqual([{ field: 'V', message: expect.stringContaining('"1,200"') }]);
    expect(bad.errors[0]?.message).toContain('must be a number');
    for (const value of ['abc', true, {}, [], Number.NaN, Number.POSITIVE_INFINITY, '12abc']) {
      expect(one('number', value).errors).toHaveLength(1);
    }
  });

  it('integer: rejects fractions', () => {
    expect(one('integer', '42').record).toEqual({ V: 42 });
    expect(one('integer', 42).record).toEqual({ V: 42 });
    const bad = one('integer', 4.5);
    expect(bad.record).toEqual({});
    expect(bad.errors[0]).toEqual({ field: 'V', message: expect.stringContaining('whole number') });
    expect(bad.errors[0]?.message).toContain('4.5');
    expect(one('integer', '4.5').errors).toHaveLength(1);
  });

  it('boolean: true/false, "true"/"false", 1/0, "yes"/"no"', () => {
    const cases: [unknown, boolean][] = [
      [true, true],
      [false, false],
      ['true', true],
      ['FALSE', false],
      [1, true],
      [0, false],
      ['1', true],
      ['0', false],
      ['yes', true],
      ['No', false],
    ];
    for (const [input, expected] of cases)
      expect(one('boolean', input)).toEqual({ record: { V: expected }, errors: [] });
    for (const value of ['maybe', 2, {}]) {
      expect(one('boolean', value).errors[0]).toEqual({
        field: 'V',
        message: expect.stringContaining('true or false'),
      });
    }
  });

  it('string: stringifies scalars, rejects objects', () => {
    expect(one('string', 'x').record).toEqual({ V: 'x' });
    expect(one('string', 42).record).toEqual({ V: '42' });
    expect(one('string', false).record).toEqual({ V: 'false' });
    expect(one('string', { a: 1 }).errors[0]?.message).toContain('{"a":1}');
  });

  it('date: YYYY-MM-DD from dates, ISO date-times (UTC day), epoch ms numbers and strings', () => {
    expect(one('date', '2024-03-07').record).toEqual({ V: '2024-03-07' });
    expect(one('date', '2024-03-07T23:30:00-02:00').record).toEqual({ V: '2024-03-08' });
    expect(one('date', Date.UTC(2024, 2, 7, 12)).record).toEqual({ V: '2024-03-07' });
    expect(one('date', String(Date.UTC(2024, 2, 7))).record).toEqual({ V: '2024-03-07' });
    expect(one('date', new Date(Date.UTC(2020, 0, 1))).record).toEqual({ V: '2020-01-01' });
  });

  it('datetime: ISO-8601 UTC with Z from ISO strings (any offset) and epoch ms', () => {
    expect(one('datetime', '2024-03-07T10:11:12Z').record).toEqual({ V: '2024-03-07T10:11:12.000Z' });
    expect(one('datetime', '2024-03-07T10:11:12.5+02:00').record).toEqual({ V: '2024-03-07T08:11:12.500Z' });
    expect(one('datetime', '2024-03-07T10:11:12+0200').record).toEqual({ V: '2024-03-07T08:11:12.000Z' });
    // No offset means UTC, whatever the host's time zone.
    expect(one('datetime', '2024-03-07T10:11').record).toEqual({ V: '2024-03-07T10:11:00.000Z' });
    expect(one('datetime', '2024-03-07').record).toEqual({ V: '2024-03-07T00:00:00.000Z' });
    expect(one('datetime', 1_709_806_272_000).record).toEqual({ V: '2024-03-07T10:11:12.000Z' });
    expect(one('datetime', '1709806272000').record).toEqual({ V: '2024-03-07T10:11:12.000Z' });
  });

  it('date/datetime: rejects what is not a real ISO date or epoch ms', () => {
    for (const value of [
      '2024-02-30',
      '2024-13-01',
      'March 7, 2024',
      '07/03/2024',
      'soon',
      true,
      {},
      '2024-03-07T25:00',
    ]) {
      const result = one('datetime', value);
      expect(result.record).toEqual({});
      expect(result.errors[0]).toEqual({ field: 'V', message: expect.stringContaining('ISO-8601') });
    }
    expect(one('date', 'yesterday').errors[0]?.message).toContain('"yesterday"');
  });

  it('json passes objects and arrays through untouched', () => {
    const value = { a: [1, { b: 2 }] };
    expect(one('json', value).record.V).toBe(value);
    expect(one('json', [1, 2]).record).toEqual({ V: [1, 2] });
  });

  it('auto and absent type keep the value as it came', () => {
    expect(one('auto', '42').record).toEqual({ V: '42' });
    expect(one(undefined, 42).record).toEqual({ V: 42 });
    expect(one(undefined, { x: 1 }).record).toEqual({ V: { x: 1 } });
  });

  it('collects one error per bad field and keeps the good ones', () => {
    const map = createMapper({
      rules: [
        { from: 'a', to: 'A', type: 'number' },
        { from: 'b', to: 'B', type: 'boolean' },
        { from: 'c', to: 'C', required: true },
        { from: 'd', to: 'D' },
      ],
    });
    const { record, errors } = map({ a: 'x', b: 'y', d: 'ok' });
    expect(record).toEqual({ D: 'ok' });
    expect(errors.map((e) => e.field)).toEqual(['A', 'B', 'C']);
  });
});

describe('createMapper: unknown fields', () => {
  const rules = [
    { from: 'email', to: 'Email' },
    { from: ['firstName', 'first_name'], to: 'FirstName' },
    { from: 'traits.plan', to: 'Plan' },
  ];
  const input = {
    email: 'a@b.co',
    first_name: 'Ada',
    firstName: 'Ada',
    traits: { plan: 'pro', other: 1 },
    extra: 'x',
    Renewal_Owner__gc: 'Bo',
    Tier__c: 'Gold',
  };

  it('drop (default): leaves unconsumed keys out but passes vendor custom fields through', () => {
    expect(createMapper({ rules })(input)).toEqual({
      record: { Email: 'a@b.co', FirstName: 'Ada', Plan: 'pro', Renewal_Owner__gc: 'Bo', Tier__c: 'Gold' },
      errors: [],
    });
    expect(createMapper({ rules, unknown: 'drop' })(input).record).not.toHaveProperty('extra');
  });

  it('keep: copies unconsumed top-level keys as they are', () => {
    expect(createMapper({ rules, unknown: 'keep' })(input)).toEqual({
      record: { Email: 'a@b.co', FirstName: 'Ada', Plan: 'pro', extra: 'x', Renewal_Owner__gc: 'Bo', Tier__c: 'Gold' },
      errors: [],
    });
  });

  it('error: reports each unconsumed key except vendor custom fields, which pass through', () => {
    const { record, errors } = createMapper({ rules, unknown: 'error' })(input);
    expect(errors).toEqual([{ field: 'extra', message: expect.stringContaining('extra') }]);
    expect(record).toEqual({
      Email: 'a@b.co',
      FirstName: 'Ada',
      Plan: 'pro',
      Renewal_Owner__gc: 'Bo',
      Tier__c: 'Gold',
    });
  });

  it('a mapped value wins over a passed-through key of the same name', () => {
    const map = createMapper({ rules: [{ from: 'x', to: 'Score__c', type: 'number' }], unknown: 'keep' });
    expect(map({ x: '5', Score__c: 'raw' }).record).toEqual({ Score__c: 5 });
  });

  it('a custom field consumed by a rule is renamed, not passed through', () => {
    const map = createMapper({ rules: [{ from: 'Old__gc', to: 'New__gc' }] });
    expect(map({ Old__gc: 1 }).record).toEqual({ New__gc: 1 });
  });

  it('recognises custom field names', () => {
    expect(isCustomFieldName('Score__c')).toBe(true);
    expect(isCustomFieldName('ExternalRecordID__gc')).toBe(true);
    expect(isCustomFieldName('__c')).toBe(false);
    expect(isCustomFieldName('Score_c')).toBe(false);
    expect(isCustomFieldName('Score__cx')).toBe(false);
  });
});

describe('fieldMapSchema and spec validation', () => {
  it('accepts a valid spec', () => {
    expect(
      fieldMapSchema.safeParse({
        rules: [{ from: ['a', 'b.c'], to: 'A', type: 'date', default: null, required: false }],
        unknown: 'keep',
      }).success,
    ).toBe(true);
  });

  it('explains an empty target', () => {
    expect(configMessage({ rules: [{ from: 'a', to: '' }] })).toContain('rules[0].to: to must not be empty');
    expect(configMessage({ rules: [{ from: 'a', to: '   ' }] })).toContain('to must not be empty');
  });

  it('explains a bad type', () => {
    expect(configMessage({ rules: [{ from: 'a', to: 'A', type: 'float' }] })).toContain(
      'rules[0].type: type must be one of string, number, integer, boolean, date, datetime, json, auto',
    );
  });

  it('explains a duplicate target', () => {
    expect(
      configMessage({
        rules: [
          { from: 'a', to: 'A' },
          { from: 'b', to: 'B' },
          { from: 'c', to: 'A' },
        ],
      }),
    ).toContain('rules[2].to: duplicate target "A" (already set by rule 0)');
  });

  it('explains bad sources, modes and stray keys', () => {
    expect(configMessage({ rules: [{ from: '', to: 'A' }] })).toContain('must not be empty');
    expect(configMessage({ rules: [{ from: [], to: 'A' }] })).toContain('at least one source path');
    expect(configMessage({ rules: [{ from: 'a..b', to: 'A' }] })).toContain('empty segment');
    expect(configMessage({ rules: [{ form: 'a', to: 'A' }] })).toContain('form');
    expect(configMessage({ rules: [], unknown: 'ignore' })).toContain('unknown must be one of drop, keep, error');
    expect(configMessage({})).toContain('rules');
  });

  it('rejects a default that cannot be coerced to the rule’s type', () => {
    expect(configMessage({ rules: [{ from: 'a', to: 'A', type: 'integer', default: 'many' }] })).toContain(
      'default of "A"',
    );
  });
});

describe('createMapper: constants', () => {
  it('writes the same value on every record, coerced to its type', () => {
    const map = createMapper({
      rules: [
        { from: 'name', to: 'Name' },
        { value: 'Hub', to: 'Source' },
        { value: '42', to: 'Tier', type: 'integer' },
        { value: { a: 1 }, to: 'Meta', type: 'json' },
      ],
    });
    expect(map({ name: 'Acme' })).toEqual({
      record: { Name: 'Acme', Source: 'Hub', Tier: 42, Meta: { a: 1 } },
      errors: [],
    });
    expect(map({}).record).toEqual({ Source: 'Hub', Tier: 42, Meta: { a: 1 } });
  });

  it('a constant null or empty text is written as given (a deliberate clear)', () => {
    const map = createMapper({
      rules: [
        { value: null, to: 'Owner' },
        { value: '', to: 'Note', type: 'number' },
      ],
    });
    expect(map({}).record).toEqual({ Owner: null, Note: '' });
  });

  it('refuses a constant that cannot be its type, and constant-only keys misused', () => {
    expect(configMessage({ rules: [{ value: 'many', to: 'N', type: 'number' }] })).toContain(
      'rules[0].value: value of "N" is not a number',
    );
    expect(configMessage({ rules: [{ value: 1, to: 'N', required: true }] })).toContain(
      'rules[0].required: required goes with from or template, not with value',
    );
    expect(configMessage({ rules: [{ value: 1, to: 'N', default: 2 }] })).toContain('default goes with');
    expect(configMessage({ rules: [{ value: 1, from: 'a', to: 'N' }] })).toContain(
      'rules[0].value: a rule takes one of from, value or template, not from and value',
    );
    expect(configMessage({ rules: [{ to: 'N' }] })).toContain(
      'rules[0].from: from is required (or value for a constant, or template for built text)',
    );
  });
});

describe('createMapper: templates', () => {
  const map = createMapper({
    rules: [
      { template: '{{firstName}} {{ lastName }}', to: 'Name' },
      { template: '{{company.name}} ({{company.id}})', to: 'Label' },
      { template: '{{count}}', to: 'Count', type: 'number' },
    ],
  });

  it('builds text from dotted source paths', () => {
    expect(map({ firstName: 'Ada', lastName: 'Lovelace', company: { name: 'Acme', id: 7 }, count: '12' })).toEqual({
      record: { Name: 'Ada Lovelace', Label: 'Acme (7)', Count: 12 },
      errors: [],
    });
  });

  it('reads a missing or null path as empty text, and an all-empty result as no value', () => {
    expect(map({ firstName: 'Ada', lastName: null, company: { name: 'Acme' } }).record).toEqual({
      Name: 'Ada ',
      Label: 'Acme ()',
    });
    // " " (both names missing) would blank the target: it counts as a missing source.
    expect(map({}).record).not.toHaveProperty('Name');
  });

  it('an empty result takes the default or fails a required rule', () => {
    const m = createMapper({
      rules: [
        { template: '{{a}} {{b}}', to: 'AB', default: 'n/a' },
        { template: '{{c}}', to: 'C', required: true },
      ],
    });
    const { record, errors } = m({});
    expect(record).toEqual({ AB: 'n/a' });
    expect(errors).toEqual([{ field: 'C', message: expect.stringContaining('C is required but template "{{c}}"') }]);
  });

  it('counts the placeholders’ top-level keys as read', () => {
    const m = createMapper({ rules: [{ template: '{{a.b}}-{{c}}', to: 'X' }], unknown: 'error' });
    expect(m({ a: { b: 1 }, c: 2 })).toEqual({ record: { X: '1-2' }, errors: [] });
  });

  it('writes objects as JSON and dates as ISO text', () => {
    const m = createMapper({ rules: [{ template: '{{o}} at {{d}}', to: 'X' }] });
    expect(m({ o: { k: [1] }, d: new Date(Date.UTC(2024, 0, 2)) }).record).toEqual({
      X: '{"k":[1]} at 2024-01-02T00:00:00.000Z',
    });
  });

  it('explains a template without placeholders, with a broken one, or with stray braces', () => {
    expect(configMessage({ rules: [{ template: 'Hello', to: 'X' }] })).toContain(
      'rules[0].template: a template needs at least one {{field}} placeholder (use value for a constant)',
    );
    expect(configMessage({ rules: [{ template: '{{ }}', to: 'X' }] })).toContain('is not a source path');
    expect(configMessage({ rules: [{ template: '{{a..b}}', to: 'X' }] })).toContain('is not a source path');
    expect(configMessage({ rules: [{ template: '{{a}} {{b', to: 'X' }] })).toContain('not part of a {{field}}');
    expect(configMessage({ rules: [{ template: '{{a}}', to: 'X', lookup: { a: 'b' } }] })).toContain(
      'rules[0].lookup: lookup goes with from, not with template',
    );
    expect(configMessage({ rules: [{ template: 3, to: 'X' }] })).toContain('template must be text');
  });
});

describe('createMapper: value lookup tables', () => {
  const map = createMapper({
    rules: [{ from: 'tier', to: 'Segment', lookup: { gold: 'Enterprise', silver: 'Mid-Market', '3': 'SMB' } }],
  });

  it('replaces the source value by its entry; numbers and booleans match by their text', () => {
    expect(map({ tier: 'gold' })).toEqual({ record: { Segment: 'Enterprise' }, errors: [] });
    expect(map({ tier: 3 }).record).toEqual({ Segment: 'SMB' });
    expect(map({ tier: '3' }).record).toEqual({ Segment: 'SMB' });
  });

  it('a value with no entry fails the record naming the value; lookupDefault catches it instead', () => {
    expect(map({ tier: 'bronze' })).toEqual({
      record: {},
      errors: [{ field: 'Segment', message: 'Segment (from tier): no lookup entry for "bronze"' }],
    });
    expect(map({ tier: 'Gold' }).errors[0]?.message).toContain('"Gold"');
    expect(map({ tier: { x: 1 } }).errors).toHaveLength(1);
    const withDefault = createMapper({
      rules: [{ from: 'tier', to: 'Segment', lookup: { gold: 'Enterprise' }, lookupDefault: 'Other' }],
    });
    expect(withDefault({ tier: 'bronze' }).record).toEqual({ Segment: 'Other' });
  });

  it('an empty source is not looked up: default and required apply as usual', () => {
    const m = createMapper({
      rules: [
        { from: 'a', to: 'A', lookup: { x: 'X' }, default: 'none' },
        { from: 'b', to: 'B', lookup: { x: 'X' }, required: true },
      ],
    });
    const { record, errors } = m({ a: '', b: null });
    expect(record).toEqual({ A: 'none' });
    expect(errors.map((e) => e.field)).toEqual(['B']);
  });

  it('a null entry or lookupDefault leaves the field out instead of failing', () => {
    const m = createMapper({ rules: [{ from: 't', to: 'T', lookup: { old: null }, lookupDefault: null }] });
    expect(m({ t: 'old' })).toEqual({ record: {}, errors: [] });
    expect(m({ t: 'other' })).toEqual({ record: {}, errors: [] });
  });

  it('coerces the looked-up value to the rule’s type', () => {
    const m = createMapper({
      rules: [{ from: 'size', to: 'Employees', type: 'integer', lookup: { S: '10', L: 1000 } }],
    });
    expect(m({ size: 'S' }).record).toEqual({ Employees: 10 });
    expect(m({ size: 'L' }).record).toEqual({ Employees: 1000 });
  });

  it('explains an empty table, entries that cannot be the type and a lookupDefault without a table', () => {
    expect(configMessage({ rules: [{ from: 'a', to: 'A', lookup: {} }] })).toContain(
      'rules[0].lookup: lookup must have at least one entry',
    );
    expect(configMessage({ rules: [{ from: 'a', to: 'A', lookup: ['x'] }] })).toContain('lookup must be an object');
    expect(configMessage({ rules: [{ from: 'a', to: 'A', type: 'number', lookup: { x: 'many' } }] })).toContain(
      'rules[0].lookup.x: lookup entry "x" of "A" is not a number',
    );
    expect(configMessage({ rules: [{ from: 'a', to: 'A', lookupDefault: 'x' }] })).toContain(
      'rules[0].lookupDefault: lookupDefault goes with a lookup table',
    );
  });
});

describe('rule helpers', () => {
  it('names each rule’s kind and the source paths it reads', async () => {
    const { ruleKind, ruleSources, templatePaths } = await import('./mapper.js');
    expect(ruleKind({ from: 'a', to: 'A' })).toBe('from');
    expect(ruleKind({ value: 1, to: 'A' })).toBe('value');
    expect(ruleKind({ template: '{{a}}', to: 'A' })).toBe('template');
    expect(ruleSources({ from: ['a.b', 'c'], to: 'A' })).toEqual(['a.b', 'c']);
    expect(ruleSources({ template: '{{x.y}} {{ z }}', to: 'A' })).toEqual(['x.y', 'z']);
    expect(ruleSources({ value: 1, to: 'A' })).toEqual([]);
    expect(templatePaths('{{a}}{{b.c}}')).toEqual(['a', 'b.c']);
  });
});
