import type { DeliveryOutcome } from '@synchub/core';
import { sql } from 'kysely';
import type { Db } from '../index.js';
import { createPostgresAttemptLog } from './attempts.js';
import { type Fence, fenced } from './leases.js';

/** One event's fate in a delivery window, as the delivery engine decided it. */
export interface Fate {
  id: number;
  attempt: number;
  kind: 'delivered' | 'retry' | 'failed';
  /** retry: when it is due again. */
  at?: number;
  error?: object;
  /** What the attempt log records. */
  outcome: DeliveryOutcome;
  /** A retry that spends no attempt: delivered, sent again only with an earlier update of its entity. */
  requeued?: boolean | undefined;
  /** Sends of it answered in this window: taken back from `unanswered_sends` in the fate's transaction. */
  answered?: number | undefined;
}

type Maybe<T> = T | Promise<T>;

/**
 * What the delivery engine reads and writes (delivery/engine.ts). SQLite answers synchronously (prepared
 * statements in synchronous transactions); PostgreSQL with promises. `payloadOf` stays synchronous: on
 * PostgreSQL `waiting` reads the payloads of the rows it lists and keeps them for it.
 *
 * Every write takes the fence of the destination's delivery lease (db/postgres/leases.ts). SQLite has one
 * process and no leases (undefined); on PostgreSQL each write runs in a transaction that first checks the
 * fence, and writes nothing (LeaseLostError) when another process took the destination over.
 */
export interface EngineStore {
  due(
    destinationId: string,
    at: number,
    limit: number,
  ): Maybe<Array<{ id: number; source_id: string; payload_json: string; attempts: number }>>;
  waiting(destinationId: string, at: number, beforeId: number): Maybe<Array<{ id: number; next_attempt_at: number }>>;
  payloadOf(id: number): string | undefined;
  hold(at: number, holds: Array<{ id: number; until: number; note: string }>, fence?: Fence): void | Promise<void>;
  noteConfigError(destinationId: string, errorJson: string, at: number, fence?: Fence): void | Promise<void>;
  apply(destinationId: string, at: number, fates: Fate[], fence?: Fence): void | Promise<void>;
  /** Count (+1) or take back (-1) one unanswered send on each event. */
  sends(ids: number[], by: 1 | -1, fence?: Fence): void | Promise<void>;
}

/** The queued events of a destination's sources: the partial index `events_queued` (migration 0015) serves it. */
export function dueEventsQuery(destinationId: string, at: number, limit: number) {
  return sql<{ id: number; source_id: string; payload_json: string; attempts: number }>`
    SELECT e.id, e.source_id, e.payload_json, e.attempts FROM events e JOIN sources s ON s.id = e.source_id
    WHERE s.destination_id = ${destinationId} AND e.state IN ('received', 'retrying') AND e.next_attempt_at <= ${at}
    ORDER BY e.id LIMIT ${limit}`;
}

const possibleDuplicate = (sends: number) =>
  `Delivered; ${sends} earlier send(s) of it got no answer (a timeout, a dropped connection or a restart while in flight), so the vendor may have received it more than once`;

export function createPostgresEngineStore(db: Db): EngineStore {
  const attemptLog = createPostgresAttemptLog(db);
  const payloads = new Map<number, string>();
  // Several hubs may share the database: a write without the lease's fence could land after a takeover.
  const write = <T>(fence: Fence | undefined, work: (trx: Db) => Promise<T>): Promise<T> => {
    if (!fence) return Promise.reject(new Error('A delivery write on PostgreSQL needs its lease fence'));
    return fenced(db, fence, work);
  };
  return {
    async due(destinationId, at, limit) {
      return (await dueEventsQuery(destinationId, at, limit).execute(db)).rows;
    },
    async waiting(destinationId, at, beforeId) {
      const { rows } = await sql<{ id: number; next_attempt_at: number; payload_json: string }>`
        SELECT e.id, e.next_attempt_at, e.payload_json FROM events e JOIN sources s ON s.id = e.source_id
        WHERE s.destination_id = ${destinationId} AND e.state IN ('received', 'retrying')
          AND e.next_attempt_at > ${at} AND e.id < ${beforeId}
        ORDER BY e.id`.execute(db);
      payloads.clear();
      for (const r of rows) payloads.set(r.id, r.payload_json);
      return rows.map((r) => ({ id: r.id, next_attempt_at: r.next_attempt_at }));
    },
    payloadOf: (id) => payloads.get(id),
    async hold(at, holds, fence) {
      await write(fence, async (trx) => {
        for (const h of holds) {
          await trx
            .updateTable('events')
            .set({
              next_attempt_at: h.until,
              last_error_json: sql`COALESCE(last_error_json, ${h.note})`,
              updated_at: at,
            })
            .where('id', '=', h.id)
            .where('state', 'in', ['received', 'retrying'])
            .execute();
        }
      });
    },
    async noteConfigError(destinationId, errorJson, at, fence) {
      await write(fence, async (trx) => {
        await sql`UPDATE events SET last_error_json = ${errorJson}, updated_at = ${at} WHERE id IN (
            SELECT e.id FROM events e JOIN sources s ON s.id = e.source_id
            WHERE s.destination_id = ${destinationId} AND e.state IN ('received', 'retrying') AND e.next_attempt_at <= ${at})`.execute(
          trx,
        );
      });
    },
    async apply(destinationId, at, fates, fence) {
      if (fates.length === 0) return;
      await write(fence, async (trx) => {
        for (const f of fates) {
          if (f.answered) {
            await trx
              .updateTable('events')
              .set({ unanswered_sends: sql`GREATEST(0, unanswered_sends - ${f.answered})` })
              .where('id', '=', f.id)
              .execute();
          }
          if (f.kind === 'delivered') {
            const row = await trx
              .updateTable('events')
              .set({
                state: 'delivered',
                attempts: sql`attempts + 1`,
                delivered_at: at,
                destination_id: destinationId,
                updated_at: at,
              })
              .where('id', '=', f.id)
              .returning('unanswered_sends')
              .executeTakeFirst();
            const sends = Number(row?.unanswered_sends ?? 0);
            const note =
              sends > 0
                ? JSON.stringify({ code: 'possible_duplicate', message: possibleDuplicate(sends), sends, at })
                : null;
            await trx.updateTable('events').set({ last_error_json: note }).where('id', '=', f.id).execute();
          } else if (f.kind === 'retry') {
            await trx
              .updateTable('events')
              .set({
                state: 'retrying',
                attempts: f.requeued ? sql`attempts` : sql`attempts + 1`,
                next_attempt_at: f.at ?? at,
                destination_id: destinationId,
                last_error_json: JSON.stringify(f.error),
                updated_at: at,
              })
              .where('id', '=', f.id)
              .execute();
          } else {
            await trx
              .updateTable('events')
              .set({
                state: 'failed',
                attempts: sql`attempts + 1`,
                destination_id: destinationId,
                last_error_json: JSON.stringify(f.error),
                updated_at: at,
              })
              .where('id', '=', f.id)
              .execute();
          }
          await attemptLog.record(trx, f.id, f.attempt, at, destinationId, f.outcome);
        }
      });
    },
    async sends(ids, by, fence) {
      if (ids.length === 0) return;
      await write(fence, async (trx) => {
        const q = trx.updateTable('events').where('id', 'in', ids);
        if (by > 0) await q.set({ unanswered_sends: sql`unanswered_sends + 1` }).execute();
        else
          await q
            .set({ unanswered_sends: sql`GREATEST(0, unanswered_sends - 1)` })
            .where('unanswered_sends', '>', 0)
            .execute();
      });
    },
  };
}
