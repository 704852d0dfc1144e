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

export interface Connector {
  id: string;
  name: string;
  version: string;
  description?: string;
  settingsSchema: JsonSchema;
  secretsSchema: JsonSchema;
  streams: unknown[];
  writers: unknown[];
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
  kind: 'gainsight';
  connectionId: string;
  settings: GainsightDestinationSettings;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface DestinationInput {
  name: string;
  kind: 'gainsight';
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

export interface EventDetail extends EventRow {
  payload: unknown;
}

export interface EventQuery {
  state?: EventState | undefined;
  type?: string | undefined;
  errorCode?: string | undefined;
  sourceId?: string | undefined;
  before?: number | undefined;
  limit?: number | undefined;
}

export type ReplaySelector =
  | { ids: number[] }
  | { filter: { type?: string; errorCode?: string; sourceId?: string } }
  | { all: true };

export interface WindowUsage {
  window: { limit: number; windowMs: number; label?: string };
  used: number;
  limit: number;
  remaining: number;
  /** Epoch ms at which the window rolls over. */
  resetsAt: number;
}

/** One vendor account's bucket (e.g. Gainsight tenant × "sync"), as `GET /api/limits` lists it. */
export interface LimitRow {
  account: string;
  connector: string;
  connections: string[];
  bucket: string;
  usage: WindowUsage[];
}
