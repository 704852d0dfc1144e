import { sql } from 'kysely';
import type { HubErrorCode } from '../../errors.js';
import { type Refusal, type Refusals, withPending } from '../../ingest/refusals.js';
import type { HubLogger } from '../../logger.js';
import type { Db } from '../index.js';

export interface RefusalRow {
  source_id: string;
  code: string;
  reason: string;
  count: number;
  first_at: number;
  last_at: number;
}

/**
 * Writes of ingest refusal counts (ingest/refusals.ts) on PostgreSQL: one upsert for the whole flush,
 * in the background (the refusal path stays synchronous and never waits on the database).
 */
export function createPostgresRefusalWriter(db: Db) {
  let writing: Promise<void> = Promise.resolve();
  return {
    write(rows: RefusalRow[], onError: (error: unknown) => void): void {
      if (rows.length === 0) return;
      writing = writing.then(() =>
        db
          .insertInto('ingest_refusals')
          .values(rows)
          .onConflict((oc) =>
            oc.columns(['source_id', 'code', 'reason']).doUpdateSet({
              count: sql`ingest_refusals.count + excluded.count`,
              first_at: sql`LEAST(ingest_refusals.first_at, excluded.first_at)`,
              last_at: sql`GREATEST(ingest_refusals.last_at, excluded.last_at)`,
            }),
          )
          .execute()
          .then(
            () => {},
            (error: unknown) => onError(error),
          ),
      );
    },
    /** What every hub wrote, for the mirror a new process starts from. */
    async load(): Promise<RefusalRow[]> {
      return db.selectFrom('ingest_refusals').selectAll().execute();
    },
    settled: () => writing,
  };
}

/**
 * Refusals (ingest/refusals.ts) on PostgreSQL: counted in memory as on SQLite; this process's view of the
 * table is a mirror loaded at start and kept up to date by its own flushes (other hubs' counts show after
 * a restart: enough for a diagnosis aid).
 */
export function createPostgresRefusals(
  deps: { db: Db; now: () => number; logger?: HubLogger; flushMs?: number },
  rules: { reasonOf(message: string): string; maxReasons: number; other: string; maxPending: number; flushMs: number },
): Refusals {
  const writer = createPostgresRefusalWriter(deps.db);
  const keyOf = (sourceId: string | null, code: string, reason: string) => `${sourceId ?? ''}\n${code}\n${reason}`;
  const pending = new Map<string, Refusal>();
  const stored = new Map<string, Refusal>();
  const reasonsOf = (source: string, code: string) =>
    [...stored.values()].filter((r) => (r.sourceId ?? '') === source && r.code === code).length;
  const loaded = writer.load().then(
    (rows) => {
      for (const r of rows) {
        const sourceId = r.source_id === '' ? null : r.source_id;
        const key = keyOf(sourceId, r.code, r.reason);
        const found = stored.get(key);
        // A flush that ran before the load finished is already in the mirror and in the rows read.
        if (!found)
          stored.set(key, {
            sourceId,
            code: r.code as HubErrorCode,
            reason: r.reason,
            count: r.count,
            firstAt: r.first_at,
            lastAt: r.last_at,
          });
      }
    },
    (error: unknown) => deps.logger?.warn('Ingest refusals not read', { error }),
  );

  const flush = () => {
    if (pending.size === 0) return;
    const rows: RefusalRow[] = [];
    for (const p of pending.values()) {
      const source = p.sourceId ?? '';
      let reason = p.reason;
      if (reason !== rules.other && !stored.has(keyOf(p.sourceId, p.code, reason))) {
        if (reasonsOf(source, p.code) >= rules.maxReasons - 1) reason = rules.other;
      }
      const key = keyOf(p.sourceId, p.code, reason);
      const found = stored.get(key);
      if (found) {
        found.count += p.count;
        found.firstAt = Math.min(found.firstAt, p.firstAt);
        found.lastAt = Math.max(found.lastAt, p.lastAt);
      } else stored.set(key, { ...p, reason });
      rows.push({ source_id: source, code: p.code, reason, count: p.count, first_at: p.firstAt, last_at: p.lastAt });
    }
    pending.clear();
    // Several pending keys may fold into one stored reason: one row each for the upsert.
    const merged = new Map<string, RefusalRow>();
    for (const r of rows) {
      const key = `${r.source_id}\n${r.code}\n${r.reason}`;
      const found = merged.get(key);
      if (!found) merged.set(key, r);
      else {
        found.count += r.count;
        found.first_at = Math.min(found.first_at, r.first_at);
        found.last_at = Math.max(found.last_at, r.last_at);
      }
    }
    writer.write([...merged.values()], (error) => deps.logger?.warn('Ingest refusals not written', { error }));
  };
  const timer = setInterval(flush, deps.flushMs ?? rules.flushMs);
  timer.unref();

  return {
    ready: loaded,
    record(sourceId, code, message) {
      const t = deps.now();
      let reason = rules.reasonOf(message);
      let key = keyOf(sourceId, code, reason);
      if (!pending.has(key) && pending.size >= rules.maxPending) {
        reason = rules.other;
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
      for (const [key, r] of stored) merged.set(key, { ...r });
      return withPending(merged, pending);
    },
    flush,
    stop() {
      clearInterval(timer);
      flush();
      return writer.settled();
    },
  };
}
