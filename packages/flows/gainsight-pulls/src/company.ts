import {
  type CompanyRow,
  definePipelineKind,
  type PipelineKindArgs,
  previewPages,
  previewPageSize,
} from '@synchub/core';
import { gateReason, matchSetup } from './common.js';
import { createMatcher, reportUnmatched } from './match.js';
import { companySettings } from './settings.js';
import { storePage } from './store.js';
import { SCHEDULES, text } from './values.js';
import { crmFieldIssues, describeObjects, objectIssues, readAhead, readRecords } from './vendor.js';

export const GROUP = 'Gainsight pulls';
const SFDC_ACCOUNT_ID = 'SfdcAccountId';

/** Every Gainsight pull refuses to run until the primary CRM is connected and has synced its accounts. */
export const gainsightGate = (args: PipelineKindArgs<unknown>) => gateReason(args.host, args.connectionId);

export const companyKind = definePipelineKind({
  kind: 'gainsight.company',
  title: 'Gainsight companies',
  description:
    'Enriches the primary CRM’s accounts with Gainsight company fields. Never creates accounts: a company without a matching account is counted and listed.',
  group: GROUP,
  connectorId: 'gainsight',
  settings: companySettings,
  defaultSchedule: SCHEDULES.daily,
  gate: gainsightGate,

  async validate({ settings, connectionId, host, connectionOf }) {
    const described = await describeObjects(await connectionOf(connectionId), ['company']);
    return [
      ...objectIssues(described.get('company'), { path: 'connectionId', name: 'company' }, [
        ...settings.fields.map((f, i): [string, string] => [`settings.fields.${i}`, f]),
        ['settings.matchBySfdcAccountId', settings.matchBySfdcAccountId ? SFDC_ACCOUNT_ID : undefined],
      ]),
      ...(await crmFieldIssues(host, connectionOf, connectionId, settings.gsidField, 'settings.gsidField')),
    ];
  },

  async run(run) {
    const { settings } = run;
    const matcher = createMatcher(
      run.host.customers,
      await matchSetup(run.host, run.connection.id, settings.gsidField),
    );
    const select = [...new Set(['Gsid', 'ModifiedDate', 'Name', ...settings.fields])];
    if (settings.matchBySfdcAccountId && !select.includes(SFDC_ACCOUNT_ID)) select.push(SFDC_ACCOUNT_ID);
    const options = { object: 'company', select, pageSize: previewPageSize(run, settings.pageSize) };
    const matchedBy: Record<string, number> = {};
    const sfdcOf = (record: Record<string, unknown>) =>
      settings.matchBySfdcAccountId ? record[SFDC_ACCOUNT_ID] : undefined;
    for await (const page of readAhead(previewPages(run, readRecords(run.connection, options, run.cursor)))) {
      await matcher.prepare({
        companyRecords: page.records.flatMap((r): Array<[string, unknown]> => {
          const gsid = text(r.Gsid);
          return gsid ? [[gsid, sfdcOf(r)]] : [];
        }),
      });
      const at = run.now();
      const rows: CompanyRow[] = [];
      for (const record of page.records) {
        const gsid = text(record.Gsid);
        if (!gsid) continue;
        const match = matcher.companyRecord(gsid, sfdcOf(record));
        if ('reason' in match) {
          reportUnmatched(run, match, record, {
            name: record.Name ?? null,
            sfdcAccountId: record[SFDC_ACCOUNT_ID] ?? null,
            gsidField: matcher.gsidField,
          });
          continue;
        }
        matchedBy[match.by] = (matchedBy[match.by] ?? 0) + 1;
        const row: CompanyRow = {
          connectionId: run.connection.id,
          id: gsid,
          accountId: match.accountId,
          name: text(record.Name),
          matchedBy: match.by,
          fields: Object.fromEntries(settings.fields.map((f) => [f, record[f] ?? null])),
          syncedAt: at,
        };
        rows.push(row);
        run.dryRun?.sample(record, row);
      }
      run.count('read', page.records.length);
      run.count('written', rows.length);
      await storePage(run, page.cursor, [{ type: 'companies', rows }]);
    }
    run.detail('matchedBy', matchedBy);
  },
});
