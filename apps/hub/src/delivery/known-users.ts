import type { KnownUsers } from '@synchub/core';
import { type Db, isPostgres, sqliteOf } from '../db/index.js';
import { createPostgresKnownUsers } from '../db/postgres/stores.js';

/** How many of a user's latest identify calls are read to find one that carried an email. */
const LOOK_BACK = 50;

/** A user's latest identify calls in a source, newest first (the query the index serves). */
export const LATEST_IDENTIFIES = `SELECT json_extract(payload_json, '$.traits.email') AS email,
    json_extract(payload_json, '$.context.traits.email') AS contextEmail
  FROM events
  WHERE type = 'identify' AND source_id = ? AND json_extract(payload_json, '$.userId') = ?
  ORDER BY id DESC LIMIT ${LOOK_BACK}`;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * What the stored identify calls say about a user, for destinations (`DestinationDeliverArgs.users`).
 * Read at delivery time from the events table (index `events_identify_user`), so ingest does no extra
 * work beyond that index: the latest identify of the userId in the same source that carried an email wins.
 */
export function createKnownUsers(db: Db): KnownUsers {
  // An identify's own traits win over its context.traits, as destinations merge them.
  const pick = (row: { email: unknown; contextEmail: unknown }) => text(row.email) ?? text(row.contextEmail);
  if (isPostgres(db)) return createPostgresKnownUsers(db, pick);
  const latest = sqliteOf(db).prepare(LATEST_IDENTIFIES);
  return {
    async email(sourceId, userId) {
      const rows = latest.all(sourceId, userId) as Array<{ email: unknown; contextEmail: unknown }>;
      for (const row of rows) {
        // An identify's own traits win over its context.traits, as destinations merge them.
        const email = text(row.email) ?? text(row.contextEmail);
        if (email) return email;
      }
      return undefined;
    },
  };
}
