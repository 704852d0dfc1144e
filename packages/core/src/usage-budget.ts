import { ConnectorError } from './errors.js';
import { HOUR } from './rate-limit-policy.js';
import { defaultSleep, type Sleep } from './rate-limiter.js';

/**
 * Budgets the vendor counts for us. Some vendors say in every answer how much of the account's budget
 * is spent, by everyone who calls that account (Salesforce's `Sforce-Limit-Info: api-usage=18/15000`:
 * the org's calls in a rolling 24 h, other integrations included). A fixed local window cannot know what
 * others spent, so for such budgets the host follows the vendor's own count: it paces its calls past a
 * share of the limit, stops before the limit, and probes now and then until the window has freed calls.
 * Pure: state lives in a pluggable store, time and sleep are injected.
 */

/** What a vendor answer said about the account's budget. The connector passes it to `ctx.reportUsage`. */
export type UsageReport =
  | {
      /** The bucket these calls spend (the policy's default bucket when absent). */
      bucket?: string | undefined;
      /** Calls the account has spent in the vendor's window, by every caller of that account. */
      used: number;
      /** The account's budget in that window. */
      limit: number;
      /** Length of the vendor's window (rolling or not): a report older than this says nothing any more. */
      windowMs: number;
      /** The vendor refused a call because the budget is spent: no call before this time. */
      exhaustedUntil?: number | undefined;
    }
  | {
      bucket?: string | undefined;
      /** The vendor refused a call because the budget is spent, and said nothing of the counts. */
      exhaustedUntil: number;
    };

/** How a host spends a budget the vendor reports; a connector derives it from its connection's settings. */
export interface UsageBudgetRule {
  /**
   * Share of the limit (0–1) past which calls are paced: each call waits so that the calls left up to
   * the stop line would last the vendor's whole window (`windowMs / calls left`).
   */
  slowAt: number;
  /** Share of the limit (0–1) at which no more calls go; what is above is left to the account's other users. */
  stopAt: number;
  /**
   * While stopped, one call may go this long after the last report (or call) to read the usage again: a
   * rolling window frees calls gradually and only the vendor knows when.
   */
  probeAfterMs: number;
}

/** Used when a connector reports usage but its policy names no rule. */
export const DEFAULT_USAGE_BUDGET_RULE: UsageBudgetRule = { slowAt: 0.5, stopAt: 0.9, probeAfterMs: HOUR };

/** What the host keeps per budget (account + bucket), shared by every job, and persisted. */
export interface UsageState {
  /** Last reported calls spent, limit (0 = unknown) and window length. */
  used: number;
  limit: number;
  windowMs: number;
  /** When that report arrived (epoch ms). */
  reportedAt: number;
  /**
   * Calls let go since that report. The next report counts them; until then they are ours to add (calls
   * still in flight when a report arrives are not counted again: the stop line leaves room for them).
   */
  spentSince: number;
  /** When the last call was let go (pacing and probes), 0 if never. */
  lastCallAt: number;
  /** The vendor said the budget is spent: no call before this (0 = no hold). */
  holdUntil: number;
}

export interface UsageStore {
  get(account: string): Promise<UsageState | undefined> | UsageState | undefined;
  put(account: string, state: UsageState): Promise<void> | void;
  /**
   * Optional, for a store several processes share: read, decide and replace one account's state as one
   * step against every other caller, on the store's clock. `change` gets the state and the store's now and
   * answers the state to keep (none: leave it) and a result; it only decides, so a store may call it more
   * than once (e.g. first on an unlocked read, again under a lock when it wants a change). Without
   * `update` the budget reads and puts, which is safe only inside one process (it serializes its calls).
   */
  update?<T>(account: string, change: UsageChange<T>): Promise<{ result: T; now: number }>;
}

export type UsageChange<T> = (
  state: UsageState | undefined,
  now: number,
) => { state?: UsageState | undefined; result: T };

export type UsageReason = 'pacing' | 'stopped' | 'exhausted';

export type UsageDecision = { ok: true } | { ok: false; reason: UsageReason; waitUntil: number };

export interface UsageStatus {
  used: number;
  /** 0 when the vendor refused calls without saying its counts. */
  limit: number;
  remaining: number;
  windowMs: number;
  reportedAt: number;
  /** Calls the host let go since that report (not in `used` yet). */
  spentSince: number;
  /** Calls at which pacing starts and at which calls stop (from the rule). */
  slowLine: number;
  stopLine: number;
  state: 'normal' | 'slowing' | 'stopped' | 'exhausted';
  /** When the next call may go; null when it may go now. */
  nextCallAt: number | null;
}

export interface UsageBudget {
  /** Remember what the vendor answered about the account's budget. Reports that make no sense are ignored. */
  report(account: string, report: UsageReport): Promise<void>;
  /** Let one call go now if the budget allows (and count it), or say until when it must wait. */
  tryAcquire(account: string, rule: UsageBudgetRule): Promise<UsageDecision>;
  /**
   * Wait (through `sleep`) for a call while the wait is short; a longer wait rejects with a
   * `rate_limited` ConnectorError whose `retryAt` is when to try again and whose `body` holds the numbers
   * (`{ reason, used, limit, slowLine, stopLine, waitUntil }`), so the caller reschedules instead of hanging.
   */
  acquire(
    account: string,
    rule: UsageBudgetRule,
    options?: { signal?: AbortSignal | undefined; maxWaitMs?: number | undefined },
  ): Promise<void>;
  /** The budget as last reported, or null when the vendor never reported it (or the report has expired). */
  status(account: string, rule: UsageBudgetRule): Promise<UsageStatus | null>;
}

export interface UsageBudgetOptions {
  store: UsageStore;
  now: () => number;
  sleep?: Sleep | undefined;
  /** Longest wait `acquire` sleeps through (default 15 minutes); past it, it rejects. */
  maxWaitMs?: number | undefined;
}

const OK: UsageDecision = { ok: true };

function clampShare(value: number, fallback: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : fallback;
}

/** The rule's shares as call counts of this limit. */
export function usageLines(limit: number, rule: UsageBudgetRule): { slowLine: number; stopLine: number } {
  const stopAt = clampShare(rule.stopAt, DEFAULT_USAGE_BUDGET_RULE.stopAt);
  const slowAt = Math.min(stopAt, clampShare(rule.slowAt, DEFAULT_USAGE_BUDGET_RULE.slowAt));
  return { slowLine: Math.floor(slowAt * limit), stopLine: Math.floor(stopAt * limit) };
}

/** Whether a report still says something: its whole window has not rolled by, or a hold is on. */
function current(state: UsageState | undefined, at: number): state is UsageState {
  return state !== undefined && (at - state.reportedAt < state.windowMs || state.holdUntil > at);
}

/** The decision for one call at `at`: pure, so the host and tests share it. */
export function decideUsage(state: UsageState | undefined, rule: UsageBudgetRule, at: number): UsageDecision {
  if (!current(state, at)) return OK;
  if (state.holdUntil > at) return { ok: false, reason: 'exhausted', waitUntil: state.holdUntil };
  // A hold without counts: once it is over, calls go and their answers say the rest.
  if (state.limit <= 0 || at - state.reportedAt >= state.windowMs) return OK;
  const { slowLine, stopLine } = usageLines(state.limit, rule);
  const used = state.used + state.spentSince;
  if (used >= stopLine) {
    // After a hold, the first call is the probe; otherwise probe a while after the last word from the vendor.
    const probeAt =
      state.holdUntil > state.lastCallAt
        ? state.holdUntil
        : Math.max(state.reportedAt, state.lastCallAt) + Math.max(0, rule.probeAfterMs);
    return at >= probeAt ? OK : { ok: false, reason: 'stopped', waitUntil: probeAt };
  }
  if (used >= slowLine) {
    // The pace at which the calls left up to the stop line last the vendor's window.
    const next = state.lastCallAt + Math.ceil(state.windowMs / (stopLine - used));
    return at >= next ? OK : { ok: false, reason: 'pacing', waitUntil: next };
  }
  return OK;
}

function validReport(report: UsageReport): boolean {
  const whole = (n: unknown, min: number) => typeof n === 'number' && Number.isFinite(n) && n >= min;
  if ('used' in report) {
    if (!whole(report.used, 0) || !whole(report.limit, 1) || !whole(report.windowMs, 1)) return false;
  }
  return report.exhaustedUntil === undefined || whole(report.exhaustedUntil, 0);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function budgetError(decision: Extract<UsageDecision, { ok: false }>, state: UsageState, rule: UsageBudgetRule) {
  const { slowLine, stopLine } = usageLines(state.limit, rule);
  const used = state.used + state.spentSince;
  const until = new Date(decision.waitUntil).toISOString();
  const message =
    decision.reason === 'exhausted'
      ? `the vendor refused calls because the account's budget is spent; no calls before ${until}`
      : decision.reason === 'stopped'
        ? `${fmt(used)} of the account's ${fmt(state.limit)} calls are spent (the hub stops at ${fmt(stopLine)}, leaving the rest to the account's other users); it checks again at ${until}`
        : `${fmt(used)} of the account's ${fmt(state.limit)} calls are spent (past ${fmt(slowLine)} the hub spaces its calls so the rest lasts the window); the next call may go at ${until}`;
  return new ConnectorError('rate_limited', message, {
    retryAt: decision.waitUntil,
    body: { reason: decision.reason, used, limit: state.limit, slowLine, stopLine, waitUntil: decision.waitUntil },
  });
}

export function createUsageBudget(options: UsageBudgetOptions): UsageBudget {
  const { store, now } = options;
  const sleep = options.sleep ?? defaultSleep;
  const defaultMaxWait = options.maxWaitMs ?? 15 * 60_000;

  // One chain, as in the rate limiter: read-decide-write never interleaves between two callers.
  let tail: Promise<unknown> = Promise.resolve();
  function serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  }

  /**
   * One read-decide-write of `account`. `change` decides at `at`, the store's clock when it has `update`
   * (every process then keeps its times on one clock), else ours; `shift` turns a time of that clock into
   * one of ours (add it) and back (subtract it).
   */
  function step<T>(
    account: string,
    change: (state: UsageState | undefined, at: number, shift: number) => { state?: UsageState | undefined; result: T },
  ): Promise<T> {
    if (store.update) {
      const local = now();
      return store.update(account, (state, at) => change(state, at, local - at)).then((r) => r.result);
    }
    return serialize(async () => {
      const at = now();
      const out = change(await store.get(account), at, 0);
      if (out.state) await store.put(account, out.state);
      return out.result;
    });
  }

  /** The decision on our clock, how long to wait (measured on the deciding clock) and the state it read. */
  function tryAcquireNow(account: string, rule: UsageBudgetRule) {
    return step(account, (state, at, shift) => {
      const decision = decideUsage(state, rule, at);
      const next =
        decision.ok && current(state, at) ? { ...state, spentSince: state.spentSince + 1, lastCallAt: at } : undefined;
      const waitMs = decision.ok ? 0 : decision.waitUntil - at;
      const local: UsageDecision = decision.ok ? decision : { ...decision, waitUntil: decision.waitUntil + shift };
      return { state: next, result: { decision: local, waitMs, state } };
    });
  }

  return {
    async report(account, report) {
      if (!validReport(report)) return;
      await step(account, (before, at, shift) => {
        // The vendor's hold was put on our clock by the connector; kept on the deciding one.
        const hold = report.exhaustedUntil === undefined ? 0 : report.exhaustedUntil - shift;
        if ('used' in report) {
          return {
            result: undefined,
            state: {
              used: Math.round(report.used),
              limit: Math.round(report.limit),
              windowMs: Math.round(report.windowMs),
              reportedAt: at,
              spentSince: 0,
              lastCallAt: before?.lastCallAt ?? 0,
              // A hold lasts its time even if a call answered meanwhile: that call may have gone before the refusal.
              holdUntil: Math.max(hold, before && before.holdUntil > at ? before.holdUntil : 0),
            },
          };
        }
        const known = current(before, at) ? before : undefined;
        return {
          result: undefined,
          state: {
            used: known?.used ?? 0,
            limit: known?.limit ?? 0,
            windowMs: known?.windowMs ?? Math.max(1, hold - at),
            reportedAt: known?.reportedAt ?? at,
            spentSince: known?.spentSince ?? 0,
            lastCallAt: before?.lastCallAt ?? 0,
            holdUntil: Math.max(hold, known?.holdUntil ?? 0),
          },
        };
      });
    },

    async tryAcquire(account, rule) {
      return (await tryAcquireNow(account, rule)).decision;
    },

    async acquire(account, rule, { signal, maxWaitMs = defaultMaxWait } = {}) {
      for (;;) {
        signal?.throwIfAborted();
        const { decision, waitMs, state } = await tryAcquireNow(account, rule);
        if (decision.ok) return;
        if (waitMs > maxWaitMs) throw budgetError(decision, state ?? emptyState(), rule);
        await sleep(Math.max(0, waitMs), signal);
      }
    },

    status(account, rule) {
      return step(account, (state, at, shift) => {
        if (!current(state, at)) return { result: null };
        const { slowLine, stopLine } = usageLines(state.limit, rule);
        const used = state.used + state.spentSince;
        const decision = decideUsage(state, rule, at);
        const label: UsageStatus['state'] =
          state.holdUntil > at
            ? 'exhausted'
            : state.limit > 0 && used >= stopLine
              ? 'stopped'
              : state.limit > 0 && used >= slowLine
                ? 'slowing'
                : 'normal';
        const status: UsageStatus = {
          used: state.used,
          limit: state.limit,
          remaining: Math.max(0, state.limit - used),
          windowMs: state.windowMs,
          reportedAt: state.reportedAt + shift,
          spentSince: state.spentSince,
          slowLine,
          stopLine,
          state: label,
          nextCallAt: decision.ok ? null : decision.waitUntil + shift,
        };
        return { result: status };
      });
    },
  };
}

function emptyState(): UsageState {
  return { used: 0, limit: 0, windowMs: 1, reportedAt: 0, spentSince: 0, lastCallAt: 0, holdUntil: 0 };
}

/** In-process store (tests, and hubs that accept losing the vendor's last word on restart). */
export function createMemoryUsageStore(): UsageStore {
  const states = new Map<string, UsageState>();
  return {
    get: (account) => {
      const state = states.get(account);
      return state && { ...state };
    },
    put: (account, state) => {
      states.set(account, { ...state });
    },
  };
}
