import type { z } from 'zod';
import type { EventDestinationDefinition } from './destination.js';
import type { PipelineKindDefinition } from './flow.js';
import type { RateLimitPolicy } from './rate-limit-policy.js';
import type { UsageReport } from './usage-budget.js';

/** The connector contract version this core implements. The registry rejects any other. */
export const CONTRACT_VERSION = 1 as const;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string, data?: Record<string, unknown>) => void;

/**
 * What the host gives a connector for one operation. Connectors never reach for globals:
 * tests drive time and network through this.
 */
export interface ConnectorContext {
  fetch: typeof fetch;
  now: () => number;
  signal?: AbortSignal | undefined;
  log?: Logger | undefined;
  /**
   * Ask the host's limiter before each vendor call. Resolves when the call may go
   * (the host may wait for a window to roll). Absent in unit tests: calls go at once.
   */
  acquire?: ((bucket: string) => Promise<void>) | undefined;
  /**
   * Tell the host what a vendor answer said about the account's budget (calls spent by everyone, the
   * limit, the window; or that the vendor refused a call because the budget is spent). The host's
   * `acquire` then paces and stops by it (see `RateLimitPolicy.usageBudget`). Absent in unit tests.
   */
  reportUsage?: ((report: UsageReport) => Promise<void>) | undefined;
  /**
   * Present in a dry run (a pipeline preview): the connector must not change anything at the vendor.
   * `httpRequest` with `write: true` records the request here instead of sending it; a connector that
   * calls `fetch` itself records its writes with `record` and skips them. Reads still go out.
   */
  dryRun?: DryRunRecorder | undefined;
}

/** One request a write would have sent, as a dry run reports it. */
export interface PlannedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface DryRunRecorder {
  record(request: PlannedRequest): void;
}

export type FieldType =
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'id'
  | 'email'
  | 'url'
  | 'picklist'
  | 'json';

export interface DiscoveredField {
  name: string;
  label?: string | undefined;
  type: FieldType;
  /** The vendor's own type name (e.g. `CURRENCY`, `double`). */
  vendorType?: string | undefined;
  custom?: boolean | undefined;
  updateable?: boolean | undefined;
  createable?: boolean | undefined;
  required?: boolean | undefined;
}

export interface DiscoveredObject {
  name: string;
  label?: string | undefined;
  /** e.g. STANDARD, CUSTOM, SYSTEM */
  kind?: string | undefined;
  fields?: DiscoveredField[] | undefined;
}

export interface CheckResult {
  /** One sentence for the dashboard, e.g. "Connected: 42 objects discovered". */
  summary: string;
  /** Machine-readable facts found, e.g. `{ objects: 42 }`. */
  details: Record<string, unknown>;
}

export interface DiscoverOptions {
  /** Describe only these objects (fields included); all objects without fields when absent. */
  objects?: string[] | undefined;
}

export type SyncRecord = Record<string, unknown>;

export interface RecordPage {
  records: SyncRecord[];
  /** Cursor to resume after this page; persisted by the host only once the page is handled. */
  cursor: string | null;
}

export interface OperationArgs<S, X> {
  settings: S;
  secrets: X;
  ctx: ConnectorContext;
}

export interface StreamReadArgs<S, X> extends OperationArgs<S, X> {
  /** Cursor saved from an earlier run (null = from the beginning). */
  cursor: string | null;
  /** Stream-specific options (object name, selected fields, filters…). */
  options: Record<string, unknown>;
}

export interface StreamDefinition<S, X> {
  name: string;
  description?: string | undefined;
  /**
   * The discovered object this stream reads when its options name none (`options.object` wins), so
   * the hub can check a sync's mapped fields against `discover`. Defaults to the stream's name.
   */
  object?: string | undefined;
  /** zod schema of `options`: validated when a sync is saved, rendered by the dashboard. */
  options?: z.ZodType | undefined;
  /** Pages until the source is exhausted; must never hold the whole source in memory. */
  read(args: StreamReadArgs<S, X>): AsyncIterable<RecordPage>;
}

export interface WriteArgs<S, X> extends OperationArgs<S, X> {
  records: SyncRecord[];
  options: Record<string, unknown>;
}

export interface WriteError {
  code: import('./errors.js').ConnectorErrorCode;
  message: string;
  vendorCode?: string | undefined;
  body?: unknown;
}

/**
 * One result per input record, in input order. `id` is the vendor's id for what was written; `meta`
 * holds other facts the vendor answered about this record that a host may record (e.g. Qualtrics'
 * `requestId` and HTTP status beside the eventId). Optional: hosts that do not need it ignore it.
 */
export type WriteResult =
  | { ok: true; id?: string | undefined; meta?: Record<string, unknown> | undefined }
  | { ok: false; error: WriteError };

export interface WriterDefinition<S, X> {
  name: string;
  description?: string | undefined;
  /** The discovered object this writer writes when its options name none (`options.object` wins). */
  object?: string | undefined;
  /** zod schema of `options`: validated when a sync is saved, rendered by the dashboard. */
  options?: z.ZodType | undefined;
  mode: 'insert' | 'update' | 'upsert' | 'publish';
  /**
   * Most records the vendor accepts in one call. Batching is the host's job: it never passes more, and
   * `write` sends up to `batchSize` records in one vendor call (plus any lookup the vendor forces).
   * Given more, `write` throws ConnectorError 'invalid_request' before calling the vendor — it does not
   * split, because the host counts one batch as one call against the limiter.
   */
  batchSize: number;
  /** Limiter bucket each call of this writer spends (see RateLimitPolicy.buckets). */
  bucket?: string | undefined;
  /**
   * Resolves with one result per input record, in input order. A record the vendor refuses is
   * `{ ok: false, error }`, not a rejection; when the vendor refuses the whole call because of one
   * record (all-or-nothing batches), every record gets the vendor's error. Rejects only when the call
   * itself failed (auth, rate_limited, transient…): the host retries the whole batch.
   */
  write(args: WriteArgs<S, X>): Promise<WriteResult[]>;
}

export interface ConnectorDefinition<SS extends z.ZodType = z.ZodType, XS extends z.ZodType = z.ZodType> {
  id: string;
  name: string;
  version: string;
  contractVersion: typeof CONTRACT_VERSION;
  description?: string | undefined;
  settings: SS;
  secrets: XS;
  check(args: OperationArgs<z.output<SS>, z.output<XS>>): Promise<CheckResult>;
  discover(
    args: OperationArgs<z.output<SS>, z.output<XS>> & { options?: DiscoverOptions },
  ): Promise<DiscoveredObject[]>;
  streams: Record<string, StreamDefinition<z.output<SS>, z.output<XS>>>;
  writers: Record<string, WriterDefinition<z.output<SS>, z.output<XS>>>;
  rateLimit: RateLimitPolicy<z.output<SS>>;
  /** The event destination this connector offers, if any (its kind is the connector's id). */
  destination?: EventDestinationDefinition<z.ZodType, z.output<SS>, z.output<XS>> | undefined;
  /**
   * Pipeline kinds the connector brings along (a small plugin: one connector and the job that uses it).
   * Bigger sets of flows belong in a flows entry (`FlowPluginDefinition`).
   */
  kinds?: PipelineKindDefinition[] | undefined;
}

/** Typing helper: infers settings/secrets types from the zod schemas. Returns its argument. */
export function defineConnector<SS extends z.ZodType, XS extends z.ZodType>(
  definition: ConnectorDefinition<SS, XS>,
): ConnectorDefinition<SS, XS> {
  return definition;
}
