import {
  type DiscoveredField,
  definePipelineKind,
  type Issue,
  type ResolvedConnection,
  type RunContext,
  type SyncRecord,
} from '@synchub/core';
import { z } from 'zod';
import { convertValue, describeField, findField, incompatibility, noField } from './fields.js';
import {
  checkPendoSource,
  type PendoAccount,
  pendoSourceShape,
  readPendoAccounts,
  refinePendoSource,
  sourceField,
} from './pendo-source.js';
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
  writeAll,
} from './shared.js';

/** Pendo only writes Salesforce fields named this way (product document); so do we. */
export const PENDO_PREFIX = 'Pendo_';

const settings = z
  .strictObject({
    ...pendoSourceShape,
    targetConnectionId: connectionRef(
      'salesforce',
      'Salesforce connection',
      'The org whose Account fields receive the measures.',
    ),
    salesforceKey: z.string().trim().min(1).default('Id').meta({
      title: 'Salesforce match field',
      description:
        'The Account field holding the Pendo match key, 1:1 (Id when Pendo account ids are Salesforce Account ids).',
    }),
    fieldMap: fieldMapOf(
      'Pendo measure or report column',
      'Salesforce Account field (Pendo_…)',
      'Which measure goes into which Account field. Targets must be Account fields whose API name starts with Pendo_.',
    ),
  })
  .superRefine((s, ctx) => {
    refinePendoSource(s, ctx);
    duplicateTargets(s.fieldMap, ctx);
    s.fieldMap.forEach((row, i) => {
      if (!row.to.startsWith(PENDO_PREFIX)) {
        ctx.addIssue({
          code: 'custom',
          path: ['fieldMap', i, 'to'],
          message: `Salesforce field "${row.to}" does not start with ${PENDO_PREFIX}: Pendo only writes Account fields named ${PENDO_PREFIX}… (rename the field or create a ${PENDO_PREFIX} one)`,
        });
      }
    });
  });

type Settings = z.output<typeof settings>;

/** Target fields must exist on Account, be updateable, and take the measure's type. */
function checkTargets(s: Settings, fields: DiscoveredField[], sample: Record<string, unknown>, issues: Issue[]) {
  s.fieldMap.forEach((row, i) => {
    const path = `settings.fieldMap.${i}.to`;
    const target = findField(fields, row.to);
    if (!target) {
      issues.push({ path, message: noField('Salesforce Account', fields, row.to) });
      return;
    }
    if (target.updateable === false) {
      issues.push({ path, message: `Salesforce field ${row.to} is read-only` });
      return;
    }
    const from = sourceField(s, row.from, sample);
    const why = from && incompatibility(from, target);
    if (from && why)
      issues.push({ path, message: `Pendo ${describeField(from)} → Salesforce ${describeField(target)}: ${why}` });
  });
  if (s.salesforceKey !== 'Id' && !findField(fields, s.salesforceKey)) {
    issues.push({
      path: 'settings.salesforceKey',
      message: noField('Salesforce Account', fields, s.salesforceKey),
    });
  }
}

const SALESFORCE_ID = /^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/;

/** Salesforce Account Id by match value; values shared by several Accounts are ambiguous (1:1 only). */
async function accountIndex(salesforce: ResolvedConnection, field: string) {
  const ids = new Map<string, string>();
  const ambiguous = new Set<string>();
  for await (const page of pagesOf(salesforce, 'accounts', { object: 'Account', fields: [field] })) {
    for (const record of page.records) {
      const value = record[field];
      if (value === null || value === undefined || value === '') continue;
      const key = String(value);
      if (ids.has(key)) ambiguous.add(key);
      else ids.set(key, String(record.Id));
    }
  }
  return { ids, ambiguous };
}

/** Records to write (Id + converted measures) and the accounts that could not be matched. */
async function plan(
  run: RunContext<Settings>,
  salesforce: ResolvedConnection,
  accounts: PendoAccount[],
  fields: DiscoveredField[],
) {
  const s = run.settings;
  const index = s.salesforceKey === 'Id' ? undefined : await accountIndex(salesforce, s.salesforceKey);
  const records: SyncRecord[] = [];
  const origin = new Map<SyncRecord, string>();
  for (const account of accounts) {
    run.count('read');
    const key = account.key === null || account.key === undefined ? '' : String(account.key).trim();
    if (key === '') {
      run.count('skipped', 1, `no Pendo ${s.pendoKey}`);
      run.note('unmatched', { accountId: account.accountId, reason: `no ${s.pendoKey}` });
      run.dryRun?.sample(account, null, `no Pendo ${s.pendoKey}`);
      continue;
    }
    let id: string | undefined = key;
    if (index) {
      if (index.ambiguous.has(key)) {
        run.count('skipped', 1, `several Salesforce Accounts share ${s.salesforceKey}`);
        run.note('unmatched', { accountId: account.accountId, key, reason: 'ambiguous' });
        run.dryRun?.sample(account, null, `several Salesforce Accounts share ${s.salesforceKey}`);
        continue;
      }
      id = index.ids.get(key);
    } else if (!SALESFORCE_ID.test(key)) id = undefined;
    if (!id) {
      run.count('skipped', 1, `no Salesforce Account with ${s.salesforceKey} = Pendo ${s.pendoKey}`);
      run.note('unmatched', { accountId: account.accountId, key });
      run.dryRun?.sample(account, null, `no Salesforce Account with ${s.salesforceKey} = Pendo ${s.pendoKey}`);
      continue;
    }
    const record: SyncRecord = { Id: id };
    const bad = mapRecord(record, s.fieldMap, (row) => {
      const target = findField(fields, row.to);
      return target ? convertValue(account.values[row.from], target) : { ok: false, message: 'field is gone' };
    });
    if (bad) {
      countFailure(run, 'value does not fit its Salesforce field', { accountId: account.accountId, id, message: bad });
      run.dryRun?.sample(account, null, `fails: ${bad}`);
      continue;
    }
    run.dryRun?.sample(account, record);
    records.push(record);
    origin.set(record, account.accountId);
  }
  return { records, origin };
}

export const pendoToSalesforce = definePipelineKind({
  kind: 'pendo.to_salesforce',
  title: 'Pendo → Salesforce',
  description:
    'Account usage from Pendo (active visitors, time on site, last visit, feature clicks, NPS over 7 or 30 days) into Salesforce Account Pendo_ fields, matched 1:1.',
  group: BRIDGE_GROUP,
  connectorId: 'pendo',
  settings,
  defaultSchedule: DAILY,

  async validate({ settings: s, connectionId, connectionOf }) {
    const issues: Issue[] = [];
    const target = await targetAtSave(issues, connectionOf, s.targetConnectionId, 'salesforce');
    const pendo = await connectionOf(connectionId);
    const sample = await checkPendoSource(pendo, s, issues);
    if (target) {
      const fields = await atSave(issues, 'settings.targetConnectionId', 'Describing the Salesforce Account', () =>
        fieldsOf(target, 'Account'),
      );
      if (fields) checkTargets(s, fields, sample, issues);
    }
    return issues;
  },

  async run(run) {
    const salesforce = await requireTarget(run, run.settings.targetConnectionId, 'salesforce');
    const fields = await fieldsOf(salesforce, 'Account');
    const accounts = await readPendoAccounts(run);
    const { records, origin } = await plan(run, salesforce, accounts, fields);
    await writeAll(run, salesforce, 'account_update', { object: 'Account' }, records, (record, result) => {
      if (result.ok) run.count('written');
      else
        countFailure(run, failureReason('Salesforce refused the update', result), {
          accountId: origin.get(record),
          id: record.Id,
          message: result.error.message,
        });
    });
    run.detail('target', {
      connection: salesforce.name,
      object: 'Account',
      fields: run.settings.fieldMap.map((r) => r.to),
    });
  },
});
