import type { Hono } from 'hono';
import { findField } from './catalog.js';
import { createGsid } from './data.js';
import { badRequest, CODES, envelope, GainsightError, isPlainObject, jsonBody } from './envelope.js';
import { runQuery } from './query.js';
import { guard, type GainsightRuntime, requireObject } from './runtime.js';
import type { GainsightFieldDef, GainsightObjectDef, GainsightRow } from './types.js';
import { coerceForWrite, type FieldError } from './values.js';

export const MAX_WRITE_RECORDS = 50;
export const MAX_UPDATE_KEYS = 3;

interface RecordOutcome {
  values: Record<string, unknown>;
  errors: FieldError[];
}

function fieldError(errorCode: string, errorMessage: string, fieldName: string | null, invalidValue: unknown) {
  return { errorCode, errorMessage, fieldName: fieldName ?? '', invalidValue };
}

function readRecords(body: unknown): unknown[] {
  if (!isPlainObject(body) || !Array.isArray(body.records) || body.records.length === 0) {
    throw badRequest('Body must be {"records": [ … ]} with at least one record');
  }
  if (body.records.length > MAX_WRITE_RECORDS) {
    throw badRequest(
      `Maximum ${MAX_WRITE_RECORDS} records are allowed per request, got ${body.records.length}`,
      CODES.tooManyRecords,
      { count: 0, errors: null, records: null },
    );
  }
  return body.records;
}

/** Any invalid record fails the whole call: one entry per record, in request order. [L: entry per record] */
function rejectIfInvalid(outcomes: RecordOutcome[]): void {
  const failed = outcomes.filter((o) => o.errors.length > 0).length;
  if (failed === 0) return;
  throw new GainsightError(
    400,
    CODES.writeValidation,
    `Validation failed for ${failed} of ${outcomes.length} records`,
    {
      count: 0,
      errors: outcomes.map((o) => ({ success: o.errors.length === 0, errors: o.errors })),
      records: null,
    },
  );
}

export function checkRecord(
  rt: GainsightRuntime,
  def: GainsightObjectDef,
  record: unknown,
  mode: 'insert' | 'update',
  keyFields: GainsightFieldDef[] = [],
): RecordOutcome {
  const outcome: RecordOutcome = { values: {}, errors: [] };
  if (!isPlainObject(record)) {
    outcome.errors.push(fieldError(CODES.badRequest, 'Record must be an object', null, record));
    return outcome;
  }
  const exists = (objectName: string, gsid: string) => rt.state.rows(objectName).some((r) => r.Gsid === gsid);
  for (const [name, value] of Object.entries(record)) {
    const field = findField(def, name);
    if (!field) {
      outcome.errors.push(fieldError(CODES.fieldMissing, `Field ${name} does not exist`, name, value));
      continue;
    }
    const isKey = keyFields.includes(field);
    const writable = mode === 'insert' ? field.createable : field.updateable;
    if (!writable && !isKey) {
      outcome.errors.push(fieldError(CODES.notWritable, `Field ${name} is not ${mode}able`, name, value));
      continue;
    }
    const coerced = coerceForWrite(field, value, exists);
    if (coerced.ok) outcome.values[name] = coerced.value;
    else outcome.errors.push(coerced.error);
  }
  const mandatory = mode === 'insert' ? def.fields.filter((fd) => fd.required) : keyFields;
  for (const fd of mandatory) {
    if (outcome.values[fd.fieldName] == null && !outcome.errors.some((e) => e.fieldName === fd.fieldName)) {
      outcome.errors.push(fieldError(CODES.requiredField, `Field ${fd.fieldName} is mandatory`, fd.fieldName, null));
    }
  }
  return outcome;
}

function requireWritable(rt: GainsightRuntime, name: string): GainsightObjectDef {
  const def = requireObject(rt, name);
  if (!def.createable)
    throw badRequest(`Object ${def.objectName} cannot be written through this API`, CODES.notWritable);
  return def;
}

export function registerDataRoutes(app: Hono, rt: GainsightRuntime): void {
  app.post('/v1/data/objects/query/:object', guard(rt), async (c) => {
    const def = requireObject(rt, c.req.param('object'));
    const records = runQuery(rt.state, def, await jsonBody(c), rt.state.dateFormat);
    return c.json(envelope(rt.queryDataShape === 'array' ? records : { records }));
  });

  app.post('/v1/data/objects/:object', guard(rt), async (c) => {
    const def = requireWritable(rt, c.req.param('object'));
    const outcomes = readRecords(await jsonBody(c)).map((r) => checkRecord(rt, def, r, 'insert'));
    rejectIfInvalid(outcomes);
    const table = rt.state.rows(def.objectName);
    const at = rt.now();
    const created = outcomes.map(({ values }) => {
      const row: GainsightRow = Object.fromEntries(def.fields.map((fd) => [fd.fieldName, null]));
      Object.assign(row, values, { Gsid: createGsid(rt.random, def.keyPrefix), CreatedDate: at });
      row[findField(def, 'LastModifiedDate') ? 'LastModifiedDate' : 'ModifiedDate'] = at;
      table.push(row);
      return { Gsid: row.Gsid };
    });
    return c.json(envelope({ count: created.length, errors: null, records: created }));
  });

  // No native upsert: callers look up, then insert or update by up to three ANDed keys.
  app.put('/v1/data/objects/:object', guard(rt), async (c) => {
    const def = requireWritable(rt, c.req.param('object'));
    const keyNames = (c.req.query('keys') ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k !== '');
    if (keyNames.length === 0) throw badRequest('keys query parameter is required for update');
    if (keyNames.length > MAX_UPDATE_KEYS) throw badRequest(`At most ${MAX_UPDATE_KEYS} keys are allowed`);
    const keyFields = keyNames.map((k) => {
      const field = findField(def, k);
      if (!field) throw badRequest(`Field ${k} does not exist on ${def.objectName}`, CODES.fieldMissing);
      return field;
    });
    const table = rt.state.rows(def.objectName);
    const outcomes = readRecords(await jsonBody(c)).map((r) => checkRecord(rt, def, r, 'update', keyFields));
    const matches = outcomes.map((o) => {
      if (o.errors.length > 0) return [];
      const hits = table.filter((row) => keyFields.every((k) => row[k.fieldName] === o.values[k.fieldName]));
      if (hits.length === 0) {
        const keys = keyFields.map((k) => `${k.fieldName}=${String(o.values[k.fieldName])}`).join(', ');
        o.errors.push(fieldError(CODES.noMatch, `No record found for ${keys}`, keyFields[0]?.fieldName ?? null, keys));
      }
      return hits;
    });
    rejectIfInvalid(outcomes);
    const at = rt.now();
    const updated = outcomes.map(({ values }, i) => {
      const hits = matches[i] ?? [];
      for (const row of hits) {
        for (const [name, value] of Object.entries(values)) {
          if (!keyFields.some((k) => k.fieldName === name)) row[name] = value;
        }
        row['LastModifiedDate' in row ? 'LastModifiedDate' : 'ModifiedDate'] = at;
      }
      return { Gsid: hits[0]?.Gsid };
    });
    return c.json(envelope({ count: updated.length, errors: null, records: updated }));
  });
}
