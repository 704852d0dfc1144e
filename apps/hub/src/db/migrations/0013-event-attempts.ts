import type { Kysely, Migration } from 'kysely';

/**
 * Every delivery attempt of an event, not only the last answer: when, what came of it (delivered, to be
 * retried, failed) and the vendor's answer. Written in the delivery engine's own transaction; the newest
 * ATTEMPTS_KEPT per event are kept (delivery/attempts.ts).
 */
export const eventAttempts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('event_attempts')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('event_id', 'integer', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('at', 'integer', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('destination_id', 'text')
      .addColumn('error_json', 'text')
      .execute();
    await db.schema.createIndex('event_attempts_event').on('event_attempts').columns(['event_id', 'id']).execute();
  },
};
