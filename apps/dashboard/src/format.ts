// Small display helpers shared by the pages, and the one place dates and times are formatted: every time
// shows its date, time and zone, in the browser's zone or in UTC (the top bar's switch, remembered in
// localStorage), with the relative time ("3 min ago") as a hint.

export type ZoneChoice = 'local' | 'utc';

const ZONE_KEY = 'synchub.timeZone';
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

function storedZone(): ZoneChoice {
  try {
    return globalThis.localStorage?.getItem(ZONE_KEY) === 'utc' ? 'utc' : 'local';
  } catch {
    return 'local'; // storage refused (privacy settings): the browser's zone
  }
}

let zone: ZoneChoice = storedZone();
const listeners = new Set<(choice: ZoneChoice) => void>();

/** The zone times are shown in. */
export const zoneChoice = (): ZoneChoice => zone;

/** Show times in another zone from now on (kept for the next visit); listeners re-render. */
export function setZoneChoice(choice: ZoneChoice): void {
  zone = choice;
  formatters.clear();
  try {
    globalThis.localStorage?.setItem(ZONE_KEY, choice);
  } catch {
    // not remembered, still applied
  }
  for (const listener of listeners) listener(choice);
}

export function onZoneChange(listener: (choice: ZoneChoice) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The browser's own zone, e.g. "Europe/Berlin". */
export const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';

/** The IANA zone of a choice (the browser's when `local`). */
const zoneOf = (choice: ZoneChoice = zone): string | undefined => (choice === 'utc' ? 'UTC' : undefined);

/** How far the shown zone is ahead of UTC at `at`, in ms (chart grids put their ticks on its round hours). */
export const zoneOffset = (at: number, choice: ZoneChoice = zone): number =>
  choice === 'utc' ? 0 : -new Date(at).getTimezoneOffset() * MINUTE_MS;

// Intl formatters are costly to build and a table formats hundreds of times: one per options and zone.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(options: Intl.DateTimeFormatOptions, choice: ZoneChoice = zone): Intl.DateTimeFormat {
  const key = `${choice}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, { ...options, timeZone: zoneOf(choice) });
    formatters.set(key, f);
  }
  return f;
}

const yearOf = (ms: number, choice: ZoneChoice) => new Date(ms + zoneOffset(ms, choice)).getUTCFullYear();

/**
 * Epoch ms as date, time and zone: "Mar 5, 12:03:07 PM UTC" (the year too when it is not this year's).
 * `seconds: false` leaves the seconds out; `year: true` always shows the year.
 */
export function formatTime(
  ms: number,
  now = Date.now(),
  options: { seconds?: boolean; year?: boolean; zone?: ZoneChoice } = {},
): string {
  if (!Number.isFinite(ms)) return String(ms);
  const choice = options.zone ?? zone;
  const year = options.year || yearOf(ms, choice) !== yearOf(now, choice);
  return formatter(
    {
      ...(year ? { year: 'numeric' } : {}),
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      ...(options.seconds === false ? {} : { second: '2-digit' }),
      timeZoneName: 'short',
    },
    choice,
  ).format(ms);
}

/** An ISO timestamp as date, time (no seconds) and zone, with the year. */
export function formatDate(iso: string): string {
  const ms = new Date(iso).getTime();
  if (Number.isNaN(ms)) return iso;
  return formatTime(ms, Date.now(), { seconds: false, year: true });
}

/** "just now", "3 min ago", "in 5 h", "2 d ago". */
export function relativeTime(ms: number, now = Date.now()): string {
  const seconds = Math.round((ms - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return seconds > 0 ? 'in a few seconds' : 'just now';
  const minutes = Math.round(abs / 60);
  const hours = Math.round(minutes / 60);
  const text = minutes < 60 ? `${minutes} min` : hours < 24 ? `${hours} h` : `${Math.round(hours / 24)} d`;
  return seconds > 0 ? `in ${text}` : `${text} ago`;
}

/** The hint beside a shown time: how long ago (or until), and the same moment in the other zone. */
export function timeHint(ms: number, now = Date.now()): string {
  if (!Number.isFinite(ms)) return '';
  // A browser whose zone is UTC has no other zone to show.
  const other: ZoneChoice = zone === 'utc' ? 'local' : 'utc';
  const shown = zoneOffset(ms, 'local') === 0 ? zone : other;
  return `${relativeTime(ms, now)} · ${formatTime(ms, now, { year: true, zone: shown })}`;
}

/** A clock time in the shown zone, short: "2:30 PM" (chart labels). */
export const formatClock = (ms: number): string => formatter({ hour: 'numeric', minute: '2-digit' }).format(ms);

/** A day in the shown zone, short: "Mon 6" (chart labels). */
export const formatWeekday = (ms: number, withDay = true): string =>
  formatter(withDay ? { weekday: 'short', day: 'numeric' } : { weekday: 'short' }).format(ms);

/** The shown zone's short name at `ms`: "UTC", "CET", "GMT+1". */
export function zoneAbbrev(ms: number, choice: ZoneChoice = zone): string {
  const parts = formatter({ hour: 'numeric', timeZoneName: 'short' }, choice).formatToParts(ms);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? zoneLabel();
}

/** Whether `ms` is midnight in the shown zone. */
export const isMidnight = (ms: number): boolean => (((ms + zoneOffset(ms)) % DAY_MS) + DAY_MS) % DAY_MS === 0;

/** The zone times are shown in, as a label: "UTC" or "Europe/Berlin". */
export const zoneLabel = (choice: ZoneChoice = zone): string => (choice === 'utc' ? 'UTC' : browserZone());

export function timeAgo(iso: string, now = Date.now()): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return iso;
  const seconds = Math.round((now - then) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  return `${days} d ago`;
}

/** A short, readable rendering of one `details` value (numbers, strings, small lists). */
export function formatDetail(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const shown = value.slice(0, 5).map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)));
    return value.length > 5 ? `${shown.join(', ')} … (${value.length} in all)` : shown.join(', ');
  }
  // An object of plain values (or lists of them) reads as labelled parts: "Connection: CRM · Object: Account".
  const entries = Object.entries(value as Record<string, unknown>);
  const plain = (v: unknown) => v === null || typeof v !== 'object';
  if (entries.length > 0 && entries.every(([, v]) => plain(v) || (Array.isArray(v) && v.every(plain)))) {
    return entries.map(([k, v]) => `${humanize(k)}: ${formatDetail(v)}`).join(' · ');
  }
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}…` : json;
}

/** `unmatched` → "Unmatched", `discoveredCategories` → "Discovered categories", `company_gsid` → "Company gsid". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "in 42 s", "in 3 min", "in 5 h" for a moment in the future. */
export function timeUntil(ms: number, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((ms - now) / 1000));
  if (seconds < 90) return `in ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `in ${minutes} min`;
  return `in ${Math.round(minutes / 60)} h`;
}

/** Pretty JSON for display; never throws. */
export function prettyJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A budget's vendor account without the connector id the hub puts in front (`gainsight:acme.…` → `acme.…`). */
export function vendorAccount(account: string): string {
  return account.replace(/^[^:]+:/, '');
}

/** A span, short: "under a minute", "5 min", "2 h 10 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}
