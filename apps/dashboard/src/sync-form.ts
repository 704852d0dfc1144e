import {
  type FieldSpec,
  type FieldValue,
  fieldsFromSchema,
  friendlyMessage,
  initialValues,
  toPayload,
} from './schema-form.js';
import type { Issue, JsonSchema, WriterMode } from './types.js';

// The generic sync's form state, the create body it sends, and where the hub's 400 issues land. Pure, so
// it is unit-tested; pages/sync-form.tsx only renders it.

// ---------- Stream and writer options (rendered from their JSON Schemas) ----------

/**
 * How one option is edited: `object` names a discovered object (a select from discover); an array of
 * field names (`fields`, `select`, `keys`, `…Fields`) is a checklist of the object's fields; another array of
 * strings is typed comma-separated; everything else is a schema-form field.
 */
export type OptionPart =
  | { type: 'object'; spec: FieldSpec }
  | { type: 'fields'; spec: FieldSpec }
  | { type: 'list'; spec: FieldSpec }
  | { type: 'field'; spec: FieldSpec };

export type OptionValue = FieldValue | string[];
export type OptionValues = Record<string, OptionValue>;

const FIELD_LIST = /^(fields|keys|select)$|(Fields|Keys)$/;

function arrayOf(prop: JsonSchema | undefined): JsonSchema | undefined {
  if (!prop) return undefined;
  if (prop.type === 'array') return prop;
  return (prop.anyOf ?? prop.oneOf)?.find((v) => v.type === 'array');
}

/** A stream's field-list options: the hub fills one left out with the fields the mapping reads. */
export const STREAM_FIELD_LISTS = ['fields', 'select'];

/**
 * `role: 'stream'` marks a stream's field list (`fields`, `select`) optional, since the hub fills it in
 * when it is left out.
 */
export function optionParts(schema: JsonSchema | null | undefined, role?: 'stream' | 'writer'): OptionPart[] {
  if (!schema) return [];
  const props = schema.properties ?? {};
  return fieldsFromSchema(schema).map((spec): OptionPart => {
    const prop = props[spec.key];
    const array = arrayOf(prop);
    if (array && array.items?.type === 'string' && !array.items.enum) {
      if (!FIELD_LIST.test(spec.key)) return { type: 'list', spec };
      const filled = role === 'stream' && STREAM_FIELD_LISTS.includes(spec.key);
      return { type: 'fields', spec: filled ? { ...spec, required: false } : spec };
    }
    if (spec.key === 'object' && spec.kind === 'text') return { type: 'object', spec };
    return { type: 'field', spec };
  });
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/**
 * Starting values: what is saved when editing, else the schema's defaults. Field lists start empty (the
 * connector's default, or for match keys the sync's key, applies to what is left out) so that a default
 * such as `keys: ["Name"]` is not sent as if chosen, overriding the key picked later.
 */
export function initialOptionValues(parts: OptionPart[], current: Record<string, unknown> = {}): OptionValues {
  const values: OptionValues = {};
  const plain = parts.flatMap((p) => (p.type === 'field' ? [p.spec] : []));
  Object.assign(values, initialValues(plain, current));
  for (const { type, spec } of parts) {
    const value = spec.key in current ? current[spec.key] : type === 'fields' ? undefined : spec.defaultValue;
    if (type === 'object') values[spec.key] = typeof value === 'string' ? value : '';
    if (type === 'fields' || type === 'list') values[spec.key] = stringList(value);
  }
  return values;
}

/** Options as the hub takes them: blank ones left out so the connector's defaults apply. */
export function optionsPayload(
  parts: OptionPart[],
  values: OptionValues,
): { value: Record<string, unknown>; errors: Record<string, string> } {
  const plain = parts.flatMap((p) => (p.type === 'field' ? [p.spec] : []));
  const fieldValues = Object.fromEntries(
    plain.map((s) => [s.key, values[s.key] as FieldValue | undefined]).filter(([, v]) => v !== undefined),
  );
  const { value, errors } = toPayload(plain, fieldValues);
  for (const spec of plain) {
    // An unticked box the connector does not default to true is its default: leave it out.
    if (spec.kind === 'boolean' && value[spec.key] === false && spec.defaultValue !== true) delete value[spec.key];
  }
  for (const { type, spec } of parts) {
    const v = values[spec.key];
    if (type === 'object' && typeof v === 'string' && v.trim() !== '') value[spec.key] = v.trim();
    if ((type === 'fields' || type === 'list') && Array.isArray(v) && v.length > 0) value[spec.key] = v;
  }
  return { value, errors };
}

/** The object a stream reads or a writer writes: its `object` option, else the one it declares. */
export function objectOf(parts: OptionPart[], values: OptionValues, declared?: string | null): string | undefined {
  const part = parts.find((p) => p.type === 'object');
  const chosen = part ? values[part.spec.key] : undefined;
  if (typeof chosen === 'string' && chosen.trim() !== '') return chosen.trim();
  return declared ?? undefined;
}

// ---------- Mapping rows ----------

export type RowKind = 'field' | 'constant' | 'template' | 'lookup';

export const ROW_KINDS: { kind: RowKind; label: string }[] = [
  { kind: 'field', label: 'Field' },
  { kind: 'constant', label: 'Constant value' },
  { kind: 'template', label: 'Template' },
  { kind: 'lookup', label: 'Lookup table' },
];

/** Coercions the core mapper applies (`''`: the value as it comes). */
export const TARGET_TYPES: { value: string; label: string }[] = [
  { value: '', label: 'As it comes' },
  { value: 'string', label: 'Text' },
  { value: 'number', label: 'Number' },
  { value: 'integer', label: 'Whole number' },
  { value: 'boolean', label: 'True / false' },
  { value: 'date', label: 'Date' },
  { value: 'datetime', label: 'Date and time' },
  { value: 'json', label: 'JSON' },
];

export interface MappingRow {
  /** Stable across edits, so an issue or the focus stays on its row when rows above are removed. */
  key: number;
  kind: RowKind;
  /** Source path (field and lookup rows); alternatives are written `a | b`. */
  from: string;
  /** A constant row's value, as typed. */
  value: string;
  /** A template row's text, e.g. `{{FirstName}} {{LastName}}`. */
  template: string;
  /** A lookup row's table, one `source value = target value` per line. */
  lookup: string;
  lookupDefault: string;
  to: string;
  type: string;
  /** Rule keys the form does not edit (`default`, `required`), kept so a save does not drop them (not for constants). */
  extra: Record<string, unknown>;
}

let nextKey = 1;
export function newMappingRow(init: Partial<Omit<MappingRow, 'key'>> = {}): MappingRow {
  return {
    key: nextKey++,
    kind: 'field',
    from: '',
    value: '',
    template: '',
    lookup: '',
    lookupDefault: '',
    to: '',
    type: '',
    extra: {},
    ...init,
  };
}

const text = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function formatLookup(table: unknown): string {
  if (!isRecord(table)) return '';
  return Object.entries(table)
    .map(([from, to]) => `${from} = ${text(to)}`)
    .join('\n');
}

/** `Gold = Tier 1` lines → `{ Gold: "Tier 1" }`; blank lines are ignored. */
export function parseLookup(input: string): { table: Record<string, string>; error?: string } {
  const table: Record<string, string> = {};
  const lines = input.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const at = line.indexOf('=');
    if (at <= 0) return { table, error: `Line ${i + 1}: write it as “source value = target value”.` };
    const from = line.slice(0, at).trim();
    if (from in table) return { table, error: `Line ${i + 1}: “${from}” is listed twice.` };
    table[from] = line.slice(at + 1).trim();
  }
  return { table };
}

const fromText = (from: unknown) => (Array.isArray(from) ? from.map(String).join(' | ') : text(from));
const fromValue = (from: string): string | string[] => {
  const list = from
    .split('|')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length > 1 ? list : (list[0] ?? '');
};

/** Saved mapping rules → editable rows (the kind is read from the rule's shape). */
export function rowsFromMapping(mapping: unknown): MappingRow[] {
  if (!Array.isArray(mapping)) return [];
  return mapping.filter(isRecord).map((rule) => {
    const { from, to, type, value, template, lookup, lookupDefault, ...extra } = rule;
    const common = { to: text(to), type: typeof type === 'string' && type !== 'auto' ? type : '', extra };
    if ('value' in rule) {
      const kind = typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : '';
      const json = value !== null && typeof value === 'object';
      return newMappingRow({ ...common, kind: 'constant', value: text(value), type: json ? 'json' : kind });
    }
    if (typeof template === 'string') return newMappingRow({ ...common, kind: 'template', template });
    if (lookup !== undefined) {
      return newMappingRow({
        ...common,
        kind: 'lookup',
        from: fromText(from),
        lookup: formatLookup(lookup),
        lookupDefault: text(lookupDefault),
      });
    }
    return newMappingRow({ ...common, kind: 'field', from: fromText(from) });
  });
}

/** A constant as typed, turned into the JSON value of its type. */
export function constantValue(input: string, type: string): { value: unknown; error?: string } {
  const t = input.trim();
  switch (type) {
    case 'number':
    case 'integer': {
      const n = Number(t);
      if (t === '' || !Number.isFinite(n)) return { value: input, error: 'Enter a number.' };
      if (type === 'integer' && !Number.isInteger(n)) return { value: input, error: 'Enter a whole number.' };
      return { value: n };
    }
    case 'boolean':
      if (/^(true|yes)$/i.test(t)) return { value: true };
      if (/^(false|no)$/i.test(t)) return { value: false };
      return { value: input, error: 'Enter true or false.' };
    case 'json':
      try {
        return { value: JSON.parse(t) };
      } catch (error) {
        return { value: input, error: `Not valid JSON: ${(error as Error).message}` };
      }
    default:
      return { value: input };
  }
}

const isBlankRow = (r: MappingRow) =>
  [r.from, r.value, r.template, r.lookup, r.lookupDefault, r.to].every((v) => v.trim() === '');

/** The rule one row sends, and the problems found before sending (keyed by the rule's column). */
export function ruleOf(row: MappingRow): { rule: Record<string, unknown>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const to = row.to.trim();
  const type = row.type ? { type: row.type } : {};
  let rule: Record<string, unknown>;
  switch (row.kind) {
    case 'constant': {
      const constant = constantValue(row.value, row.type);
      if (constant.error) errors['value'] = constant.error;
      rule = { value: constant.value, to };
      break;
    }
    case 'template':
      rule = { ...row.extra, template: row.template, to, ...type };
      break;
    case 'lookup': {
      const parsed = parseLookup(row.lookup);
      if (parsed.error) errors['lookup'] = parsed.error;
      rule = { ...row.extra, from: fromValue(row.from), to, lookup: parsed.table, ...type };
      if (row.lookupDefault.trim() !== '') rule['lookupDefault'] = row.lookupDefault.trim();
      break;
    }
    default:
      rule = { ...row.extra, from: fromValue(row.from), to, ...type };
  }
  return { rule, errors };
}

/** Every source path the mapping reads: fields, lookups and the `{{paths}}` of templates. */
export function sourcePaths(rows: MappingRow[]): string[] {
  const paths: string[] = [];
  for (const r of rows) {
    if (r.kind === 'field' || r.kind === 'lookup') {
      const from = fromValue(r.from);
      paths.push(...(Array.isArray(from) ? from : [from]));
    }
    if (r.kind === 'template') paths.push(...templatePaths(r.template));
  }
  return [...new Set(paths.filter(Boolean))];
}

export function templatePaths(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([^{}]+?)\s*\}\}/g)].map((m) => m[1]!);
}

/** The target fields the mapping sets: what the key may be chosen from. */
export function keyCandidates(rows: MappingRow[]): string[] {
  return [...new Set(rows.map((r) => r.to.trim()).filter(Boolean))];
}

/** Update and upsert writers must know which target field finds the record to change. */
export const needsKey = (mode: WriterMode | undefined) => mode === 'update' || mode === 'upsert';

// ---------- The whole create body ----------

export interface SyncState {
  name: string;
  /** The source connection (the pipeline's own). */
  connectionId: string;
  stream: string;
  streamOptions: OptionValues;
  destinationConnectionId: string;
  writer: string;
  writerOptions: OptionValues;
  mapping: MappingRow[];
  key: string;
  schedule: string;
  enabled: boolean;
}

export interface SyncShape {
  streamParts: OptionPart[];
  writerParts: OptionPart[];
  writerMode?: WriterMode | undefined;
}

export interface BuiltSync {
  body: {
    kind: 'sync';
    name: string;
    connectionId: string;
    schedule: string;
    enabled: boolean;
    settings: Record<string, unknown>;
  };
  /** The row key of each mapping rule sent, by position: issue `settings.mapping.1.to` is `sent[1]`. */
  sent: number[];
  /** Problems found before sending, keyed like the form's error ids. */
  errors: Record<string, string>;
}

export function buildSync(state: SyncState, shape: SyncShape): BuiltSync {
  const errors: Record<string, string> = {};
  const rows = state.mapping.filter((r) => !isBlankRow(r));
  const sent: number[] = [];
  const mapping = rows.map((row) => {
    sent.push(row.key);
    const { rule, errors: cells } = ruleOf(row);
    for (const [column, message] of Object.entries(cells)) errors[`mapping.${row.key}.${column}`] = message;
    return rule;
  });

  // A field list left empty is not filled in here: the hub reads the fields the mapping uses at each run,
  // so a row added later is read without editing the stream's options.
  const stream = optionsPayload(shape.streamParts, state.streamOptions);
  for (const [k, m] of Object.entries(stream.errors)) errors[`streamOptions.${k}`] = m;
  const writer = optionsPayload(shape.writerParts, state.writerOptions);
  for (const [k, m] of Object.entries(writer.errors)) errors[`writerOptions.${k}`] = m;

  const key = state.key.trim();
  if (!key && needsKey(shape.writerMode) && state.writer) {
    errors['key'] = `Choose the field that finds the record to ${shape.writerMode}: this writer needs one.`;
  }
  const settings: Record<string, unknown> = {
    stream: state.stream,
    streamOptions: stream.value,
    destinationConnectionId: state.destinationConnectionId,
    writer: state.writer,
    writerOptions: writer.value,
    mapping,
  };
  if (key) settings['key'] = key;
  return {
    body: {
      kind: 'sync',
      name: state.name.trim(),
      connectionId: state.connectionId,
      schedule: state.schedule,
      enabled: state.enabled,
      settings,
    },
    sent,
    errors,
  };
}

const TOP_LEVEL = ['name', 'connectionId', 'schedule', 'enabled'];
const SETTINGS = ['stream', 'writer', 'destinationConnectionId', 'key'];
const RULE_COLUMNS = ['from', 'value', 'template', 'lookup', 'lookupDefault', 'to', 'type'];

/**
 * The hub's issues (`settings.mapping.1.to`, `settings.streamOptions.object`, `name`…) → the form's error
 * ids (`mapping.<row key>.to`, `streamOptions.object`, `name`). Issues no input claims go to `other`.
 */
export function routeSyncIssues(
  issues: Issue[],
  sent: number[],
  shape: SyncShape,
): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  const put = (id: string, message: string) => {
    byField[id] = byField[id] ? `${byField[id]} ${message}` : message;
  };
  for (const issue of issues) {
    const message = friendlyMessage(issue.message);
    const [head, key, index, column] = issue.path.split('.');
    if (head && TOP_LEVEL.includes(head) && key === undefined) {
      put(head, message);
      continue;
    }
    if (head !== 'settings' || key === undefined) {
      other.push(issue.path ? `${issue.path}: ${message}` : message);
      continue;
    }
    if (SETTINGS.includes(key) && index === undefined) {
      put(key, message);
      continue;
    }
    if (key === 'streamOptions' || key === 'writerOptions') {
      const parts = key === 'streamOptions' ? shape.streamParts : shape.writerParts;
      const known = index !== undefined && parts.some((p) => p.spec.key === index);
      put(known ? `${key}.${index}` : key, index !== undefined && !known ? `${index}: ${message}` : message);
      continue;
    }
    if (key === 'mapping') {
      const rowKey = index === undefined ? undefined : sent[Number(index)];
      if (rowKey === undefined) put('mapping', message);
      else if (column && RULE_COLUMNS.includes(column)) put(`mapping.${rowKey}.${column}`, message);
      else put(`mapping.${rowKey}.row`, column ? `${column}: ${message}` : message);
      continue;
    }
    other.push(`${issue.path}: ${message}`);
  }
  return { byField, other };
}

// ---------- Preview display ----------

/** The value at a dotted path (`Owner.Name`) of a record, or undefined. */
export function readPath(record: unknown, path: string): unknown {
  let at: unknown = record;
  for (const segment of path.split('.')) {
    if (!isRecord(at)) return undefined;
    at = at[segment];
  }
  return at;
}

/** A value in one line for the preview tables: strings as they are, the rest as JSON. */
export function showValue(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
