import { type ActivityRow, definePipelineKind, previewPages, previewPageSize } from '@synchub/core';
import { matchSetup } from './common.js';
import { GROUP, gainsightGate } from './company.js';
import { createMatcher, reportUnmatched } from './match.js';
import { type ActivityType, activitySettings } from './settings.js';
import { storePage } from './store.js';
import { isoDate, SCHEDULES, text } from './values.js';
import { crmFieldIssues, describeObjects, objectIssues, readAhead, readRecords } from './vendor.js';

const CONTENT_FIELDS = ['Subject', 'Notes', 'ActivityDate', 'AuthorId'];

/** The change-date field the records stream pages activity objects on. */
export const activityCursorField = (object: string) =>
  object.toLowerCase() === 'activity_timeline' ? 'LastModifiedDate' : 'ModifiedDate';

/** Category → type with keys lower-cased: categories match case-insensitively. */
export function categoryLookup(map: Record<string, ActivityType>): Map<string, ActivityType> {
  return new Map(Object.entries(map).map(([k, v]) => [k.trim().toLowerCase(), v]));
}

export const activityKind = definePipelineKind({
  kind: 'gainsight.activity',
  title: 'Gainsight activities',
  description:
    'Activity-timeline entries of matched accounts, routed to activity types by their reporting category. Categories seen but not mapped are listed on each run.',
  group: GROUP,
  connectorId: 'gainsight',
  settings: activitySettings,
  defaultSchedule: SCHEDULES['every 4 hours'],
  gate: gainsightGate,

  async validate({ settings, connectionId, host, connectionOf }) {
    const described = await describeObjects(await connectionOf(connectionId), [settings.object]);
    const keys = new Map<string, string>();
    const duplicates = Object.keys(settings.categoryMap).flatMap((k) => {
      const lower = k.trim().toLowerCase();
      const first = keys.get(lower);
      keys.set(lower, first ?? k);
      return first === undefined ? [] : [{ path: `settings.categoryMap.${k}`, message: `same category as "${first}"` }];
    });
    return [
      ...duplicates,
      ...objectIssues(described.get(settings.object), { path: 'settings.object', name: settings.object }, [
        ['settings.categoryField', settings.categoryField],
        ['settings.companyField', settings.companyField],
        ...CONTENT_FIELDS.map((f): [string, string] => ['settings.object', f]),
      ]),
      ...(await crmFieldIssues(host, connectionOf, connectionId, settings.gsidField, 'settings.gsidField')),
    ];
  },

  async run(run) {
    const { settings } = run;
    const connectionId = run.connection.id;
    const types = categoryLookup(settings.categoryMap);
    // Mapping changes (one-click additions included) apply to activities stored before (not in a preview).
    if (!run.dryRun) {
      await run.host.customers.write(
        [...types].map(([category, activityType]) => ({
          type: 'activity_category' as const,
          connectionId,
          category,
          activityType,
        })),
      );
    }
    const matcher = createMatcher(run.host.customers, await matchSetup(run.host, connectionId, settings.gsidField));
    const cursorField = activityCursorField(settings.object);
    const select = [
      ...new Set(['Gsid', cursorField, settings.companyField, settings.categoryField, ...CONTENT_FIELDS]),
    ];
    const options = { object: settings.object, select, cursorField, pageSize: previewPageSize(run, settings.pageSize) };
    const unmapped = new Map<string, number>();
    const seen = new Map<string, number>();
    run.detail('unmappedCategories', []);
    for await (const page of readAhead(previewPages(run, readRecords(run.connection, options, run.cursor)))) {
      await matcher.prepare({ companies: page.records.map((r) => r[settings.companyField]) });
      const at = run.now();
      const rows: ActivityRow[] = [];
      for (const record of page.records) {
        const gsid = text(record.Gsid);
        if (!gsid) continue;
        const company = record[settings.companyField];
        const match = matcher.company(company);
        if ('reason' in match) {
          reportUnmatched(run, match, record, { companyGsid: company ?? null, gsidField: matcher.gsidField });
          continue;
        }
        const category = text(record[settings.categoryField]);
        const type = category ? (types.get(category.trim().toLowerCase()) ?? null) : null;
        if (category) seen.set(category, (seen.get(category) ?? 0) + 1);
        if (category && !type) unmapped.set(category, (unmapped.get(category) ?? 0) + 1);
        const row: ActivityRow = {
          connectionId,
          id: gsid,
          accountId: match.accountId,
          companyId: text(company),
          type,
          category,
          subject: text(record.Subject),
          notes: text(record.Notes),
          activityDate: isoDate(record.ActivityDate),
          authorId: text(record.AuthorId),
          modifiedAt: isoDate(record[cursorField]),
          syncedAt: at,
        };
        rows.push(row);
        run.dryRun?.sample(record, row);
      }
      run.count('read', page.records.length);
      run.count('written', rows.length);
      run.detail('categories', Object.fromEntries(seen));
      run.detail(
        'unmappedCategories',
        [...unmapped].map(([category, count]) => ({ category, count })),
      );
      await storePage(run, page.cursor, [{ type: 'activities', rows }]);
    }
  },
});
