import type { CustomerStore, DryRun } from '@synchub/core';
import type { MatchSetup } from './common.js';

/**
 * Matching a Gainsight record to an account of the primary CRM (never creating one):
 *  1. direct — the account the record's company (GsCompanyId) is already linked to: the company pull
 *     links each Gainsight company to an account (by its SfdcAccountId, else by the GSID field);
 *  2. fallback — the account whose Salesforce GSID field (Common setting, or the pull's override)
 *     holds that GsCompanyId.
 * A record neither finds is skipped, counted with its reason and listed in the run's details.
 *
 * The customer store answers in batches: a pull hands the matcher a page's values (`prepare`), one
 * store call per kind of lookup, then matches each record synchronously from what it learnt.
 */
export type Match = { accountId: string; by: 'link' | 'gsid_field' | 'sfdc_account_id' } | { reason: string };

export const REASONS = {
  noCompany: 'no GsCompanyId on the record',
  noAccount: 'no account for the GsCompanyId',
  noCompanyAccount: 'no account for the company',
} as const;

/** Values remembered across pages before the maps start over (a page never holds more than 3 × 5000). */
const CACHE_LIMIT = 50_000;
const CHECKSUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** A Salesforce id in its 18-character form (15-character ids are case-sensitive; 18 are not). */
export function salesforceId18(id: string): string | undefined {
  if (!/^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/.test(id)) return undefined;
  if (id.length === 18) return id;
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let flags = 0;
    for (let j = 0; j < 5; j++) {
      const c = id[chunk * 5 + j] ?? '';
      if (c >= 'A' && c <= 'Z') flags |= 1 << j;
    }
    suffix += CHECKSUM[flags];
  }
  return id + suffix;
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const idOf = (value: unknown) => (typeof value === 'string' ? salesforceId18(value.trim()) : undefined);

/** What a page will ask the matcher: company GSIDs, company records (GSID + SfdcAccountId), aggregate keys. */
export interface PageValues {
  companies?: Iterable<unknown>;
  companyRecords?: Iterable<[gsid: string, sfdcAccountId: unknown]>;
  keys?: Iterable<unknown>;
}

export function createMatcher(customers: CustomerStore, setup: MatchSetup) {
  const { gainsightConnectionId, primaryConnectionId, gsidField } = setup;
  // The accounts sync keeps its GSID field as each account's (indexed) key; any other field is read raw.
  const by = gsidField === setup.accountsGsidField ? ('key' as const) : { field: gsidField };
  /** Value → account id, or null when the store has none. */
  const linked = new Map<string, string | null>();
  const byField = new Map<string, string | null>();
  const byId = new Map<string, string | null>();

  const learn = async (
    cache: Map<string, string | null>,
    values: Iterable<string>,
    find: (missing: string[]) => Promise<Map<string, string>>,
  ) => {
    const missing = [...new Set(values)].filter((v) => !cache.has(v));
    if (missing.length === 0) return;
    const found = await find(missing);
    for (const v of missing) cache.set(v, found.get(v) ?? null);
  };
  const learnIds = (ids: Iterable<string>) =>
    learn(byId, ids, (values) => customers.findAccounts({ connectionId: primaryConnectionId, by: 'id', values }));
  const learnFields = (values: Iterable<string>) =>
    learn(byField, values, (missing) =>
      customers.findAccounts({ connectionId: primaryConnectionId, by, values: missing }),
    );
  const learnCompanies = async (gsids: string[]) => {
    await learn(linked, gsids, (companyIds) =>
      customers.linkedAccounts({
        connectionId: gainsightConnectionId,
        accountConnectionId: primaryConnectionId,
        companyIds,
      }),
    );
    await learnFields(gsids.filter((g) => linked.get(g) === null));
  };

  const known = (cache: Map<string, string | null>, value: string) => {
    const found = cache.get(value);
    if (found === undefined) throw new Error(`Matcher: ${value} was not prepared`);
    return found;
  };

  /** A record's company GSID → account (direct link, else the GSID field). */
  const company = (gsid: unknown): Match => {
    if (!nonEmpty(gsid)) return { reason: REASONS.noCompany };
    const direct = known(linked, gsid);
    if (direct) return { accountId: direct, by: 'link' };
    const viaField = known(byField, gsid);
    if (viaField) return { accountId: viaField, by: 'gsid_field' };
    return { reason: REASONS.noAccount };
  };

  return {
    gsidField,
    /** Look up what the page's records will ask (one store call per kind of lookup). */
    async prepare(page: PageValues): Promise<void> {
      if (linked.size + byField.size + byId.size > CACHE_LIMIT) {
        for (const cache of [linked, byField, byId]) cache.clear();
      }
      const companies = [...(page.companies ?? [])].filter(nonEmpty);
      const records = [...(page.companyRecords ?? [])];
      const keys = [...(page.keys ?? [])].filter(nonEmpty);
      await learnIds(
        [...records.map(([, sfdc]) => idOf(sfdc)), ...keys.map(idOf)].filter((id): id is string => id !== undefined),
      );
      await learnFields(records.map(([gsid]) => gsid));
      // A key that is no account id is a company GSID.
      const keyCompanies = keys.filter((k) => {
        const id = idOf(k);
        return !id || !byId.get(id);
      });
      await learnCompanies([...companies, ...keyCompanies]);
    },
    company,
    /** A Gainsight company → account: its SfdcAccountId (Gainsight's own Salesforce link), else the GSID field. */
    companyRecord(gsid: string, sfdcAccountId: unknown): Match {
      const id = idOf(sfdcAccountId);
      const direct = id ? known(byId, id) : null;
      if (direct) return { accountId: direct, by: 'sfdc_account_id' };
      const viaField = known(byField, gsid);
      if (viaField) return { accountId: viaField, by: 'gsid_field' };
      return { reason: REASONS.noCompanyAccount };
    },
    /** An aggregate key: a company GSID, or a Salesforce Account Id. */
    key(value: unknown): Match {
      if (!nonEmpty(value)) return { reason: REASONS.noCompany };
      const id = idOf(value);
      const direct = id ? known(byId, id) : null;
      if (direct) return { accountId: direct, by: 'sfdc_account_id' };
      return company(value);
    },
  };
}

export type Matcher = ReturnType<typeof createMatcher>;

/**
 * How a pull reports a record it could not match: counted by reason, listed (up to 100) with its ids;
 * a preview shows it as not stored, with the reason.
 */
export function reportUnmatched(
  run: {
    count(kind: 'skipped', n: number, reason: string): void;
    note(key: string, item: unknown): void;
    dryRun?: DryRun | undefined;
  },
  match: { reason: string },
  record: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): void {
  run.count('skipped', 1, match.reason);
  run.note('unmatched', { gsid: record.Gsid ?? null, ...extra, reason: match.reason });
  run.dryRun?.sample(record, null, match.reason);
}
