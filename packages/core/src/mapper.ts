import { z } from 'zod';
import { ConnectorError } from './errors.js';

/**
 * Field mappers are data: a JSON field map (which the dashboard edits) turned into a pure function.
 * A rule fills one output field, in one of three ways:
 * - from a source path (`{from, to}`): renamed, optionally looked up in a value table (`lookup`),
 *   defaulted, required, and coerced to a type;
 * - a constant (`{value, to}`): the same value on every record;
 * - a template (`{template: "{{firstName}} {{lastName}}", to}`): text built from source paths, a missing
 *   one reading as empty text.
 * Anything richer (looking ids up at a vendor, aggregating) belongs to the flow that calls the mapper.
 */

export type TargetType = 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'datetime' | 'json' | 'auto';

/** A rule that reads a source path (rename, coercion, default, required, value lookup table). */
export interface FieldRule {
  /** Dotted path into the input (`traits.firstName`), or alternatives of which the first present wins. */
  from: string | string[];
  /** Output key, taken literally (no nesting). */
  to: string;
  /** Coercion applied to the value (after the lookup); `auto` or absent keeps it as it came. */
  type?: TargetType | undefined;
  /** Used when the source is missing, null or ''. Coerced like a source value. */
  default?: unknown;
  required?: boolean | undefined;
  /**
   * Value table: the source value (as text: `1`, `true` and `"1"` are all the key "1") is replaced by
   * the entry's value. A value with no entry is a per-record error naming it, unless `lookupDefault` is set.
   */
  lookup?: Record<string, unknown> | undefined;
  /** What a value with no `lookup` entry becomes; null or '' leaves the field out instead of failing. */
  lookupDefault?: unknown;
}

/** The same value on every record (coerced to `type` when given). */
export interface ConstantRule {
  value: unknown;
  to: string;
  type?: TargetType | undefined;
}

/**
 * Text built from source paths: `{{path}}` is replaced by the value at that dotted path (missing or
 * null → empty text). A result that is empty or only spaces counts as a missing source (default,
 * required), so it never blanks the target.
 */
export interface TemplateRule {
  template: string;
  to: string;
  type?: TargetType | undefined;
  default?: unknown;
  required?: boolean | undefined;
}

export type MapRule = FieldRule | ConstantRule | TemplateRule;

export interface FieldMapSpec {
  rules: MapRule[];
  /**
   * Top-level input keys no rule reads: dropped (default), kept as they are, or reported as errors.
   * Vendor custom fields (`…__gc`, `…__c`) always pass through as they are.
   */
  unknown?: 'drop' | 'keep' | 'error' | undefined;
}

export interface MapError {
  /** The output field (or, for an unknown input key, that key). */
  field: string;
  message: string;
}

export interface MapResult {
  record: Record<string, unknown>;
  errors: MapError[];
}

const TARGET_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'datetime', 'json', 'auto'] as const;

const pathSchema = z
  .string({ error: 'a source path must be a string' })
  .refine((p) => p.trim() !== '', { error: 'a source path must not be empty' })
  .refine((p) => p.split('.').every((segment) => segment !== ''), {
    error: (issue) => `source path "${issue.input}" has an empty segment`,
  });

/** `{{ path }}` placeholders of a template. */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The source paths a template reads, in order of appearance. */
export function templatePaths(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

/** Why a template cannot work, or undefined. */
function templateProblem(template: string): string | undefined {
  const paths = templatePaths(template);
  if (paths.length === 0) {
    return 'a template needs at least one {{field}} placeholder (use value for a constant)';
  }
  const bad = paths.find((p) => p === '' || p.split('.').some((segment) => segment.trim() === ''));
  if (bad !== undefined) return `placeholder {{${bad}}} is not a source path`;
  const rest = template.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) return 'a {{ or }} is not part of a {{field}} placeholder';
  return undefined;
}

const to = z
  .string({ error: (issue) => (issue.input === undefined ? 'to is required' : 'to must be a string') })
  .refine((t) => t.trim() !== '', { error: 'to must not be empty' });

/**
 * One schema for every kind of rule, so a bad rule is explained field by field (`rules[2].lookup`)
 * and the dashboard sees one row shape; which keys go together is checked below.
 */
const ruleObject = z.strictObject(
  {
    from: z
      .union([pathSchema, z.array(pathSchema).min(1, { error: 'from must list at least one source path' })], {
        error: 'from must be a path or a list of paths',
      })
      .optional()
      .meta({ title: 'Source field', description: 'Dotted path into the source record, e.g. Name or traits.plan.' }),
    value: z
      .unknown()
      .optional()
      .meta({ title: 'Constant', description: 'The same value on every record (instead of a source field).' }),
    template: z
      .string({ error: 'template must be text' })
      .optional()
      .meta({ title: 'Template', description: 'Text built from source fields, e.g. "{{FirstName}} {{LastName}}".' }),
    to: to.meta({ title: 'Target field' }),
    type: z
      .enum(TARGET_TYPES, { error: `type must be one of ${TARGET_TYPES.join(', ')}` })
      .optional()
      .meta({ title: 'Type', description: 'Convert the value to this type before writing it.' }),
    default: z.unknown().optional().meta({ title: 'Default', description: 'Used when the source is empty.' }),
    required: z
      .boolean({ error: 'required must be true or false' })
      .optional()
      .meta({ title: 'Required', description: 'A record without a value fails instead of being written.' }),
    lookup: z
      .record(z.string(), z.unknown(), { error: 'lookup must be an object of source value → target value' })
      .refine((table) => Object.keys(table).length > 0, { error: 'lookup must have at least one entry' })
      .optional()
      .meta({ title: 'Lookup table', description: 'Replace source values: {"source value": "target value"}.' }),
    lookupDefault: z
      .unknown()
      .optional()
      .meta({ title: 'Lookup default', description: 'For a value not in the table (else the record fails).' }),
  },
  { error: (issue) => unknownKeys(issue, 'rule') },
);

/** Keys that only make sense for some kinds of rule. */
const ONLY_WITH: Array<{ key: 'default' | 'required' | 'lookup'; allowed: string; when: Kind[] }> = [
  { key: 'default', allowed: 'from or template', when: ['from', 'template'] },
  { key: 'required', allowed: 'from or template', when: ['from', 'template'] },
  { key: 'lookup', allowed: 'from', when: ['from'] },
];

type Kind = 'from' | 'value' | 'template';

const has = (rule: Record<string, unknown>, key: string) => Object.hasOwn(rule, key) && rule[key] !== undefined;

/** Which kind of rule this is, judged by its keys. */
export function ruleKind(rule: MapRule): Kind {
  if (has(rule as unknown as Record<string, unknown>, 'template')) return 'template';
  if (has(rule as unknown as Record<string, unknown>, 'from')) return 'from';
  return 'value';
}

/** The source paths a rule reads: its `from` alternatives or its template's placeholders. */
export function ruleSources(rule: MapRule): string[] {
  if ('template' in rule && typeof rule.template === 'string') return templatePaths(rule.template);
  if ('from' in rule && rule.from !== undefined) return typeof rule.from === 'string' ? [rule.from] : rule.from;
  return [];
}

const ruleSchema = ruleObject
  .superRefine((rule, ctx) => {
    const present = (['from', 'value', 'template'] as const).filter((key) => has(rule, key));
    if (present.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['from'],
        message: 'from is required (or value for a constant, or template for built text)',
      });
      return;
    }
    if (present.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [present[1] as string],
        message: `a rule takes one of from, value or template, not ${present.join(' and ')}`,
      });
      return;
    }
    const kind = present[0] as Kind;
    for (const { key, allowed, when } of ONLY_WITH) {
      if (has(rule, key) && !when.includes(kind)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} goes with ${allowed}, not with ${kind}` });
      }
    }
    if (has(rule, 'lookupDefault') && !has(rule, 'lookup')) {
      ctx.addIssue({ code: 'custom', path: ['lookupDefault'], message: 'lookupDefault goes with a lookup table' });
    }
    if (kind === 'template') {
      const problem = templateProblem(rule.template as string);
      if (problem) ctx.addIssue({ code: 'custom', path: ['template'], message: problem });
    }
    // A value that can never be coerced is a broken map, not a per-record problem.
    const type = rule.type ?? 'auto';
    const check = (value: unknown, path: PropertyKey[], what: string) => {
      if (isEmpty(value) || coerce(value, type).ok) return;
      ctx.addIssue({ code: 'custom', path, message: `${what} of "${rule.to}" is not a ${type}` });
    };
    check(rule.default, ['default'], 'default');
    if (kind === 'value') check(rule.value, ['value'], 'value');
    for (const [key, value] of Object.entries(rule.lookup ?? {}))
      check(value, ['lookup', key], `lookup entry "${key}"`);
    check(rule.lookupDefault, ['lookupDefault'], 'lookupDefault');
  })
  .transform((rule) => rule as MapRule);

/** One mapping rule (from / value / template), as the API and the dashboard take it. */
export const mapRuleSchema: z.ZodType<MapRule, unknown> = ruleSchema;

function unknownKeys(issue: { code?: string; keys?: string[] }, what: string): string | undefined {
  return issue.code === 'unrecognized_keys' ? `unknown ${what} key(s): ${issue.keys?.join(', ')}` : undefined;
}

/** A list of rules: each valid, no target written twice. */
export const mapRulesSchema: z.ZodType<MapRule[], unknown> = z
  .array(ruleSchema, {
    error: (issue) => (issue.input === undefined ? 'a list of rules is required' : 'must be a list of rules'),
  })
  .superRefine((rules, ctx) => {
    const seen = new Map<string, number>();
    rules.forEach((rule, index) => {
      const earlier = seen.get(rule.to);
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'to'],
          message: `duplicate target "${rule.to}" (already set by rule ${earlier})`,
        });
      } else seen.set(rule.to, index);
    });
  });

/** Validates a FieldMapSpec (as stored or edited in the dashboard). */
export const fieldMapSchema: z.ZodType<FieldMapSpec, unknown> = z.strictObject(
  {
    rules: mapRulesSchema,
    unknown: z.enum(['drop', 'keep', 'error'], { error: 'unknown must be one of drop, keep, error' }).optional(),
  },
  { error: (issue) => unknownKeys(issue, 'field map') },
);

/** Gainsight (`__gc`) and Salesforce (`__c`) custom field names. */
export function isCustomFieldName(key: string): boolean {
  return /^.+__(gc|c)$/i.test(key);
}

/** A rule ready to apply: how it finds its raw value, then what happens to that value. */
interface Compiled {
  to: string;
  /** A constant rule: its value is written as given when null or '' (a deliberate "clear this field"). */
  constant: boolean;
  type: TargetType;
  sources: string[];
  /** The raw value for this input, and how to name where it came from in messages. */
  read(input: Record<string, unknown>): { value: unknown; described: string };
  default: unknown;
  required: boolean;
  lookup: Map<string, unknown> | undefined;
  lookupDefault: { value: unknown } | undefined;
}

function compile(rule: MapRule): Compiled {
  const base = {
    to: rule.to,
    type: rule.type ?? 'auto',
    constant: false,
    lookup: undefined,
    lookupDefault: undefined,
  };
  if ('template' in rule && typeof rule.template === 'string') {
    const { template } = rule;
    const paths = templatePaths(template);
    return {
      ...base,
      sources: paths,
      default: rule.default,
      required: rule.required === true,
      read: (input) => {
        const text = template.replace(PLACEHOLDER, (_, path: string) => asText(readPath(input, path)));
        return { value: text.trim() === '' ? undefined : text, described: `template ${JSON.stringify(template)}` };
      },
    };
  }
  if ('from' in rule && rule.from !== undefined) {
    const sources = typeof rule.from === 'string' ? [rule.from] : rule.from;
    return {
      ...base,
      sources,
      default: rule.default,
      required: rule.required === true,
      lookup: rule.lookup ? new Map(Object.entries(rule.lookup)) : undefined,
      lookupDefault: Object.hasOwn(rule, 'lookupDefault') ? { value: rule.lookupDefault } : undefined,
      read: (input) => {
        const source = sources.find((path) => !isEmpty(readPath(input, path)));
        return {
          value: source === undefined ? undefined : readPath(input, source),
          described: source ?? sources.join(' / '),
        };
      },
    };
  }
  const { value } = rule as ConstantRule;
  return {
    ...base,
    constant: true,
    sources: [],
    default: undefined,
    required: false,
    read: () => ({ value, described: 'constant' }),
  };
}

/** Turn the spec into a mapper. Throws a `config` ConnectorError naming every problem of an invalid spec. */
export function createMapper(spec: FieldMapSpec): (input: Record<string, unknown>) => MapResult {
  const parsed = fieldMapSchema.safeParse(spec);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
    throw new ConnectorError('config', `Invalid field map: ${problems.join('; ')}`, { cause: parsed.error });
  }
  const rules = parsed.data.rules.map(compile);
  const unknownMode = parsed.data.unknown ?? 'drop';
  // Every alternative's (and placeholder's) top-level key counts as read, so a losing one is not "unknown".
  const consumed = new Set(rules.flatMap((rule) => rule.sources.map(topLevelKey)));

  return (input) => {
    const record: Record<string, unknown> = {};
    const errors: MapError[] = [];
    for (const rule of rules) {
      const { value: raw, described } = rule.read(input);
      let value = raw;
      if (rule.constant && isEmpty(value)) {
        // A constant null or '' is a deliberate "clear this field"; an empty source never blanks one.
        record[rule.to] = value;
        continue;
      }
      if (!isEmpty(value) && rule.lookup) {
        const key = lookupKey(value);
        if (key !== undefined && rule.lookup.has(key)) value = rule.lookup.get(key);
        else if (rule.lookupDefault) value = rule.lookupDefault.value;
        else {
          errors.push({
            field: rule.to,
            message: `${rule.to} (from ${described}): no lookup entry for ${preview(value)}`,
          });
          continue;
        }
        // A table entry (or lookupDefault) of null or '' is treated as no value: default, required or left out.
      }
      if (isEmpty(value)) {
        if (!isEmpty(rule.default)) {
          const coerced = coerce(rule.default, rule.type);
          if (coerced.ok) record[rule.to] = coerced.value;
        } else if (rule.required) {
          errors.push({ field: rule.to, message: `${rule.to} is required but ${described} is missing or empty` });
        }
        // An empty source never overwrites the target: upserts must not blank vendor data.
        continue;
      }
      const coerced = coerce(value, rule.type);
      if (coerced.ok) record[rule.to] = coerced.value;
      else {
        errors.push({
          field: rule.to,
          message: `${rule.to} (from ${described}) ${coerced.message}, got ${preview(value)}`,
        });
      }
    }
    for (const [key, value] of Object.entries(input)) {
      if (consumed.has(key) || key in record) continue;
      if (isCustomFieldName(key) || unknownMode === 'keep') record[key] = value;
      else if (unknownMode === 'error') {
        errors.push({ field: key, message: `${key} is not in the field map` });
      }
    }
    return { record, errors };
  };
}

/** The text a lookup table is keyed by; objects and arrays have none. */
function lookupKey(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

/** A value inside a template: scalars as text, dates as ISO, objects as JSON, missing as nothing. */
function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (typeof value === 'object') return safeJson(value);
  return String(value);
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function topLevelKey(path: string): string {
  return path.split('.')[0] ?? path;
}

/** Reads `a.b.c`; an own key that literally contains the dots wins over walking. */
function readPath(input: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(input, path)) return input[path];
  let current: unknown = input;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

type Coerced = { ok: true; value: unknown } | { ok: false; message: string };

const NUMBER_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const ISO_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

function coerce(value: unknown, type: TargetType): Coerced {
  switch (type) {
    case 'auto':
    case 'json':
      return { ok: true, value };
    case 'string':
      if (typeof value === 'string') return { ok: true, value };
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
        return { ok: true, value: String(value) };
      }
      if (value instanceof Date && !Number.isNaN(value.getTime())) return { ok: true, value: value.toISOString() };
      return { ok: false, message: 'must be text' };
    case 'number':
    case 'integer': {
      const n = toNumber(value);
      if (n === undefined) return { ok: false, message: 'must be a number' };
      if (type === 'integer' && !Number.isInteger(n)) return { ok: false, message: 'must be a whole number' };
      return { ok: true, value: n };
    }
    case 'boolean': {
      const b = toBoolean(value);
      return b === undefined ? { ok: false, message: 'must be true or false' } : { ok: true, value: b };
    }
    case 'date':
    case 'datetime': {
      const ms = toEpochMs(value);
      if (ms === undefined) {
        return { ok: false, message: `must be an ISO-8601 ${type === 'date' ? 'date' : 'date-time'} or epoch ms` };
      }
      const iso = new Date(ms).toISOString();
      return { ok: true, value: type === 'date' ? iso.slice(0, 10) : iso };
    }
  }
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && NUMBER_PATTERN.test(value.trim())) {
    const n = Number(value.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1) return true;
  if (value === 0) return false;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text === 'true' || text === 'yes' || text === '1') return true;
  if (text === 'false' || text === 'no' || text === '0') return false;
  return undefined;
}

function toEpochMs(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === 'number') return Number.isFinite(value) && Math.abs(value) <= 8.64e15 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^-?\d+$/.test(text)) return toEpochMs(Number(text));
  const match = ISO_PATTERN.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone] = match;
  // No offset means UTC: the host's time zone must not change what we send.
  const normalized = `${y}-${mo}-${d}T${h}:${mi}:${s}${fraction ? `.${fraction.slice(0, 3)}` : ''}${zone ?? 'Z'}`;
  const ms = Date.parse(normalized.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2024-02-30 over to March; a calendar date that does not exist is an error.
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d)
  )
    return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  return ms;
}

function preview(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : safeJson(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return 'field map';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
