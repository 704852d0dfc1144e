import { USAGE_METRICS, USAGE_MODULES } from './catalog.js';
import { isPlainObject } from './envelope.js';
import type { GainsightRow, VirtualTable } from './types.js';
import { parseDate } from './values.js';

const DAY_MS = 86_400_000;
const WEEKS = 12;

/** Monday 00:00 UTC of the week holding `ms` (1970-01-01 was a Thursday). */
function mondayOf(ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  return (day - ((day + 3) % 7)) * DAY_MS;
}

/** A well-mixed number in [0, 1) from a row's hash and a draw number (murmur3's finalizer). */
function unit(base: number, draw: number): number {
  let h = base ^ Math.imul(draw, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/**
 * product_usage__gc rows computed from their index instead of stored, for benchmarks with millions of
 * rows: row i depends only on (seed, i), and ModifiedDate and Gsid both strictly increase with i, so a
 * page in (ModifiedDate, Gsid) order is found by binary search and costs only its own rows. Same fields
 * and value ranges as the stored generator; the rows span the 12 weeks before the anchor day.
 */
export function createLazyUsage(options: {
  count: number;
  seed: number;
  day0: number;
  keyPrefix: string;
  /** The seeded companies (at least one), read on first use. */
  companies: () => GainsightRow[];
}): VirtualTable {
  const { count, seed, day0, keyPrefix } = options;
  const step = Math.max(1, Math.floor((WEEKS * 7 * DAY_MS) / Math.max(1, count)));
  const start = day0 - step * count;
  const prefix = keyPrefix.toUpperCase().slice(0, 4).padEnd(4, '0');
  const keyAt = (i: number) => start + i * step;
  return {
    length: count,
    orderField: 'ModifiedDate',
    keyAt,
    at(i) {
      // A stateless hash of (seed, i, draw) instead of a generator per row: this runs a million times.
      const base = Math.imul(seed ^ 0x5a17, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b);
      const companies = options.companies();
      const company = companies[Math.floor(unit(base, 1) * companies.length)];
      const metric = USAGE_METRICS[i % USAGE_METRICS.length] as string;
      const modified = keyAt(i);
      const [min, max] = metric === 'time_on_site_minutes' ? [30, 5_000] : metric === 'logins' ? [5, 900] : [1, 400];
      return {
        Gsid: prefix + i.toString(36).toUpperCase().padStart(32, '0'),
        GsCompanyId: company?.Gsid ?? null,
        AccountId__gc: company?.SfdcAccountId ?? null,
        UsageDate__gc: mondayOf(modified - DAY_MS),
        MetricName__gc: metric,
        MetricValue__gc: min + Math.floor(unit(base, 2) * (max - min + 1)),
        Module__gc: USAGE_MODULES[Math.floor(unit(base, 3) * USAGE_MODULES.length)] ?? null,
        ActiveUsers__gc: 1 + Math.floor(unit(base, 4) * 400),
        AggregationLevel__gc: 'ACCOUNTLEVEL',
        CreatedDate: modified,
        ModifiedDate: modified,
      };
    },
  };
}

/**
 * Aliases every matching row must satisfy: all conditions without an expression; with one, the aliases
 * ANDed at its top level (an OR at the top level leaves none).
 */
export function requiredAliases(where: unknown): Set<string> | 'all' {
  if (!isPlainObject(where)) return new Set();
  const expression = typeof where.expression === 'string' ? where.expression.trim() : '';
  if (expression === '') return 'all';
  const required = new Set<string>();
  let depth = 0;
  for (const token of expression.match(/\(|\)|[A-Za-z0-9_]+|\S/g) ?? []) {
    if (token === '(') depth++;
    else if (token === ')') depth--;
    else if (depth === 0 && token.toUpperCase() === 'OR') return new Set();
    else if (depth === 0 && token.toUpperCase() !== 'AND') required.add(token);
  }
  return required;
}

/** Whether `orderBy` asks for the table's natural order (none, order field then Gsid, or Gsid alone). */
export function inNaturalOrder(table: VirtualTable, orderBy: unknown): boolean {
  if (orderBy === undefined || orderBy === null) return true;
  if (!isPlainObject(orderBy)) return false;
  const keys = Object.entries(orderBy).map(([k, v]) => `${k}:${typeof v === 'string' ? v.toLowerCase() : ''}`);
  const natural = [`${table.orderField}:asc`, 'Gsid:asc'];
  const prefix = keys.every((k, i) => natural[i] === k);
  return (keys.length > 0 && prefix) || (keys.length === 1 && keys[0] === 'Gsid:asc');
}

/** First index a required GTE/GT condition on the order field allows (binary search on its key). */
export function lowerBound(table: VirtualTable, where: unknown): number {
  const required = requiredAliases(where);
  const conditions = isPlainObject(where) && Array.isArray(where.conditions) ? where.conditions : [];
  let start = 0;
  for (const c of conditions) {
    if (!isPlainObject(c) || c.name !== table.orderField || (c.operator !== 'GTE' && c.operator !== 'GT')) continue;
    if (required !== 'all' && !(typeof c.alias === 'string' && required.has(c.alias))) continue;
    const bound = Array.isArray(c.value) ? parseDate(c.value[0]) : undefined;
    if (bound === undefined) continue;
    let lo = 0;
    let hi = table.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const key = table.keyAt(mid);
      if (key < bound || (c.operator === 'GT' && key === bound)) lo = mid + 1;
      else hi = mid;
    }
    start = Math.max(start, lo);
  }
  return start;
}

/** One page of a virtual table in natural order: rows from `start` that pass, after skipping `offset`. */
export function scanVirtual(
  table: VirtualTable,
  predicate: (row: GainsightRow) => boolean,
  start: number,
  offset: number,
  limit: number,
): GainsightRow[] {
  const out: GainsightRow[] = [];
  let skipped = 0;
  for (let i = start; i < table.length && out.length < limit; i++) {
    const row = table.at(i);
    if (!predicate(row)) continue;
    if (skipped < offset) skipped++;
    else out.push(row);
  }
  return out;
}
