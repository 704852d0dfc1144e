import type { Kysely, Migration } from 'kysely';

/**
 * Key/value state the host API gives flows (`KeyValueState`): one scope per pipeline (`pipeline:<id>`)
 * and one per plugin service (`plugin:<id>`), values as JSON. Portable types, so it moves to PostgreSQL.
 */
export const pluginState: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('plugin_state')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value_json', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('plugin_state_pk', ['scope', 'key'])
      .execute();
  },
};
