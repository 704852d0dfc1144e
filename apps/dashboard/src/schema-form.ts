import { humanize } from './format.js';
import type { JsonSchema } from './types.js';

// Turns a connector's settings/secrets JSON Schema (zod v4 `z.toJSONSchema`, io 'input') into form fields,
// and the form's string/boolean values back into the JSON the hub expects. Pure, so it is unit-tested.

export type FieldKind = 'text' | 'password' | 'url' | 'email' | 'number' | 'integer' | 'boolean' | 'select' | 'json';

export interface FieldOption {
  label: string;
  value: unknown;
}

export interface FieldSpec {
  key: string;
  kind: FieldKind;
  label: string;
  description?: string;
  required: boolean;
  defaultValue?: unknown;
  options?: FieldOption[];
  min?: number;
  max?: number;
}

/** What an input holds: text for everything but checkboxes. */
export type FieldValue = string | boolean;
export type FormValues = Record<string, FieldValue>;

function isNullSchema(schema: JsonSchema): boolean {
  return schema.type === 'null' || (Array.isArray(schema.type) && schema.type.every((t) => t === 'null'));
}

/** `T | null` (anyOf or a type array) renders as T; real unions fall through to JSON. */
function unwrapNullable(schema: JsonSchema): JsonSchema {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    const real = variants.filter((v) => !isNullSchema(v));
    const only = real[0];
    if (real.length === 1 && only) {
      return { ...only, title: schema.title ?? only.title, description: schema.description ?? only.description };
    }
    return schema;
  }
  if (Array.isArray(schema.type)) {
    const real = schema.type.filter((t) => t !== 'null');
    if (real.length === 1) return { ...schema, type: real[0] };
  }
  return schema;
}

function isPrimitive(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function kindOf(schema: JsonSchema, secret: boolean): FieldKind {
  if (schema.enum?.every(isPrimitive) || (schema.const !== undefined && isPrimitive(schema.const))) return 'select';
  switch (schema.type) {
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'string':
      if (secret) return 'password';
      if (schema.format === 'uri' || schema.format === 'url') return 'url';
      if (schema.format === 'email') return 'email';
      return 'text';
    default:
      return 'json';
  }
}

export function fieldsFromSchema(schema: JsonSchema | undefined, options: { secret?: boolean } = {}): FieldSpec[] {
  const properties = schema?.properties ?? {};
  const required = new Set(schema?.required ?? []);
  return Object.entries(properties).map(([key, raw]) => {
    const prop = unwrapNullable(raw);
    const kind = kindOf(prop, options.secret === true);
    const field: FieldSpec = { key, kind, label: prop.title ?? humanize(key), required: required.has(key) };
    if (prop.description) field.description = prop.description;
    if (prop.default !== undefined) field.defaultValue = prop.default;
    if (kind === 'select') {
      const values = prop.enum ?? [prop.const];
      field.options = values.map((value) => ({ label: String(value), value }));
    }
    if (prop.minimum !== undefined) field.min = prop.minimum;
    if (prop.maximum !== undefined) field.max = prop.maximum;
    return field;
  });
}

function toFieldValue(field: FieldSpec, value: unknown): FieldValue {
  if (field.kind === 'boolean') return value === true;
  if (value === undefined || value === null) return '';
  if (field.kind === 'json') return JSON.stringify(value, null, 2);
  return String(value);
}

/**
 * Starting values: the current value when editing, else the schema default. Secrets are never prefilled
 * (the hub only returns masks), so a blank secret means "unchanged" when editing.
 */
export function initialValues(fields: FieldSpec[], current?: Record<string, unknown>, secret = false): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    const value = !secret && current && field.key in current ? current[field.key] : field.defaultValue;
    values[field.key] = secret && field.kind !== 'boolean' ? '' : toFieldValue(field, value);
  }
  return values;
}

export interface PayloadResult {
  value: Record<string, unknown>;
  /** Client-side problems (not a number, not JSON), keyed by field key. */
  errors: Record<string, string>;
}

/** Blank inputs are left out so the hub applies its defaults (and, for secrets on edit, keeps the old one). */
export function toPayload(fields: FieldSpec[], values: FormValues): PayloadResult {
  const value: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const raw = values[field.key];
    if (field.kind === 'boolean') {
      value[field.key] = raw === true;
      continue;
    }
    if (typeof raw !== 'string') continue;
    const text = field.kind === 'password' ? raw : raw.trim();
    if (text === '') continue;
    switch (field.kind) {
      case 'number':
      case 'integer': {
        const n = Number(text);
        if (!Number.isFinite(n)) errors[field.key] = 'Enter a number.';
        else if (field.kind === 'integer' && !Number.isInteger(n)) errors[field.key] = 'Enter a whole number.';
        else value[field.key] = n;
        break;
      }
      case 'select': {
        const option = field.options?.find((o) => String(o.value) === text);
        value[field.key] = option ? option.value : text;
        break;
      }
      case 'json':
        try {
          value[field.key] = JSON.parse(text);
        } catch (error) {
          errors[field.key] = `Not valid JSON: ${(error as Error).message}`;
        }
        break;
      default:
        value[field.key] = text;
    }
  }
  return { value, errors };
}

/**
 * Routes the hub's issues (`settings.domain`, `secrets.accessKey`, `name`) to the form field they belong
 * to; nested paths land on their top-level field. Issues no field claims are returned separately.
 */
/** zod's wording for a missing value ("expected string, received undefined") reads better as "Required." */
export function friendlyMessage(message: string): string {
  return /received undefined$/i.test(message) || message === 'Required' ? 'Required.' : message;
}

export function routeIssues(
  issues: { path: string; message: string }[],
  fieldIds: string[],
): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  for (const { path, message: raw } of issues) {
    const issue = { path, message: friendlyMessage(raw) };
    const id = fieldIds.find((f) => issue.path === f || issue.path.startsWith(`${f}.`));
    if (id) byField[id] = byField[id] ? `${byField[id]} ${issue.message}` : issue.message;
    else other.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
  }
  return { byField, other };
}
