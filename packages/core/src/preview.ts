import type { DryRun } from './flow.js';

/**
 * Helpers every pipeline kind can share to honour `RunContext.dryRun` (a preview): read at most `limit`
 * records in all, ask the vendor for no page beyond them, and keep the changes to each kind small.
 * Outside a dry run they change nothing.
 */

interface MaybeDry {
  dryRun?: DryRun | undefined;
}

/** Records handed out so far per preview (one budget for the whole run, whatever it reads). */
const used = new WeakMap<DryRun, number>();

/** How many more records the preview wants (Infinity outside a dry run). */
export function previewLeft(run: MaybeDry): number {
  if (!run.dryRun) return Number.POSITIVE_INFINITY;
  return Math.max(0, run.dryRun.limit - (used.get(run.dryRun) ?? 0));
}

/** The first of `items` the preview still wants, spent from its budget (all of them outside a dry run). */
export function previewTake<T>(run: MaybeDry, items: T[]): T[] {
  const dry = run.dryRun;
  if (!dry) return items;
  const taken = items.slice(0, previewLeft(run));
  used.set(dry, (used.get(dry) ?? 0) + taken.length);
  return taken;
}

/** A page size no larger than the preview needs (the configured one outside a dry run). */
export function previewPageSize<T extends number | undefined>(run: MaybeDry, pageSize: T): T | number {
  if (!run.dryRun) return pageSize;
  const left = Math.max(1, previewLeft(run));
  return pageSize === undefined ? left : Math.min(pageSize, left);
}

/**
 * Pages of a stream, each cut in a dry run to the records the preview still wants; once it has them,
 * no further page is asked for. Outside a dry run: the source itself.
 */
export function previewPages<P extends { records: unknown[] }>(
  run: MaybeDry,
  source: AsyncIterable<P>,
): AsyncIterable<P> {
  if (!run.dryRun) return source;
  return limited(run, source);
}

async function* limited<P extends { records: unknown[] }>(run: MaybeDry, source: AsyncIterable<P>): AsyncGenerator<P> {
  if (previewLeft(run) <= 0) return;
  for await (const page of source) {
    const records = previewTake(run, page.records);
    yield records.length === page.records.length ? page : { ...page, records };
    if (previewLeft(run) <= 0) return;
  }
}

/** `{ pageSize }` for a stream option in a dry run (the preview's need); nothing outside one. */
export function previewPageOption(run: MaybeDry): { pageSize?: number } {
  return run.dryRun ? { pageSize: Math.max(1, previewLeft(run)) } : {};
}
