import { describe, expect, it } from 'vitest';
import { isConnectorError } from './errors.js';
import { DAY, HOUR, MINUTE, type WindowSpec } from './rate-limit-policy.js';
import {
  createMemoryLimiterStore,
  createRateLimiter,
  decideReservation,
  type LimiterStore,
  type ReserveRequest,
  type ReserveWindow,
  reserveWindowsOf,
  type SlotCount,
  slotMsOf,
  windowKey,
} from './rate-limiter.js';

const perMinute: WindowSpec = { limit: 100, windowMs: MINUTE, label: 'minute' };
const perDay: WindowSpec = { limit: 50_000, windowMs: DAY, label: 'day' };
// 2024-03-07 10:00:00.000 UTC: a minute (not a day) boundary.
const T0 = Date.UTC(2024, 2, 7, 10, 0, 0);
const MIDNIGHT = Date.UTC(2024, 2, 8);

function setup(start = T0, store: LimiterStore = createMemoryLimiterStore()) {
  const clock = { t: start };
  const sleeps: number[] = [];
  const limiter = createRateLimiter({
    store,
    now: () => clock.t,
    // A sleep that moves the fake clock: acquire() then observes the window roll.
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.t += ms;
    },
  });
  return { clock, limiter, store, sleeps };
}

async function take(limiter: ReturnType<typeof setup>['limiter'], n: number, windows: WindowSpec[], account = 'acct') {
  let ok = 0;
  for (let i = 0; i < n; i++) if ((await limiter.tryAcquire(account, windows)).ok) ok++;
  return ok;
}

/** A store whose every call yields to the event loop, like a real database driver would. */
function slowStore(inner = createMemoryLimiterStore()): LimiterStore {
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    async get(entries) {
      await tick();
      return inner.get(entries);
    },
    async add(entries, by) {
      await tick();
      await inner.add(entries, by);
    },
  };
}

/** Calls as fast as the limiter lets them (a backlog) for `ms` of fake time; each call takes `callMs`. */
async function backlog(ctx: ReturnType<typeof setup>, ms: number, windows: WindowSpec[], callMs = 20) {
  const calls: number[] = [];
  const end = ctx.clock.t + ms;
  while (ctx.clock.t < end) {
    await ctx.limiter.acquire('acct', windows);
    calls.push(ctx.clock.t);
    ctx.clock.t += callMs;
  }
  return calls;
}

/** Most calls inside any stretch of `span` ms. */
function maxIn(calls: number[], span: number): number {
  let max = 0;
  for (let i = 0, j = 0; i < calls.length; i++) {
    while ((calls[i] as number) - (calls[j] as number) >= span) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

describe('a rolling window that needs no shared clock', () => {
  it('never lets a vendor window see more than the limit, whatever the offset of its clock', async () => {
    const ctx = setup(T0 + 1_234);
    const calls = await backlog(ctx, 10 * MINUTE, [perMinute, perDay]);
    // Every 60 s stretch, so every fixed minute of a vendor at any clock offset, holds at most 100 calls;
    // a stretch half a second longer too (the margin that absorbs calls reaching the vendor unevenly).
    expect(maxIn(calls, MINUTE)).toBe(100);
    expect(maxIn(calls, MINUTE + 500)).toBeLessThanOrEqual(100);
    for (let offset = -30_000; offset <= 30_000; offset += 1_700) {
      const perMinuteOfVendor = new Map<number, number>();
      for (const at of calls) {
        const m = Math.floor((at + offset) / MINUTE);
        perMinuteOfVendor.set(m, (perMinuteOfVendor.get(m) ?? 0) + 1);
      }
      expect(Math.max(...perMinuteOfVendor.values())).toBeLessThanOrEqual(100);
    }
  });

  it('spends the budget evenly: after the first minute every minute of a backlog gets ~98 calls', async () => {
    const ctx = setup(T0 + 45_500);
    const calls = await backlog(ctx, 8 * MINUTE, [perMinute, perDay]);
    for (const offset of [0, 20_000, -20_000]) {
      const counts = new Map<number, number>();
      for (const at of calls) {
        const m = Math.floor((at + offset) / MINUTE);
        counts.set(m, (counts.get(m) ?? 0) + 1);
      }
      // Whole minutes after the first rolling window (61 s) has passed.
      const start = Math.ceil((T0 + 45_500 + 61_000 + offset) / MINUTE);
      const steady = [...counts].filter(([m]) => m >= start && m < start + 6).map(([, n]) => n);
      expect(steady).toHaveLength(6);
      for (const n of steady) expect(n).toBeGreaterThanOrEqual(96);
    }
  });

  it('lets a quiet account send half its budget at once, then one call per slot', async () => {
    const { clock, limiter, sleeps } = setup(T0 + 1_234);
    expect(await take(limiter, 60, [perMinute])).toBe(50);
    expect(await limiter.tryAcquire('acct', [perMinute])).toEqual({
      ok: false,
      waitUntil: T0 + 1_500,
      window: perMinute,
    });
    clock.t = T0 + 1_500;
    expect(await take(limiter, 2, [perMinute])).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('holds the 101st call until the oldest calls stop counting: the window plus a margin', async () => {
    const ctx = setup(T0 + 1_234);
    const calls = await backlog(ctx, 70_000, [perMinute], 0);
    const first = calls[0] as number;
    expect(calls[99]! - first).toBeLessThan(MINUTE);
    // The first call's slot (T0+1000) counts for 61 slots of 0.5 s after the 121 of the window.
    expect(calls[100]).toBe(T0 + 1_000 + 122 * 500);
    expect(calls[100]! - first).toBeGreaterThanOrEqual(MINUTE + 500);
  });
});

describe('several windows at once', () => {
  it('an exhausted day blocks until its oldest calls stop counting, even when the minute has room', async () => {
    const { limiter } = setup();
    await limiter.saturate('acct', perDay);
    const blocked = await limiter.tryAcquire('acct', [perMinute, perDay]);
    expect(blocked).toMatchObject({ ok: false, window: perDay });
    const slot = slotMsOf(DAY);
    expect((blocked as { waitUntil: number }).waitUntil).toBe(T0 + DAY + 2 * slot);
    const [minute, day] = await limiter.usage('acct', [perMinute, perDay]);
    expect(minute?.remaining).toBe(100);
    expect(day?.remaining).toBe(0);
  });

  it('answers the latest end when several windows block', async () => {
    const small: WindowSpec[] = [
      { limit: 2, windowMs: MINUTE },
      { limit: 2, windowMs: HOUR },
    ];
    const { limiter } = setup();
    expect(await take(limiter, 1, small)).toBe(1);
    const ctx = setup();
    await ctx.limiter.acquire('acct', small);
    await ctx.limiter.acquire('acct', small);
    const blocked = await ctx.limiter.tryAcquire('acct', small);
    expect(blocked).toMatchObject({ ok: false, window: small[1] });
    expect((blocked as { waitUntil: number }).waitUntil).toBe(T0 + HOUR + 2 * slotMsOf(HOUR));
  });

  it('is all or nothing: a call the day refuses does not spend the minute', async () => {
    const ctx = setup();
    const windows: WindowSpec[] = [perMinute, { limit: 5, windowMs: DAY }];
    for (let i = 0; i < 5; i++) await ctx.limiter.acquire('acct', windows);
    const before = (await ctx.limiter.usage('acct', windows))[0]?.used;
    expect((await ctx.limiter.tryAcquire('acct', windows)).ok).toBe(false);
    const [minute, day] = await ctx.limiter.usage('acct', windows);
    expect(minute?.used).toBe(before);
    expect(day?.used).toBe(5);
  });

  it('is all or nothing the other way: a call the minute refuses does not spend the day', async () => {
    const { limiter } = setup();
    const windows: WindowSpec[] = [{ limit: 2, windowMs: MINUTE }, perDay];
    expect(await take(limiter, 5, windows)).toBe(1);
    expect((await limiter.usage('acct', windows))[1]?.used).toBe(1);
  });

  it('counts two windows of the same length once, against the smaller limit', async () => {
    const ctx = setup();
    const windows: WindowSpec[] = [
      { limit: 5, windowMs: MINUTE },
      { limit: 3, windowMs: MINUTE },
    ];
    for (let i = 0; i < 3; i++) await ctx.limiter.acquire('acct', windows);
    expect((await ctx.limiter.tryAcquire('acct', windows)).ok).toBe(false);
    expect((await ctx.limiter.usage('acct', windows)).map((u) => u.used)).toEqual([3, 3]);
  });

  it('lets anything through when there are no windows', async () => {
    const { limiter } = setup();
    expect(await take(limiter, 3, [])).toBe(3);
  });
});

describe('cost', () => {
  it('takes cost from every window', async () => {
    const ctx = setup();
    const windows: WindowSpec[] = [{ limit: 10, windowMs: MINUTE }, perDay];
    await ctx.limiter.acquire('acct', windows, { cost: 4 });
    await ctx.limiter.acquire('acct', windows, { cost: 4 });
    expect((await ctx.limiter.tryAcquire('acct', windows, 4)).ok).toBe(false);
    await ctx.limiter.acquire('acct', windows, { cost: 2 });
    expect((await ctx.limiter.usage('acct', windows)).map((u) => u.used)).toEqual([10, 10]);
  });

  it('refuses a cost that can never fit, or that is not a positive whole number', async () => {
    const { limiter } = setup();
    for (const cost of [11, 0, -1, 1.5]) {
      const error = await limiter.tryAcquire('acct', [{ limit: 10, windowMs: MINUTE }], cost).catch((e: unknown) => e);
      expect(isConnectorError(error) && error.code).toBe('config');
    }
  });

  it('refuses a malformed window', async () => {
    const { limiter } = setup();
    for (const window of [
      { limit: 5, windowMs: 0 },
      { limit: 5, windowMs: 1.5 },
      { limit: Number.NaN, windowMs: MINUTE },
    ]) {
      const error = await limiter.tryAcquire('acct', [window]).catch((e: unknown) => e);
      expect(isConnectorError(error) && error.code).toBe('config');
    }
  });
});

describe('saturate', () => {
  it('fills the window from now on so calls wait until it has rolled by', async () => {
    const { clock, limiter } = setup(T0 + 5_000);
    expect(await take(limiter, 3, [perMinute, perDay])).toBe(3);
    await limiter.saturate('acct', perMinute);
    expect(await limiter.tryAcquire('acct', [perMinute, perDay])).toMatchObject({
      ok: false,
      waitUntil: T0 + 5_000 + 61_000,
      window: perMinute,
    });
    const [minute, day] = await limiter.usage('acct', [perMinute, perDay]);
    expect(minute).toMatchObject({ used: 100, remaining: 0 });
    expect(day?.used).toBe(3); // only the named window is filled
    clock.t = T0 + 5_000 + 61_000;
    expect((await limiter.tryAcquire('acct', [perMinute, perDay])).ok).toBe(true);
  });

  it('works with a store that has no set()', async () => {
    const { limiter } = setup(T0, slowStore());
    expect(await take(limiter, 7, [perMinute])).toBe(7);
    await limiter.saturate('acct', perMinute);
    await limiter.saturate('acct', perMinute); // already full: no overshoot
    expect((await limiter.usage('acct', [perMinute]))[0]).toMatchObject({ used: 100, remaining: 0 });
  });
});

describe('usage', () => {
  it('reports used, limit, remaining and when the oldest counted call stops counting', async () => {
    const { limiter } = setup(T0 + 30_000);
    expect(await take(limiter, 7, [perMinute, perDay])).toBe(7);
    const daySlot = slotMsOf(DAY);
    const dayStart = Math.floor((T0 + 30_000) / daySlot) * daySlot;
    expect(await limiter.usage('acct', [perMinute, perDay])).toEqual([
      { window: perMinute, used: 7, limit: 100, remaining: 93, resetsAt: T0 + 30_000 + 61_000 },
      { window: perDay, used: 7, limit: 50_000, remaining: 49_993, resetsAt: dayStart + DAY + 2 * daySlot },
    ]);
    expect((await limiter.usage('other', [perMinute]))[0]).toMatchObject({ used: 0, resetsAt: T0 + 30_000 });
  });
});

describe('accounts and keys', () => {
  it('keeps separate accounts independent', async () => {
    const { limiter } = setup();
    await limiter.saturate('tenant-a:sync', perMinute);
    expect((await limiter.tryAcquire('tenant-a:sync', [perMinute])).ok).toBe(false);
    expect(await take(limiter, 50, [perMinute], 'tenant-b:sync')).toBe(50);
    expect(await take(limiter, 1, [perMinute], 'tenant-a:bulk')).toBe(1);
  });

  it('keys each window by account and length so a minute and a day never share a counter', async () => {
    const store = createMemoryLimiterStore();
    const { limiter } = setup(T0, store);
    await take(limiter, 2, [perMinute, perDay]);
    expect(store.size()).toBe(2);
    expect(windowKey('acct', MINUTE)).not.toBe(windowKey('acct', DAY));
    expect(windowKey('a|1', MINUTE)).not.toBe(windowKey('a', 1));
    expect(store.get([{ key: windowKey('acct', MINUTE), windowStart: T0 }])).toEqual([2]);
    expect(store.range?.(windowKey('acct', MINUTE), T0 - MINUTE, T0)).toEqual([{ windowStart: T0, count: 2 }]);
  });
});

describe('memory store', () => {
  it('prunes windows that have ended', async () => {
    const store = createMemoryLimiterStore();
    const { clock, limiter } = setup(T0, store);
    await take(limiter, 1, [perMinute], 'a');
    await take(limiter, 1, [perMinute], 'b');
    expect(store.size()).toBe(2);
    clock.t = T0 + 2 * MINUTE;
    await take(limiter, 1, [perMinute], 'c');
    expect(store.size()).toBe(1);
  });

  it('answers 0 for a window it holds another start for', () => {
    const store = createMemoryLimiterStore();
    store.add([{ key: 'k', windowStart: 0, windowMs: MINUTE }], 5);
    expect(
      store.get([
        { key: 'k', windowStart: MINUTE },
        { key: 'missing', windowStart: 0 },
      ]),
    ).toEqual([0, 0]);
  });
});

describe('concurrency', () => {
  it('200 concurrent tryAcquire on 100/min over an async store: exactly the 50 of a burst get through', async () => {
    const { limiter } = setup(T0, slowStore());
    const results = await Promise.all(Array.from({ length: 200 }, () => limiter.tryAcquire('acct', [perMinute])));
    expect(results.filter((r) => r.ok)).toHaveLength(50);
    expect((await limiter.usage('acct', [perMinute]))[0]?.used).toBe(50);
  });

  it('the serialization is what holds: unserialized callers on the same async store overshoot', async () => {
    const store = slowStore();
    const limiters = Array.from({ length: 200 }, () => setup(T0, store).limiter);
    const results = await Promise.all(limiters.map((l) => l.tryAcquire('acct', [perMinute])));
    expect(results.filter((r) => r.ok).length).toBeGreaterThan(50);
  });

  it('a failing store call does not jam the queue', async () => {
    let fail = true;
    const inner = createMemoryLimiterStore();
    const store: LimiterStore = {
      get: (entries) => {
        if (fail) throw new Error('disk full');
        return inner.get(entries);
      },
      add: (entries, by) => inner.add(entries, by),
    };
    const { limiter } = setup(T0, store);
    await expect(limiter.tryAcquire('acct', [perMinute])).rejects.toThrow('disk full');
    fail = false;
    expect(await limiter.tryAcquire('acct', [perMinute])).toEqual({ ok: true });
  });
});

describe('acquire', () => {
  it('waits through the injected sleep until room comes back', async () => {
    const { clock, limiter, sleeps } = setup(T0 + 45_000);
    await limiter.saturate('acct', perMinute);
    await limiter.acquire('acct', [perMinute]);
    expect(sleeps).toEqual([61_000]);
    expect(clock.t).toBe(T0 + 45_000 + 61_000);
    expect((await limiter.usage('acct', [perMinute]))[0]?.used).toBe(1);
  });

  it('goes at once when there is room, and honours cost', async () => {
    const { limiter, sleeps } = setup();
    await limiter.acquire('acct', [{ limit: 10, windowMs: MINUTE }], { cost: 6 });
    await limiter.acquire('acct', [{ limit: 10, windowMs: MINUTE }], { cost: 6 });
    expect(sleeps).toEqual([MINUTE + 1_000]);
  });

  it('waits for the day to roll by when the day is spent', async () => {
    const { clock, limiter, sleeps } = setup(MIDNIGHT - HOUR);
    await limiter.saturate('acct', perDay);
    await limiter.acquire('acct', [perMinute, perDay]);
    expect(sleeps).toHaveLength(1);
    expect(clock.t).toBe(MIDNIGHT - HOUR + DAY + 2 * slotMsOf(DAY));
  });

  it('rejects at once when the signal is already aborted, without spending', async () => {
    const { limiter } = setup();
    const controller = new AbortController();
    controller.abort();
    await expect(limiter.acquire('acct', [perMinute], { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect((await limiter.usage('acct', [perMinute]))[0]?.used).toBe(0);
  });

  it('stops waiting when aborted during the sleep, even if the sleep ignores the signal', async () => {
    const controller = new AbortController();
    const limiter = createRateLimiter({
      store: createMemoryLimiterStore(),
      now: () => T0,
      sleep: async () => controller.abort(new Error('run cancelled')),
    });
    await limiter.saturate('acct', perMinute);
    await expect(limiter.acquire('acct', [perMinute], { signal: controller.signal })).rejects.toThrow('run cancelled');
  });

  it('default sleep: waits on a real timer and rejects on abort', async () => {
    const tiny: WindowSpec = { limit: 1, windowMs: 40 };
    const limiter = createRateLimiter({ store: createMemoryLimiterStore(), now: Date.now });
    await limiter.acquire('acct', [tiny]);
    const started = Date.now();
    await limiter.acquire('acct', [tiny]);
    expect(Date.now()).toBeGreaterThanOrEqual(started + 40 - 1);

    const day = createRateLimiter({ store: createMemoryLimiterStore(), now: Date.now });
    await day.saturate('acct', perDay);
    const controller = new AbortController();
    const waiting = day.acquire('acct', [perDay], { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});

/**
 * A store that reserves on its own clock (as a database shared by several processes does): the same
 * counts as the memory store, decided by `decideReservation` at the store's now, in one step.
 */
function reservingStore(clock: { t: number }) {
  const inner = createMemoryLimiterStore();
  const requests: ReserveRequest[] = [];
  const fills: ReserveWindow[] = [];
  const slotsOf = (w: ReserveWindow, at: number) => {
    const current = Math.floor(at / w.slotMs) * w.slotMs;
    return (inner.range?.(w.key, current - w.back * w.slotMs, current) ?? []) as SlotCount[];
  };
  const entry = (w: ReserveWindow, at: number) => ({
    key: w.key,
    windowStart: Math.floor(at / w.slotMs) * w.slotMs,
    windowMs: (w.back + 1) * w.slotMs,
  });
  const store: LimiterStore = {
    get: () => {
      throw new Error('a reserving store is not read by the limiter');
    },
    add: () => {
      throw new Error('a reserving store is not added to by the limiter');
    },
    range: (key, from, to) => inner.range?.(key, from, to) ?? [],
    async reserve(request) {
      requests.push(request);
      const at = clock.t;
      const decision = decideReservation(
        request.windows,
        (key) => slotsOf(request.windows.find((w) => w.key === key) as ReserveWindow, at),
        request.cost,
        at,
      );
      if (!decision.ok) return { ...decision, now: at };
      const unique = [...new Map(request.windows.map((w) => [w.key, w])).values()];
      inner.add(
        unique.map((w) => entry(w, at)),
        request.cost,
      );
      return { ok: true, now: at };
    },
    async fill(w) {
      fills.push(w);
      const used = slotsOf(w, clock.t).reduce((n, s) => n + s.count, 0);
      if (used < w.limit) inner.add([entry(w, clock.t)], w.limit - used);
    },
  };
  return { store, requests, fills, inner };
}

/** A limiter whose clock is `offset` ms off the store's; both move together when it sleeps. */
function offsetSetup(offset: number, start = T0 + 1_234) {
  const db = { t: start };
  const reserving = reservingStore(db);
  const sleeps: number[] = [];
  const limiter = createRateLimiter({
    store: reserving.store,
    now: () => db.t + offset,
    sleep: async (ms) => {
      sleeps.push(ms);
      db.t += ms;
    },
  });
  return { db, limiter, sleeps, ...reserving };
}

describe('a store that reserves atomically (several processes on one database)', () => {
  it('hands the store every window as data, with the cost; the store takes "now"', async () => {
    const { limiter, requests } = offsetSetup(0);
    await limiter.acquire('acct', [perMinute, perDay], { cost: 2 });
    expect(requests).toEqual([
      {
        cost: 2,
        windows: [
          { key: windowKey('acct', MINUTE), slotMs: 500, back: 121, limit: 100, perSlot: 1 },
          { key: windowKey('acct', DAY), slotMs: 144_000, back: 601, limit: 50_000, perSlot: 84 },
        ],
      },
    ]);
    expect(reserveWindowsOf('acct', [perMinute, perDay])).toEqual(requests[0]?.windows);
  });

  it("waits for the store's waitUntil measured on the store's clock, whatever the process clock says", async () => {
    for (const offset of [-30_000, 0, 30_000]) {
      const { db, limiter, sleeps, fills } = offsetSetup(offset, T0 + 45_000);
      await limiter.saturate('acct', perMinute);
      expect(fills).toHaveLength(1);
      await limiter.acquire('acct', [perMinute]);
      // Full from the store's T0+45 s: room at T0+45 s + 61 s on its clock, 61 s later for every process.
      expect(sleeps).toEqual([61_000]);
      expect(db.t).toBe(T0 + 45_000 + 61_000);
    }
  });

  it('answers tryAcquire on the caller clock, and which window blocks', async () => {
    const { limiter } = offsetSetup(30_000, T0 + 5_000);
    await limiter.saturate('acct', perDay);
    const blocked = await limiter.tryAcquire('acct', [perMinute, perDay]);
    expect(blocked).toMatchObject({ ok: false, window: perDay });
    const daySlot = slotMsOf(DAY);
    const storeEnd = Math.floor((T0 + 5_000) / daySlot) * daySlot + DAY + 2 * daySlot;
    expect((blocked as { waitUntil: number }).waitUntil).toBe(storeEnd + 30_000);
  });

  it('grants exactly what the in-process limiter grants, call for call, at any clock offset', async () => {
    const windows: WindowSpec[] = [
      { limit: 7, windowMs: 10_000, label: 'ten seconds' },
      { limit: 20, windowMs: MINUTE, label: 'minute' },
    ];
    const local = setup(T0 + 321);
    const shared = offsetSetup(-17_000, T0 + 321);
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 400; i++) {
      const step = Math.floor(random() * 900);
      local.clock.t += step;
      shared.db.t += step;
      const cost = 1 + Math.floor(random() * 3);
      const a = await local.limiter.tryAcquire('acct', windows, cost);
      const b = await shared.limiter.tryAcquire('acct', windows, cost);
      expect(b.ok).toBe(a.ok);
      if (!a.ok && !b.ok) {
        expect(b.window).toBe(a.window);
        expect(b.waitUntil + 17_000).toBe(a.waitUntil);
      }
    }
    expect(shared.requests).toHaveLength(400);
  });

  it('is all or nothing: what the store refuses it does not count', async () => {
    const { limiter, inner } = offsetSetup(0, T0);
    const windows: WindowSpec[] = [perMinute, { limit: 1, windowMs: DAY }];
    expect(await take(limiter, 5, windows)).toBe(1);
    expect(inner.size()).toBe(2);
    // The minute had room for the four the day refused: none of them was counted there.
    expect(inner.get([{ key: windowKey('acct', MINUTE), windowStart: T0 }])).toEqual([1]);
  });

  it('lets no call go when the store refuses the reservation (the work is no longer ours)', async () => {
    const sleeps: number[] = [];
    const limiter = createRateLimiter({
      store: {
        get: () => [],
        add: () => {},
        reserve: async () => {
          throw new Error('lease lost');
        },
      },
      now: () => T0,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    await expect(limiter.acquire('acct', [perMinute])).rejects.toThrow('lease lost');
    // Even a bucket without windows asks the store: it is where the work's ownership is checked.
    await expect(limiter.acquire('acct', [])).rejects.toThrow('lease lost');
    expect(sleeps).toEqual([]);
  });

  it('still refuses a malformed cost or window before asking the store', async () => {
    const { limiter, requests } = offsetSetup(0);
    for (const cost of [0, 101]) {
      const error = await limiter.tryAcquire('acct', [perMinute], cost).catch((e: unknown) => e);
      expect(isConnectorError(error) && error.code).toBe('config');
    }
    const error = await limiter.saturate('acct', { limit: 1, windowMs: 0 }).catch((e: unknown) => e);
    expect(isConnectorError(error) && error.code).toBe('config');
    expect(requests).toEqual([]);
  });
});

describe('usage with a store that has its own clock', () => {
  it("reads the slots the store counted at its now, and answers resetsAt on the caller's clock", async () => {
    const { db, limiter, store } = offsetSetup(-30_000, T0 + 10_000);
    store.now = async () => db.t;
    await limiter.acquire('acct', [perMinute]);
    const [minute] = await limiter.usage('acct', [perMinute]);
    expect(minute).toMatchObject({ used: 1, resetsAt: T0 + 10_000 + 61_000 - 30_000 });
  });
});
