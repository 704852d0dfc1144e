import type { DiscoveredField, FieldType } from '@synchub/core';

/**
 * Field types across vendors, as the connectors' discover reports them (core FieldType), and the one
 * rule every leg applies at save time: a value may only go where it keeps its meaning. Text into a
 * number field (Salesforce would refuse every record, Gainsight the whole batch) is refused before
 * anything runs; numbers into text are fine.
 */

type Family = 'number' | 'boolean' | 'temporal' | 'text' | 'json';

const FAMILY: Record<FieldType, Family> = {
  number: 'number',
  integer: 'number',
  boolean: 'boolean',
  date: 'temporal',
  datetime: 'temporal',
  string: 'text',
  picklist: 'text',
  email: 'text',
  url: 'text',
  id: 'text',
  json: 'json',
};

const WORDS: Record<Family, string> = {
  number: 'a number',
  boolean: 'a true/false',
  temporal: 'a date',
  text: 'a text',
  json: 'a JSON',
};

/** What a source field carries: a discovered field, or a computed measure with just a type. */
export interface TypedField {
  name: string;
  type: FieldType;
  vendorType?: string | undefined;
}

export const describeField = (f: TypedField) => `${f.name} (${f.vendorType ?? f.type})`;

/**
 * Why `from` cannot be written into `to`, or undefined when it can. Anything goes into text and JSON
 * fields; numbers, booleans and dates need their own family (a date into a datetime is fine).
 */
export function incompatibility(from: TypedField, to: TypedField): string | undefined {
  const source = FAMILY[from.type];
  const target = FAMILY[to.type];
  if (target === 'text' || target === 'json' || source === target) return undefined;
  return `${WORDS[source]} value cannot go into ${WORDS[target]} field`;
}

/** Field by exact API name (Salesforce and Gainsight names are case-sensitive in writes). */
export function findField(fields: DiscoveredField[], name: string): DiscoveredField | undefined {
  return fields.find((f) => f.name === name);
}

/** A close name, for "did you mean" in save-time messages. */
export function suggest(fields: DiscoveredField[], name: string): string {
  const lower = name.toLowerCase();
  const near = fields.find((f) => f.name.toLowerCase() === lower);
  return near ? ` (did you mean ${near.name}?)` : '';
}

/** The issue message for a field `object` does not have, with the near miss if there is one. */
export const noField = (object: string, fields: DiscoveredField[], name: string) =>
  `${object} has no field ${name}${suggest(fields, name)}`;

export type Converted = { ok: true; value: unknown } | { ok: false; message: string };

const DAY_MS = 86_400_000;

function toEpochMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^-?\d{10,}$/.test(text)) return Number(text);
  // Salesforce's `+0000` offsets are not ISO-8601; Date.parse wants `+00:00`.
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * A value in the form a target field takes. Dates become `YYYY-MM-DD`, datetimes ISO-8601 with `Z`
 * (every vendor here accepts that), numbers stay numbers (numeric strings are converted), and
 * anything that would change meaning is refused with a reason. null clears the field.
 */
export function convertValue(value: unknown, to: Pick<TypedField, 'type'>): Converted {
  if (value === null || value === undefined) return { ok: true, value: null };
  switch (FAMILY[to.type]) {
    case 'number': {
      const n =
        typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) return { ok: false, message: `${JSON.stringify(value)} is not a number` };
      // Rounding would quietly change the value; a whole-number field gets whole numbers or nothing.
      if (to.type === 'integer' && !Number.isInteger(n)) return { ok: false, message: `${n} is not a whole number` };
      return { ok: true, value: n };
    }
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 'true' || value === 'false') return { ok: true, value: value === 'true' };
      return { ok: false, message: `${JSON.stringify(value)} is not true or false` };
    case 'temporal': {
      const ms = toEpochMs(value);
      if (ms === undefined) return { ok: false, message: `${JSON.stringify(value)} is not a date` };
      const iso = new Date(to.type === 'date' ? Math.floor(ms / DAY_MS) * DAY_MS : ms).toISOString();
      return { ok: true, value: to.type === 'date' ? iso.slice(0, 10) : iso };
    }
    case 'json':
      return { ok: true, value };
    default:
      if (Array.isArray(value)) return { ok: true, value: value.map(String).join(';') };
      if (typeof value === 'object') return { ok: true, value: JSON.stringify(value) };
      return { ok: true, value: String(value) };
  }
}

/**
 * The save-time checks every field-map leg shares: the identifier field and each row's source field exist
 * in the source object (`label`, e.g. "Salesforce Account"). `checkTarget` then judges each row's target,
 * given the source field when it was found.
 */
export function checkFieldMap(
  rows: ReadonlyArray<{ from: string; to: string }>,
  source: { label: string; fields: DiscoveredField[] | undefined },
  identifier: { path: string; name: string },
  issues: Array<{ path: string; message: string }>,
  checkTarget: (row: { from: string; to: string }, path: string, from: DiscoveredField | undefined) => void,
): void {
  const { label, fields } = source;
  if (fields && !findField(fields, identifier.name)) {
    issues.push({ path: identifier.path, message: noField(label, fields, identifier.name) });
  }
  rows.forEach((row, i) => {
    const from = fields && findField(fields, row.from);
    if (fields && !from)
      issues.push({ path: `settings.fieldMap.${i}.from`, message: noField(label, fields, row.from) });
    checkTarget(row, `settings.fieldMap.${i}.to`, from);
  });
}
