import { ConnectorError, type StreamDefinition, type SyncRecord } from '@synchub/core';
import { z } from 'zod';
import { createPendoClient, type PendoRow } from './client.js';
import type { PendoSecrets, PendoSettings } from './settings.js';

/** A dotted field path Pendo's expression language reads (`accountId`, `metadata.custom.tier`). */
const FIELD_PATH = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z0-9_$]+)*$/;

const pageSize = (fallback: number) => z.number().int().min(1).max(50_000).default(fallback);

export const aggregationOptionsSchema = z.object({
  pipeline: z.array(z.record(z.string(), z.unknown())).min(1).meta({
    title: 'Pipeline',
    description:
      'The aggregation pipeline, starting with its source, without sort/limit paging steps: the stream appends its own filter, sort and limit.',
  }),
  key: z.string().regex(FIELD_PATH, 'key must be a field path such as accountId').default('accountId').meta({
    title: 'Paging key',
    description: 'A field present and unique on every result row (e.g. accountId after grouping by it).',
  }),
  pageSize: pageSize(1000).meta({ title: 'Rows per call', description: 'Results asked for per aggregation call.' }),
});

export const reportOptionsSchema = z.object({
  reportId: z.string().trim().min(1).meta({ title: 'Report id', description: 'The id in the report’s Pendo URL.' }),
  pageSize: pageSize(1000).meta({ title: 'Rows per page', description: 'Rows handed to the hub per page.' }),
});

function parseOptions<T extends z.ZodType>(schema: T, options: unknown, stream: string): z.output<T> {
  const result = schema.safeParse(options);
  if (!result.success) {
    throw new ConnectorError('config', `Pendo ${stream} stream options are invalid: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

function parseCursor<T>(cursor: string, schema: z.ZodType<T>, stream: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(cursor);
  } catch {
    raw = undefined;
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new ConnectorError('config', `"${cursor}" is not a Pendo ${stream} cursor`);
  return result.data;
}

type Key = string | number;

const afterCursor = z.object({ after: z.union([z.string(), z.number().finite()]) });
const offsetCursor = z.object({ offset: z.number().int().min(0) });

/** The key as a literal of Pendo's expression language: numbers bare, strings quoted with `\` escapes. */
export function keyLiteral(value: Key): string {
  if (typeof value === 'number') return String(value);
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The key of every row, checked: a row without a string/number key cannot be paged past, and two rows
 * sharing one would make `key > last` skip the rest of them at a page boundary.
 */
function keysOf(rows: PendoRow[], key: string): Key[] {
  const keys: Key[] = [];
  for (const row of rows) {
    const value = key
      .split('.')
      .reduce<unknown>((v, part) => (typeof v === 'object' && v ? (v as PendoRow)[part] : undefined), row);
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      throw new ConnectorError(
        'config',
        `A Pendo aggregation row has no usable "${key}" (${JSON.stringify(value) ?? 'undefined'}); the paging key must be a string or number on every row`,
        { body: row },
      );
    }
    if (keys.length > 0 && keys[keys.length - 1] === value) {
      throw new ConnectorError(
        'config',
        `Pendo aggregation rows share the paging key ${key} = ${JSON.stringify(value)}; choose a key unique per row (group by it)`,
      );
    }
    keys.push(value);
  }
  return keys;
}

/**
 * Pendo's aggregation API does not page. The stream pages by keyset: the user's pipeline, then
 * `filter key > last` (filtering before sorting lets Pendo sort less), `sort [key]`, `limit pageSize`;
 * a page shorter than pageSize is the last. The cursor is `{"after": lastKey}`. Results are a snapshot
 * (usage measures change for every account), so the final page's cursor is null: the next run starts over.
 */
const aggregation: StreamDefinition<PendoSettings, PendoSecrets> = {
  name: 'aggregation',
  options: aggregationOptionsSchema,
  description: 'Rows of an aggregation pipeline (accounts, visitors, usage events), paged by a unique key.',
  async *read({ settings, secrets, ctx, cursor, options }) {
    const opts = parseOptions(aggregationOptionsSchema, options, 'aggregation');
    if (opts.pipeline.some((stage) => 'limit' in stage)) {
      throw new ConnectorError(
        'config',
        'Remove the limit step from the Pendo pipeline: the aggregation stream pages with its own sort and limit',
      );
    }
    const client = createPendoClient(settings, secrets, ctx);
    let after: Key | undefined = cursor === null ? undefined : parseCursor(cursor, afterCursor, 'aggregation').after;
    for (;;) {
      const paging = [
        ...(after === undefined ? [] : [{ filter: `${opts.key} > ${keyLiteral(after)}` }]),
        { sort: [opts.key] },
        { limit: opts.pageSize },
      ];
      const rows = await client.aggregate([...opts.pipeline, ...paging]);
      if (rows.length > opts.pageSize) {
        throw new ConnectorError('unexpected', `Pendo returned ${rows.length} rows for a limit of ${opts.pageSize}`);
      }
      const keys = keysOf(rows, opts.key);
      const last = keys.at(-1);
      if (last === undefined) {
        // Nothing after the last full page: end with a null cursor so the next run starts over.
        yield { records: [], cursor: null };
        return;
      }
      after = last;
      const done = rows.length < opts.pageSize;
      yield { records: rows as SyncRecord[], cursor: done ? null : JSON.stringify({ after }) };
      if (done) return;
    }
  },
};

/**
 * A saved report answers in one call (Pendo does not page report results); the stream hands it on in
 * pages with a positional cursor `{"offset": n}`. Resuming re-reads the report and skips what was handed on.
 */
const report: StreamDefinition<PendoSettings, PendoSecrets> = {
  name: 'report',
  options: reportOptionsSchema,
  description: 'Rows of a saved Pendo report (one per account, one column per measure).',
  async *read({ settings, secrets, ctx, cursor, options }) {
    const opts = parseOptions(reportOptionsSchema, options, 'report');
    let offset = cursor === null ? 0 : parseCursor(cursor, offsetCursor, 'report').offset;
    const rows = await createPendoClient(settings, secrets, ctx).reportResults(opts.reportId);
    if (offset >= rows.length) {
      yield { records: [], cursor: null };
      return;
    }
    while (offset < rows.length) {
      const next = Math.min(offset + opts.pageSize, rows.length);
      yield {
        records: rows.slice(offset, next) as SyncRecord[],
        cursor: next < rows.length ? JSON.stringify({ offset: next }) : null,
      };
      offset = next;
    }
  },
};

export const streams: Record<string, StreamDefinition<PendoSettings, PendoSecrets>> = { aggregation, report };
