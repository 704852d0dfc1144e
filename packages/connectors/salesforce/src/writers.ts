/**
 * Record updates through sObject Collections (`PATCH composite/sobjects`, allOrNone false): one call per
 * batch of up to 200, one result per record. A refused record is a failed result; a refused call throws.
 */
import {
  ConnectorError,
  type ConnectorErrorCode,
  type SyncRecord,
  type WriteResult,
  type WriterDefinition,
} from '@synchub/core';
import { z } from 'zod';
import { COMPOSITE_LIMIT, type CompositeRecord, type CompositeResult, createSalesforceClient } from './client.js';
import type { SalesforceSecrets, SalesforceSettings } from './settings.js';

export const updateWriterOptions = z.object({
  object: z
    .string()
    .trim()
    .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'an sObject API name, e.g. Account')
    .default('Account')
    .meta({ title: 'Object', description: 'API name of the Salesforce object to update, e.g. Account.' }),
});

/**
 * Per-record status codes that mean something other than "this record's data is wrong". The rest
 * (INVALID_FIELD, NUMBER_OUTSIDE_VALID_RANGE, MALFORMED_ID, FIELD_CUSTOM_VALIDATION_EXCEPTION…) are invalid_request.
 */
const RECORD_ERROR_CODES: Record<string, ConnectorErrorCode> = {
  // Another transaction held the row: the same update can succeed a moment later.
  UNABLE_TO_LOCK_ROW: 'transient',
  ENTITY_IS_DELETED: 'not_found',
  INSUFFICIENT_ACCESS_OR_READONLY: 'forbidden',
  INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY: 'forbidden',
};

function recordId(record: SyncRecord): string | undefined {
  const id = record.Id ?? record.id;
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : undefined;
}

/** The record's field values: not its id (sent as `id`) nor a stream's leftover `attributes`. */
function fieldValues(record: SyncRecord): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).filter(([key]) => key.toLowerCase() !== 'id' && key !== 'attributes'),
  );
}

function toWriteResult(result: CompositeResult, id: string): WriteResult {
  if (result.success) return { ok: true, id: result.id ?? id };
  const first = result.errors[0];
  const statusCode = first?.statusCode ?? 'UNKNOWN_EXCEPTION';
  const reasons = result.errors.map((e) => {
    const fields = e.fields && e.fields.length > 0 ? ` (${e.fields.join(', ')})` : '';
    return `${e.statusCode}: ${e.message}${fields}`;
  });
  return {
    ok: false,
    error: {
      code: RECORD_ERROR_CODES[statusCode] ?? 'invalid_request',
      vendorCode: statusCode,
      message: `Salesforce refused the update of ${id}: ${reasons.join('; ') || 'no reason given'}`,
      body: result.errors,
    },
  };
}

/** An update writer for one object (the `object` option, default Account). */
export function createUpdateWriter(
  name: string,
  description: string,
): WriterDefinition<SalesforceSettings, SalesforceSecrets> {
  return {
    name,
    description,
    object: 'Account',
    options: updateWriterOptions,
    mode: 'update',
    batchSize: COMPOSITE_LIMIT,
    bucket: 'api',
    async write({ settings, secrets, ctx, records, options }) {
      if (records.length > COMPOSITE_LIMIT) {
        throw new ConnectorError(
          'invalid_request',
          `Writer ${name} takes at most ${COMPOSITE_LIMIT} records per call (got ${records.length})`,
        );
      }
      const parsed = updateWriterOptions.safeParse(options);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
        throw new ConnectorError('config', `Invalid options for writer ${name}: ${problems}`);
      }
      const { object } = parsed.data;

      // A record without an Id cannot be an update: it fails here and the others still go.
      const results: WriteResult[] = [];
      const sent: Array<{ index: number; id: string }> = [];
      const batch: CompositeRecord[] = [];
      records.forEach((record, index) => {
        const id = recordId(record);
        if (id === undefined) {
          results[index] = {
            ok: false,
            error: { code: 'invalid_request', message: `An update of ${object} needs the record's Id (Id or id)` },
          };
          return;
        }
        sent.push({ index, id });
        batch.push({ ...fieldValues(record), attributes: { type: object }, id });
      });
      if (batch.length > 0) {
        const client = createSalesforceClient(settings, secrets, ctx);
        const answers = await client.compositeUpdate(batch, false);
        answers.forEach((answer, k) => {
          const { index, id } = sent[k]!;
          results[index] = toWriteResult(answer, id);
        });
      }
      return results;
    },
  };
}

export const writers: Record<string, WriterDefinition<SalesforceSettings, SalesforceSecrets>> = {
  account_update: createUpdateWriter(
    'account_update',
    'Updates fields of existing records by Id (Account unless the `object` option says otherwise), up to 200 per call.',
  ),
};
