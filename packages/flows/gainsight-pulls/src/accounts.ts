import { type AccountRow, definePipelineKind, previewPages, previewPageSize } from '@synchub/core';
import { ACCOUNTS_KIND, gsidFieldsWanted } from './common.js';
import { type AccountsSettings, accountsSettings } from './settings.js';
import { storePage } from './store.js';
import { num, SCHEDULES, text, valueAt } from './values.js';
import { crmFieldProblem, describeObjects, readStream } from './vendor.js';

/** `https://www.Acme.example.com/about` → `acme.example.com`. */
export function domainOf(value: unknown): string | null {
  const raw = text(value)?.trim().toLowerCase();
  if (!raw) return null;
  let host = raw;
  try {
    host = raw.includes('://') ? new URL(raw).hostname : (raw.split('/')[0] ?? raw);
  } catch {
    /* not a URL: keep the text */
  }
  return host.replace(/^www\./, '') || null;
}

function dateOnly(value: unknown): string | null {
  const t = text(value);
  return t && /^\d{4}-\d{2}-\d{2}/.test(t) ? t.slice(0, 10) : t;
}

export function toAccount(
  connectionId: string,
  record: Record<string, unknown>,
  fields: AccountsSettings['fields'],
  at: number,
): AccountRow {
  return {
    connectionId,
    id: String(record.Id),
    name: text(valueAt(record, fields.name)),
    domain: domainOf(valueAt(record, fields.domain)),
    parentId: text(valueAt(record, fields.parent)),
    arr: num(valueAt(record, fields.arr)),
    renewalDate: dateOnly(valueAt(record, fields.renewalDate)),
    ownerId: text(valueAt(record, fields.owner)),
    key: text(valueAt(record, fields.gsid)),
    modifiedStamp: text(record.SystemModstamp),
    raw: record,
    syncedAt: at,
  };
}

/** The pipeline's cursor: the stream's cursor plus the fields it was read with. */
interface AccountsCursor {
  stream: string | null;
  fields: string[];
}

function parseCursor(cursor: string | null): AccountsCursor | null {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(cursor) as Partial<AccountsCursor>;
    return Array.isArray(parsed.fields) ? { stream: parsed.stream ?? null, fields: parsed.fields } : null;
  } catch {
    return null;
  }
}

export const accountsKind = definePipelineKind({
  kind: ACCOUNTS_KIND,
  title: 'Salesforce accounts (primary CRM)',
  description:
    'Canonical accounts from Salesforce (domain, parent, ARR, renewal date, owner, Gainsight GSID field), read incrementally on SystemModstamp. Gainsight pulls wait until this has synced.',
  group: 'Primary CRM',
  connectorId: 'salesforce',
  settings: accountsSettings,
  defaultSchedule: SCHEDULES.hourly,

  async validate({ settings, connectionId, connectionOf }) {
    const crm = await connectionOf(connectionId);
    const [account] = (await describeObjects(crm, ['Account'])).values();
    if (!account) return [{ path: 'connectionId', message: 'this Salesforce org has no Account object' }];
    const named: Array<[string, string]> = [
      ...Object.entries(settings.fields).map(([key, field]): [string, string] => [`settings.fields.${key}`, field]),
      ...settings.extraFields.map((field, i): [string, string] => [`settings.extraFields.${i}`, field]),
    ];
    return named.flatMap(([path, field]) => {
      const problem = crmFieldProblem(account, field);
      return problem ? [{ path, message: problem }] : [];
    });
  },

  async run(run) {
    const { settings } = run;
    // The GSID fields the Gainsight pulls match on are read too, so matching can use any of them.
    const own = [...Object.values(settings.fields), ...settings.extraFields];
    let wanted = (await gsidFieldsWanted(run.host, run.connection.id)).filter((f) => !own.includes(f));
    if (wanted.length > 0) {
      // Only fields the org has: a stale Common setting must not break the primary CRM's sync.
      const [account] = (await describeObjects(run.connection, ['Account'])).values();
      const missing = account ? wanted.filter((f) => crmFieldProblem(account, f)) : [];
      if (missing.length > 0) run.detail('missingGsidFields', missing);
      wanted = wanted.filter((f) => !missing.includes(f));
    }
    const byLower = new Map<string, string>();
    for (const f of [...own, ...wanted]) {
      if (!byLower.has(f.toLowerCase())) byLower.set(f.toLowerCase(), f);
    }
    const fields = [...byLower.values()];
    let saved = parseCursor(run.cursor);
    if (saved && !fields.every((f) => saved?.fields.some((s) => s.toLowerCase() === f.toLowerCase()))) {
      // A field was added (e.g. a new GSID override): the accounts read before lack it, so read all again.
      run.detail('fullResync', 'Account fields changed since the last sync: every account is read again');
      saved = null;
    }
    run.detail('fields', fields);
    const pageSize = previewPageSize(run, settings.pageSize);
    const options = { object: 'Account', fields, ...(pageSize ? { pageSize } : {}) };
    const pages = previewPages(run, readStream(run.connection, 'accounts', options, saved?.stream ?? null));
    for await (const page of pages) {
      const at = run.now();
      const rows = page.records.map((r) => toAccount(run.connection.id, r, settings.fields, at));
      run.count('read', page.records.length);
      run.count('written', rows.length);
      if (run.dryRun) {
        // The row without `raw`: that is the record itself, shown as `before`.
        for (const [i, { raw: _raw, ...row }] of rows.entries()) run.dryRun.sample(page.records[i], row);
      }
      await storePage(run, JSON.stringify({ stream: page.cursor, fields }), [{ type: 'accounts', rows }]);
    }
  },
});
