import {
  ConnectorError,
  isConnectorError,
  type SyncRecord,
  type WriteArgs,
  type WriteError,
  type WriteResult,
  type WriterDefinition,
} from '@synchub/core';
import { z } from 'zod';
import {
  createGainsightClient,
  type GainsightClient,
  type GainsightWriteData,
  MAX_UPDATE_KEYS,
  MAX_WRITE_RECORDS,
} from './client.js';
import { createPicklists } from './picklists.js';
import type { GainsightSecrets, GainsightSettings } from './settings.js';

type Writer = WriterDefinition<GainsightSettings, GainsightSecrets>;
type Args = WriteArgs<GainsightSettings, GainsightSecrets>;

export const companyUpdateOptionsSchema = z.object({
  keys: z
    .array(z.string().trim().min(1))
    .min(1)
    .max(MAX_UPDATE_KEYS)
    .default(['Name'])
    .meta({
      title: 'Match on',
      description: `Company fields (1 to ${MAX_UPDATE_KEYS}, ANDed) that find the record to update; every record must carry them.`,
    }),
});

export const objectInsertOptionsSchema = z.object({
  object: z
    .string()
    .trim()
    .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a Gainsight object name, e.g. product_usage__gc')
    .meta({
      title: 'Object',
      description: 'The object to insert into, e.g. a usage data object (product_usage__gc) or Company.',
    }),
});

export const eventPublishOptionsSchema = z.object({
  eventName: z.string().trim().min(1).meta({ title: 'Event name', description: 'As registered in Gainsight.' }),
  eventVersion: z.string().trim().min(1).meta({ title: 'Event version', description: 'As registered, e.g. v01.' }),
  topicName: z
    .string()
    .trim()
    .min(1)
    .optional()
    .meta({ title: 'Topic', description: 'The event topic, when registered with one.' }),
  tenantId: z.string().trim().min(1).optional().meta({
    title: 'Tenant ID',
    description: "Defaults to the connection's tenant id.",
  }),
  contractId: z.string().trim().min(1).optional().meta({ title: 'Contract ID', description: 'Sent when given.' }),
});

function parseOptions<T extends z.ZodType>(schema: T, options: Record<string, unknown>, writer: string): z.output<T> {
  const result = schema.safeParse(options);
  if (!result.success) {
    throw new ConnectorError('config', `Gainsight ${writer} options: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** The host batches; a writer handed more than it declared refuses before calling Gainsight. */
function refuseOverBatch(records: SyncRecord[], batchSize: number, writer: string): void {
  if (records.length > batchSize) {
    throw new ConnectorError(
      'invalid_request',
      `Gainsight ${writer} takes at most ${batchSize} record${batchSize === 1 ? '' : 's'} per call, got ${records.length}`,
    );
  }
}

/** A refusal of what we sent becomes per-record results; anything else (auth, 429, 5xx…) rejects the call. */
function isRefusal(error: unknown): error is ConnectorError {
  return isConnectorError(error) && (error.code === 'invalid_request' || error.code === 'conflict');
}

function refusal(error: ConnectorError, message = error.message): WriteResult {
  return { ok: false, error: { code: error.code, message, vendorCode: error.vendorCode, body: error.body } };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface FieldError {
  errorMessage?: unknown;
  errorCode?: unknown;
  fieldName?: unknown;
  invalidValue?: unknown;
}

const sameValue = (a: unknown, b: unknown) =>
  JSON.stringify(a) === JSON.stringify(b) ||
  (typeof a !== 'object' && typeof b !== 'object' && String(a) === String(b));

/**
 * The field errors of a refused write, per input record. Gainsight answers one entry per record
 * (`{success, errors}`) in request order when it can; otherwise a field error is pinned to the
 * records holding its field with its invalid value. Errors that fit no record are pinned to none.
 */
export function fieldErrorsPerRecord(body: unknown, records: SyncRecord[]): FieldError[][] {
  const data = isRecord(body) && isRecord(body.data) ? body.data : undefined;
  const entries = Array.isArray(data?.errors) ? data.errors : [];
  const perRecord = entries.every((e) => isRecord(e) && Array.isArray(e.errors));
  if (perRecord && entries.length === records.length && entries.length > 0) {
    return entries.map((e) => ((e as { errors: unknown[] }).errors ?? []).filter(isRecord));
  }
  const flat = entries.flatMap((e) => (isRecord(e) && Array.isArray(e.errors) ? e.errors : [e])).filter(isRecord);
  return records.map((record) =>
    flat.filter(
      (e) => typeof e.fieldName === 'string' && e.fieldName in record && sameValue(record[e.fieldName], e.invalidValue),
    ),
  );
}

function describeFieldErrors(errors: FieldError[]): string {
  return errors
    .map((e) => {
      const text = typeof e.errorMessage === 'string' ? e.errorMessage : 'invalid value';
      const code = typeof e.errorCode === 'string' ? ` (${e.errorCode})` : '';
      return `${text}${code}`;
    })
    .join('; ');
}

/** Gainsight's field error for an update key that matched no record. */
const NO_MATCH = 'GSOBJ_1005';

/**
 * Gainsight fails a whole insert/update call when one record is invalid: every record fails, the
 * records the vendor named carry their own field errors, the others say they were refused with them.
 */
export function refusedBatch(error: ConnectorError, records: SyncRecord[]): WriteResult[] {
  const own = fieldErrorsPerRecord(error.body, records);
  const named = own.filter((errors) => errors.length > 0).length;
  return records.map((_, i): WriteResult => {
    const mine = own[i] ?? [];
    if (mine.length > 0) {
      const first = mine[0]?.errorCode;
      const failure: WriteError = {
        // An update whose keys match no record is "not found", so a host can tell it from bad data.
        code: mine.every((e) => e.errorCode === NO_MATCH) ? 'not_found' : error.code,
        message: `Gainsight refused this record: ${describeFieldErrors(mine)}`,
        vendorCode: typeof first === 'string' ? first : error.vendorCode,
        body: { errors: mine },
      };
      return { ok: false, error: failure };
    }
    if (named === 0) return refusal(error);
    return {
      ok: false,
      error: {
        code: error.code,
        message: `Not written: Gainsight refuses the whole call when a record is invalid, and ${named} other record${named === 1 ? ' was' : 's were'} (${error.message})`,
        vendorCode: error.vendorCode,
      },
    };
  });
}

function written(data: GainsightWriteData, count: number): WriteResult[] {
  return Array.from({ length: count }, (_, i): WriteResult => {
    const gsid = data.records[i]?.Gsid;
    return gsid
      ? { ok: true, id: gsid }
      : {
          ok: false,
          error: { code: 'unexpected', message: 'Gainsight accepted the call but answered no Gsid for this record' },
        };
  });
}

async function writeBatch(records: SyncRecord[], send: () => Promise<GainsightWriteData>): Promise<WriteResult[]> {
  if (records.length === 0) return [];
  try {
    return written(await send(), records.length);
  } catch (error) {
    if (isRefusal(error)) return refusedBatch(error, records);
    throw error;
  }
}

/**
 * Picklist labels → item GSIDs (Gainsight takes only GSIDs) before `send`: a record with a label the
 * object's picklist does not have fails on its own, naming the known labels, and only the others are sent.
 */
async function withItems(
  args: Args,
  client: GainsightClient,
  object: string,
  records: SyncRecord[],
  send: (records: SyncRecord[]) => Promise<WriteResult[]>,
): Promise<WriteResult[]> {
  if (records.length === 0) return [];
  const translated = await createPicklists(args, client).toGsids(object, records);
  const sendable = translated.flatMap((t) => (t.ok ? [t.record] : []));
  const sent = sendable.length > 0 ? await send(sendable) : [];
  let next = 0;
  return translated.map((t): WriteResult => (t.ok ? (sent[next++] as WriteResult) : { ok: false, error: t.error }));
}

const companyInsert: Writer = {
  name: 'company_insert',
  description: `Insert Company records (up to ${MAX_WRITE_RECORDS} per call; one invalid record fails the call).`,
  object: 'Company',
  mode: 'insert',
  batchSize: MAX_WRITE_RECORDS,
  bucket: 'sync',
  async write(args: Args) {
    const { records } = args;
    refuseOverBatch(records, MAX_WRITE_RECORDS, 'company_insert');
    const client = createGainsightClient(args);
    return withItems(args, client, 'Company', records, (batch) =>
      writeBatch(batch, () => client.insertCompanies(batch)),
    );
  },
};

const objectInsert: Writer = {
  name: 'object_insert',
  options: objectInsertOptionsSchema,
  description: `Insert records into any writable object (the \`object\` option), up to ${MAX_WRITE_RECORDS} per call; one invalid record fails the call.`,
  mode: 'insert',
  batchSize: MAX_WRITE_RECORDS,
  bucket: 'sync',
  async write(args: Args) {
    const { records, options } = args;
    refuseOverBatch(records, MAX_WRITE_RECORDS, 'object_insert');
    const { object } = parseOptions(objectInsertOptionsSchema, options, 'object_insert');
    const client = createGainsightClient(args);
    return withItems(args, client, object, records, (batch) =>
      writeBatch(batch, () => client.insertRecords(object, batch)),
    );
  },
};

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

const companyUpdate: Writer = {
  name: 'company_update',
  description: `Update Company records matched by up to ${MAX_UPDATE_KEYS} key fields (default Name).`,
  object: 'Company',
  options: companyUpdateOptionsSchema,
  mode: 'update',
  batchSize: MAX_WRITE_RECORDS,
  bucket: 'sync',
  async write(args: Args) {
    const { records, options } = args;
    refuseOverBatch(records, MAX_WRITE_RECORDS, 'company_update');
    const { keys } = parseOptions(companyUpdateOptionsSchema, options, 'company_update');
    // A record without its key can never match; sending it would fail the whole call for the others.
    const results: (WriteResult | undefined)[] = records.map((record) => {
      const missing = keys.filter((key) => isBlank(record[key]));
      if (missing.length === 0) return undefined;
      return {
        ok: false,
        error: { code: 'invalid_request', message: `No value for the update key ${missing.join(', ')}` },
      };
    });
    const sendable = records.filter((_, i) => results[i] === undefined);
    const client = createGainsightClient(args);
    const sent = await withItems(args, client, 'Company', sendable, (batch) =>
      writeBatch(batch, () => client.updateCompanies(batch, keys)),
    );
    let next = 0;
    return results.map((result) => result ?? (sent[next++] as WriteResult));
  },
};

/**
 * Gainsight has no Company upsert: look the batch's names up in one query, then insert the new ones
 * and update the known ones (up to three calls per batch: the lookup, one insert, one update).
 */
const companyUpsert: Writer = {
  name: 'company_upsert',
  description: `Upsert Company records by Name: one lookup, then one insert and one update call per ${MAX_WRITE_RECORDS} records.`,
  object: 'Company',
  mode: 'upsert',
  batchSize: MAX_WRITE_RECORDS,
  bucket: 'sync',
  async write(args: Args) {
    const { records } = args;
    refuseOverBatch(records, MAX_WRITE_RECORDS, 'company_upsert');
    const results: (WriteResult | undefined)[] = records.map((record) =>
      isBlank(record.Name)
        ? { ok: false, error: { code: 'invalid_request', message: 'No value for the upsert key Name' } }
        : undefined,
    );
    const client = createGainsightClient(args);
    // Labels → item GSIDs first: a record with an unknown label fails alone and is neither looked up nor sent.
    const outgoing = [...records];
    const at = records.flatMap((_, i) => (results[i] === undefined ? [i] : []));
    const translated = await createPicklists(args, client).toGsids(
      'Company',
      at.map((i) => records[i] as SyncRecord),
    );
    translated.forEach((t, n) => {
      const i = at[n] as number;
      if (t.ok) outgoing[i] = t.record;
      else results[i] = { ok: false, error: t.error };
    });
    const named = outgoing.filter((_, i) => results[i] === undefined);
    if (named.length === 0) return results as WriteResult[];
    const names = [...new Set(named.map((r) => String(r.Name)))];
    const found = await client.query('Company', {
      select: ['Gsid', 'Name'],
      where: { conditions: [{ name: 'Name', alias: 'A', value: names, operator: 'IN' }], expression: 'A' },
      limit: names.length + 1,
      offset: 0,
    });
    const existing = new Set(found.map((r) => String(r.Name)));
    const indexes = (known: boolean) =>
      records.flatMap((r, i) => (results[i] === undefined && existing.has(String(r.Name)) === known ? [i] : []));
    for (const [known, send] of [
      [false, (batch: SyncRecord[]) => client.insertCompanies(batch)],
      [true, (batch: SyncRecord[]) => client.updateCompanies(batch, ['Name'])],
    ] as const) {
      const chosen = indexes(known);
      const batch = chosen.map((i) => outgoing[i] as SyncRecord);
      const sent = await writeBatch(batch, () => send(batch));
      chosen.forEach((i, n) => {
        results[i] = sent[n];
      });
    }
    return results as WriteResult[];
  },
};

const personUpsert: Writer = {
  name: 'person_upsert',
  object: 'Person',
  description: 'Upsert one Person keyed by Email, optionally linked to companies with companies: [{Company_ID}].',
  mode: 'upsert',
  batchSize: 1,
  bucket: 'sync',
  async write(args: Args) {
    const { records } = args;
    refuseOverBatch(records, 1, 'person_upsert');
    const client = createGainsightClient(args);
    return withItems(args, client, 'Person', records, async (batch) => {
      const results: WriteResult[] = [];
      for (const record of batch) {
        try {
          const person = await client.upsertPerson(record);
          results.push({ ok: true, id: typeof person.Gsid === 'string' ? person.Gsid : undefined });
        } catch (error) {
          if (!isRefusal(error)) throw error;
          results.push(refusal(error));
        }
      }
      return results;
    });
  },
};

const eventPublish: Writer = {
  name: 'event_publish',
  options: eventPublishOptionsSchema,
  description: 'Publish one event (the record is its body) to the Events Framework.',
  mode: 'publish',
  batchSize: 1,
  bucket: 'sync',
  async write({ settings, secrets, ctx, records, options }: Args) {
    refuseOverBatch(records, 1, 'event_publish');
    const headers = parseOptions(eventPublishOptionsSchema, options, 'event_publish');
    const client = createGainsightClient({ settings, secrets, ctx });
    const results: WriteResult[] = [];
    for (const record of records) {
      try {
        const { eventId } = await client.publishEvent(headers, record);
        results.push({ ok: true, id: eventId });
      } catch (error) {
        if (!isRefusal(error)) throw error;
        // The events API's `message` ("Event is not registered") is the useful line; errorDesc is "Oops…".
        const body = error.body;
        const said =
          isRecord(body) && typeof body.message === 'string' && body.message.trim() ? body.message : undefined;
        results.push(refusal(error, said ?? error.message));
      }
    }
    return results;
  },
};

export const writers: Record<string, Writer> = {
  company_insert: companyInsert,
  company_update: companyUpdate,
  company_upsert: companyUpsert,
  object_insert: objectInsert,
  person_upsert: personUpsert,
  event_publish: eventPublish,
};
