import type { z } from 'zod';
import type { ConnectorContext, ConnectorDefinition, SyncRecord } from './connector.js';

/** The tracking-spec call types (Segment / RudderStack HTTP API) a destination may take. */
export const MESSAGE_TYPES = ['identify', 'group', 'track', 'page', 'screen', 'alias'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/**
 * One tracking-spec call as the hub stored it (validated at ingest, `messageId` always set). Fields
 * beyond these are kept as the SDK sent them.
 */
export interface TrackingMessage {
  type: MessageType;
  messageId: string;
  userId?: string | null | undefined;
  anonymousId?: string | null | undefined;
  event?: string | undefined;
  name?: string | undefined;
  groupId?: string | undefined;
  previousId?: string | undefined;
  traits?: Record<string, unknown> | undefined;
  properties?: Record<string, unknown> | undefined;
  context?: Record<string, unknown> | undefined;
  timestamp?: string | number | undefined;
  [extra: string]: unknown;
}

/** What the hub keeps as an event's last error (shown by the dashboard, kept for replay). */
export interface StoredError {
  code: string;
  message: string;
  vendorCode?: string | undefined;
  status?: number | undefined;
  body?: unknown;
  at: number;
}

/** What happened to one event in one delivery attempt. */
export type DeliveryOutcome =
  | { kind: 'delivered'; meta?: Record<string, unknown> | undefined }
  | { kind: 'retry'; error: StoredError; at?: number | undefined }
  | { kind: 'failed'; error: StoredError };

export interface DueEvent {
  id: number;
  message: TrackingMessage;
  /** The source that sent it (the hub always sets it; a test may leave it out). */
  sourceId?: string | undefined;
}

/** What the hub knows about the users behind the events, from the calls it stored. */
export interface KnownUsers {
  /**
   * The email the source last gave for this user: `traits.email` (or `context.traits.email`) of the
   * latest identify call with this userId that the source sent. Undefined when none carried one.
   */
  email(sourceId: string, userId: string): Promise<string | undefined>;
}

/** One record a message becomes, for one of the connector's writers. */
export interface DestinationRecord {
  writer: string;
  record: SyncRecord;
  /** Writer options (object name, event name…). Records merge and batch only with equal options. */
  options?: Record<string, unknown> | undefined;
  /**
   * The entity this record updates (e.g. a person's email). With `merge: true`, records of one writer
   * with the same key inside one flush window become one record (later fields win).
   */
  key?: string | undefined;
}

export type DestinationMapResult =
  | { records: DestinationRecord[] }
  /** The message cannot be delivered as configured: it fails with this reason and waits for a replay. */
  | { error: { code: string; message: string } };

/** What the connection behind a destination gives it. */
export interface DestinationTarget<S = unknown, X = unknown> {
  connector: ConnectorDefinition;
  /** The connection's settings and decrypted secrets. */
  settings: S;
  secrets: X;
  ctx: ConnectorContext;
}

export interface DestinationMapArgs<D, S = unknown> {
  /** The destination's own settings (its `settings` schema's output). */
  settings: D;
  /** The connection's settings (never its secrets). */
  connectionSettings: S;
}

/**
 * What the host offers a `deliver` while it works through a window. Both are optional for the caller
 * (a test may call `deliver` without them); the hub always passes both.
 */
export interface DeliveryHooks {
  /**
   * Report the fate of these events as soon as the vendor has answered for them. The host records it at
   * once (one transaction), so after a crash only the calls in flight are sent again. An event reported
   * here may be left out of the returned map; if it is in both, the first report counts.
   */
  onOutcome?: ((eventIds: number[], outcome: DeliveryOutcome) => void) | undefined;
  /**
   * Wrap each vendor call that carries these events: the host marks them in flight (on disk) before the
   * call and clears the mark when an answer came. A call that got no answer (timeout, dropped connection,
   * or a crash of the hub while it was in flight) is counted on each event it carried as a send the vendor
   * may have received: the possible duplicates of calls that are not upserts (e.g. a track publish).
   */
  sending?: (<T>(eventIds: number[], call: () => Promise<T>) => Promise<T>) | undefined;
}

export interface DestinationDeliverArgs<D, S = unknown, X = unknown> extends DeliveryHooks {
  events: DueEvent[];
  settings: D;
  target: DestinationTarget<S, X>;
  /** Memory the host keeps per destination between windows (caches of vendor ids…); lost on restart. */
  state: Map<string, unknown>;
  /**
   * Look-ups of what earlier calls told about a user (e.g. the email for a group call that names only its
   * userId). The hub always passes it; a test may leave it out.
   */
  users?: KnownUsers | undefined;
}

/**
 * An event destination a connector offers: how tracking-spec messages become records for its writers.
 * Give `map` and the host does the rest (merging, batching by the writer's `batchSize`, the limiter,
 * splitting a rejected batch); give `deliver` when the vendor needs more than one writer per message
 * in a fixed order (look up, then write, then associate) and handle a whole window yourself.
 */
export interface EventDestinationDefinition<DS extends z.ZodType = z.ZodType, S = unknown, X = unknown> {
  title: string;
  description?: string | undefined;
  /** The destination's settings: rendered as a form by the dashboard, validated on save. */
  settings: DS;
  /** Message types it takes; the host fails any other with code `unsupported`, naming the ones it takes. */
  messageTypes: MessageType[];
  /** Whether repeated updates of one entity (same writer, options and key) merge inside a flush window. */
  merge: boolean;
  /** How long events wait to be merged before a window is delivered (default 2 s). */
  defaultFlushWindowMs?: number | undefined;
  map?(message: TrackingMessage, args: DestinationMapArgs<z.output<DS>, S>): DestinationMapResult;
  /**
   * The entities (people, companies, contacts… as the vendor keys them) a message updates, as strings
   * unique within the destination (e.g. `person:ann@x.com`). The host keeps updates of one entity in
   * order: while an event is waiting to be retried, later events sharing one of its keys wait behind it
   * (they are delivered together, merged, once it is due), so a retry never lands after newer data.
   * Without it, a `map` destination's keys are its records' `key`s (per writer); a `deliver` destination
   * without it gets no ordering across windows. Inside one window, `deliver` keeps the order itself:
   * merge the updates of an entity, or send them in order and stop at the first that must be retried.
   * Return `[]` for messages that update no entity (tracks, appends).
   */
  entityKeys?(message: TrackingMessage, args: DestinationMapArgs<z.output<DS>, S>): string[];
  deliver?(args: DestinationDeliverArgs<z.output<DS>, S, X>): Promise<Map<number, DeliveryOutcome>>;
}

/** Typing helper for a connector's `destination`. Returns its argument. */
export function defineDestination<DS extends z.ZodType, S = unknown, X = unknown>(
  definition: EventDestinationDefinition<DS, S, X>,
): EventDestinationDefinition<DS, S, X> {
  return definition;
}
