import type { KeyValueState } from '@synchub/core';
import { sql } from 'kysely';
import type { Db } from '../db/index.js';

/** The state scope of a pipeline (RunContext.state) and of a plugin's service (ServiceHost.state). */
export const pipelineScope = (pipelineId: string) => `pipeline:${pipelineId}`;
export const pluginScope = (pluginId: string) => `plugin:${pluginId}`;

const toJson = (key: string, value: unknown): string => {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`State value of "${key}" cannot be stored as JSON`);
  return text;
};

/** Key/value state of one scope in the `plugin_state` table; values round-trip through JSON. */
export function createKeyValueState(db: Db, scope: string, now: () => number): KeyValueState {
  return {
    async get<T>(key: string) {
      const row = await db
        .selectFrom('plugin_state')
        .select('value_json')
        .where('scope', '=', scope)
        .where('key', '=', key)
        .executeTakeFirst();
      return row === undefined ? undefined : (JSON.parse(row.value_json) as T);
    },
    async set(key, value) {
      if (value === undefined) return this.delete(key);
      const value_json = toJson(key, value);
      await db
        .insertInto('plugin_state')
        .values({ scope, key, value_json, updated_at: now() })
        .onConflict((oc) => oc.columns(['scope', 'key']).doUpdateSet({ value_json, updated_at: now() }))
        .execute();
    },
    async delete(key) {
      await db.deleteFrom('plugin_state').where('scope', '=', scope).where('key', '=', key).execute();
    },
    async list(prefix = '') {
      let query = db.selectFrom('plugin_state').select(['key', 'value_json']).where('scope', '=', scope);
      // substr counts characters on SQLite and PostgreSQL alike (a range on the key would not, past U+FFFF).
      if (prefix !== '') query = query.where(sql<string>`substr(key, 1, ${prefix.length})`, '=', prefix);
      const rows = await query.orderBy('key').execute();
      return rows.map((r) => ({ key: r.key, value: JSON.parse(r.value_json) as unknown }));
    },
  };
}

/**
 * What a preview's `run.state` is: reads see the saved state and the preview's own writes, writes stay in
 * memory and are dropped with the preview.
 */
export function createOverlayState(base: KeyValueState): KeyValueState {
  // undefined: deleted in the overlay.
  const changed = new Map<string, string | undefined>();
  return {
    async get<T>(key: string) {
      if (changed.has(key)) {
        const text = changed.get(key);
        return text === undefined ? undefined : (JSON.parse(text) as T);
      }
      return base.get<T>(key);
    },
    async set(key, value) {
      changed.set(key, value === undefined ? undefined : toJson(key, value));
    },
    async delete(key) {
      changed.set(key, undefined);
    },
    async list(prefix = '') {
      const merged = new Map<string, unknown>();
      for (const { key, value } of await base.list(prefix)) merged.set(key, value);
      for (const [key, text] of changed) {
        if (!key.startsWith(prefix)) continue;
        if (text === undefined) merged.delete(key);
        else merged.set(key, JSON.parse(text));
      }
      return [...merged.keys()].sort().map((key) => ({ key, value: merged.get(key) }));
    },
  };
}

/** A state that holds nothing (a preview of a pipeline not saved yet reads from this). */
export const EMPTY_STATE: KeyValueState = {
  get: async () => undefined,
  set: async () => {},
  delete: async () => {},
  list: async () => [],
};
