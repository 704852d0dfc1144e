import type { FlowMigration } from '@synchub/core';
import type { Kysely } from 'kysely';

/**
 * The plugin's tables, run by the hub after its own migrations (recorded as `gainsight-pulls:<name>`).
 * Hubs from before the plugin created `pull_common` in their own migration 0004: `ifNotExists` keeps it
 * and its rows. Never edit a released migration: add a new one.
 */
const common: FlowMigration = {
  async up(handle: unknown) {
    const db = handle as Kysely<unknown>;
    // Per Gainsight connection: which connection is the primary CRM and its Account field holding GSIDs.
    await db.schema
      .createTable('pull_common')
      .ifNotExists()
      .addColumn('connection_id', 'text', (c) => c.primaryKey())
      .addColumn('primary_connection_id', 'text')
      .addColumn('gsid_field', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};

const COMPANY_COLUMNS = ['connection_id', 'gsid', 'account_id', 'name', 'matched_by', 'fields_json', 'synced_at'];

/**
 * Hubs from before kept the Gainsight companies in the customer store's `gainsight_companies`; the store
 * now names the table neutrally, `cs_companies` (the hub creates it). Move the rows over (rows already
 * there win) and drop the old table.
 */
const neutralCompanies: FlowMigration = {
  async up(handle: unknown) {
    const db = handle as Kysely<Record<string, Record<string, unknown>>>;
    const tables = new Set((await db.introspection.getTables()).map((t) => t.name));
    if (!tables.has('gainsight_companies')) return;
    if (!tables.has('cs_companies')) {
      await db.schema.alterTable('gainsight_companies').renameTo('cs_companies').execute();
      return;
    }
    await db
      .insertInto('cs_companies')
      .columns(COMPANY_COLUMNS)
      // SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT (else it reads ON as a join's). A literal
      // through the builder, not the `sql` tag: the plugin's JavaScript then imports nothing of Kysely.
      .expression((eb) => eb.selectFrom('gainsight_companies').select(COMPANY_COLUMNS).where(eb.lit(true)))
      .onConflict((oc) => oc.doNothing())
      .execute();
    await db.schema.dropTable('gainsight_companies').execute();
  },
};

export const migrations: Record<string, FlowMigration> = {
  '0001_common': common,
  '0002_neutral_companies': neutralCompanies,
};
