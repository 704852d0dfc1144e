import type { Db } from '../db/index.js';
import { isPostgres, sqliteOf } from '../db/index.js';
import { createPostgresRefusals } from '../db/postgres/refusals.js';
import type { HubErrorCode } from '../errors.js';
import type { HubLogger } from '../logger.js';

/** One kind of refused ingest request: who sent it, why, how often and when. */
export interface Refusal {
  /** Null: a write key that names no source (or none at all). */
  sourceId: string | null;
  code: HubErrorCode;
  reason: string;
  count: number;
  firstAt: number;
  lastAt: number;
}

export interface Refusals {
  /** Count one refused request (the refusal path only: an accepted request never calls it). */
  record(sourceId: string | null, code: HubErrorCode, reason: string): void;
  /** Every refusal counted, newest first, what is not written yet included. */
  list(): Refusal[];
  /** Write what was counted since the last flush (one transaction). */
  flush(): void;
  /** Stop the timer and write what is left (PostgreSQL: resolves once written). */
  stop(): void | Promise<void>;
  /** Resolves once earlier counts are loaded (PostgreSQL reads them at start; SQLite has nothing to wait for). */
  ready?: Promise<void>;
}

/** Distinct reasons kept per source and code; more are counted as OTHER. */
export const MAX_REASONS = 20;
export const OTHER = 'other reasons';
const FLUSH_MS = 5000;
/** Distinct keys held between flushes before new ones fold into OTHER (a flood of odd paths stays small). */
const MAX_PENDING = 500;

/**
 * A reason without what varies from request to request, so repeats of one mistake add up: the message's
 * position in the batch and a message's exact size go.
 */
export function reasonOf(message: string): string {
  return message
    .replace(/batch\[\d+\](?:\.|: )?/g, '')
    .replace(/message is \d+ bytes; /g, 'message too large: ')
    .slice(0, 300);
}

/**
 * Refused ingest requests, counted in memory where they are refused and written every few seconds: ingest
 * stays fast (no write, no fsync per request), and at most FLUSH_MS of counts is lost in a crash.
 */
/**
 * `stored` (keyed like `pending`, copied by the caller) with the counts not flushed yet added in, newest
 * first: what `list()` answers on either store.
 */
export function withPending(stored: Map<string, Refusal>, pending: Map<string, Refusal>): Refusal[] {
  for (const [key, p] of pending) {
    const found = stored.get(key);
    if (!found) stored.set(key, { ...p });
    else {
      found.count += p.count;
      found.firstAt = Math.min(found.firstAt, p.firstAt);
      found.lastAt = Math.max(found.lastAt, p.lastAt);
    }
  }
  return [...stored.values()].sort((a, b) => b.lastAt - a.lastAt);
}

export function createRefusals(deps: { db: Db; now: () => number; logger?: HubLogger; flushMs?: number }): Refusals {
  if (isPostgres(deps.db))
    return createPostgresRefusals(deps, {
      reasonOf,
      maxReasons: MAX_REASONS,
      other: OTHER,
      maxPending: MAX_PENDING,
      flushMs: FLUSH_MS,
    });
  const sqlite = sqliteOf(deps.db);
  const pending = new Map<string, Refusal>();
  const keyOf = (sourceId: string | null, code: string, reason: string) => `${sourceId ?? ''}\n${code}\n${reason}`;

  const upsert = sqlite.prepare(
    `INSERT INTO ingest_refusals (source_id, code, reason, count, first_at, last_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (source_id, code, reason) DO UPDATE SET count = count + excluded.count,
       first_at = MIN(first_at, excluded.first_at), last_at = MAX(last_at, excluded.last_at)`,
  );
  const known = sqlite.prepare('SELECT 1 FROM ingest_refusals WHERE source_id = ? AND code = ? AND reason = ?');
  const reasons = sqlite.prepare('SELECT COUNT(*) AS n FROM ingest_refusals WHERE source_id = ? AND code = ?');
  const all = sqlite.prepare(
    'SELECT source_id, code, reason, count, first_at, last_at FROM ingest_refusals ORDER BY last_at DESC',
  );
  const write = sqlite.transaction((rows: Refusal[]) => {
    for (const r of rows) {
      const source = r.sourceId ?? '';
      let reason = r.reason;
      if (reason !== OTHER && !known.get(source, r.code, reason)) {
        const { n } = reasons.get(source, r.code) as { n: number };
        if (n >= MAX_REASONS - 1) reason = OTHER;
      }
      upsert.run(source, r.code, reason, r.count, r.firstAt, r.lastAt);
    }
  });

  const flush = () => {
    if (pending.size === 0) return;
    const rows = [...pending.values()];
    pending.clear();
    try {
      write(rows);
    } catch (error) {
      // Counts are a diagnosis aid: a write that fails (disk full…) must not take ingest down.
      deps.logger?.warn('Ingest refusals not written', { error });
    }
  };
  const timer = setInterval(flush, deps.flushMs ?? FLUSH_MS);
  timer.unref();

  return {
    record(sourceId, code, message) {
      const t = deps.now();
      let reason = reasonOf(message);
      let key = keyOf(sourceId, code, reason);
      if (!pending.has(key) && pending.size >= MAX_PENDING) {
        reason = OTHER;
        key = keyOf(sourceId, code, reason);
      }
      const found = pending.get(key);
      if (found) {
        found.count += 1;
        found.lastAt = t;
      } else pending.set(key, { sourceId, code, reason, count: 1, firstAt: t, lastAt: t });
    },
    list() {
      const merged = new Map<string, Refusal>();
      const rows = all.all() as Array<{
        source_id: string;
        code: HubErrorCode;
        reason: string;
        count: number;
        first_at: number;
        last_at: number;
      }>;
      for (const r of rows) {
        const sourceId = r.source_id === '' ? null : r.source_id;
        merged.set(keyOf(sourceId, r.code, r.reason), {
          sourceId,
          code: r.code,
          reason: r.reason,
          count: r.count,
          firstAt: r.first_at,
          lastAt: r.last_at,
        });
      }
      return withPending(merged, pending);
    },
    flush,
    stop() {
      clearInterval(timer);
      flush();
    },
  };
}
