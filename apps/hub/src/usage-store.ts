import type { UsageState, UsageStore } from '@synchub/core';
import type { Db } from './db/index.js';
import { isPostgres, sqliteOf } from './db/index.js';
import { createPostgresUsageStore } from './db/postgres/stores.js';

/**
 * Vendor-reported budgets (core `UsageBudget`) in the limiter windows table, so every job on an account
 * (and a restarted hub) sees what the vendor last said: one row per number, keyed
 * `<account>:<bucket>|usage.<field>` (the limiter's own keys end in `|<windowMs>`, so they never meet).
 * `window_start` is the report's time and `window_ms` lasts until the report says nothing any more (its
 * window has rolled, and any hold is over), so the limiter's pruning of ended windows drops it in time.
 */
const FIELDS = ['used', 'limit', 'windowMs', 'reportedAt', 'spentSince', 'lastCallAt', 'holdUntil'] as const;

export function usageKeys(account: string): string[] {
  return FIELDS.map((field) => `${account}|usage.${field}`);
}

export function createSqliteUsageStore(db: Db): UsageStore {
  if (isPostgres(db)) return createPostgresUsageStore(db, usageKeys);
  const sqlite = sqliteOf(db);
  const placeholders = FIELDS.map(() => '?').join(', ');
  const read = sqlite.prepare(`SELECT key, count FROM limiter_windows WHERE key IN (${placeholders})`);
  const remove = sqlite.prepare(`DELETE FROM limiter_windows WHERE key IN (${placeholders})`);
  const insert = sqlite.prepare(
    'INSERT INTO limiter_windows (key, window_start, window_ms, count) VALUES (?, ?, ?, ?)',
  );
  // Replaced as one: a reader never sees half of a report.
  const write = sqlite.transaction((account: string, state: UsageState) => {
    const keys = usageKeys(account);
    remove.run(...keys);
    const until = Math.max(state.reportedAt + state.windowMs, state.holdUntil, state.lastCallAt + 1);
    const span = Math.max(1, until - state.reportedAt);
    FIELDS.forEach((field, i) => {
      insert.run(keys[i], state.reportedAt, span, Math.round(state[field]));
    });
  });

  return {
    get(account) {
      const keys = usageKeys(account);
      const rows = read.all(...keys) as Array<{ key: string; count: number }>;
      const byKey = new Map(rows.map((r) => [r.key, Number(r.count)]));
      if (FIELDS.some((_, i) => !byKey.has(keys[i] as string))) return undefined;
      const state = {} as UsageState;
      FIELDS.forEach((field, i) => {
        state[field] = byKey.get(keys[i] as string) as number;
      });
      return state;
    },
    put(account, state) {
      write(account, state);
    },
  };
}
