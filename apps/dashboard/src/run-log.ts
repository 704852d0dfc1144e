import { formatDetail, formatTime, humanize } from './format.js';

// A run log one can read: cursors in words, the samples a run noted (unmatched records…) as tables, and
// the sorting every table of the dashboard shares.

/** What a saved position points at, as far as the page can tell without knowing the connector. */
interface Mark {
  /** Records changed up to this moment were read (epoch ms). */
  at?: number | undefined;
  /** A position that is not a time (a page, an offset, an id). */
  position?: string | undefined;
  /** Records with exactly that change time already read (they are skipped next time). */
  seen?: number | undefined;
  /** The position belongs to the settings it was made with (a change of them starts over). */
  tied: boolean;
}

const ISO = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

function timeOf(value: unknown): number | undefined {
  if (typeof value === 'string' && ISO.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  // Epoch ms or seconds of this century.
  if (typeof value === 'number' && value > 946_684_800_000 && value < 4_102_444_800_000) return value;
  if (typeof value === 'number' && value > 946_684_800 && value < 4_102_444_800) return value * 1000;
  return undefined;
}

export function markOf(cursor: string, tied = false): Mark {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = cursor;
  }
  const at = timeOf(parsed);
  if (at !== undefined) return { at, tied };
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const o = parsed as Record<string, unknown>;
    // A position wrapped with a fingerprint of the settings it was made for.
    if (typeof o.c === 'string' && typeof o.f === 'string') return markOf(o.c, true);
    const value = o.after ?? o.since ?? o.updatedAfter ?? o.modifiedAfter;
    const when = timeOf(value);
    const seen = Array.isArray(o.ids) ? o.ids.length : typeof o.gsid === 'string' ? 1 : undefined;
    if (when !== undefined) return { at: when, seen, tied };
    if (value !== undefined) return { position: String(value), seen, tied };
  }
  if (typeof parsed === 'number' || (typeof parsed === 'string' && parsed.length <= 40))
    return { position: String(parsed), tied };
  return { tied };
}

/** A mark as a moment ("Mar 5, 2025, 12:00:00 PM UTC") or a position ("position 3"). */
function pointOf(mark: Mark, now: number): { time: boolean; text: string } {
  if (mark.at !== undefined) return { time: true, text: formatTime(mark.at, now, { year: true }) };
  if (mark.position !== undefined) return { time: false, text: `position ${mark.position}` };
  return { time: false, text: 'a position only the pipeline reads' };
}

const seenOf = (mark: Mark) =>
  mark.seen ? ` (${mark.seen === 1 ? 'one record' : `${mark.seen} records`} changed at that moment already read)` : '';

/** A run's cursor in words: where it started, where it got to, and what the next run does. */
export function explainCursor(before: string | null, after: string | null, now = Date.now()): string {
  if (before === null && after === null) return 'No position is kept: each run reads everything.';
  const from = before === null ? undefined : markOf(before);
  const to = after === null ? undefined : markOf(after);
  const tied =
    from?.tied || to?.tied ? ' The position belongs to the current settings: changing them starts over.' : '';
  if (!to) {
    const start = from ? ` from ${pointOf(from, now).text}` : '';
    return `Started${start}; the position was cleared, so the next run reads everything again.${tied}`;
  }
  const end = pointOf(to, now);
  const next = end.time ? ' The next run reads only what changed after that.' : ' The next run goes on from there.';
  if (!from) {
    const read = end.time ? `Read everything changed up to ${end.text}` : `Read from the beginning to ${end.text}`;
    return `${read}${seenOf(to)}.${next}${tied}`;
  }
  const start = pointOf(from, now);
  if (before === after) {
    return end.time
      ? `Nothing changed after ${end.text}, so the position stayed.${tied}`
      : `Started at ${end.text}; nothing new was found, so the position stayed.${tied}`;
  }
  const read =
    start.time && end.time
      ? `Read what changed between ${start.text} and ${end.text}`
      : `Read from ${start.text} to ${end.text}`;
  return `${read}${seenOf(to)}.${next}${tied}`;
}

/** A run's details: lists of records (`run.note`) become tables; anything else a line of facts. */
export interface NoteTable {
  key: string;
  title: string;
  columns: string[];
  rows: Array<Record<string, string>>;
  /** The run keeps at most this many samples of a list. */
  capped: boolean;
}

export const NOTE_CAP = 100;

export function splitDetails(details: Record<string, unknown> | null): {
  tables: NoteTable[];
  facts: Array<{ key: string; label: string; value: string }>;
} {
  const tables: NoteTable[] = [];
  const facts: Array<{ key: string; label: string; value: string }> = [];
  for (const [key, value] of Object.entries(details ?? {})) {
    const records =
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
    if (!records) {
      facts.push({ key, label: humanize(key), value: formatDetail(value) });
      continue;
    }
    const list = value as Array<Record<string, unknown>>;
    const columns: string[] = [];
    for (const row of list) for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
    // Records noted without a single field: only their number says anything.
    if (columns.length === 0) {
      facts.push({ key, label: humanize(key), value: `${list.length.toLocaleString()} noted, with no fields` });
      continue;
    }
    tables.push({
      key,
      title: humanize(key),
      columns,
      rows: list.map((row) =>
        Object.fromEntries(columns.map((c) => [c, row[c] === undefined ? '' : formatDetail(row[c])])),
      ),
      capped: list.length >= NOTE_CAP,
    });
  }
  return { tables, facts };
}

export type SortDirection = 'ascending' | 'descending';
export interface SortState {
  key: string;
  direction: SortDirection;
}

/** Clicking a column: ascending first, then descending, then back to the table's own order. */
export function nextSort(current: SortState | undefined, key: string): SortState | undefined {
  if (current?.key !== key) return { key, direction: 'ascending' };
  return current.direction === 'ascending' ? { key, direction: 'descending' } : undefined;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Rows sorted by a column's value: numbers as numbers, text as a person reads it, empty last. */
export function sortRows<T>(
  rows: readonly T[],
  sort: SortState | undefined,
  cell: (row: T, key: string) => string | number | null | undefined,
): T[] {
  if (!sort) return [...rows];
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i, v: cell(row, sort.key) }))
    .sort((a, b) => {
      const empty = (v: unknown) => v === null || v === undefined || v === '';
      if (empty(a.v) || empty(b.v)) return empty(a.v) === empty(b.v) ? a.i - b.i : empty(a.v) ? 1 : -1;
      const c =
        typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : collator.compare(String(a.v), String(b.v));
      return c === 0 ? a.i - b.i : sign * c;
    })
    .map((x) => x.row);
}
