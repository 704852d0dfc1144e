import type { DeliveryOutcome } from '@synchub/core';
import { sql } from 'kysely';
import { ATTEMPTS_KEPT, type AttemptView, errorJson } from '../../delivery/attempts.js';
import type { Db } from '../index.js';
import type { AttemptOutcome } from '../schema.js';

type Executor = Pick<Db, 'insertInto' | 'deleteFrom' | 'selectFrom'>;

/**
 * The delivery attempt log (delivery/attempts.ts) on PostgreSQL. `record` takes the executor of the
 * transaction that records the event's fate, so an attempt is in the log exactly when its outcome is.
 */
export function createPostgresAttemptLog(db: Db) {
  return {
    async record(
      trx: Executor,
      eventId: number,
      attempt: number,
      at: number,
      destinationId: string,
      outcome: DeliveryOutcome,
    ): Promise<void> {
      const kind: AttemptOutcome = outcome.kind === 'delivered' ? 'delivered' : outcome.kind;
      const error = outcome.kind === 'delivered' ? null : errorJson(outcome.error);
      await trx
        .insertInto('event_attempts')
        .values({ event_id: eventId, attempt, at, outcome: kind, destination_id: destinationId, error_json: error })
        .execute();
      if (attempt === 1 || attempt > ATTEMPTS_KEPT) {
        await trx
          .deleteFrom('event_attempts')
          .where('event_id', '=', eventId)
          .where(
            'id',
            '<=',
            sql<number>`(SELECT id FROM event_attempts WHERE event_id = ${eventId} ORDER BY id DESC LIMIT 1 OFFSET ${ATTEMPTS_KEPT})`,
          )
          .execute();
      }
    },
    /** Newest first. */
    async list(eventId: number): Promise<AttemptView[]> {
      const rows = await db
        .selectFrom('event_attempts')
        .select(['attempt', 'at', 'outcome', 'destination_id', 'error_json'])
        .where('event_id', '=', eventId)
        .orderBy('id', 'desc')
        .execute();
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
