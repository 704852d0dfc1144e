import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConnectorContext, ConnectorDefinition, FlowPluginDefinition } from '@synchub/core';
import { createRateLimiter, type RateLimiter } from '@synchub/core';
import { createRegistry, isRegistryError, type LoadedConnector } from '@synchub/registry';
import { type AlertOptions, type Alerts, createAlerts } from './alerts/index.js';
import { createApp, hubMounts } from './app.js';
import { createAudit } from './audit.js';
import { createBacklog } from './backlog.js';
import { createRefusals } from './ingest/refusals.js';
import { initAdminAuth } from './auth.js';
import { type ConnectionStore, createConnectionStore } from './connections.js';
import { createSecretBox, loadOrCreateKey } from './crypto.js';
import { type Db, isPostgres, migrateToLatest, openStore, redactUrl } from './db/index.js';
import { createLeasedTask, createLeaseManager, type LeaseManager } from './db/postgres/leases.js';
import { HubError } from './errors.js';
import { createSqliteLimiterStore } from './limiter-store.js';
import { createLogger, type HubLogger } from './logger.js';
import { createReportedUsage } from './reported-usage.js';
import { createDeliveryEngine, type DeliveryEngine } from './delivery/engine.js';
import { createDestinations, type Destinations } from './destinations.js';
import { createFeed, type Feed } from './feed.js';
import { type FeedRelay, startFeedRelay } from './db/postgres/feed-relay.js';
import { createCustomerStore } from './host/customer-store.js';
import { formsCheckedOutside, type LoadedPlugins, loadPlugins, pluginDirs } from './host/plugins.js';
import { createPluginRuntime, type PluginRuntime } from './host/runtime.js';
import { createOutbox } from './ingest/outbox.js';
import { createSources, type Sources } from './sources.js';
import { getOrCreate } from './util.js';
import { createMetrics } from './metrics.js';
import type { PipelineKind, ResolvedConnection } from './pipelines/kind.js';
import { PIPELINE_KINDS } from './pipelines/kinds/index.js';
import { createPreviewer } from './pipelines/preview.js';
import { newProcessId, RUN_HEARTBEAT_MS } from './pipelines/run-claims.js';
import { createRunner, type Runner } from './pipelines/runner.js';
import { createScheduler, type Scheduler } from './pipelines/scheduler.js';
import { createPipelineStore, type PipelineStore } from './pipelines/store.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const HUB_ROOT = path.resolve(here, '..');
export const DEFAULT_STATIC_DIR = path.resolve(HUB_ROOT, '../dashboard/dist');
/**
 * Export conditions for loading plugin entries. Running from its TypeScript source (dev, tests), the hub
 * loads workspace plugins from source too (their `@synchub/source` export), so nothing needs a build;
 * compiled (`synchub start`), it loads what each package.json declares (dist/).
 */
export const PLUGIN_CONDITIONS: readonly string[] = import.meta.url.endsWith('.ts') ? ['@synchub/source'] : [];
export const DATABASE_FILE = 'synchub.sqlite';
/** One interactive plugin operation (check, discover, a kind's validate or gate) may take at most this long. */
export const OPERATION_TIMEOUT_MS = 60_000;
/** The workspace's flow packages (built-in flows), scanned like any plugin folder when the hub runs in the repo. */
export const WORKSPACE_FLOWS_DIR = path.resolve(HUB_ROOT, '../../packages/flows');
/** The workspace's packages (built-in connectors and flows), when the hub runs in the repo. */
const WORKSPACE_PACKAGES_DIR = path.resolve(HUB_ROOT, '../../packages');

export interface HubOptions {
  dataDir: string;
  /**
   * `postgres://…`: the hub's state in that PostgreSQL database (15 or newer) instead of the SQLite file in
   * `dataDir` (which still holds the key file when no secret key is given).
   */
  databaseUrl?: string | undefined;
  /** Admin token to accept; when absent one is generated on first start (returned as `createdToken`). */
  adminToken?: string | undefined;
  secretKey?: string | undefined;
  /** Folder with a node_modules of third-party connector packages. */
  pluginDir?: string | undefined;
  staticDir?: string | undefined;
  logger?: HubLogger | undefined;
  fetch?: typeof fetch | undefined;
  now?: () => number;
  /** The host's own pipeline kinds (default: the generic sync). Plugins' kinds are added; on a clash these win. */
  kinds?: PipelineKind[] | undefined;
  /** Connectors to load beside the installed ones (tests bring their own definitions). */
  extraConnectors?: LoadedConnector[] | undefined;
  /** Flow plugins to load beside the installed ones (tests bring their own definitions). */
  extraFlows?: FlowPluginDefinition[] | undefined;
  /**
   * Folder of built-in flow packages, scanned after the hub's node_modules and before the plugin folder
   * (default: the workspace's packages/flows when it exists); false leaves it out.
   */
  workspaceFlows?: string | false | undefined;
  /** Deadline of interactive plugin operations (default OPERATION_TIMEOUT_MS; tests shorten it). */
  operationTimeoutMs?: number | undefined;
  /** The hub's public base URL, for webhook URLs services show (default: the address it listens on). */
  publicUrl?: string | undefined;
  /** How the limiter waits for a window (benchmarks pair it with a virtual `now`). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Alert evaluation and delivery timing (tests shorten it). */
  alerts?: AlertOptions | undefined;
  /**
   * PostgreSQL (several hubs on one database): how long a lease lasts after each renewal (ms, default 15 s;
   * SYNCHUB_LEASE_TTL_MS) and how often it is renewed (default a third of that; SYNCHUB_LEASE_RENEW_MS).
   */
  leaseTtlMs?: number | undefined;
  leaseRenewMs?: number | undefined;
  /** PostgreSQL: time between heartbeats of this process's pipeline runs (SYNCHUB_RUN_HEARTBEAT_MS). */
  runHeartbeatMs?: number | undefined;
}

export interface Hub {
  app: ReturnType<typeof createApp>;
  db: Db;
  logger: HubLogger;
  limiter: RateLimiter;
  engine: DeliveryEngine;
  connections: ConnectionStore;
  sources: Sources;
  destinations: Destinations;
  pipelines: PipelineStore;
  runner: Runner;
  scheduler: Scheduler;
  alerts: Alerts;
  /** PostgreSQL: the leases this process holds work by (its owner id); undefined on SQLite. */
  leases: LeaseManager | undefined;
  /** Live change notifications (reaching every hub on the same PostgreSQL). */
  feed: Feed;
  /** Plugins loaded (connectors, flows, what they contribute, what could not load). */
  plugins: LoadedPlugins;
  /** Flow plugins at run time: hosts, state, services. */
  pluginRuntime: PluginRuntime;
  createdToken: string | undefined;
  close(): Promise<void>;
}

/** Everything but the socket: open state, migrate, load connectors, wire the API. */
export async function createHub(options: HubOptions): Promise<Hub> {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? createLogger();
  // Looked up per call: reading globalThis.fetch loads Node's HTTP client (undici), which start-up does not need.
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const operationTimeoutMs = options.operationTimeoutMs ?? OPERATION_TIMEOUT_MS;
  const runHeartbeatMs = options.runHeartbeatMs ?? RUN_HEARTBEAT_MS;
  const db = await openStore({ file: path.join(options.dataDir, DATABASE_FILE), databaseUrl: options.databaseUrl });
  let relay: FeedRelay | undefined;
  try {
    await migrateToLatest(db);
    const { key, others } = loadOrCreateKey(options.dataDir, options.secretKey);
    const box = createSecretBox(key, others);
    const { auth, created } = await initAdminAuth(db, options.adminToken);

    // Connectors and flows, built-in or third-party, through one door: the registry over these folders.
    const plugins = await loadPlugins({
      db,
      logger,
      conditions: PLUGIN_CONDITIONS,
      dirs: pluginDirs({
        hubRoot: HUB_ROOT,
        workspaceFlows: options.workspaceFlows ?? WORKSPACE_FLOWS_DIR,
        pluginDir: options.pluginDir,
      }),
      // The workspace's own packages: their tests turn their forms into JSON Schema, not every start.
      checkForms: formsCheckedOutside(WORKSPACE_PACKAGES_DIR),
      hubKinds: options.kinds ?? PIPELINE_KINDS,
      extraConnectors: options.extraConnectors,
      extraFlows: options.extraFlows,
    });
    const registry = createRegistry(plugins.connectors);
    const known = () => registry.list().map((c) => c.definition.id);
    const unknownToHub = <T>(fn: () => T): T => {
      try {
        return fn();
      } catch (error) {
        if (isRegistryError(error) && error.code === 'unknown_connector') {
          throw new HubError('unknown_connector', error.message, { known: known() });
        }
        throw error;
      }
    };
    const connectors = {
      require: (id: string): ConnectorDefinition => unknownToHub(() => registry.require(id).definition),
    };
    const catalog = {
      list: () => registry.list().map((c) => ({ id: c.definition.id })),
      describe: (id: string) => unknownToHub(() => registry.describe(id)),
      errors: () => plugins.connectorProblems.map((e) => ({ packageName: e.packageName, message: e.message })),
    };

    const limiter = createRateLimiter({
      store: createSqliteLimiterStore(db, now),
      now,
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
    // Budgets the vendor counts and reports (e.g. an org-wide daily budget shared with other integrations).
    const reported = createReportedUsage({ db, now, sleep: options.sleep });
    const metrics = createMetrics(db, now);
    const accountOf = (connector: ConnectorDefinition, settings: unknown) =>
      `${connector.id}:${connector.rateLimit.key(settings)}`;
    const contextFor = (
      connectionId: string,
      connector: ConnectorDefinition,
      settings: unknown,
      longRunning?: AbortSignal,
    ): ConnectorContext => {
      // Interactive operations get a deadline; background delivery runs until the hub stops.
      const signal = longRunning ?? AbortSignal.timeout(operationTimeoutMs);
      // Budgets are per vendor account (connector id + the policy's key), shared by every connection to it.
      const account = accountOf(connector, settings);
      return {
        fetch: metrics.countingFetch(connector.id, fetchImpl),
        now,
        signal,
        log: logger.forConnector({ connectionId, connector: connector.id }),
        acquire: async (bucket) => {
          const name = bucket in connector.rateLimit.buckets ? bucket : connector.rateLimit.defaultBucket;
          const windows = connector.rateLimit.buckets[name] ?? [];
          // The vendor's own count first: a call it would stop must not take a slot of our windows.
          await reported.acquire(connector, settings, `${account}:${name}`, signal);
          await limiter.acquire(`${account}:${name}`, windows, { signal });
        },
        reportUsage: async (report) => {
          const bucket = reported.bucketOf(connector, report);
          if (!(await reported.report(`${account}:${bucket}`, report))) {
            logger.warn('Ignored a malformed usage report', { connector: connector.id, report });
          }
        },
      };
    };

    const connections = createConnectionStore({
      db,
      box,
      connectors,
      now,
      onSecret: (v) => logger.addSecret(v),
      // What the plugins' services keep of a connection (called only once the runtime below exists).
      usesElsewhere: (id) => pluginRuntime.connectionUses(id),
    });
    const audit = createAudit(db, now);
    const destinations = createDestinations(db, {
      now,
      connectorOf: async (id) =>
        (await db.selectFrom('connections').select('connector_id').where('id', '=', id).executeTakeFirst())
          ?.connector_id,
      offers: () => plugins.destinations,
    });
    const feed = createFeed();
    const sources = createSources(db, {
      now,
      destinationExists: (id) => destinations.exists(id),
      shared: isPostgres(db),
      onChange: () => feed.publish({ kind: 'sources' }),
    });
    const outbox = createOutbox(db, now);
    const refusals = createRefusals({ db, now, logger });
    await refusals.ready;
    // Several processes on one PostgreSQL: runs and the live feed name this one, and the feed reaches the others.
    const processId = newProcessId();
    if (options.databaseUrl && isPostgres(db)) {
      relay = await startFeedRelay({ url: options.databaseUrl, db, feed, logger, origin: processId });
    }
    // Write keys rotated or removed in another process stop working here too ('resync': the feed was down).
    feed.subscribe((change) => {
      const kind = (change as { kind?: unknown } | null)?.kind;
      if (kind === 'sources' || kind === 'resync') sources.forget();
    });
    // Several hubs on one PostgreSQL share out delivery (a lease per destination), alerts (one lease) and
    // flow plugins' background work (a lease per plugin).
    const leases = isPostgres(db) ? createLeaseManager(db, { owner: processId, ttlMs: options.leaseTtlMs }) : undefined;
    if (leases && options.leaseRenewMs !== undefined && options.leaseRenewMs >= leases.ttlMs) {
      throw new Error(
        `The lease renew interval (${options.leaseRenewMs} ms) must be shorter than the lease time (${leases.ttlMs} ms)`,
      );
    }
    const engine = createDeliveryEngine({
      leases,
      renewMs: options.leaseRenewMs,
      db,
      destinations,
      connections,
      contextFor,
      logger,
      now,
      onChange: (summary) => feed.publish({ kind: 'delivery', ...summary }),
    });
    const connectionOf = async (id: string, signal?: AbortSignal): Promise<ResolvedConnection> => {
      const { connector, connection, settings, secrets } = await connections.resolve(id);
      return {
        id,
        name: connection.name,
        connector,
        settings,
        secrets,
        ctx: contextFor(id, connector, settings, signal),
      };
    };
    const connectorOf = async (id: string) =>
      (await db.selectFrom('connections').select('connector_id').where('id', '=', id).executeTakeFirst())?.connector_id;
    const { kinds } = plugins;
    const pluginRuntime = createPluginRuntime({
      db,
      plugins,
      host: { db, connections, connectionOf, customers: createCustomerStore(db), logger, now },
      feed,
      sources,
      audit,
      logger,
      now,
      operationTimeoutMs,
      publicUrl: options.publicUrl,
      // Services' background work runs in one process at a time (a lease per plugin) on PostgreSQL.
      leases,
      leaseRenewMs: options.leaseRenewMs,
    });
    const { hostOf, stateOf } = pluginRuntime;
    const pipelines = createPipelineStore({
      db,
      kinds,
      now,
      connectorOf,
      connectionOf: (id) => connectionOf(id),
      hostOf,
      operationTimeoutMs,
    });
    const runner = createRunner({
      db,
      kinds,
      logger,
      now,
      connectionOf,
      hostOf,
      stateOf,
      operationTimeoutMs,
      processId,
      heartbeatMs: runHeartbeatMs,
      onChange: (change) => feed.publish({ kind: 'run', ...change }),
    });
    // A dead process's run is noticed on a tick: tick at least as often as runs beat.
    const scheduler = createScheduler({ db, runner, logger, now, tickMs: Math.min(5000, runHeartbeatMs) });
    const preview = createPreviewer({ pipelines, logger, now, connectionOf, hostOf, stateOf });

    const limits = async () => {
      const out: unknown[] = [];
      // Connections to the same vendor account share one budget: one entry per account, naming them all.
      const accounts = new Map<string, { connector: ConnectorDefinition; names: string[] }>();
      const settingsOf = new Map<string, unknown>();
      for (const connection of await connections.list()) {
        const connector = registry.get(connection.connectorId)?.definition;
        if (!connector) continue;
        const account = accountOf(connector, connection.settings);
        if (!settingsOf.has(account)) settingsOf.set(account, connection.settings);
        getOrCreate(accounts, account, () => ({ connector, names: [] })).names.push(connection.name);
      }
      for (const [account, { connector, names }] of accounts) {
        for (const [bucket, windows] of Object.entries(connector.rateLimit.buckets)) {
          out.push({
            account,
            connector: connector.id,
            connections: names,
            bucket,
            usage: await limiter.usage(`${account}:${bucket}`, windows),
            // What the vendor last reported of this budget (spent by everyone on the account), if it reports it.
            reported: await reported.status(connector, settingsOf.get(account), `${account}:${bucket}`),
          });
        }
      }
      return out;
    };
    const alerts = leased(
      createAlerts({ db, box, logger, now, fetch: fetchImpl, limits, feed, options: options.alerts }),
      leases,
      options.leaseRenewMs,
      logger,
    );
    const backlog = createBacklog({
      db,
      destinations,
      connections,
      connectorOf: (id) => registry.get(id)?.definition,
      usageOf: (connector, settings, bucket) =>
        limiter.usage(`${accountOf(connector, settings)}:${bucket}`, connector.rateLimit.buckets[bucket] ?? []),
      callsOf: (id) => engine.callsOf(id),
      now,
    });
    const app = createApp({
      db,
      auth,
      connections,
      catalog,
      audit,
      logger,
      contextFor,
      sources,
      destinations,
      outbox,
      refusals,
      feed,
      limits,
      backlog,
      pipelines,
      runner,
      preview,
      kinds,
      metrics,
      alerts,
      plugins,
      pluginRuntime,
      operationTimeoutMs,
      now,
      staticDir: options.staticDir ?? DEFAULT_STATIC_DIR,
      startedAt: now(),
    });
    // Services start once the app is wired (their routes are looked up per request), after the hub's own.
    await pluginRuntime.start(hubMounts(app));
    // Not "ready" yet: that is said once a socket is bound (startHub), which can still fail (EADDRINUSE).
    logger.info('Hub loaded', {
      dataDir: options.dataDir,
      ...(options.databaseUrl ? { database: redactUrl(options.databaseUrl) } : {}),
      connectors: known(),
      flows: plugins.flows.map((f) => f.definition.id),
    });
    return {
      app,
      db,
      logger,
      limiter,
      engine,
      connections,
      sources,
      destinations,
      createdToken: created,
      pipelines,
      runner,
      scheduler,
      alerts,
      feed,
      leases,
      plugins,
      pluginRuntime,
      close: async () => {
        await pluginRuntime.stop();
        await alerts.stop();
        await scheduler.stop();
        await engine.stop();
        await refusals.stop();
        await relay?.stop();
        await db.destroy();
      },
    };
  } catch (error) {
    await relay?.stop();
    await db.destroy();
    throw error;
  }
}

/**
 * Alerts on a shared PostgreSQL: each process would evaluate every rule and send each notification, so the
 * loop (evaluation, resending what a stop left pending) runs only in the process holding lease `alerts`.
 * The API (rules, history, a test alert) answers on every process.
 */
function leased(
  alerts: Alerts,
  leases: LeaseManager | undefined,
  renewMs: number | undefined,
  logger: HubLogger,
): Alerts {
  if (!leases) return alerts;
  const task = createLeasedTask({
    leases,
    name: 'alerts',
    renewMs,
    logger,
    start: () => alerts.start(),
    stop: () => alerts.stop(),
  });
  return {
    ...alerts,
    start: () => task.start(),
    // Notifications an API call started (a rule's test, an evaluation asked for) settle in any process.
    stop: async () => {
      await task.stop();
      await alerts.stop();
    },
  };
}
