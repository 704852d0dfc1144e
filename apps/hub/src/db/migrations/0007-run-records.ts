import type { Kysely, Migration } from 'kysely';

/** Per-record outcomes of a run (generic syncs): what was written, skipped (why) or failed (the vendor's answer). */
export const runRecords: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('run_records')
      .addColumn('run_id', 'integer', (c) => c.notNull())
      // Order within the run: the order records were handled in.
      .addColumn('seq', 'integer', (c) => c.notNull())
      // The value the record is matched on (the sync's key), or the source record's id; null when it has none.
      .addColumn('record_key', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('error_json', 'text')
      .addPrimaryKeyConstraint('run_records_pk', ['run_id', 'seq'])
      .execute();
    await db.schema.createIndex('run_records_status').on('run_records').columns(['run_id', 'status']).execute();
  },
};
