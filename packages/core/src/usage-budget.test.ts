import { describe, expect, it } from 'vitest';
import { isConnectorError } from './errors.js';
import { DAY, HOUR, MINUTE } from './rate-limit-policy.js';
import {
  createMemoryUsageStore,
  createUsageBudget,
  decideUsage,
  type UsageBudgetRule,
  type UsageChange,
  type UsageDecision,
  type UsageState,
  type UsageStore,
  usageLines,
} from './usage-budget.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const rule: UsageBudgetRule = { slowAt: 0.5, stopAt: 0.9, probeAfterMs: HOUR };

function setup(maxWaitMs?: number) {
  const clock = { t: T0 };
  const sleeps: number[] = [];
  const store = createMemoryUsageStore();
  const budget = createUsageBudget({
    store,
    now: () => clock.t,
    maxWaitMs,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.t += ms;
    },
  });
  return { clock, sleeps, store, budget };
}

const state = (over: Partial<UsageState>): UsageState => ({
  used: 0,
  limit: 1000,
  windowMs: DAY,
  reportedAt: T0,
  spentSince: 0,
  lastCallAt: 0,
  holdUntil: 0,
  ...over,
});

describe('usage budget: decisions', () => {
  it('lets calls go at once while nothing was reported or the report is older than its window', () => {
    expect(decideUsage(undefined, rule, T0)).toEqual({ ok: true });
    expect(decideUsage(state({ used: 999, reportedAt: T0 - DAY }), rule, T0)).toEqual({ ok: true });
  });

  it('below the slow line calls go back to back; there is no per-minute cap of ours', () => {
    expect(decideUsage(state({ used: 499, lastCallAt: T0 }), rule, T0)).toEqual({ ok: true });
  });

  it('past the slow line spaces calls so that what is left up to the stop line lasts the window', () => {
    // 900 - 600 = 300 calls left for a day: one every 288 s.
    const s = state({ used: 600, lastCallAt: T0 });
    expect(decideUsage(s, rule, T0)).toEqual({ ok: false, reason: 'pacing', waitUntil: T0 + 288_000 });
    expect(decideUsage(s, rule, T0 + 288_000)).toEqual({ ok: true });
    // Our calls not yet in a report count too: the pace tightens.
    expect(decideUsage({ ...s, spentSince: 150 }, rule, T0)).toMatchObject({ waitUntil: T0 + 576_000 });
  });

  it('at the stop line makes no call until a probe is due an hour after the vendor last spoke', () => {
    const s = state({ used: 900, lastCallAt: T0 - MINUTE });
    expect(decideUsage(s, rule, T0 + 59 * MINUTE)).toEqual({ ok: false, reason: 'stopped', waitUntil: T0 + HOUR });
    expect(decideUsage(s, rule, T0 + HOUR)).toEqual({ ok: true });
    // The probe went and got no answer: the next is an hour after it.
    const probed = { ...s, spentSince: 1, lastCallAt: T0 + HOUR };
    expect(decideUsage(probed, rule, T0 + HOUR + 1)).toMatchObject({ reason: 'stopped', waitUntil: T0 + 2 * HOUR });
  });

  it('a hold from the vendor wins until it ends, then one probe goes', () => {
    const s = state({ used: 1000, lastCallAt: T0, holdUntil: T0 + HOUR });
    expect(decideUsage(s, rule, T0 + 1)).toEqual({ ok: false, reason: 'exhausted', waitUntil: T0 + HOUR });
    expect(decideUsage(s, rule, T0 + HOUR)).toEqual({ ok: true });
  });

  it('turns shares into call counts, never pacing past the stop line', () => {
    expect(usageLines(15_000, rule)).toEqual({ slowLine: 7_500, stopLine: 13_500 });
    expect(usageLines(15_000, { ...rule, slowAt: 0.95 })).toEqual({ slowLine: 13_500, stopLine: 13_500 });
    expect(usageLines(100, { ...rule, stopAt: 7 })).toEqual({ slowLine: 50, stopLine: 100 });
  });
});

describe('usage budget: reports and acquire', () => {
  it('follows reports: paces, then stops before the limit and rejects with a retryAt instead of hanging', async () => {
    const { clock, sleeps, budget } = setup(10 * MINUTE);
    await budget.report('sf:org:api', { used: 880, limit: 1000, windowMs: DAY });
    // 20 calls left to the stop line: one every 72 minutes, longer than the 10 minutes acquire sleeps through.
    await budget.acquire('sf:org:api', rule);
    const error = await budget.acquire('sf:org:api', rule).catch((e: unknown) => e);
    expect(isConnectorError(error) && error.code).toBe('rate_limited');
    expect(error).toMatchObject({
      retryAt: T0 + Math.ceil(DAY / 19),
      body: { reason: 'pacing', used: 881, limit: 1000, slowLine: 500, stopLine: 900 },
    });
    expect(sleeps).toEqual([]);

    // The vendor says others spent the rest of the stop line: no call, probe in an hour.
    clock.t += MINUTE;
    await budget.report('sf:org:api', { used: 905, limit: 1000, windowMs: DAY });
    const stopped = await budget.acquire('sf:org:api', rule).catch((e: unknown) => e);
    expect(stopped).toMatchObject({ code: 'rate_limited', retryAt: clock.t + HOUR, body: { reason: 'stopped' } });
    expect((stopped as Error).message).toContain("905 of the account's 1,000 calls are spent");
    expect(await budget.status('sf:org:api', rule)).toMatchObject({
      used: 905,
      limit: 1000,
      remaining: 95,
      state: 'stopped',
      nextCallAt: clock.t + HOUR,
    });
  });

  it('sleeps through a short pace', async () => {
    const { sleeps, budget } = setup();
    // A big org: 800,000 of 1,000,000 used, stop at 900,000: 100,000 calls left for a day, ~865 ms apart.
    await budget.report('a', { used: 800_000, limit: 1_000_000, windowMs: DAY });
    await budget.acquire('a', rule);
    await budget.acquire('a', rule);
    await budget.acquire('a', rule);
    expect(sleeps).toEqual([865, 865]);
  });

  it('a refusal holds every caller of the account until its time; one probe then reads the usage again', async () => {
    const { clock, budget } = setup();
    await budget.report('a', { used: 1000, limit: 1000, windowMs: DAY, exhaustedUntil: T0 + HOUR });
    await expect(budget.acquire('a', rule)).rejects.toMatchObject({
      code: 'rate_limited',
      retryAt: T0 + HOUR,
      body: { reason: 'exhausted' },
    });
    // An answer to a call sent before the refusal does not lift the hold.
    await budget.report('a', { used: 10, limit: 1000, windowMs: DAY });
    expect(await budget.tryAcquire('a', rule)).toMatchObject({ ok: false, reason: 'exhausted' });
    clock.t = T0 + HOUR;
    expect(await budget.tryAcquire('a', rule)).toEqual({ ok: true });
  });

  it('a refusal without counts holds, then lets calls go', async () => {
    const { clock, budget } = setup();
    await budget.report('a', { exhaustedUntil: T0 + HOUR });
    expect(await budget.tryAcquire('a', rule)).toEqual({ ok: false, reason: 'exhausted', waitUntil: T0 + HOUR });
    clock.t = T0 + HOUR;
    expect(await budget.tryAcquire('a', rule)).toEqual({ ok: true });
    expect(await budget.tryAcquire('a', rule)).toEqual({ ok: true });
  });

  it('ignores reports that make no sense and knows nothing of accounts never reported', async () => {
    const { budget } = setup();
    await budget.report('a', { used: Number.NaN, limit: 1000, windowMs: DAY });
    await budget.report('a', { used: 5, limit: 0, windowMs: DAY });
    expect(await budget.status('a', rule)).toBeNull();
    expect(await budget.tryAcquire('b', rule)).toEqual({ ok: true });
  });

  it('counts its own calls between reports, so concurrent jobs cannot overshoot the stop line', async () => {
    const { budget } = setup();
    await budget.report('a', { used: 495, limit: 1000, windowMs: DAY });
    const results = await Promise.all(Array.from({ length: 10 }, () => budget.tryAcquire('a', rule)));
    // 495..499 go back to back; from 500 on the pace applies.
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(await budget.status('a', rule)).toMatchObject({ used: 495, spentSince: 5, state: 'slowing' });
  });
});

/**
 * A usage store shared by several processes, as the hub's PostgreSQL one is: `update` runs read-decide-write
 * under a lock of the account, on the store's clock; `get`/`put` yield to the event loop like a driver.
 */
function sharedStore(clock: { t: number }, atomic: boolean) {
  const inner = createMemoryUsageStore();
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
  let lock: Promise<unknown> = Promise.resolve();
  const store: UsageStore = {
    async get(account) {
      await tick();
      return inner.get(account);
    },
    async put(account, state) {
      await tick();
      inner.put(account, state);
    },
  };
  if (atomic) {
    store.update = <T>(account: string, change: UsageChange<T>) => {
      const run = lock.then(async () => {
        await tick();
        const at = clock.t;
        const out = change(inner.get(account) as UsageState | undefined, at);
        if (out.state) inner.put(account, out.state);
        return { result: out.result, now: at };
      });
      lock = run.catch(() => undefined);
      return run;
    };
  }
  return store;
}

describe('usage budget: one store shared by several processes', () => {
  /** Three budgets (three processes) on one store, their clocks `offsets` ms off the store's. */
  function processes(atomic: boolean, offsets = [0, 0, 0]) {
    const db = { t: T0 };
    const store = sharedStore(db, atomic);
    const sleeps: number[] = [];
    const budgets = offsets.map((offset) =>
      createUsageBudget({
        store,
        now: () => db.t + offset,
        sleep: async (ms) => {
          sleeps.push(ms);
          db.t += ms;
        },
      }),
    );
    return { db, store, sleeps, budgets };
  }

  it('counts every call once across processes, so together they stop at the line (one store step each)', async () => {
    const { budgets } = processes(true);
    await budgets[0]?.report('a', { used: 495, limit: 1000, windowMs: DAY });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => budgets[i % 3]?.tryAcquire('a', rule) as Promise<UsageDecision>),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(await budgets[2]?.status('a', rule)).toMatchObject({ used: 495, spentSince: 5 });
  });

  it('without the store step, separate processes double-spend (why the shared store has one)', async () => {
    const { budgets } = processes(false);
    await budgets[0]?.report('a', { used: 495, limit: 1000, windowMs: DAY });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => budgets[i % 3]?.tryAcquire('a', rule) as Promise<UsageDecision>),
    );
    expect(results.filter((r) => r.ok).length).toBeGreaterThan(5);
  });

  it("paces on the store's clock: a process whose clock is off waits as long as the others", async () => {
    const { db, sleeps, budgets } = processes(true, [0, 30_000, -30_000]);
    // 800,000 of 1,000,000 used, stop at 900,000: one call every 865 ms for every process together.
    await budgets[0]?.report('a', { used: 800_000, limit: 1_000_000, windowMs: DAY });
    for (const budget of budgets) await budget.acquire('a', rule);
    expect(sleeps).toEqual([865, 865]);
    expect(db.t).toBe(T0 + 2 * 865);
  });

  it("keeps the vendor's hold on the store's clock: every process waits until the same moment", async () => {
    const { db, budgets } = processes(true, [0, 30_000, -30_000]);
    // The process 30 s ahead read a refusal "until an hour from now" on its clock.
    await budgets[1]?.report('a', { exhaustedUntil: T0 + 30_000 + HOUR });
    expect(await budgets[2]?.tryAcquire('a', rule)).toEqual({
      ok: false,
      reason: 'exhausted',
      waitUntil: T0 - 30_000 + HOUR,
    });
    expect(await budgets[0]?.status('a', rule)).toMatchObject({ state: 'exhausted', nextCallAt: T0 + HOUR });
    db.t = T0 + HOUR;
    expect(await budgets[2]?.tryAcquire('a', rule)).toEqual({ ok: true });
  });
});
