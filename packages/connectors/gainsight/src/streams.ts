import {
  ConnectorError,
  type RecordPage,
  type StreamDefinition,
  type StreamReadArgs,
  type SyncRecord,
} from '@synchub/core';
import { z } from 'zod';
import { createGainsightClient, MAX_QUERY_LIMIT, toEpochMs } from './client.js';
import { createPicklists } from './picklists.js';
import type { GainsightSecrets, GainsightSettings } from './settings.js';
import { type GainsightCondition, type GainsightQuery, gainsightWhereSchema } from './types.js';

export const recordsOptionsSchema = z.object({
  object: z.string().trim().min(1).meta({
    title: 'Object',
    description: 'Gainsight object name, e.g. company, person, activity_timeline or a custom object (…__gc).',
  }),
  select: z
    .array(z.string().min(1))
    .min(1)
    .meta({ title: 'Fields', description: 'Fields to read; lookups are traversed with __gr. (Csm__gr.Email).' }),
  where: gainsightWhereSchema.optional().meta({
    title: 'Filter',
    description: 'Gainsight where JSON ({conditions, expression}); ANDed with the incremental condition.',
  }),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(MAX_QUERY_LIMIT)
    .default(MAX_QUERY_LIMIT)
    .meta({
      title: 'Page size',
      description: `Records per call (at most ${MAX_QUERY_LIMIT}, Gainsight's ceiling).`,
    }),
  cursorField: z.string().min(1).optional().meta({
    title: 'Cursor field',
    description: 'Date field that moves when a record changes; default ModifiedDate (LastModifiedDate for activities).',
  }),
  picklistValues: z.enum(['label', 'gsid']).default('label').meta({
    title: 'Picklist values',
    description:
      'Gainsight answers picklist items as GSIDs: read them as their labels (default) or as the GSIDs. Filters take either.',
  }),
});

export type RecordsOptions = z.output<typeof recordsOptionsSchema>;

/** Objects whose change date is not `ModifiedDate`. */
const CURSOR_FIELDS: Record<string, string> = { activity_timeline: 'LastModifiedDate' };

/** System change dates Gainsight always fills: no IS_NULL pass needed after reading them. */
const ALWAYS_SET = new Set(['ModifiedDate', 'LastModifiedDate', 'CreatedDate']);

export function defaultCursorField(object: string): string {
  return CURSOR_FIELDS[object.toLowerCase()] ?? 'ModifiedDate';
}

/** The high-water mark: the change date of the last record read, and its Gsid to break ties. */
interface Mark {
  at: number;
  gsid?: string | undefined;
}

const cursorSchema = z.object({ after: z.union([z.string(), z.number()]), gsid: z.string().optional() });

export function encodeCursor(mark: Mark): string {
  const after = new Date(mark.at).toISOString();
  return JSON.stringify(mark.gsid === undefined ? { after } : { after, gsid: mark.gsid });
}

export function decodeCursor(cursor: string | null): Mark | null {
  if (cursor === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = undefined;
  }
  const result = cursorSchema.safeParse(parsed);
  const at = result.success ? toEpochMs(result.data.after) : undefined;
  if (!result.success || at === undefined) {
    throw new ConnectorError(
      'config',
      `The saved cursor is not one the Gainsight records stream wrote: ${cursor.slice(0, 80)}`,
    );
  }
  return { at, gsid: result.data.gsid };
}

type CursorCondition = Omit<GainsightCondition, 'alias'>;

/** The user's filter ANDed with the cursor condition (under an alias the user's filter does not use). */
export function combineWhere(
  where: RecordsOptions['where'],
  extra: CursorCondition | undefined,
): GainsightQuery['where'] {
  const conditions: GainsightCondition[] = where?.conditions ?? [];
  const own = where?.expression?.trim() || conditions.map((c) => c.alias).join(' AND ');
  if (!extra) return conditions.length === 0 ? undefined : { conditions, expression: own };
  const used = new Set(conditions.map((c) => c.alias));
  let alias = 'SYNC';
  for (let i = 1; used.has(alias); i++) alias = `SYNC${i}`;
  return { conditions: [...conditions, { ...extra, alias }], expression: own ? `(${own}) AND ${alias}` : alias };
}

function parseOptions(options: Record<string, unknown>): RecordsOptions {
  const result = recordsOptionsSchema.safeParse(options);
  if (!result.success) {
    throw new ConnectorError('config', `Gainsight records stream options: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/**
 * Reads any object in pages, oldest change first (cursor field asc, then Gsid). Each page after the
 * first asks for `cursor field GTE <last value read>` and skips by offset only the rows already seen at
 * exactly that value, so records edited while a run pages do not shift later pages (plain offset paging
 * would lose a record each time). Rows at the saved watermark with Gsid ≤ the saved Gsid were read
 * before and are skipped, so nothing is read twice and ties across a page boundary are not lost.
 * Rows whose cursor field is empty cannot be tracked: a read from the beginning still yields them
 * (they sort last; read through IS_NULL by offset), incremental reads never do.
 */
async function* readRecords(args: StreamReadArgs<GainsightSettings, GainsightSecrets>): AsyncGenerator<RecordPage> {
  const options = parseOptions(args.options);
  const field = options.cursorField ?? defaultCursorField(options.object);
  const start = decodeCursor(args.cursor);
  const client = createGainsightClient(args);
  const picklists = createPicklists(args, client);
  // Labels in the user's filter become item GSIDs (what the stored values are).
  const where = await picklists.whereToGsids(options.object, options.where);
  const select = [...new Set([...options.select, 'Gsid', field])];
  const added = select.filter((name) => !options.select.includes(name));
  const orderBy: Record<string, 'asc' | 'desc'> = { [field]: 'asc', Gsid: 'asc' };
  const limit = options.pageSize;
  const strip = (row: Record<string, unknown>): SyncRecord => {
    if (added.length === 0) return row;
    const record = { ...row };
    for (const name of added) delete record[name];
    return record;
  };

  let mark = start;
  /** Rows of this run at exactly `mark.at`: the next GTE query skips them by offset. */
  let tie = 0;
  /** Rows of this run with an empty cursor field; undefined until the IS_NULL phase starts. */
  let nullOffset: number | undefined;
  let nullsSeen = 0;
  for (;;) {
    const inNulls = nullOffset !== undefined;
    const condition: CursorCondition | undefined = inNulls
      ? { name: field, operator: 'IS_NULL', value: [] }
      : mark
        ? { name: field, operator: 'GTE', value: [new Date(mark.at).toISOString()] }
        : undefined;
    const rows = await client.query(options.object, {
      select,
      where: combineWhere(where, condition),
      orderBy,
      limit,
      offset: inNulls ? nullOffset : mark ? tie : 0,
    });
    if (options.picklistValues === 'label') await picklists.toLabels(options.object, rows, select);

    const records: SyncRecord[] = [];
    let nullsInPage = 0;
    const [markBefore, tieBefore] = [mark, tie];
    for (const row of rows) {
      const at = toEpochMs(row[field]);
      const gsid = typeof row.Gsid === 'string' ? row.Gsid : undefined;
      if (at === undefined) {
        nullsInPage++;
        records.push(strip(row));
        continue;
      }
      const before = mark;
      const seen =
        before !== null &&
        (at < before.at ||
          (at === before.at && before.gsid !== undefined && gsid !== undefined && gsid <= before.gsid));
      if (before && at === before.at) {
        tie++;
        if (gsid !== undefined && (before.gsid === undefined || gsid > before.gsid)) mark = { at, gsid };
      } else if (!before || at > before.at) {
        mark = { at, gsid };
        tie = 1;
      }
      if (!seen) records.push(strip(row));
    }
    nullsSeen += nullsInPage;
    yield { records, cursor: mark ? encodeCursor(mark) : null };

    const full = rows.length >= limit;
    if (full && !inNulls && nullsInPage === 0 && mark === markBefore && tie === tieBefore) {
      // Only rows before the mark came back: asking again would loop forever.
      throw new ConnectorError('unexpected', `Gainsight ignored the ${field} condition while paging ${options.object}`);
    }
    if (inNulls) {
      if (!full) return;
      nullOffset = nullsSeen;
    } else if (nullsInPage > 0) {
      // Empty values sort last: every dated row has been read.
      if (!full) return;
      nullOffset = nullsSeen;
    } else if (!full) {
      // A GTE page never holds empty values; a read from the beginning still owes them (if any can exist).
      if (start !== null || condition === undefined || ALWAYS_SET.has(field)) return;
      nullOffset = 0;
    }
  }
}

export const streams: Record<string, StreamDefinition<GainsightSettings, GainsightSecrets>> = {
  records: {
    name: 'records',
    options: recordsOptionsSchema,
    description:
      'Any Gainsight object through the query API, incrementally by its change date (ModifiedDate; LastModifiedDate for activity_timeline); picklists read as their labels.',
    read: readRecords,
  },
};
