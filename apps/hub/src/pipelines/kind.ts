import type { RunCounts } from '@synchub/core';

/**
 * Pipeline kinds are the plugin contract's (`@synchub/core` flow.ts), whoever brings them: plugins through
 * the registry, the host's own `sync`, tests. They reach the hub only through `host` and `state`.
 */
export {
  definePipelineKind,
  type DryRun,
  type Issue,
  type PipelineKindArgs,
  type PipelineKindDefinition as PipelineKind,
  type ResolvedConnection,
  type RunContext,
  type RunCounts,
  type RunRecordStatus,
} from '@synchub/core';

export const emptyCounts = (): RunCounts => ({ read: 0, written: 0, skipped: 0, failed: 0, reasons: {} });

/** The counters, notes and details a run keeps as it goes (the runner and the preview share them). */
export function createTally(counts: RunCounts, details: Record<string, unknown>) {
  return {
    count(kind: 'read' | 'written' | 'skipped' | 'failed', n = 1, reason?: string) {
      counts[kind] += n;
      if (reason) counts.reasons[reason] = (counts.reasons[reason] ?? 0) + n;
    },
    /** At most 100 samples per key. */
    note(key: string, item: unknown) {
      const list = (details[key] ?? []) as unknown[];
      details[key] = list;
      if (list.length < 100) list.push(item);
    },
    detail(key: string, value: unknown) {
      details[key] = value;
    },
  };
}
