import type { Db } from '../db/index.js';
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

export async function readCommon(db: Db, connectionId: string): Promise<PullCommon> {
  const row = await db
    .selectFrom('pull_common')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .executeTakeFirst();
  return { primaryConnectionId: row?.primary_connection_id ?? null, gsidField: row?.gsid_field ?? DEFAULT_GSID_FIELD };
}

export async function writeCommon(db: Db, connectionId: string, common: PullCommon, now: number): Promise<void> {
  const values = {
    primary_connection_id: common.primaryConnectionId,
    gsid_field: common.gsidField,
    updated_at: new Date(now).toISOString(),
  };
  await db
    .insertInto('pull_common')
    .values({ connection_id: connectionId, ...values })
    .onConflict((oc) => oc.column('connection_id').doUpdateSet(values))
    .execute();
}

/** The primary CRM of a Gainsight connection, or why there is none. */
export async function resolvePrimary(
  db: Db,
  gainsightConnectionId: string,
): Promise<{ primary: PrimaryCrm } | { primary?: undefined; reason: string }> {
  const { primaryConnectionId } = await readCommon(db, gainsightConnectionId);
  const salesforce = await db
    .selectFrom('connections')
    .select(['id', 'name'])
    .where('connector_id', '=', 'salesforce')
    .orderBy('created_at')
    .execute();
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

/** The primary CRM's accounts pipelines (normally one). */
export async function accountsPipelines(db: Db, salesforceConnectionId: string) {
  return db
    .selectFrom('pipelines')
    .select(['id', 'name', 'settings_json'])
    .where('kind', '=', ACCOUNTS_KIND)
    .where('connection_id', '=', salesforceConnectionId)
    .orderBy('created_at')
    .execute();
}

/**
 * Why a Gainsight pull may not run yet, or undefined: Gainsight only adds data to accounts the primary
 * CRM owns, so a primary CRM must be connected and its accounts sync must have completed once.
 */
export async function gateReason(db: Db, gainsightConnectionId: string): Promise<string | undefined> {
  const resolved = await resolvePrimary(db, gainsightConnectionId);
  if (!resolved.primary) return resolved.reason;
  const { primary } = resolved;
  const pipelines = await accountsPipelines(db, primary.connectionId);
  if (pipelines.length === 0) {
    return `Gainsight pulls wait for the primary CRM: create a Salesforce accounts pipeline for "${primary.name}" and run it.`;
  }
  const completed = await db
    .selectFrom('runs')
    .select('id')
    .where(
      'pipeline_id',
      'in',
      pipelines.map((p) => p.id),
    )
    .where('status', '=', 'completed')
    .limit(1)
    .executeTakeFirst();
  if (!completed) {
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
  /** The field the accounts sync keeps in `accounts.gsid` (compared on the indexed column when equal). */
  accountsGsidField: string | undefined;
}

export async function matchSetup(db: Db, gainsightConnectionId: string, override?: string): Promise<MatchSetup> {
  const resolved = await resolvePrimary(db, gainsightConnectionId);
  if (!resolved.primary) throw new Error(resolved.reason);
  const common = await readCommon(db, gainsightConnectionId);
  const [pipeline] = await accountsPipelines(db, resolved.primary.connectionId);
  const settings = pipeline ? (JSON.parse(pipeline.settings_json) as { fields?: { gsid?: string } }) : undefined;
  return {
    gainsightConnectionId,
    primaryConnectionId: resolved.primary.connectionId,
    gsidField: override || common.gsidField,
    accountsGsidField: settings?.fields?.gsid,
  };
}

/**
 * Account fields the Gainsight pulls of every connection whose primary is this Salesforce connection
 * match on (Common GSID field and per-pull overrides): the accounts sync reads them too.
 */
export async function gsidFieldsWanted(db: Db, salesforceConnectionId: string): Promise<string[]> {
  const fields = new Set<string>();
  const gainsight = await db.selectFrom('connections').select('id').where('connector_id', '=', 'gainsight').execute();
  for (const { id } of gainsight) {
    const resolved = await resolvePrimary(db, id);
    if (resolved.primary?.connectionId !== salesforceConnectionId) continue;
    fields.add((await readCommon(db, id)).gsidField);
    const pulls = await db
      .selectFrom('pipelines')
      .select('settings_json')
      .where('connection_id', '=', id)
      .where('kind', 'in', GAINSIGHT_KINDS)
      .execute();
    for (const p of pulls) {
      const override = (JSON.parse(p.settings_json) as { gsidField?: unknown }).gsidField;
      if (typeof override === 'string' && override) fields.add(override);
    }
  }
  return [...fields].sort();
}
