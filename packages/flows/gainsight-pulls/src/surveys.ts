import type { GainsightWhere } from '@synchub/connector-gainsight/types';
import {
  ConnectorError,
  type DiscoveredObject,
  definePipelineKind,
  type Issue,
  isConnectorError,
  previewPages,
  previewPageSize,
  type RunContext,
  type SurveyResponseRow,
} from '@synchub/core';
import { matchSetup } from './common.js';
import { GROUP, gainsightGate } from './company.js';
import { detectSurveyFields } from './discovery.js';
import { createMatcher, type Matcher, reportUnmatched } from './match.js';
import { type SurveyFieldMappings, type SurveysSettings, surveysSettings } from './settings.js';
import { storePage } from './store.js';
import { isoDate, num, SCHEDULES, text } from './values.js';
import {
  crmFieldIssues,
  describeObjects,
  objectIssues,
  parseCursors,
  readRecords,
  serializeCursors,
  whereFields,
} from './vendor.js';

const DAY_MS = 86_400_000;
const SYSTEM_FIELDS = new Set(['Gsid', 'CreatedDate', 'ModifiedDate', 'LastModifiedDate']);

interface SurveyObject {
  object: string;
  surveyType?: string | undefined;
  fields?: SurveyFieldMappings | undefined;
  /** Where its issues go (`settings.object` or `settings.objects.N`). */
  path: string;
}

/** The objects a surveys pull reads: one in single mode, the rows in multi mode. */
export function surveyObjects(settings: SurveysSettings): SurveyObject[] {
  return settings.mode === 'single'
    ? [{ object: settings.object, path: 'settings.object' }]
    : settings.objects.map((row, i) => ({ ...row, path: `settings.objects.${i}` }));
}

export function npsGroup(score: number | null): string | null {
  if (score === null) return null;
  return score >= 9 ? 'Promoter' : score >= 7 ? 'Passive' : 'Detractor';
}

/** Auto-detected mappings, then the pull's own, then the row's overrides. */
export function mappingsFor(described: DiscoveredObject, settings: SurveysSettings, row: SurveyObject) {
  return { ...detectSurveyFields(described).fieldMappings, ...settings.fieldMappings, ...row.fields };
}

/** The default filter: responses of the last N days (by the response date, else the creation date). */
export function lookbackWhere(field: string, days: number, now: number): GainsightWhere {
  const since = new Date(now - days * DAY_MS).toISOString();
  return { conditions: [{ name: field, alias: 'LOOKBACK', operator: 'GTE', value: [since] }] };
}

async function pullObject(
  run: RunContext<SurveysSettings>,
  row: SurveyObject,
  described: DiscoveredObject,
  matcher: Matcher,
  cursors: Record<string, string | null>,
) {
  const { settings } = run;
  const connectionId = run.connection.id;
  const mapping = mappingsFor(described, settings, row);
  const mapped = new Set(Object.values(mapping));
  const custom = settings.registerCustomFields
    ? (described.fields ?? []).filter((f) => !SYSTEM_FIELDS.has(f.name) && !mapped.has(f.name))
    : [];
  if (custom.length > 0 && !run.dryRun) {
    const at = run.now();
    await run.host.customers.write([
      {
        type: 'custom_fields',
        rows: custom.map((f) => ({
          connectionId,
          object: row.object,
          field: f.name,
          label: f.label ?? null,
          type: f.type,
          registeredAt: at,
        })),
      },
    ]);
  }
  const where = settings.where ?? lookbackWhere(mapping.respondedAt ?? 'CreatedDate', settings.lookbackDays, run.now());
  const select = [...new Set(['Gsid', 'ModifiedDate', ...mapped, ...custom.map((f) => f.name)])];
  const options = { object: row.object, select, where, pageSize: previewPageSize(run, settings.responseLimit) };
  const get = (record: Record<string, unknown>, key: keyof SurveyFieldMappings) => {
    const field = mapping[key];
    return field ? record[field] : undefined;
  };
  let read = 0;
  let written = 0;
  for await (const page of previewPages(run, readRecords(run.connection, options, cursors[row.object] ?? null))) {
    await matcher.prepare({ companies: page.records.map((r) => get(r, 'company')) });
    const at = run.now();
    const rows: SurveyResponseRow[] = [];
    for (const record of page.records) {
      const id = text(record.Gsid);
      if (!id) continue;
      const company = get(record, 'company');
      const match = matcher.company(company);
      if ('reason' in match) {
        reportUnmatched(run, match, record, {
          object: row.object,
          companyGsid: company ?? null,
          gsidField: matcher.gsidField,
        });
        continue;
      }
      const type = row.surveyType ?? text(get(record, 'surveyType'));
      const score = num(get(record, 'score'));
      const response: SurveyResponseRow = {
        connectionId,
        object: row.object,
        responseId: id,
        accountId: match.accountId,
        companyId: text(company),
        surveyType: type,
        surveyId: text(get(record, 'surveyId')),
        score,
        npsGroup: text(get(record, 'npsGroup')) ?? (type?.toUpperCase() === 'NPS' ? npsGroup(score) : null),
        text: text(get(record, 'text')),
        email: text(get(record, 'email')),
        respondedAt: isoDate(get(record, 'respondedAt')),
        fields: custom.length > 0 ? Object.fromEntries(custom.map((f) => [f.name, record[f.name] ?? null])) : null,
        syncedAt: at,
      };
      rows.push(response);
      run.dryRun?.sample(record, response);
    }
    read += page.records.length;
    written += rows.length;
    run.count('read', page.records.length);
    run.count('written', rows.length);
    cursors[row.object] = page.cursor;
    await storePage(run, serializeCursors(cursors), [{ type: 'survey_responses', rows }]);
    // At most one page of `responseLimit` responses per object per run; the next run goes on from here.
    if (page.records.length > 0) break;
  }
  return { read, written, mapping, customFields: custom.length };
}

export const surveysKind = definePipelineKind({
  kind: 'gainsight.surveys',
  title: 'Gainsight surveys',
  description:
    'NPS, CSAT and custom survey responses of matched accounts, from one object or one per survey kind, with a response limit and a lookback window per run.',
  group: GROUP,
  connectorId: 'gainsight',
  settings: surveysSettings,
  defaultSchedule: SCHEDULES.daily,
  gate: gainsightGate,

  async validate({ settings, connectionId, host, connectionOf }) {
    const rows = surveyObjects(settings);
    const described = await describeObjects(
      await connectionOf(connectionId),
      rows.map((r) => r.object),
    );
    const issues: Issue[] = [];
    for (const row of rows) {
      const objectPath = settings.mode === 'single' ? row.path : `${row.path}.object`;
      const def = described.get(row.object);
      const fields: Array<[string, string | undefined]> = [
        ...Object.entries(settings.fieldMappings ?? {}).map(([k, f]): [string, string] => [
          `settings.fieldMappings.${k}`,
          f,
        ]),
        ...Object.entries(row.fields ?? {}).map(([k, f]): [string, string] => [`${row.path}.fields.${k}`, f]),
        ...whereFields(settings.where, 'settings.where'),
      ];
      for (const issue of objectIssues(def, { path: objectPath, name: row.object }, fields)) {
        if (!issues.some((i) => i.path === issue.path && i.message === issue.message)) issues.push(issue);
      }
    }
    return [
      ...issues,
      ...(await crmFieldIssues(host, connectionOf, connectionId, settings.gsidField, 'settings.gsidField')),
    ];
  },

  async run(run) {
    const rows = surveyObjects(run.settings);
    const described = await describeObjects(
      run.connection,
      rows.map((r) => r.object),
    );
    const matcher = createMatcher(
      run.host.customers,
      await matchSetup(run.host, run.connection.id, run.settings.gsidField),
    );
    const cursors = parseCursors(run.cursor);
    const summary: Record<string, unknown> = {};
    let failure: unknown;
    // Objects are independent: one failing (e.g. a vendor 4xx) does not stop the others; the run fails after.
    for (const row of rows) {
      try {
        const def = described.get(row.object);
        if (!def) throw new ConnectorError('not_found', `Unknown Gainsight object ${row.object}`);
        summary[row.object] = await pullObject(run, row, def, matcher, cursors);
      } catch (error) {
        if (!isConnectorError(error)) throw error;
        failure ??= error;
        summary[row.object] = {
          error: { code: error.code, message: error.message, status: error.status, body: error.body },
        };
      }
      run.detail('objects', summary);
    }
    if (failure) throw failure;
  },
});
