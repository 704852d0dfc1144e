import type { FlowMigration } from '@synchub/core';
import type { Kysely } from 'kysely';

/**
 * Workflow triggers (webhook + event rules) and the deliveries each one made. The hub runs these after
 * its own migrations, recorded as `qualtrics:<name>`. Hubs from before the plugin created the same
 * tables in their own migration 0006: `ifNotExists` keeps those tables and their rows as they are.
 * Never edit a released migration: add a new one.
 */
const tables: FlowMigration = {
  async up(handle: unknown) {
    const db = handle as Kysely<unknown>;
    await db.schema
      .createTable('workflow_triggers')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('connection_id', 'text', (c) => c.notNull())
      // Per-trigger overrides of the connection's trigger URL and username (null: the connection's).
      .addColumn('trigger_url', 'text')
      .addColumn('username', 'text')
      // SHA-256 of the webhook secret (shown once) and its last characters.
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('secret_hint', 'text', (c) => c.notNull())
      .addColumn('template_json', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('trigger_rules')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('trigger_id', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text')
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('event_name', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('after_event_id', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('trigger_rules_trigger')
      .ifNotExists()
      .on('trigger_rules')
      .column('trigger_id')
      .execute();
    await db.schema
      .createTable('trigger_deliveries')
      .ifNotExists()
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('trigger_id', 'text', (c) => c.notNull())
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('origin_ref', 'text')
      .addColumn('payload_json', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('event_id', 'text')
      .addColumn('request_id', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error_json', 'text')
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .addColumn('delivered_at', 'integer')
      .execute();
    await db.schema
      .createIndex('trigger_deliveries_due')
      .ifNotExists()
      .on('trigger_deliveries')
      .columns(['state', 'next_attempt_at', 'id'])
      .execute();
    await db.schema
      .createIndex('trigger_deliveries_trigger')
      .ifNotExists()
      .on('trigger_deliveries')
      .columns(['trigger_id', 'id'])
      .execute();
    // One delivery per trigger and hub event: a rule scan repeated after a crash cannot make a second.
    await db.schema
      .createIndex('trigger_deliveries_origin_unique')
      .ifNotExists()
      .on('trigger_deliveries')
      .columns(['trigger_id', 'origin', 'origin_ref'])
      .unique()
      .execute();
  },
};

export const migrations: Record<string, FlowMigration> = {
  '0001_triggers': tables,
};
