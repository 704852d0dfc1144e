import type { KnownUsers, LimiterStore, UsageState, UsageStore, WindowEntry } from '@synchub/core';
import { sql } from 'kysely';
import type { Db } from '../index.js';

/**
 * The hub's small stores on PostgreSQL: the same tables and meaning as their SQLite twins (limiter-store.ts,
 * usage-store.ts, metrics.ts, delivery/known-users.ts), as async queries on the pool.
 */

/** Limiter windows: see createSqliteLimiterStore. All windows of one call are written in one statement. */
export function createPostgresLimiterStore(db: Db, now: () => number = Date.now): LimiterStore {
  let lastPrune = 0;
  const write = async (entries: WindowEntry[], n: number, mode: 'add' | 'set') => {
    if (entries.length === 0) return;
    const rows = entries.map((e) => ({ key: e.key, window_start: e.windowStart, window_ms: e.windowMs, count: n }));
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('limiter_windows')
        .values(rows)
        .onConflict((oc) =>
          oc
            .columns(['key', 'window_start'])
            .doUpdateSet({ count: mode === 'add' ? sql`limiter_windows.count + excluded.count` : sql`excluded.count` }),
        )
        .execute();
      const t = now();
      if (t - lastPrune > 60_000) {
        lastPrune = t;
        await trx.deleteFrom('limiter_windows').where(sql<boolean>`window_start + window_ms < ${t}`).execute();
      }
    });
  };
  return {
    async get(entries) {
      if (entries.length === 0) return [];
      const rows = await db
        .selectFrom('limiter_windows')
        .select(['key', 'window_start', 'count'])
        .where((eb) => eb.or(entries.map((e) => eb.and({ key: e.key, window_start: e.windowStart }))))
        .execute();
      const byKey = new Map(rows.map((r) => [`${r.key}\n${r.window_start}`, Number(r.count)]));
      return entries.map((e) => byKey.get(`${e.key}\n${e.windowStart}`) ?? 0);
    },
    add: (entries, by) => write(entries, by, 'add'),
    set: (entries, count) => write(entries, count, 'set'),
    async range(key, from, to) {
      const rows = await db
        .selectFrom('limiter_windows')
        .select(['window_start', 'count'])
        .where('key', '=', key)
        .where('window_start', '>=', from)
        .where('window_start', '<=', to)
        .orderBy('window_start')
        .execute();
      return rows.map((r) => ({ windowStart: Number(r.window_start), count: Number(r.count) }));
    },
  };
}

const USAGE_FIELDS = ['used', 'limit', 'windowMs', 'reportedAt', 'spentSince', 'lastCallAt', 'holdUntil'] as const;

/** Vendor-reported budgets: see createSqliteUsageStore (same rows, replaced in one transaction). */
export function createPostgresUsageStore(db: Db, keysOf: (account: string) => string[]): UsageStore {
  return {
    async get(account) {
      const keys = keysOf(account);
      const rows = await db.selectFrom('limiter_windows').select(['key', 'count']).where('key', 'in', keys).execute();
      const byKey = new Map(rows.map((r) => [r.key, Number(r.count)]));
      if (keys.some((k) => !byKey.has(k))) return undefined;
      const state = {} as UsageState;
      USAGE_FIELDS.forEach((field, i) => {
        state[field] = byKey.get(keys[i] as string) as number;
      });
      return state;
    },
    async put(account, state) {
      const keys = keysOf(account);
      const until = Math.max(state.reportedAt + state.windowMs, state.holdUntil, state.lastCallAt + 1);
      const span = Math.max(1, until - state.reportedAt);
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('limiter_windows').where('key', 'in', keys).execute();
        await trx
          .insertInto('limiter_windows')
          .values(
            USAGE_FIELDS.map((field, i) => ({
              key: keys[i] as string,
              window_start: state.reportedAt,
              window_ms: span,
              count: Math.round(state[field]),
            })),
          )
          .execute();
      });
    },
  };
}

/** One vendor call counted in its minute (metrics.ts): fire and forget, as metrics must not slow a call. */
export function postgresCallCounter(db: Db): (minute: number, connector: string, status: string) => void {
  return (minute, connector, status) => {
    db.insertInto('vendor_calls')
      .values({ minute, connector, status, count: 1 })
      .onConflict((oc) =>
        oc.columns(['minute', 'connector', 'status']).doUpdateSet({ count: sql`vendor_calls.count + 1` }),
      )
      .execute()
      .catch(() => {});
  };
}

/** How many of a user's latest identify calls are read (as delivery/known-users.ts). */
const LOOK_BACK = 50;

/**
 * A user's latest identify calls in a source, newest first, through the partial expression index
 * `events_identify_user` (migration 0012: `(payload_json::jsonb ->> 'userId')`).
 */
export function postgresLatestIdentifies(db: Db, sourceId: string, userId: string) {
  return latestIdentifies(sourceId, userId).execute(db);
}

export function latestIdentifies(sourceId: string, userId: string) {
  return sql<{ email: unknown; contextEmail: unknown }>`SELECT payload_json::jsonb #>> '{traits,email}' AS email,
      payload_json::jsonb #>> '{context,traits,email}' AS "contextEmail"
    FROM events
    WHERE type = 'identify' AND source_id = ${sourceId} AND (payload_json::jsonb ->> 'userId') = ${userId}
    ORDER BY id DESC LIMIT ${LOOK_BACK}`;
}

export function createPostgresKnownUsers(
  db: Db,
  pick: (row: { email: unknown; contextEmail: unknown }) => string | undefined,
): KnownUsers {
  return {
    async email(sourceId, userId) {
      const { rows } = await postgresLatestIdentifies(db, sourceId, userId);
      for (const row of rows) {
        const email = pick(row);
        if (email) return email;
      }
      return undefined;
    },
  };
}
