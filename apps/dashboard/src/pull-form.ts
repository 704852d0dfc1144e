import { humanize } from './format.js';
import { friendlyMessage } from './schema-form.js';
import type { JsonSchema } from './types.js';

// The Gainsight wizard's forms, rendered from each pull kind's settings JSON Schema: which widget a setting
// gets (field and object pickers sourced from describe, category map, JSON editors, nested groups, rows),
// starting values, the payload sent on save and where the hub's issues land. Pure, so it is unit-tested.

/** A JSON Schema node with the few extras the wizard reads (`picker` comes from a kind's `.meta()`). */
export type Node = Omit<JsonSchema, 'properties' | 'items' | 'anyOf' | 'oneOf'> & {
  properties?: Record<string, Node>;
  items?: Node;
  anyOf?: Node[];
  oneOf?: Node[];
  additionalProperties?: boolean | Node;
  picker?: string;
  'x-picker'?: string;
};

export type Widget =
  | { type: 'boolean' }
  | { type: 'select'; options: string[] }
  | { type: 'mode'; options: string[] }
  | { type: 'number'; integer: boolean }
  | { type: 'text' }
  /** A field of the section's Gainsight object (or of a row's object). */
  | { type: 'field'; multiple: boolean }
  /** A field of the primary CRM's Account (the GSID field override). */
  | { type: 'crm-field'; multiple: boolean }
  /** A Gainsight object name. */
  | { type: 'object' }
  | { type: 'category-map'; shape: 'rows' | 'record'; keyName: string; valueName: string; types: string[] }
  | { type: 'json'; must: 'object' | 'any' }
  | { type: 'list' }
  | { type: 'group' }
  | { type: 'rows' };

const isNull = (s: Node) => s.type === 'null' || (Array.isArray(s.type) && s.type.every((t) => t === 'null'));

/** `T | null` and `T | undefined` render as T; real unions stay as they are (they become JSON editors). */
export function unwrap(schema: Node): Node {
  const variants = (schema.anyOf ?? schema.oneOf) as Node[] | undefined;
  if (variants) {
    const real = variants.filter((v) => !isNull(v));
    if (real.length === 1 && real[0]) {
      const { anyOf: _a, oneOf: _o, ...rest } = schema;
      return {
        ...rest,
        ...real[0],
        title: schema.title ?? real[0].title,
        description: schema.description ?? real[0].description,
      };
    }
    return schema;
  }
  if (Array.isArray(schema.type)) {
    const real = schema.type.filter((t) => t !== 'null');
    if (real.length === 1) return { ...schema, type: real[0] };
  }
  return schema;
}

const typeOf = (s: Node) => (Array.isArray(s.type) ? s.type[0] : s.type);
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Settings that name a field: `gsidField`, `metricNameField`, `aggregateKey`, `valueFields`, `fields`. */
export function namesField(key: string): boolean {
  return /(^f|F)ields?$/.test(key) || (/[a-z]Key$/.test(key) && !/api|secret|access/i.test(key));
}

export function widgetOf(key: string, raw: Node): Widget {
  const s = unwrap(raw);
  const hint = s.picker ?? s['x-picker'];
  const type = typeOf(s);
  if (/categor/i.test(key) && (type === 'array' || type === 'object') && !s.properties) {
    const item = s.items ? unwrap(s.items as Node) : undefined;
    if (type === 'array' && item?.properties) {
      const names = Object.keys(item.properties);
      const keyName = names.find((n) => /categor/i.test(n)) ?? names[0] ?? 'category';
      const valueName = names.find((n) => n !== keyName) ?? 'activityType';
      const value = item.properties[valueName] ? unwrap(item.properties[valueName] as Node) : undefined;
      return { type: 'category-map', shape: 'rows', keyName, valueName, types: enumOf(value) };
    }
    if (type === 'object') {
      const value = isPlainObject(s.additionalProperties) ? unwrap(s.additionalProperties) : undefined;
      return {
        type: 'category-map',
        shape: 'record',
        keyName: 'category',
        valueName: 'activityType',
        types: enumOf(value),
      };
    }
  }
  if (hint === 'crm-field' || hint === 'salesforce-field' || (/gsid/i.test(key) && type === 'string')) {
    return { type: 'crm-field', multiple: type === 'array' };
  }
  // A where clause and the field mappings are edited as JSON (the product's "Show JSON" editors).
  if (/^where$|filter/i.test(key) || (/mapping/i.test(key) && type === 'object'))
    return { type: 'json', must: 'object' };
  if (hint === 'object') return { type: 'object' };
  if (hint === 'field' || hint === 'fields') return { type: 'field', multiple: type === 'array' };
  const options = enumOf(s);
  if (options.length > 0 && type !== 'array' && type !== 'object') {
    return key === 'mode' ? { type: 'mode', options } : { type: 'select', options };
  }
  switch (type) {
    case 'boolean':
      return { type: 'boolean' };
    case 'integer':
    case 'number':
      return { type: 'number', integer: type === 'integer' };
    case 'string':
      if (key === 'object' || /Object(Name)?$/.test(key)) return { type: 'object' };
      return namesField(key) ? { type: 'field', multiple: false } : { type: 'text' };
    case 'array': {
      const item = s.items ? unwrap(s.items as Node) : undefined;
      if (item?.properties) return { type: 'rows' };
      if (item && typeOf(item) === 'string' && !enumOf(item).length) {
        return namesField(key) ? { type: 'field', multiple: true } : { type: 'list' };
      }
      return { type: 'json', must: 'any' };
    }
    case 'object':
      if (s.properties && Object.keys(s.properties).length > 0) return { type: 'group' };
      return { type: 'json', must: 'object' };
    default:
      return { type: 'json', must: 'any' };
  }
}

function enumOf(s: Node | undefined): string[] {
  if (!s) return [];
  if (s.enum) return s.enum.filter((v): v is string => typeof v === 'string');
  if (typeof s.const === 'string') return [s.const];
  const variants = (s.anyOf ?? s.oneOf) as Node[] | undefined;
  return variants?.flatMap((v) => (typeof v.const === 'string' ? [v.const] : (v.enum ?? []).map(String))) ?? [];
}

export function labelOf(key: string, raw: Node): string {
  return unwrap(raw).title ?? humanize(key);
}

export interface Prop {
  key: string;
  schema: Node;
  widget: Widget;
  label: string;
  description?: string;
  required: boolean;
}

/** The object's properties in order, with their widgets. `enabled` of a group comes first. */
export function propsOf(schema: Node | undefined): Prop[] {
  const s = schema ? unwrap(schema) : undefined;
  const required = new Set(s?.required ?? []);
  const props = Object.entries((s?.properties ?? {}) as Record<string, Node>).map(([key, raw]): Prop => {
    const node = unwrap(raw);
    return {
      key,
      schema: node,
      widget: widgetOf(key, raw),
      label: labelOf(key, raw),
      ...(node.description ? { description: node.description } : {}),
      required: required.has(key) && node.default === undefined,
    };
  });
  return props.sort((a, b) => Number(b.key === 'enabled') - Number(a.key === 'enabled'));
}

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** The current value with schema defaults filled in, recursively (what the form starts from). */
export function withDefaults(schema: Node | undefined, value: unknown): unknown {
  if (!schema) return value;
  const s = unwrap(schema);
  const current = value === undefined ? clone(s.default) : value;
  if (typeOf(s) === 'object' && s.properties) {
    const base = isPlainObject(current) ? { ...current } : {};
    for (const [key, prop] of Object.entries(s.properties as Record<string, Node>)) {
      const filled = withDefaults(prop, base[key]);
      if (filled !== undefined) base[key] = filled;
    }
    return base;
  }
  if (typeOf(s) === 'array' && Array.isArray(current) && s.items) {
    return current.map((item) => withDefaults(s.items as Node, item));
  }
  return current;
}

/** Empty strings and undefined are left out, so the hub applies its defaults and reports what is missing. */
export function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || v === '') continue;
      out[k] = prune(v);
    }
    return out;
  }
  return value;
}

/** Paths as the hub writes them (`objects.0.object`) below a prefix. */
export const join = (prefix: string, key: string | number) => (prefix ? `${prefix}.${key}` : String(key));

export function getAt(value: unknown, path: string): unknown {
  if (!path) return value;
  let at: unknown = value;
  for (const part of path.split('.')) {
    if (Array.isArray(at)) at = at[Number(part)];
    else if (isPlainObject(at)) at = at[part];
    else return undefined;
  }
  return at;
}

/** A copy of `root` with `value` at `path` (missing objects are created). */
export function setAt(root: unknown, path: string, value: unknown): unknown {
  if (!path) return value;
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  const tail = rest.join('.');
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[Number(head)] = setAt(root[Number(head)], tail, value);
    return copy;
  }
  const base = isPlainObject(root) ? root : {};
  return { ...base, [head]: setAt(base[head], tail, value) };
}

/** Whether a group is switched off (`enabled: false`): its other settings are hidden. */
export const groupOff = (props: Prop[], value: unknown) =>
  props.some((p) => p.key === 'enabled' && p.widget.type === 'boolean') && getAt(value, 'enabled') !== true;

/** Survey-style mode switches: `object` shows in single mode, `objects` in multi mode. */
export function hiddenByMode(key: string, mode: unknown): boolean {
  if (mode === 'single') return key === 'objects';
  if (mode === 'multi' || mode === 'multiple') return key === 'object';
  return false;
}

/** Every path the form renders an input (or a row, or a list) for: where issues can be shown. */
export function renderedPaths(schema: Node | undefined, value: unknown, prefix = ''): string[] {
  const paths: string[] = [];
  const props = propsOf(schema);
  const off = groupOff(props, value);
  const mode = getAt(value, 'mode');
  for (const p of props) {
    if ((off && p.key !== 'enabled') || hiddenByMode(p.key, mode)) continue;
    const path = join(prefix, p.key);
    paths.push(path);
    if (p.widget.type === 'group') paths.push(...renderedPaths(p.schema, getAt(value, p.key), path));
    const w = p.widget;
    if (w.type === 'rows' || (w.type === 'category-map' && w.shape === 'rows')) {
      const rows = getAt(value, p.key);
      const item = p.schema.items as Node | undefined;
      if (Array.isArray(rows)) {
        rows.forEach((row, i) => {
          paths.push(join(path, i));
          const cells = w.type === 'category-map' ? [w.keyName, w.valueName] : propsOf(item).map((c) => c.key);
          for (const cell of cells) paths.push(join(join(path, i), cell));
          if (w.type === 'rows' && item) {
            for (const c of propsOf(item)) {
              if (c.widget.type === 'group')
                paths.push(...renderedPaths(c.schema, getAt(row, c.key), join(join(path, i), c.key)));
            }
          }
        });
      }
    }
  }
  return paths;
}

/**
 * The hub's issues (`settings.objects.1.object`) routed to the deepest input that shows them; the rest
 * (paths no input claims) come back in `other` to show at the top of the section.
 */
export function routeSettingsIssues(
  issues: { path: string; message: string }[],
  paths: string[],
  prefix = 'settings',
): { byPath: Record<string, string>; other: string[] } {
  const byPath: Record<string, string> = {};
  const other: string[] = [];
  const sorted = [...paths].sort((a, b) => b.length - a.length);
  for (const issue of issues) {
    const message = friendlyMessage(issue.message);
    if (issue.path !== prefix && !issue.path.startsWith(`${prefix}.`)) {
      other.push(issue.path ? `${issue.path}: ${message}` : message);
      continue;
    }
    const rest = issue.path === prefix ? '' : issue.path.slice(prefix.length + 1);
    const at = sorted.find((p) => rest === p || rest.startsWith(`${p}.`));
    if (at === undefined) other.push(rest ? `${rest}: ${message}` : message);
    else {
      // An issue deeper than any input (inside a JSON editor) keeps its inner path: "conditions.0.alias: …".
      const inner = rest === at ? message : `${rest.slice(at.length ? at.length + 1 : 0)}: ${message}`;
      byPath[at] = byPath[at] ? `${byPath[at]} ${inner}` : inner;
    }
  }
  return { byPath, other };
}

/** What a mapped category becomes when added with one click: the design's defaults, else a manual note. */
export function suggestActivityType(category: string, types: string[] = []): string {
  const c = category.toLowerCase();
  const pick = (want: string) => (types.length === 0 || types.includes(want) ? want : undefined);
  if (c.includes('email') || c.includes('mail')) return pick('EMAIL') ?? types[0] ?? 'EMAIL';
  if (c.includes('meet') || c.includes('call')) return pick('MEETING') ?? types[0] ?? 'MEETING';
  return pick('TYPE_MANUAL') ?? types[0] ?? 'TYPE_MANUAL';
}

/** Categories not in the map yet (case-insensitive, as the pull matches them), first-seen order. */
export function unmappedCategories(seen: string[], mapped: string[]): string[] {
  const known = new Set(mapped.map((m) => m.trim().toLowerCase()));
  const out: string[] = [];
  for (const c of seen) {
    const k = c.trim().toLowerCase();
    if (!k || known.has(k)) continue;
    known.add(k);
    out.push(c);
  }
  return out;
}

/** Row indexes whose `key` repeats an earlier row's (object names must be unique in multi-object mode). */
export function duplicateRows(rows: unknown, key: string): number[] {
  if (!Array.isArray(rows)) return [];
  const seen = new Set<string>();
  const dupes: number[] = [];
  rows.forEach((row, i) => {
    const name = String(getAt(row, key) ?? '')
      .trim()
      .toLowerCase();
    if (!name) return;
    if (seen.has(name)) dupes.push(i);
    seen.add(name);
  });
  return dupes;
}

/** Parses a JSON editor's text; blank is "not set". */
export function parseJsonText(
  text: string,
  must: 'object' | 'any',
): { ok: true; value: unknown } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: true, value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `Not valid JSON: ${(error as Error).message}` };
  }
  if (must === 'object' && !isPlainObject(value))
    return { ok: false, error: 'Enter a JSON object, like {"Status": "Active"}.' };
  return { ok: true, value };
}
