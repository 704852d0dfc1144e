import { ConnectorError, type WriterDefinition, type WriteResult } from '@synchub/core';
import { createPendoClient, type PendoWriteSummary } from './client.js';
import { type PreparedRow, prepareRow } from './metadata-values.js';
import type { PendoSecrets, PendoSettings } from './settings.js';

/**
 * Pendo documents no cap on rows per metadata write. 500 rows keep a body well under a megabyte for
 * typical custom fields and, at the connector's 60 calls a minute, move 30,000 accounts a minute.
 */
export const ACCOUNT_METADATA_BATCH = 500;

/**
 * Results of the rows Pendo judged. Pendo names only the missing accounts; other failures are just a
 * count. Unknown fields and bad values never reach it (refused before the call), so a remaining failure
 * means something changed in Pendo meanwhile (a field deleted…): when every row failed each one says so;
 * when only some did and Pendo does not say which, each non-missing row is marked failed as "maybe not
 * updated" — re-sending is safe, since values are set, not added.
 */
function judge(sent: PreparedRow[], summary: PendoWriteSummary): WriteResult[] {
  const missing = new Set(summary.missing);
  const found = sent.filter((row) => !missing.has(row.accountId));
  const unexplained = summary.failed - (sent.length - found.length);
  return sent.map((row): WriteResult => {
    if (missing.has(row.accountId)) {
      return {
        ok: false,
        error: { code: 'not_found', message: `Account ${row.accountId} was not found in Pendo`, body: summary },
      };
    }
    if (unexplained <= 0) return { ok: true, id: row.accountId };
    const all = unexplained >= found.length;
    return {
      ok: false,
      error: {
        code: all ? 'invalid_request' : 'unexpected',
        message: all
          ? `Pendo did not update account ${row.accountId} (it counted every row as failed without saying why)`
          : `Pendo reported ${unexplained} of ${found.length} rows failed without naming them; account ${row.accountId} may not have been updated`,
        body: summary,
      },
    };
  });
}

/**
 * Custom account metadata: records `{accountId, field: value…}` (field names bare, e.g. `healthscore`,
 * or as discovered, `metadata.custom.healthscore`). One call reads the account schema so values are
 * coerced to each field's type and unknown or read-only fields are refused by name before anything is
 * sent; a second call writes the rest. Result ids are the account ids.
 */
const accountMetadata: WriterDefinition<PendoSettings, PendoSecrets> = {
  name: 'account_metadata',
  object: 'account',
  description: 'Set custom account metadata fields (the fields must already exist in Pendo).',
  mode: 'update',
  batchSize: ACCOUNT_METADATA_BATCH,
  bucket: 'api',
  async write({ settings, secrets, ctx, records }) {
    if (records.length > ACCOUNT_METADATA_BATCH) {
      throw new ConnectorError(
        'invalid_request',
        `Pendo account metadata takes at most ${ACCOUNT_METADATA_BATCH} records per call, got ${records.length}`,
      );
    }
    if (records.length === 0) return [];
    const client = createPendoClient(settings, secrets, ctx);
    const schema = await client.accountSchema();
    const prepared = records.map((record) => prepareRow(record, schema));
    const sent = prepared.flatMap((p) => (p.ok ? [p.row] : []));
    const judged = sent.length === 0 ? [] : judge(sent, await client.writeAccountValues(sent));
    let next = 0;
    return prepared.map((p): WriteResult => {
      if (!p.ok) return { ok: false, error: { code: 'invalid_request', message: p.message } };
      const result = judged[next];
      next += 1;
      return result ?? { ok: false, error: { code: 'unexpected', message: 'Pendo gave no result for this row' } };
    });
  },
};

export const writers: Record<string, WriterDefinition<PendoSettings, PendoSecrets>> = {
  account_metadata: accountMetadata,
};
