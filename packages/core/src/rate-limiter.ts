import { ConnectorError } from './errors.js';
import type { WindowSpec } from './rate-limit-policy.js';

/**
 * The vendor's call budget enforced locally, several windows at once (Gainsight sync: 100/minute and
 * 50,000/day), without sharing the vendor's clock.
 *
 * A vendor counts in fixed windows that start when *its* clock says so (Gainsight: no header tells when).
 * A limiter with its own fixed windows can then let a full window's worth through at the end of one of
 * its windows and again at the start of the next, both inside one vendor window: 429s. So each window is
 * enforced as a rolling one, with a margin: at most `limit` calls in any stretch of `windowMs + slot`
 * (counted in slots of 1/600 of the window, at least 0.5 s; the margin is one to two slots, 0.5–1 s for
 * a minute, which also covers calls that take different times to reach the vendor). Any fixed window the
 * vendor may use, at any offset, lies inside such a stretch, so it never sees more than `limit`.
 *
 * A rolling window repeats whatever pattern filled it: a burst of 100 calls frees its room all at once
 * 61 s later and goes again as a burst, leaving whole minutes of the vendor's with nothing in them. So
 * once half of a window is used, calls are also spread: at most `ceil(limit / (windowMs / slot))` per
 * slot (one per half second for 100/minute). A backlog then runs at ~98 calls a minute in every minute
 * after the first (100 per 61 s), while
 * a quiet destination's small windows still go at once. Counts live in a pluggable store so the hub can
 * keep them in SQLite and a restart does not reset a daily budget.
 */

export interface WindowRef {
  /** `<account>|<windowMs>`: one counter per budget and window length. */
  key: string;
  /** Epoch ms at which this counter's slot began (`floor(now / slotMs) * slotMs`). */
  windowStart: number;
}

export interface WindowEntry extends WindowRef {
  /** Lets a store expire rows: the slot no longer counts at `windowStart + windowMs`. */
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
  /** Optional: set every given window's count to exactly `count`. */
  set?(entries: WindowEntry[], count: number): Promise<void> | void;
  /**
   * Optional: the counted slots of `key` starting from `from` to `to` (inclusive), oldest first, with
   * their counts (slots never counted may be left out). Without it the limiter asks `get` for each slot.
   */
  range?(key: string, from: number, to: number): Promise<SlotCount[]> | SlotCount[];
}

export interface SlotCount {
  windowStart: number;
  count: number;
}

export type AcquireResult = { ok: true } | { ok: false; waitUntil: number; window: WindowSpec };

export interface WindowUsage {
  window: WindowSpec;
  /** Calls in the rolling window (the window's length plus the safety margin) ending now. */
  used: number;
  limit: number;
  remaining: number;
  /** Epoch ms at which the oldest counted call stops counting (room comes back); now when none counts. */
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
  /** Mark the window full from now on: the vendor said 429 even though we counted room. */
  saturate(account: string, window: WindowSpec): Promise<void>;
  usage(account: string, windows: WindowSpec[]): Promise<WindowUsage[]>;
}

export function windowKey(account: string, windowMs: number): string {
  // windowMs is numeric, so splitting at the last '|' is unambiguous whatever the account holds.
  return `${account}|${windowMs}`;
}

/** The slot a window is counted in: 1/600 of it, at least 0.5 s (windows under a minute: 1/60 of them). */
export function slotMsOf(windowMs: number): number {
  if (windowMs < 60_000) return Math.max(1, Math.ceil(windowMs / 60));
  return Math.max(500, Math.ceil(windowMs / 600));
}

/** Where one window of an account is counted at a moment: its slots and the stretch they cover. */
interface Span {
  window: WindowSpec;
  key: string;
  slotMs: number;
  /** Slots before the current one that still count: the window plus a margin of one to two slots. */
  back: number;
  current: number;
  from: number;
  /** Most calls per slot once the window is half used (spreads a backlog evenly). */
  perSlot: number;
}

function spanOf(account: string, window: WindowSpec, at: number): Span {
  checkWindow(window);
  const slotMs = slotMsOf(window.windowMs);
  const back = Math.ceil(window.windowMs / slotMs) + 1;
  const current = Math.floor(at / slotMs) * slotMs;
  return {
    window,
    key: windowKey(account, window.windowMs),
    slotMs,
    back,
    current,
    from: current - back * slotMs,
    perSlot: Math.max(1, Math.ceil((window.limit * slotMs) / window.windowMs)),
  };
}

/** The slot row to write: kept by the store for as long as it counts. */
const entryOf = (span: Span): WindowEntry => ({
  key: span.key,
  windowStart: span.current,
  windowMs: (span.back + 1) * span.slotMs,
});

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

  /** The spans of `windows` now; windows of equal length share one counter (the smaller limit holds). */
  function locate(account: string, windows: WindowSpec[], at: number) {
    const located = windows.map((window) => spanOf(account, window, at));
    const unique = [...new Map(located.map((l) => [l.key, l])).values()];
    return { located, unique };
  }

  async function slotsOf(span: Span): Promise<SlotCount[]> {
    if (store.range) return (await store.range(span.key, span.from, span.current)).filter((s) => s.count > 0);
    const starts = Array.from({ length: span.back + 1 }, (_, i) => span.from + i * span.slotMs);
    const counts = await store.get(starts.map((windowStart) => ({ key: span.key, windowStart })));
    return starts.map((windowStart, i) => ({ windowStart, count: counts[i] ?? 0 })).filter((s) => s.count > 0);
  }

  async function countsOf(unique: Span[]): Promise<Map<string, SlotCount[]>> {
    const out = new Map<string, SlotCount[]>();
    for (const span of unique) out.set(span.key, await slotsOf(span));
    return out;
  }

  const sum = (slots: SlotCount[]) => slots.reduce((n, s) => n + s.count, 0);

  /** When a call of `cost` could go in this span, or undefined when it can go now. */
  function blockedUntil(span: Span, slots: SlotCount[], cost: number): number | undefined {
    const { limit } = span.window;
    const used = sum(slots);
    if (used + cost > limit) {
      // Room comes back as the oldest slots stop counting.
      let freed = 0;
      for (const slot of slots) {
        freed += slot.count;
        if (used - freed + cost <= limit) return slot.windowStart + (span.back + 1) * span.slotMs;
      }
      return span.current + (span.back + 1) * span.slotMs;
    }
    const inSlot = slots.find((s) => s.windowStart === span.current)?.count ?? 0;
    if (2 * used >= limit && inSlot > 0 && inSlot + cost > span.perSlot) return span.current + span.slotMs;
    return undefined;
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
    const counts = await countsOf(unique);
    let blocking: { window: WindowSpec; end: number } | undefined;
    for (const span of located) {
      const end = blockedUntil(span, counts.get(span.key) ?? [], cost);
      if (end !== undefined && (!blocking || end > blocking.end)) blocking = { window: span.window, end };
    }
    if (blocking) return { ok: false, waitUntil: blocking.end, window: blocking.window };
    if (unique.length > 0) await store.add(unique.map(entryOf), cost);
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
        const span = spanOf(account, window, now());
        const used = sum(await slotsOf(span));
        if (used < window.limit) await store.add([entryOf(span)], window.limit - used);
      });
    },

    usage(account, windows) {
      return serialize(async () => {
        const at = now();
        const { located, unique } = locate(account, windows, at);
        const counts = await countsOf(unique);
        return located.map((span) => {
          const slots = counts.get(span.key) ?? [];
          const used = sum(slots);
          const oldest = slots[0];
          return {
            window: span.window,
            used,
            limit: span.window.limit,
            remaining: Math.max(0, span.window.limit - used),
            resetsAt: oldest ? oldest.windowStart + (span.back + 1) * span.slotMs : at,
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

/** setTimeout as a promise that rejects with the signal's reason when aborted (shared with the usage budget). */
export const defaultSleep: Sleep = (ms, signal) =>
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

/** In-process store (tests, and hubs that accept losing counts on restart). Prunes slots that stopped counting. */
export function createMemoryLimiterStore(): LimiterStore & { size(): number } {
  const keys = new Map<string, Map<number, { windowMs: number; count: number }>>();

  function prune(entries: WindowEntry[]): void {
    // Any slot being counted has started, so the latest start is a lower bound for "now".
    const floor = Math.max(...entries.map((e) => e.windowStart));
    for (const [key, slots] of keys) {
      for (const [start, slot] of slots) if (start + slot.windowMs <= floor) slots.delete(start);
      if (slots.size === 0) keys.delete(key);
    }
  }

  return {
    get(entries) {
      return entries.map(({ key, windowStart }) => keys.get(key)?.get(windowStart)?.count ?? 0);
    },
    add(entries, by) {
      if (entries.length === 0) return;
      prune(entries);
      for (const { key, windowStart, windowMs } of entries) {
        const slots = keys.get(key) ?? new Map<number, { windowMs: number; count: number }>();
        keys.set(key, slots);
        const slot = slots.get(windowStart);
        if (slot) slot.count += by;
        else slots.set(windowStart, { windowMs, count: by });
      }
    },
    set(entries, count) {
      if (entries.length === 0) return;
      prune(entries);
      for (const { key, windowStart, windowMs } of entries) {
        const slots = keys.get(key) ?? new Map<number, { windowMs: number; count: number }>();
        keys.set(key, slots);
        slots.set(windowStart, { windowMs, count });
      }
    },
    range(key, from, to) {
      const slots = keys.get(key);
      if (!slots) return [];
      return [...slots]
        .filter(([start]) => start >= from && start <= to)
        .sort(([a], [b]) => a - b)
        .map(([windowStart, { count }]) => ({ windowStart, count }));
    },
    size: () => [...keys.values()].reduce((n, slots) => n + slots.size, 0),
  };
}
