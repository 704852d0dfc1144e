/**
 * Incremental pulls of one sObject on SystemModstamp.
 *
 * Salesforce keeps datetimes to the second, so many records can share a SystemModstamp, and a record
 * written later in the same second as the last one read still gets that stamp. The cursor therefore
 * holds the newest stamp read plus the Ids already read at exactly that stamp; the next query asks for
 * `SystemModstamp >= stamp` and skips those Ids. Nothing at the watermark is lost or read twice.
 */
import {
  ConnectorError,
  isConnectorError,
  type RecordPage,
  type StreamDefinition,
  type SyncRecord,
} from '@synchub/core';
import { z } from 'zod';
import { createSalesforceClient, type SalesforceRecord } from './client.js';
import type { SalesforceSecrets, SalesforceSettings } from './settings.js';

const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/** A field or a relationship path (`Owner.Name`); anything else could change the query's meaning. */
const FIELD_PATH = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

export const objectStreamOptions = z.object({
  object: z.string().trim().regex(API_NAME, 'an sObject API name, e.g. Account').default('Account').meta({
    title: 'Object',
    description: 'API name of the Salesforce object to read, e.g. Account or Contact.',
  }),
  fields: z
    .array(z.string().trim().regex(FIELD_PATH, 'a field API name, e.g. Name or Pendo_timeonsite_last30d__c'))
    .min(1)
    .meta({
      title: 'Fields',
      description: 'Field API names to read. Id and SystemModstamp are always read.',
    }),
  pageSize: z.number().int().min(1).optional().meta({
    title: 'Page size',
    description: 'Rows per page wanted (200 to 2,000). Only a hint: Salesforce decides the page size.',
  }),
});

export type ObjectStreamOptions = z.output<typeof objectStreamOptions>;

const cursorSchema = z.object({ after: z.iso.datetime(), ids: z.array(z.string()) });

/** The newest SystemModstamp read (epoch ms) and the Ids read at exactly that stamp. */
interface Watermark {
  after: number;
  ids: Set<string>;
}

/** A query cursor dies with its session (token refresh) or after idling; rerun this many times in a row at most. */
const MAX_RESTARTS = 3;

/** Salesforce's datetime form, `2024-05-01T20:49:32.000+0000`. */
const SF_DATETIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)([+-]\d{2}):?(\d{2})$/;

function parseSalesforceDatetime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = SF_DATETIME.exec(value);
  const ms = match ? Date.parse(`${match[1]}${match[2]}:${match[3]}`) : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A Salesforce record as the hub sees it: no `attributes`, datetimes in ISO form with `Z`. */
export function cleanRecord(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cleanRecord);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key !== 'attributes') out[key] = cleanRecord(item);
    }
    return out;
  }
  if (typeof value === 'string' && SF_DATETIME.test(value)) {
    const ms = parseSalesforceDatetime(value);
    return ms === undefined ? value : new Date(ms).toISOString();
  }
  return value;
}

function parseOptions(stream: string, options: Record<string, unknown>): ObjectStreamOptions {
  const parsed = objectStreamOptions.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
  throw new ConnectorError('config', `Invalid options for stream ${stream}: ${problems}`);
}

function parseCursor(stream: string, cursor: string | null): Watermark | undefined {
  if (cursor === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(cursor);
  } catch {
    value = undefined;
  }
  const parsed = cursorSchema.safeParse(value);
  if (!parsed.success) {
    throw new ConnectorError('invalid_request', `Stream ${stream} cannot resume from a cursor it did not write`);
  }
  return { after: Date.parse(parsed.data.after), ids: new Set(parsed.data.ids) };
}

function serializeCursor(mark: Watermark): string {
  return JSON.stringify({ after: new Date(mark.after).toISOString(), ids: [...mark.ids] });
}

export function buildSoql(options: ObjectStreamOptions, mark: Watermark | undefined): string {
  // Id and SystemModstamp once each, whatever case the user typed them in (Salesforce refuses duplicates).
  const required = ['Id', 'SystemModstamp'];
  const chosen = options.fields.filter((f) => !required.some((r) => r.toLowerCase() === f.toLowerCase()));
  const fields = [...new Map(['Id', ...chosen, 'SystemModstamp'].map((f) => [f.toLowerCase(), f])).values()];
  // Datetime literals are unquoted; the Z form needs no `+` to survive URL encoding.
  const where = mark ? ` WHERE SystemModstamp >= ${new Date(mark.after).toISOString()}` : '';
  return `SELECT ${fields.join(', ')} FROM ${options.object}${where} ORDER BY SystemModstamp, Id`;
}

function isLostQueryLocator(error: unknown): boolean {
  return isConnectorError(error) && error.vendorCode === 'INVALID_QUERY_LOCATOR';
}

/** The rows of one Salesforce page not read before, as hub records, and the watermark after them. */
function takeNew(
  object: string,
  rows: SalesforceRecord[],
  start: Watermark | undefined,
): { records: SyncRecord[]; mark: Watermark | undefined } {
  let mark = start;
  const records: SyncRecord[] = [];
  for (const raw of rows) {
    const id = raw.Id;
    const stamp = parseSalesforceDatetime(raw.SystemModstamp);
    if (typeof id !== 'string' || stamp === undefined) {
      throw new ConnectorError('unexpected', `Salesforce returned a ${object} without Id or SystemModstamp`, {
        body: raw,
      });
    }
    if (mark && stamp === mark.after && mark.ids.has(id)) continue;
    if (!mark || stamp > mark.after) mark = { after: stamp, ids: new Set([id]) };
    else if (stamp === mark.after) mark.ids.add(id);
    records.push(cleanRecord(raw) as SyncRecord);
  }
  return { records, mark };
}

/** A stream of one object's records, oldest change first, one page per Salesforce page. */
export function createObjectStream(
  name: string,
  description: string,
): StreamDefinition<SalesforceSettings, SalesforceSecrets> {
  return {
    name,
    description,
    object: 'Account',
    options: objectStreamOptions,
    async *read({ settings, secrets, ctx, cursor, options }): AsyncGenerator<RecordPage> {
      const opts = parseOptions(name, options);
      let mark = parseCursor(name, cursor);
      const client = createSalesforceClient(settings, secrets, ctx);
      let restarts = 0;
      for (;;) {
        try {
          // Each (re)run starts from the last page handed out, so a restart repeats nothing.
          for await (const page of client.query<SalesforceRecord>(buildSoql(opts, mark), {
            batchSize: opts.pageSize,
          })) {
            const taken = takeNew(opts.object, page.records, mark);
            mark = taken.mark;
            const { records } = taken;
            if (records.length === 0 || !mark) continue;
            restarts = 0;
            yield { records, cursor: serializeCursor(mark) };
          }
          return;
        } catch (error) {
          if (!isLostQueryLocator(error) || restarts >= MAX_RESTARTS) throw error;
          restarts++;
          ctx.log?.('info', `Salesforce query cursor expired: reading ${opts.object} again from the last page`, {
            stream: name,
            restarts,
          });
        }
      }
    },
  };
}

export const streams: Record<string, StreamDefinition<SalesforceSettings, SalesforceSecrets>> = {
  accounts: createObjectStream(
    'accounts',
    'Records of an object (Account unless the `object` option says otherwise), changed since the cursor, by SystemModstamp.',
  ),
};
