import { ConnectorError } from './errors.js';
import type { WindowSpec } from './rate-limit-policy.js';

/**
 * Fixed-window limiter: the vendor's call budget enforced locally, several windows at once
 * (Gainsight sync: 100/minute and 50,000/day). Windows are aligned to the epoch, so a day window
 * rolls at 00:00 UTC like the vendor's. Counts live in a pluggable store so the hub can keep them
 * in SQLite and a restart does not reset a daily budget.
 */

export interface WindowRef {
  /** `<account>|<windowMs>`: one counter per budget and window length. */
  key: string;
  /** Epoch ms at which this window began (`floor(now / windowMs) * windowMs`). */
  windowStart: number;
}

export interface WindowEntry extends WindowRef {
  /** Lets a store expire rows: the window is over at `windowStart + windowMs`. */
  windowMs: number;
}

/**
 * Where counts live. A SQL store maps this onto a table `(key, window_start, count)` with primary
 * key `(key, window_start)`: `get` selects counts (0 when no row), `add` upserts
 * `count = count + by`, and rows whose `window_start + windowMs` has passed may be deleted.
 * The limiter serializes its own calls, so a store needs no locking for a single process.
 */
export interface LimiterStore {
  /** Counts for the given windows, in the same order; 0 for a window never counted. */
  get(entries: WindowRef[]): Promise<number[]> | number[];
  /** Add `by` to every given window's count, creating it when absent. */
  add(entries: WindowEntry[], by: number): Promise<void> | void;
  /** Optional: set every given window's count to exactly `count` (used by `saturate`; `add` otherwise). */
  set?(entries: WindowEntry[], count: number): Promise<void> | void;
}

export type AcquireResult = { ok: true } | { ok: false; waitUntil: number; window: WindowSpec };

export interface WindowUsage {
  window: WindowSpec;
  used: number;
  limit: number;
  remaining: number;
  /** Epoch ms at which this window rolls over. */
  resetsAt: number;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RateLimiterOptions {
  store: LimiterStore;
  now: () => number;
  /** How `acquire` waits; the default uses setTimeout. Tests inject one that advances a fake clock. */
  sleep?: Sleep | undefined;
}

export interface RateLimiter {
  /**
   * Take `cost` from every window of `account` if all of them have room (all or nothing).
   * `account` names one budget: include the bucket (`gainsight:tenant-1:sync`) so two buckets of the
   * same vendor account do not share a counter.
   */
  tryAcquire(account: string, windows: WindowSpec[], cost?: number): Promise<AcquireResult>;
  /** Wait (through `sleep`) until `tryAcquire` gets through. Rejects with the signal's reason on abort. */
  acquire(account: string, windows: WindowSpec[], options?: { cost?: number; signal?: AbortSignal }): Promise<void>;
  /** Mark the current window of this length full: the vendor said 429 even though we counted room. */
  saturate(account: string, window: WindowSpec): Promise<void>;
  usage(account: string, windows: WindowSpec[]): Promise<WindowUsage[]>;
}

export function windowKey(account: string, windowMs: number): string {
  // windowMs is numeric, so splitting at the last '|' is unambiguous whatever the account holds.
  return `${account}|${windowMs}`;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { store, now } = options;
  const sleep = options.sleep ?? defaultSleep;

  // One promise chain: a call runs only after the previous one settled, so a read-then-add on an
  // async store can never let two callers both take the last slot.
  let tail: Promise<unknown> = Promise.resolve();
  function serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  }

  /** The current window of each spec; windows of equal length share one counter. */
  function locate(account: string, windows: WindowSpec[], at: number) {
    const located = windows.map((window) => {
      checkWindow(window);
      const windowStart = Math.floor(at / window.windowMs) * window.windowMs;
      return { window, entry: { key: windowKey(account, window.windowMs), windowStart, windowMs: window.windowMs } };
    });
    const unique = [...new Map(located.map((l) => [l.entry.key, l.entry])).values()];
    return { located, unique };
  }

  async function counts(unique: WindowEntry[]): Promise<Map<string, number>> {
    const values = await store.get(unique.map(({ key, windowStart }) => ({ key, windowStart })));
    return new Map(unique.map((entry, i) => [entry.key, values[i] ?? 0]));
  }

  async function tryAcquireNow(account: string, windows: WindowSpec[], cost: number): Promise<AcquireResult> {
    if (!Number.isInteger(cost) || cost < 1) {
      throw new ConnectorError('config', `Rate limiter cost must be a whole number of at least 1 (got ${cost})`);
    }
    for (const window of windows) {
      if (cost > window.limit) {
        throw new ConnectorError(
          'config',
          `A call costing ${cost} can never fit ${window.limit} per ${describe(window)} for ${account}`,
        );
      }
    }
    const { located, unique } = locate(account, windows, now());
    const used = await counts(unique);
    let blocking: { window: WindowSpec; end: number } | undefined;
    for (const { window, entry } of located) {
      if ((used.get(entry.key) ?? 0) + cost <= window.limit) continue;
      const end = entry.windowStart + window.windowMs;
      if (!blocking || end > blocking.end) blocking = { window, end };
    }
    if (blocking) return { ok: false, waitUntil: blocking.end, window: blocking.window };
    if (unique.length > 0) await store.add(unique, cost);
    return { ok: true };
  }

  return {
    tryAcquire(account, windows, cost = 1) {
      return serialize(() => tryAcquireNow(account, windows, cost));
    },

    async acquire(account, windows, { cost = 1, signal } = {}) {
      for (;;) {
        signal?.throwIfAborted();
        const result = await serialize(() => tryAcquireNow(account, windows, cost));
        if (result.ok) return;
        await sleep(Math.max(0, result.waitUntil - now()), signal);
      }
    },

    saturate(account, window) {
      return serialize(async () => {
        const { unique } = locate(account, [window], now());
        const entry = unique[0]!;
        const used = (await counts(unique)).get(entry.key) ?? 0;
        if (used >= window.limit) return;
        if (store.set) await store.set([entry], window.limit);
        else await store.add([entry], window.limit - used);
      });
    },

    usage(account, windows) {
      return serialize(async () => {
        const { located, unique } = locate(account, windows, now());
        const used = await counts(unique);
        return located.map(({ window, entry }) => {
          const count = used.get(entry.key) ?? 0;
          return {
            window,
            used: count,
            limit: window.limit,
            remaining: Math.max(0, window.limit - count),
            resetsAt: entry.windowStart + window.windowMs,
          };
        });
      });
    },
  };
}

function checkWindow(window: WindowSpec): void {
  if (!Number.isInteger(window.windowMs) || window.windowMs < 1) {
    throw new ConnectorError('config', `A rate-limit window must last a whole number of ms (got ${window.windowMs})`);
  }
  if (!Number.isInteger(window.limit) || window.limit < 0) {
    throw new ConnectorError('config', `A rate-limit window limit must be a whole number (got ${window.limit})`);
  }
}

function describe(window: WindowSpec): string {
  return window.label ?? `${window.windowMs} ms`;
}

const defaultSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** In-process store (tests, and hubs that accept losing counts on restart). Prunes finished windows. */
export function createMemoryLimiterStore(): LimiterStore & { size(): number } {
  // Windows are aligned, so only the current window of a key matters: one slot per key.
  const slots = new Map<string, { windowStart: number; windowMs: number; count: number }>();

  function prune(entries: WindowEntry[]): void {
    // Any window being counted has started, so the latest start is a lower bound for "now".
    const floor = Math.max(...entries.map((e) => e.windowStart));
    for (const [key, slot] of slots) if (slot.windowStart + slot.windowMs <= floor) slots.delete(key);
  }

  return {
    get(entries) {
      return entries.map(({ key, windowStart }) => {
        const slot = slots.get(key);
        return slot && slot.windowStart === windowStart ? slot.count : 0;
      });
    },
    add(entries, by) {
      if (entries.length === 0) return;
      prune(entries);
      for (const { key, windowStart, windowMs } of entries) {
        const slot = slots.get(key);
        if (slot && slot.windowStart === windowStart) slot.count += by;
        else if (!slot || slot.windowStart < windowStart) slots.set(key, { windowStart, windowMs, count: by });
      }
    },
    set(entries, count) {
      if (entries.length === 0) return;
      prune(entries);
      for (const { key, windowStart, windowMs } of entries) slots.set(key, { windowStart, windowMs, count });
    },
    size: () => slots.size,
  };
}
