import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import { type AttemptView, createAttemptLog } from '../delivery/attempts.js';
import { databaseFileOf, isPostgres, onDatabaseClose, sqliteOf, writeTurnsOf } from '../db/index.js';
import { createPostgresOutbox } from '../db/postgres/outbox.js';
import type { EventState } from '../db/schema.js';
import { type CommitStats, createGroupCommitter, createOffThreadReader } from './outbox-threads.js';

/** A validated message ready to store: its key fields and its JSON text (serialised once, at validation). */
export interface StoredMessage {
  messageId: string;
  type: string;
  json: string;
}

export interface StoredError {
  code: string;
  message: string;
  vendorCode?: string | undefined;
  status?: number | undefined;
  body?: unknown;
  at: number;
}

export interface EventRow {
  id: number;
  sourceId: string;
  messageId: string;
  type: string;
  state: EventState;
  attempts: number;
  receivedAt: number;
  nextAttemptAt: number;
  deliveredAt: number | null;
  destinationId: string | null;
  lastError: StoredError | null;
  /** A one-line description for lists: event name, email or company. */
  label: string;
}

export interface EventFilter {
  /** `waiting`: not delivered yet, whether tried or not (received or retrying). */
  state?: EventState | 'waiting' | undefined;
  type?: string | undefined;
  sourceId?: string | undefined;
  errorCode?: string | undefined;
  /**
   * Find the calls of one user or event: a messageId, userId, anonymousId or groupId as sent, or an email
   * (`traits.email`, `context.traits.email`) or event name in any case.
   */
  search?: string | undefined;
  /** Page backwards: ids below this one. */
  before?: number | undefined;
  limit?: number | undefined;
}

function labelOf(type: string, payload: Record<string, unknown>): string {
  const traits = (payload.traits ?? {}) as Record<string, unknown>;
  const ctxTraits = ((payload.context as Record<string, unknown> | undefined)?.traits ?? {}) as Record<string, unknown>;
  const userish = String(traits.email ?? ctxTraits.email ?? payload.userId ?? payload.anonymousId ?? '');
  if (type === 'track') return `${String(payload.event ?? '')}${userish ? ` · ${userish}` : ''}`;
  if (type === 'group') return `${String(traits.name ?? payload.groupId ?? '')}${userish ? ` · ${userish}` : ''}`;
  return userish;
}

type RawRow = {
  id: number;
  source_id: string;
  message_id: string;
  type: string;
  state: EventState;
  attempts: number;
  received_at: number;
  next_attempt_at: number;
  delivered_at: number | null;
  destination_id: string | null;
  last_error_json: string | null;
  payload_json: string;
};

export function toEventRow(r: RawRow): EventRow {
  const payload = JSON.parse(r.payload_json) as Record<string, unknown>;
  return {
    id: r.id,
    sourceId: r.source_id,
    messageId: r.message_id,
    type: r.type,
    state: r.state,
    attempts: r.attempts,
    receivedAt: r.received_at,
    nextAttemptAt: r.next_attempt_at,
    deliveredAt: r.delivered_at,
    destinationId: r.destination_id,
    lastError: r.last_error_json ? JSON.parse(r.last_error_json) : null,
    label: labelOf(r.type, payload),
  };
}

/** The events a search term names (EventFilter.search): ids as sent, emails and event names in any case. */
function matching(search: string) {
  const term = search.trim();
  const lower = term.toLowerCase();
  const at = (path: string) => sql`json_extract(payload_json, ${path})`;
  return sql<boolean>`(message_id = ${term} OR ${at('$.userId')} = ${term} OR ${at('$.anonymousId')} = ${term}
    OR ${at('$.groupId')} = ${term} OR lower(${at('$.traits.email')}) = ${lower}
    OR lower(${at('$.context.traits.email')}) = ${lower} OR lower(${at('$.event')}) = ${lower})`;
}

/** Events per state: a scan of the whole outbox, so it runs on the reader thread (see `counts`). */
const COUNTS_SQL = 'SELECT state, COUNT(*) AS n FROM events GROUP BY state';

/**
 * The event outbox. Ingest is the hot path: every request's messages are INSERT OR IGNOREd by the commit
 * worker (group commit, see outbox-threads.ts) and committed (synchronous=FULL) before the caller hears "ok".
 * An in-memory database, which no second connection can open, commits on this thread, one request at a time.
 */
export function createOutbox(db: Db, now: () => number = Date.now): Outbox {
  if (isPostgres(db)) return createPostgresOutbox(db, now);
  return createSqliteOutbox(db, now);
}

function createSqliteOutbox(db: Db, now: () => number) {
  const sqlite = sqliteOf(db);
  const file = databaseFileOf(db);
  const committer = file ? createGroupCommitter(file, { turns: writeTurnsOf(db) }) : undefined;
  const reader = file ? createOffThreadReader(file) : undefined;
  onDatabaseClose(db, async () => {
    await Promise.all([committer?.close(), reader?.close()]);
  });
  const countsHere = sqlite.prepare(COUNTS_SQL);
  const attemptLog = createAttemptLog(db);
  const insert = sqlite.prepare(
    `INSERT OR IGNORE INTO events (source_id, message_id, type, received_at, payload_json, state, attempts, next_attempt_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'received', 0, 0, ?)`,
  );
  const insertAll = sqlite.transaction((sourceId: string, rows: string[], at: number) => {
    let stored = 0;
    for (let i = 0; i < rows.length; i += 3)
      stored += insert.run(sourceId, rows[i], rows[i + 1], at, rows[i + 2], at).changes;
    return stored;
  });

  return {
    /**
     * Store all messages or none; duplicates (same source + messageId, also within one request or one group)
     * are ignored. Resolves once the rows are on disk, with how many were new.
     */
    append(sourceId: string, messages: StoredMessage[]): Promise<{ stored: number; duplicates: number }> {
      const rows: string[] = new Array(messages.length * 3);
      messages.forEach((m, i) => {
        rows[i * 3] = m.messageId;
        rows[i * 3 + 1] = m.type;
        rows[i * 3 + 2] = m.json;
      });
      const count = messages.length;
      const at = now();
      const stored = committer
        ? committer.commit({ sourceId, at, rows })
        : new Promise<number>((resolve) => resolve(insertAll(sourceId, rows, at)));
      return stored.then((n) => ({ stored: n, duplicates: count - n }));
    },

    /** Group commit counters (transactions vs requests answered), for tests and diagnostics. */
    commitStats: (): CommitStats => committer?.stats() ?? { transactions: 0, requests: 0 },

    async list(filter: EventFilter = {}): Promise<EventRow[]> {
      let q = db.selectFrom('events').selectAll();
      if (filter.state === 'waiting') q = q.where('state', 'in', ['received', 'retrying']);
      else if (filter.state) q = q.where('state', '=', filter.state);
      if (filter.type) q = q.where('type', '=', filter.type);
      if (filter.sourceId) q = q.where('source_id', '=', filter.sourceId);
      if (filter.errorCode)
        q = q.where(
          (eb) => eb.fn('json_extract', [eb.ref('last_error_json'), eb.val('$.code')]),
          '=',
          filter.errorCode,
        );
      if (filter.search) q = q.where(matching(filter.search));
      if (filter.before) q = q.where('id', '<', filter.before);
      const rows = await q
        .orderBy('id', 'desc')
        .limit(Math.min(filter.limit ?? 100, 1000))
        .execute();
      return rows.map((r) => toEventRow(r as RawRow));
    },

    /** One event with its payload and every delivery attempt kept (newest first). */
    async get(id: number): Promise<(EventRow & { payload: unknown; deliveryAttempts: AttemptView[] }) | undefined> {
      const r = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
      return r
        ? {
            ...toEventRow(r as RawRow),
            payload: JSON.parse(r.payload_json),
            deliveryAttempts: await attemptLog.list(id),
          }
        : undefined;
    },

    /**
     * Events per state. Counting scans every row (tens of ms at a few hundred thousand events), so it runs
     * on the reader thread: the dashboard's polling never holds up ingest answers or /health.
     */
    async counts(): Promise<Record<EventState, number>> {
      const rows = (
        reader ? await reader.all<{ state: EventState; n: number }>(COUNTS_SQL) : countsHere.all()
      ) as Array<{ state: EventState; n: number }>;
      const out: Record<EventState, number> = { received: 0, retrying: 0, delivered: 0, failed: 0 };
      for (const r of rows) out[r.state] = Number(r.n);
      return out;
    },

    /** Put failed events back in the queue (attempts reset); returns how many. */
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
      if (f.errorCode)
        q = q.where((eb) => eb.fn('json_extract', [eb.ref('last_error_json'), eb.val('$.code')]), '=', f.errorCode);
      if (f.search) q = q.where(matching(f.search));
      const result = await q.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}

export type Outbox = ReturnType<typeof createSqliteOutbox>;
