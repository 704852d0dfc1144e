import {
  isConnectorError,
  isDataError,
  type SyncRecord,
  type WriteResult,
  type WriterDefinition,
  writeInBatches,
} from '@synchub/core';
import type { ResolvedConnection } from '../kind.js';

/** Attempts of one vendor call that failed as a whole (5xx, timeout, 429 past the limiter). */
const MAX_ATTEMPTS = 3;
/** A vendor wait longer than this fails the run instead (the next scheduled run starts from the cursor). */
const MAX_WAIT_MS = 5 * 60_000;
/** Extra rounds for records the vendor refused for a passing reason (a locked row). */
const RECORD_RETRIES = 2;

export interface WriteDeps {
  target: ResolvedConnection;
  writer: WriterDefinition<unknown, unknown>;
  options: Record<string, unknown>;
  signal: AbortSignal;
  now(): number;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>): void;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const missing = (count: number, expected: number): WriteResult => ({
  ok: false,
  error: { code: 'unexpected', message: `The writer answered ${count} results for ${expected} records` },
});

const same = (a: WriteResult | undefined, b: WriteResult | undefined) =>
  a !== undefined &&
  b !== undefined &&
  a.ok === b.ok &&
  (a.ok || b.ok || (a.error.code === b.error.code && a.error.message === b.error.message));

const signature = (r: WriteResult) =>
  r.ok ? 'ok' : `${r.error.code}\u0000${r.error.vendorCode ?? ''}\u0000${r.error.message}`;

/** Every record failed, at least one for a reason in the data: the vendor may have refused the call as one. */
const refusedTogether = (results: WriteResult[]) =>
  results.every((r) => !r.ok) && results.some((r) => !r.ok && isDataError(r.error));

/**
 * Write records through the writer in batches of its size (core `writeInBatches`, which also splits a
 * batch every record of which failed with one same data error), one result per record in input order.
 *
 * On top of that, for vendors that refuse a whole call for one record but say which (the bad record gets
 * its field error, the others "not written"), a call whose records all failed with different
 * answers is settled by sending parts again: the records sharing one answer first (one call rescues all
 * the collateral ones), else halves. A part that answers exactly as before carries its own answers
 * (vendors that judge each record alone), so nothing is split further: a batch of records each refused
 * for itself costs two extra calls, not one per record.
 *
 * A call that fails as a whole is retried (5xx, timeouts, 429 with a short wait); when it keeps failing the
 * error is thrown: the caller fails the run and keeps its cursor.
 */
export async function writeRecords(deps: WriteDeps, records: SyncRecord[]): Promise<WriteResult[]> {
  const { target, writer, options } = deps;

  const call = async (batch: SyncRecord[]): Promise<WriteResult[]> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await writer.write({
          settings: target.settings,
          secrets: target.secrets,
          ctx: target.ctx,
          records: batch,
          options,
        });
        return batch.map((_, i) => answer[i] ?? missing(answer.length, batch.length));
      } catch (error) {
        if (!isConnectorError(error) || !error.retryable || attempt >= MAX_ATTEMPTS) throw error;
        const wait =
          error.code === 'rate_limited' && error.retryAt !== undefined
            ? Math.max(0, error.retryAt - deps.now())
            : 500 * 4 ** (attempt - 1);
        if (wait > MAX_WAIT_MS) throw error;
        deps.log('warn', `${target.connector.id} ${writer.name} failed (${error.code}); retrying`, {
          attempt,
          waitMs: wait,
        });
        await sleep(wait, deps.signal);
      }
    }
  };

  /** Send `indexes` of `batch` again as one call; where the answers changed, settle that part in turn. */
  const resend = async (batch: SyncRecord[], out: WriteResult[], indexes: number[]): Promise<boolean> => {
    const part = indexes.map((i) => batch[i] as SyncRecord);
    const before = indexes.map((i) => out[i]);
    const again = await call(part);
    if (again.every((r, k) => same(r, before[k]))) return false;
    const settled = await settle(part, again);
    indexes.forEach((i, k) => {
      out[i] = settled[k] as WriteResult;
    });
    return true;
  };

  const settle = async (batch: SyncRecord[], results: WriteResult[]): Promise<WriteResult[]> => {
    if (batch.length < 2 || !refusedTogether(results)) return results;
    const groups = new Map<string, number[]>();
    results.forEach((r, i) => {
      const key = signature(r);
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    // One answer for all: core's writeInBatches bisects those.
    if (groups.size === 1) return results;
    const out = [...results];
    const shared = [...groups.values()].filter((g) => g.length > 1).sort((a, b) => b.length - a.length);
    let rescued = false;
    for (const group of shared) rescued = (await resend(batch, out, group)) || rescued;
    if (rescued) return out;
    const single = [...groups.values()].filter((g) => g.length === 1).flat();
    if (single.length === 0) return out;
    if (single.length < batch.length) await resend(batch, out, single);
    else {
      const half = Math.ceil(single.length / 2);
      await resend(batch, out, single.slice(0, half));
      await resend(batch, out, single.slice(half));
    }
    return out;
  };

  const settling: WriterDefinition<unknown, unknown> = {
    ...writer,
    write: async ({ records: batch }) => settle(batch, await call(batch)),
  };
  const results = await writeInBatches({
    settings: target.settings,
    secrets: target.secrets,
    ctx: target.ctx,
    writer: settling,
    records,
    options,
  });

  // A record refused for a passing reason (the vendor's row lock…) is sent again on its own.
  for (let round = 0; round < RECORD_RETRIES; round++) {
    const again = results.flatMap((r, i) => (!r.ok && r.error.code === 'transient' ? [i] : []));
    if (again.length === 0) break;
    const retried = await writeInBatches({
      settings: target.settings,
      secrets: target.secrets,
      ctx: target.ctx,
      writer: settling,
      records: again.map((i) => records[i] as SyncRecord),
      options,
    });
    again.forEach((i, k) => {
      results[i] = retried[k] as WriteResult;
    });
  }
  return results;
}
