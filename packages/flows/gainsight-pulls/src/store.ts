import type { CustomerWrite, RunContext } from '@synchub/core';

/**
 * Store a page's rows with the pipeline's cursor (one transaction in the customer store), then tell the
 * run (its counts and run row). A preview (dry run) stores nothing and moves no cursor.
 */
export async function storePage(
  run: RunContext<unknown>,
  cursor: string | null,
  writes: readonly CustomerWrite[],
): Promise<void> {
  if (run.dryRun) return;
  await run.host.customers.page(run.pipelineId, cursor, writes);
  await run.commit(cursor);
}
