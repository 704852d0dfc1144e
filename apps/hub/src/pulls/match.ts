import { type Db, sqliteOf } from '../db/index.js';
import type { DryRun } from '../pipelines/kind.js';
import type { MatchSetup } from './common.js';

/**
 * Matching a Gainsight record to an account of the primary CRM (never creating one):
 *  1. direct — the account the record's company (GsCompanyId) is already linked to: the company pull
 *     links each Gainsight company to an account (by its SfdcAccountId, else by the GSID field);
 *  2. fallback — the account whose Salesforce GSID field (Common setting, or the pull's override)
 *     holds that GsCompanyId.
 * A record neither finds is skipped, counted with its reason and listed in the run's details.
 */
export type Match = { accountId: string; by: 'link' | 'gsid_field' | 'sfdc_account_id' } | { reason: string };

export const REASONS = {
  noCompany: 'no GsCompanyId on the record',
  noAccount: 'no account for the GsCompanyId',
  noCompanyAccount: 'no account for the company',
} as const;

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

export function createMatcher(db: Db, setup: MatchSetup) {
  const sqlite = sqliteOf(db);
  const { gainsightConnectionId: gs, primaryConnectionId: crm, gsidField } = setup;
  const linked = sqlite.prepare(
    `SELECT a.id AS id FROM gainsight_companies g JOIN accounts a ON a.connection_id = ? AND a.id = g.account_id
     WHERE g.connection_id = ? AND g.gsid = ?`,
  );
  // The accounts sync keeps its GSID field in an indexed column; any other field is read from raw_json.
  const byField =
    gsidField === setup.accountsGsidField
      ? sqlite.prepare('SELECT id FROM accounts WHERE connection_id = ? AND gsid = ? ORDER BY id LIMIT 1')
      : sqlite.prepare(
          `SELECT id FROM accounts WHERE connection_id = ? AND json_extract(raw_json, '$."${gsidField.replace(/"/g, '')}"') = ? ORDER BY id LIMIT 1`,
        );
  const byId = sqlite.prepare('SELECT id FROM accounts WHERE connection_id = ? AND id = ?');
  const cache = new Map<string, Match>();
  const remember = (key: string, match: Match) => {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, match);
    return match;
  };
  const first = (statement: typeof byId, ...args: unknown[]) =>
    (statement.get(...args) as { id: string } | undefined)?.id;
  const fallback = (gsid: string) => first(byField, crm, gsid);

  /** A record's company GSID → account (direct link, else the GSID field). */
  const company = (gsid: unknown): Match => {
    if (typeof gsid !== 'string' || gsid.trim() === '') return { reason: REASONS.noCompany };
    const cached = cache.get(gsid);
    if (cached) return cached;
    const direct = first(linked, crm, gs, gsid);
    if (direct) return remember(gsid, { accountId: direct, by: 'link' });
    const viaField = fallback(gsid);
    if (viaField) return remember(gsid, { accountId: viaField, by: 'gsid_field' });
    return remember(gsid, { reason: REASONS.noAccount });
  };

  return {
    gsidField,
    company,
    /** A Gainsight company → account: its SfdcAccountId (Gainsight's own Salesforce link), else the GSID field. */
    companyRecord(gsid: string, sfdcAccountId: unknown): Match {
      const id = typeof sfdcAccountId === 'string' ? salesforceId18(sfdcAccountId.trim()) : undefined;
      const direct = id ? first(byId, crm, id) : undefined;
      if (direct) return { accountId: direct, by: 'sfdc_account_id' };
      const viaField = fallback(gsid);
      if (viaField) return { accountId: viaField, by: 'gsid_field' };
      return { reason: REASONS.noCompanyAccount };
    },
    /** An aggregate key: a company GSID, or a Salesforce Account Id. */
    key(value: unknown): Match {
      if (typeof value !== 'string' || value.trim() === '') return { reason: REASONS.noCompany };
      const cacheKey = `key:${value}`;
      const cached = cache.get(cacheKey);
      if (cached) return cached;
      const id = salesforceId18(value.trim());
      const direct = id ? first(byId, crm, id) : undefined;
      if (direct) return remember(cacheKey, { accountId: direct, by: 'sfdc_account_id' });
      return remember(cacheKey, company(value));
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
