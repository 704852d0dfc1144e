import { type Kysely, type Migration, sql } from 'kysely';

/**
 * One run per scheduled occurrence, and runs that say they are alive (issue 16), on both engines:
 * - `run_key`: `<pipelineId>@<next_run_at claimed>` for a scheduled run, unique, so an occurrence makes one
 *   run row however many processes tick at once (null for manual runs);
 * - `owner`: the process running it; `heartbeat_at`: when that process last said so (the database's clock
 *   on PostgreSQL), so another process can tell a dead owner's run and mark it interrupted;
 * - at most one running run per pipeline, whichever process started it (a partial unique index: a second
 *   "run now" in another process is refused by the database, not by one process's memory).
 */
export const runClaims: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('runs').addColumn('run_key', 'text').execute();
    await db.schema.alterTable('runs').addColumn('owner', 'text').execute();
    await db.schema.alterTable('runs').addColumn('heartbeat_at', 'integer').execute();
    // Runs left running before this migration look alive since they started: the next check finds them stale.
    await sql`UPDATE runs SET heartbeat_at = started_at WHERE status = 'running'`.execute(db);
    // Two running rows of one pipeline cannot happen through the runner; a copied database might have them.
    await sql`UPDATE runs SET status = 'interrupted' WHERE status = 'running'
      AND id NOT IN (SELECT max(id) FROM runs WHERE status = 'running' GROUP BY pipeline_id)`.execute(db);
    await db.schema.createIndex('runs_run_key').on('runs').column('run_key').unique().execute();
    await db.schema
      .createIndex('runs_one_running')
      .on('runs')
      .column('pipeline_id')
      .unique()
      .where(sql.ref('status'), '=', 'running')
      .execute();
  },
};
