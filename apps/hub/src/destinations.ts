import { randomUUID } from 'node:crypto';
import type { EventDestinationDefinition, MessageType } from '@synchub/core';
import { type JsonSchema, toJsonSchema } from '@synchub/registry';
import { z } from 'zod';
import type { Db } from './db/index.js';
import type { DestinationsTable } from './db/schema.js';
import { HubError, type Issue, invalidInput, zodIssues } from './errors.js';

export const DEFAULT_FLUSH_WINDOW_MS = 2000;
export const DEFAULT_MAX_ATTEMPTS = 20;

/**
 * Settings every destination has, whatever its connector: the host merges and retries, so the host
 * owns these. A destination whose own schema declares them (some do, for their API body) keeps its
 * own rules; for the others the host adds them.
 */
export function hostSettingsSchema(defaultFlushWindowMs = DEFAULT_FLUSH_WINDOW_MS) {
  return z.object({
    flushWindowMs: z.number().int().min(100).max(60_000).default(defaultFlushWindowMs).meta({
      title: 'Flush window (ms)',
      description: 'Calls for the same person or company inside one window are merged into one',
    }),
    maxAttempts: z.number().int().min(1).max(50).default(DEFAULT_MAX_ATTEMPTS).meta({
      title: 'Max attempts',
      description: 'Retries for temporary failures before an event is dead-lettered',
    }),
  });
}
const HOST_KEYS = ['flushWindowMs', 'maxAttempts'] as const;
type HostKey = (typeof HOST_KEYS)[number];

export interface HostDestinationSettings {
  flushWindowMs: number;
  maxAttempts: number;
}

/** The host settings of a stored destination (every stored row has them: they are filled on save). */
export function hostSettingsOf(settings: Record<string, unknown>): HostDestinationSettings {
  const int = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isInteger(v) ? v : fallback);
  return {
    flushWindowMs: int(settings.flushWindowMs, DEFAULT_FLUSH_WINDOW_MS),
    maxAttempts: int(settings.maxAttempts, DEFAULT_MAX_ATTEMPTS),
  };
}

/** Host keys the destination's own schema does not declare (all of them when it is not an object). */
function hostOnlyKeys(definition: EventDestinationDefinition): HostKey[] {
  const shape = (definition.settings as { shape?: unknown }).shape;
  const own = typeof shape === 'object' && shape !== null ? Object.keys(shape) : [];
  return HOST_KEYS.filter((k) => !own.includes(k));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The stored settings as the destination's own code sees them: without the keys only the host knows. */
export function ownSettingsOf(definition: EventDestinationDefinition, stored: Record<string, unknown>): unknown {
  const drop = hostOnlyKeys(definition);
  return Object.fromEntries(Object.entries(stored).filter(([k]) => !(drop as string[]).includes(k)));
}

/**
 * One event destination kind on offer: a connector's (its kind is the connector's id) or a flow
 * plugin's (`FlowPluginDefinition.destinations`, its own kind), and the connector its connection is of.
 */
export interface DestinationOffer {
  kind: string;
  connectorId: string;
  definition: EventDestinationDefinition;
}

/** One destination kind as the API describes it. */
export interface DestinationKindInfo {
  kind: string;
  connectorId: string;
  title: string;
  description: string | null;
  messageTypes: MessageType[];
  merge: boolean;
  /** JSON Schema (input side) of the whole settings body: the destination's own plus the host's. */
  settingsSchema: JsonSchema;
}

function describeKind({ kind, connectorId, definition }: DestinationOffer): DestinationKindInfo {
  const schema = toJsonSchema(definition.settings) as JsonSchema & {
    type?: unknown;
    properties?: Record<string, JsonSchema>;
  };
  const missing = hostOnlyKeys(definition);
  if (missing.length > 0 && schema.type === 'object') {
    const host = toJsonSchema(hostSettingsSchema(definition.defaultFlushWindowMs)) as {
      properties: Record<string, JsonSchema>;
    };
    schema.properties = {
      ...schema.properties,
      ...Object.fromEntries(missing.map((k) => [k, host.properties[k] ?? {}])),
    };
  }
  return {
    kind,
    connectorId,
    title: definition.title,
    description: definition.description ?? null,
    messageTypes: [...definition.messageTypes],
    merge: definition.merge,
    settingsSchema: schema,
  };
}

export interface DestinationView {
  id: string;
  name: string;
  /** Its kind: the id of the connector whose event destination it is, or a flow plugin's destination kind. */
  kind: string;
  connectionId: string;
  settings: Record<string, unknown>;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

const view = (r: DestinationsTable): DestinationView => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  connectionId: r.connection_id,
  settings: JSON.parse(r.settings_json),
  enabled: r.enabled === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function createDestinations(
  db: Db,
  deps: {
    now?: () => number;
    connectorOf: (connectionId: string) => Promise<string | undefined>;
    /** The destination kinds on offer (connectors' and flow plugins'). */
    offers: () => readonly DestinationOffer[];
  },
) {
  const now = deps.now ?? Date.now;
  const iso = () => new Date(now()).toISOString();
  const offered = () => [...deps.offers()].sort((a, b) => a.kind.localeCompare(b.kind));
  const kindOf = (kind: string) => {
    const found = offered().find((o) => o.kind === kind);
    if (found) return found;
    const known = offered().map((o) => o.kind);
    throw new HubError(
      'invalid_input',
      `kind: unknown destination kind "${kind}"; known kinds: ${known.join(', ') || 'none'}`,
      { issues: [{ path: 'kind', message: `unknown destination kind; known kinds: ${known.join(', ')}` }], known },
    );
  };
  const row = async (id: string) => {
    const r = await db.selectFrom('destinations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new HubError('not_found', `No destination with id ${id}`);
    return r;
  };
  const validate = async (kind: string, connectionId: string, settings: unknown) => {
    const { definition, connectorId } = kindOf(kind);
    const hostKeys = hostOnlyKeys(definition);
    const input = isRecord(settings) ? settings : {};
    const own = definition.settings.safeParse(
      isRecord(settings)
        ? Object.fromEntries(Object.entries(settings).filter(([k]) => !(hostKeys as string[]).includes(k)))
        : settings,
    );
    const host = hostSettingsSchema(definition.defaultFlushWindowMs)
      .pick(Object.fromEntries(hostKeys.map((k) => [k, true])) as Record<HostKey, true>)
      .safeParse(Object.fromEntries(hostKeys.filter((k) => k in input).map((k) => [k, input[k]])));
    const issues: Issue[] = [
      ...(own.success ? [] : zodIssues(own.error, 'settings')),
      ...(host.success ? [] : zodIssues(host.error, 'settings')),
    ];
    const connector = await deps.connectorOf(connectionId);
    if (connector === undefined) issues.push({ path: 'connectionId', message: 'unknown connection' });
    else if (connector !== connectorId) {
      issues.push({
        path: 'connectionId',
        message: `a ${kind} destination needs a ${connectorId} connection, not ${connector}`,
      });
    }
    if (issues.length > 0 || !own.success || !host.success) throw invalidInput(issues);
    return { ...(isRecord(own.data) ? own.data : {}), ...host.data };
  };
  const checkName = async (name: string, except?: string) => {
    let q = db.selectFrom('destinations').select('id').where('name', '=', name);
    if (except) q = q.where('id', '!=', except);
    if (await q.executeTakeFirst()) {
      throw new HubError('conflict', `A destination named "${name}" already exists`, {
        issues: [{ path: 'name', message: 'already in use' }],
      });
    }
  };

  return {
    /** The destination kinds on offer, by kind. */
    kinds(): DestinationKindInfo[] {
      return offered().map(describeKind);
    },
    /** The offer behind a kind, or undefined when nothing loaded offers it (any more). */
    offerOf(kind: string): DestinationOffer | undefined {
      return deps.offers().find((o) => o.kind === kind);
    },
    async list() {
      return (await db.selectFrom('destinations').selectAll().orderBy('created_at').execute()).map(view);
    },
    async get(id: string) {
      return view(await row(id));
    },
    async exists(id: string) {
      return (await db.selectFrom('destinations').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
    },
    async create(input: {
      name: string;
      kind: string;
      connectionId: string;
      settings: unknown;
      enabled?: boolean | undefined;
    }) {
      kindOf(input.kind);
      await checkName(input.name);
      const settings = await validate(input.kind, input.connectionId, input.settings);
      const r: DestinationsTable = {
        id: randomUUID(),
        name: input.name,
        kind: input.kind,
        connection_id: input.connectionId,
        settings_json: JSON.stringify(settings),
        enabled: input.enabled === false ? 0 : 1,
        created_at: iso(),
        updated_at: iso(),
      };
      await db.insertInto('destinations').values(r).execute();
      return view(r);
    },
    async update(
      id: string,
      patch: {
        name?: string | undefined;
        connectionId?: string | undefined;
        settings?: unknown;
        enabled?: boolean | undefined;
      },
    ) {
      const r = await row(id);
      if (patch.name !== undefined) await checkName(patch.name, id);
      const connectionId = patch.connectionId ?? r.connection_id;
      const settings = await validate(r.kind, connectionId, patch.settings ?? JSON.parse(r.settings_json));
      const next: DestinationsTable = {
        ...r,
        name: patch.name ?? r.name,
        connection_id: connectionId,
        settings_json: JSON.stringify(settings),
        enabled: patch.enabled === undefined ? r.enabled : patch.enabled ? 1 : 0,
        updated_at: iso(),
      };
      await db.updateTable('destinations').set(next).where('id', '=', id).execute();
      return view(next);
    },
    async remove(id: string) {
      const used = await db.selectFrom('sources').select('name').where('destination_id', '=', id).executeTakeFirst();
      if (used) throw new HubError('conflict', `Destination is used by source "${used.name}"; detach it first`);
      const result = await db.deleteFrom('destinations').where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new HubError('not_found', `No destination with id ${id}`);
    },
  };
}

export type Destinations = ReturnType<typeof createDestinations>;
