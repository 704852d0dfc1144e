/** Checking a parsed SOQL query against an object's fields, and running it over records. */
import { type Expr, type FieldRef, type Literal, type SoqlQuery, soqlError } from './soql.js';

/** What the evaluator needs to know about an object's fields (types are Salesforce describe types). */
export interface SoqlSchema {
  name: string;
  field(name: string): { name: string; type: string } | undefined;
}

const NUMERIC = new Set(['double', 'currency', 'percent', 'int', 'long']);
const TEXTUAL = new Set([
  'id',
  'reference',
  'string',
  'textarea',
  'url',
  'email',
  'phone',
  'picklist',
  'multipicklist',
  'combobox',
]);

function literalFits(type: string, literal: Literal): boolean {
  if (literal.kind === 'null') return true;
  if (NUMERIC.has(type)) return literal.kind === 'number';
  if (TEXTUAL.has(type)) return literal.kind === 'string';
  if (type === 'boolean') return literal.kind === 'boolean';
  if (type === 'date') return literal.kind === 'date';
  if (type === 'datetime') return literal.kind === 'datetime';
  return false;
}

const TYPE_WORD: Record<string, string> = { datetime: 'dateTime', date: 'date', boolean: 'boolean' };

/** Check every field name and literal against the object; rewrite names to their canonical case. */
export function validateSoql(query: SoqlQuery, schema: SoqlSchema): void {
  const resolve = (ref: FieldRef) => {
    const field = schema.field(ref.name);
    if (!field) {
      const detail = ref.name.includes('.')
        ? `Didn't understand relationship '${ref.name.split('.')[0]}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`
        : `No such column '${ref.name}' on entity '${schema.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`;
      throw soqlError(query.text, ref.pos, 'INVALID_FIELD', detail);
    }
    ref.name = field.name;
    return field;
  };
  for (const ref of query.fields) resolve(ref);
  for (const item of query.orderBy) resolve(item.field);
  const visit = (expr: Expr): void => {
    if (expr.type === 'and' || expr.type === 'or') {
      for (const item of expr.items) visit(item);
      return;
    }
    if (expr.type === 'not') {
      visit(expr.item);
      return;
    }
    const field = resolve(expr.field);
    const literals = Array.isArray(expr.value) ? expr.value : [expr.value];
    for (const literal of literals) {
      if (!literalFits(field.type, literal)) {
        const expected = TYPE_WORD[field.type] ?? (NUMERIC.has(field.type) ? 'number' : 'string');
        const quoted = expected === 'string' ? 'should be enclosed in quotes' : 'should not be enclosed in quotes';
        throw soqlError(
          query.text,
          expr.pos,
          'INVALID_FIELD',
          `value of filter criterion for field '${field.name}' must be of type ${expected} and ${quoted}`,
        );
      }
    }
    if (expr.op === 'LIKE' && !TEXTUAL.has(field.type)) {
      throw soqlError(query.text, expr.pos, 'INVALID_FIELD', `invalid operator on ${field.type} field: LIKE`);
    }
  };
  if (query.where) visit(query.where);
}

export type FieldValue = string | number | boolean | null;

/** Order two stored values of one field type; null sorts apart (handled by callers). */
export function compareValues(type: string, a: FieldValue, b: FieldValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (type === 'datetime') return Date.parse(String(a)) - Date.parse(String(b));
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function literalValue(literal: Literal): FieldValue {
  switch (literal.kind) {
    case 'null':
      return null;
    case 'datetime':
      return new Date(literal.value).toISOString();
    default:
      return literal.value;
  }
}

function likeToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) source += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}

export function matches(expr: Expr, record: Record<string, FieldValue>, schema: SoqlSchema): boolean {
  if (expr.type === 'and') return expr.items.every((item) => matches(item, record, schema));
  if (expr.type === 'or') return expr.items.some((item) => matches(item, record, schema));
  if (expr.type === 'not') return !matches(expr.item, record, schema);
  const type = schema.field(expr.field.name)?.type ?? 'string';
  const actual = record[expr.field.name] ?? null;
  if (Array.isArray(expr.value)) {
    const found = expr.value.some((v) => actual !== null && compareValues(type, actual, literalValue(v)) === 0);
    return expr.op === 'IN' ? found : !found;
  }
  const expected = literalValue(expr.value);
  if (expr.op === 'LIKE')
    return actual !== null && expected !== null && likeToRegExp(String(expected)).test(String(actual));
  if (expected === null || actual === null) {
    if (expr.op === '=') return actual === expected;
    if (expr.op === '!=') return actual !== expected;
    return false;
  }
  const cmp = compareValues(type, actual, expected);
  switch (expr.op) {
    case '=':
      return cmp === 0;
    case '!=':
      return cmp !== 0;
    case '<':
      return cmp < 0;
    case '>':
      return cmp > 0;
    case '<=':
      return cmp <= 0;
    default:
      return cmp >= 0;
  }
}

/** Filter, sort, offset and limit; the caller projects the selected fields. */
export function runSoql<R extends Record<string, FieldValue>>(query: SoqlQuery, schema: SoqlSchema, records: R[]): R[] {
  const where = query.where;
  let rows = where ? records.filter((r) => matches(where, r, schema)) : [...records];
  if (query.orderBy.length > 0) {
    rows.sort((a, b) => {
      for (const item of query.orderBy) {
        const type = schema.field(item.field.name)?.type ?? 'string';
        const x = a[item.field.name] ?? null;
        const y = b[item.field.name] ?? null;
        if (x === null || y === null) {
          if (x === y) continue;
          return (x === null) === item.nullsLast ? 1 : -1;
        }
        const cmp = compareValues(type, x, y);
        if (cmp !== 0) return item.desc ? -cmp : cmp;
      }
      return 0;
    });
  }
  if (query.offset !== undefined) rows = rows.slice(query.offset);
  if (query.limit !== undefined) rows = rows.slice(0, query.limit);
  return rows;
}
