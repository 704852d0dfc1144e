import { type Kysely, type Migration, sql } from 'kysely';
import { isPostgres } from '../postgres/connect.js';

/**
 * PostgreSQL: the events still to deliver (received or retrying) in a partial index, so claiming the due
 * events of a destination reads only the queue, however many delivered rows the table keeps
 * (db/postgres/outbox.test.ts pins the plan). SQLite keeps `events_due` (0002) and gets nothing new: its
 * ingest path pays for every index on each insert.
 */
export const postgresDueEvents: Migration = {
  async up(db: Kysely<unknown>) {
    if (!isPostgres(db)) return;
    await sql`CREATE INDEX IF NOT EXISTS events_queued ON events (source_id, next_attempt_at, id)
      WHERE state IN ('received', 'retrying')`.execute(db);
  },
};
