import type { Kysely, Migration } from 'kysely';

/**
 * Alerts: rules (condition + channels, the SMTP password sealed like connection secrets), the state of each
 * condition that is over its line (pending or firing, one row per rule and subject), and the history of
 * every notification with what each channel answered.
 */
export const alerts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('alert_rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('condition_json', 'text', (c) => c.notNull())
      // Channel settings without secrets; the secrets (SMTP password) are in secrets_enc.
      .addColumn('channels_json', 'text', (c) => c.notNull())
      .addColumn('secrets_enc', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // A row exists only while its condition holds: pending (waiting out "for Y minutes") or firing.
    await db.schema
      .createTable('alert_states')
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('pending_since', 'integer', (c) => c.notNull())
      .addColumn('firing_since', 'integer')
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('details_json', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('alert_states_pk', ['rule_id', 'subject'])
      .execute();
    await db.schema
      .createTable('alert_history')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('rule_id', 'text', (c) => c.notNull())
      // Kept as it was when sent: the history outlives a renamed or deleted rule.
      .addColumn('rule_name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('subject', 'text')
      .addColumn('label', 'text')
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('message_json', 'text', (c) => c.notNull())
      // pending until every channel was tried; then sent, partial, failed or none (no channel).
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('deliveries_json', 'text', (c) => c.notNull())
      .addColumn('at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('alert_history_rule').on('alert_history').columns(['rule_id', 'id']).execute();
    await db.schema.createIndex('alert_history_status').on('alert_history').column('status').execute();
  },
};
