import {
  createMemoryLimiterStore,
  createRateLimiter,
  createUsageBudget,
  DAY,
  decideReservation,
  HOUR,
  isConnectorError,
  type LimiterStore,
  MINUTE,
  type RateLimiter,
  reserveWindowsOf,
  type UsageBudgetRule,
  type WindowSpec,
  windowKey,
} from '@synchub/core';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTestEnv } from '../../env.js';
import { createSqliteUsageStore, usageKeys } from '../../usage-store.js';
import type { Database } from '../schema.js';
import { openPostgres } from './connect.js';
import { DB_NOW, type Fence, fenceContext, isLeaseLost } from './leases.js';
import { createPostgresLimiterStore } from './stores.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/**
 * One vendor budget across processes (issue 16): several hubs on one PostgreSQL, each with its own pool
 * (as separate processes have) and its own clock, reserve against the same rows. Runs with
 * SYNCHUB_TEST_STORE=postgres; an unreachable server fails the suite (createTestDatabase throws).
 */

/** Most grants inside any stretch of `span` ms. */
function maxIn(times: number[], span: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] as number) - (sorted[j] as number) >= span) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

/** A limiter store that records the database time of every granted reservation and counts the refused ones. */
function recording(store: LimiterStore) {
  const grants: number[] = [];
  let refused = 0;
  let calls = 0;
  const reserve = store.reserve?.bind(store);
  if (!reserve) throw new Error('the PostgreSQL limiter store reserves');
  return {
    grants,
    refused: () => refused,
    calls: () => calls,
    store: {
      ...store,
      async reserve(request) {
        calls++;
        const answer = await reserve(request);
        if (answer.ok) grants.push(answer.now);
        else refused++;
        return answer;
      },
    } satisfies LimiterStore,
  };
}

describe.skipIf(readTestEnv().store !== 'postgres')('one budget across processes (PostgreSQL)', () => {
  let database: TestDatabase;
  /** Three "processes": one pool each. */
  const pools: Kysely<Database>[] = [];
  let db: Kysely<Database>;
  const dbNow = async () => Number((await sql<{ now: number }>`SELECT ${DB_NOW} AS now`.execute(db)).rows[0]?.now);

  beforeAll(async () => {
    database = await createTestDatabase(readTestEnv().databaseUrl, { migrated: true });
    for (let i = 0; i < 3; i++) pools.push(await openPostgres(database.url, { max: 4 }));
    db = pools[0] as Kysely<Database>;
  });
  afterAll(async () => {
    for (const pool of pools) await pool.destroy();
    await database?.drop();
  });

  it('three processes hammering one account never exceed the budget in any rolling window, whatever their clocks', async () => {
    const windows: WindowSpec[] = [
      { limit: 20, windowMs: 2_000, label: '2 s' },
      { limit: 45, windowMs: 6_000, label: '6 s' },
    ];
    // Clocks 30 s behind, right, and 30 s ahead: only the database's may count.
    const offsets = [-30_000, 0, 30_000];
    const processes = pools.map((pool, i) => {
      const rec = recording(createPostgresLimiterStore(pool));
      const limiter = createRateLimiter({ store: rec.store, now: () => Date.now() + (offsets[i] as number) });
      return { rec, limiter };
    });
    const until = Date.now() + 7_000;
    // Four workers per process, each acquiring as fast as the limiter lets it.
    await Promise.all(
      processes.flatMap(({ limiter }) =>
        Array.from({ length: 4 }, async () => {
          while (Date.now() < until) await limiter.acquire('acme:tenant-1:sync', windows);
        }),
      ),
    );
    const grants = processes.flatMap((p) => p.rec.grants);
    for (const w of windows) {
      const slot = reserveWindowsOf('x', [w])[0]?.slotMs as number;
      // The promise: at most `limit` in any stretch of the window plus a slot (the margin), on the DB clock.
      expect(maxIn(grants, w.windowMs + slot)).toBeLessThanOrEqual(w.limit);
    }
    // The windows were really contended and filled (the check above could not pass by idling).
    expect(maxIn(grants, 2_000)).toBe(20);
    expect(grants.length).toBeGreaterThanOrEqual(50);
    // Every process was served, the one whose clock is behind included (it waits by the database's clock).
    for (const p of processes) expect(p.rec.grants.length).toBeGreaterThan(5);
    // The rows say exactly what was granted, slot for slot (over the last 1.5 s, which no pruning reached).
    const slot = reserveWindowsOf('x', windows)[0]?.slotMs as number;
    const since = Math.floor((Math.max(...grants) - 1_500) / slot) * slot;
    const counted = await db
      .selectFrom('limiter_windows')
      .select((eb) => eb.fn.sum<number>('count').as('n'))
      .where('key', '=', windowKey('acme:tenant-1:sync', 2_000))
      .where('window_start', '>=', since)
      .executeTakeFirst();
    expect(Number(counted?.n)).toBe(grants.filter((g) => Math.floor(g / slot) * slot >= since).length);
  });

  it("sleeps the database's wait, not its own: a process 30 s off neither spins nor oversleeps", async () => {
    const tiny: WindowSpec[] = [{ limit: 2, windowMs: 1_000 }];
    for (const offset of [-30_000, 30_000]) {
      const rec = recording(createPostgresLimiterStore(db));
      const limiter = createRateLimiter({ store: rec.store, now: () => Date.now() + offset });
      const account = `clock:${offset}`;
      await limiter.saturate(account, tiny[0] as WindowSpec);
      const started = Date.now();
      await limiter.acquire(account, tiny);
      const waited = Date.now() - started;
      // Full from now: room ~1 s + margin later. A wait measured against the process clock would be
      // 0 (a spin of reservations) or ~31 s (this test's timeout).
      expect(waited).toBeGreaterThanOrEqual(900);
      expect(waited).toBeLessThan(5_000);
      expect(rec.calls()).toBeLessThanOrEqual(3);
    }
  });

  it('a burst of concurrent reservations from three pools gets exactly what one process would', async () => {
    // A slot of a week's window is 16.8 minutes: start well inside one so the burst cannot straddle two.
    const windows: WindowSpec[] = [{ limit: 10, windowMs: 7 * DAY }];
    const slot = reserveWindowsOf('x', windows)[0]?.slotMs as number;
    const inSlot = (await dbNow()) % slot;
    if (inSlot > slot - 20_000) await new Promise((r) => setTimeout(r, slot - inSlot + 100));
    const limiters = pools.map((pool) => createRateLimiter({ store: createPostgresLimiterStore(pool), now: Date.now }));
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (limiters[i % 3] as RateLimiter).tryAcquire('burst', windows)),
    );
    // Half the budget at once, then one call per slot: 5, as a single process's limiter would allow.
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    const local = createRateLimiter({ store: createMemoryLimiterStore(), now: Date.now });
    const alone = await Promise.all(Array.from({ length: 60 }, () => local.tryAcquire('burst', windows)));
    expect(alone.filter((r) => r.ok)).toHaveLength(5);
  });

  it('is all or nothing across the minute and the day', async () => {
    const limiter = createRateLimiter({
      store: createPostgresLimiterStore(pools[1] as Kysely<Database>),
      now: Date.now,
    });
    const windows: WindowSpec[] = [
      { limit: 100, windowMs: MINUTE, label: 'minute' },
      { limit: 3, windowMs: DAY, label: 'day' },
    ];
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await limiter.tryAcquire('both', windows));
    // Two at once (past half of 3 the day spreads its calls, one per 144 s slot), then the day refuses.
    expect(results.map((r) => r.ok)).toEqual([true, true, false, false, false]);
    expect(results[2]).toMatchObject({ ok: false, window: windows[1] });
    const counts = async (account: string) =>
      Object.fromEntries(
        (
          await db
            .selectFrom('limiter_windows')
            .select(['key'])
            .select((eb) => eb.fn.sum<number>('count').as('n'))
            .where('key', 'in', [windowKey(account, MINUTE), windowKey(account, DAY)])
            .groupBy('key')
            .execute()
        ).map((r) => [r.key, Number(r.n)]),
      );
    // The minute had room for the three the day refused: none was counted there.
    expect(await counts('both')).toEqual({ [windowKey('both', MINUTE)]: 2, [windowKey('both', DAY)]: 2 });

    // The other way: the minute refuses (one call per slot past half of 2), the day is not spent.
    const other: WindowSpec[] = [
      { limit: 2, windowMs: MINUTE },
      { limit: 50_000, windowMs: DAY },
    ];
    expect((await limiter.tryAcquire('other', other)).ok).toBe(true);
    expect(await limiter.tryAcquire('other', other)).toMatchObject({ ok: false, window: other[0] });
    expect(await counts('other')).toEqual({ [windowKey('other', MINUTE)]: 1, [windowKey('other', DAY)]: 1 });
  });

  it('a database that does not answer makes the call wait and retry (transient), never fail for good', async () => {
    const gone = await openPostgres(database.url, { max: 1 });
    await gone.destroy();
    const limiter = createRateLimiter({ store: createPostgresLimiterStore(gone), now: Date.now });
    const error = await limiter.acquire('down', [{ limit: 10, windowMs: MINUTE }]).catch((e: unknown) => e);
    expect(isConnectorError(error) && error.code).toBe('transient');
    const budget = createUsageBudget({ store: createSqliteUsageStore(gone), now: Date.now });
    const reported = await budget.report('down', { used: 1, limit: 10, windowMs: DAY }).catch((e: unknown) => e);
    expect(isConnectorError(reported) && reported.code).toBe('transient');
  });

  describe('fenced by the lease of the work it runs for', () => {
    const windows: WindowSpec[] = [{ limit: 100, windowMs: MINUTE }];
    const lease = async (name: string, owner: string, epoch: number, ttlMs: number) => {
      await sql`INSERT INTO leases (name, owner, epoch, expires_at) VALUES (${name}, ${owner}, ${epoch}, ${DB_NOW} + ${ttlMs})
        ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, epoch = excluded.epoch, expires_at = excluded.expires_at`.execute(
        db,
      );
    };
    const used = async (account: string) =>
      Number(
        (
          await db
            .selectFrom('limiter_windows')
            .select((eb) => eb.fn.sum<number>('count').as('n'))
            .where('key', '=', windowKey(account, MINUTE))
            .executeTakeFirst()
        )?.n ?? 0,
      );

    it('reserves while the lease is held, refuses once it was taken over or expired, and counts nothing then', async () => {
      const limiter = createRateLimiter({ store: createPostgresLimiterStore(db), now: Date.now });
      const fence: Fence = { name: 'delivery:d1', owner: 'hub-a', epoch: 1 };
      await lease('delivery:d1', 'hub-a', 1, 10_000);
      await fenceContext.run(fence, () => limiter.acquire('fenced', windows));
      expect(await used('fenced')).toBe(1);

      // Taken over by another process (a new epoch): the old holder's next call is refused before it goes.
      await lease('delivery:d1', 'hub-b', 2, 10_000);
      const error = await fenceContext.run(fence, () => limiter.acquire('fenced', windows)).catch((e: unknown) => e);
      expect(isLeaseLost(error)).toBe(true);
      expect((error as Error).message).toContain('delivery:d1');
      // Even a bucket with no windows checks the lease: no vendor call after the lease is lost.
      await expect(fenceContext.run(fence, () => limiter.acquire('fenced', []))).rejects.toMatchObject({
        name: 'LeaseLostError',
      });
      // The new holder goes on.
      await fenceContext.run({ ...fence, owner: 'hub-b', epoch: 2 }, () => limiter.acquire('fenced', windows));
      expect(await used('fenced')).toBe(2);

      // Our own lease, expired on the database's clock (the process did not renew it in time).
      await lease('delivery:d2', 'hub-a', 7, -1);
      const expired = { name: 'delivery:d2', owner: 'hub-a', epoch: 7 };
      await expect(fenceContext.run(expired, () => limiter.acquire('fenced', windows))).rejects.toMatchObject({
        name: 'LeaseLostError',
      });
      expect(await used('fenced')).toBe(2);

      // Work that runs for no lease (a pipeline run, a connection test) is not fenced.
      await limiter.acquire('fenced', windows);
      expect(await used('fenced')).toBe(3);
    });
  });

  it('decides exactly as the in-process limiter, slot for slot, at any time (synchub_reserve_at)', async () => {
    const windows: WindowSpec[] = [
      { limit: 14, windowMs: 10_000 },
      { limit: 11, windowMs: 10_000 },
      { limit: 50, windowMs: MINUTE },
      { limit: 400, windowMs: HOUR },
    ];
    const spans = reserveWindowsOf('same', windows);
    let t = Date.UTC(2026, 0, 5, 9, 59, 50, 123);
    const memory = createMemoryLimiterStore();
    const local = createRateLimiter({ store: memory, now: () => t });
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let blocked = 0;
    const by = new Set<number>();
    for (let i = 0; i < 300; i++) {
      t += Math.floor(random() * 1_500);
      const cost = 1 + Math.floor(random() * 3);
      const expected = await local.tryAcquire('same', windows, cost);
      const { rows } = await sql<{ ok: boolean; wait_until: number | null; blocking: number | null }>`
        SELECT ok, wait_until, blocking FROM synchub_reserve_at(${t}::bigint,
          ${spans.map((s) => s.key)}::text[], ${spans.map((s) => s.slotMs)}::bigint[], ${spans.map((s) => s.back)}::bigint[],
          ${spans.map((s) => s.limit)}::bigint[], ${spans.map((s) => s.perSlot)}::bigint[], ${cost}::bigint)`.execute(
        db,
      );
      const got = rows[0];
      expect(got?.ok).toBe(expected.ok);
      if (!expected.ok) {
        blocked++;
        expect(Number(got?.wait_until)).toBe(expected.waitUntil);
        expect(windows[Number(got?.blocking)]).toBe(expected.window);
        by.add(Number(got?.blocking));
      }
    }
    // Both answers were exercised, blocked by more than one window, and the pure decision agrees too.
    expect(blocked).toBeGreaterThan(50);
    expect(blocked).toBeLessThan(250);
    expect(by.size).toBeGreaterThan(1);
    const slotsOf = (key: string) => memory.range?.(key, 0, t) as { windowStart: number; count: number }[];
    expect(decideReservation(spans, slotsOf, 1, t).ok).toBe((await local.tryAcquire('same', windows, 1)).ok);
  });

  it('vendor-reported budgets: processes on one database count each call once and pace on its clock', async () => {
    const rule: UsageBudgetRule = { slowAt: 0.5, stopAt: 0.9, probeAfterMs: HOUR };
    const budgets = pools.map((pool, i) =>
      createUsageBudget({ store: createSqliteUsageStore(pool), now: () => Date.now() + (i - 1) * 30_000 }),
    );
    await budgets[0]?.report('org:api', { used: 480, limit: 1000, windowMs: DAY });
    // 60 concurrent calls from three processes: 480..499 go (20), from 500 on the pace holds them.
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => budgets[i % 3]?.tryAcquire('org:api', rule) ?? Promise.reject()),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    const status = await budgets[2]?.status('org:api', rule);
    expect(status).toMatchObject({ used: 480, spentSince: 20, state: 'slowing' });
    // Two reports at once (a race on replacing the rows) both land, one after the other.
    await Promise.all([
      budgets[1]?.report('org:api', { used: 600, limit: 1000, windowMs: DAY }),
      budgets[2]?.report('org:api', { used: 610, limit: 1000, windowMs: DAY }),
    ]);
    const rows = await db
      .selectFrom('limiter_windows')
      .select('key')
      .where('key', 'in', usageKeys('org:api'))
      .execute();
    expect(rows).toHaveLength(7);
    // The report's time is kept on the database's clock, whichever process's clock was off (30 s)...
    const stored = await db
      .selectFrom('limiter_windows')
      .select('count')
      .where('key', '=', usageKeys('org:api')[3] as string)
      .executeTakeFirstOrThrow();
    expect(Math.abs(Number(stored.count) - (await dbNow()))).toBeLessThan(5_000);
    // ...and shown on the clock of the process that asks.
    const shown = (await budgets[0]?.status('org:api', rule))?.reportedAt as number;
    expect(Math.abs(shown - (Date.now() - 30_000))).toBeLessThan(5_000);
  });

  it('sanity figure: reservations per second of one process (printed, not asserted)', async () => {
    const limiter = createRateLimiter({ store: createPostgresLimiterStore(db), now: Date.now });
    const windows: WindowSpec[] = [
      { limit: 1_000_000, windowMs: MINUTE },
      { limit: 10_000_000, windowMs: DAY },
    ];
    const run = async (workers: number, accountOf: (w: number) => string) => {
      let n = 0;
      const until = Date.now() + 1_500;
      await Promise.all(
        Array.from({ length: workers }, async (_, w) => {
          while (Date.now() < until) {
            await limiter.acquire(accountOf(w), windows);
            n++;
          }
        }),
      );
      return Math.round(n / 1.5);
    };
    const one = await run(1, () => 'speed');
    const shared = await run(4, () => 'speed');
    const spread = await run(4, (w) => `speed-${w}`);
    console.log(
      `reservations/s, one process (pool of 4): 1 worker ${one}; 4 workers on one account ${shared}; 4 workers on 4 accounts ${spread}`,
    );
    expect(one).toBeGreaterThan(0);
  });
});
