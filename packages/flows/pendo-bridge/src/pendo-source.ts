import {
  type FieldType,
  type Issue,
  previewLeft,
  previewTake,
  type ResolvedConnection,
  type RunContext,
} from '@synchub/core';
import { z } from 'zod';
import type { TypedField } from './fields.js';
import { atSave, fieldsOf, pagesOf } from './shared.js';

/**
 * The Pendo side of the bridge: account-level measures over the last 7 or 30 days, from aggregation
 * pipelines the hub builds, or from an account report a user built in Pendo (one row per account,
 * one column per measure).
 */

export const MEASURES = {
  activeVisitors: { label: 'Active visitors', type: 'integer' },
  minutes: { label: 'Time on site (minutes)', type: 'number' },
  lastVisit: { label: 'Last visit in the window', type: 'datetime' },
  featureClicks: { label: 'Clicks on the feature (featureId)', type: 'integer' },
  npsResponses: { label: 'NPS responses (pollId)', type: 'integer' },
  npsScore: { label: 'NPS score, −100 to 100 (pollId)', type: 'number' },
} as const satisfies Record<string, { label: string; type: FieldType }>;

export type Measure = keyof typeof MEASURES;
const MEASURE_NAMES = Object.keys(MEASURES) as Measure[];
const isMeasure = (name: string): name is Measure => name in MEASURES;

const PATH = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z0-9_$]+)*$/;

/** Settings every Pendo-sourced leg has (spread into its schema). */
export const pendoSourceShape = {
  source: z.enum(['aggregation', 'report']).default('aggregation').meta({
    title: 'Pendo source',
    description:
      'aggregation: the hub computes the measures (field map "from" is one of activeVisitors, minutes, lastVisit, featureClicks, npsResponses, npsScore). report: the rows of a Pendo account report (field map "from" is a report column).',
  }),
  days: z
    .literal([7, 30])
    .default(30)
    .meta({ title: 'Window (days)', description: 'Measures cover the last 7 or 30 whole days (UTC).' }),
  featureId: z.string().trim().min(1).optional().meta({
    title: 'Feature id',
    description: 'The Pendo feature whose clicks featureClicks counts (aggregation only).',
  }),
  pollId: z.string().trim().min(1).optional().meta({
    title: 'NPS poll id',
    description:
      'The poll of your NPS guide: npsResponses and npsScore are computed from its answers (aggregation only).',
  }),
  reportId: z.string().trim().min(1).optional().meta({
    title: 'Report id',
    description: 'The id in the Pendo account report’s URL (report source only).',
  }),
  pendoKey: z.string().trim().regex(PATH, 'a field path such as accountId').default('accountId').meta({
    title: 'Pendo match key',
    description:
      'The Pendo value that identifies the account on the other side: accountId, an account metadata path (metadata.salesforce.sfdc_account_id) or, for reports, a column.',
  }),
};

export interface PendoSourceSettings {
  source: 'aggregation' | 'report';
  days: 7 | 30;
  featureId?: string | undefined;
  pollId?: string | undefined;
  reportId?: string | undefined;
  pendoKey: string;
  fieldMap: Array<{ from: string; to: string }>;
}

/** Checks that need no vendor: the measures named exist, and the ids they need are given. */
export function refinePendoSource(s: PendoSourceSettings, ctx: z.RefinementCtx): void {
  if (s.source === 'report') {
    if (!s.reportId) ctx.addIssue({ code: 'custom', path: ['reportId'], message: 'required for the report source' });
    return;
  }
  s.fieldMap.forEach((row, i) => {
    if (!isMeasure(row.from)) {
      ctx.addIssue({
        code: 'custom',
        path: ['fieldMap', i, 'from'],
        message: `"${row.from}" is not a Pendo measure; use one of ${MEASURE_NAMES.join(', ')}`,
      });
    } else if (row.from === 'featureClicks' && !s.featureId) {
      ctx.addIssue({ code: 'custom', path: ['featureId'], message: 'featureClicks needs the feature id' });
    } else if ((row.from === 'npsResponses' || row.from === 'npsScore') && !s.pollId) {
      ctx.addIssue({ code: 'custom', path: ['pollId'], message: `${row.from} needs the NPS poll id` });
    }
  });
}

/**
 * The type of what a field map row reads: measures are typed; report columns are judged by a value
 * the report holds (undefined when it holds none, so no type can be checked).
 */
export function sourceField(
  s: PendoSourceSettings,
  from: string,
  sample: Record<string, unknown> = {},
): TypedField | undefined {
  if (s.source === 'aggregation') return isMeasure(from) ? { name: from, type: MEASURES[from].type } : undefined;
  if (!(from in sample)) return undefined;
  const value = sample[from];
  // Pendo answers times as epoch ms: a report column holding such numbers (lastVisit) is a datetime.
  if (typeof value === 'number')
    return { name: from, type: value >= EPOCH_MS_FROM && value < EPOCH_MS_TO ? 'datetime' : 'number' };
  return { name: from, type: typeof value === 'boolean' ? 'boolean' : 'string' };
}

/** 1973 to 2286 in epoch ms: no count or duration a report holds gets this large. */
const EPOCH_MS_FROM = 1e11;
const EPOCH_MS_TO = 1e13;

const isMetadataPath = (key: string) => key.startsWith('metadata.');

/**
 * Save-time checks against Pendo: a metadata match key must exist, and a report must exist and hold
 * the mapped columns. Answers a sample row per column (for type checks) when the report has rows.
 */
export async function checkPendoSource(
  pendo: ResolvedConnection,
  s: PendoSourceSettings,
  issues: Issue[],
): Promise<Record<string, unknown>> {
  if (isMetadataPath(s.pendoKey)) {
    const fields = await atSave(issues, 'settings.pendoKey', 'Reading the Pendo account schema', () =>
      fieldsOf(pendo, 'account'),
    );
    if (fields && !fields.some((f) => f.name === s.pendoKey)) {
      issues.push({ path: 'settings.pendoKey', message: `${s.pendoKey} is not a Pendo account metadata field` });
    }
  }
  const sample: Record<string, unknown> = {};
  if (s.source !== 'report' || !s.reportId) return sample;
  const reportId = s.reportId;
  const rows = await atSave(issues, 'settings.reportId', `Reading Pendo report ${reportId}`, async () => {
    for await (const page of pagesOf(pendo, 'report', { reportId, pageSize: 1000 })) return page.records;
    return [];
  });
  if (!rows || rows.length === 0) return sample;
  for (const row of rows) for (const [k, v] of Object.entries(row)) if (v !== null && !(k in sample)) sample[k] = v;
  const columns = new Set(rows.flatMap((r) => Object.keys(r)));
  const listed = [...columns].slice(0, 12).join(', ');
  s.fieldMap.forEach((row, i) => {
    if (!columns.has(row.from)) {
      issues.push({
        path: `settings.fieldMap.${i}.from`,
        message: `Pendo report ${reportId} has no column "${row.from}" (columns: ${listed})`,
      });
    }
  });
  const key = s.pendoKey;
  if (!isMetadataPath(key) && key !== 'accountId' && !columns.has(key)) {
    issues.push({ path: 'settings.pendoKey', message: `Pendo report ${reportId} has no column "${key}"` });
  }
  return sample;
}

export interface PendoAccount {
  accountId: string;
  /** The match key's value (accountId itself unless pendoKey says otherwise). */
  key: unknown;
  /** Values by measure name or report column. */
  values: Record<string, unknown>;
}

const DAY_MS = 86_400_000;

/** Reads one aggregation pipeline (paged by accountId) to the end or `max` rows, handing each row to `each`. */
async function aggregate(
  pendo: ResolvedConnection,
  pipeline: Record<string, unknown>[],
  each: (row: Record<string, unknown>) => void,
  max = Number.POSITIVE_INFINITY,
) {
  let handed = 0;
  const pageSize = Math.max(1, Math.min(1000, max));
  for await (const page of pagesOf(pendo, 'aggregation', { pipeline, key: 'accountId', pageSize })) {
    for (const row of page.records) each(row);
    handed += page.records.length;
    if (handed >= max) return;
  }
}

/**
 * Every Pendo account with the measures the field map names. Aggregation: one pass over accounts
 * (so accounts idle in the window get zeros rather than keeping stale values on the other side),
 * then one pipeline per measure family. NPS score is promoters (9–10) minus detractors (0–6) over
 * all answers, in percent.
 */
export async function readPendoAccounts(run: RunContext<PendoSourceSettings>): Promise<PendoAccount[]> {
  const s = run.settings;
  const pendo = run.connection;
  // A preview reads only the first accounts it shows (the measures' pipelines still cover every account).
  const max = previewLeft(run);
  const accounts = new Map<string, PendoAccount>();
  const wanted = new Set(s.fieldMap.map((r) => r.from));
  const keyFromMetadata = isMetadataPath(s.pendoKey);
  const entry = (accountId: string) => {
    let found = accounts.get(accountId);
    if (!found) {
      found = { accountId, key: s.pendoKey === 'accountId' ? accountId : undefined, values: {} };
      accounts.set(accountId, found);
    }
    return found;
  };

  if (s.source === 'aggregation' || keyFromMetadata) {
    const select: Record<string, string> = { accountId: 'accountId' };
    if (keyFromMetadata) select.matchKey = s.pendoKey;
    await aggregate(
      pendo,
      [{ source: { accounts: null } }, { select }],
      (row) => {
        if (typeof row.accountId !== 'string') return;
        const account = entry(row.accountId);
        if (keyFromMetadata) account.key = row.matchKey;
        if (s.source === 'aggregation') {
          for (const m of wanted) account.values[m] = m === 'lastVisit' || m === 'npsScore' ? null : 0;
        }
      },
      max,
    );
  }

  if (s.source === 'report') {
    const known = new Set(accounts.keys());
    const pageSize = Math.max(1, Math.min(1000, max));
    for await (const page of pagesOf(pendo, 'report', { reportId: s.reportId, pageSize })) {
      for (const row of page.records) {
        const accountId = row.accountId;
        if (typeof accountId !== 'string') continue;
        // With a metadata key the accounts pass decides which accounts exist.
        if (keyFromMetadata && !known.has(accountId)) continue;
        const account = entry(accountId);
        if (!keyFromMetadata && s.pendoKey !== 'accountId') account.key = row[s.pendoKey];
        for (const column of wanted) account.values[column] = row[column] ?? null;
      }
      if (accounts.size >= max) break;
    }
    return previewTake(run, [...accounts.values()]);
  }

  const first = Math.floor(run.now() / DAY_MS) * DAY_MS;
  const timeSeries = { period: 'dayRange', first, count: -s.days };
  const merge = (row: Record<string, unknown>, fields: Record<string, Measure>) => {
    const account = typeof row.accountId === 'string' ? accounts.get(row.accountId) : undefined;
    if (!account) return;
    for (const [column, measure] of Object.entries(fields)) {
      if (wanted.has(measure)) account.values[measure] = row[column] ?? account.values[measure];
    }
  };

  if (wanted.has('activeVisitors') || wanted.has('minutes') || wanted.has('lastVisit')) {
    // Visitors are counted once each: group by visitor first, then by account.
    await aggregate(
      pendo,
      [
        { source: { events: null, timeSeries } },
        { identified: 'accountId' },
        {
          group: {
            group: ['accountId', 'visitorId'],
            fields: { minutes: { sum: 'numMinutes' }, lastDay: { max: 'day' } },
          },
        },
        {
          group: {
            group: ['accountId'],
            fields: { visitors: { count: 'visitorId' }, minutes: { sum: 'minutes' }, lastVisit: { max: 'lastDay' } },
          },
        },
      ],
      (row) => merge(row, { visitors: 'activeVisitors', minutes: 'minutes', lastVisit: 'lastVisit' }),
    );
  }
  if (wanted.has('featureClicks') && s.featureId) {
    await aggregate(
      pendo,
      [
        { source: { featureEvents: { featureId: s.featureId }, timeSeries } },
        { identified: 'accountId' },
        { group: { group: ['accountId'], fields: { clicks: { sum: 'numEvents' } } } },
      ],
      (row) => merge(row, { clicks: 'featureClicks' }),
    );
  }
  if ((wanted.has('npsResponses') || wanted.has('npsScore')) && s.pollId) {
    const tally = new Map<string, { all: number; promoters: number; detractors: number }>();
    const count = async (filter: string | undefined, into: 'all' | 'promoters' | 'detractors') =>
      aggregate(
        pendo,
        [
          { source: { pollEvents: { pollId: s.pollId }, timeSeries } },
          { identified: 'accountId' },
          ...(filter ? [{ filter }] : []),
          { group: { group: ['accountId'], fields: { n: { count: 'pollResponse' } } } },
        ],
        (row) => {
          if (typeof row.accountId !== 'string' || typeof row.n !== 'number') return;
          const t = tally.get(row.accountId) ?? { all: 0, promoters: 0, detractors: 0 };
          t[into] = row.n;
          tally.set(row.accountId, t);
        },
      );
    await count(undefined, 'all');
    if (wanted.has('npsScore')) {
      await count('pollResponse >= 9', 'promoters');
      await count('pollResponse <= 6', 'detractors');
    }
    for (const [accountId, t] of tally) {
      const account = accounts.get(accountId);
      if (!account || t.all === 0) continue;
      if (wanted.has('npsResponses')) account.values.npsResponses = t.all;
      if (wanted.has('npsScore'))
        account.values.npsScore = Math.round((1000 * (t.promoters - t.detractors)) / t.all) / 10;
    }
  }
  return previewTake(run, [...accounts.values()]);
}
