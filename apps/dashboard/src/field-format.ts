import { formatTime } from './format.js';

// Vendor field values for people: money with digit grouping, calendar dates as dates (Gainsight gives a
// DATE as epoch ms, Salesforce as "2025-03-01"), and objects as their fields instead of JSON.

/** Field names that hold an amount of money (Arr, Mrr, AnnualRevenue, Amount, Total_Price__c…), as snake_case. */
const MONEY = /(?:^|_)(?:arr|mrr|acv|tcv|amount|revenue|price|cost|spend)$/;
/** Field names that hold a date or a moment (RenewalDate, CreatedDate, renewal_date, SyncedAt…). */
const DATE = /(?:[Dd]ate|_at|At|[Tt]ime|[Ss]tamp)(?:__g?c)?$/;
/** Epoch ms between 1973 and 2286: a number this size in a date field is a moment, not a count. */
const EPOCH_MS = [1e11, 1e13] as const;
const DAY_MS = 86_400_000;

export const isMoneyField = (name: string): boolean =>
  MONEY.test(
    name
      .replace(/__g?c$/, '')
      .replace(/([a-z\d])([A-Z])/g, '$1_$2')
      .toLowerCase(),
  );
export const isDateField = (name: string): boolean => DATE.test(name);

/** An amount: digit groups, cents only when there are any ("120,000", "1,234.50"). */
export function formatMoney(n: number): string {
  const whole = Number.isInteger(n);
  return n.toLocaleString(undefined, { minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2 });
}

/**
 * A date field's value as a date: a calendar date (midnight UTC, or "YYYY-MM-DD") without a time and
 * without moving it a day in zones west of UTC; a moment with its time and zone.
 */
export function formatDateValue(value: number | string): string | undefined {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) return undefined;
  if (typeof value === 'number' && (value < EPOCH_MS[0] || value > EPOCH_MS[1])) return undefined;
  const calendar = typeof value === 'string' ? /^\d{4}-\d{2}-\d{2}$/.test(value) : ms % DAY_MS === 0;
  return calendar
    ? new Date(ms).toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: 'UTC' })
    : formatTime(ms, Date.now(), { seconds: false, year: true });
}

/** One field's value as text; objects and lists go through `fieldsOf` (see FieldValue). */
export function formatFieldValue(name: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') {
    if (isDateField(name)) return formatDateValue(value) ?? value.toLocaleString();
    return isMoneyField(name) ? formatMoney(value) : value.toLocaleString();
  }
  if (typeof value === 'string') {
    if (isDateField(name) && /^\d{4}-\d{2}-\d{2}/.test(value)) return formatDateValue(value) ?? value;
    if (isMoneyField(name) && /^-?\d+(\.\d+)?$/.test(value)) return formatMoney(Number(value));
    return value;
  }
  if (Array.isArray(value)) {
    const shown = value.slice(0, 5).map((v) => (isPlainObject(v) ? inline(v) : formatFieldValue(name, v)));
    return value.length > 5 ? `${shown.join(', ')} … (${value.length} in all)` : shown.join(', ');
  }
  if (isPlainObject(value)) return inline(value);
  return String(value);
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** An object's fields on one line: "used 1 · max 15,000". */
function inline(value: Record<string, unknown>): string {
  const entries = Object.entries(value);
  if (entries.length === 0) return '—';
  return entries.map(([k, v]) => `${fieldLabel(k)} ${formatFieldValue(k, v)}`).join(' · ');
}

/** A field's key for people: camelCase and snake_case split into words ("apiUsage" → "API usage"). */
export function fieldLabel(key: string): string {
  if (/__g?c$/.test(key)) return key; // a vendor's custom field: its API name is what people know
  const words = key
    .replace(/_/g, ' ')
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .trim()
    .split(/\s+/)
    .map((w) => (/^(api|url|id|arr|mrr|sfdc|gsid|nps)$/i.test(w) ? w.toUpperCase() : w.toLowerCase()));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
