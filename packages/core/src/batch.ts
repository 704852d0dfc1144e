import type { OperationArgs, SyncRecord, WriterDefinition, WriteResult } from './connector.js';

/** Codes that say the data itself was refused: splitting a batch can isolate the records at fault. */
const DATA_CODES = new Set<string>(['invalid_request', 'conflict', 'not_found']);

export const isDataError = (error: { code: string }): boolean => DATA_CODES.has(error.code);

export interface WriteInBatchesArgs<S, X> extends OperationArgs<S, X> {
  writer: WriterDefinition<S, X>;
  records: SyncRecord[];
  options: Record<string, unknown>;
  /** Told after each vendor call with the records it carried and their results (progress, counters). */
  onBatch?: ((records: SyncRecord[], results: WriteResult[]) => void | Promise<void>) | undefined;
}

/**
 * Write records through a writer in batches of its `batchSize`, one result per record in input order.
 * When the vendor refuses a whole batch for a reason in the data (every record failed with the same
 * data error), the batch is split in halves and written again until only the records the vendor
 * refuses fail, each with its own answer. A call that fails as a whole (auth, rate limit, 5xx) rejects:
 * the caller decides whether to retry.
 */
export async function writeInBatches<S, X>(args: WriteInBatchesArgs<S, X>): Promise<WriteResult[]> {
  const { writer, records } = args;
  const size = Math.max(1, writer.batchSize);
  const results: WriteResult[] = [];
  const call = async (batch: SyncRecord[]): Promise<WriteResult[]> => {
    const answer = await writer.write({
      settings: args.settings,
      secrets: args.secrets,
      ctx: args.ctx,
      records: batch,
      options: args.options,
    });
    const out = batch.map(
      (_, i): WriteResult =>
        answer[i] ?? {
          ok: false,
          error: {
            code: 'unexpected',
            message: `The writer answered ${answer.length} results for ${batch.length} records`,
          },
        },
    );
    if (batch.length > 1 && refusedAsOne(out)) {
      const half = Math.ceil(batch.length / 2);
      return [...(await call(batch.slice(0, half))), ...(await call(batch.slice(half)))];
    }
    await args.onBatch?.(batch, out);
    return out;
  };
  for (let i = 0; i < records.length; i += size) results.push(...(await call(records.slice(i, i + size))));
  return results;
}

/** Every record failed with the same data error: the vendor refused the call, not each record. */
function refusedAsOne(results: WriteResult[]): boolean {
  const first = results[0];
  if (!first || first.ok || !isDataError(first.error)) return false;
  return results.every((r) => !r.ok && r.error.code === first.error.code && r.error.message === first.error.message);
}
