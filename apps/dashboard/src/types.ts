// Shapes of the hub's JSON API, as the dashboard reads them.

/** A JSON Schema node as `z.toJSONSchema(schema, { io: 'input' })` emits it (only what the forms use). */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  examples?: unknown[];
}

/** One stream of a connector, as `GET /api/connectors/:id` describes it. */
export interface StreamDetail {
  name: string;
  description?: string | null;
  /** The discovered object it reads when its options name none (`options.object` wins). */
  object?: string | null;
  /** JSON Schema of the stream's options; null: it takes none. */
  optionsSchema: JsonSchema | null;
}

export type WriterMode = 'insert' | 'update' | 'upsert' | 'publish';

/** One writer of a connector: how it writes (mode), how many records per vendor call, its options. */
export interface WriterDetail {
  name: string;
  mode: WriterMode;
  batchSize: number;
  description?: string | null;
  object?: string | null;
  optionsSchema?: JsonSchema | null;
}

/** The event destination a connector offers (its kind is the connector's id). */
export interface DestinationInfo {
  title: string;
  description?: string | null;
  messageTypes: string[];
  /** Whether repeated updates of one entity inside a flush window merge into one record. */
  merge: boolean;
  settingsSchema: JsonSchema;
}

export interface Connector {
  id: string;
  name: string;
  version: string;
  description?: string | null;
  settingsSchema: JsonSchema;
  secretsSchema: JsonSchema;
  /** Stream names (older hubs) — `streamDetails` has the rest. */
  streams: unknown[];
  streamDetails?: StreamDetail[];
  writers: WriterDetail[];
  destination?: DestinationInfo | null;
}

/** `GET /api/destinations/kinds`: one per connector that offers an event destination. */
export interface DestinationKind {
  kind: string;
  connectorId: string;
  title: string;
  description?: string | null;
  messageTypes: string[];
  merge: boolean;
  settingsSchema: JsonSchema;
}

/** A connector package the hub found but could not load. */
export interface PluginError {
  packageName?: string;
  message: string;
}

export interface ErrorInfo {
  code: string;
  message: string;
  /** The vendor's own error code when it sent one (e.g. `GSOBJ_1006`). */
  vendorCode?: string;
}

export type LastCheck =
  | { ok: true; at: string; summary: string; details: Record<string, unknown> }
  | { ok: false; at: string; error: ErrorInfo };

export interface Connection {
  id: string;
  connectorId: string;
  name: string;
  settings: Record<string, unknown>;
  /** Masked by the hub: the keys that are set, never their values. */
  secrets: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  lastCheck: LastCheck | null;
}

export interface ValidateAnswer {
  ok: boolean;
  at: string;
  summary?: string;
  details?: Record<string, unknown>;
  error?: ErrorInfo;
}

export interface Issue {
  path: string;
  message: string;
}

export interface ConnectionInput {
  connectorId: string;
  name: string;
  settings: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

// Events → Gainsight: sources (write keys), destinations, the event outbox and vendor budgets.

export interface Source {
  id: string;
  name: string;
  /** The last characters of the write key ("…a1b2"); the key itself is shown once. */
  writeKeyHint: string;
  destinationId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface FieldMapRow {
  trait: string;
  field: string;
}

export interface EventVersionRow {
  event: string;
  eventName?: string;
  version: string;
}

/** The Gainsight destination's settings as the hub stores them (defaults filled in). */
export interface GainsightDestinationSettings {
  personFieldMap: FieldMapRow[];
  companyFieldMap: FieldMapRow[];
  topicName?: string;
  contractId?: string;
  eventVersions: EventVersionRow[];
  flushWindowMs: number;
  maxAttempts: number;
}

export interface Destination {
  id: string;
  name: string;
  /** The connector offering the destination (`gainsight`, or a plugin's id). */
  kind: string;
  connectionId: string;
  /** The kind's own settings plus the host's `flushWindowMs` and `maxAttempts`. */
  settings: Record<string, unknown>;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A destination of kind `gainsight`, whose settings the hub stores with defaults filled in. */
export type GainsightDestination = Destination & { settings: GainsightDestinationSettings };

export const isGainsightDestination = (d: Destination): d is GainsightDestination => d.kind === 'gainsight';

export interface DestinationInput {
  name: string;
  kind: string;
  connectionId: string;
  settings: Record<string, unknown>;
  enabled: boolean;
}

export type EventState = 'received' | 'retrying' | 'delivered' | 'failed';
export type EventCounts = Record<EventState, number>;

export interface StoredError {
  code: string;
  message: string;
  vendorCode?: string;
  status?: number;
  /** The vendor's answer, kept as it came. */
  body?: unknown;
  at: number;
}

export interface EventRow {
  id: number;
  sourceId: string;
  messageId: string;
  type: string;
  state: EventState;
  attempts: number;
  receivedAt: number;
  nextAttemptAt: number;
  deliveredAt: number | null;
  destinationId: string | null;
  lastError: StoredError | null;
  label: string;
}

/** One delivery attempt of an event (the hub keeps the newest 50 of each). */
export interface DeliveryAttempt {
  attempt: number;
  at: number;
  outcome: 'delivered' | 'retry' | 'failed';
  destinationId: string | null;
  error: StoredError | null;
}

export interface EventDetail extends EventRow {
  payload: unknown;
  /** Newest first; absent from older hubs. */
  deliveryAttempts?: DeliveryAttempt[];
}

/** A state filter: one state, or `waiting` (not delivered yet: received or retrying). */
export type EventStateFilter = EventState | 'waiting';

export interface EventQuery {
  state?: EventStateFilter | undefined;
  /** A messageId, userId, anonymousId, groupId, email or event name. */
  search?: string | undefined;
  type?: string | undefined;
  errorCode?: string | undefined;
  sourceId?: string | undefined;
  before?: number | undefined;
  limit?: number | undefined;
}

export type ReplaySelector =
  | { ids: number[] }
  | { filter: { type?: string; errorCode?: string; sourceId?: string; search?: string } }
  | { all: true };

export interface WindowUsage {
  window: { limit: number; windowMs: number; label?: string };
  used: number;
  limit: number;
  remaining: number;
  /** Epoch ms at which the window rolls over. */
  resetsAt: number;
}

/**
 * A budget the vendor counts and reports (Salesforce's org-wide daily API calls, spent by every integration
 * of the org), as last reported.
 */
export interface ReportedUsage {
  used: number;
  /** 0 when the vendor refused calls without saying its counts. */
  limit: number;
  remaining: number;
  windowMs: number;
  reportedAt: number;
  /** Calls the hub made since that report. */
  spentSince: number;
  slowLine: number;
  stopLine: number;
  state: 'normal' | 'slowing' | 'stopped' | 'exhausted';
  nextCallAt: number | null;
}

/** One vendor account's bucket (e.g. Gainsight tenant × "sync"), as `GET /api/limits` lists it. */
export interface LimitRow {
  account: string;
  connector: string;
  connections: string[];
  bucket: string;
  usage: WindowUsage[];
  /** What the vendor last reported of this budget; null when it reports none (or not yet). */
  reported?: ReportedUsage | null;
}

/** `GET /api/backlog` (and `backlog` in `GET /api/overview`): what waits for delivery, per destination. */
export interface BacklogEntry {
  /** Null: events from sources that send them nowhere. */
  destinationId: string | null;
  destinationName: string | null;
  enabled: boolean;
  /** Not delivered yet: never tried plus waiting to be retried. */
  waiting: number;
  retrying: number;
  oldestReceivedAt: number | null;
  /** The connection's call budget that paces delivery (its shortest window); null when none is known. */
  budget: {
    label: string;
    connector: string;
    bucket: string;
    limit: number;
    windowMs: number;
    windowLabel: string | null;
    perMinute: number;
  } | null;
  /** Events per vendor call: measured, or 1 while nothing was measured. */
  perCall: { events: number; measured: boolean; calls: number };
  estimate: {
    calls: number;
    ms: number;
    limitedBy: { windowLabel: string | null; windowMs: number; remaining: number; resetsAt: number } | null;
  } | null;
}

/** `GET /api/settings`: where others reach the hub (SYNCHUB_PUBLIC_URL, else the address it listens on). */
export interface PublicUrl {
  url: string;
  /** Whether SYNCHUB_PUBLIC_URL sets it. */
  configured: boolean;
  /** A loopback address: only this machine reaches it. */
  loopback: boolean;
}

/** `GET /api/sources/refusals`: requests ingest refused, per source (null: no source) and reason. */
export interface Refusal {
  sourceId: string | null;
  code: string;
  status: number;
  reason: string;
  count: number;
  firstAt: number;
  lastAt: number;
}
