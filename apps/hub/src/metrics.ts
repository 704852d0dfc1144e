import type { Db } from './db/index.js';
import { isPostgres, sqliteOf, writeInTurn } from './db/index.js';
import { postgresCallCounter } from './db/postgres/stores.js';

const MINUTE = 60_000;

/**
 * Counts every vendor call by connector and status (in memory for /metrics, per minute in SQLite for the
 * overview charts) by wrapping the fetch connectors receive.
 */
export function createMetrics(db: Db, now: () => number = Date.now) {
  const bump = isPostgres(db)
    ? { run: postgresCallCounter(db) }
    : sqliteOf(db).prepare(
        `INSERT INTO vendor_calls (minute, connector, status, count) VALUES (?, ?, ?, 1)
     ON CONFLICT (minute, connector, status) DO UPDATE SET count = count + 1`,
      );
  // SQLite: a call is counted once the ingest commit worker has no transaction, not on the event loop's time.
  const inTurn = isPostgres(db) ? undefined : writeInTurn(db);
  const calls = new Map<string, number>();
  const record = (connector: string, status: string) => {
    const key = `${connector}\u0000${status}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
    try {
      const minute = Math.floor(now() / MINUTE) * MINUTE;
      if (inTurn) inTurn(() => bump.run(minute, connector, status)).catch(() => {});
      else bump.run(minute, connector, status);
    } catch {
      // Metrics must never break a vendor call (e.g. the database is closing during shutdown).
    }
  };

  return {
    record,
    /** The fetch a connector gets: the real one, counted. */
    countingFetch(connector: string, inner: typeof fetch): typeof fetch {
      return async (input, init) => {
        try {
          const res = await inner(input, init);
          record(connector, String(res.status));
          return res;
        } catch (error) {
          record(connector, 'network');
          throw error;
        }
      };
    },
    calls(): Array<{ connector: string; status: string; count: number }> {
      return [...calls].map(([key, count]) => {
        const [connector = '', status = ''] = key.split('\u0000');
        return { connector, status, count };
      });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${esc(v)}"`)
    .join(',')}}`;

/** Prometheus text exposition format (0.0.4). */
export function renderPrometheus(input: {
  eventsByState: Record<string, number>;
  calls: Array<{ connector: string; status: string; count: number }>;
  limits: Array<{
    account: string;
    bucket: string;
    usage: Array<{ window: { windowMs: number }; used: number; limit: number }>;
  }>;
  runs: Array<{ kind: string; status: string; count: number; seconds: number }>;
  uptimeSeconds: number;
}): string {
  const out: string[] = [];
  const metric = (name: string, type: string, help: string, rows: Array<[Record<string, string>, number]>) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [l, v] of rows) out.push(`${name}${Object.keys(l).length ? labels(l) : ''} ${v}`);
  };
  metric(
    'synchub_events',
    'gauge',
    'Events in the outbox by state.',
    Object.entries(input.eventsByState).map(([state, n]) => [{ state }, n]),
  );
  metric(
    'synchub_vendor_calls_total',
    'counter',
    'Vendor HTTP calls since start, by connector and status.',
    input.calls.map((c) => [{ connector: c.connector, status: c.status }, c.count]),
  );
  const windowName = (ms: number) =>
    ms === 60_000 ? 'minute' : ms === 3_600_000 ? 'hour' : ms === 86_400_000 ? 'day' : `${ms}ms`;
  metric(
    'synchub_limiter_used',
    'gauge',
    'Calls spent in the current window of each vendor budget.',
    input.limits.flatMap((l) =>
      l.usage.map(
        (u) =>
          [{ account: l.account, bucket: l.bucket, window: windowName(u.window.windowMs) }, u.used] as [
            Record<string, string>,
            number,
          ],
      ),
    ),
  );
  metric(
    'synchub_limiter_limit',
    'gauge',
    'Size of each vendor budget window.',
    input.limits.flatMap((l) =>
      l.usage.map(
        (u) =>
          [{ account: l.account, bucket: l.bucket, window: windowName(u.window.windowMs) }, u.limit] as [
            Record<string, string>,
            number,
          ],
      ),
    ),
  );
  metric(
    'synchub_runs_total',
    'counter',
    'Finished pipeline runs by kind and status.',
    input.runs.map((r) => [{ kind: r.kind, status: r.status }, r.count]),
  );
  metric(
    'synchub_run_duration_seconds_sum',
    'counter',
    'Total duration of finished pipeline runs by kind and status.',
    input.runs.map((r) => [{ kind: r.kind, status: r.status }, r.seconds]),
  );
  metric('synchub_uptime_seconds', 'gauge', 'Seconds since the hub started.', [[{}, input.uptimeSeconds]]);
  const mem = process.memoryUsage();
  metric('synchub_process_resident_memory_bytes', 'gauge', 'Resident set size.', [[{}, mem.rss]]);
  return `${out.join('\n')}\n`;
}
