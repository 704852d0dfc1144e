import type { DiscoveredField, Issue, ResolvedConnection, RunContext, SyncRecord } from '@synchub/core';
import { z } from 'zod';
import { convertValue, describeField, findField, incompatibility, noField, type TypedField } from './fields.js';
import { atSave, connectionRef, countFailure, failureReason, fieldsOf, pagesOf, runDate, writeAll } from './shared.js';

/**
 * Gainsight's "Load to Usage": one row per account per run date in a usage data object, with the
 * aggregation level ACCOUNTLEVEL, the Salesforce Account id and the mapped measures, inserted 50 at a
 * time. A second run on the same date loads only the accounts that have no row for that date yet, so
 * re-running after a failure never doubles a day. Optionally announces the load with a System Asset
 * Event (Events Framework) carrying the success, failure and total counts.
 */

export const ACCOUNT_LEVEL = 'ACCOUNTLEVEL';
/** Gainsight takes at most 50 records per insert. */
export const USAGE_BATCH = 50;

const name = (title: string, description: string, fallback: string) =>
  z.string().trim().min(1).default(fallback).meta({ title, description });

/** Settings every leg into the usage object has (spread into its schema). */
export const usageTargetShape = {
  targetConnectionId: connectionRef(
    'gainsight',
    'Gainsight connection',
    'The tenant whose usage object receives the rows.',
  ),
  usageObject: name('Usage object', 'Gainsight usage data object.', 'product_usage__gc'),
  accountIdField: name('Account id field', 'Usage field for the Salesforce Account id.', 'AccountId__gc'),
  dateField: name('Date field', 'Usage field set to the run date ("Rule Date").', 'UsageDate__gc'),
  aggregationLevelField: name(
    'Aggregation level field',
    `Usage field set to ${ACCOUNT_LEVEL} (account-level data).`,
    'AggregationLevel__gc',
  ),
  companyIdField: z.string().trim().min(1).optional().meta({
    title: 'Company lookup field',
    description:
      'Optional usage field (e.g. GsCompanyId) to fill with the Gainsight company whose SfdcAccountId is the account; accounts with no company are then skipped (Gainsight customers only).',
  }),
  publishEvent: z.boolean().default(false).meta({
    title: 'Publish a System Asset Event',
    description: 'After each load, publish an Events Framework event with the success, failure and total counts.',
  }),
  eventName: name('Event name', 'The registered System Asset Event name.', 'System Asset Event'),
  eventVersion: name('Event version', 'The registered event version.', 'v01'),
  eventTopic: z
    .string()
    .trim()
    .min(1)
    .optional()
    .meta({ title: 'Event topic', description: 'The event topic, when registered with one.' }),
};

export interface UsageTargetSettings {
  targetConnectionId: string;
  usageObject: string;
  accountIdField: string;
  dateField: string;
  aggregationLevelField: string;
  companyIdField?: string | undefined;
  publishEvent: boolean;
  eventName: string;
  eventVersion: string;
  eventTopic?: string | undefined;
  fieldMap: Array<{ from: string; to: string }>;
}

const FIXED = ['accountIdField', 'dateField', 'aggregationLevelField', 'companyIdField'] as const;

/** Save-time: the usage object and every field exist and are createable; measures fit their fields. */
export async function checkUsageTarget(
  gainsight: ResolvedConnection,
  s: UsageTargetSettings,
  sourceOf: (from: string) => TypedField | undefined,
  issues: Issue[],
): Promise<void> {
  const fields = await atSave(issues, 'settings.usageObject', `Describing Gainsight ${s.usageObject}`, () =>
    fieldsOf(gainsight, s.usageObject),
  );
  if (!fields) return;
  const need = (path: string, fieldName: string): DiscoveredField | undefined => {
    const field = findField(fields, fieldName);
    if (!field) issues.push({ path, message: noField(s.usageObject, fields, fieldName) });
    else if (field.createable === false)
      issues.push({ path, message: `${s.usageObject}.${fieldName} is not writable` });
    return field;
  };
  for (const key of FIXED) {
    const value = s[key];
    if (value) need(`settings.${key}`, value);
  }
  const date = findField(fields, s.dateField);
  if (date && date.type !== 'date' && date.type !== 'datetime') {
    issues.push({
      path: 'settings.dateField',
      message: `${s.dateField} is ${date.vendorType ?? date.type}, not a date`,
    });
  }
  s.fieldMap.forEach((row, i) => {
    const path = `settings.fieldMap.${i}.to`;
    if (FIXED.some((key) => s[key] === row.to)) {
      issues.push({ path, message: `${row.to} is filled by the leg itself; map measures to other fields` });
      return;
    }
    const target = need(path, row.to);
    const from = sourceOf(row.from);
    const why = target && from && incompatibility(from, target);
    if (target && from && why) {
      issues.push({ path, message: `${describeField(from)} → Gainsight ${describeField(target)}: ${why}` });
    }
  });
  if (s.publishEvent) {
    const settings = gainsight.settings as { tenantId?: string };
    const secrets = gainsight.secrets as { sharedSecret?: string };
    if (!settings.tenantId || !secrets.sharedSecret) {
      issues.push({
        path: 'settings.publishEvent',
        message: `Publishing events needs the tenant id and the events shared secret on the connection ${gainsight.name}`,
      });
    }
  }
}

/** One account's measures, keyed by the usage field they go into. */
export interface UsageRow {
  accountId: string;
  values: Record<string, unknown>;
  /** The source record, as a preview shows it (the row itself when absent). */
  source?: unknown;
}

/** Salesforce Account ids that already have a row for this date at the account level. */
async function loadedOn(gainsight: ResolvedConnection, s: UsageTargetSettings, date: string): Promise<Set<string>> {
  const seen = new Set<string>();
  const where = {
    conditions: [
      { name: s.dateField, alias: 'D', value: [date], operator: 'EQ' },
      { name: s.aggregationLevelField, alias: 'L', value: [ACCOUNT_LEVEL], operator: 'EQ' },
    ],
    expression: 'D AND L',
  };
  for await (const page of pagesOf(gainsight, 'records', {
    object: s.usageObject,
    select: [s.accountIdField],
    where,
  })) {
    for (const row of page.records)
      if (typeof row[s.accountIdField] === 'string') seen.add(row[s.accountIdField] as string);
  }
  return seen;
}

async function companiesBySfdcId(gainsight: ResolvedConnection): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for await (const page of pagesOf(gainsight, 'records', { object: 'company', select: ['Gsid', 'SfdcAccountId'] })) {
    for (const row of page.records) {
      if (typeof row.SfdcAccountId === 'string' && typeof row.Gsid === 'string') map.set(row.SfdcAccountId, row.Gsid);
    }
  }
  return map;
}

/** Loads rows as they come (pages from the source), 50 per insert; then the optional System Asset Event. */
export async function loadUsage(
  run: RunContext<UsageTargetSettings>,
  gainsight: ResolvedConnection,
  rows: AsyncIterable<UsageRow[]>,
): Promise<void> {
  const s = run.settings;
  const date = runDate(run.now());
  const fields = await fieldsOf(gainsight, s.usageObject);
  const loaded = await loadedOn(gainsight, s, date);
  const companies = s.companyIdField ? await companiesBySfdcId(gainsight) : undefined;
  const tally = { success: 0, failure: 0 };
  const flush = async (records: SyncRecord[]) =>
    writeAll(run, gainsight, 'object_insert', { object: s.usageObject }, records, (record, result) => {
      if (result.ok) {
        tally.success++;
        run.count('written');
        return;
      }
      tally.failure++;
      countFailure(run, failureReason('Gainsight refused the row', result), {
        accountId: record[s.accountIdField],
        message: result.error.message,
      });
    });

  let pending: SyncRecord[] = [];
  for await (const page of rows) {
    for (const row of page) {
      const before = row.source ?? row;
      if (loaded.has(row.accountId)) {
        run.count('skipped', 1, `already loaded for ${date}`);
        run.dryRun?.sample(before, null, `already loaded for ${date}`);
        continue;
      }
      const record: SyncRecord = {
        [s.accountIdField]: row.accountId,
        [s.dateField]: date,
        [s.aggregationLevelField]: ACCOUNT_LEVEL,
      };
      if (companies && s.companyIdField) {
        const gsid = companies.get(row.accountId);
        if (!gsid) {
          run.count('skipped', 1, 'no Gainsight company with this SfdcAccountId');
          run.note('unmatched', { accountId: row.accountId });
          run.dryRun?.sample(before, null, 'no Gainsight company with this SfdcAccountId');
          continue;
        }
        record[s.companyIdField] = gsid;
      }
      const problem = fill(record, row.values, fields);
      if (problem) {
        tally.failure++;
        countFailure(run, 'value does not fit its Gainsight field', { accountId: row.accountId, message: problem });
        run.dryRun?.sample(before, null, `fails: ${problem}`);
        continue;
      }
      run.dryRun?.sample(before, record);
      loaded.add(row.accountId);
      pending.push(record);
      if (pending.length === USAGE_BATCH) {
        await flush(pending);
        pending = [];
      }
    }
  }
  if (pending.length > 0) await flush(pending);
  run.detail('load', { object: s.usageObject, date, aggregationLevel: ACCOUNT_LEVEL, ...tally });
  if (s.publishEvent && tally.success + tally.failure > 0) await publish(run, gainsight, tally);
}

function fill(record: SyncRecord, values: Record<string, unknown>, fields: DiscoveredField[]): string | undefined {
  for (const [to, value] of Object.entries(values)) {
    const field = findField(fields, to);
    if (!field) return `${to} no longer exists`;
    const converted = convertValue(value, field);
    if (!converted.ok) return `${to}: ${converted.message}`;
    record[to] = converted.value;
  }
  return undefined;
}

/** The System Asset Event of the Events Framework; a refusal is kept in the run's details, not fatal. */
async function publish(
  run: RunContext<UsageTargetSettings>,
  gainsight: ResolvedConnection,
  tally: { success: number; failure: number },
): Promise<void> {
  const s = run.settings;
  const body = {
    tenantId: (gainsight.settings as { tenantId?: string }).tenantId,
    assetType: 'OBJECTS',
    assetId: s.usageObject,
    operationType: 'DATA',
    operation: 'INSERT',
    objectName: s.usageObject,
    status: tally.failure === 0 ? 'SUCCESS' : tally.success === 0 ? 'FAILED' : 'PARTIAL_SUCCESS',
    successCount: tally.success,
    failureCount: tally.failure,
    totalCount: tally.success + tally.failure,
    jobId: String(run.runId),
    consumerProperties: { jobName: run.pipelineName, operation: 'INSERT' },
  };
  const options = { eventName: s.eventName, eventVersion: s.eventVersion, topicName: s.eventTopic };
  await writeAll(run, gainsight, 'event_publish', options, [body], (_, result) => {
    if (result.ok) run.detail('systemAssetEvent', { published: true, eventId: result.id, body });
    else {
      run.detail('systemAssetEvent', { published: false, error: result.error.message, body });
      run.log('warn', 'System Asset Event not published', { error: result.error.message });
    }
  });
}
