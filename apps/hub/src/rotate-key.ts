import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createSecretBox, KEY_FILE, loadOrCreateKey, NEXT_KEY_FILE, parseKey } from './crypto.js';
import type { Db } from './db/index.js';
import { sql } from 'kysely';
import { isPostgres, sqliteOf } from './db/index.js';

export interface RotateResult {
  connections: number;
  alertRules: number;
  keyId: string;
  keySource: 'file' | 'env';
}

/**
 * Re-encrypt every stored secret under a new key. Crash-safe in this order: the new key is written
 * beside the old one first, then all secrets are re-encrypted in one transaction, then the new key
 * replaces the old file. A hub started in between can read both keys. Run it with the hub stopped.
 *
 * With SYNCHUB_SECRET_KEY (no key file), the new key must come from `newKey` (SYNCHUB_NEW_SECRET_KEY);
 * afterwards the hub must be started with SYNCHUB_SECRET_KEY set to it.
 */
export function rotateSecretKey(
  db: Db,
  dataDir: string,
  options: { fromEnv?: string | undefined; newKey?: string | undefined },
): RotateResult | Promise<RotateResult> {
  const { key: oldKey, others } = loadOrCreateKey(dataDir, options.fromEnv);
  const envMode = Boolean(options.fromEnv);
  if (envMode && !options.newKey) {
    throw new Error(
      'SYNCHUB_SECRET_KEY is set: give the new key in SYNCHUB_NEW_SECRET_KEY (64 hex characters or base64)',
    );
  }
  const newKey = options.newKey ? parseKey(options.newKey) : randomBytes(32);
  const nextFile = path.join(dataDir, NEXT_KEY_FILE);
  if (!envMode) fs.writeFileSync(nextFile, `${newKey.toString('hex')}\n`, { mode: 0o600 });

  const reader = createSecretBox(oldKey, [...others, newKey]);
  const writer = createSecretBox(newKey);
  if (isPostgres(db)) {
    // PostgreSQL answers asynchronously; the order (new key beside, one transaction, rename) is the same.
    return db
      .transaction()
      .execute(async (trx) => {
        const rows = await trx.selectFrom('connections').select(['id', 'secrets_enc']).execute();
        const { rows: alertRows } = await sql<{
          id: string;
          secrets_enc: string;
        }>`SELECT id, secrets_enc FROM alert_rules WHERE secrets_enc IS NOT NULL`.execute(trx);
        for (const r of rows)
          await trx
            .updateTable('connections')
            .set({ secrets_enc: writer.seal(reader.open(r.secrets_enc)) })
            .where('id', '=', r.id)
            .execute();
        for (const r of alertRows)
          await sql`UPDATE alert_rules SET secrets_enc = ${writer.seal(reader.open(r.secrets_enc))} WHERE id = ${r.id}`.execute(
            trx,
          );
        return { connections: rows.length, alertRules: alertRows.length };
      })
      .then((counts) => {
        if (!envMode) fs.renameSync(nextFile, path.join(dataDir, KEY_FILE));
        return { ...counts, keyId: writer.keyId, keySource: envMode ? 'env' : 'file' };
      });
  }
  const sqlite = sqliteOf(db);
  const rows = sqlite.prepare('SELECT id, secrets_enc FROM connections').all() as Array<{
    id: string;
    secrets_enc: string;
  }>;
  const update = sqlite.prepare('UPDATE connections SET secrets_enc = ? WHERE id = ?');
  // Alert rules seal their SMTP password the same way (migration 0010).
  const alertRows = sqlite
    .prepare('SELECT id, secrets_enc FROM alert_rules WHERE secrets_enc IS NOT NULL')
    .all() as Array<{
    id: string;
    secrets_enc: string;
  }>;
  const updateAlert = sqlite.prepare('UPDATE alert_rules SET secrets_enc = ? WHERE id = ?');
  sqlite.transaction(() => {
    for (const r of rows) update.run(writer.seal(reader.open(r.secrets_enc)), r.id);
    for (const r of alertRows) updateAlert.run(writer.seal(reader.open(r.secrets_enc)), r.id);
  })();
  if (!envMode) fs.renameSync(nextFile, path.join(dataDir, KEY_FILE));
  return {
    connections: rows.length,
    alertRules: alertRows.length,
    keyId: writer.keyId,
    keySource: envMode ? 'env' : 'file',
  };
}
