import fs from 'node:fs';
import path from 'node:path';
import { DATABASE_FILE } from '@synchub/hub';
import SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { pluginHub } from './test-setup.js';

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field by the assertions
type Json = Record<string, any>;

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/**
 * A hub database as hubs from before the plugin left it, once today's hub has migrated it: its first
 * 0004 made `gainsight_companies` and `pull_common` (with rows), today's 0009 added an empty
 * `cs_companies`, and the plugin's migrations never ran.
 */
function toOldLayout(file: string) {
  const sqlite = new SQLite(file);
  try {
    const ddl = sqlite.prepare("SELECT sql FROM sqlite_master WHERE name IN ('cs_companies', 'cs_companies_account')");
    const statements = (ddl.all() as Array<{ sql: string }>).map((r) => r.sql);
    sqlite.exec('ALTER TABLE cs_companies RENAME TO gainsight_companies');
    sqlite.exec('DROP INDEX cs_companies_account');
    for (const statement of statements) sqlite.exec(statement);
    sqlite
      .prepare(
        `INSERT INTO gainsight_companies (connection_id, gsid, account_id, name, matched_by, fields_json, synced_at)
         VALUES ('gs-old', 'G-1', 'A-1', 'Old Co', 'gsid_field', '{"Stage":"Adopting"}', 1)`,
      )
      .run();
    sqlite.exec('DROP TABLE "migrations_gainsight-pulls"; DROP TABLE "migrations_gainsight-pulls_lock"');
    return sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
  } finally {
    sqlite.close();
  }
}

describe('a hub database from before the plugin', { timeout: 30_000 }, () => {
  it('keeps its Common settings and company rows (moved to the neutral table)', async () => {
    const first = await pluginHub();
    const created = await first.request('POST', '/api/connections', {
      connectorId: 'gainsight',
      name: 'Gainsight',
      settings: { domain: 'http://127.0.0.1:9', sandbox: true },
      secrets: { accessKey: 'key-0000' },
    });
    const gainsightId = ((await created.json()) as Json).connection.id as string;
    // The Common settings as the old hub kept them (its own table then, the plugin's now: same rows).
    const db = first.hub.db as unknown as Kysely<Record<string, Json>>;
    await db
      .insertInto('pull_common')
      .values({
        connection_id: gainsightId,
        primary_connection_id: null,
        gsid_field: 'Old_GSID__c',
        updated_at: 'then',
      })
      .execute();
    await db
      .insertInto('accounts')
      .values({ connection_id: 'sf-old', id: 'A-1', name: 'Acme', raw_json: '{}', synced_at: 1 })
      .execute();
    await first.hub.close();
    const before = toOldLayout(path.join(first.dataDir, DATABASE_FILE));
    expect(before).toContainEqual({ name: 'gainsight_companies' });

    const again = await pluginHub({ dataDir: first.dataDir });
    close = async () => {
      await again.close();
      fs.rmSync(first.dataDir, { recursive: true, force: true });
    };
    const tables = (await again.hub.db.introspection.getTables()).map((t) => t.name);
    expect(tables).toContain('cs_companies');
    expect(tables).not.toContain('gainsight_companies');
    const common = await again.request('GET', `/api/pulls/${gainsightId}/common`);
    expect(((await common.json()) as Json).common).toEqual({ primaryConnectionId: null, gsidField: 'Old_GSID__c' });
    const account = (await (await again.request('GET', '/api/accounts/A-1')).json()) as Json;
    expect(account.companies).toEqual([
      expect.objectContaining({ gsid: 'G-1', name: 'Old Co', matchedBy: 'gsid_field', fields: { Stage: 'Adopting' } }),
    ]);
  });
});
