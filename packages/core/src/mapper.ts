import { z } from 'zod';
import { ConnectorError } from './errors.js';

/**
 * Field mappers are data: a JSON field map (which the dashboard edits) turned into a pure function.
 * A mapper renames, fills defaults, checks required fields and coerces types; anything richer
 * (building `Name` from first and last name, looking up ids) belongs to the flow that calls it.
 */

export type TargetType = 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'datetime' | 'json' | 'auto';

export interface FieldRule {
  /** Dotted path into the input (`traits.firstName`), or alternatives of which the first present wins. */
  from: string | string[];
  /** Output key, taken literally (no nesting). */
  to: string;
  /** Coercion applied to the value; `auto` or absent keeps it as it came. */
  type?: TargetType | undefined;
  /** Used when the source is missing, null or ''. Coerced like a source value. */
  default?: unknown;
  required?: boolean | undefined;
}

export interface FieldMapSpec {
  rules: FieldRule[];
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

const ruleSchema = z.strictObject(
  {
    from: z.union([pathSchema, z.array(pathSchema).min(1, { error: 'from must list at least one source path' })], {
      error: (issue) => (issue.input === undefined ? 'from is required' : 'from must be a path or a list of paths'),
    }),
    to: z
      .string({ error: (issue) => (issue.input === undefined ? 'to is required' : 'to must be a string') })
      .refine((t) => t.trim() !== '', { error: 'to must not be empty' }),
    type: z.enum(TARGET_TYPES, { error: `type must be one of ${TARGET_TYPES.join(', ')}` }).optional(),
    default: z.unknown().optional(),
    required: z.boolean({ error: 'required must be true or false' }).optional(),
  },
  { error: (issue) => unknownKeys(issue, 'rule') },
);

function unknownKeys(issue: { code?: string; keys?: string[] }, what: string): string | undefined {
  return issue.code === 'unrecognized_keys' ? `unknown ${what} key(s): ${issue.keys?.join(', ')}` : undefined;
}

/** Validates a FieldMapSpec (as stored or edited in the dashboard). */
export const fieldMapSchema: z.ZodType<FieldMapSpec> = z
  .strictObject(
    {
      rules: z.array(ruleSchema, {
        error: (issue) => (issue.input === undefined ? 'rules is required' : 'rules must be a list'),
      }),
      unknown: z.enum(['drop', 'keep', 'error'], { error: 'unknown must be one of drop, keep, error' }).optional(),
    },
    { error: (issue) => unknownKeys(issue, 'field map') },
  )
  .superRefine((spec, ctx) => {
    const seen = new Map<string, number>();
    spec.rules.forEach((rule, index) => {
      const earlier = seen.get(rule.to);
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, 'to'],
          message: `duplicate target "${rule.to}" (already set by rule ${earlier})`,
        });
      } else seen.set(rule.to, index);
    });
  });

/** Gainsight (`__gc`) and Salesforce (`__c`) custom field names. */
export function isCustomFieldName(key: string): boolean {
  return /^.+__(gc|c)$/i.test(key);
}

/** Turn the spec into a mapper. Throws a `config` ConnectorError naming every problem of an invalid spec. */
export function createMapper(spec: FieldMapSpec): (input: Record<string, unknown>) => MapResult {
  const parsed = fieldMapSchema.safeParse(spec);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
    throw new ConnectorError('config', `Invalid field map: ${problems.join('; ')}`, { cause: parsed.error });
  }
  const rules = parsed.data.rules.map((rule) => ({
    ...rule,
    sources: typeof rule.from === 'string' ? [rule.from] : rule.from,
    type: rule.type ?? 'auto',
  }));
  // A default that can never be coerced is a broken map, not a per-record problem.
  for (const rule of rules) {
    if (isEmpty(rule.default)) continue;
    const coerced = coerce(rule.default, rule.type);
    if (!coerced.ok) {
      throw new ConnectorError('config', `Invalid field map: default of "${rule.to}" is not a ${rule.type}`);
    }
  }
  const unknownMode = parsed.data.unknown ?? 'drop';
  // Every alternative's top-level key counts as read, so a losing alternative is not "unknown".
  const consumed = new Set(rules.flatMap((rule) => rule.sources.map(topLevelKey)));

  return (input) => {
    const record: Record<string, unknown> = {};
    const errors: MapError[] = [];
    for (const rule of rules) {
      const source = rule.sources.find((path) => !isEmpty(readPath(input, path)));
      const value = source === undefined ? undefined : readPath(input, source);
      const describedSource = source ?? rule.sources.join(' / ');
      if (isEmpty(value)) {
        if (!isEmpty(rule.default)) {
          const coerced = coerce(rule.default, rule.type);
          if (coerced.ok) record[rule.to] = coerced.value;
        } else if (rule.required) {
          errors.push({ field: rule.to, message: `${rule.to} is required but ${describedSource} is missing or empty` });
        }
        // An empty source never overwrites the target: upserts must not blank vendor data.
        continue;
      }
      const coerced = coerce(value, rule.type);
      if (coerced.ok) record[rule.to] = coerced.value;
      else {
        errors.push({
          field: rule.to,
          message: `${rule.to} (from ${describedSource}) ${coerced.message}, got ${preview(value)}`,
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
