import type { Kysely, Migration } from 'kysely';

export const pipelines: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('pipelines')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('connection_id', 'text', (c) => c.notNull())
      .addColumn('settings_json', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('schedule', 'text', (c) => c.notNull())
      .addColumn('cursor', 'text')
      .addColumn('next_run_at', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('pipelines_name_unique').on('pipelines').column('name').unique().execute();
    // One row per execution: the run history, the cursor it started from and reached, and what went wrong.
    await db.schema
      .createTable('runs')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('pipeline_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('started_at', 'integer', (c) => c.notNull())
      .addColumn('finished_at', 'integer')
      .addColumn('counts_json', 'text', (c) => c.notNull())
      .addColumn('details_json', 'text')
      .addColumn('cursor_before', 'text')
      .addColumn('cursor_after', 'text')
      .addColumn('error_json', 'text')
      .execute();
    await db.schema.createIndex('runs_pipeline').on('runs').columns(['pipeline_id', 'id']).execute();
    await db.schema.createIndex('runs_status').on('runs').column('status').execute();
  },
};
