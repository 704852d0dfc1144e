import type { GainsightCompaniesTable } from '../db/schema.js';
import { previewPages, previewPageSize } from '../pipelines/dry-run.js';
import { definePipelineKind, type PipelineKindArgs } from '../pipelines/kind.js';
import { SCHEDULE_PRESETS } from '../pipelines/schedule.js';
import { gateReason, matchSetup } from './common.js';
import { createMatcher, reportUnmatched } from './match.js';
import { companySettings } from './settings.js';
import { pullStore, text } from './store.js';
import { crmFieldIssues, describeObjects, objectIssues, readAhead, readRecords } from './vendor.js';

export const GROUP = 'Gainsight pulls';
const SFDC_ACCOUNT_ID = 'SfdcAccountId';

/** Every Gainsight pull refuses to run until the primary CRM is connected and has synced its accounts. */
export const gainsightGate = (args: PipelineKindArgs<unknown>) => gateReason(args.db, args.connectionId);

export const companyKind = definePipelineKind({
  kind: 'gainsight.company',
  title: 'Gainsight companies',
  description:
    'Enriches the primary CRM’s accounts with Gainsight company fields. Never creates accounts: a company without a matching account is counted and listed.',
  group: GROUP,
  connectorId: 'gainsight',
  settings: companySettings,
  defaultSchedule: SCHEDULE_PRESETS.daily,
  gate: gainsightGate,

  async validate({ settings, connectionId, db, connectionOf }) {
    const described = await describeObjects(await connectionOf(connectionId), ['company']);
    return [
      ...objectIssues(described.get('company'), { path: 'connectionId', name: 'company' }, [
        ...settings.fields.map((f, i): [string, string] => [`settings.fields.${i}`, f]),
        ['settings.matchBySfdcAccountId', settings.matchBySfdcAccountId ? SFDC_ACCOUNT_ID : undefined],
      ]),
      ...(await crmFieldIssues(db, connectionOf, connectionId, settings.gsidField, 'settings.gsidField')),
    ];
  },

  async run(run) {
    const { settings } = run;
    const matcher = createMatcher(run.db, await matchSetup(run.db, run.connection.id, settings.gsidField));
    const store = pullStore(run.db);
    const select = [...new Set(['Gsid', 'ModifiedDate', 'Name', ...settings.fields])];
    if (settings.matchBySfdcAccountId && !select.includes(SFDC_ACCOUNT_ID)) select.push(SFDC_ACCOUNT_ID);
    const options = { object: 'company', select, pageSize: previewPageSize(run, settings.pageSize) };
    const matchedBy: Record<string, number> = {};
    for await (const page of readAhead(previewPages(run, readRecords(run.connection, options, run.cursor)))) {
      const at = run.now();
      const rows: GainsightCompaniesTable[] = [];
      for (const record of page.records) {
        const gsid = text(record.Gsid);
        if (!gsid) continue;
        const match = matcher.companyRecord(gsid, settings.matchBySfdcAccountId ? record[SFDC_ACCOUNT_ID] : undefined);
        if ('reason' in match) {
          reportUnmatched(run, match, record, {
            name: record.Name ?? null,
            sfdcAccountId: record[SFDC_ACCOUNT_ID] ?? null,
            gsidField: matcher.gsidField,
          });
          continue;
        }
        matchedBy[match.by] = (matchedBy[match.by] ?? 0) + 1;
        rows.push({
          connection_id: run.connection.id,
          gsid,
          account_id: match.accountId,
          name: text(record.Name),
          matched_by: match.by,
          fields_json: JSON.stringify(Object.fromEntries(settings.fields.map((f) => [f, record[f] ?? null]))),
          synced_at: at,
        });
        run.dryRun?.sample(record, rows.at(-1));
      }
      run.count('read', page.records.length);
      run.count('written', rows.length);
      await store.page(run, page.cursor, (s) => {
        for (const row of rows) s.company(row);
      });
    }
    run.detail('matchedBy', matchedBy);
  },
});
