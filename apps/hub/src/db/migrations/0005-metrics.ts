import type { Kysely, Migration } from 'kysely';

export const metrics: Migration = {
  async up(db: Kysely<unknown>) {
    // Vendor calls per minute, connector and status class: the overview's "calls over time".
    await db.schema
      .createTable('vendor_calls')
      .addColumn('minute', 'integer', (c) => c.notNull())
      .addColumn('connector', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('vendor_calls_pk', ['minute', 'connector', 'status'])
      .execute();
    await db.schema.createIndex('events_received').on('events').column('received_at').execute();
  },
};
