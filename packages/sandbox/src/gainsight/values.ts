import { GSID_PATTERN } from './data.js';
import { CODES } from './envelope.js';
import { activeLabelOf } from './picklists.js';
import type { GainsightFieldDef } from './types.js';

/** One field-level error inside the GSOBJ_1006 answer. */
export interface FieldError {
  errorMessage: string;
  errorCode: string;
  fieldName: string;
  invalidValue: unknown;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SFDC_ID = /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/;

/** Dates arrive as epoch ms (numbers or digit strings) or ISO-8601 strings. */
export function parseDate(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (/^-?\d{10,}$/.test(trimmed)) return Number(trimmed);
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return undefined;
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? undefined : ms;
}

export function parseNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export function parseBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return undefined;
}

export type Coerced = { ok: true; value: unknown } | { ok: false; error: FieldError };

/**
 * Check and convert one written value to its stored form. `gsidExists` answers whether a lookup target
 * exists, so a dangling Csm/ParentCompany is rejected like the vendor does (GSOBJ_1004).
 */
export function coerceForWrite(
  field: GainsightFieldDef,
  value: unknown,
  gsidExists: (objectName: string, gsid: string) => boolean,
): Coerced {
  const fail = (errorCode: string, what: string): Coerced => ({
    ok: false,
    error: {
      errorMessage: `${what} for field ${field.fieldName}`,
      errorCode,
      fieldName: field.fieldName,
      invalidValue: value,
    },
  });
  if (value === null || value === undefined || value === '') {
    return field.required ? fail(CODES.requiredField, 'Value is mandatory') : { ok: true, value: null };
  }
  switch (field.dataType) {
    case 'NUMBER':
    case 'CURRENCY':
    case 'PERCENTAGE': {
      const n = parseNumber(value);
      return n === undefined ? fail(CODES.invalidNumber, 'Invalid number') : { ok: true, value: n };
    }
    case 'BOOLEAN': {
      const b = parseBoolean(value);
      return b === undefined ? fail(CODES.invalidBoolean, 'Invalid boolean') : { ok: true, value: b };
    }
    case 'DATE':
    case 'DATETIME': {
      const ms = parseDate(value);
      if (ms === undefined) return fail(CODES.invalidDate, 'Invalid date/datetime');
      return { ok: true, value: field.dataType === 'DATE' ? Math.floor(ms / 86_400_000) * 86_400_000 : ms };
    }
    case 'EMAIL':
      return typeof value === 'string' && EMAIL.test(value.trim())
        ? { ok: true, value: value.trim() }
        : fail(CODES.invalidEmail, 'Invalid email');
    case 'PICKLIST':
    case 'MULTISELECTDROPDOWNLIST': {
      // Only an active item's GSID is accepted (a label is refused like any unknown value) [H/M]; the row
      // keeps the label (see picklists.ts). Multi-select takes an array or the `a;b` string form.
      const multi = field.dataType === 'MULTISELECTDROPDOWNLIST';
      const items = !multi
        ? [value]
        : Array.isArray(value)
          ? value
          : typeof value === 'string'
            ? value.split(';')
            : [value];
      const labels = items.map((v) => activeLabelOf(field, v));
      if (labels.every((l): l is string => l !== undefined)) return { ok: true, value: multi ? labels : labels[0] };
      const shown = Array.isArray(value) ? value.join(';') : String(value);
      return {
        ok: false,
        error: {
          errorMessage: `Invalid/Inactive value provided for picklist. (${field.fieldName} = ${shown})`,
          errorCode: CODES.picklist,
          fieldName: field.fieldName,
          invalidValue: value,
        },
      };
    }
    case 'GSID':
    case 'LOOKUP':
      return typeof value === 'string' &&
        GSID_PATTERN.test(value) &&
        (!field.lookupObject || gsidExists(field.lookupObject, value))
        ? { ok: true, value }
        : fail(CODES.badGsid, 'Invalid GSID');
    case 'SFDCID':
      return typeof value === 'string' && SFDC_ID.test(value)
        ? { ok: true, value }
        : fail(CODES.invalidText, 'Invalid Salesforce id');
    case 'JSON':
      return { ok: true, value };
    default:
      // STRING, URL, RICHTEXTAREA: primitives are stored as text, structures are refused.
      return typeof value === 'object'
        ? fail(CODES.invalidText, 'Invalid text value')
        : { ok: true, value: String(value) };
  }
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a UTC day number: few distinct days recur on every row of big answers. */
const dayCache = new Map<number, string>();
function dayText(day: number): string {
  let text = dayCache.get(day);
  if (text === undefined) {
    if (dayCache.size >= 10_000) dayCache.clear();
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    dayCache.set(day, text);
  }
  return text;
}
const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** `Date#toISOString` for years 1970–9999, several times faster (big answers render one per row). */
export function isoDateTime(ms: number): string {
  if (!(ms >= 0 && ms < 253_402_300_800_000) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  let t = ms - day * DAY_MS;
  const hours = Math.floor(t / 3_600_000);
  t -= hours * 3_600_000;
  const minutes = Math.floor(t / 60_000);
  t -= minutes * 60_000;
  const seconds = Math.floor(t / 1000);
  return `${dayText(day)}T${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(t - seconds * 1000, 3)}Z`;
}
