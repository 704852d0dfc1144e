import { randomUUID } from 'node:crypto';
import type { ConnectorDefinition } from '@synchub/core';
import type { z } from 'zod';
import type { SecretBox } from './crypto.js';
import type { Db } from './db/index.js';
import type { ConnectionsTable } from './db/schema.js';
import { HubError, type Issue, invalidInput, zodIssues } from './errors.js';

export const MASK = '••••••';

export type LastCheck =
  | { ok: true; at: string; summary: string; details: Record<string, unknown> }
  | { ok: false; at: string; error: { code: string; message: string; vendorCode?: string | undefined } };

/** A connection as the API shows it: settings in clear, secrets masked. */
export interface ConnectionView {
  id: string;
  connectorId: string;
  name: string;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
  lastCheck: LastCheck | null;
  createdAt: string;
  updatedAt: string;
}

export interface ConnectionInput {
  connectorId: string;
  name: string;
  settings: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

export interface ConnectionPatch {
  name?: string | undefined;
  /** Merged into the stored settings; a key set to null is removed. */
  settings?: Record<string, unknown> | undefined;
  /** Keys given replace stored ones; keys absent (or empty strings, as forms send) keep their stored value. */
  secrets?: Record<string, unknown> | undefined;
}

/** Something that would break if the connection went away, and through which setting it uses it. */
export interface ConnectionUse {
  /** `pipeline`, `destination`, or what a flow plugin's service names (FlowService.connectionUses). */
  type: string;
  id: string;
  name: string;
  /** The setting that names the connection: `connectionId`, `settings.destinationConnectionId`, … */
  via: string;
  /** How the refusal message names it (a plugin's uses bring their own). */
  label?: string | undefined;
}

/** Settings whose key ends in ConnectionId name another connection (the dashboard's rule too). */
const CONNECTION_REF = /ConnectionId$/;

/** Dotted paths of the settings (nested too) that name connection `id`. */
function refsTo(value: unknown, id: string, path = 'settings', depth = 0): string[] {
  if (!value || typeof value !== 'object' || depth > 6) return [];
  const found: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const here = `${path}.${key}`;
    if (v === id && CONNECTION_REF.test(key)) found.push(here);
    else if (v && typeof v === 'object') found.push(...refsTo(v, id, here, depth + 1));
  }
  return found;
}

export interface ConnectorLookup {
  require(id: string): ConnectorDefinition;
}

function parseWith(
  schema: z.ZodType,
  value: unknown,
  prefix: string,
): { data?: Record<string, unknown>; issues: Issue[] } {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { data: parsed.data as Record<string, unknown>, issues: [] };
  return { issues: zodIssues(parsed.error, prefix) };
}

export function createConnectionStore(deps: {
  db: Db;
  box: SecretBox;
  connectors: ConnectorLookup;
  now?: () => number;
  /** Told every decrypted secret value, so the logger can scrub it from any line. */
  onSecret?: (value: string) => void;
  /** Uses the flow plugins' services know of (their own tables), e.g. a setting naming it as primary CRM. */
  usesElsewhere?: (id: string) => Promise<ConnectionUse[]>;
}) {
  const { db, box, connectors } = deps;
  const remember = (secrets: Record<string, unknown>) => {
    for (const value of Object.values(secrets)) if (typeof value === 'string') deps.onSecret?.(value);
  };
  const now = deps.now ?? Date.now;
  const iso = () => new Date(now()).toISOString();

  const mask = (secrets: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(secrets)
        .filter(([, v]) => v !== undefined && v !== null && v !== '')
        .map(([k]) => [k, MASK]),
    );

  const view = (row: ConnectionsTable): ConnectionView => ({
    id: row.id,
    connectorId: row.connector_id,
    name: row.name,
    settings: JSON.parse(row.settings_json),
    secrets: mask(JSON.parse(box.open(row.secrets_enc))),
    lastCheck: row.last_check_json ? JSON.parse(row.last_check_json) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });

  const row = async (id: string) => {
    const found = await db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
    if (!found) throw new HubError('not_found', `No connection with id ${id}`);
    return found;
  };

  const ensureNameFree = async (name: string, exceptId?: string) => {
    let q = db.selectFrom('connections').select('id').where('name', '=', name);
    if (exceptId) q = q.where('id', '!=', exceptId);
    if (await q.executeTakeFirst()) {
      throw new HubError('conflict', `A connection named "${name}" already exists`, {
        issues: [{ path: 'name', message: 'already in use' }],
      });
    }
  };

  const validate = (connector: ConnectorDefinition, settings: unknown, secrets: unknown) => {
    const s = parseWith(connector.settings, settings, 'settings');
    const x = parseWith(connector.secrets, secrets, 'secrets');
    const issues = [...s.issues, ...x.issues];
    if (issues.length > 0 || !s.data || !x.data) throw invalidInput(issues);
    remember(x.data);
    return { settings: s.data, secrets: x.data };
  };

  return {
    async list(): Promise<ConnectionView[]> {
      const rows = await db.selectFrom('connections').selectAll().orderBy('created_at').orderBy('name').execute();
      return rows.map(view);
    },
    async get(id: string): Promise<ConnectionView> {
      return view(await row(id));
    },
    async create(input: ConnectionInput): Promise<ConnectionView> {
      const connector = connectors.require(input.connectorId);
      const { settings, secrets } = validate(connector, input.settings, input.secrets);
      await ensureNameFree(input.name);
      const at = iso();
      const record: ConnectionsTable = {
        id: randomUUID(),
        connector_id: connector.id,
        name: input.name,
        settings_json: JSON.stringify(settings),
        secrets_enc: box.seal(JSON.stringify(secrets)),
        last_check_json: null,
        created_at: at,
        updated_at: at,
      };
      await db.insertInto('connections').values(record).execute();
      return view(record);
    },
    async update(id: string, patch: ConnectionPatch): Promise<ConnectionView> {
      const current = await row(id);
      const connector = connectors.require(current.connector_id);
      const storedSecrets = JSON.parse(box.open(current.secrets_enc)) as Record<string, unknown>;
      const givenSecrets = Object.fromEntries(
        Object.entries(patch.secrets ?? {}).filter(([, v]) => v !== '' && v !== undefined && v !== MASK),
      );
      // Settings merge key by key (a form that sends only what changed keeps the rest); null removes a key.
      const mergedSettings = Object.fromEntries(
        Object.entries({ ...JSON.parse(current.settings_json), ...patch.settings }).filter(([, v]) => v !== null),
      );
      const { settings, secrets } = validate(connector, mergedSettings, {
        ...storedSecrets,
        ...givenSecrets,
      });
      if (patch.name !== undefined) await ensureNameFree(patch.name, id);
      const updated: ConnectionsTable = {
        ...current,
        name: patch.name ?? current.name,
        settings_json: JSON.stringify(settings),
        secrets_enc: box.seal(JSON.stringify(secrets)),
        // A changed configuration has not been validated yet.
        last_check_json: null,
        updated_at: iso(),
      };
      await db.updateTable('connections').set(updated).where('id', '=', id).execute();
      return view(updated);
    },
    /**
     * Everything that uses the connection: pipelines (their own connection, or a setting naming it such
     * as a sync's destinationConnectionId or a bridge leg's targetConnectionId), destinations, and what
     * the flow plugins' services report (`usesElsewhere`).
     */
    async usage(id: string): Promise<ConnectionUse[]> {
      await row(id);
      const uses: ConnectionUse[] = [];
      for (const p of await db
        .selectFrom('pipelines')
        .select(['id', 'name', 'connection_id', 'settings_json'])
        .orderBy('name')
        .execute()) {
        const via = [...(p.connection_id === id ? ['connectionId'] : []), ...refsTo(JSON.parse(p.settings_json), id)];
        if (via.length > 0) uses.push({ type: 'pipeline', id: p.id, name: p.name, via: via.join(', ') });
      }
      for (const d of await db
        .selectFrom('destinations')
        .select(['id', 'name', 'connection_id', 'settings_json'])
        .orderBy('name')
        .execute()) {
        const via = [...(d.connection_id === id ? ['connectionId'] : []), ...refsTo(JSON.parse(d.settings_json), id)];
        if (via.length > 0) uses.push({ type: 'destination', id: d.id, name: d.name, via: via.join(', ') });
      }
      uses.push(...((await deps.usesElsewhere?.(id)) ?? []));
      return uses;
    },
    /** Refused (409, listing them) while anything uses the connection: it would fail or run on nothing. */
    async remove(id: string): Promise<void> {
      const current = await row(id);
      const usedBy = await this.usage(id);
      if (usedBy.length > 0) {
        const LABEL: Record<string, string> = {
          pipeline: 'pipeline',
          destination: 'destination',
        };
        const list = usedBy.map((u) => `${u.label ?? LABEL[u.type] ?? u.type} “${u.name}”`).join(', ');
        throw new HubError(
          'conflict',
          `Connection “${current.name}” is in use by ${list}: move ${usedBy.length === 1 ? 'it' : 'them'} to another connection or delete ${usedBy.length === 1 ? 'it' : 'them'} first`,
          { usedBy },
        );
      }
      // Settings a plugin keeps per connection (its own tables) stay behind; plugins ignore unknown ids.
      const result = await db.deleteFrom('connections').where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new HubError('not_found', `No connection with id ${id}`);
    },
    /** Settings and decrypted secrets, for calling the connector. Never leaves the process. */
    async resolve(id: string) {
      const current = await row(id);
      const connector = connectors.require(current.connector_id);
      const secrets = JSON.parse(box.open(current.secrets_enc)) as Record<string, unknown>;
      remember(secrets);
      return {
        connector,
        connection: view(current),
        settings: JSON.parse(current.settings_json) as unknown,
        secrets: secrets as unknown,
      };
    },
    async recordCheck(id: string, last: LastCheck): Promise<LastCheck> {
      await db
        .updateTable('connections')
        .set({ last_check_json: JSON.stringify(last) })
        .where('id', '=', id)
        .execute();
      return last;
    },
  };
}

export type ConnectionStore = ReturnType<typeof createConnectionStore>;
