import type { Db } from '../db/index.js';
import type { RunRecordStatus, RunRecordsTable } from '../db/schema.js';

/** Rows per INSERT of run records: few statements, well under SQLite's bound-parameter limit. */
const RECORD_CHUNK = 200;
/** Buffered outcomes that start a background write before the next commit. */
const RECORD_FLUSH_AT = 1000;

/**
 * Per-record outcomes of one run, buffered and inserted in multi-row statements (a record is one array
 * push, not a transaction). `flush` stores everything added so far; a background write started when the
 * buffer filled is awaited (and its error surfaced) by the next flush.
 */
export function createRecordBuffer(db: Db, runId: number) {
  let seq = 0;
  let pending: RunRecordsTable[] = [];
  let writing: Promise<void> = Promise.resolve();
  // Kept until the next flush rethrows it (a background write's rejection must never go unhandled).
  let failure: { error: unknown } | undefined;
  const write = (rows: RunRecordsTable[]) => {
    writing = writing
      .then(async () => {
        for (let i = 0; i < rows.length; i += RECORD_CHUNK) {
          await db
            .insertInto('run_records')
            .values(rows.slice(i, i + RECORD_CHUNK))
            .execute();
        }
      })
      .catch((error: unknown) => {
        failure ??= { error };
      });
  };
  const take = () => {
    const rows = pending;
    pending = [];
    return rows;
  };
  return {
    add(key: string | null, status: RunRecordStatus, reason?: string, error?: unknown): void {
      seq += 1;
      pending.push({
        run_id: runId,
        seq,
        record_key: key,
        status,
        reason: reason ?? null,
        error_json: error === undefined ? null : JSON.stringify(error),
      });
      if (pending.length >= RECORD_FLUSH_AT) write(take());
    },
    async flush(): Promise<void> {
      if (pending.length > 0) write(take());
      await writing;
      if (failure) {
        const { error } = failure;
        failure = undefined;
        throw error;
      }
    },
  };
}
