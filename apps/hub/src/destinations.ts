import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from './db/index.js';
import type { DestinationsTable } from './db/schema.js';
import { gainsightDestinationSchema } from './destinations/gainsight/settings.js';
import { HubError, invalidInput, zodIssues } from './errors.js';

/** Destination kinds and the connector each one writes through. */
export const DESTINATION_KINDS = {
  gainsight: { connectorId: 'gainsight', settings: gainsightDestinationSchema },
} as const;
export type DestinationKind = keyof typeof DESTINATION_KINDS;

export interface DestinationView {
  id: string;
  name: string;
  kind: DestinationKind;
  connectionId: string;
  settings: Record<string, unknown>;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

const view = (r: DestinationsTable): DestinationView => ({
  id: r.id,
  name: r.name,
  kind: r.kind as DestinationKind,
  connectionId: r.connection_id,
  settings: JSON.parse(r.settings_json),
  enabled: r.enabled === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const destinationKindSchema = z.enum(Object.keys(DESTINATION_KINDS) as [DestinationKind, ...DestinationKind[]]);

export function createDestinations(
  db: Db,
  deps: { now?: () => number; connectorOf: (connectionId: string) => Promise<string | undefined> },
) {
  const now = deps.now ?? Date.now;
  const iso = () => new Date(now()).toISOString();
  const row = async (id: string) => {
    const r = await db.selectFrom('destinations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new HubError('not_found', `No destination with id ${id}`);
    return r;
  };
  const validate = async (kind: DestinationKind, connectionId: string, settings: unknown) => {
    const spec = DESTINATION_KINDS[kind];
    const parsed = spec.settings.safeParse(settings);
    const issues = parsed.success ? [] : zodIssues(parsed.error, 'settings');
    const connector = await deps.connectorOf(connectionId);
    if (connector === undefined) issues.push({ path: 'connectionId', message: 'unknown connection' });
    else if (connector !== spec.connectorId) {
      issues.push({
        path: 'connectionId',
        message: `a ${kind} destination needs a ${spec.connectorId} connection, not ${connector}`,
      });
    }
    if (issues.length > 0 || !parsed.success) throw invalidInput(issues);
    return parsed.data;
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
      kind: DestinationKind;
      connectionId: string;
      settings: unknown;
      enabled?: boolean | undefined;
    }) {
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
      const settings = await validate(
        r.kind as DestinationKind,
        connectionId,
        patch.settings ?? JSON.parse(r.settings_json),
      );
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
