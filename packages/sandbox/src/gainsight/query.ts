// Type-only, by path: the simulator checks its query API against the connector's request types (their one
// home). A package dependency would be a cycle (the connector's tests depend on this package); nothing of
// this import exists at run time.
import type { GainsightOperator } from '../../../connectors/gainsight/src/types.js';
import { findField, findObject } from './catalog.js';
import { renderValue } from './data.js';
import { badRequest, CODES, isPlainObject } from './envelope.js';
import { inNaturalOrder, lowerBound, scanVirtual } from './lazy-usage.js';
import { isPicklist, toGsids } from './picklists.js';
import type { GainsightFieldDef, GainsightObjectDef, GainsightRow, VirtualTable } from './types.js';
import { parseBoolean, parseDate, parseNumber } from './values.js';

export const MAX_QUERY_LIMIT = 5000;
/** [L] page size when the body names no limit. */
export const DEFAULT_QUERY_LIMIT = 100;

/** The query API's operators: every one of the connector's request type (GainsightOperator), no other. */
export const OPERATORS = [
  'EQ',
  'NE',
  'LT',
  'GT',
  'LTE',
  'GTE',
  'BTW',
  'IN',
  'CONTAINS',
  'STARTS_WITH',
  'ENDS_WITH',
  'IS_NULL',
  'IS_NOT_NULL',
  'INCLUDES',
  'EXCLUDES',
] as const satisfies readonly GainsightOperator[];
export type Operator = (typeof OPERATORS)[number];
/** Fails to compile when the connector's types gain an operator the simulator does not serve. */
const servesEveryOperator: [Exclude<GainsightOperator, Operator>] extends [never] ? true : never = true;
void servesEveryOperator;

export interface QuerySource {
  objects: GainsightObjectDef[];
  rows(objectName: string): GainsightRow[];
  virtual?(objectName: string): VirtualTable | undefined;
}

interface ResolvedPath {
  path: string;
  field: GainsightFieldDef;
  get(row: GainsightRow): unknown;
}

type Predicate = (row: GainsightRow) => boolean;

/**
 * Run one `POST /v1/data/objects/query/{object}` body against the rows; throws GainsightError (400) for
 * everything the vendor rejects: unknown fields, operators, aliases, limits over 5000.
 */
export function runQuery(
  source: QuerySource,
  object: GainsightObjectDef,
  body: unknown,
  dateFormat: 'iso' | 'epoch',
): Record<string, unknown>[] {
  if (!isPlainObject(body)) throw badRequest('Request body must be a JSON object');
  const indexes = new Map<string, Map<unknown, GainsightRow>>();
  const resolve = (path: string) => resolvePath(source, object, path, indexes);

  const { select, where, orderBy } = body;
  if (!Array.isArray(select) || select.length === 0 || !select.every((s) => typeof s === 'string' && s !== '')) {
    throw badRequest('select must be a non-empty array of field names');
  }
  const columns = select.map((s) => resolve(s as string));

  const limit = body.limit ?? DEFAULT_QUERY_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw badRequest('limit must be a positive integer');
  }
  if (limit > MAX_QUERY_LIMIT) throw badRequest(`limit must be less than or equal to ${MAX_QUERY_LIMIT}`);
  const offset = body.offset ?? 0;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
    throw badRequest('offset must be a non-negative integer');
  }

  const predicate = where === undefined || where === null ? () => true : buildWhere(where, resolve);
  const virtual = source.virtual?.(object.objectName);
  let page: GainsightRow[];
  if (virtual && inNaturalOrder(virtual, orderBy)) {
    // Rows computed on demand, already in the asked order: start at the cursor condition, build one page.
    const all = where === undefined || where === null;
    page = all
      ? scanVirtual(virtual, predicate, offset, 0, limit)
      : scanVirtual(virtual, predicate, lowerBound(virtual, where), offset, limit);
  } else {
    let matched = source.rows(object.objectName).filter(predicate);
    if (orderBy !== undefined && orderBy !== null) matched = sortRows(matched, orderBy, resolve);
    page = matched.slice(offset, offset + limit);
  }

  return page.map((row) => {
    const out: Record<string, unknown> = {};
    for (const col of columns) out[col.path] = renderValue(col.field.dataType, col.get(row), dateFormat);
    return out;
  });
}

/** `Field`, or `Lookup__gr.Field` (chains allowed) through LOOKUP fields. Field names are case-sensitive. */
function resolvePath(
  source: QuerySource,
  object: GainsightObjectDef,
  path: string,
  indexes: Map<string, Map<unknown, GainsightRow>>,
): ResolvedPath {
  const missing = () =>
    badRequest(`Field ${path} does not exist on ${object.objectName}`, CODES.fieldMissing, { fieldName: path });
  const parts = path.split('__gr.');
  const hops: GainsightFieldDef[] = [];
  let current = object;
  for (const [i, part] of parts.entries()) {
    const field = findField(current, part);
    if (!field) throw missing();
    hops.push(field);
    if (i < parts.length - 1) {
      const target =
        field.dataType === 'LOOKUP' && field.lookupObject ? findObject(source.objects, field.lookupObject) : undefined;
      if (!target) throw missing();
      current = target;
    }
  }
  const index = (objectName: string) => {
    let map = indexes.get(objectName);
    if (!map) {
      map = new Map(source.rows(objectName).map((r) => [r.Gsid, r]));
      indexes.set(objectName, map);
    }
    return map;
  };
  const field = hops[hops.length - 1] as GainsightFieldDef;
  // Picklists are answered, filtered and sorted by item GSID, as the vendor does; rows hold labels.
  const picklist = isPicklist(field);
  return {
    path,
    field,
    get(row) {
      let value: unknown = row[hops[0]?.fieldName ?? ''];
      for (let i = 1; i < hops.length; i++) {
        const lookupObject = hops[i - 1]?.lookupObject as string;
        const target = value == null ? undefined : index(lookupObject).get(value);
        value = target?.[hops[i]?.fieldName ?? ''];
      }
      return picklist ? toGsids(field, value) : value;
    },
  };
}

function buildWhere(where: unknown, resolve: (path: string) => ResolvedPath): Predicate {
  if (!isPlainObject(where)) throw badRequest('where must be an object');
  const { conditions, expression } = where;
  if (conditions === undefined || (Array.isArray(conditions) && conditions.length === 0)) {
    if (typeof expression === 'string' && expression.trim() !== '') {
      throw badRequest('where.expression names conditions but there are none', CODES.badExpression);
    }
    return () => true;
  }
  if (!Array.isArray(conditions)) throw badRequest('where.conditions must be an array');
  const byAlias = new Map<string, Predicate>();
  const all: Predicate[] = [];
  for (const condition of conditions) {
    const predicate = buildCondition(condition, resolve);
    all.push(predicate);
    const alias = isPlainObject(condition) ? condition.alias : undefined;
    if (typeof alias === 'string' && alias !== '') {
      if (byAlias.has(alias)) throw badRequest(`Duplicate alias ${alias}`, CODES.badExpression);
      byAlias.set(alias, predicate);
    }
  }
  if (expression === undefined || expression === null || expression === '') return (row) => all.every((p) => p(row));
  if (typeof expression !== 'string') throw badRequest('where.expression must be a string', CODES.badExpression);
  return parseExpression(expression, byAlias);
}

function buildCondition(condition: unknown, resolve: (path: string) => ResolvedPath): Predicate {
  if (!isPlainObject(condition) || typeof condition.name !== 'string') {
    throw badRequest('Each condition needs a field name');
  }
  const operator = condition.operator;
  if (typeof operator !== 'string' || !(OPERATORS as readonly string[]).includes(operator)) {
    throw badRequest(`Invalid operator ${String(operator)}`, CODES.badOperator);
  }
  const op = operator as Operator;
  const column = resolve(condition.name);
  const raw = condition.value ?? (op === 'IS_NULL' || op === 'IS_NOT_NULL' ? [] : undefined);
  if (!Array.isArray(raw)) throw badRequest(`value of condition on ${condition.name} must be an array`);
  if (op === 'BTW' && raw.length !== 2) throw badRequest('BTW takes exactly two values');
  if (op !== 'IS_NULL' && op !== 'IS_NOT_NULL' && raw.length === 0) {
    throw badRequest(`${op} needs at least one value`);
  }
  const textual = op === 'CONTAINS' || op === 'STARTS_WITH' || op === 'ENDS_WITH';
  const values = textual ? raw.map((v) => String(v ?? '').toLowerCase()) : raw.map((v) => toComparable(column, v));
  const first = values[0];
  const get = (row: GainsightRow) => normalizeStored(row, column);
  const eq = (a: unknown, b: unknown) => (Array.isArray(a) ? a.includes(b) : a === b);

  switch (op) {
    case 'EQ':
      return (row) => (first === null ? isEmpty(get(row)) : eq(get(row), first));
    case 'NE':
      return (row) => (first === null ? !isEmpty(get(row)) : !eq(get(row), first));
    case 'LT':
    case 'GT':
    case 'LTE':
    case 'GTE':
      return (row) => {
        const v = get(row);
        if (isEmpty(v) || first === null || first === undefined) return false;
        const c = compare(v, first);
        return op === 'LT' ? c < 0 : op === 'GT' ? c > 0 : op === 'LTE' ? c <= 0 : c >= 0;
      };
    case 'BTW':
      return (row) => {
        const v = get(row);
        return !isEmpty(v) && compare(v, values[0]) >= 0 && compare(v, values[1]) <= 0;
      };
    case 'IN': {
      // A Set, not values.some: lookups send up to 5000 names and must not cost rows × values.
      const wanted = new Set(values);
      return (row) => {
        const v = get(row);
        return Array.isArray(v) ? v.some((x) => wanted.has(x)) : wanted.has(v);
      };
    }
    case 'CONTAINS':
    case 'STARTS_WITH':
    case 'ENDS_WITH':
      // Text matching is case-insensitive (ILIKE-style). [L]
      return (row) => {
        const v = get(row);
        if (isEmpty(v)) return false;
        const texts = (Array.isArray(v) ? v : [v]).map((x) => String(x).toLowerCase());
        const needle = first as string;
        return texts.some((t) =>
          op === 'CONTAINS' ? t.includes(needle) : op === 'STARTS_WITH' ? t.startsWith(needle) : t.endsWith(needle),
        );
      };
    case 'IS_NULL':
      return (row) => isEmpty(get(row));
    case 'IS_NOT_NULL':
      return (row) => !isEmpty(get(row));
    case 'INCLUDES':
    case 'EXCLUDES': {
      const wantedItems = new Set(values);
      return (row) => {
        const v = get(row);
        const items = Array.isArray(v) ? v : isEmpty(v) ? [] : [v];
        const hit = items.some((x) => wantedItems.has(x));
        return op === 'INCLUDES' ? hit : !hit;
      };
    }
  }
}

/** Where values are checked against the field's type, as the vendor does (GSOBJ_VDT… on mismatch). */
function toComparable(column: ResolvedPath, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const { dataType, fieldName } = column.field;
  const invalid = (code: string, what: string) =>
    badRequest(`Invalid ${what} ${JSON.stringify(value)} for field ${fieldName}`, code, {
      fieldName,
      invalidValue: value,
    });
  switch (dataType) {
    case 'NUMBER':
    case 'CURRENCY':
    case 'PERCENTAGE': {
      const n = parseNumber(value);
      if (n === undefined) throw invalid(CODES.invalidNumber, 'number');
      return n;
    }
    case 'DATE':
    case 'DATETIME': {
      const ms = parseDate(value);
      if (ms === undefined) throw invalid(CODES.invalidDate, 'date');
      return ms;
    }
    case 'BOOLEAN': {
      const b = parseBoolean(value);
      if (b === undefined) throw invalid(CODES.invalidBoolean, 'boolean');
      return b;
    }
    default:
      return String(value);
  }
}

function normalizeStored(row: GainsightRow, column: ResolvedPath): unknown {
  const v = column.get(row);
  return v === undefined ? null : v;
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = Array.isArray(a) ? a.join(';') : String(a);
  const sb = Array.isArray(b) ? b.join(';') : String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** `A AND (B OR C)`: AND binds tighter than OR; keywords are case-insensitive, aliases are not. */
function parseExpression(expression: string, byAlias: Map<string, Predicate>): Predicate {
  const tokens = expression.match(/\(|\)|[A-Za-z0-9_]+|\S/g) ?? [];
  let pos = 0;
  const fail = (why: string) => badRequest(`Invalid expression "${expression}": ${why}`, CODES.badExpression);
  const peek = () => tokens[pos];
  const isWord = (t: string | undefined, word: string) => t !== undefined && t.toUpperCase() === word;

  function parseOr(): Predicate {
    const parts = [parseAnd()];
    while (isWord(peek(), 'OR')) {
      pos++;
      parts.push(parseAnd());
    }
    return parts.length === 1 ? (parts[0] as Predicate) : (row) => parts.some((p) => p(row));
  }
  function parseAnd(): Predicate {
    const parts = [parseFactor()];
    while (isWord(peek(), 'AND')) {
      pos++;
      parts.push(parseFactor());
    }
    return parts.length === 1 ? (parts[0] as Predicate) : (row) => parts.every((p) => p(row));
  }
  function parseFactor(): Predicate {
    const token = tokens[pos++];
    if (token === undefined) throw fail('unexpected end');
    if (token === '(') {
      const inner = parseOr();
      if (tokens[pos++] !== ')') throw fail('missing )');
      return inner;
    }
    const predicate = byAlias.get(token);
    if (!predicate) throw fail(`unknown alias ${token}`);
    return predicate;
  }

  const predicate = parseOr();
  if (pos !== tokens.length) throw fail(`unexpected ${tokens[pos]}`);
  return predicate;
}

/** orderBy is an ordered map `{Field: "asc"|"desc"}`; nulls sort last ascending, first descending. */
function sortRows(rows: GainsightRow[], orderBy: unknown, resolve: (path: string) => ResolvedPath): GainsightRow[] {
  if (!isPlainObject(orderBy)) throw badRequest('orderBy must be an object of field: asc|desc');
  const keys = Object.entries(orderBy).map(([path, dir]) => {
    const direction = typeof dir === 'string' ? dir.toLowerCase() : '';
    if (direction !== 'asc' && direction !== 'desc') throw badRequest(`Invalid sort order ${String(dir)} for ${path}`);
    return { column: resolve(path), sign: direction === 'asc' ? 1 : -1 };
  });
  return [...rows].sort((x, y) => {
    for (const { column, sign } of keys) {
      const a = normalizeStored(x, column);
      const b = normalizeStored(y, column);
      const ea = isEmpty(a);
      const eb = isEmpty(b);
      if (ea || eb) {
        if (ea && eb) continue;
        return (ea ? 1 : -1) * sign;
      }
      const c = compare(a, b);
      if (c !== 0) return c * sign;
    }
    return 0;
  });
}
