import {
  ConnectorError,
  type ConnectorContext,
  type ConnectorDefinition,
  type DeliveryOutcome,
  type DueEvent,
  type EventDestinationDefinition,
  isConnectorError,
  outcomeOf,
  type TrackingMessage,
} from '@synchub/core';
import type { ConnectionStore } from '../connections.js';
import type { Db } from '../db/index.js';
import { sqliteOf } from '../db/index.js';
import {
  type Destinations,
  type DestinationView,
  DEFAULT_FLUSH_WINDOW_MS,
  hostSettingsOf,
  ownSettingsOf,
} from '../destinations.js';
import type { HubLogger } from '../logger.js';
import { getOrCreate } from '../util.js';
import { deliverMapped } from './mapped.js';
import { backoffMs } from './outcome.js';

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
 *
 * It names no vendor: a destination's kind is a connector id, and what delivery means comes from that
 * connector's `destination` (its own `deliver`, or the host's mapped delivery over its writers).
 * Events of a message type the destination does not take are marked delivered with nothing sent (as a
 * destination that ignores them would answer); no note is kept.
 */
export function createDeliveryEngine(deps: DeliveryEngineDeps) {
  const { db, logger, now } = deps;
  const sqlite = sqliteOf(db);
  const maxPerCycle = deps.maxPerCycle ?? 20_000;
  // Memory each destination keeps between windows (vendor id caches…); lost on restart by design.
  const states = new Map<string, Map<string, unknown>>();
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
    (
      destinationId: string,
      outcomes: Map<number, DeliveryOutcome>,
      attempts: Map<number, number>,
      maxAttempts: number,
    ) => {
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

  async function prepare(destination: DestinationView) {
    const { connector, settings, secrets } = await deps.connections.resolve(destination.connectionId);
    const definition = offeredBy(connector, destination.kind);
    const ctx = deps.contextFor(destination.connectionId, connector, settings, controller.signal);
    return { definition, target: { connector, settings, secrets, ctx } };
  }

  async function cycleFor(destination: DestinationView): Promise<CycleSummary | undefined> {
    const rows = due.all(destination.id, now(), maxPerCycle) as Array<{
      id: number;
      payload_json: string;
      attempts: number;
    }>;
    if (rows.length === 0) return undefined;
    // The destination cannot work as configured (connection gone, connector without a destination, a map
    // that cannot be built…): the events stay queued, and each shows why, so the dashboard can tell the
    // user instead of a silent "received".
    const blocked = (error: unknown) => {
      const message = `Destination "${destination.name}" cannot deliver: ${(error as Error).message ?? error}`;
      noteConfigError.run(JSON.stringify({ code: 'config', message, at: now() }), now(), destination.id, now());
      if (lastConfigError.get(destination.id) !== message)
        logger.error('Delivery blocked by configuration', { destinationId: destination.id, message });
      lastConfigError.set(destination.id, message);
      deps.onChange?.({ destinationId: destination.id, taken: 0, delivered: 0, retrying: 0, failed: 0 });
      return undefined;
    };
    let prepared: Awaited<ReturnType<typeof prepare>>;
    try {
      prepared = await prepare(destination);
    } catch (error) {
      return blocked(error);
    }
    const { definition, target } = prepared;
    const host = hostSettingsOf(destination.settings);
    const settings = ownSettingsOf(definition, destination.settings);
    const events = rows.map((r) => ({ id: r.id, message: JSON.parse(r.payload_json) as TrackingMessage }));
    const accepted = new Set<string>(definition.messageTypes);
    const taken: DueEvent[] = events.filter((e) => accepted.has(e.message.type));
    let outcomes: Map<number, DeliveryOutcome>;
    try {
      outcomes =
        taken.length === 0
          ? new Map()
          : definition.deliver
            ? await definition.deliver({ events: taken, settings, target, state: stateOf(destination.id) })
            : await deliverMapped({ events: taken, definition, settings, target });
    } catch (error) {
      if (controller.signal.aborted) throw error;
      if (isConnectorError(error) && error.code === 'config') return blocked(error);
      // Anything else the destination threw is this window's answer: retry or fail every event in it.
      const outcome = outcomeOf(error, now());
      outcomes = new Map(taken.map((e) => [e.id, outcome]));
    }
    lastConfigError.delete(destination.id);
    // Exactly one fate per event of this window (an answer about any other id is ignored).
    const fates = new Map<number, DeliveryOutcome>();
    for (const e of events) {
      fates.set(
        e.id,
        !accepted.has(e.message.type)
          ? unsupported(e.message.type, definition.title, definition.messageTypes)
          : // A destination that forgot an event must not lose it: it is tried again.
            (outcomes.get(e.id) ?? {
              kind: 'retry',
              error: { code: 'unexpected', message: 'The destination gave no outcome for this event', at: now() },
            }),
      );
    }
    const attempts = new Map(rows.map((r) => [r.id, r.attempts]));
    const summary = apply(destination.id, fates, attempts, host.maxAttempts);
    deps.onChange?.(summary);
    return summary;
  }

  /** A call type the destination does not take fails at once, saying which it takes (as RudderStack does). */
  const unsupported = (type: string, title: string, takes: readonly string[]): DeliveryOutcome => {
    const list = takes.length > 1 ? `${takes.slice(0, -1).join(', ')} and ${takes.at(-1)}` : (takes[0] ?? 'none');
    return {
      kind: 'failed',
      error: { code: 'unsupported', message: `${type} calls are not sent to ${title} (it takes ${list})`, at: now() },
    };
  };

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
    const windows = list.filter((d) => d.enabled).map((d) => hostSettingsOf(d.settings).flushWindowMs);
    return windows.length ? Math.min(...windows) : DEFAULT_FLUSH_WINDOW_MS;
  };

  const stateOf = (destinationId: string) => getOrCreate(states, destinationId, () => new Map<string, unknown>());

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

/** The event destination a destination's connection offers, checked against the destination's kind. */
function offeredBy(connector: ConnectorDefinition, kind: string): EventDestinationDefinition {
  if (connector.id !== kind)
    throw new ConnectorError('config', `a ${kind} destination needs a ${kind} connection, not ${connector.id}`);
  if (!connector.destination)
    throw new ConnectorError('config', `connector ${connector.id} offers no event destination`);
  return connector.destination as EventDestinationDefinition;
}
