import type { Kysely, Migration } from 'kysely';

/**
 * Requests ingest refused, counted per source (`''`: a write key that names no source), error code and
 * reason. Counted in memory on the refusal path and written here every few seconds (ingest/refusals.ts):
 * an accepted request costs nothing more, and a burst of refusals one transaction.
 */
export const ingestRefusals: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('ingest_refusals')
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('first_at', 'integer', (c) => c.notNull())
      .addColumn('last_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('ingest_refusals_pk', ['source_id', 'code', 'reason'])
      .execute();
  },
};
