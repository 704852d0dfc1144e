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
 * keep them in SQLite and a restart does not reset a daily budget. A store shared by several processes
 * (PostgreSQL) takes the decision itself, atomically and on its own clock (`reserve`, `decideReservation`).
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
 * A store shared by several processes implements `reserve` (and `fill`) instead: the limiter's
 * serialization holds only inside one process.
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
  /**
   * Optional: check and take a call's slots in one atomic step against every other user of the store
   * (other processes included), on the store's own clock: exactly `decideReservation(request.windows,
   * <the counted slots>, request.cost, <store now>)`, and when it is ok, `cost` added to the current slot
   * of every distinct key (kept `(back + 1) * slotMs`). With it the limiter neither reads nor adds for
   * `tryAcquire`/`acquire`, and does not serialize them (the store does, per key). It may reject (e.g.
   * the work it runs for is no longer this process's): no call goes then.
   */
  reserve?(request: ReserveRequest): Promise<ReserveResult>;
  /**
   * Optional, with `reserve`: `saturate` as one atomic step on the store's clock: add to `window`'s current
   * slot whatever its rolling count lacks to reach its limit.
   */
  fill?(window: ReserveWindow): Promise<void>;
  /** Optional, with `reserve`: the store's clock, so `usage` reads the slots the reservations counted. */
  now?(): Promise<number>;
}

/** One window of a call as the limiter hands it to a store: everything but "now", which is the store's. */
export interface ReserveWindow {
  /** The counter (`windowKey(account, windowMs)`); windows of equal length share it. */
  key: string;
  /** Slot length: the current slot at `t` starts at `floor(t / slotMs) * slotMs`. */
  slotMs: number;
  /** Slots before the current one that still count (the window plus a margin of one to two slots). */
  back: number;
  limit: number;
  /** Most calls per slot once half of the window is used (spreads a backlog evenly). */
  perSlot: number;
}

export interface ReserveRequest {
  /** Every window of the call, in the caller's order; a call goes only if it fits all of them. */
  windows: ReserveWindow[];
  cost: number;
}

/**
 * What a store's reservation answers. `now` is the store's clock at the reservation: a caller waits
 * `waitUntil - now`, so its own clock may differ from the store's. `window` is the index of the blocking
 * window in the request.
 */
export type ReserveResult = { ok: true; now: number } | { ok: false; now: number; waitUntil: number; window: number };

export type ReservationDecision = { ok: true } | { ok: false; waitUntil: number; window: number };

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
interface Span extends ReserveWindow {
  window: WindowSpec;
  current: number;
  from: number;
}

/** The windows of a call as a store's reservation takes them (checked: a malformed window is refused). */
export function reserveWindowsOf(account: string, windows: WindowSpec[]): ReserveWindow[] {
  return windows.map((window) => {
    checkWindow(window);
    const slotMs = slotMsOf(window.windowMs);
    return {
      key: windowKey(account, window.windowMs),
      slotMs,
      back: Math.ceil(window.windowMs / slotMs) + 1,
      limit: window.limit,
      perSlot: Math.max(1, Math.ceil((window.limit * slotMs) / window.windowMs)),
    };
  });
}

/** The current slot of a window at `at` and the oldest slot that still counts. */
function placeAt(w: ReserveWindow, at: number): { current: number; from: number } {
  const current = Math.floor(at / w.slotMs) * w.slotMs;
  return { current, from: current - w.back * w.slotMs };
}

function spanOf(account: string, window: WindowSpec, at: number): Span {
  const [w] = reserveWindowsOf(account, [window]) as [ReserveWindow];
  return { ...w, window, ...placeAt(w, at) };
}

/** The slot row to write: kept by the store for as long as it counts. */
const entryOf = (w: ReserveWindow, current: number): WindowEntry => ({
  key: w.key,
  windowStart: current,
  windowMs: (w.back + 1) * w.slotMs,
});

const sum = (slots: SlotCount[]) => slots.reduce((n, s) => n + s.count, 0);

/** When a call of `cost` could go in this window, or undefined when it can go now. */
function blockedUntil(w: ReserveWindow, current: number, slots: SlotCount[], cost: number): number | undefined {
  const { limit } = w;
  const used = sum(slots);
  if (used + cost > limit) {
    // Room comes back as the oldest slots stop counting.
    let freed = 0;
    for (const slot of slots) {
      freed += slot.count;
      if (used - freed + cost <= limit) return slot.windowStart + (w.back + 1) * w.slotMs;
    }
    return current + (w.back + 1) * w.slotMs;
  }
  const inSlot = slots.find((s) => s.windowStart === current)?.count ?? 0;
  if (2 * used >= limit && inSlot > 0 && inSlot + cost > w.perSlot) return current + w.slotMs;
  return undefined;
}

/**
 * Whether a call of `cost` fits every window at `at`, given each key's counted slots (`slotsOf`; only
 * those from the oldest still counting to the current one matter). All or nothing: blocked, it answers
 * the latest time any window frees room and which window that is (the first of equal ones). Pure: the
 * in-process limiter and a store's own reservation (the PostgreSQL function mirrors it) decide alike.
 */
export function decideReservation(
  windows: ReserveWindow[],
  slotsOf: (key: string) => SlotCount[],
  cost: number,
  at: number,
): ReservationDecision {
  let blocking: { window: number; end: number } | undefined;
  windows.forEach((w, index) => {
    const { current, from } = placeAt(w, at);
    const slots = slotsOf(w.key)
      .filter((s) => s.count > 0 && s.windowStart >= from && s.windowStart <= current)
      .sort((a, b) => a.windowStart - b.windowStart);
    const end = blockedUntil(w, current, slots, cost);
    if (end !== undefined && (!blocking || end > blocking.end)) blocking = { window: index, end };
  });
  return blocking ? { ok: false, waitUntil: blocking.end, window: blocking.window } : { ok: true };
}

/** What `acquire` needs of one attempt: the answer in the caller's clock, and how long to wait. */
interface Attempt {
  result: AcquireResult;
  waitMs: number;
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

  function checkCost(account: string, windows: WindowSpec[], cost: number): void {
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
  }

  /** Read, decide and add, on this process's clock: safe because calls are serialized (single process). */
  async function tryAcquireNow(account: string, windows: WindowSpec[], cost: number): Promise<AcquireResult> {
    checkCost(account, windows, cost);
    const at = now();
    const { located, unique } = locate(account, windows, at);
    const counts = await countsOf(unique);
    const decision = decideReservation(located, (key) => counts.get(key) ?? [], cost, at);
    if (!decision.ok) {
      return { ok: false, waitUntil: decision.waitUntil, window: windows[decision.window] as WindowSpec };
    }
    const entries = unique.map((span) => entryOf(span, span.current));
    if (entries.length > 0) await store.add(entries, cost);
    return { ok: true };
  }

  async function attempt(account: string, windows: WindowSpec[], cost: number): Promise<Attempt> {
    const reserve = store.reserve?.bind(store);
    if (!reserve) {
      const result = await serialize(() => tryAcquireNow(account, windows, cost));
      return { result, waitMs: result.ok ? 0 : Math.max(0, result.waitUntil - now()) };
    }
    // The store decides atomically on its own clock; the wait is measured on that clock too, and the
    // answer is moved onto ours, so processes whose clocks disagree still count the same slots.
    checkCost(account, windows, cost);
    const answer = await reserve({ windows: reserveWindowsOf(account, windows), cost });
    if (answer.ok) return { result: { ok: true }, waitMs: 0 };
    const waitMs = Math.max(0, answer.waitUntil - answer.now);
    return {
      result: { ok: false, waitUntil: now() + waitMs, window: windows[answer.window] as WindowSpec },
      waitMs,
    };
  }

  return {
    async tryAcquire(account, windows, cost = 1) {
      return (await attempt(account, windows, cost)).result;
    },

    async acquire(account, windows, { cost = 1, signal } = {}) {
      for (;;) {
        signal?.throwIfAborted();
        const { result, waitMs } = await attempt(account, windows, cost);
        if (result.ok) return;
        // Never inside a transaction or a lock: the store's step is over before the wait starts.
        await sleep(waitMs, signal);
      }
    },

    async saturate(account, window) {
      const [w] = reserveWindowsOf(account, [window]) as [ReserveWindow];
      if (store.fill) return store.fill(w);
      return serialize(async () => {
        const span = spanOf(account, window, now());
        const used = sum(await slotsOf(span));
        if (used < window.limit) await store.add([entryOf(span, span.current)], window.limit - used);
      });
    },

    usage(account, windows) {
      return serialize(async () => {
        // Counted where the store counts: on its clock when it has one (shown on ours).
        const local = now();
        const at = store.now ? await store.now() : local;
        const shift = local - at;
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
            resetsAt: (oldest ? oldest.windowStart + (span.back + 1) * span.slotMs : at) + shift,
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
