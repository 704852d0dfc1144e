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
    async remove(id: string): Promise<void> {
      const used = await db
        .selectFrom('destinations')
        .select('name')
        .where('connection_id', '=', id)
        .executeTakeFirst();
      if (used)
        throw new HubError('conflict', `Connection is used by destination "${used.name}"; delete or change it first`);
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
