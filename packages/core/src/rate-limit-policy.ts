import type { UsageBudgetRule } from './usage-budget.js';

/** A fixed window: at most `limit` calls in each aligned period of `windowMs` (aligned to the epoch, so days roll at 00:00 UTC). */
export interface WindowSpec {
  limit: number;
  windowMs: number;
  /** For messages and the dashboard, e.g. "minute", "day". */
  label?: string | undefined;
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/**
 * A vendor's call budget. `buckets` name independent budgets (Gainsight: `sync` 100/min + 50,000/day,
 * `bulk` 10/hour + 100/day); every window in a bucket must have room for a call to go.
 * `key` says which vendor account a connection spends (tenant, org, region+key), so two connections to
 * the same account share one budget.
 */
export interface RateLimitPolicy<S = unknown> {
  buckets: Record<string, WindowSpec[]>;
  /** Bucket used when a call names none. */
  defaultBucket: string;
  /** The vendor account within this connector (no connector id: the hub adds it, e.g. `gainsight:` + key). */
  key(settings: S): string;
  /**
   * For budgets the vendor counts itself and reports in its answers (the connector passes what it read to
   * `ctx.reportUsage`, e.g. Salesforce's org-wide `Sforce-Limit-Info`): how this connection may spend them.
   * Such a budget needs no fixed window (a bucket may list none); the host paces, stops and probes by this
   * rule (`DEFAULT_USAGE_BUDGET_RULE` when absent).
   */
  usageBudget?(settings: S): UsageBudgetRule;
}
