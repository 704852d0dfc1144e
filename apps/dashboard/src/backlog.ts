import { formatDuration } from './format.js';
import type { BacklogEntry } from './types.js';

// What waits for delivery, in words: "499 waiting · oldest 12 min · Gainsight budget 100/min · about 5 min".

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const num = (n: number) => n.toLocaleString();

/** "100/min", "10/hour", "50,000/day", "5 per 10 s". */
export function rateLabel(limit: number, windowMs: number): string {
  const n = num(limit);
  if (windowMs === MINUTE) return `${n}/min`;
  if (windowMs === HOUR) return `${n}/hour`;
  if (windowMs === DAY) return `${n}/day`;
  return `${n} per ${formatDuration(windowMs).replace('under a minute', `${Math.round(windowMs / 1000)} s`)}`;
}

export interface BacklogLine {
  key: string;
  /** The destination's name, or what the events without one are. */
  name: string;
  /** Events waiting; 0 shows as "Nothing waiting". */
  waiting: number;
  /** The line itself, its parts shown joined with " · "; `at` is the moment a part's age counts from. */
  parts: Array<{ text: string; at?: number }>;
  /** How the estimate was made, or why there is none. */
  note: string | null;
  /** Something the user should act on (events go nowhere, a destination is off). */
  warn: boolean;
}

const plural = (n: number, one: string, many = `${one}s`) => `${num(n)} ${n === 1 ? one : many}`;

export function backlogLine(entry: BacklogEntry, now: number): BacklogLine {
  const name = entry.destinationName ?? 'Sources with no destination';
  const key = entry.destinationId ?? '(none)';
  const base = { key, name, waiting: entry.waiting };
  if (entry.waiting === 0) return { ...base, parts: [{ text: 'Nothing waiting' }], note: null, warn: false };
  const retrying = entry.retrying > 0 ? ` (${num(entry.retrying)} to retry)` : '';
  const parts: BacklogLine['parts'] = [{ text: `${num(entry.waiting)} waiting${retrying}` }];
  const oldest = entry.oldestReceivedAt;
  if (oldest !== null) parts.push({ text: `oldest ${formatDuration(Math.max(0, now - oldest))} old`, at: oldest });
  if (entry.destinationId === null)
    return {
      ...base,
      parts,
      note: 'Their sources send them to no destination: they wait until a source is given one (Sources page).',
      warn: true,
    };
  if (entry.budget)
    parts.push({ text: `${entry.budget.label} budget ${rateLabel(entry.budget.limit, entry.budget.windowMs)}` });
  if (!entry.enabled)
    return {
      ...base,
      parts: [...parts, { text: 'paused' }],
      note: 'The destination is disabled: nothing is sent until it is enabled.',
      warn: true,
    };
  if (!entry.estimate)
    return { ...base, parts, note: 'No call budget is known for this connection, so no estimate.', warn: false };
  parts.push({ text: entry.estimate.ms < 60_000 ? 'under a minute' : `about ${formatDuration(entry.estimate.ms)}` });
  const perCall = entry.perCall.measured
    ? `${plural(entry.perCall.events, 'event')} per call, measured over the last ${plural(entry.perCall.calls, 'call')}`
    : '1 event per call assumed: no call was measured since the hub started';
  const limited = entry.estimate.limitedBy;
  const limit = limited
    ? `; the ${limited.windowLabel ?? formatDuration(limited.windowMs)} budget has ${plural(limited.remaining, 'call')} left, so the rest waits for it to free up`
    : '';
  return {
    ...base,
    parts,
    note: `${plural(entry.estimate.calls, 'call')} at ${perCall}${limit}.`,
    warn: false,
  };
}

/** Total waiting over every destination. */
export const totalWaiting = (entries: readonly BacklogEntry[]) => entries.reduce((n, e) => n + e.waiting, 0);
