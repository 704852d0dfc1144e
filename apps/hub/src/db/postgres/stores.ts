import {
  ConnectorError,
  type KnownUsers,
  type LimiterStore,
  type UsageState,
  type UsageStore,
  type WindowEntry,
} from '@synchub/core';
import { sql } from 'kysely';
import type { Db } from '../index.js';
import { BUDGET_LOCKS } from '../migrations/0017-budget-reserve.js';
import { currentFence, DB_NOW, isLeaseLost, LeaseLostError } from './leases.js';

/**
 * The hub's small stores on PostgreSQL: the same tables and meaning as their SQLite twins (limiter-store.ts,
 * usage-store.ts, metrics.ts, delivery/known-users.ts), as async queries on the pool.
 */

/**
 * A vendor call that could not reserve its budget because the database did not answer (a restart, a
 * dropped connection) is retried later like any transient failure, not failed for good: the call never went.
 */
async function orTransient<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isLeaseLost(error)) throw error;
    throw new ConnectorError('transient', `${what}: the database did not answer (${(error as Error).message})`, {
      cause: error,
    });
  }
}

interface ReserveRow {
  status: 'ok' | 'wait' | 'lease_lost';
  now_ms: number;
  wait_until: number | null;
  blocking: number | null;
}

/**
 * Limiter windows: the same rows as createSqliteLimiterStore, shared by every hub on the database. A call's
 * slots are taken by `reserve`, one statement (`synchub_reserve`, migration 0017) that checks, decides and
 * counts on the database's clock under locks of the windows' keys, so processes never both take the last
 * slot, and whatever their own clocks say they count the same slots. During a delivery lane's cycle
 * (`currentFence()`) it first checks the lane's lease: a process that lost it gets `LeaseLostError` and
 * makes no call. `get`/`add`/`range` stay for `usage` and tests; their pruning uses the database's clock too.
 */
export function createPostgresLimiterStore(db: Db): LimiterStore {
  let lastPrune = 0;
  // Rows of keys no longer reserved (a removed connection, an old usage report) are dropped once they have
  // ended, at most once a minute per process and outside any reservation (it never waits for this).
  const pruneNow = () => {
    if (Date.now() - lastPrune <= 60_000) return;
    lastPrune = Date.now();
    db.deleteFrom('limiter_windows')
      .where(sql<boolean>`window_start + window_ms < ${DB_NOW}`)
      .execute()
      .catch(() => {
        lastPrune = 0;
      });
  };
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
      // Drop windows that have ended, at most once a minute (of this process: only the pace is ours).
      const t = Date.now();
      if (t - lastPrune > 60_000) {
        lastPrune = t;
        await trx.deleteFrom('limiter_windows').where(sql<boolean>`window_start + window_ms < ${DB_NOW}`).execute();
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
    async reserve({ windows, cost }) {
      const fence = currentFence();
      // Nothing to count and no lease to check: no statement (the time is unused when the answer is ok).
      if (windows.length === 0 && !fence) return { ok: true, now: Date.now() };
      const { rows } = await orTransient('Could not reserve the vendor budget', () =>
        sql<ReserveRow>`SELECT status, now_ms, wait_until, blocking FROM synchub_reserve(
          ${windows.map((w) => w.key)}::text[], ${windows.map((w) => w.slotMs)}::bigint[],
          ${windows.map((w) => w.back)}::bigint[], ${windows.map((w) => w.limit)}::bigint[],
          ${windows.map((w) => w.perSlot)}::bigint[], ${cost}::bigint,
          ${fence?.name ?? null}::text, ${fence?.owner ?? null}::text, ${fence?.epoch ?? null}::bigint)`.execute(db),
      );
      pruneNow();
      const row = rows[0];
      if (!row) throw new Error('synchub_reserve answered no row');
      const now = Number(row.now_ms);
      if (row.status === 'lease_lost' && fence) throw new LeaseLostError(fence);
      if (row.status === 'ok') return { ok: true, now };
      return { ok: false, now, waitUntil: Number(row.wait_until), window: Number(row.blocking) };
    },
    async now() {
      return Number((await sql<{ now: number }>`SELECT ${DB_NOW} AS now`.execute(db)).rows[0]?.now);
    },
    async fill(w) {
      await orTransient('Could not fill the vendor budget', () =>
        sql`SELECT synchub_fill(${w.key}::text, ${w.slotMs}::bigint, ${w.back}::bigint, ${w.limit}::bigint)`.execute(
          db,
        ),
      );
    },
  };
}

const USAGE_FIELDS = ['used', 'limit', 'windowMs', 'reportedAt', 'spentSince', 'lastCallAt', 'holdUntil'] as const;

/**
 * Vendor-reported budgets: the same rows as createSqliteUsageStore, shared by every hub on the database.
 * `update` is the budget's read-decide-write as one step against other processes, on the database's clock:
 * it reads without a lock first, and when the decision changes nothing (no report for the account, a call
 * refused) that read is the answer; otherwise, in one short transaction, it takes the account's advisory
 * lock, reads again and replaces the rows (so two processes never both count from the same `spentSince`, and
 * two reports never collide on the primary key). No transaction outlives this step.
 */
export function createPostgresUsageStore(db: Db, keysOf: (account: string) => string[]): UsageStore {
  const lockOf = (trx: Db, account: string) =>
    sql`SELECT pg_advisory_xact_lock(${sql.lit(BUDGET_LOCKS)}, hashtext(${`usage:${account}`}::text))`.execute(trx);

  /** The account's state (undefined when any number is missing) and the database's now, in one statement. */
  async function read(on: Db, account: string): Promise<{ state: UsageState | undefined; now: number }> {
    const keys = keysOf(account);
    const { rows } = await sql<{ now: number; key: string | null; count: number | null }>`
      SELECT ${DB_NOW} AS now, w.key, w.count FROM (VALUES (1)) AS one (x)
      LEFT JOIN limiter_windows w ON w.key = ANY(${keys}::text[])`.execute(on);
    const byKey = new Map(rows.filter((r) => r.key !== null).map((r) => [r.key as string, Number(r.count)]));
    const now = Number(rows[0]?.now);
    if (keys.some((k) => !byKey.has(k))) return { state: undefined, now };
    const state = {} as UsageState;
    USAGE_FIELDS.forEach((field, i) => {
      state[field] = byKey.get(keys[i] as string) as number;
    });
    return { state, now };
  }

  async function replace(trx: Db, account: string, state: UsageState): Promise<void> {
    const keys = keysOf(account);
    const until = Math.max(state.reportedAt + state.windowMs, state.holdUntil, state.lastCallAt + 1);
    const span = Math.max(1, until - state.reportedAt);
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
  }

  return {
    async get(account) {
      return (await read(db, account)).state;
    },
    async put(account, state) {
      await db.transaction().execute(async (trx) => {
        await lockOf(trx, account);
        await replace(trx, account, state);
      });
    },
    update(account, change) {
      return orTransient('Could not read the vendor-reported budget', async () => {
        const seen = await read(db, account);
        const first = change(seen.state, seen.now);
        if (!first.state) return { result: first.result, now: seen.now };
        return db.transaction().execute(async (trx) => {
          await lockOf(trx, account);
          const locked = await read(trx, account);
          const out = change(locked.state, locked.now);
          if (out.state) await replace(trx, account, out.state);
          return { result: out.result, now: locked.now };
        });
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
