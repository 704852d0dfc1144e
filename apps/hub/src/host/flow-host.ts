import type { CustomerStore, FlowHost, Logger, PipelineSummary, ResolvedConnection } from '@synchub/core';
import type { ConnectionStore } from '../connections.js';
import type { Db } from '../db/index.js';
import type { HubLogger } from '../logger.js';

export interface FlowHostDeps {
  db: Db;
  connections: Pick<ConnectionStore, 'list'>;
  connectionOf(id: string, signal?: AbortSignal): Promise<ResolvedConnection>;
  customers: CustomerStore;
  logger: HubLogger;
  now: () => number;
}

/** A HubLogger as the plugin contract's `Logger` function, each line tagged with `fields`. */
export function pluginLogger(logger: HubLogger, fields: Record<string, unknown>): Logger {
  return (level, message, data) => logger[level](message, { ...fields, ...data });
}

export interface FlowHostOptions {
  /** The plugin's own tables (a Kysely handle), for plugins with migrations. */
  database?: unknown;
  /** Tagged on each log line (e.g. `{ plugin: 'pulls' }`). */
  fields?: Record<string, unknown>;
}

/**
 * The host API a flow gets (FlowHost): connections, other pipelines, the customer store, its plugin's
 * own tables, a logger and the clock. Each plugin has its own (its `database`, its log tag); the hub's
 * tables are reached only through these interfaces.
 */
export function createFlowHost(deps: FlowHostDeps, options: FlowHostOptions = {}): FlowHost {
  const { db } = deps;
  return {
    connections: {
      get: (id, signal) => deps.connectionOf(id, signal),
      async list(filter = {}) {
        const all = await deps.connections.list();
        return all
          .filter((c) => filter.connectorId === undefined || c.connectorId === filter.connectorId)
          .map((c) => ({
            id: c.id,
            name: c.name,
            connectorId: c.connectorId,
            settings: c.settings,
            createdAt: c.createdAt,
          }));
      },
    },
    pipelines: {
      async list(filter = {}): Promise<PipelineSummary[]> {
        if (filter.kinds && filter.kinds.length === 0) return [];
        let query = db.selectFrom('pipelines').select((eb) => [
          'pipelines.id',
          'pipelines.name',
          'pipelines.kind',
          'pipelines.connection_id',
          'pipelines.settings_json',
          'pipelines.enabled',
          'pipelines.created_at',
          eb
            .selectFrom('runs')
            .select((r) => r.fn.max('runs.finished_at').as('at'))
            .whereRef('runs.pipeline_id', '=', 'pipelines.id')
            .where('runs.status', '=', 'completed')
            .as('last_completed_at'),
        ]);
        if (filter.kinds) query = query.where('pipelines.kind', 'in', [...filter.kinds]);
        if (filter.connectionId) query = query.where('pipelines.connection_id', '=', filter.connectionId);
        const rows = await query.orderBy('pipelines.created_at').orderBy('pipelines.name').execute();
        return rows.map((r) => ({
          id: r.id,
          name: r.name,
          kind: r.kind,
          connectionId: r.connection_id,
          settings: JSON.parse(r.settings_json) as unknown,
          enabled: r.enabled === 1,
          createdAt: r.created_at,
          lastCompletedAt: r.last_completed_at === null ? null : Number(r.last_completed_at),
        }));
      },
    },
    customers: deps.customers,
    database: options.database,
    log: pluginLogger(deps.logger, options.fields ?? {}),
    now: deps.now,
  };
}

/**
 * The host a preview's kind gets: the same reads, but the customer store's writes do nothing (a preview
 * writes nothing to the hub's stores, whatever the kind forgets to check).
 */
export function dryRunHost(host: FlowHost): FlowHost {
  return { ...host, customers: { ...host.customers, page: async () => {}, write: async () => {} } };
}
