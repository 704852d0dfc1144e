import {
  type ConnectorDefinition,
  createUsageBudget,
  DEFAULT_USAGE_BUDGET_RULE,
  type UsageBudgetRule,
  type UsageReport,
  type UsageStatus,
} from '@synchub/core';
import { z } from 'zod';
import type { Db } from './db/index.js';
import { createSqliteUsageStore } from './usage-store.js';

/**
 * Budgets the vendor counts and reports in its answers (core `UsageBudget`), kept in the database so every
 * job on an account, and a restarted hub, follows the vendor's last word. The hub names no vendor: a
 * connector reports through `ctx.reportUsage`, and its policy's `usageBudget(settings)` says how this
 * connection may spend it.
 */

// What a plugin hands the host is checked like any other input.
const reportSchema = z.union([
  z.object({
    bucket: z.string().optional(),
    used: z.number().min(0),
    limit: z.number().min(1),
    windowMs: z.number().min(1),
    exhaustedUntil: z.number().min(0).optional(),
  }),
  z.object({ bucket: z.string().optional(), exhaustedUntil: z.number().min(0) }),
]);

const ruleSchema = z.object({
  slowAt: z.number().min(0).max(1),
  stopAt: z.number().min(0).max(1),
  probeAfterMs: z.number().min(1),
});

export interface ReportedUsage {
  /** Before each call of `budget` (`<account>:<bucket>`): waits while pacing, rejects rate_limited when stopped. */
  acquire(connector: ConnectorDefinition, settings: unknown, budget: string, signal?: AbortSignal): Promise<void>;
  /** Remember a report; answers false (and keeps nothing) when it is malformed. */
  report(budget: string, report: unknown): Promise<boolean>;
  status(connector: ConnectorDefinition, settings: unknown, budget: string): Promise<UsageStatus | null>;
  /** The bucket a report spends: its own when the policy has it, else the default one. */
  bucketOf(connector: ConnectorDefinition, report: { bucket?: unknown }): string;
}

export function createReportedUsage(options: {
  db: Db;
  now: () => number;
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
}): ReportedUsage {
  const budget = createUsageBudget({
    store: createSqliteUsageStore(options.db),
    now: options.now,
    sleep: options.sleep,
  });

  const ruleOf = (connector: ConnectorDefinition, settings: unknown): UsageBudgetRule => {
    const derive = connector.rateLimit.usageBudget;
    if (typeof derive !== 'function') return DEFAULT_USAGE_BUDGET_RULE;
    try {
      const parsed = ruleSchema.safeParse(derive(settings));
      return parsed.success ? parsed.data : DEFAULT_USAGE_BUDGET_RULE;
    } catch {
      return DEFAULT_USAGE_BUDGET_RULE;
    }
  };

  return {
    acquire: (connector, settings, key, signal) => budget.acquire(key, ruleOf(connector, settings), { signal }),
    async report(key, report) {
      const parsed = reportSchema.safeParse(report);
      if (!parsed.success) return false;
      await budget.report(key, parsed.data as UsageReport);
      return true;
    },
    status: (connector, settings, key) => budget.status(key, ruleOf(connector, settings)),
    bucketOf: (connector, report) =>
      typeof report.bucket === 'string' && report.bucket in connector.rateLimit.buckets
        ? report.bucket
        : connector.rateLimit.defaultBucket,
  };
}
