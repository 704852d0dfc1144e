import type { DeliveryOutcome } from '@synchub/core';
import type { Db } from '../db/index.js';
import { isPostgres, sqliteOf } from '../db/index.js';
import { createPostgresAttemptLog } from '../db/postgres/attempts.js';
import type { AttemptOutcome } from '../db/schema.js';

/** Attempts kept per event: enough for every try of the largest `maxAttempts` a destination allows here. */
export const ATTEMPTS_KEPT = 50;
/** A vendor's answer kept with an attempt is cut at this many characters of JSON. */
const BODY_CHARS = 4000;

export interface AttemptView {
  attempt: number;
  at: number;
  outcome: AttemptOutcome;
  destinationId: string | null;
  error: { code: string; message: string; vendorCode?: string; status?: number; body?: unknown; at?: number } | null;
}

/**
 * The log of every delivery attempt (table `event_attempts`). `record` is synchronous so the engine writes
 * it inside the transaction that records the event's fate: an attempt is in the log exactly when its
 * outcome is on the event.
 */
export interface AttemptLog {
  /** SQLite: written before it returns (inside the caller's synchronous transaction); PostgreSQL: a promise. */
  record(
    eventId: number,
    attempt: number,
    at: number,
    destinationId: string,
    outcome: DeliveryOutcome,
  ): void | Promise<void>;
  /** Newest first. */
  list(eventId: number): AttemptView[] | Promise<AttemptView[]>;
}

export function createAttemptLog(db: Db): AttemptLog {
  if (isPostgres(db)) {
    const log = createPostgresAttemptLog(db);
    return {
      record: (eventId, attempt, at, destinationId, outcome) =>
        log.record(db, eventId, attempt, at, destinationId, outcome),
      list: (eventId) => log.list(eventId),
    };
  }
  const sqlite = sqliteOf(db);
  const insert = sqlite.prepare(
    'INSERT INTO event_attempts (event_id, attempt, at, outcome, destination_id, error_json) VALUES (?, ?, ?, ?, ?, ?)',
  );
  // Older attempts past the newest ATTEMPTS_KEPT of the event (one indexed read when there are fewer).
  const trim = sqlite.prepare(
    `DELETE FROM event_attempts WHERE event_id = ? AND id <= (
       SELECT id FROM event_attempts WHERE event_id = ? ORDER BY id DESC LIMIT 1 OFFSET ${ATTEMPTS_KEPT})`,
  );
  const list = sqlite.prepare(
    'SELECT attempt, at, outcome, destination_id, error_json FROM event_attempts WHERE event_id = ? ORDER BY id DESC',
  );

  return {
    record(eventId: number, attempt: number, at: number, destinationId: string, outcome: DeliveryOutcome): void {
      const kind: AttemptOutcome = outcome.kind === 'delivered' ? 'delivered' : outcome.kind;
      const error = outcome.kind === 'delivered' ? null : errorJson(outcome.error);
      insert.run(eventId, attempt, at, kind, destinationId, error);
      // A first attempt may follow a replay's earlier series; past the limit the oldest go.
      if (attempt === 1 || attempt > ATTEMPTS_KEPT) trim.run(eventId, eventId);
    },
    /** Newest first. */
    list(eventId: number): AttemptView[] {
      const rows = list.all(eventId) as Array<{
        attempt: number;
        at: number;
        outcome: AttemptOutcome;
        destination_id: string | null;
        error_json: string | null;
      }>;
      return rows.map((r) => ({
        attempt: r.attempt,
        at: r.at,
        outcome: r.outcome,
        destinationId: r.destination_id,
        error: r.error_json === null ? null : JSON.parse(r.error_json),
      }));
    },
  };
}

/** The error as stored, its vendor body shortened when large (the event keeps the last one whole). */
export function errorJson(error: object): string {
  const json = JSON.stringify(error);
  if (json.length <= BODY_CHARS || !('body' in error)) return json;
  const body = JSON.stringify((error as { body?: unknown }).body) ?? '';
  return JSON.stringify({ ...error, body: `${body.slice(0, BODY_CHARS)}… (${body.length} characters in all)` });
}
