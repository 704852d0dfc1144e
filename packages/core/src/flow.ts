import type { z } from 'zod';
import type { ConnectorContext, ConnectorDefinition, Logger } from './connector.js';
import type { CustomerStore } from './customer-store.js';
import type { EventDestinationDefinition } from './destination.js';

/**
 * Flows: what a plugin package contributes beside connectors. A flow plugin brings pipeline kinds
 * (scheduled, re-runnable jobs such as "Gainsight company pull"), event destinations, and optionally a
 * service (HTTP routes, webhooks and a background worker). It reaches the hub only through the host API
 * declared here (`FlowHost`, `RunContext`); the hub implements it, on SQLite today and PostgreSQL later.
 */

/** A save-time problem with a pipeline's settings: where (dotted path) and what. */
export interface Issue {
  path: string;
  message: string;
}

/** A connection ready for connector calls: definition, settings, decrypted secrets and a context. */
export interface ResolvedConnection {
  id: string;
  name: string;
  connector: ConnectorDefinition;
  settings: unknown;
  secrets: unknown;
  ctx: ConnectorContext;
}

/** A connection as listed (no secrets, no context). */
export interface ConnectionSummary {
  id: string;
  name: string;
  connectorId: string;
  settings: unknown;
  createdAt: string;
}

/** A pipeline as other flows see it (e.g. the Gainsight pulls look for the primary CRM's accounts sync). */
export interface PipelineSummary {
  id: string;
  name: string;
  kind: string;
  connectionId: string;
  settings: unknown;
  enabled: boolean;
  createdAt: string;
  /** When the pipeline last completed a run (epoch ms), or null. */
  lastCompletedAt: number | null;
}

export type RunRecordStatus = 'written' | 'skipped' | 'failed';

export interface RunCounts {
  read: number;
  written: number;
  skipped: number;
  failed: number;
  /** Why records were skipped or failed, e.g. `{ "no account with GsCompanyId": 12 }`. */
  reasons: Record<string, number>;
}

/** What a preview collects from a kind (see RunContext.dryRun). */
export interface DryRun {
  limit: number;
  /** One record before mapping and after (null after when it would be skipped; say why in `note`). */
  sample(before: unknown, after: unknown, note?: string): void;
}

/** A small key/value store (JSON values). Pipelines get one each; a service gets one for itself. */
export interface KeyValueState {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every key starting with `prefix` (all keys when omitted), sorted. */
  list(prefix?: string): Promise<{ key: string; value: unknown }[]>;
}

/**
 * What the hub offers every flow, whatever it is doing (a run, a save-time check, a service):
 * connections, other pipelines, the customer store, the plugin's own tables and a logger. Never the
 * hub's own tables.
 */
export interface FlowHost {
  connections: {
    /** A connection ready for calls; throws a `not_found` error naming the id when there is none. */
    get(id: string, signal?: AbortSignal): Promise<ResolvedConnection>;
    /** Connections, oldest first, optionally of one connector. */
    list(filter?: { connectorId?: string }): Promise<ConnectionSummary[]>;
  };
  pipelines: {
    /** Pipelines, oldest first, optionally of some kinds and/or one connection. */
    list(filter?: { kinds?: readonly string[]; connectionId?: string }): Promise<PipelineSummary[]>;
  };
  /** Accounts of the primary CRM and what customer-success pulls add to them. */
  customers: CustomerStore;
  /**
   * A Kysely instance for the tables the plugin's `migrations` create (undefined without migrations).
   * The same handle in its kinds (`run.host`, `args.host`) and its service: kinds read there what the
   * service's routes save (e.g. the Gainsight pulls' Common settings). So each plugin gets its own host.
   */
  database: unknown;
  log: Logger;
  now(): number;
}

/** What a pipeline's `run` gets: its settings, connections, cursor, counters and the host API. */
export interface RunContext<S> {
  runId: number;
  pipelineId: string;
  pipelineName: string;
  settings: S;
  /** The pipeline's own connection (a Gainsight pull: the Gainsight connection). */
  connection: ResolvedConnection;
  /** Another connection (legs that read one vendor and write another). */
  connectionOf(id: string): Promise<ResolvedConnection>;
  /** Where the last successful page left off (null: from the beginning). */
  cursor: string | null;
  /** Persist progress after the records up to `cursor` are stored: a crash resumes from here. */
  commit(cursor: string | null): Promise<void>;
  count(kind: 'read' | 'written' | 'skipped' | 'failed', n?: number, reason?: string): void;
  /** Keep a sample for the run view (unmatched records, discovered categories…), at most 100 per key. */
  note(key: string, item: unknown): void;
  /** Replace a whole detail entry (e.g. a summary computed at the end). */
  detail(key: string, value: unknown): void;
  /**
   * Keep one record's outcome with the run (`GET /api/runs/:id/records`): its key (the value it is
   * matched on, when it has one), what became of it, why, and the vendor's answer for a failure.
   * Absent in a dry run and for hosts that keep no per-record outcomes.
   */
  record?(key: string | null, status: RunRecordStatus, reason?: string, error?: unknown): void;
  /** This pipeline's own key/value state (kept across runs; a preview's writes are discarded). */
  state: KeyValueState;
  host: FlowHost;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>): void;
  signal: AbortSignal;
  now(): number;
  /**
   * Set when the run is a preview (dry run). The kind then reads at most `limit` records, writes
   * nothing to the hub's own stores, calls `sample` for each record it would write (as read, as it
   * would be written), and stops. Vendor writes need no care: the connections it gets have
   * `ctx.dryRun`, so writes are recorded, not sent; `commit` saves nothing.
   */
  dryRun?: DryRun | undefined;
}

export interface PipelineKindArgs<S> {
  settings: S;
  connectionId: string;
  connectionOf(id: string): Promise<ResolvedConnection>;
  host: FlowHost;
  /**
   * Aborted when the operation's deadline passes (the hub stops waiting for a `validate` or `gate` then,
   * whatever the kind does). Absent when a test calls the kind directly.
   */
  signal?: AbortSignal | undefined;
}

/**
 * A kind of scheduled pipeline (a Gainsight pull, a Pendo → Salesforce leg…). The hub stores instances
 * with their settings, schedule and cursor; the scheduler runs them, one run per pipeline at a time.
 */
export interface PipelineKindDefinition<SS extends z.ZodType = z.ZodType> {
  kind: string;
  title: string;
  description: string;
  /** Groups kinds in the dashboard (e.g. "Gainsight pulls", "Pendo bridge"). */
  group: string;
  /** Connector of the pipeline's own connection. */
  connectorId: string;
  settings: SS;
  /** Cron expression (UTC), e.g. `0 3 * * *` for daily. */
  defaultSchedule: string;
  /** Save-time checks that need the vendor or the hub's data (unknown object or field, duplicates…). */
  validate?(args: PipelineKindArgs<z.output<SS>>): Promise<Issue[]>;
  /** A reason to refuse to run now (e.g. the primary CRM has not synced yet), or undefined. */
  gate?(args: PipelineKindArgs<z.output<SS>>): Promise<string | undefined>;
  run(run: RunContext<z.output<SS>>): Promise<void>;
}

export function definePipelineKind<SS extends z.ZodType>(kind: PipelineKindDefinition<SS>): PipelineKindDefinition<SS> {
  return kind;
}

/** A fetch-style handler; build it with any router (the built-in flows use Hono's `app.fetch`). */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * A plugin-owned table set: migrations written with Kysely's schema builder (portable between the
 * hub's SQLite and PostgreSQL stores), run in name order by the hub after its own. Each plugin has its
 * own migration table (`migrations_<plugin id>`), so its names never clash with the hub's or another
 * plugin's. A failing migration leaves the plugin out (logged, listed by `GET /api/plugins`); the hub
 * runs on. `db` is a Kysely instance; it is typed loosely so that core does not depend on Kysely.
 */
export interface FlowMigration {
  up(db: unknown): Promise<void>;
  down?(db: unknown): Promise<void>;
}

/** What `FlowPluginDefinition.service` gets: the host API plus the plugin's own tables and state. */
export interface ServiceHost extends FlowHost {
  /** The plugin's own key/value state. */
  state: KeyValueState;
  /**
   * Hub events stored after `afterId` (ascending, at most `limit`), for services that react to
   * ingested events; `subscribe` calls back when new events are accepted.
   */
  events: {
    after(afterId: number, limit: number): Promise<StoredEventSummary[]>;
    latestId(): Promise<number>;
    subscribe(listener: () => void): () => void;
  };
  /** The hub's event sources (a service checks the source id a user names, e.g. in an event rule). */
  sources: {
    list(): Promise<SourceSummary[]>;
  };
  /** Record a configuration change or manual action in the hub's audit log (never secret values). */
  audit(action: string, target: string | null, details?: Record<string, unknown>): Promise<void>;
  /** The hub's public base URL (for webhook URLs a service shows). */
  publicUrl: string;
}

/** An event source as services see it (no write key). */
export interface SourceSummary {
  id: string;
  name: string;
}

export interface StoredEventSummary {
  id: number;
  sourceId: string;
  type: string;
  /** Event name for track, screen name for screen…, null otherwise. */
  name: string | null;
  receivedAt: number;
  message: Record<string, unknown>;
}

/** Something of a service's own that uses a connection (listed when deleting the connection is refused). */
export interface ServiceConnectionUse {
  /** A type id the dashboard may know (e.g. `gainsight_pulls`). */
  type: string;
  id: string;
  name: string;
  /** The setting that names the connection, e.g. `primaryConnectionId`. */
  via: string;
  /** How the refusal message names it, e.g. `Gainsight pulls (primary CRM) of`. */
  label: string;
}

/** A running service: HTTP handlers the hub mounts, and how to stop its background work. */
export interface FlowService {
  /** Mounted at `/api/<mount>/*` behind the admin token. The request's URL keeps its full path. */
  api?: FetchHandler;
  /** Mounted at `/hooks/<mount>/*` without the admin token (the service authenticates its callers). */
  hooks?: FetchHandler;
  /**
   * What of the service's own state uses connection `connectionId`: the hub refuses to delete a
   * connection while anything uses it, and lists these with its own (pipelines, destinations).
   */
  connectionUses?(connectionId: string): Promise<ServiceConnectionUse[]>;
  /**
   * The service's routes for the hub's `/api/openapi.json`: OpenAPI 3.1 path items keyed by their path
   * relative to the mount (`/objects/{id}`), for `api` and `hooks`. Without it the mount is undocumented.
   */
  openapi?(): ServiceOpenApi;
  /**
   * Work the service does on its own, apart from answering requests (a queue worker, a scan of stored
   * events), which the hub runs in one process at a time. On SQLite (one process) it starts as soon as the
   * service is created. On PostgreSQL, where several hubs share one database, it runs under the lease
   * `service:<plugin id>`: `start` when this process takes the lease, `stop` when it loses it or the hub
   * stops (before `stop` below). `api` and `hooks` keep answering in every process either way, so work they
   * queue must be kept in the database for whichever process runs this. The lease can come back: `start`
   * may be called again after `stop`. Work cut short by `stop` must stay where the next holder finds it.
   */
  background?: ServiceBackground;
  /** Stop the whole service (its background work is stopped first). */
  stop?(): Promise<void>;
}

/** A service's background work (FlowService.background): started and stopped by the hub, maybe several times. */
export interface ServiceBackground {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** OpenAPI 3.1 path items of a service (see FlowService.openapi); paths are relative to its mount. */
export interface ServiceOpenApi {
  api?: Record<string, object>;
  hooks?: Record<string, object>;
}

/** A dashboard page the plugin's features use, shown only while a plugin declares it. */
export interface PageDeclaration {
  /** One of the dashboard's page ids (`accounts`, `gainsight`, `qualtrics`…) */
  id: string;
  title: string;
}

/** An event destination a flow plugin brings: its kind (id in the destinations API) and whose connections it uses. */
export type FlowDestination = EventDestinationDefinition & { kind: string; connectorId: string };

/** The default export of a package whose package.json has `"synchub": { "flows": "./dist/index.js" }`. */
export interface FlowPluginDefinition {
  id: string;
  name: string;
  version: string;
  contractVersion: number;
  description?: string;
  kinds?: PipelineKindDefinition[];
  /** Event destinations; each one's `kind` is its id in the destinations API. */
  destinations?: FlowDestination[];
  /** URL segment for the service's routes (`/api/<mount>`, `/hooks/<mount>`); defaults to the id. */
  mount?: string;
  migrations?: Record<string, FlowMigration>;
  service?(host: ServiceHost): FlowService | Promise<FlowService>;
  pages?: PageDeclaration[];
}

export function defineFlows(definition: FlowPluginDefinition): FlowPluginDefinition {
  return definition;
}
