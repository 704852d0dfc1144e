import type { Kysely, Migration } from 'kysely';

/**
 * Leases for several hubs on one database (issue 16, db/postgres/leases.ts): a named piece of work
 * (`delivery:<destinationId>`, `alerts`) is done by the process that holds its row, until `expires_at`
 * (milliseconds on the database's clock). `epoch` grows on every takeover, so a write fenced by
 * (owner, epoch) from an earlier holder is refused. Created on SQLite too, where one process holds
 * everything and nothing reads it: both stores keep one schema (one `Database` type, one list of tables).
 */
export const leases: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('epoch', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'integer', (c) => c.notNull())
      .execute();
  },
};
