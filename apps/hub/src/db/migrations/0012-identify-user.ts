import { type Kysely, type Migration, sql } from 'kysely';
import { isPostgres } from '../postgres/connect.js';

/**
 * The identify calls of a user, by source: the delivery engine looks up the email a source last gave for
 * a userId (a group call that carries only its userId). Partial, so only identify rows pay for it at
 * ingest. SQLite expression syntax: a PostgreSQL schema indexes `(payload_json::jsonb ->> 'userId')`.
 */
export const identifyUser: Migration = {
  async up(db: Kysely<unknown>) {
    if (isPostgres(db)) {
      await sql`CREATE INDEX IF NOT EXISTS events_identify_user
        ON events (source_id, (payload_json::jsonb ->> 'userId')) WHERE type = 'identify'`.execute(db);
      return;
    }
    await sql`CREATE INDEX IF NOT EXISTS events_identify_user
      ON events (source_id, json_extract(payload_json, '$.userId')) WHERE type = 'identify'`.execute(db);
  },
};
