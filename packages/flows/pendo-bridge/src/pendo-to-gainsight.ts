import { definePipelineKind, type Issue } from '@synchub/core';
import { z } from 'zod';
import { checkUsageTarget, loadUsage, usageTargetShape } from './gainsight-usage.js';
import {
  checkPendoSource,
  pendoSourceShape,
  readPendoAccounts,
  refinePendoSource,
  sourceField,
} from './pendo-source.js';
import { BRIDGE_GROUP, DAILY, duplicateTargets, fieldMapOf, requireTarget, targetAtSave } from './shared.js';

const settings = z
  .strictObject({
    ...pendoSourceShape,
    ...usageTargetShape,
    fieldMap: fieldMapOf(
      'Pendo measure or report column',
      'Gainsight usage field',
      'Which measure goes into which usage field. The Pendo match key must be the Salesforce Account id.',
    ),
  })
  .superRefine((s, ctx) => {
    refinePendoSource(s, ctx);
    duplicateTargets(s.fieldMap, ctx);
  });

/**
 * The direct leg, without Salesforce in between: Pendo account measures straight into the usage
 * object. The Pendo match key (accountId or a metadata path such as metadata.salesforce.sfdc_account_id)
 * must hold the Salesforce Account id, which is what the usage rows are keyed by.
 */
export const pendoToGainsightUsage = definePipelineKind({
  kind: 'pendo.to_gainsight_usage',
  title: 'Pendo → Gainsight usage (direct)',
  description:
    'Pendo account measures straight into a Gainsight usage data object, one ACCOUNTLEVEL row per account per run date, without Salesforce in between; optionally a System Asset Event.',
  group: BRIDGE_GROUP,
  connectorId: 'pendo',
  settings,
  defaultSchedule: DAILY,

  async validate({ settings: s, connectionId, connectionOf }) {
    const issues: Issue[] = [];
    const target = await targetAtSave(issues, connectionOf, s.targetConnectionId, 'gainsight');
    const sample = await checkPendoSource(await connectionOf(connectionId), s, issues);
    if (target) {
      const sourceOf = (from: string) => {
        const field = sourceField(s, from, sample);
        return field && { ...field, name: `Pendo ${field.name}` };
      };
      await checkUsageTarget(target, s, sourceOf, issues);
    }
    return issues;
  },

  async run(run) {
    const s = run.settings;
    const gainsight = await requireTarget(run, s.targetConnectionId, 'gainsight');
    const accounts = await readPendoAccounts(run);
    async function* rows() {
      const out = [];
      for (const account of accounts) {
        run.count('read');
        const key = account.key === null || account.key === undefined ? '' : String(account.key).trim();
        if (key === '') {
          run.count('skipped', 1, `no Pendo ${s.pendoKey}`);
          run.dryRun?.sample(account, null, `no Pendo ${s.pendoKey}`);
          continue;
        }
        out.push({
          accountId: key,
          values: Object.fromEntries(s.fieldMap.map((r) => [r.to, account.values[r.from] ?? null])),
          source: account,
        });
      }
      yield out;
    }
    await loadUsage(run, gainsight, rows());
  },
});
