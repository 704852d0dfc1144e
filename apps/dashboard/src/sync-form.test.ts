import { describe, expect, it } from 'vitest';
import {
  buildSync,
  constantValue,
  formatLookup,
  initialOptionValues,
  keyCandidates,
  needsKey,
  newMappingRow,
  objectOf,
  optionParts,
  optionsPayload,
  parseLookup,
  readPath,
  routeSyncIssues,
  rowsFromMapping,
  ruleOf,
  type SyncState,
  sourcePaths,
} from './sync-form.js';
import type { JsonSchema } from './types.js';

// Shaped like `z.toJSONSchema(options, { io: 'input' })` of the Salesforce object stream and the Gainsight
// company_update writer.
const streamSchema: JsonSchema = JSON.parse(`{
  "type": "object",
  "properties": {
    "object": { "default": "Account", "type": "string", "title": "Object", "description": "API name" },
    "fields": { "type": "array", "minItems": 1, "items": { "type": "string" }, "title": "Fields" },
    "pageSize": { "type": "integer", "minimum": 1, "title": "Page size" }
  },
  "required": ["fields"]
}`);
const writerSchema: JsonSchema = JSON.parse(`{
  "type": "object",
  "properties": {
    "keys": { "default": ["Name"], "type": "array", "items": { "type": "string" }, "title": "Match on" },
    "tags": { "type": "array", "items": { "type": "string" } },
    "dryRunOnly": { "type": "boolean" }
  }
}`);

const streamParts = optionParts(streamSchema, 'stream');
const writerParts = optionParts(writerSchema, 'writer');

describe('options', () => {
  it('renders `object` as an object picker, field-name arrays as checklists, the rest from schema-form', () => {
    expect(streamParts.map((p) => `${p.type}:${p.spec.key}`)).toEqual([
      'object:object',
      'fields:fields',
      'field:pageSize',
    ]);
    expect(writerParts.map((p) => `${p.type}:${p.spec.key}`)).toEqual(['fields:keys', 'list:tags', 'field:dryRunOnly']);
    expect(optionParts(null)).toEqual([]);
    // The hub fills a stream's field list left out, so it is not required here; elsewhere it stays so.
    expect(streamParts[1]?.spec.required).toBe(false);
    expect(optionParts(streamSchema)[1]?.spec.required).toBe(true);
  });

  it('starts from the saved options, else the defaults (field lists empty), and sends only what is set', () => {
    const fresh = initialOptionValues(streamParts);
    expect(fresh).toEqual({ object: 'Account', fields: [], pageSize: '' });
    expect(initialOptionValues(writerParts)).toEqual({ keys: [], tags: [], dryRunOnly: false });
    expect(initialOptionValues(writerParts, { keys: ['Name', 'Domain'] })['keys']).toEqual(['Name', 'Domain']);
    const saved = initialOptionValues(streamParts, { object: 'Contact', fields: ['Email'], pageSize: 500 });
    expect(saved).toEqual({ object: 'Contact', fields: ['Email'], pageSize: '500' });
    expect(optionsPayload(streamParts, saved)).toEqual({
      value: { object: 'Contact', fields: ['Email'], pageSize: 500 },
      errors: {},
    });
    expect(optionsPayload(streamParts, { ...fresh, object: ' ', pageSize: '2.5' })).toEqual({
      value: {},
      errors: { pageSize: 'Enter a whole number.' },
    });
  });

  it('finds the object from the `object` option, else what the stream or writer declares', () => {
    expect(objectOf(streamParts, { object: 'Contact' }, 'Account')).toBe('Contact');
    expect(objectOf(streamParts, { object: '' }, 'Account')).toBe('Account');
    expect(objectOf(writerParts, {}, 'Company')).toBe('Company');
    expect(objectOf(writerParts, {}, null)).toBeUndefined();
  });
});

describe('mapping rows', () => {
  it('turns each row kind into its core mapper rule', () => {
    expect(ruleOf(newMappingRow({ from: 'Name', to: 'Name', type: 'string' })).rule).toEqual({
      from: 'Name',
      to: 'Name',
      type: 'string',
    });
    expect(ruleOf(newMappingRow({ from: 'Email | PersonEmail', to: 'Email' })).rule).toEqual({
      from: ['Email', 'PersonEmail'],
      to: 'Email',
    });
    expect(ruleOf(newMappingRow({ kind: 'constant', value: '100', type: 'integer', to: 'Score' })).rule).toEqual({
      value: 100,
      to: 'Score',
    });
    expect(ruleOf(newMappingRow({ kind: 'template', template: '{{First}} {{Last}}', to: 'Full' })).rule).toEqual({
      template: '{{First}} {{Last}}',
      to: 'Full',
    });
    expect(
      ruleOf(newMappingRow({ kind: 'template', template: '{{Employees}}', to: 'Size', type: 'integer' })).rule,
    ).toEqual({
      template: '{{Employees}}',
      to: 'Size',
      type: 'integer',
    });
    expect(
      ruleOf(
        newMappingRow({
          kind: 'lookup',
          from: 'Tier',
          lookup: 'Gold = Tier 1\n\nSilver=Tier 2',
          lookupDefault: 'Other',
          to: 'Stage',
        }),
      ).rule,
    ).toEqual({ from: 'Tier', to: 'Stage', lookup: { Gold: 'Tier 1', Silver: 'Tier 2' }, lookupDefault: 'Other' });
  });

  it('says what is wrong with a constant or a lookup table before sending', () => {
    expect(ruleOf(newMappingRow({ kind: 'constant', value: 'lots', type: 'number', to: 'N' })).errors).toEqual({
      value: 'Enter a number.',
    });
    expect(constantValue('Yes', 'boolean')).toEqual({ value: true });
    expect(constantValue('{"a":1}', 'json')).toEqual({ value: { a: 1 } });
    expect(constantValue(' as typed ', '')).toEqual({ value: ' as typed ' });
    expect(parseLookup('Gold Tier 1').error).toBe('Line 1: write it as “source value = target value”.');
    expect(parseLookup('a = 1\na = 2').error).toBe('Line 2: “a” is listed twice.');
  });

  it('reads saved rules back into rows of the right kind, keeping what the form does not edit', () => {
    const rows = rowsFromMapping([
      { from: 'Name', to: 'Name', required: true },
      { value: 5, to: 'Score' },
      { template: '{{A}}-{{B}}', to: 'Code' },
      { from: ['x', 'y'], to: 'Tier', lookup: { Gold: 1 }, lookupDefault: 'none', type: 'auto' },
    ]);
    expect(rows.map((r) => [r.kind, r.from, r.value, r.template, r.lookup, r.lookupDefault, r.to, r.type])).toEqual([
      ['field', 'Name', '', '', '', '', 'Name', ''],
      ['constant', '', '5', '', '', '', 'Score', 'number'],
      ['template', '', '', '{{A}}-{{B}}', '', '', 'Code', ''],
      ['lookup', 'x | y', '', '', 'Gold = 1', 'none', 'Tier', ''],
    ]);
    expect(ruleOf(rows[0]!).rule).toEqual({ from: 'Name', to: 'Name', required: true });
    expect(ruleOf(rows[1]!).rule).toEqual({ value: 5, to: 'Score' });
    expect(formatLookup({ a: 'b', c: true })).toBe('a = b\nc = true');
    expect(rowsFromMapping('nope')).toEqual([]);
  });

  it('lists the source paths read and the targets a key may be chosen from', () => {
    const rows = [
      newMappingRow({ from: 'Name', to: 'Name' }),
      newMappingRow({ kind: 'template', template: '{{ Owner.Name }} / {{Industry}}', to: 'Note' }),
      newMappingRow({ kind: 'lookup', from: 'Rating', to: 'Name' }),
      newMappingRow({ kind: 'constant', value: 'x', to: 'Source' }),
    ];
    expect(sourcePaths(rows)).toEqual(['Name', 'Owner.Name', 'Industry', 'Rating']);
    expect(keyCandidates(rows)).toEqual(['Name', 'Note', 'Source']);
    expect([needsKey('update'), needsKey('upsert'), needsKey('insert'), needsKey(undefined)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

const state = (over: Partial<SyncState> = {}): SyncState => ({
  name: ' Accounts → Companies ',
  connectionId: 'sf1',
  stream: 'accounts',
  streamOptions: initialOptionValues(streamParts),
  destinationConnectionId: 'gs1',
  writer: 'company_update',
  writerOptions: initialOptionValues(writerParts),
  mapping: [
    newMappingRow({ from: 'Name', to: 'Name' }),
    newMappingRow(),
    newMappingRow({ from: 'Industry', to: 'Industry' }),
  ],
  key: 'Name',
  schedule: '0 3 * * *',
  enabled: true,
  ...over,
});

describe('buildSync', () => {
  const shape = { streamParts, writerParts, writerMode: 'update' as const };

  it('builds the create body; blank rows and unset options are left out', () => {
    const s = state();
    const built = buildSync(s, shape);
    expect(built.errors).toEqual({});
    expect(built.sent).toEqual([s.mapping[0]!.key, s.mapping[2]!.key]);
    expect(built.body).toEqual({
      kind: 'sync',
      name: 'Accounts → Companies',
      connectionId: 'sf1',
      schedule: '0 3 * * *',
      enabled: true,
      settings: {
        stream: 'accounts',
        streamOptions: { object: 'Account' },
        destinationConnectionId: 'gs1',
        writer: 'company_update',
        writerOptions: {},
        mapping: [
          { from: 'Name', to: 'Name' },
          { from: 'Industry', to: 'Industry' },
        ],
        key: 'Name',
      },
    });
  });

  it('sends the fields the user chose, and asks for a key when the writer updates', () => {
    const built = buildSync(
      state({ key: '', streamOptions: { object: 'Account', fields: ['Id'], pageSize: '' } }),
      shape,
    );
    expect(built.body.settings['streamOptions']).toEqual({ object: 'Account', fields: ['Id'] });
    expect(built.body.settings['key']).toBeUndefined();
    expect(built.errors['key']).toMatch(/finds the record to update/);
    expect(buildSync(state({ key: '' }), { ...shape, writerMode: 'insert' }).errors).toEqual({});
  });

  it('puts a row’s own problem on its cell', () => {
    const bad = newMappingRow({ kind: 'constant', value: 'x', type: 'integer', to: 'Score' });
    const built = buildSync(state({ mapping: [bad] }), shape);
    expect(built.errors).toEqual({ [`mapping.${bad.key}.value`]: 'Enter a number.' });
  });
});

describe('routeSyncIssues', () => {
  it('sends each hub issue to its input: rows by their key, options by name, the rest listed', () => {
    const s = state();
    const built = buildSync(s, { streamParts, writerParts });
    const [first, , third] = s.mapping;
    const routed = routeSyncIssues(
      [
        { path: 'name', message: 'required' },
        { path: 'settings.stream', message: 'unknown stream "acounts"; known: accounts' },
        { path: 'settings.streamOptions.object', message: 'no object Acount' },
        { path: 'settings.streamOptions.colour', message: 'unknown option' },
        { path: 'settings.mapping.0.from', message: 'no field Nme on Account' },
        { path: 'settings.mapping.1.to', message: 'no field Industryy on Company' },
        { path: 'settings.mapping.1.default', message: 'not a number' },
        { path: 'settings.mapping.7.to', message: 'lost' },
        { path: 'settings.key', message: 'expected string, received undefined' },
        { path: 'settings.frequency', message: 'unknown key' },
        { path: '', message: 'broken' },
      ],
      built.sent,
      { streamParts, writerParts },
    );
    expect(routed.byField).toEqual({
      name: 'required',
      stream: 'unknown stream "acounts"; known: accounts',
      'streamOptions.object': 'no object Acount',
      streamOptions: 'colour: unknown option',
      [`mapping.${first!.key}.from`]: 'no field Nme on Account',
      [`mapping.${third!.key}.to`]: 'no field Industryy on Company',
      [`mapping.${third!.key}.row`]: 'default: not a number',
      mapping: 'lost',
      key: 'Required.',
    });
    expect(routed.other).toEqual(['settings.frequency: unknown key', 'broken']);
  });
});

describe('readPath', () => {
  it('reads dotted paths of a record', () => {
    expect(readPath({ Owner: { Name: 'Ada' } }, 'Owner.Name')).toBe('Ada');
    expect(readPath({ Owner: null }, 'Owner.Name')).toBeUndefined();
  });
});
