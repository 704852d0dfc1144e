import {
  type DiscoveredField,
  definePipelineKind,
  type Issue,
  previewPageOption,
  previewPages,
  type SyncRecord,
} from '@synchub/core';
import { z } from 'zod';
import { checkFieldMap, convertValue, describeField, findField, incompatibility, noField } from './fields.js';
import {
  atSave,
  BRIDGE_GROUP,
  connectionRef,
  countFailure,
  DAILY,
  duplicateTargets,
  failureReason,
  fieldMapOf,
  fieldsOf,
  mapRecord,
  pagesOf,
  requireTarget,
  targetAtSave,
  unwrapCursor,
  wrapCursor,
  writeAll,
} from './shared.js';

const COMPANY = 'company';

const settings = z
  .strictObject({
    targetConnectionId: connectionRef('salesforce', 'Salesforce connection', 'The org whose Accounts are updated.'),
    identifierField: z.string().trim().min(1).default('SfdcAccountId').meta({
      title: 'Account Id field',
      description: 'The Gainsight company field holding the Salesforce Account Id (the identifier; update only).',
    }),
    fieldMap: fieldMapOf(
      'Gainsight company field',
      'Salesforce Account field',
      'Which company field (e.g. HealthScore__gc) goes into which Account field. Types must match.',
    ),
  })
  .superRefine((s, ctx) => {
    duplicateTargets(s.fieldMap, ctx);
    s.fieldMap.forEach((row, i) => {
      if (row.to.toLowerCase() === 'id') {
        ctx.addIssue({
          code: 'custom',
          path: ['fieldMap', i, 'to'],
          message: 'Id identifies the Account; it is not written',
        });
      }
    });
  });

type Settings = z.output<typeof settings>;

function checkMap(
  s: Settings,
  company: DiscoveredField[] | undefined,
  account: DiscoveredField[] | undefined,
  issues: Issue[],
) {
  checkFieldMap(
    s.fieldMap,
    { label: 'Gainsight company', fields: company },
    { path: 'settings.identifierField', name: s.identifierField },
    issues,
    (row, path, from) => {
      const to = account && findField(account, row.to);
      if (account && !to) {
        issues.push({ path, message: noField('Salesforce Account', account, row.to) });
      } else if (to?.updateable === false) {
        issues.push({ path, message: `Salesforce field ${row.to} is read-only` });
      } else if (from && to) {
        const why = incompatibility(from, to);
        if (why) {
          issues.push({ path, message: `Gainsight ${describeField(from)} → Salesforce ${describeField(to)}: ${why}` });
        }
      }
    },
  );
}

export const gainsightToSalesforce = definePipelineKind({
  kind: 'gainsight.to_salesforce',
  title: 'Gainsight → Salesforce',
  description:
    'Gainsight "Load to SFDC": chosen company fields into Salesforce Account fields, update only, the company’s SfdcAccountId as the identifier; companies changed since the last run.',
  group: BRIDGE_GROUP,
  connectorId: 'gainsight',
  settings,
  defaultSchedule: DAILY,

  async validate({ settings: s, connectionId, connectionOf }) {
    const issues: Issue[] = [];
    const target = await targetAtSave(issues, connectionOf, s.targetConnectionId, 'salesforce');
    const gainsight = await connectionOf(connectionId);
    const company = await atSave(issues, 'connectionId', 'Describing the Gainsight company', () =>
      fieldsOf(gainsight, COMPANY),
    );
    const account = target
      ? await atSave(issues, 'settings.targetConnectionId', 'Describing the Salesforce Account', () =>
          fieldsOf(target, 'Account'),
        )
      : undefined;
    checkMap(s, company, account, issues);
    return issues;
  },

  async run(run) {
    const s = run.settings;
    const salesforce = await requireTarget(run, s.targetConnectionId, 'salesforce');
    const account = await fieldsOf(salesforce, 'Account');
    // Companies changed since the last run; a changed field map starts over so every Account gets the new fields.
    const what = { fieldMap: s.fieldMap, identifierField: s.identifierField };
    // Gsid and Name too: an unmatched company is noted by them (the run log shows them in its table).
    const select = [...new Set([s.identifierField, 'Gsid', 'Name', ...s.fieldMap.map((r) => r.from)])];
    const options = { object: COMPANY, select, ...previewPageOption(run) };
    const pages = previewPages(run, pagesOf(run.connection, 'records', options, unwrapCursor(what, run.cursor)));
    for await (const page of pages) {
      const records: SyncRecord[] = [];
      for (const company of page.records) {
        run.count('read');
        const id = company[s.identifierField];
        if (typeof id !== 'string' || id.trim() === '') {
          run.count('skipped', 1, `company has no ${s.identifierField}`);
          run.note('unmatched', { Gsid: company.Gsid, Name: company.Name });
          run.dryRun?.sample(company, null, `company has no ${s.identifierField}`);
          continue;
        }
        const record: SyncRecord = { Id: id.trim() };
        const bad = mapRecord(record, s.fieldMap, (row) =>
          convertValue(company[row.from], findField(account, row.to) ?? { type: 'string' }),
        );
        run.dryRun?.sample(company, bad ? null : record, bad ? `fails: ${bad}` : undefined);
        if (bad) countFailure(run, 'value does not fit its Salesforce field', { id, message: bad });
        else records.push(record);
      }
      await writeAll(run, salesforce, 'account_update', { object: 'Account' }, records, (record, result) => {
        if (result.ok) run.count('written');
        else
          countFailure(run, failureReason('Salesforce refused the update', result), {
            id: record.Id,
            message: result.error.message,
          });
      });
      // A page of companies with no change date carries no cursor: keep the last one.
      if (page.cursor !== null) await run.commit(wrapCursor(what, page.cursor));
    }
  },
});
