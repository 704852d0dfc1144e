import type { ConstantRule, DiscoveredField, FieldRule, FieldType, MapRule, TargetType } from '@synchub/core';
import { ruleKind } from '@synchub/core';

/**
 * Which values may go into which target fields, judged at save time from `discover`'s field types.
 * A value keeps its meaning or the sync is refused before it runs (the vendor would refuse every record).
 *
 * What a rule produces:
 *   - {from}: the source field's family; a `lookup` table produces its entries' values instead;
 *   - {template}: text; {value}: the constant's own family (text, number, true/false, JSON);
 *   - with `type`, the value is converted per record, so it produces that type's family, provided the
 *     source can ever convert: to text from anything but JSON; to number from numbers and text; to
 *     true/false from booleans, text and numbers (1/0); to a date from dates, text and epoch ms.
 *
 * What a target takes (source family → target family):
 *
 *   | value ↓ / target →  | text | number | true/false | date | JSON |
 *   |---------------------|------|--------|------------|------|------|
 *   | text                |  ✓   |   ✗¹   |     ✗¹     |  ✗¹  |  ✓   |
 *   | number              |  ✓   |   ✓    |     ✗¹     |  ✗¹  |  ✓   |
 *   | true/false          |  ✓   |   ✗    |     ✓      |  ✗   |  ✓   |
 *   | date                |  ✓   |   ✗    |     ✗      |  ✓   |  ✓   |
 *   | JSON                |  ✗   |   ✗    |     ✗      |  ✗   |  ✓   |
 *
 *   ¹ refused as it stands, fine with a converting `type` (e.g. text "12" with `type: number`).
 */

export type Family = 'text' | 'number' | 'boolean' | 'temporal' | 'json';

const FAMILY: Record<FieldType, Family> = {
  string: 'text',
  picklist: 'text',
  email: 'text',
  url: 'text',
  id: 'text',
  number: 'number',
  integer: 'number',
  boolean: 'boolean',
  date: 'temporal',
  datetime: 'temporal',
  json: 'json',
};

export const familyOfField = (field: Pick<DiscoveredField, 'type'>): Family => FAMILY[field.type] ?? 'text';

const WORDS: Record<Family, string> = {
  text: 'a text',
  number: 'a number',
  boolean: 'a true/false',
  temporal: 'a date',
  json: 'a JSON',
};

/** Families a converting `type` turns into its own family (see the table above). */
const CONVERTS_FROM: Record<Exclude<TargetType, 'auto' | 'json'>, Family[]> = {
  string: ['text', 'number', 'boolean', 'temporal'],
  number: ['number', 'text'],
  integer: ['number', 'text'],
  boolean: ['boolean', 'text', 'number'],
  date: ['temporal', 'text', 'number'],
  datetime: ['temporal', 'text', 'number'],
};

const TYPE_FAMILY: Record<Exclude<TargetType, 'auto'>, Family> = {
  string: 'text',
  number: 'number',
  integer: 'number',
  boolean: 'boolean',
  date: 'temporal',
  datetime: 'temporal',
  json: 'json',
};

const ACCEPTS: Record<Family, Family[]> = {
  text: ['text', 'number', 'boolean', 'temporal'],
  number: ['number'],
  boolean: ['boolean'],
  temporal: ['temporal'],
  json: ['text', 'number', 'boolean', 'temporal', 'json'],
};

/** A converting `type` that would make `from` fit `to`, for the hint in a refusal. */
const HINT: Partial<Record<Family, Partial<Record<Family, string>>>> = {
  text: { number: 'number', boolean: 'boolean', temporal: 'date or datetime' },
  number: { boolean: 'boolean', temporal: 'datetime (epoch ms)' },
};

/** The family of a plain JSON value (a constant, a lookup entry); undefined for null. */
export function familyOfValue(value: unknown): Family | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number' || typeof value === 'bigint') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'json';
}

/** What a rule's raw value is, before its `type`: undefined when it cannot be known (nested path, null). */
function rawFamilies(rule: MapRule, sourceField: (path: string) => DiscoveredField | undefined): Family[] {
  const kind = ruleKind(rule);
  if (kind === 'template') return ['text'];
  if (kind === 'value') {
    const family = familyOfValue((rule as ConstantRule).value);
    return family ? [family] : [];
  }
  const fromRule = rule as FieldRule;
  if (fromRule.lookup) {
    const values = [...Object.values(fromRule.lookup), fromRule.lookupDefault];
    return [...new Set(values.map(familyOfValue).filter((f): f is Family => f !== undefined))];
  }
  const paths = typeof fromRule.from === 'string' ? [fromRule.from] : fromRule.from;
  const families = paths.map((path) => {
    // A path into a field (address.city) reads a part whose type discover does not give.
    if (path.includes('.')) return undefined;
    const field = sourceField(path);
    return field ? familyOfField(field) : undefined;
  });
  return [...new Set(families.filter((f): f is Family => f !== undefined))];
}

/**
 * Why `rule` cannot fill `target`, or undefined when it can (or when the source's type is unknown).
 * `sourceField` finds a discovered source field by its top-level name.
 */
export function incompatibility(
  rule: MapRule,
  target: DiscoveredField,
  sourceField: (path: string) => DiscoveredField | undefined,
): string | undefined {
  const targetFamily = familyOfField(target);
  const type = rule.type ?? 'auto';
  const targetText = `${target.name} (${target.vendorType ?? target.type})`;
  for (const raw of rawFamilies(rule, sourceField)) {
    let produced = raw;
    if (type !== 'auto' && type !== 'json') {
      if (!CONVERTS_FROM[type].includes(raw)) return `${WORDS[raw]} value cannot be converted to ${type}`;
      produced = TYPE_FAMILY[type];
    } else if (type === 'json') produced = 'json';
    if (ACCEPTS[targetFamily].includes(produced)) continue;
    const hint = type === 'auto' ? HINT[produced]?.[targetFamily] : undefined;
    const what = type === 'auto' ? `${WORDS[produced]} value` : `type ${type} makes ${WORDS[produced]} value, which`;
    return `${what} cannot go into ${WORDS[targetFamily]} field ${targetText}${hint ? `; add type ${hint} to convert it` : ''}`;
  }
  return undefined;
}
