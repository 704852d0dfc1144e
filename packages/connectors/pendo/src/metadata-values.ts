import type { PendoAccountSchema } from './client.js';

/** Prefix of the names `discover` gives custom fields; a mapping may use either form. */
const CUSTOM_PREFIX = 'metadata.custom.';

export type Coerced = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * A value as Pendo's field type wants it, or why it cannot be one. Strings that spell the type are
 * converted (an integer sent as "82" is stored as 82, not refused or kept as text); anything that would
 * lose information (82.5 into an integer field) is refused rather than rounded. null clears the field.
 */
export function coerceValue(type: string, value: unknown): Coerced {
  if (value === null) return { ok: true, value: null };
  const text = typeof value === 'string' ? value.trim() : undefined;
  const asNumber = text !== undefined && text !== '' ? Number(text) : value;
  switch (type) {
    case 'string':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? { ok: true, value: String(value) }
        : { ok: false, message: 'is not text' };
    case 'integer':
      return typeof asNumber === 'number' && Number.isInteger(asNumber) && Number.isSafeInteger(asNumber)
        ? { ok: true, value: asNumber }
        : { ok: false, message: 'is not a whole number' };
    case 'float':
      return typeof asNumber === 'number' && Number.isFinite(asNumber)
        ? { ok: true, value: asNumber }
        : { ok: false, message: 'is not a number' };
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 1 || value === 0) return { ok: true, value: value === 1 };
      if (text !== undefined && /^(true|false|1|0)$/i.test(text)) return { ok: true, value: /^(true|1)$/i.test(text) };
      return { ok: false, message: 'is not true or false' };
    case 'time': {
      // Pendo stores times as epoch ms; dates and date-times (ISO 8601) are converted to that.
      const ms =
        typeof value === 'number' ? value : text !== undefined && !/^-?\d+$/.test(text) ? Date.parse(text) : asNumber;
      return typeof ms === 'number' && Number.isFinite(ms)
        ? { ok: true, value: ms }
        : { ok: false, message: 'is not a date, date-time or epoch ms' };
    }
    case 'list':
      return Array.isArray(value) ? { ok: true, value } : { ok: false, message: 'is not a list' };
    default:
      // A type this connector does not know: send the value as it is and let Pendo judge.
      return { ok: true, value };
  }
}

export interface PreparedRow {
  accountId: string;
  values: Record<string, unknown>;
}

/** A record turned into Pendo's `{accountId, values}` row, or the reason it cannot be sent. */
export function prepareRow(
  record: Record<string, unknown>,
  schema: PendoAccountSchema,
): { ok: true; row: PreparedRow } | { ok: false; message: string } {
  const rawId = record.accountId;
  const accountId = typeof rawId === 'number' && Number.isFinite(rawId) ? String(rawId) : rawId;
  if (typeof accountId !== 'string' || accountId.trim() === '') {
    return { ok: false, message: 'The record has no accountId: Pendo account metadata is written by account id' };
  }
  const custom = schema.custom ?? {};
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === 'accountId' || value === undefined) continue;
    const name = key.startsWith(CUSTOM_PREFIX) ? key.slice(CUSTOM_PREFIX.length) : key;
    const field = custom[name];
    if (!field || field.isDeleted) {
      const elsewhere = Object.entries(schema).find(([group, fields]) => group !== 'custom' && fields[name]);
      return {
        ok: false,
        message: elsewhere
          ? `Field "${key}" is a read-only ${elsewhere[0]} field in Pendo; only custom fields can be written`
          : `Field "${key}" is not a custom account field in Pendo; create it in Pendo (Data Mappings) first`,
      };
    }
    const coerced = coerceValue(field.Type, value);
    if (!coerced.ok) {
      return {
        ok: false,
        message: `Field "${key}" is a Pendo ${field.Type} field, but ${JSON.stringify(value)} ${coerced.message}`,
      };
    }
    values[name] = coerced.value;
  }
  return { ok: true, row: { accountId, values } };
}
