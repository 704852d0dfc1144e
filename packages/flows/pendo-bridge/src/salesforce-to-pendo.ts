import {
  type DiscoveredField,
  definePipelineKind,
  type Issue,
  previewPageOption,
  previewPages,
  type SyncRecord,
} from '@synchub/core';
import { z } from 'zod';
import { checkFieldMap, convertValue, describeField, findField, incompatibility } from './fields.js';
import {
  atSave,
  BRIDGE_GROUP,
  connectionRef,
  countFailure,
  DAILY,
  duplicateTargets,
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

const CUSTOM = 'metadata.custom.';
/** Pendo custom fields are named bare (`healthscore`) or by their discovered path; both mean the same. */
const pendoPath = (name: string) => (name.startsWith(CUSTOM) ? name : `${CUSTOM}${name}`);

const settings = z
  .strictObject({
    targetConnectionId: connectionRef('pendo', 'Pendo connection', 'The subscription whose account metadata is set.'),
    pendoAccountIdField: z.string().trim().min(1).default('Id').meta({
      title: 'Pendo account id field',
      description: 'The Account field holding the Pendo account id (Id when Pendo account ids are Salesforce Ids).',
    }),
    fieldMap: fieldMapOf(
      'Salesforce Account field',
      'Pendo custom field',
      'Which Account field (e.g. Health_Score__c) goes into which Pendo custom account field (e.g. healthscore). Create the Pendo fields first.',
    ),
  })
  .superRefine((s, ctx) =>
    duplicateTargets(
      s.fieldMap.map((r) => ({ ...r, to: pendoPath(r.to) })),
      ctx,
    ),
  );

type Settings = z.output<typeof settings>;

function checkMap(
  s: Settings,
  account: DiscoveredField[] | undefined,
  pendo: DiscoveredField[] | undefined,
  issues: Issue[],
) {
  checkFieldMap(
    s.fieldMap,
    { label: 'Salesforce Account', fields: account },
    { path: 'settings.pendoAccountIdField', name: s.pendoAccountIdField },
    issues,
    (row, path, from) => {
      if (!pendo) return;
      const to = findField(pendo, pendoPath(row.to));
      const elsewhere = pendo.find((f) => f.name.endsWith(`.${row.to}`) && !f.custom);
      if (!to || to.updateable === false) {
        issues.push({
          path,
          message: elsewhere
            ? `${row.to} is a read-only Pendo field (${elsewhere.name}); only custom fields can be written`
            : `Pendo has no custom account field ${row.to}; create it in Pendo (Data Mappings) first`,
        });
      } else if (from) {
        const why = incompatibility(from, to);
        if (why)
          issues.push({ path, message: `Salesforce ${describeField(from)} → Pendo ${describeField(to)}: ${why}` });
      }
    },
  );
}

export const salesforceToPendo = definePipelineKind({
  kind: 'salesforce.to_pendo',
  title: 'Salesforce → Pendo',
  description:
    'Account fields (e.g. those Gainsight fills) into Pendo custom account metadata, for segments and guides; Accounts changed since the last run. Reports updated, failed and missing accounts.',
  group: BRIDGE_GROUP,
  connectorId: 'salesforce',
  settings,
  defaultSchedule: DAILY,

  async validate({ settings: s, connectionId, connectionOf }) {
    const issues: Issue[] = [];
    const target = await targetAtSave(issues, connectionOf, s.targetConnectionId, 'pendo');
    const salesforce = await connectionOf(connectionId);
    const account = await atSave(issues, 'connectionId', 'Describing the Salesforce Account', () =>
      fieldsOf(salesforce, 'Account'),
    );
    const pendo = target
      ? await atSave(issues, 'settings.targetConnectionId', 'Reading the Pendo account schema', () =>
          fieldsOf(target, 'account'),
        )
      : undefined;
    checkMap(s, account, pendo, issues);
    return issues;
  },

  async run(run) {
    const s = run.settings;
    const pendo = await requireTarget(run, s.targetConnectionId, 'pendo');
    const schema = await fieldsOf(pendo, 'account');
    const what = { fieldMap: s.fieldMap, key: s.pendoAccountIdField };
    const fields = [...new Set([s.pendoAccountIdField, ...s.fieldMap.map((r) => r.from)])];
    const tally = { updated: 0, failed: 0, missing: 0 };
    const options = { object: 'Account', fields, ...previewPageOption(run) };
    const pages = previewPages(run, pagesOf(run.connection, 'accounts', options, unwrapCursor(what, run.cursor)));
    for await (const page of pages) {
      const records: SyncRecord[] = [];
      for (const account of page.records) {
        run.count('read');
        const key = account[s.pendoAccountIdField];
        if (key === null || key === undefined || String(key).trim() === '') {
          run.count('skipped', 1, `no ${s.pendoAccountIdField}`);
          run.dryRun?.sample(account, null, `no ${s.pendoAccountIdField}`);
          continue;
        }
        const record: SyncRecord = { accountId: String(key).trim() };
        const bad = mapRecord(
          record,
          s.fieldMap,
          (row) => convertValue(account[row.from], findField(schema, pendoPath(row.to)) ?? { type: 'string' }),
          pendoPath,
        );
        run.dryRun?.sample(account, bad ? null : record, bad ? `fails: ${bad}` : undefined);
        if (bad) {
          tally.failed++;
          countFailure(run, 'value does not fit its Pendo field', { accountId: record.accountId, message: bad });
        } else records.push(record);
      }
      await writeAll(run, pendo, 'account_metadata', {}, records, (record, result) => {
        if (result.ok) {
          tally.updated++;
          run.count('written');
        } else if (result.error.code === 'not_found') {
          // Pendo names the accounts it does not know: the Account exists in Salesforce, not (yet) in Pendo.
          tally.missing++;
          run.count('failed', 1, 'missing in Pendo');
          run.note('missing', record.accountId);
        } else {
          tally.failed++;
          countFailure(run, 'Pendo did not update the account', {
            accountId: record.accountId,
            message: result.error.message,
          });
        }
      });
      run.detail('pendo', tally);
      await run.commit(wrapCursor(what, page.cursor));
    }
    run.detail('pendo', tally);
  },
});
