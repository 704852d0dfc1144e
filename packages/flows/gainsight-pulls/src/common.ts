import type { FlowHost, PipelineSummary } from '@synchub/core';
import { pullsDb } from './schema.js';
import { DEFAULT_GSID_FIELD } from './settings.js';

export const ACCOUNTS_KIND = 'salesforce.accounts';
export const GAINSIGHT_KINDS = ['gainsight.company', 'gainsight.activity', 'gainsight.surveys', 'gainsight.usage'];

/** The Common section of a Gainsight connection's pulls. */
export interface PullCommon {
  /** The Salesforce connection that owns the accounts; null: the only Salesforce connection, if one. */
  primaryConnectionId: string | null;
  /** Salesforce Account field holding each account's Gainsight GSID (the fallback match). */
  gsidField: string;
}

export interface PrimaryCrm {
  connectionId: string;
  name: string;
  /** Chosen in the Common settings, or taken because it is the only Salesforce connection. */
  resolvedBy: 'setting' | 'only_salesforce';
}

/** What the Common settings need of the host: its plugin tables, connections and pipelines. */
type Host = Pick<FlowHost, 'database' | 'connections' | 'pipelines'>;

export async function readCommon(host: Pick<FlowHost, 'database'>, connectionId: string): Promise<PullCommon> {
  const row = await pullsDb(host.database)
    .selectFrom('pull_common')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .executeTakeFirst();
  return { primaryConnectionId: row?.primary_connection_id ?? null, gsidField: row?.gsid_field ?? DEFAULT_GSID_FIELD };
}

export async function writeCommon(
  host: Pick<FlowHost, 'database'>,
  connectionId: string,
  common: PullCommon,
  now: number,
): Promise<void> {
  const values = {
    primary_connection_id: common.primaryConnectionId,
    gsid_field: common.gsidField,
    updated_at: new Date(now).toISOString(),
  };
  await pullsDb(host.database)
    .insertInto('pull_common')
    .values({ connection_id: connectionId, ...values })
    .onConflict((oc) => oc.column('connection_id').doUpdateSet(values))
    .execute();
}

/** Gainsight connections whose Common settings name `connectionId` as their primary CRM. */
export async function commonsNaming(host: Pick<FlowHost, 'database'>, connectionId: string): Promise<string[]> {
  const rows = await pullsDb(host.database)
    .selectFrom('pull_common')
    .select('connection_id')
    .where('primary_connection_id', '=', connectionId)
    .execute();
  return rows.map((r) => r.connection_id);
}

/** The primary CRM of a Gainsight connection, or why there is none. */
export async function resolvePrimary(
  host: Host,
  gainsightConnectionId: string,
): Promise<{ primary: PrimaryCrm } | { primary?: undefined; reason: string }> {
  const { primaryConnectionId } = await readCommon(host, gainsightConnectionId);
  const salesforce = await host.connections.list({ connectorId: 'salesforce' });
  if (primaryConnectionId) {
    const chosen = salesforce.find((c) => c.id === primaryConnectionId);
    if (chosen) return { primary: { connectionId: chosen.id, name: chosen.name, resolvedBy: 'setting' } };
    return {
      reason:
        'The primary CRM chosen in the Gainsight Common settings is no longer a Salesforce connection: choose another one.',
    };
  }
  const only = salesforce[0];
  if (salesforce.length === 1 && only) {
    return { primary: { connectionId: only.id, name: only.name, resolvedBy: 'only_salesforce' } };
  }
  if (salesforce.length === 0) {
    return {
      reason:
        'Gainsight is a secondary CRM: connect Salesforce as the primary CRM and sync its accounts before Gainsight pulls can run.',
    };
  }
  return {
    reason: `${salesforce.length} Salesforce connections exist: choose the primary CRM in the Gainsight Common settings.`,
  };
}

/** The primary CRM's accounts pipelines (normally one), oldest first. */
export function accountsPipelines(host: Pick<FlowHost, 'pipelines'>, salesforceConnectionId: string) {
  return host.pipelines.list({ kinds: [ACCOUNTS_KIND], connectionId: salesforceConnectionId });
}

/**
 * Why a Gainsight pull may not run yet, or undefined: Gainsight only adds data to accounts the primary
 * CRM owns, so a primary CRM must be connected and its accounts sync must have completed once.
 */
export async function gateReason(host: Host, gainsightConnectionId: string): Promise<string | undefined> {
  const resolved = await resolvePrimary(host, gainsightConnectionId);
  if (!resolved.primary) return resolved.reason;
  const { primary } = resolved;
  const pipelines = await accountsPipelines(host, primary.connectionId);
  if (pipelines.length === 0) {
    return `Gainsight pulls wait for the primary CRM: create a Salesforce accounts pipeline for "${primary.name}" and run it.`;
  }
  if (!pipelines.some((p) => p.lastCompletedAt !== null)) {
    return `Gainsight pulls wait for the primary CRM: the accounts sync of "${primary.name}" has not completed yet.`;
  }
  return undefined;
}

/** What matching a Gainsight record to an account needs: the primary, and the GSID field to fall back on. */
export interface MatchSetup {
  gainsightConnectionId: string;
  primaryConnectionId: string;
  /** The Salesforce field the fallback compares (override, else Common). */
  gsidField: string;
  /** The field the accounts sync keeps as each account's key (compared on the indexed key when equal). */
  accountsGsidField: string | undefined;
}

const gsidOf = (pipeline: PipelineSummary | undefined) =>
  (pipeline?.settings as { fields?: { gsid?: string } } | undefined)?.fields?.gsid;

export async function matchSetup(host: Host, gainsightConnectionId: string, override?: string): Promise<MatchSetup> {
  const resolved = await resolvePrimary(host, gainsightConnectionId);
  if (!resolved.primary) throw new Error(resolved.reason);
  const common = await readCommon(host, gainsightConnectionId);
  const [pipeline] = await accountsPipelines(host, resolved.primary.connectionId);
  return {
    gainsightConnectionId,
    primaryConnectionId: resolved.primary.connectionId,
    gsidField: override || common.gsidField,
    accountsGsidField: gsidOf(pipeline),
  };
}

/**
 * Account fields the Gainsight pulls of every connection whose primary is this Salesforce connection
 * match on (Common GSID field and per-pull overrides): the accounts sync reads them too.
 */
export async function gsidFieldsWanted(host: Host, salesforceConnectionId: string): Promise<string[]> {
  const fields = new Set<string>();
  for (const { id } of await host.connections.list({ connectorId: 'gainsight' })) {
    const resolved = await resolvePrimary(host, id);
    if (resolved.primary?.connectionId !== salesforceConnectionId) continue;
    fields.add((await readCommon(host, id)).gsidField);
    for (const p of await host.pipelines.list({ kinds: GAINSIGHT_KINDS, connectionId: id })) {
      const override = (p.settings as { gsidField?: unknown } | null)?.gsidField;
      if (typeof override === 'string' && override) fields.add(override);
    }
  }
  return [...fields].sort();
}
