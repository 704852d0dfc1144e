import { formatClock, formatWeekday, isMidnight, zoneOffset } from './format.js';
import type { BacklogEntry, EventCounts } from './types.js';

// The overview page's data: the hub's sparse per-bucket rows shaped into dense series the charts draw.

/** One bucket of a series: `t` is the bucket's start (epoch ms), `n` how many. */
export interface BucketCount {
  t: number;
  n: number;
}

export interface CallCount {
  t: number;
  connector: string;
  /** HTTP status ("200", "429") or "network" when no answer came. */
  status: string;
  n: number;
}

/** `GET /api/overview?hours=…`: only buckets with something in them are listed. */
export interface OverviewAnswer {
  since: number;
  bucketMinutes: number;
  events: { received: BucketCount[]; delivered: BucketCount[]; failed: BucketCount[] };
  calls: CallCount[];
  counts: EventCounts;
  /** What waits for delivery now, per destination (hubs before it sent none). */
  backlog?: BacklogEntry[];
}

/** A dense series on the chart's bucket grid; `error` series are drawn as failures. */
export interface Series {
  key: string;
  label: string;
  values: number[];
  error: boolean;
}

export interface ChartData {
  /** Bucket start times, oldest first, one per bucket from `since` to the bucket holding `until`. */
  times: number[];
  bucketMs: number;
  series: Series[];
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Start times of every bucket from `since` up to and including the one that holds `until`. */
export function bucketTimes(since: number, bucketMs: number, until: number): number[] {
  const times: number[] = [];
  if (!(bucketMs > 0)) return times;
  // Capped so a wrong clock or a tiny bucket cannot make the page build millions of empty buckets.
  for (let t = since; t <= until && times.length < 2000; t += bucketMs) times.push(t);
  return times;
}

/** Sparse rows onto the grid: a bucket with no row is zero; rows outside the grid are left out. */
export function fillSeries(points: readonly BucketCount[], times: readonly number[], bucketMs: number): number[] {
  const values = times.map(() => 0);
  const first = times[0];
  if (first === undefined) return values;
  for (const p of points) {
    const i = Math.floor((p.t - first) / bucketMs);
    if (i >= 0 && i < values.length) values[i] = (values[i] ?? 0) + p.n;
  }
  return values;
}

/** Statuses of 400 and above, and calls that got no answer at all, count as errors. */
export function isErrorStatus(status: string): boolean {
  const code = Number(status);
  return !Number.isFinite(code) || code >= 400;
}

/** The grid ends at the later of the browser's clock and the newest row, so clock skew hides no data. */
function gridOf(answer: OverviewAnswer, now: number): { times: number[]; bucketMs: number } {
  const bucketMs = answer.bucketMinutes * MINUTE;
  let until = now;
  for (const list of [answer.events.received, answer.events.delivered, answer.events.failed, answer.calls])
    for (const p of list) until = Math.max(until, p.t);
  return { times: bucketTimes(answer.since, bucketMs, until), bucketMs };
}

export function eventChart(answer: OverviewAnswer, now: number): ChartData {
  const { times, bucketMs } = gridOf(answer, now);
  const series = (key: 'received' | 'delivered' | 'failed', label: string): Series => ({
    key,
    label,
    values: fillSeries(answer.events[key], times, bucketMs),
    error: key === 'failed',
  });
  return {
    times,
    bucketMs,
    series: [series('received', 'Received'), series('delivered', 'Delivered'), series('failed', 'Failed')],
  };
}

/** Two series per connector, successes then errors; connectors in name order so colours stay put. */
export function callChart(answer: OverviewAnswer, now: number): ChartData {
  const { times, bucketMs } = gridOf(answer, now);
  const connectors = [...new Set(answer.calls.map((c) => c.connector))].sort();
  const series: Series[] = [];
  for (const connector of connectors) {
    for (const error of [false, true]) {
      const rows = answer.calls.filter((c) => c.connector === connector && isErrorStatus(c.status) === error);
      if (error && rows.length === 0) continue;
      series.push({
        key: `${connector}:${error ? 'error' : 'ok'}`,
        label: `${connector} ${error ? 'errors' : 'OK'}`,
        values: fillSeries(rows, times, bucketMs),
        error,
      });
    }
  }
  return { times, bucketMs, series };
}

export const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Per-bucket totals of several series (the height of a stacked bar). */
export function stackTotals(series: readonly Series[], length: number): number[] {
  return Array.from({ length }, (_, i) => sum(series.map((s) => s.values[i] ?? 0)));
}

/** Round axis values from 0 to at least `max` (1, 2, 2.5 or 5 × a power of ten apart); whole numbers only. */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const steps = [1, 2, 2.5, 5, 10].map((m) => m * power).filter((s) => s >= 1 && Number.isInteger(s));
  const step = steps.find((s) => s >= raw) ?? Math.max(1, 10 * power);
  const ticks: number[] = [];
  for (let v = 0; ticks.length === 0 || (ticks.at(-1) ?? 0) < max; v += step) ticks.push(v);
  return ticks;
}

const TIME_STEPS = [5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440, 2880].map((m) => m * MINUTE);

/**
 * Times for x-axis labels between `start` and `end`, on round local-clock steps (every 15 min, every 4 h,
 * each midnight…), the smallest step that gives at most `maxTicks` labels.
 */
export function timeTicks(start: number, end: number, maxTicks: number, offsetMs = 0): number[] {
  const span = end - start;
  if (!(span > 0) || maxTicks < 1) return [];
  const step = TIME_STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / DAY) * DAY;
  // `offsetMs` shifts the grid to local time, so an hourly step lands on :00 and a daily one on midnight.
  const first = Math.ceil((start + offsetMs) / step) * step - offsetMs;
  const ticks: number[] = [];
  for (let t = first; t <= end; t += step) ticks.push(t);
  return ticks;
}

/** The shown zone's offset from UTC at `at`, in ms (for `timeTicks`): the browser's, or 0 for UTC. */
export const localOffset = (at: number) => zoneOffset(at);

/** "14:30" within a day, "Mon 14:00" within a week, a date beyond; in the shown zone. */
export function formatTick(t: number, spanMs: number): string {
  const time = formatClock(t);
  if (spanMs <= DAY) return time;
  if (isMidnight(t)) return formatWeekday(t);
  return `${formatWeekday(t, false)} ${time}`;
}

/** "5-minute buckets", "6-hour buckets". */
export function bucketPhrase(bucketMs: number): string {
  if (bucketMs % HOUR === 0) return `${bucketMs / HOUR}-hour buckets`;
  return `${Math.round(bucketMs / MINUTE)}-minute buckets`;
}

/** "5 min", "6 h": one bucket's length, short. */
export function bucketLength(bucketMs: number): string {
  return bucketMs % HOUR === 0 ? `${bucketMs / HOUR} h` : `${Math.round(bucketMs / MINUTE)} min`;
}

export function rangePhrase(hours: number): string {
  if (hours % 24 === 0 && hours > 24) return `last ${hours / 24} days`;
  return hours === 1 ? 'last hour' : `last ${hours} hours`;
}

/** A sentence for screen readers: totals per series and the busiest bucket. */
export function describeChart(data: ChartData, what: string, hours: number): string {
  const totals = data.series.map((s) => `${sum(s.values).toLocaleString()} ${s.label.toLowerCase()}`);
  const stacked = stackTotals(data.series, data.times.length);
  const peak = Math.max(0, ...stacked);
  const at = data.times[stacked.indexOf(peak)];
  const head = `${what} over the ${rangePhrase(hours)}, in ${bucketPhrase(data.bucketMs)}`;
  if (data.series.length === 0 || peak === 0) return `${head}: none.`;
  const when = at === undefined ? '' : `; busiest bucket ${formatTick(at, hours * HOUR)} with ${peak.toLocaleString()}`;
  return `${head}: ${totals.join(', ')}${when}.`;
}
