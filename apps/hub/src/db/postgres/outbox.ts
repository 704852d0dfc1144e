import { sql } from 'kysely';
import type { Db } from '../index.js';
import type { EventState } from '../schema.js';
import type { AttemptView } from '../../delivery/attempts.js';
import { type EventFilter, type EventRow, type StoredMessage, toEventRow } from '../../ingest/outbox.js';
import type { CommitStats } from '../../ingest/outbox-threads.js';
import { createPostgresAttemptLog } from './attempts.js';
import { jsonText } from './json.js';

interface Request {
  sourceId: string;
  at: number;
  messages: StoredMessage[];
  resolve(stored: number): void;
  reject(error: unknown): void;
}

/**
 * The event outbox on PostgreSQL (the SQLite one: ingest/outbox.ts). Ingest stores each request's messages
 * in one multi-row INSERT … ON CONFLICT DO NOTHING (dedup by source + messageId) and answers once it
 * committed. Group commit as on SQLite: requests that arrive while a statement is in flight go together in
 * the next one, so a burst costs one commit, not one per request; a group that fails is retried request by
 * request, so one bad request fails alone.
 */
export function createPostgresOutbox(db: Db, now: () => number = Date.now) {
  const attemptLog = createPostgresAttemptLog(db);
  const stats: CommitStats = { transactions: 0, requests: 0 };
  let queue: Request[] = [];
  let draining = false;

  /** Insert the group's rows; how many of each request's messages were new (a key's first holder counts it). */
  async function insertGroup(group: Request[]): Promise<number[]> {
    const sources: string[] = [];
    const ids: string[] = [];
    const types: string[] = [];
    const ats: number[] = [];
    const payloads: string[] = [];
    for (const r of group) {
      for (const m of r.messages) {
        sources.push(r.sourceId);
        ids.push(m.messageId);
        types.push(m.type);
        ats.push(r.at);
        payloads.push(m.json);
      }
    }
    // unnest: five parameters whatever the number of rows (a statement holds at most 65,535).
    const { rows } = await sql<{ source_id: string; message_id: string }>`
      INSERT INTO events (source_id, message_id, type, received_at, payload_json, state, attempts, next_attempt_at, updated_at)
      SELECT s, m, t, a, p, 'received', 0, 0, a
      FROM unnest(${sources}::text[], ${ids}::text[], ${types}::text[], ${ats}::bigint[], ${payloads}::text[]) AS u(s, m, t, a, p)
      ON CONFLICT (source_id, message_id) DO NOTHING
      RETURNING source_id, message_id`.execute(db);
    stats.transactions += 1;
    const fresh = new Set(rows.map((r) => `${r.source_id}\n${r.message_id}`));
    return group.map((r) => {
      let stored = 0;
      for (const m of r.messages) if (fresh.delete(`${r.sourceId}\n${m.messageId}`)) stored += 1;
      return stored;
    });
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const group = queue;
      queue = [];
      try {
        const counts = await insertGroup(group);
        for (const [i, r] of group.entries()) r.resolve(counts[i] ?? 0);
      } catch (error) {
        if (group.length === 1) group[0]?.reject(error);
        else
          for (const r of group) {
            await insertGroup([r]).then(
              ([n]) => r.resolve(n ?? 0),
              (e: unknown) => r.reject(e),
            );
          }
      }
      stats.requests += group.length;
    }
    // Set in the same turn as the empty check: a request queued after it starts the next drain.
    draining = false;
  }

  const matching = (search: string) => {
    const term = search.trim();
    const lower = term.toLowerCase();
    const at = (path: string) => jsonText('payload_json', path);
    return sql<boolean>`(message_id = ${term} OR ${at('$.userId')} = ${term} OR ${at('$.anonymousId')} = ${term}
      OR ${at('$.groupId')} = ${term} OR lower(${at('$.traits.email')}) = ${lower}
      OR lower(${at('$.context.traits.email')}) = ${lower} OR lower(${at('$.event')}) = ${lower})`;
  };
  const errorCode = jsonText('last_error_json', '$.code');

  return {
    append(sourceId: string, messages: StoredMessage[]): Promise<{ stored: number; duplicates: number }> {
      if (messages.length === 0) return Promise.resolve({ stored: 0, duplicates: 0 });
      const stored = new Promise<number>((resolve, reject) => {
        queue.push({ sourceId, at: now(), messages, resolve, reject });
      });
      if (!draining) {
        draining = true;
        void drain();
      }
      return stored.then((n) => ({ stored: n, duplicates: messages.length - n }));
    },

    commitStats: (): CommitStats => ({ ...stats }),

    async list(filter: EventFilter = {}): Promise<EventRow[]> {
      let q = db.selectFrom('events').selectAll();
      if (filter.state === 'waiting') q = q.where('state', 'in', ['received', 'retrying']);
      else if (filter.state) q = q.where('state', '=', filter.state);
      if (filter.type) q = q.where('type', '=', filter.type);
      if (filter.sourceId) q = q.where('source_id', '=', filter.sourceId);
      if (filter.errorCode) q = q.where(sql<boolean>`${errorCode} = ${filter.errorCode}`);
      if (filter.search) q = q.where(matching(filter.search));
      if (filter.before) q = q.where('id', '<', filter.before);
      const rows = await q
        .orderBy('id', 'desc')
        .limit(Math.min(filter.limit ?? 100, 1000))
        .execute();
      return rows.map((r) => toEventRow(r));
    },

    async get(id: number): Promise<(EventRow & { payload: unknown; deliveryAttempts: AttemptView[] }) | undefined> {
      const r = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r) return undefined;
      return { ...toEventRow(r), payload: JSON.parse(r.payload_json), deliveryAttempts: await attemptLog.list(id) };
    },

    async counts(): Promise<Record<EventState, number>> {
      const rows = await db
        .selectFrom('events')
        .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('state')
        .execute();
      const out: Record<EventState, number> = { received: 0, retrying: 0, delivered: 0, failed: 0 };
      for (const r of rows) out[r.state] = Number(r.n);
      return out;
    },

    async replay(selector: {
      ids?: number[] | undefined;
      filter?: Omit<EventFilter, 'state' | 'before' | 'limit'> | undefined;
    }) {
      let q = db
        .updateTable('events')
        .set({ state: 'received', attempts: 0, next_attempt_at: 0, updated_at: now() })
        .where('state', '=', 'failed');
      if (selector.ids) q = q.where('id', 'in', selector.ids.length ? selector.ids : [-1]);
      const f = selector.filter ?? {};
      if (f.type) q = q.where('type', '=', f.type);
      if (f.sourceId) q = q.where('source_id', '=', f.sourceId);
      if (f.errorCode) q = q.where(sql<boolean>`${errorCode} = ${f.errorCode}`);
      if (f.search) q = q.where(matching(f.search));
      const result = await q.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
