import type { FetchHandler, FlowHost, FlowService, KeyValueState, ServiceBackground, ServiceHost } from '@synchub/core';
import type { Audit } from '../audit.js';
import type { ConnectionUse } from '../connections.js';
import type { Db } from '../db/index.js';
import { createLeasedTask, type LeaseManager } from '../db/postgres/leases.js';
import { HubError } from '../errors.js';
import type { HubLogger } from '../logger.js';
import type { PipelineKind } from '../pipelines/kind.js';
import { pluginMessage, withDeadline } from './deadline.js';
import { createEventReader } from './events.js';
import { createFlowHost, type FlowHostDeps } from './flow-host.js';
import type { ActiveFlows, LoadedPlugins } from './plugins.js';
import { createKeyValueState, pipelineScope, pluginScope } from './state.js';

/** Segments under `/api` and `/hooks` that are the hub's own, whatever its routes say (see `start`). */
export const HUB_MOUNTS = [
  'accounts',
  'alerts',
  'audit',
  'connections',
  'connectors',
  'destinations',
  'events',
  'kinds',
  'limits',
  'overview',
  'pipelines',
  'plugins',
  'runs',
  'session',
  'sources',
] as const;

/** Where a request came in: `/api/<mount>/*` (admin token checked) or `/hooks/<mount>/*` (not). */
export type MountPlace = 'api' | 'hooks';

export interface PluginRuntimeDeps {
  db: Db;
  plugins: LoadedPlugins;
  host: FlowHostDeps;
  feed: { subscribe(listener: (change: unknown) => void): () => void };
  sources: { list(): Promise<Array<{ id: string; name: string }>> };
  audit: Pick<Audit, 'record'>;
  logger: HubLogger;
  now: () => number;
  /** How long a service may take to start or stop. */
  operationTimeoutMs: number;
  /** The hub's public base URL when configured (else the address it listens on, once known). */
  publicUrl?: string | undefined;
  /**
   * PostgreSQL (several hubs on one database): the leases services' background work runs under, and how
   * often they are renewed; undefined on SQLite, where it runs at once.
   */
  leases?: LeaseManager | undefined;
  leaseRenewMs?: number | undefined;
}

interface Running {
  flows: ActiveFlows;
  service: FlowService;
  /** Stops the service's background work (and, on PostgreSQL, gives up its lease); none without it. */
  background?: { stop(): Promise<void> } | undefined;
}

/** The lease a flow plugin's background work runs under on PostgreSQL (FlowService.background). */
export const serviceLeaseName = (pluginId: string) => `service:${pluginId}`;

const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:8787';

/**
 * The flow plugins at run time: the host API each gets (one per plugin: its tables, its log tag), each
 * pipeline's state, and the services with their routes. A plugin's failure stays the plugin's: a service
 * that cannot start is listed and left out, a handler that throws answers 502 `plugin_failed` with the
 * plugin's message.
 */
export function createPluginRuntime(deps: PluginRuntimeDeps) {
  const { db, plugins, logger, now } = deps;
  const common = createFlowHost(deps.host);
  const hosts = new Map<string, FlowHost>();
  const running = new Map<string, Running>();
  const events = createEventReader(db, deps.feed);
  let listeningUrl: string | undefined;

  const hostOfFlows = (flows: ActiveFlows | undefined): FlowHost => {
    if (!flows) return common;
    const id = flows.definition.id;
    let host = hosts.get(id);
    if (!host) {
      const hasTables = Object.keys(flows.definition.migrations ?? {}).length > 0;
      host = createFlowHost(deps.host, { database: hasTables ? db : undefined, fields: { plugin: id } });
      hosts.set(id, host);
    }
    return host;
  };

  const serviceHost = (flows: ActiveFlows): ServiceHost => ({
    ...hostOfFlows(flows),
    state: createKeyValueState(db, pluginScope(flows.definition.id), now),
    events,
    sources: {
      list: async () => (await deps.sources.list()).map((s) => ({ id: s.id, name: s.name })),
    },
    audit: (action, target, details) => deps.audit.record(action, target, details),
    get publicUrl() {
      return publicUrl();
    },
  });
  const publicUrl = () => (deps.publicUrl ?? listeningUrl ?? DEFAULT_PUBLIC_URL).replace(/\/+$/, '');

  /**
   * A service's background work in one process at a time: at once on SQLite (one process); on PostgreSQL
   * only while this process holds the plugin's lease, started and stopped as the lease comes and goes.
   * Each start and stop has the operation deadline, so a plugin that hangs cannot hold the lease's loop.
   */
  const runBackground = async (flows: ActiveFlows, work: ServiceBackground) => {
    const what = `${flows.packageName}'s background work`;
    const start = () => withDeadline(`${what} start`, deps.operationTimeoutMs, async () => work.start.call(work));
    const stop = () => withDeadline(`${what} stop`, deps.operationTimeoutMs, async () => work.stop.call(work));
    if (!deps.leases) {
      // Stopped when it fails to start (as on PostgreSQL), in case it started part of its work.
      await start().catch(async (error: unknown) => {
        await stop().catch(() => {});
        throw error;
      });
      return { stop };
    }
    const task = createLeasedTask({
      leases: deps.leases,
      name: serviceLeaseName(flows.definition.id),
      renewMs: deps.leaseRenewMs,
      logger,
      start,
      stop,
    });
    // The first try at the lease is awaited: a free lease is this process's once the hub has loaded.
    await task.start();
    return { stop: () => task.stop() };
  };

  const problem = (flows: ActiveFlows, code: string, message: string) => {
    plugins.problems.push({ packageName: flows.packageName, code, message });
    logger.error('Plugin service not started', { package: flows.packageName, reason: message });
  };

  const stopService = async (flows: ActiveFlows, service: FlowService) => {
    const { stop } = service;
    if (!stop) return;
    await withDeadline(`${flows.packageName}'s service stop`, deps.operationTimeoutMs, async () =>
      stop.call(service),
    ).catch((error: unknown) => logger.error('Plugin service did not stop', { package: flows.packageName, error }));
  };

  /** A service's handler, its failures turned into the plugin's 502 (never the hub's generic 500). */
  const guarded = (flows: ActiveFlows, handler: FetchHandler): FetchHandler => {
    const failed = (message: string, error?: unknown, request?: Request) => {
      logger.error('Plugin service failed', {
        package: flows.packageName,
        path: request ? new URL(request.url).pathname : undefined,
        error: error ?? message,
      });
      return new HubError('plugin_failed', message, { plugin: flows.definition.id });
    };
    return async (request) => {
      let response: unknown;
      try {
        response = await handler(request);
      } catch (error) {
        throw failed(pluginMessage(error), error, request);
      }
      if (!(response instanceof Response)) {
        throw failed(
          `${flows.packageName} answered ${request.method} ${new URL(request.url).pathname} with no Response`,
        );
      }
      return response;
    };
  };

  return {
    /** The host API of a kind's plugin (the common one for the host's own kinds and connectors' kinds). */
    hostOf: (kind: PipelineKind): FlowHost => hostOfFlows(plugins.flowsOfKind.get(kind.kind)),
    stateOf: (pipelineId: string): KeyValueState => createKeyValueState(db, pipelineScope(pipelineId), now),
    /** Where others reach the hub (SYNCHUB_PUBLIC_URL, else the address it listens on), and which it is. */
    publicUrl: () => ({ url: publicUrl(), configured: deps.publicUrl !== undefined }),
    /** The address the hub listens on: services' `publicUrl` unless one is configured. */
    setListeningUrl(url: string) {
      listeningUrl = url;
    },
    /**
     * Start every service, in load order. `taken`: path segments the hub's own routes use under `/api`
     * and `/hooks`; a plugin whose mount is one of them (or an earlier plugin's) does not start.
     */
    async start(taken: ReadonlySet<string>): Promise<void> {
      for (const flows of plugins.flows) {
        const { definition } = flows;
        const { service } = definition;
        if (!service) continue;
        const holder = running.get(flows.mount);
        if (taken.has(flows.mount) || holder) {
          const by = holder ? holder.flows.packageName : 'the hub';
          problem(
            flows,
            'mount_refused',
            `${flows.packageName}'s service is not started: /api/${flows.mount} and /hooks/${flows.mount} belong to ${by}`,
          );
          continue;
        }
        try {
          const started = await withDeadline(`${flows.packageName}'s service`, deps.operationTimeoutMs, async () =>
            service.call(definition, serviceHost(flows)),
          );
          if (typeof started !== 'object' || started === null) throw new Error('service() returned no service');
          let background: Running['background'];
          try {
            background = started.background ? await runBackground(flows, started.background) : undefined;
          } catch (error) {
            // As a service whose service() failed: listed, not mounted, and what it started is stopped.
            await stopService(flows, started);
            throw error;
          }
          running.set(flows.mount, { flows, service: started, background });
        } catch (error) {
          problem(flows, 'service_failed', `${flows.packageName}'s service did not start: ${pluginMessage(error)}`);
        }
      }
    },
    /**
     * Stop every service (newest first), its background work first (on PostgreSQL its lease is given up,
     * so another hub takes the work over at once); one that fails or hangs is logged and left behind.
     */
    async stop(): Promise<void> {
      for (const { flows, service, background } of [...running.values()].reverse()) {
        await background
          ?.stop()
          .catch((error: unknown) =>
            logger.error('Plugin background work did not stop', { package: flows.packageName, error }),
          );
        await stopService(flows, service);
      }
      running.clear();
    },
    /** The handler of a running service at `/<place>/<mount>/*`, or undefined. */
    handler(place: MountPlace, mount: string): FetchHandler | undefined {
      const found = running.get(mount);
      const handler = found?.service[place];
      return found && handler ? guarded(found.flows, handler.bind(found.service)) : undefined;
    },
    /** Each running service's own OpenAPI paths (FlowService.openapi); one that throws is logged and left out. */
    openapi(): Array<{
      packageName: string;
      mount: string;
      api?: Record<string, object>;
      hooks?: Record<string, object>;
    }> {
      const out = [];
      for (const { flows, service } of running.values()) {
        if (!service.openapi) continue;
        try {
          out.push({ packageName: flows.packageName, mount: flows.mount, ...service.openapi() });
        } catch (error) {
          logger.error('Plugin service failed to describe its routes', { package: flows.packageName, error });
        }
      }
      return out;
    },
    /** Mount of each running service, by plugin id. */
    mounts(): Map<string, string> {
      return new Map([...running.values()].map((r) => [r.flows.definition.id, r.flows.mount]));
    },
    /** What the services' own state says uses a connection (see FlowService.connectionUses). */
    async connectionUses(connectionId: string): Promise<ConnectionUse[]> {
      const uses: ConnectionUse[] = [];
      for (const { flows, service } of running.values()) {
        if (!service.connectionUses) continue;
        try {
          uses.push(...(await service.connectionUses(connectionId)));
        } catch (error) {
          logger.error('Plugin service failed', { package: flows.packageName, error });
          throw new HubError(
            'plugin_failed',
            `${flows.packageName} could not tell whether it uses the connection: ${pluginMessage(error)}`,
            { plugin: flows.definition.id },
          );
        }
      }
      return uses;
    },
  };
}

export type PluginRuntime = ReturnType<typeof createPluginRuntime>;
