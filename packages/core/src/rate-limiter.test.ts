import { describe, expect, it } from 'vitest';
import { isConnectorError } from './errors.js';
import { DAY, HOUR, MINUTE, type WindowSpec } from './rate-limit-policy.js';
import { createMemoryLimiterStore, createRateLimiter, type LimiterStore, windowKey } from './rate-limiter.js';

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

describe('window edges', () => {
  it('lets the 100th call of a minute through and holds the 101st until exactly the next minute', async () => {
    const { clock, limiter } = setup(T0 + 1_234);
    expect(await take(limiter, 100, [perMinute])).toBe(100);
    expect(await limiter.tryAcquire('acct', [perMinute])).toEqual({
      ok: false,
      waitUntil: T0 + MINUTE,
      window: perMinute,
    });
    clock.t = T0 + MINUTE - 1;
    expect((await limiter.tryAcquire('acct', [perMinute])).ok).toBe(false);
    clock.t = T0 + MINUTE;
    expect(await limiter.tryAcquire('acct', [perMinute])).toEqual({ ok: true });
  });

  it('aligns windows to the epoch, not to the first call', async () => {
    const { clock, limiter } = setup(T0 + 59_000);
    expect(await take(limiter, 100, [perMinute])).toBe(100);
    clock.t = T0 + MINUTE; // one second after the first call, but a new window
    expect((await limiter.tryAcquire('acct', [perMinute])).ok).toBe(true);
  });
});

describe('several windows at once', () => {
  it('an exhausted day blocks until the next UTC midnight even when the minute has room', async () => {
    const { limiter, store } = setup();
    await store.add([{ key: windowKey('acct', DAY), windowStart: Date.UTC(2024, 2, 7), windowMs: DAY }], 49_999);
    expect((await limiter.tryAcquire('acct', [perMinute, perDay])).ok).toBe(true);
    expect(await limiter.tryAcquire('acct', [perMinute, perDay])).toEqual({
      ok: false,
      waitUntil: MIDNIGHT,
      window: perDay,
    });
    const [minute, day] = await limiter.usage('acct', [perMinute, perDay]);
    expect(minute?.remaining).toBe(99);
    expect(day?.remaining).toBe(0);
  });

  it('answers the latest end when several windows block', async () => {
    const small: WindowSpec[] = [
      { limit: 2, windowMs: MINUTE },
      { limit: 2, windowMs: HOUR },
    ];
    const { limiter } = setup();
    expect(await take(limiter, 2, small)).toBe(2);
    expect(await limiter.tryAcquire('acct', small)).toMatchObject({
      ok: false,
      waitUntil: T0 + HOUR,
      window: small[1],
    });
  });

  it('rolls a day window over at 00:00 UTC', async () => {
    const day: WindowSpec = { limit: 3, windowMs: DAY };
    const { clock, limiter } = setup(MIDNIGHT - 10);
    expect(await take(limiter, 3, [day])).toBe(3);
    clock.t = MIDNIGHT - 1;
    expect(await limiter.tryAcquire('acct', [day])).toMatchObject({ ok: false, waitUntil: MIDNIGHT });
    clock.t = MIDNIGHT;
    expect(await take(limiter, 4, [day])).toBe(3);
  });

  it('is all or nothing: a call the day refuses does not spend the minute', async () => {
    const { limiter } = setup();
    const windows: WindowSpec[] = [perMinute, { limit: 5, windowMs: DAY }];
    expect(await take(limiter, 8, windows)).toBe(5);
    const [minute, day] = await limiter.usage('acct', windows);
    expect(minute?.used).toBe(5);
    expect(day?.used).toBe(5);
  });

  it('is all or nothing the other way: a call the minute refuses does not spend the day', async () => {
    const { limiter } = setup();
    const windows: WindowSpec[] = [{ limit: 2, windowMs: MINUTE }, perDay];
    expect(await take(limiter, 5, windows)).toBe(2);
    expect((await limiter.usage('acct', windows))[1]?.used).toBe(2);
  });

  it('counts two windows of the same length once, against the smaller limit', async () => {
    const { limiter } = setup();
    const windows: WindowSpec[] = [
      { limit: 5, windowMs: MINUTE },
      { limit: 3, windowMs: MINUTE },
    ];
    expect(await take(limiter, 5, windows)).toBe(3);
    expect((await limiter.usage('acct', windows)).map((u) => u.used)).toEqual([3, 3]);
  });

  it('lets anything through when there are no windows', async () => {
    const { limiter } = setup();
    expect(await take(limiter, 3, [])).toBe(3);
  });
});

describe('cost', () => {
  it('takes cost from every window', async () => {
    const { limiter } = setup();
    const windows: WindowSpec[] = [{ limit: 10, windowMs: MINUTE }, perDay];
    expect(await limiter.tryAcquire('acct', windows, 4)).toEqual({ ok: true });
    expect(await limiter.tryAcquire('acct', windows, 4)).toEqual({ ok: true });
    expect((await limiter.tryAcquire('acct', windows, 4)).ok).toBe(false);
    expect(await limiter.tryAcquire('acct', windows, 2)).toEqual({ ok: true });
    expect((await limiter.usage('acct', windows)).map((u) => u.used)).toEqual([10, 10]);
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
  it('fills the current window so calls wait for the roll', async () => {
    const { clock, limiter } = setup(T0 + 5_000);
    expect(await take(limiter, 3, [perMinute, perDay])).toBe(3);
    await limiter.saturate('acct', perMinute);
    expect(await limiter.tryAcquire('acct', [perMinute, perDay])).toMatchObject({
      ok: false,
      waitUntil: T0 + MINUTE,
      window: perMinute,
    });
    const [minute, day] = await limiter.usage('acct', [perMinute, perDay]);
    expect(minute).toMatchObject({ used: 100, remaining: 0 });
    expect(day?.used).toBe(3); // only the named window is filled
    clock.t = T0 + MINUTE;
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
  it('reports used, limit, remaining and when each window resets', async () => {
    const { limiter } = setup(T0 + 30_000);
    expect(await take(limiter, 7, [perMinute, perDay])).toBe(7);
    expect(await limiter.usage('acct', [perMinute, perDay])).toEqual([
      { window: perMinute, used: 7, limit: 100, remaining: 93, resetsAt: T0 + MINUTE },
      { window: perDay, used: 7, limit: 50_000, remaining: 49_993, resetsAt: MIDNIGHT },
    ]);
    expect((await limiter.usage('other', [perMinute]))[0]?.used).toBe(0);
  });
});

describe('accounts and keys', () => {
  it('keeps separate accounts independent', async () => {
    const { limiter } = setup();
    expect(await take(limiter, 100, [perMinute], 'tenant-a:sync')).toBe(100);
    expect((await limiter.tryAcquire('tenant-a:sync', [perMinute])).ok).toBe(false);
    expect(await take(limiter, 100, [perMinute], 'tenant-b:sync')).toBe(100);
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
  it('200 concurrent tryAcquire on 100/min over an async store: exactly 100 get through', async () => {
    const { limiter } = setup(T0, slowStore());
    const results = await Promise.all(Array.from({ length: 200 }, () => limiter.tryAcquire('acct', [perMinute])));
    expect(results.filter((r) => r.ok)).toHaveLength(100);
    expect((await limiter.usage('acct', [perMinute]))[0]?.used).toBe(100);
  });

  it('the serialization is what holds: unserialized callers on the same async store overshoot', async () => {
    const store = slowStore();
    const limiters = Array.from({ length: 200 }, () => setup(T0, store).limiter);
    const results = await Promise.all(limiters.map((l) => l.tryAcquire('acct', [perMinute])));
    expect(results.filter((r) => r.ok).length).toBeGreaterThan(100);
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
  it('waits through the injected sleep until the window rolls', async () => {
    const { clock, limiter, sleeps } = setup(T0 + 45_000);
    expect(await take(limiter, 100, [perMinute])).toBe(100);
    await limiter.acquire('acct', [perMinute]);
    expect(sleeps).toEqual([15_000]);
    expect(clock.t).toBe(T0 + MINUTE);
    expect((await limiter.usage('acct', [perMinute]))[0]?.used).toBe(1);
  });

  it('goes at once when there is room, and honours cost', async () => {
    const { limiter, sleeps } = setup();
    await limiter.acquire('acct', [{ limit: 10, windowMs: MINUTE }], { cost: 6 });
    await limiter.acquire('acct', [{ limit: 10, windowMs: MINUTE }], { cost: 6 });
    expect(sleeps).toEqual([MINUTE]);
  });

  it('waits until midnight when the day is spent', async () => {
    const { clock, limiter, sleeps } = setup(MIDNIGHT - HOUR);
    await limiter.saturate('acct', perDay);
    await limiter.acquire('acct', [perMinute, perDay]);
    expect(sleeps).toEqual([HOUR]);
    expect(clock.t).toBe(MIDNIGHT);
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
    expect(Date.now()).toBeGreaterThanOrEqual(Math.floor(started / 40) * 40 + 40 - 1);

    const day = createRateLimiter({ store: createMemoryLimiterStore(), now: Date.now });
    await day.saturate('acct', perDay);
    const controller = new AbortController();
    const waiting = day.acquire('acct', [perDay], { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});
