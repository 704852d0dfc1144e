import type { ConnectorContext, ConnectorDefinition } from '@synchub/core';
import type { ConnectionStore } from '../connections.js';
import type { Db } from '../db/index.js';
import { sqliteOf } from '../db/index.js';
import type { Destinations, DestinationView } from '../destinations.js';
import { createGainsightMapping } from '../destinations/gainsight/mapping.js';
import type { GainsightDestinationSettings } from '../destinations/gainsight/settings.js';
import type { Message } from '../ingest/spec.js';
import type { HubLogger } from '../logger.js';
import { CompanyCache, deliverToGainsight } from './gainsight.js';
import { backoffMs, type Outcome } from './outcome.js';
import { getOrCreate } from '../util.js';

export interface DeliveryEngineDeps {
  db: Db;
  destinations: Destinations;
  connections: ConnectionStore;
  contextFor(
    connectionId: string,
    connector: ConnectorDefinition,
    settings: unknown,
    signal?: AbortSignal,
  ): ConnectorContext;
  logger: HubLogger;
  now: () => number;
  /** Told after each applied cycle (live views). */
  onChange?: (summary: CycleSummary) => void;
  /** Most events taken in one cycle of one destination. */
  maxPerCycle?: number;
  random?: () => number;
}

export interface CycleSummary {
  destinationId: string;
  taken: number;
  delivered: number;
  retrying: number;
  failed: number;
}

/**
 * The delivery loop: per destination, take the due events of the sources routed to it, deliver them as
 * one coalesced window, and record each event's fate. Ingest never waits for any of this.
 */
export function createDeliveryEngine(deps: DeliveryEngineDeps) {
  const { db, logger, now } = deps;
  const sqlite = sqliteOf(db);
  const maxPerCycle = deps.maxPerCycle ?? 20_000;
  const caches = new Map<string, CompanyCache>();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const due = sqlite.prepare(
    `SELECT e.id, e.payload_json, e.attempts FROM events e JOIN sources s ON s.id = e.source_id
     WHERE s.destination_id = ? AND e.state IN ('received', 'retrying') AND e.next_attempt_at <= ?
     ORDER BY e.id LIMIT ?`,
  );
  const markDelivered = sqlite.prepare(
    `UPDATE events SET state = 'delivered', attempts = attempts + 1, delivered_at = ?, destination_id = ?,
     last_error_json = NULL, updated_at = ? WHERE id = ?`,
  );
  const markRetry = sqlite.prepare(
    `UPDATE events SET state = 'retrying', attempts = attempts + 1, next_attempt_at = ?, destination_id = ?,
     last_error_json = ?, updated_at = ? WHERE id = ?`,
  );
  const markFailed = sqlite.prepare(
    `UPDATE events SET state = 'failed', attempts = attempts + 1, destination_id = ?, last_error_json = ?,
     updated_at = ? WHERE id = ?`,
  );

  const lastConfigError = new Map<string, string>();
  const noteConfigError = sqlite.prepare(
    `UPDATE events SET last_error_json = ?, updated_at = ? WHERE id IN (
       SELECT e.id FROM events e JOIN sources s ON s.id = e.source_id
       WHERE s.destination_id = ? AND e.state IN ('received', 'retrying') AND e.next_attempt_at <= ?)`,
  );

  const apply = sqlite.transaction(
    (destinationId: string, outcomes: Map<number, Outcome>, attempts: Map<number, number>, maxAttempts: number) => {
      const t = now();
      const summary: CycleSummary = { destinationId, taken: outcomes.size, delivered: 0, retrying: 0, failed: 0 };
      for (const [id, o] of outcomes) {
        if (o.kind === 'delivered') {
          markDelivered.run(t, destinationId, t, id);
          summary.delivered += 1;
          continue;
        }
        const attempt = (attempts.get(id) ?? 0) + 1;
        if (o.kind === 'retry' && attempt < maxAttempts) {
          const at = Math.max(o.at ?? 0, t + backoffMs(attempt, deps.random));
          markRetry.run(at, destinationId, JSON.stringify(o.error), t, id);
          summary.retrying += 1;
        } else {
          const error =
            o.kind === 'retry'
              ? { ...o.error, message: `gave up after ${attempt} attempts: ${o.error.message}` }
              : o.error;
          markFailed.run(destinationId, JSON.stringify(error), t, id);
          summary.failed += 1;
        }
      }
      return summary;
    },
  );

  async function prepare(destination: DestinationView, settings: GainsightDestinationSettings) {
    const { connector, settings: connSettings, secrets } = await deps.connections.resolve(destination.connectionId);
    const conn = connSettings as { tenantId?: string };
    const secret = secrets as { sharedSecret?: string };
    const mapping = createGainsightMapping(settings, { tenantId: conn.tenantId, sharedSecret: secret.sharedSecret });
    const ctx = deps.contextFor(destination.connectionId, connector, connSettings, controller.signal);
    return { connector, connSettings, secrets, mapping, ctx, conn };
  }

  async function cycleFor(destination: DestinationView): Promise<CycleSummary | undefined> {
    const rows = due.all(destination.id, now(), maxPerCycle) as Array<{
      id: number;
      payload_json: string;
      attempts: number;
    }>;
    if (rows.length === 0) return undefined;
    const settings = destination.settings as GainsightDestinationSettings;
    let prepared: Awaited<ReturnType<typeof prepare>>;
    try {
      prepared = await prepare(destination, settings);
    } catch (error) {
      // The destination cannot work as configured (connection gone, bad map…): the events stay queued, and
      // each shows why, so the dashboard can tell the user instead of a silent "received".
      const message = `Destination "${destination.name}" cannot deliver: ${(error as Error).message ?? error}`;
      noteConfigError.run(JSON.stringify({ code: 'config', message, at: now() }), now(), destination.id, now());
      if (lastConfigError.get(destination.id) !== message)
        logger.error('Delivery blocked by configuration', { destinationId: destination.id, message });
      lastConfigError.set(destination.id, message);
      deps.onChange?.({ destinationId: destination.id, taken: 0, delivered: 0, retrying: 0, failed: 0 });
      return undefined;
    }
    lastConfigError.delete(destination.id);
    const { connector, connSettings, secrets, mapping, ctx, conn } = prepared;
    const cache = getOrCreate(caches, destination.id, () => new CompanyCache());
    const events = rows.map((r) => ({ id: r.id, message: JSON.parse(r.payload_json) as Message }));
    const outcomes = await deliverToGainsight(
      events,
      mapping,
      { connector, settings: connSettings, secrets, ctx, tenantId: conn.tenantId, topicName: settings.topicName },
      cache,
    );
    const attempts = new Map(rows.map((r) => [r.id, r.attempts]));
    const summary = apply(destination.id, outcomes, attempts, settings.maxAttempts);
    deps.onChange?.(summary);
    return summary;
  }

  /** One pass over every enabled destination; resolves with what each did. */
  async function runOnce(): Promise<CycleSummary[]> {
    const out: CycleSummary[] = [];
    for (const destination of await deps.destinations.list()) {
      if (!destination.enabled || stopped) continue;
      try {
        const summary = await cycleFor(destination);
        if (summary) out.push(summary);
      } catch (error) {
        if (controller.signal.aborted) break;
        // A broken configuration keeps its events queued (state unchanged); the log says why.
        logger.error('Delivery cycle failed', { destinationId: destination.id, error });
      }
    }
    return out;
  }

  const intervalOf = async () => {
    const list = await deps.destinations.list();
    const windows = list
      .filter((d) => d.enabled)
      .map((d) => (d.settings as GainsightDestinationSettings).flushWindowMs);
    return windows.length ? Math.min(...windows) : 2000;
  };

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = (async () => {
        let busy = false;
        try {
          busy = (await runOnce()).some((s) => s.taken >= maxPerCycle);
        } catch (error) {
          logger.error('Delivery loop error', { error });
        }
        // A full window means a backlog: go again at once rather than after the flush window.
        schedule(busy ? 0 : await intervalOf().catch(() => 2000));
      })();
    }, ms);
  };

  return {
    runOnce,
    /** Deliver until nothing is due (tests and benchmarks); returns the summaries of every cycle. */
    async drain(maxCycles = 10_000): Promise<CycleSummary[]> {
      const all: CycleSummary[] = [];
      for (let i = 0; i < maxCycles; i++) {
        const s = await runOnce();
        if (s.length === 0) break;
        all.push(...s);
      }
      return all;
    },
    start() {
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      controller.abort();
      await running?.catch(() => {});
    },
  };
}

export type DeliveryEngine = ReturnType<typeof createDeliveryEngine>;
