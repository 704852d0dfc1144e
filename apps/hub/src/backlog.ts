import { type ConnectorDefinition, MINUTE, type WindowSpec, type WindowUsage } from '@synchub/core';
import type { ConnectionStore } from './connections.js';
import type { Db } from './db/index.js';
import { sql } from 'kysely';
import { isPostgres, sqliteOf } from './db/index.js';
import type { Destinations } from './destinations.js';

/**
 * What waits for delivery, per destination: how many events, since when, and how long the vendor's call
 * budget makes them wait — waiting events ÷ events per call ÷ calls per minute. Vendor-neutral: the budget
 * is the destination's connector's (the bucket its writers spend), labelled with the connection's name.
 */

export interface BacklogBudget {
  /** The connection's name: whose budget it is, as the user named it. */
  label: string;
  connector: string;
  bucket: string;
  /** The budget's shortest window, which sets the pace (e.g. 100 per minute). */
  limit: number;
  windowMs: number;
  windowLabel: string | null;
  perMinute: number;
}

export interface BacklogEntry {
  /** Null for events whose source sends them nowhere (no destination, or one that was removed). */
  destinationId: string | null;
  destinationName: string | null;
  enabled: boolean;
  /** Events not delivered yet: never tried, plus those waiting to be retried. */
  waiting: number;
  retrying: number;
  /** When the oldest waiting event was received; null when nothing waits. */
  oldestReceivedAt: number | null;
  budget: BacklogBudget | null;
  /** Events per vendor call: measured over the destination's latest calls, or 1 while none was measured. */
  perCall: { events: number; measured: boolean; calls: number };
  /** How long until the budget has let the backlog through; null when nothing waits or no budget is known. */
  estimate: BacklogEstimate | null;
}

export interface BacklogEstimate {
  calls: number;
  ms: number;
  /** A longer window (e.g. the daily budget) with fewer calls left than the backlog needs. */
  limitedBy: { windowLabel: string | null; windowMs: number; remaining: number; resetsAt: number } | null;
}

/** The estimate for `waiting` events at `perCall` events a call, within the windows' current usage. */
export function estimateBacklog(
  waiting: number,
  perCall: number,
  usage: readonly WindowUsage[],
  now: number,
): BacklogEstimate | null {
  const pace = paceOf(usage.map((u) => u.window));
  if (waiting <= 0 || !pace) return null;
  const calls = Math.ceil(waiting / Math.max(1, perCall));
  const minutesFor = (n: number) => (n / pace.perMinute) * MINUTE;
  let ms = minutesFor(calls);
  let limitedBy: BacklogEstimate['limitedBy'] = null;
  for (const u of usage) {
    if (u.window.windowMs <= pace.window.windowMs) continue;
    const remaining = Math.max(0, u.remaining);
    if (calls <= remaining) continue;
    // The rest waits for the longer window to free slots again.
    const later = Math.max(0, u.resetsAt - now) + minutesFor(calls - remaining);
    if (later > ms) {
      ms = later;
      limitedBy = { windowLabel: u.window.label ?? null, windowMs: u.window.windowMs, remaining, resetsAt: u.resetsAt };
    }
  }
  return { calls, ms: Math.round(ms), limitedBy };
}

/** The shortest window sets the pace: its limit per minute. */
function paceOf(windows: readonly WindowSpec[]): { window: WindowSpec; perMinute: number } | undefined {
  const shortest = [...windows].filter((w) => w.limit > 0 && w.windowMs > 0).sort((a, b) => a.windowMs - b.windowMs)[0];
  return shortest && { window: shortest, perMinute: (shortest.limit * MINUTE) / shortest.windowMs };
}

/** The bucket a destination's calls spend: the one most of the connector's writers name, else the default. */
export function deliveryBucketOf(connector: ConnectorDefinition): string {
  const tally = new Map<string, number>();
  for (const writer of Object.values(connector.writers))
    if (writer.bucket && writer.bucket in connector.rateLimit.buckets)
      tally.set(writer.bucket, (tally.get(writer.bucket) ?? 0) + 1);
  const [top] = [...tally].sort((a, b) => b[1] - a[1]);
  return top?.[0] ?? connector.rateLimit.defaultBucket;
}

export interface BacklogDeps {
  db: Db;
  destinations: Destinations;
  connections: ConnectionStore;
  connectorOf(connectorId: string): ConnectorDefinition | undefined;
  /** The limiter's use of a connection's budget bucket (shared by every connection to the same account). */
  usageOf(connector: ConnectorDefinition, settings: unknown, bucket: string): Promise<WindowUsage[]>;
  /** The delivery engine's latest calls to a destination. */
  callsOf(destinationId: string): { calls: number; events: number };
  now(): number;
}

export function createBacklog(deps: BacklogDeps): () => Promise<BacklogEntry[]> {
  // Sources whose destination is gone count as sent nowhere (LEFT JOIN keeps them).
  const WAITING = `SELECT d.id AS "destinationId", e.state AS state, COUNT(*) AS n, MIN(e.received_at) AS oldest
     FROM events e LEFT JOIN sources s ON s.id = e.source_id LEFT JOIN destinations d ON d.id = s.destination_id
     WHERE e.state IN ('received', 'retrying') GROUP BY d.id, e.state`;
  const waiting = isPostgres(deps.db)
    ? { all: async () => (await sql.raw(WAITING).execute(deps.db)).rows }
    : sqliteOf(deps.db).prepare(WAITING);
  return async () => {
    const rows = (await waiting.all()) as Array<{
      destinationId: string | null;
      state: string;
      n: number;
      oldest: number;
    }>;
    const counts = new Map<string | null, { waiting: number; retrying: number; oldest: number | null }>();
    for (const r of rows) {
      const c = counts.get(r.destinationId) ?? { waiting: 0, retrying: 0, oldest: null };
      c.waiting += Number(r.n);
      if (r.state === 'retrying') c.retrying += Number(r.n);
      c.oldest = c.oldest === null ? Number(r.oldest) : Math.min(c.oldest, Number(r.oldest));
      counts.set(r.destinationId, c);
    }
    const connections = new Map((await deps.connections.list()).map((c) => [c.id, c]));
    const out: BacklogEntry[] = [];
    for (const d of await deps.destinations.list()) {
      const c = counts.get(d.id) ?? { waiting: 0, retrying: 0, oldest: null };
      const measured = deps.callsOf(d.id);
      const perCall =
        measured.calls > 0
          ? { events: Math.round((measured.events / measured.calls) * 10) / 10, measured: true, calls: measured.calls }
          : { events: 1, measured: false, calls: 0 };
      const connection = connections.get(d.connectionId);
      const connector = connection && deps.connectorOf(connection.connectorId);
      let budget: BacklogBudget | null = null;
      let estimate: BacklogEstimate | null = null;
      if (connection && connector) {
        const bucket = deliveryBucketOf(connector);
        const usage = await deps.usageOf(connector, connection.settings, bucket);
        const pace = paceOf(usage.map((u) => u.window));
        if (pace) {
          budget = {
            label: connection.name,
            connector: connector.id,
            bucket,
            limit: pace.window.limit,
            windowMs: pace.window.windowMs,
            windowLabel: pace.window.label ?? null,
            perMinute: Math.round(pace.perMinute * 100) / 100,
          };
          if (d.enabled) estimate = estimateBacklog(c.waiting, perCall.events, usage, deps.now());
        }
      }
      out.push({
        destinationId: d.id,
        destinationName: d.name,
        enabled: d.enabled,
        waiting: c.waiting,
        retrying: c.retrying,
        oldestReceivedAt: c.oldest,
        budget,
        perCall,
        estimate,
      });
    }
    const nowhere = [...counts].filter(([id]) => id === null || !out.some((e) => e.destinationId === id));
    if (nowhere.length > 0) {
      const oldest = nowhere.flatMap(([, c]) => (c.oldest === null ? [] : [c.oldest]));
      out.push({
        destinationId: null,
        destinationName: null,
        enabled: false,
        waiting: nowhere.reduce((n, [, c]) => n + c.waiting, 0),
        retrying: nowhere.reduce((n, [, c]) => n + c.retrying, 0),
        oldestReceivedAt: oldest.length > 0 ? Math.min(...oldest) : null,
        budget: null,
        perCall: { events: 1, measured: false, calls: 0 },
        estimate: null,
      });
    }
    return out;
  };
}
