/** Record updates: Salesforce's field checks and value coercion, and the sObject Collections semantics. */
import { formatDatetime, INTEGRATION_USER_ID, normalizeId, parseDatetime, type SalesforceRecord } from './data.js';
import { type FieldSchema, findField, type SObjectSchema } from './schema.js';
import type { FieldValue } from './soql-eval.js';

export interface WriteFailure {
  errorCode: string;
  message: string;
  fields: string[];
}

/** Salesforce stores datetimes to the second. */
const wholeSecond = (ms: number) => ms - (((ms % 1000) + 1000) % 1000);

type Coerced = { ok: true; value: FieldValue } | { ok: false; error: WriteFailure };

const NUMERIC = new Set(['double', 'currency', 'percent', 'int']);
const JAVA_TYPE: Record<string, string> = { double: 'double', currency: 'double', percent: 'double', int: 'int' };

function parserError(f: FieldSchema, raw: unknown): Coerced {
  const token =
    typeof raw === 'string' ? 'VALUE_STRING' : typeof raw === 'boolean' ? `VALUE_${raw}`.toUpperCase() : 'VALUE';
  const target = JAVA_TYPE[f.type] ?? (f.type === 'datetime' ? 'dateTime' : f.type);
  return {
    ok: false,
    error: {
      errorCode: 'JSON_PARSER_ERROR',
      message: `Cannot deserialize instance of ${target} from ${token} value ${String(raw)} or request may be missing a required field`,
      fields: [f.name],
    },
  };
}

/** One JSON value for one field, as Salesforce would store it (or the error it would answer). */
export function coerceValue(f: FieldSchema, raw: unknown): Coerced {
  if (raw === null || (raw === '' && !NUMERIC.has(f.type))) {
    if (!f.nillable)
      return {
        ok: false,
        error: {
          errorCode: 'REQUIRED_FIELD_MISSING',
          message: `Required fields are missing: [${f.name}]`,
          fields: [f.name],
        },
      };
    return { ok: true, value: null };
  }
  if (typeof raw === 'object') return parserError(f, JSON.stringify(raw));
  if (NUMERIC.has(f.type)) {
    const value =
      typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (!Number.isFinite(value) || (f.type === 'int' && !Number.isInteger(value))) return parserError(f, raw);
    const integerDigits = f.type === 'int' ? f.precision : f.precision - f.scale;
    if (integerDigits > 0 && Math.abs(value) >= 10 ** integerDigits) {
      return {
        ok: false,
        error: {
          errorCode: 'NUMBER_OUTSIDE_VALID_RANGE',
          message: `${f.label}: value outside of valid range on numeric field: ${value}`,
          fields: [f.name],
        },
      };
    }
    const factor = 10 ** f.scale;
    return { ok: true, value: f.type === 'int' ? value : Math.round(value * factor) / factor };
  }
  if (f.type === 'boolean') {
    if (typeof raw === 'boolean') return { ok: true, value: raw };
    if (raw === 'true' || raw === 'false') return { ok: true, value: raw === 'true' };
    return parserError(f, raw);
  }
  if (f.type === 'date' || f.type === 'datetime') {
    if (typeof raw !== 'string') return parserError(f, raw);
    const withZone = /T.*(Z|[+-]\d{2}:?\d{2})$/.test(raw) || !raw.includes('T') ? raw : `${raw}Z`;
    const ms =
      f.type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(raw) ? Date.parse(`${raw}T00:00:00Z`) : parseDatetime(withZone);
    if (Number.isNaN(ms)) return parserError(f, raw);
    // Salesforce keeps datetimes to the second: the milliseconds of what was sent are dropped.
    return {
      ok: true,
      value: f.type === 'date' ? new Date(ms).toISOString().slice(0, 10) : formatDatetime(wholeSecond(ms)),
    };
  }
  const text = typeof raw === 'string' ? raw : String(raw);
  if (f.type === 'reference' || f.type === 'id') {
    const id = normalizeId(text);
    if (!id) {
      return {
        ok: false,
        error: {
          errorCode: 'MALFORMED_ID',
          message: `${f.label}: id value of incorrect type: ${text}`,
          fields: [f.name],
        },
      };
    }
    return { ok: true, value: id };
  }
  if (f.type === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(text)) {
    return {
      ok: false,
      error: {
        errorCode: 'INVALID_EMAIL_ADDRESS',
        message: `${f.label}: invalid email address: ${text}`,
        fields: [f.name],
      },
    };
  }
  if (f.length > 0 && text.length > f.length) {
    return {
      ok: false,
      error: {
        errorCode: 'STRING_TOO_LONG',
        message: `${f.label}: data value too large: ${text.slice(0, 40)} (max length=${f.length})`,
        fields: [f.name],
      },
    };
  }
  return { ok: true, value: text };
}

export type Validated = { ok: true; values: SalesforceRecord } | { ok: false; error: WriteFailure };

/** Check an update body against the object: unknown fields, read-only fields, then each value. */
export function validateUpdate(schema: SObjectSchema, body: Record<string, unknown>): Validated {
  const values: SalesforceRecord = {};
  const readOnly: string[] = [];
  for (const [key, raw] of Object.entries(body)) {
    // `attributes` describes the record and `id` names it; neither is a field value.
    if (key === 'attributes' || key.toLowerCase() === 'id') continue;
    const f = findField(schema, key);
    if (!f) {
      return {
        ok: false,
        error: {
          errorCode: 'INVALID_FIELD',
          message: `No such column '${key}' on sobject of type ${schema.name}`,
          fields: [],
        },
      };
    }
    if (!f.updateable) {
      readOnly.push(f.name);
      continue;
    }
    const coerced = coerceValue(f, raw);
    if (!coerced.ok) return coerced;
    values[f.name] = coerced.value;
  }
  if (readOnly.length > 0) {
    return {
      ok: false,
      error: {
        errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
        message: `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        fields: readOnly,
      },
    };
  }
  return { ok: true, values };
}

/**
 * Write validated values; every write moves LastModifiedDate and SystemModstamp (incremental pulls see it),
 * to the whole second as on Salesforce, so writes within one second share a SystemModstamp.
 */
export function applyUpdate(record: SalesforceRecord, values: SalesforceRecord, now: number): void {
  const stamp = formatDatetime(wholeSecond(now));
  Object.assign(record, values);
  if ('FirstName' in values || 'LastName' in values) {
    record.Name = [record.FirstName, record.LastName].filter((v) => v != null && v !== '').join(' ');
  }
  record.LastModifiedDate = stamp;
  record.LastModifiedById = INTEGRATION_USER_ID;
  record.SystemModstamp = stamp;
}

export type CompositeResult =
  | { id: string; success: true; errors: [] }
  | { success: false; errors: Array<{ statusCode: string; message: string; fields: string[] }> };

interface CompositeTarget {
  schemaOf(type: string): SObjectSchema | undefined;
  find(schema: SObjectSchema, id: string): SalesforceRecord | undefined;
}

/**
 * `PATCH /composite/sobjects`: one result per record in request order. With allOrNone, one failure
 * rolls every record back and the valid ones answer ALL_OR_NONE_OPERATION_ROLLED_BACK.
 */
export function compositeUpdate(
  target: CompositeTarget,
  records: unknown[],
  allOrNone: boolean,
  now: number,
): CompositeResult[] {
  const fail = (statusCode: string, message: string, fields: string[] = []): CompositeResult => ({
    success: false,
    errors: [{ statusCode, message, fields }],
  });
  const planned: Array<{ record: SalesforceRecord; values: SalesforceRecord } | undefined> = [];
  const results: CompositeResult[] = records.map((entry, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      return fail('JSON_PARSER_ERROR', 'Each record must be a JSON object');
    const body = entry as Record<string, unknown>;
    const type = (body.attributes as { type?: unknown } | undefined)?.type;
    const schema = typeof type === 'string' ? target.schemaOf(type) : undefined;
    if (!schema) return fail('INVALID_TYPE', 'Must send a concrete entity type.');
    const rawId = Object.entries(body).find(([k]) => k.toLowerCase() === 'id')?.[1];
    if (rawId === undefined || rawId === null || rawId === '')
      return fail('MISSING_ARGUMENT', 'Id not specified in an update call', ['Id']);
    const id = normalizeId(rawId);
    if (!id?.startsWith(schema.keyPrefix))
      return fail('MALFORMED_ID', `${schema.label} ID: id value of incorrect type: ${String(rawId)}`, ['Id']);
    const record = target.find(schema, id);
    if (!record) return fail('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', []);
    const checked = validateUpdate(schema, body);
    if (!checked.ok) return fail(checked.error.errorCode, checked.error.message, checked.error.fields);
    planned[index] = { record, values: checked.values };
    return { id, success: true, errors: [] };
  });
  const anyFailed = results.some((r) => !r.success);
  if (allOrNone && anyFailed) {
    return results.map((r) =>
      r.success
        ? fail(
            'ALL_OR_NONE_OPERATION_ROLLED_BACK',
            'Record rolled back because not all records were valid and the request was using AllOrNone header',
          )
        : r,
    );
  }
  for (const plan of planned) if (plan) applyUpdate(plan.record, plan.values, now);
  return results;
}
