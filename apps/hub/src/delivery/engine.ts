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
import { isPostgres, sqliteOf, writeInTurn } from '../db/index.js';
import { createPostgresEngineStore, type EngineStore, type Fate } from '../db/postgres/engine-store.js';
import {
  createLeaseManager,
  type Fence,
  fenceContext,
  isLeaseLost,
  type LeaseManager,
  LeaseLostError,
} from '../db/postgres/leases.js';
import {
  type DestinationOffer,
  type Destinations,
  type DestinationView,
  hostSettingsOf,
  ownSettingsOf,
} from '../destinations.js';
import type { HubLogger } from '../logger.js';
import { getOrCreate } from '../util.js';
import { createKnownUsers } from './known-users.js';
import { createAttemptLog } from './attempts.js';
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
  /** How often the running loop looks for destinations added, changed, disabled or removed (ms). */
  refreshMs?: number;
  /**
   * PostgreSQL: the leases this process delivers under, one per destination (`delivery:<id>`); default a
   * new owner on `db` with the default lease time. Unused on SQLite (one process delivers everything).
   */
  leases?: LeaseManager | undefined;
  /** How often held leases are renewed (ms; default a third of the lease time). */
  renewMs?: number | undefined;
}

export interface CycleSummary {
  destinationId: string;
  taken: number;
  delivered: number;
  retrying: number;
  failed: number;
  /** Events left waiting behind an earlier update of the same entity that is to be retried. */
  held?: number | undefined;
}

interface Row {
  id: number;
  source_id: string;
  payload_json: string;
  attempts: number;
}

/** A destination's own delivery loop while the engine runs. */
interface Lane {
  view: DestinationView;
  done: Promise<void>;
}

/**
 * The right to deliver to a destination now: on PostgreSQL the fence of its lease and a signal aborted when
 * the lease is lost (or the engine stops); on SQLite no fence and the engine's signal.
 */
interface Turn {
  fence: Fence | undefined;
  signal: AbortSignal;
}

/** A destination's lease this process holds (PostgreSQL). */
interface Holding extends Turn {
  fence: Fence;
  controller: AbortController;
  /** performance.now() when the last successful acquire or renew was sent (the lease lasts ttl from after it). */
  renewedAt: number;
  renewing?: Promise<unknown> | undefined;
}

/** The lease a destination is delivered under. */
export const deliveryLeaseName = (destinationId: string) => `delivery:${destinationId}`;

/**
 * The delivery loop: per destination, take the due events of the sources routed to it, deliver them as
 * one coalesced window, and record each event's fate as soon as the vendor answered for it. Ingest never
 * waits for any of this.
 *
 * - Every destination has its own loop (a lane): a destination waiting for its vendor's window (the
 *   limiter), a slow vendor or a long backlog delays no other destination.
 * - Updates of one entity stay in order: an event whose entity (the destination's `entityKeys`) has an
 *   earlier event waiting to be retried is held back until that one is due, and then goes with it.
 * - Each call's outcome is written when the vendor answers (the destination's `onOutcome`), and each call
 *   is counted on its events while in flight (`sending`), so a crash re-sends only the calls in flight
 *   and every send that got no answer is counted on its event as a possible duplicate.
 *
 * It names no vendor: a destination's kind is a connector's id or a flow plugin's destination kind, and
 * what delivery means comes from that definition (its own `deliver`, or the host's mapped delivery over
 * the writers of the connection's connector).
 * Events of a message type the destination does not take fail at once, saying which types it takes.
 */
export function createDeliveryEngine(deps: DeliveryEngineDeps) {
  const { db, logger, now } = deps;
  const maxPerCycle = deps.maxPerCycle ?? 20_000;
  const refreshMs = deps.refreshMs ?? 1000;
  // Memory each destination keeps between windows (vendor id caches…); lost on restart by design.
  const states = new Map<string, Map<string, unknown>>();
  // Events each of a destination's latest vendor calls carried (the backlog's estimate divides by it).
  const callSizes = new Map<string, number[]>();
  // Entity keys of events still queued, per destination: computed once per event, rebuilt after a restart.
  const keyCache = new Map<string, Map<number, string[]>>();
  const controller = new AbortController();
  const lanes = new Map<string, Lane>();
  const locks = new Map<string, Promise<unknown>>();
  let supervisor: Promise<void> | undefined;
  let stopped = false;
  const users = createKnownUsers(db);
  // SQLite answers synchronously (prepared statements in synchronous transactions); PostgreSQL through the pool.
  const store: EngineStore = isPostgres(db) ? createPostgresEngineStore(db) : createSqliteEngineStore();
  // Several hubs may share a PostgreSQL database: a process delivers to a destination only while it holds
  // the destination's lease, and every write of that delivery is fenced by it. SQLite: one process, no lease.
  const leases = isPostgres(db) ? (deps.leases ?? createLeaseManager(db)) : undefined;
  const renewMs = deps.renewMs ?? Math.max(1, Math.floor((leases?.ttlMs ?? 0) / 3));
  const holdings = new Map<string, Holding>();
  const acquiring = new Map<string, Promise<Turn | undefined>>();
  const solo: Turn = { fence: undefined, signal: controller.signal };
  let renewer: Promise<void> | undefined;

  function createSqliteEngineStore(): EngineStore {
    const sqlite = sqliteOf(db);
    // Every attempt's outcome, written with the event's own (in `apply`'s transaction).
    const attemptLog = createAttemptLog(db);

    const due = sqlite.prepare(
      `SELECT e.id, e.source_id, e.payload_json, e.attempts FROM events e JOIN sources s ON s.id = e.source_id
     WHERE s.destination_id = ? AND e.state IN ('received', 'retrying') AND e.next_attempt_at <= ?
     ORDER BY e.id LIMIT ?`,
    );
    // Queued events that are not due yet and came before the window's last event: the ones that can hold
    // a later update of their entity back.
    const waiting = sqlite.prepare(
      `SELECT e.id, e.next_attempt_at FROM events e JOIN sources s ON s.id = e.source_id
     WHERE s.destination_id = ? AND e.state IN ('received', 'retrying') AND e.next_attempt_at > ? AND e.id < ?
     ORDER BY e.id`,
    );
    const payloadOf = sqlite.prepare('SELECT payload_json FROM events WHERE id = ?');
    const hold = sqlite.prepare(
      `UPDATE events SET next_attempt_at = ?, last_error_json = COALESCE(last_error_json, ?), updated_at = ?
     WHERE id = ? AND state IN ('received', 'retrying')`,
    );
    // A delivered event that had sends without an answer keeps a note saying so (a possible duplicate).
    const markDelivered = sqlite.prepare(
      `UPDATE events SET state = 'delivered', attempts = attempts + 1, delivered_at = ?, destination_id = ?,
     last_error_json = CASE WHEN unanswered_sends > 0 THEN json_object(
       'code', 'possible_duplicate',
       'message', printf('Delivered; %d earlier send(s) of it got no answer (a timeout, a dropped connection or a restart while in flight), so the vendor may have received it more than once', unanswered_sends),
       'sends', unanswered_sends, 'at', ?) ELSE NULL END,
     updated_at = ? WHERE id = ?`,
    );
    // Delivered, but sent again with an earlier update of its entity (inOrder): no attempt of its own is spent.
    const markRequeued = sqlite.prepare(
      `UPDATE events SET state = 'retrying', next_attempt_at = ?, destination_id = ?, last_error_json = ?,
     updated_at = ? WHERE id = ?`,
    );
    const markRetry = sqlite.prepare(
      `UPDATE events SET state = 'retrying', attempts = attempts + 1, next_attempt_at = ?, destination_id = ?,
     last_error_json = ?, updated_at = ? WHERE id = ?`,
    );
    const markFailed = sqlite.prepare(
      `UPDATE events SET state = 'failed', attempts = attempts + 1, destination_id = ?, last_error_json = ?,
     updated_at = ? WHERE id = ?`,
    );
    const countSend = sqlite.prepare('UPDATE events SET unanswered_sends = unanswered_sends + 1 WHERE id = ?');
    const countAnswer = sqlite.prepare(
      'UPDATE events SET unanswered_sends = MAX(0, unanswered_sends - 1) WHERE id = ? AND unanswered_sends > 0',
    );
    const sends = sqlite.transaction((ids: number[], statement: typeof countSend) => {
      for (const id of ids) statement.run(id);
    });

    const noteConfigError = sqlite.prepare(
      `UPDATE events SET last_error_json = ?, updated_at = ? WHERE id IN (
       SELECT e.id FROM events e JOIN sources s ON s.id = e.source_id
       WHERE s.destination_id = ? AND e.state IN ('received', 'retrying') AND e.next_attempt_at <= ?)`,
    );

    const takeBack = sqlite.prepare(
      'UPDATE events SET unanswered_sends = MAX(0, unanswered_sends - ?) WHERE id = ? AND unanswered_sends > 0',
    );
    const applyFates = sqlite.transaction((destinationId: string, t: number, fates: Fate[]) => {
      for (const f of fates) {
        if (f.answered) takeBack.run(f.answered, f.id);
        if (f.kind === 'delivered') markDelivered.run(t, destinationId, t, t, f.id);
        else if (f.kind === 'retry')
          (f.requeued ? markRequeued : markRetry).run(f.at, destinationId, JSON.stringify(f.error), t, f.id);
        else markFailed.run(destinationId, JSON.stringify(f.error), t, f.id);
        attemptLog.record(f.id, f.attempt, t, destinationId, f.outcome);
      }
    });
    const holdAll = sqlite.transaction((t: number, holds: Array<{ id: number; until: number; note: string }>) => {
      for (const h of holds) hold.run(h.until, h.note, t, h.id);
    });
    // Writes wait for the ingest commit worker's transaction off the event loop (db/write-turns.ts).
    const inTurn = writeInTurn(db);
    return {
      due: (destinationId, at, limit) => due.all(destinationId, at, limit) as Row[],
      waiting: (destinationId, at, beforeId) =>
        waiting.all(destinationId, at, beforeId) as Array<{ id: number; next_attempt_at: number }>,
      payloadOf: (id) => (payloadOf.get(id) as { payload_json: string } | undefined)?.payload_json,
      hold: (t, holds) => inTurn(() => holdAll(t, holds)),
      noteConfigError: (destinationId, error, at) =>
        inTurn(() => {
          noteConfigError.run(error, at, destinationId, at);
        }),
      apply: (destinationId, t, fates) => inTurn(() => applyFates(destinationId, t, fates)),
      sends: (ids, by) => inTurn(() => sends(ids, by > 0 ? countSend : countAnswer)),
    };
  }

  const lastConfigError = new Map<string, string>();

  /**
   * The turn to deliver to `id` now, or undefined when another process holds its lease. A lease whose last
   * renewal is older than half the lease time (no running renewer: `runOnce` alone) is renewed first.
   */
  function turnOf(id: string): Promise<Turn | undefined> | Turn {
    if (!leases) return solo;
    const held = holdings.get(id);
    if (held && performance.now() - held.renewedAt < leases.ttlMs / 2) return held;
    const pending = acquiring.get(id);
    if (pending) return pending;
    const turn = (async () => {
      if (held && (await renewOne(id, held))) return held;
      return acquireOne(id, leases);
    })().finally(() => acquiring.delete(id));
    acquiring.set(id, turn);
    return turn;
  }

  async function acquireOne(id: string, manager: LeaseManager): Promise<Turn | undefined> {
    const sent = performance.now();
    const lease = await manager.acquire(deliveryLeaseName(id)).catch((error: unknown) => {
      logger.warn('Delivery lease not acquired', { destinationId: id, error });
      return undefined;
    });
    if (!lease || stopped) {
      if (lease) await manager.release(lease).catch(() => {});
      return undefined;
    }
    const own = new AbortController();
    const holding: Holding = {
      fence: { name: lease.name, owner: lease.owner, epoch: lease.epoch },
      controller: own,
      signal: AbortSignal.any([controller.signal, own.signal]),
      renewedAt: sent,
    };
    // What another process did meanwhile (delivered, retried) is in the database, not in what we kept.
    forget(id);
    holdings.set(id, holding);
    logger.info('Delivery lease acquired', { destinationId: id, epoch: lease.epoch });
    return holding;
  }

  /** Renew a held lease; a failure (taken over, expired, database unreachable) loses it at once. */
  async function renewOne(id: string, held: Holding): Promise<boolean> {
    const sent = performance.now();
    try {
      if (await leases?.renew(held.fence)) {
        held.renewedAt = sent;
        return true;
      }
      lose(id, held, 'the lease was taken over or expired');
    } catch (error) {
      lose(id, held, error);
    }
    return false;
  }

  /**
   * Stop delivering to `id` under `held` at once: its in-flight calls are aborted, its lane ends, and what
   * this process kept about the destination is dropped (the next holder, maybe this process again, starts
   * from the database).
   */
  function lose(id: string, held: Holding, reason: unknown) {
    if (holdings.get(id) !== held) return;
    holdings.delete(id);
    held.controller.abort(new LeaseLostError(held.fence));
    lanes.delete(id);
    forget(id);
    logger.warn('Delivery lease lost: this process stops delivering to the destination', {
      destinationId: id,
      epoch: held.fence.epoch,
      reason: reason instanceof Error ? reason.message : reason,
    });
  }

  function forget(id: string) {
    keyCache.delete(id);
    states.delete(id);
    lastConfigError.delete(id);
  }

  /** Renew every held lease, and drop those not renewed within the lease time (a renewal that hangs). */
  function renewAll() {
    if (!leases) return;
    for (const [id, held] of holdings) {
      if (performance.now() - held.renewedAt >= leases.ttlMs) {
        lose(id, held, 'no renewal succeeded within the lease time');
        continue;
      }
      held.renewing ??= renewOne(id, held).finally(() => {
        held.renewing = undefined;
      });
    }
  }

  /** Expire a lease this process holds at once, so another process takes the destination over without waiting. */
  async function release(id: string, held: Holding | undefined) {
    if (!leases || !held || holdings.get(id) !== held) return;
    holdings.delete(id);
    held.controller.abort();
    forget(id);
    await leases.release(held.fence).catch((error: unknown) => {
      logger.warn('Delivery lease not released (it expires by itself)', { destinationId: id, error });
    });
  }

  /** Each outcome's fate (delivered, retried when, failed why), counted in the summary; then written. */
  const apply = (
    destinationId: string,
    fence: Fence | undefined,
    outcomes: Array<[number, DeliveryOutcome]>,
    attempts: Map<number, number>,
    answered: Map<number, number>,
    maxAttempts: number,
    summary: CycleSummary,
  ): void | Promise<void> => {
    const t = now();
    const keys = keyCache.get(destinationId);
    const fates: Fate[] = [];
    for (const [id, o] of outcomes) {
      const attempt = (attempts.get(id) ?? 0) + 1;
      if (o.kind === 'delivered') {
        fates.push({ id, attempt, kind: 'delivered', outcome: o });
        summary.delivered += 1;
        keys?.delete(id);
        continue;
      }
      // Its own calls were answered; it is only sent again to keep its entity's order: that spends none of
      // its attempts (a group of a busy company would otherwise run out of them on its elders' failures).
      const requeued = REQUEUED.has(o);
      if (o.kind === 'retry' && (attempt < maxAttempts || requeued)) {
        const at = Math.max(o.at ?? 0, t + backoffMs(attempt, deps.random));
        fates.push({ id, attempt, kind: 'retry', at, error: o.error, outcome: o, requeued });
        summary.retrying += 1;
      } else {
        const error =
          o.kind === 'retry'
            ? { ...o.error, message: `gave up after ${attempt} attempts: ${o.error.message}` }
            : o.error;
        fates.push({ id, attempt, kind: 'failed', error, outcome: { kind: 'failed', error } });
        summary.failed += 1;
        keys?.delete(id);
      }
    }
    // The answers this window got for the event are taken back from its unanswered sends in the same
    // transaction as its fate: a kill between the two would leave it queued, to be sent again, uncounted.
    for (const f of fates) {
      f.answered = answered.get(f.id);
      answered.delete(f.id);
    }
    return store.apply(destinationId, t, fates, fence);
  };

  async function prepare(destination: DestinationView, signal: AbortSignal) {
    const { connector, settings, secrets } = await deps.connections.resolve(destination.connectionId);
    const definition = offeredBy(deps.destinations.offerOf(destination.kind), connector, destination.kind);
    const ctx = deps.contextFor(destination.connectionId, connector, settings, signal);
    return { definition, target: { connector, settings, secrets, ctx } };
  }

  /** The entity keys of an event for this destination (cached while the event is queued). */
  function keysFinder(
    destinationId: string,
    definition: EventDestinationDefinition,
    settings: unknown,
    connectionSettings: unknown,
  ) {
    const cache = getOrCreate(keyCache, destinationId, () => new Map<number, string[]>());
    const compute = (message: TrackingMessage): string[] => {
      if (!definition.messageTypes.includes(message.type)) return [];
      try {
        const args = { settings, connectionSettings };
        if (definition.entityKeys) return definition.entityKeys(message, args);
        if (!definition.map) return [];
        const mapped = definition.map(message, args);
        if ('error' in mapped) return [];
        return mapped.records.flatMap((r) => (r.key === undefined ? [] : [`${r.writer}:${r.key}`]));
      } catch {
        return []; // a message that cannot be mapped updates nothing: it fails in its window with the reason
      }
    };
    return (id: number, message?: TrackingMessage): string[] => {
      let keys = cache.get(id);
      if (keys === undefined) {
        let m = message;
        if (!m) {
          const json = store.payloadOf(id);
          m = json !== undefined ? (JSON.parse(json) as TrackingMessage) : undefined;
        }
        keys = m ? compute(m) : [];
        cache.set(id, keys);
      }
      return keys;
    };
  }

  /**
   * The events of this window that must wait: an earlier event of one of their entities is queued but not
   * due (it waits for a retry, or is itself held). Each waits until the latest of those is due, and its own
   * entities then hold the window's later events in turn.
   */
  async function holdsOf(
    destinationId: string,
    window: DueEvent[],
    keysOf: (id: number, message?: TrackingMessage) => string[],
  ): Promise<Map<number, { until: number; after: number }>> {
    const held = new Map<number, { until: number; after: number }>();
    const last = window.at(-1);
    if (!last) return held;
    const keyed = window.filter((e) => keysOf(e.id, e.message).length > 0);
    if (keyed.length === 0) return held;
    const blockers = new Map<string, Array<{ id: number; until: number }>>();
    const add = (key: string, id: number, until: number) => getOrCreate(blockers, key, () => []).push({ id, until });
    const listed = store.waiting(destinationId, now(), last.id);
    const rows = Array.isArray(listed) ? listed : await listed;
    for (const r of rows) for (const key of keysOf(r.id)) add(key, r.id, r.next_attempt_at);
    if (blockers.size === 0) return held;
    for (const e of keyed) {
      let until = -1;
      let after = -1;
      for (const key of keysOf(e.id)) {
        for (const b of blockers.get(key) ?? []) {
          if (b.id >= e.id) continue;
          if (b.until > until) until = b.until;
          if (after < 0 || b.id < after) after = b.id;
        }
      }
      if (until < 0) continue;
      held.set(e.id, { until, after });
      for (const key of keysOf(e.id)) add(key, e.id, until);
    }
    return held;
  }

  async function cycleFor(destination: DestinationView, turn: Turn): Promise<CycleSummary | undefined> {
    const { fence, signal } = turn;
    const listed = store.due(destination.id, now(), maxPerCycle);
    const rows = Array.isArray(listed) ? listed : await listed;
    if (rows.length === 0) return undefined;
    // A write refused by the fence: the lease is lost, so the window's calls in flight are aborted now.
    const refused = (error: unknown) => {
      const held = holdings.get(destination.id);
      if (isLeaseLost(error) && held && held.fence.epoch === fence?.epoch) lose(destination.id, held, error);
      throw error;
    };
    // PostgreSQL: writes of fates told while the window is in flight (onOutcome is synchronous) go in order
    // and the cycle ends only once they are all written. SQLite's too (each waits for its write turn).
    let writes: Promise<void> = Promise.resolve();
    const later = (write: void | Promise<void>) => {
      if (write) {
        // Handled at once (a refusal stops the lane now), and awaited (and thrown) by `written`.
        const checked = write.catch(refused);
        checked.catch(() => {});
        const next = writes.then(() => checked);
        next.catch(() => {});
        writes = next;
      }
    };
    const written = async <T>(value: T): Promise<T> => {
      await writes;
      return value;
    };
    // The destination cannot work as configured (connection gone, connector without a destination, a map
    // that cannot be built…): the events stay queued, and each shows why, so the dashboard can tell the
    // user instead of a silent "received".
    const blocked = (error: unknown) => {
      const message = `Destination "${destination.name}" cannot deliver: ${(error as Error).message ?? error}`;
      later(
        store.noteConfigError(destination.id, JSON.stringify({ code: 'config', message, at: now() }), now(), fence),
      );
      if (lastConfigError.get(destination.id) !== message)
        logger.error('Delivery blocked by configuration', { destinationId: destination.id, message });
      lastConfigError.set(destination.id, message);
      deps.onChange?.({ destinationId: destination.id, taken: 0, delivered: 0, retrying: 0, failed: 0 });
      return undefined;
    };
    let prepared: Awaited<ReturnType<typeof prepare>>;
    try {
      prepared = await prepare(destination, signal);
    } catch (error) {
      return written(blocked(error));
    }
    const { definition, target } = prepared;
    const host = hostSettingsOf(destination.settings);
    const settings = ownSettingsOf(definition, destination.settings);
    // A backlog window is up to maxPerCycle payloads (MBs of JSON): parsed in slices, letting /health and
    // ingest in between.
    const events: DueEvent[] = [];
    for (const r of rows) {
      if (events.length > 0 && events.length % PARSE_SLICE === 0) await new Promise((go) => setImmediate(go));
      events.push({ id: r.id, sourceId: r.source_id, message: JSON.parse(r.payload_json) as TrackingMessage });
    }
    const accepted = new Set<string>(definition.messageTypes);
    const attempts = new Map(rows.map((r) => [r.id, r.attempts]));
    const summary: CycleSummary = {
      destinationId: destination.id,
      taken: rows.length,
      delivered: 0,
      retrying: 0,
      failed: 0,
      held: 0,
    };

    const keysOf = keysFinder(destination.id, definition, settings, target.settings);
    const holds = await holdsOf(
      destination.id,
      events.filter((e) => accepted.has(e.message.type)),
      keysOf,
    );
    if (holds.size > 0) {
      const t = now();
      const held = [...holds].map(([id, { until, after }]) => ({
        id,
        until,
        note: JSON.stringify({
          code: 'waiting',
          message: `Waits for event ${after}, an earlier update of the same entity, to be delivered first`,
          at: t,
        }),
      }));
      const written = store.hold(t, held, fence);
      if (written) await written.catch(refused);
      summary.held = holds.size;
    }
    const taken: DueEvent[] = events.filter((e) => accepted.has(e.message.type) && !holds.has(e.id));
    const inWindow = new Set(taken.map((e) => e.id));
    const applied = new Set<number>();
    // Events of this window already recorded as to be retried: later updates of their entities must follow.
    const retried = new Set<number>();
    const record = (outcomes: Array<[number, DeliveryOutcome]>) => {
      const fresh = outcomes.filter(([id]) => !applied.has(id));
      for (const [id, o] of fresh) {
        applied.add(id);
        if (o.kind === 'retry') retried.add(id);
      }
      if (fresh.length > 0) later(apply(destination.id, fence, fresh, attempts, answered, host.maxAttempts, summary));
    };
    // The destination tells each fate as the vendor answers: written at once, so a crash later in the
    // window sends again only what had no answer yet.
    const onOutcome = (ids: number[], outcome: DeliveryOutcome) => {
      if (signal.aborted) return; // stopping or lease lost: what had no answer stays queued as it was
      record(ids.filter((id) => inWindow.has(id)).map((id) => [id, outcome]));
    };
    // Answers to sends of events whose fate is not written yet: taken back with the fate (see `apply`).
    const answered = new Map<number, number>();
    const gotAnswer = async (ids: number[]) => {
      const recorded = ids.filter((id) => applied.has(id));
      for (const id of ids) if (!applied.has(id)) answered.set(id, (answered.get(id) ?? 0) + 1);
      if (recorded.length === 0) return;
      const takenBack = store.sends(recorded, -1, fence);
      if (takenBack) await takenBack.catch(refused);
    };
    const sending = async <T>(ids: number[], call: () => Promise<T>): Promise<T> => {
      if (signal.aborted) throw new ConnectorError('transient', 'Delivery is stopping');
      const mine = ids.filter((id) => inWindow.has(id));
      // Refused when the lease was taken over: nothing is sent, and the lane stops (see cycleSafely).
      const counted = store.sends(mine, 1, fence);
      if (counted) await counted.catch(refused);
      const sizes = getOrCreate(callSizes, destination.id, () => []);
      if (sizes.push(mine.length) > CALL_SAMPLE) sizes.shift();
      try {
        const answer = await call();
        await gotAnswer(mine);
        return answer;
      } catch (error) {
        if (!unanswered(error)) await gotAnswer(mine);
        throw error;
      }
    };

    let outcomes: Map<number, DeliveryOutcome>;
    try {
      outcomes =
        taken.length === 0
          ? new Map()
          : definition.deliver
            ? await definition.deliver({
                events: taken,
                settings,
                target,
                state: stateOf(destination.id),
                users,
                onOutcome,
                sending,
              })
            : await deliverMapped({ events: taken, definition, settings, target, onOutcome, sending });
    } catch (error) {
      if (isLeaseLost(error)) throw error;
      if (signal.aborted) return written(summary);
      if (isConnectorError(error) && error.code === 'config' && applied.size === 0) return written(blocked(error));
      // Anything else the destination threw is this window's answer for every event not yet answered.
      const outcome = outcomeOf(error, now());
      outcomes = new Map(taken.map((e) => [e.id, outcome]));
    }
    if (signal.aborted) return written(summary);
    lastConfigError.delete(destination.id);
    // Exactly one fate per event of this window (an answer about any other id is ignored).
    const fates: Array<[number, DeliveryOutcome]> = [];
    for (const e of events) {
      if (holds.has(e.id) || applied.has(e.id)) continue;
      fates.push([
        e.id,
        !accepted.has(e.message.type)
          ? unsupported(e.message.type, definition.title, definition.messageTypes)
          : // A destination that forgot an event must not lose it: it is tried again.
            (outcomes.get(e.id) ?? {
              kind: 'retry',
              error: { code: 'unexpected', message: 'The destination gave no outcome for this event', at: now() },
            }),
      ]);
    }
    record(inOrder(fates, retried, keysOf));
    await writes;
    deps.onChange?.(summary);
    return summary;
  }

  /**
   * The last guard of the order per entity inside a window: when an event is to be retried, a later event
   * of one of its entities that the window delivered is retried with it (sent again, merged after it), so
   * the retry of the older update cannot land after the newer one. It happens when one event needed several
   * calls and only some failed: a group whose company write landed, merged with a newer group of that
   * company, but whose person write must be retried. The upsert sent twice changes nothing.
   */
  function inOrder(
    fates: Array<[number, DeliveryOutcome]>,
    retried: Set<number>,
    keysOf: (id: number) => string[],
  ): Array<[number, DeliveryOutcome]> {
    const firstRetry = new Map<string, number>();
    const retrying = [...retried, ...fates.filter(([, o]) => o.kind === 'retry').map(([id]) => id)];
    for (const id of retrying)
      for (const key of keysOf(id)) if ((firstRetry.get(key) ?? Number.POSITIVE_INFINITY) > id) firstRetry.set(key, id);
    if (firstRetry.size === 0) return fates;
    return fates.map(([id, o]): [number, DeliveryOutcome] => {
      if (o.kind !== 'delivered') return [id, o];
      const before = keysOf(id)
        .map((key) => firstRetry.get(key))
        .find((first) => first !== undefined && first < id);
      if (before === undefined) return [id, o];
      const requeue: DeliveryOutcome = {
        kind: 'retry',
        error: {
          code: 'waiting',
          message: `Sent again with event ${before}, an earlier update of the same entity that is to be retried`,
          at: now(),
        },
      };
      REQUEUED.add(requeue);
      return [id, requeue];
    });
  }

  /** A call type the destination does not take fails at once, saying which it takes (as RudderStack does). */
  const unsupported = (type: string, title: string, takes: readonly string[]): DeliveryOutcome => {
    const list = takes.length > 1 ? `${takes.slice(0, -1).join(', ')} and ${takes.at(-1)}` : (takes[0] ?? 'none');
    return {
      kind: 'failed',
      error: { code: 'unsupported', message: `${type} calls are not sent to ${title} (it takes ${list})`, at: now() },
    };
  };

  /** One destination's cycles never overlap (the running loop and a test's `runOnce` may both ask). */
  function exclusive<T>(id: string, task: () => Promise<T>): Promise<T> {
    const run = (locks.get(id) ?? Promise.resolve()).then(task);
    const tail = run.catch(() => undefined);
    locks.set(id, tail);
    void tail.then(() => {
      if (locks.get(id) === tail) locks.delete(id);
    });
    return run;
  }

  async function cycleSafely(destination: DestinationView, turn: Turn): Promise<CycleSummary | undefined> {
    const { fence } = turn;
    try {
      // The limiter's reservation reads the fence of the delivery it serves (currentFence).
      const cycle = () => cycleFor(destination, turn);
      return await exclusive(destination.id, () => (fence ? fenceContext.run(fence, cycle) : cycle()));
    } catch (error) {
      const held = holdings.get(destination.id);
      // A fenced write was refused: another process holds the destination now. Not a failure of ours.
      if (isLeaseLost(error)) {
        if (held && held.fence.epoch === fence?.epoch) lose(destination.id, held, error);
        return undefined;
      }
      if (turn.signal.aborted) return undefined;
      // A broken configuration keeps its events queued (state unchanged); the log says why.
      logger.error('Delivery cycle failed', { destinationId: destination.id, error });
      return undefined;
    }
  }

  /** One cycle of every enabled destination, side by side; resolves with what each did. */
  async function runOnce(): Promise<CycleSummary[]> {
    if (stopped) return [];
    const enabled = (await deps.destinations.list()).filter((d) => d.enabled);
    const done = await Promise.all(
      enabled.map(async (d) => {
        const turn = await turnOf(d.id);
        return turn ? cycleSafely(d, turn) : undefined;
      }),
    );
    return done.filter((s): s is CycleSummary => s !== undefined);
  }

  const stateOf = (destinationId: string) => getOrCreate(states, destinationId, () => new Map<string, unknown>());

  /** Resolves after `ms`, or at once when the engine stops. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (controller.signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        controller.signal.removeEventListener('abort', done);
        resolve();
      }
      controller.signal.addEventListener('abort', done, { once: true });
    });

  /** A destination's loop: a cycle, then its own flush window (at once again while a backlog fills windows). */
  async function runLane(id: string, lane: Lane) {
    try {
      await laneLoop(id, lane);
    } finally {
      // Disabled or removed: another process need not wait for the lease to expire when it is enabled again.
      if (leases && !stopped && !lanes.has(id)) {
        const current = await deps.destinations.get(id).catch(() => undefined);
        if (!current?.enabled) await release(id, holdings.get(id));
      }
    }
  }

  async function laneLoop(id: string, lane: Lane) {
    while (!stopped && lanes.get(id) === lane) {
      // Each cycle reads the destination as saved now: an edit (a new event version, a field map) applies
      // to the next window, not after the supervisor's next refresh.
      const fresh = await deps.destinations.get(id).catch(() => undefined);
      const turn = fresh?.enabled ? await turnOf(id) : undefined;
      if (!fresh?.enabled || !turn) {
        if (lanes.get(id) === lane) lanes.delete(id);
        return;
      }
      lane.view = fresh;
      const summary = await cycleSafely(lane.view, turn);
      if (stopped || lanes.get(id) !== lane) return;
      const busy = summary !== undefined && summary.taken >= maxPerCycle;
      await pause(busy ? 0 : hostSettingsOf(lane.view.settings).flushWindowMs);
    }
  }

  /**
   * Start a lane for each enabled destination (on PostgreSQL: each whose lease this process holds or can
   * take now), update changed ones, retire removed or disabled ones.
   */
  async function refresh() {
    const list = await deps.destinations.list();
    const enabled = new Map(list.filter((d) => d.enabled).map((d) => [d.id, d]));
    for (const id of lanes.keys()) if (!enabled.has(id)) lanes.delete(id);
    // Leases this process took for a destination since disabled or removed, with no lane (nor a cycle of
    // `runOnce`) to release them.
    for (const [id, held] of holdings) {
      if (!enabled.has(id) && !lanes.has(id) && !locks.has(id)) await release(id, held);
    }
    const starting: Array<Promise<void>> = [];
    for (const [id, view] of enabled) {
      const lane = lanes.get(id);
      if (lane) {
        lane.view = view;
        continue;
      }
      starting.push(
        (async () => {
          if (!(await turnOf(id)) || stopped || lanes.has(id)) return;
          const created: Lane = { view, done: Promise.resolve() };
          lanes.set(id, created);
          created.done = runLane(id, created);
        })(),
      );
    }
    await Promise.all(starting);
  }

  return {
    runOnce,
    /** Over a destination's latest vendor calls (since the engine started): how many, and events carried. */
    callsOf(destinationId: string): { calls: number; events: number } {
      const sizes = callSizes.get(destinationId) ?? [];
      return { calls: sizes.length, events: sizes.reduce((a, b) => a + b, 0) };
    },
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
      if (supervisor) return;
      stopped = false;
      supervisor = (async () => {
        while (!stopped) {
          await refresh().catch((error) => logger.error('Delivery loop error', { error }));
          await pause(refreshMs);
        }
      })();
      if (leases) {
        renewer = (async () => {
          while (!stopped) {
            await pause(renewMs);
            if (!stopped) renewAll();
          }
        })();
      }
    },
    async stop() {
      stopped = true;
      controller.abort();
      await supervisor?.catch(() => {});
      await renewer?.catch(() => {});
      await Promise.all([...lanes.values()].map((l) => l.done.catch(() => {})));
      await Promise.all([...locks.values()]);
      lanes.clear();
      await Promise.all([...acquiring.values()].map((a) => a.catch(() => undefined)));
      // A clean stop hands the destinations over at once instead of after the lease time.
      await Promise.all([...holdings].map(([id, held]) => release(id, held)));
    },
  };
}

export type DeliveryEngine = ReturnType<typeof createDeliveryEngine>;

/** Payloads of a window parsed between two yields to the event loop. */
const PARSE_SLICE = 500;

/** Outcomes inOrder made of a delivered event's: a retry that is not the event's own failure. */
const REQUEUED = new WeakSet<DeliveryOutcome>();

/** Vendor calls per destination the engine remembers the size of. */
const CALL_SAMPLE = 200;

/** A call that got no answer: the vendor may or may not have received it. */
function unanswered(error: unknown): boolean {
  return isConnectorError(error) && error.code === 'transient' && error.status === undefined;
}

/** The event destination behind a destination's kind, checked against its connection's connector. */
function offeredBy(
  offer: DestinationOffer | undefined,
  connector: ConnectorDefinition,
  kind: string,
): EventDestinationDefinition {
  if (!offer) throw new ConnectorError('config', `no loaded plugin offers the event destination kind ${kind}`);
  if (connector.id !== offer.connectorId)
    throw new ConnectorError(
      'config',
      `a ${kind} destination needs a ${offer.connectorId} connection, not ${connector.id}`,
    );
  return offer.definition;
}
