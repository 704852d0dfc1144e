import { definePipelineKind, type Issue, previewPageOption, previewPages } from '@synchub/core';
import { z } from 'zod';
import { findField, noField } from './fields.js';
import { checkUsageTarget, loadUsage, type UsageRow, usageTargetShape } from './gainsight-usage.js';
import {
  atSave,
  BRIDGE_GROUP,
  DAILY,
  duplicateTargets,
  fieldMapOf,
  fieldsOf,
  pagesOf,
  requireTarget,
  targetAtSave,
} from './shared.js';

const settings = z
  .strictObject({
    ...usageTargetShape,
    skipEmpty: z.boolean().default(true).meta({
      title: 'Skip accounts without values',
      description: 'Accounts whose mapped fields are all empty (no Pendo data yet) get no usage row.',
    }),
    fieldMap: fieldMapOf(
      'Salesforce Account field',
      'Gainsight usage field',
      'Which Account field (e.g. Pendo_numberofvisitors_last30d__c) goes into which usage field.',
    ),
  })
  .superRefine((s, ctx) => duplicateTargets(s.fieldMap, ctx));

export const salesforceToGainsightUsage = definePipelineKind({
  kind: 'salesforce.to_gainsight_usage',
  title: 'Salesforce → Gainsight usage',
  description:
    'Gainsight "Load to Usage": Account fields into a Gainsight usage data object, one ACCOUNTLEVEL row per account per run date, 50 per insert; optionally a System Asset Event with the counts.',
  group: BRIDGE_GROUP,
  connectorId: 'salesforce',
  settings,
  defaultSchedule: DAILY,

  async validate({ settings: s, connectionId, connectionOf }) {
    const issues: Issue[] = [];
    const target = await targetAtSave(issues, connectionOf, s.targetConnectionId, 'gainsight');
    const salesforce = await connectionOf(connectionId);
    const account = await atSave(issues, 'connectionId', 'Describing the Salesforce Account', () =>
      fieldsOf(salesforce, 'Account'),
    );
    s.fieldMap.forEach((row, i) => {
      if (account && !findField(account, row.from)) {
        issues.push({
          path: `settings.fieldMap.${i}.from`,
          message: noField('Salesforce Account', account, row.from),
        });
      }
    });
    if (target) {
      const sourceOf = (from: string) => {
        const field = account && findField(account, from);
        return field ? { ...field, name: `Salesforce ${field.name}` } : undefined;
      };
      await checkUsageTarget(target, s, sourceOf, issues);
    }
    return issues;
  },

  async run(run) {
    const s = run.settings;
    const gainsight = await requireTarget(run, s.targetConnectionId, 'gainsight');
    const fields = [...new Set(s.fieldMap.map((r) => r.from))];
    async function* rows(): AsyncGenerator<UsageRow[]> {
      // Every Account, every run: a usage row per day is a snapshot, not a change feed.
      const options = { object: 'Account', fields, ...previewPageOption(run) };
      for await (const page of previewPages(run, pagesOf(run.connection, 'accounts', options))) {
        const out: UsageRow[] = [];
        for (const record of page.records) {
          run.count('read');
          const values = Object.fromEntries(s.fieldMap.map((r) => [r.to, record[r.from] ?? null]));
          if (s.skipEmpty && Object.values(values).every((v) => v === null || v === '')) {
            run.count('skipped', 1, 'no values in the mapped Account fields');
            run.dryRun?.sample(record, null, 'no values in the mapped Account fields');
            continue;
          }
          out.push({ accountId: String(record.Id), values, source: record });
        }
        yield out;
      }
    }
    await loadUsage(run, gainsight, rows());
  },
});
