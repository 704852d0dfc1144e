import { type GainsightState, type Simulator, salesforceId } from '@synchub/sandbox';
import type { Hub } from '../hub.js';
import { ACCOUNTS_KIND, readCommon, writeCommon } from './common.js';

/**
 * Demo data that lines up: company i ↔ account i. Companies carry their account's Id in SfdcAccountId
 * (the direct link the company pull records) and most accounts carry their company's GSID in
 * Gainsight_GSID__c (the fallback match: every fifth has none). Companies 9, 19, 29, 39 have neither,
 * so the runs show unmatched records with their reason.
 */
export function demoSfdcAccountIds(companies: number): string[] {
  return Array.from({ length: companies }, (_, i) =>
    i % 10 === 9 ? `001${String(i).padStart(12, '0')}ZZZ` : salesforceId('001', i + 1),
  );
}

export function demoGsids(gainsight: Simulator<GainsightState>): Array<string | null> {
  return gainsight.state.rows('company').map((c, i) => (i % 5 === 4 ? null : String(c.Gsid)));
}

const PULLS = [
  { kind: ACCOUNTS_KIND, name: 'Demo Salesforce accounts', settings: {} },
  { kind: 'gainsight.company', name: 'Demo Gainsight companies', settings: {} },
  { kind: 'gainsight.activity', name: 'Demo Gainsight activities', settings: {} },
  { kind: 'gainsight.surveys', name: 'Demo Gainsight surveys', settings: {} },
  {
    kind: 'gainsight.usage',
    name: 'Demo Gainsight product usage',
    settings: {
      object: 'product_usage__gc',
      periodField: 'UsageDate__gc',
      aggregate: {
        enabled: true,
        aggregateKey: 'GsCompanyId',
        metricNameField: 'MetricName__gc',
        metricValueField: 'MetricValue__gc',
        dimensionKey: 'Module__gc',
        extraValueFields: ['ActiveUsers__gc'],
      },
    },
  },
] as const;

/**
 * The accounts sync and the four Gainsight pulls for the demo connections (kept if they exist). The
 * accounts sync runs once now if it never completed, so the Gainsight pulls are not gated in the demo.
 */
export async function setUpDemoPulls(hub: Hub, ids: { gainsight: string; salesforce: string }): Promise<void> {
  const common = await readCommon(hub.db, ids.gainsight);
  if (!common.primaryConnectionId) {
    await writeCommon(hub.db, ids.gainsight, { ...common, primaryConnectionId: ids.salesforce }, Date.now());
  }
  const existing = await hub.pipelines.list();
  let accountsId: string | undefined;
  for (const pull of PULLS) {
    const connectionId = pull.kind === ACCOUNTS_KIND ? ids.salesforce : ids.gainsight;
    const found = existing.find((p) => p.name === pull.name);
    const id = found?.id ?? (await hub.pipelines.create({ ...pull, connectionId })).id;
    if (pull.kind === ACCOUNTS_KIND) accountsId = id;
  }
  if (!accountsId) return;
  const completed = await hub.db
    .selectFrom('runs')
    .select('id')
    .where('pipeline_id', '=', accountsId)
    .where('status', '=', 'completed')
    .executeTakeFirst();
  if (!completed) {
    const run = await (await hub.runner.start(accountsId, 'startup')).done;
    if (run.status !== 'completed') hub.logger.warn('Demo accounts sync failed', { error: run.error });
  }
}
