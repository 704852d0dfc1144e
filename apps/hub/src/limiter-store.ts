import type { LimiterStore, WindowEntry } from '@synchub/core';
import type { Db } from './db/index.js';
import { isPostgres, sqliteOf, writeInTurn } from './db/index.js';
import { createPostgresLimiterStore } from './db/postgres/stores.js';

/**
 * The rate limiter's counts in SQLite (one row per counted slot of a rolling window), so a restart does
 * not hand a tenant a fresh daily budget.
 * The limiter serialises its own calls, so read-then-add needs no lock here; all windows of one call are
 * written in one transaction (one disk sync per vendor call, not one per window).
 * On PostgreSQL several hubs share the rows: that store reserves atomically on the database's clock
 * (createPostgresLimiterStore), and `now` is not used there.
 */
export function createSqliteLimiterStore(db: Db, now: () => number = Date.now): LimiterStore {
  if (isPostgres(db)) return createPostgresLimiterStore(db);
  const sqlite = sqliteOf(db);
  let lastPrune = 0;
  const read = sqlite.prepare('SELECT count FROM limiter_windows WHERE key = ? AND window_start = ?');
  const add = sqlite.prepare(
    `INSERT INTO limiter_windows (key, window_start, window_ms, count) VALUES (?, ?, ?, ?)
     ON CONFLICT (key, window_start) DO UPDATE SET count = count + excluded.count`,
  );
  const set = sqlite.prepare(
    `INSERT INTO limiter_windows (key, window_start, window_ms, count) VALUES (?, ?, ?, ?)
     ON CONFLICT (key, window_start) DO UPDATE SET count = excluded.count`,
  );
  const prune = sqlite.prepare('DELETE FROM limiter_windows WHERE window_start + window_ms < ?');
  const range = sqlite.prepare(
    'SELECT window_start AS windowStart, count FROM limiter_windows WHERE key = ? AND window_start BETWEEN ? AND ? ORDER BY window_start',
  );

  const write = sqlite.transaction((entries: WindowEntry[], n: number, statement: typeof add) => {
    for (const e of entries) statement.run(e.key, e.windowStart, e.windowMs, n);
    // Drop windows that have ended, at most once a minute.
    const t = now();
    if (t - lastPrune > 60_000) {
      lastPrune = t;
      prune.run(t);
    }
  });

  // Counted once the ingest commit worker holds no transaction, waiting off the event loop (the limiter awaits).
  const inTurn = writeInTurn(db);
  return {
    get: (entries) => entries.map((e) => (read.get(e.key, e.windowStart) as { count: number } | undefined)?.count ?? 0),
    add: (entries, by) => inTurn(() => write(entries, by, add)),
    set: (entries, count) => inTurn(() => write(entries, count, set)),
    // One indexed range read (primary key (key, window_start)) for the slots of a rolling window.
    range: (key, from, to) => range.all(key, from, to) as Array<{ windowStart: number; count: number }>,
  };
}
